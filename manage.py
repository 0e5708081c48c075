#!/usr/bin/env python
"""Manage the sandbox site (development settings unless DJANGO_SETTINGS_MODULE says else)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sandbox.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
