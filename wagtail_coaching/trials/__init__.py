"""Trials and visits for prospects: the public request page (``pages``), the requests and what
became of them (``models``), scheduling, guest links, rooms and conversion into a client
space (``rules``), the guest's and coach's room pages (``views``), the staff's screens
(``admin``) and the settings checks (``checks``). Uses spaces and sessions.
"""
