"""Privacy: a participant's rights over a whole space, across every domain that keeps content
in it: the zip export (``export``, ``views``) and erasure once the retention period is over
(``erasure``, with its admin action in ``admin``). Uses spaces, sessions and programmes.
"""
