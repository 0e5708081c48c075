"""Conversations: the messages a space's participants write to each other between sessions,
encrypted under the space's key, with who has read what."""
