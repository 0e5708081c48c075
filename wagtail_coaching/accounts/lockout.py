"""The page shown when django-axes locks a login (``AXES_LOCKOUT_CALLABLE``).

It says what happened, for how long and who can unlock, in the reader's language, and never
whether the account exists: any username is locked the same way. The admin's login gets a
page that looks like Wagtail's; the site's login a page inside the site's base template.
"""

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from wagtail_coaching.spaces.rendering import render_page

SITE_TEMPLATE = "wagtail_coaching/accounts/locked_out.html"
ADMIN_TEMPLATE = "wagtail_coaching/accounts/admin_locked_out.html"


def is_admin_login(request):
    try:
        return request.path == reverse("wagtailadmin_login")
    except NoReverseMatch:
        return False


def lockout_context(request):
    cool_off = get_cool_off(request)
    return {
        "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }


def lockout_response(request, original_response=None, credentials=None):
    """The 429 page of a locked login: ``AXES_LOCKOUT_CALLABLE`` points here."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    context = lockout_context(request)
    if is_admin_login(request):
        return render(request, ADMIN_TEMPLATE, context, status=status)
    return render_page(request, SITE_TEMPLATE, context, status=status)
