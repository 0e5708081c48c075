"""Spaces: the locked offices and everything kept inside them.

Organisations and client spaces (``models``); who may enter (``lock``, ``roles``); the gate
every space URL goes through (``gate``) and the coaching contract (``contracts``); encryption
at rest (``crypto``, ``keys``); notes, goals and documents (``content``, ``documents``,
``uploads``); the access log (``audit``); what happens when an account is deleted
(``deletion``); the participant's preferences (``preferences``). This domain uses no other.
"""
