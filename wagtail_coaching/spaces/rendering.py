"""Rendering a site page of the app inside the site's base template."""

from django.shortcuts import render

from wagtail_coaching.conf import get_setting


def render_page(request, template_names, context, status=None):
    """``render``, with the base template the site chose (``WAGTAIL_COACHING_BASE_TEMPLATE``)
    in the context as ``coaching_base_template``."""
    context["coaching_base_template"] = get_setting("BASE_TEMPLATE")
    return render(request, template_names, context, status=status)
