"""What is new in a person's spaces: the in-app list and the e-mails that point to it.

A notification holds a kind, a space and a time, never anything written in the space: its
title and its e-mail are made from the kind alone.
"""
