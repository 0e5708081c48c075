"""Confidential online professional coaching for Wagtail sites."""

__version__ = "0.1.0.dev0"
