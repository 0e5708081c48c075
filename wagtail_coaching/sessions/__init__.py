"""Sessions: the meetings of a space and the video room they happen in.

Planning with calendar invitations (``planning``, ``ical``), the participant's calendar feed
and preferences (``calendar_views``), Jitsi tokens (``jitsi``), the room page and its
presence measures (``views``, ``presence``), the shared paper board (``board``,
``board_views``) and the room's documents panel (``room_documents``); the staff's session
screens (``admin``). Uses the spaces domain; nothing below it uses this one.
"""
