"""Programmes: the programme and module pages editors write (``pages``), followed by a coachee
in their space: progress and the figures it adds up to (``progress``), answers to a module's
prompts (``answers``), the journey drawn from them (``journey``) and the space's programme
pages (``views``). The StreamField blocks stay in ``wagtail_coaching.blocks``. Uses spaces and
sessions.
"""
