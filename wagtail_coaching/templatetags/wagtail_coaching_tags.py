from django import template

from ..models import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user):
    """The name shown for a user: full name, else username."""
    return _display_name(user) if user else ""


@register.filter
def minutes(value):
    """``135`` → ``"2 h 15 min"``, translated."""
    from ..journey import format_minutes

    return format_minutes(value)


@register.simple_tag
def space_goals(space):
    """The goals of ``space``, decrypted with its data key (one query, one key unwrap)."""
    from ..content import goals_of

    goals = list(goals_of(space))
    for goal in goals:
        goal.space = space
    return goals
