import json as _json

from django import template
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from wagtail_coaching import compat
from wagtail_coaching.notifications import inbox
from wagtail_coaching.programmes.journey import format_minutes
from wagtail_coaching.spaces import admin_scripts
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


# --- Pieces of the site's page frame ----------------------------------------------------------
# The app's base template renders these inside its own content block, so that any host base
# template works; a host template may render them earlier (in its header, its <head>). Each
# is rendered once per page, wherever it comes first.


def _first_time(context, name):
    shown = context.render_context.setdefault("wagtail_coaching_shown", set())
    if name in shown:
        return False
    shown.add(name)
    return True


def _url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@register.simple_tag(takes_context=True)
def coaching_stylesheet(context):
    """The app's stylesheet, for a host template's ``<head>`` (or the app's content block)."""
    if not _first_time(context, "stylesheet"):
        return ""
    href = static("wagtail_coaching/css/coaching.css")
    return format_html('<link rel="stylesheet" href="{}">', href)


@register.simple_tag(takes_context=True)
def coaching_messages(context):
    """Django's messages of this request ("Note saved"...), as a polite status list."""
    request = context.get("request")
    if request is None or not _first_time(context, "messages"):
        return ""
    return render_to_string(
        "wagtail_coaching/includes/messages.html", {"messages": get_messages(request)}
    )


@register.simple_tag(takes_context=True)
def coaching_account_links(context):
    """ "My coaching", "What's new" (with the count not seen yet) and a log-out button for a
    logged-in user, a log-in link otherwise."""
    request = context.get("request")
    if request is None or not _first_time(context, "account"):
        return ""
    return render_to_string(
        "wagtail_coaching/includes/account_links.html",
        {
            "user": getattr(request, "user", None),
            "my_coaching_url": _url_or_none("wagtail_coaching:my_coaching"),
            "news_url": _url_or_none("wagtail_coaching:notifications"),
            "news_count": inbox.unseen_count(getattr(request, "user", None)),
            "logout_url": _url_or_none("logout"),
            "login_url": _url_or_none("login"),
            "next": request.get_full_path(),
        },
        request=request,
    )


@register.simple_tag(takes_context=True)
def coaching_csp_nonce(context):
    """The request's Content-Security-Policy nonce, for ``<script nonce="…">``."""
    request = context.get("request")
    return compat.csp_nonce(request) if request is not None else ""


@register.simple_tag
def coaching_admin_init(name, *args, json=None):
    """The inert element that has the admin script call ``name(*args, <json parsed>)`` (see
    ``spaces.admin_scripts``): ``json`` is the JSON text Wagtail's template would have parsed
    in its inline script."""
    if json is not None:
        args = (*args, _json.loads(json))
    return admin_scripts.init_element(name, *args)
