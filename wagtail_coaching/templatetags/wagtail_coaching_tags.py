from django import template

from wagtail_coaching.programmes.journey import format_minutes
from wagtail_coaching.spaces.content import goals_of
from wagtail_coaching.spaces.models import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user):
    """The name shown for a user: full name, else username."""
    return _display_name(user) if user else ""


@register.filter
def minutes(value):
    """``135`` → ``"2 h 15 min"``, translated."""
    return format_minutes(value)


@register.simple_tag
def space_goals(space):
    """The goals of ``space``, decrypted with its data key (one query, one key unwrap)."""
    goals = list(goals_of(space))
    for goal in goals:
        goal.space = space
    return goals
