"""Wagtail's admin without inline scripts: what Wagtail 8 starts with an inline ``<script>``
is written as inert JSON here, and ``wagtail_coaching/admin_init.js`` starts it.

Wagtail 8 writes five kinds of inline script in the admin: the chooser widgets
(``BaseChooser.render``: page, image, document, snippet, task choosers), the date, time and
date-time widgets (``wagtailadmin/widgets/*_input.html``), and the inline and multiple-chooser
panels (``wagtailadmin/panels/*.html``). A nonce cannot cover them all: widgets are drawn
without the request, and chooser modals and inline panels' new forms arrive after the page,
with another response's nonce or none. So each becomes a
``<script type="application/json" data-coaching-admin-init>`` element naming one of the
:data:`CALLS` and its arguments, which a browser never runs; the admin script, loaded from
the site (``script-src 'self'``), makes the call when the element appears, in the page or
later. Injected markup can at most start one more Wagtail widget.

Our template overrides (``templates/wagtailadmin/``) cover the widgets and panels;
:func:`install` replaces ``BaseChooser.render`` (called once, from the app's ``ready``).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

SCRIPT = "wagtail_coaching/admin_init.js"

# What the admin script may call: constructors (``new``) and functions, by their global name.
NEW = "new"
CALL = "call"
CALLS = {
    "Chooser": NEW,
    "PageChooser": NEW,
    "ImageChooser": NEW,
    "DocumentChooser": NEW,
    "SnippetChooser": NEW,
    "InlinePanel": NEW,
    "MultipleChooserPanel": NEW,
    "createTaskChooser": CALL,
    "initDateChooser": CALL,
    "initTimeChooser": CALL,
    "initDateTimeChooser": CALL,
}

# As Django's json_script: nothing in the data can close the element.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def init_element(name, *args):
    """The inert element that has the admin script call ``name(*args)`` (``new`` for
    constructors). ``name`` must be one of :data:`CALLS`."""
    if name not in CALLS:
        raise ValueError(f"{name!r} is not a call the admin script makes")
    data = json.dumps({CALLS[name]: name, "args": list(args)}, cls=DjangoJSONEncoder)
    return format_html(
        '<script type="application/json" data-coaching-admin-init>{}</script>',
        mark_safe(data.translate(_ESCAPES)),  # noqa: S308 - JSON, escaped above
    )


_ORIGINAL_RENDER = BaseChooser.render


def _chooser_call(widget, id_, name, value_data):
    # AdminTaskChooser starts with a function of its own; every other chooser is a class
    # named by js_constructor, given the id and the options.
    if isinstance(widget, AdminTaskChooser):
        return init_element("createTaskChooser", id_)
    return init_element(
        widget.js_constructor, id_, widget.get_js_init_options(id_, name, value_data)
    )


def _render_chooser(self, name, value, attrs=None, renderer=None):
    # BaseChooser.render, with the inert element in place of its inline script. A chooser
    # of another app that starts in its own way keeps Wagtail's (the policy then blocks it).
    starts_its_own_way = type(self).render_js_init is not BaseChooser.render_js_init
    if self.js_constructor not in CALLS or (
        starts_its_own_way and not isinstance(self, AdminTaskChooser)
    ):
        return _ORIGINAL_RENDER(self, name, value, attrs, renderer)
    try:
        id_ = attrs["id"]
    except (KeyError, TypeError) as e:
        raise TypeError("BaseChooser cannot be rendered without an 'id' attribute") from e
    value_data = self.get_value_data(value)
    return mark_safe(  # noqa: S308 - both parts escaped where they are made
        self.render_html(name, value_data, attrs) + _chooser_call(self, id_, name, value_data)
    )


def admin_script_tag():
    """For Wagtail's ``insert_global_admin_js`` hook: the admin script, deferred so that it
    runs once the page and the widgets' own scripts are loaded."""
    return format_html('<script src="{}" defer></script>', versioned_static(SCRIPT))


def install():
    """Draw Wagtail's chooser widgets with the inert element (idempotent)."""
    BaseChooser.render = _render_chooser
