"""Dashboard: the pages that gather every domain for a participant: "My coaching" and a
space's front door (``views``). Uses every other domain; none uses it.
"""
