"""Content-Security-Policy: the strict policy of space pages, the site's and the admin's."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from wagtail_coaching import compat
from wagtail_coaching.checks import (
    admin_template_order_errors,
    check_admin_template_order,
    check_content_security_policy,
)
from wagtail_coaching.privacy import background

from .conftest import accept_contract
from .programmes import make_programme

pytestmark = pytest.mark.django_db


def directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ") if part.strip()}


@pytest.fixture
def inside(client, world):
    accept_contract(world.coachee, world.space)
    client.force_login(world.coachee)
    # A zip being prepared: the export page follows it with an inline script.
    background.request_export(world.space, world.coachee)
    return world


def test_space_pages_get_the_strict_policy_and_the_inline_script_its_nonce(client, inside):
    url = reverse("wagtail_coaching:export", args=[inside.space.public_id])
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    nonce = re.search(r"'nonce-([^']+)'", " ".join(policy["script-src"])).group(1)
    assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["frame-src"] == [
        "https://www.youtube-nocookie.com",
        "https://www.youtube.com",
        "https://player.vimeo.com",
    ]
    assert f'<script nonce="{nonce}">' in response.content.decode()
    # A new nonce for every response.
    assert nonce not in client.get(url)["Content-Security-Policy"]


def test_the_embeds_space_pages_allow_are_a_setting(client, inside):
    with override_settings(WAGTAIL_COACHING_CSP_FRAME_SOURCES=["https://video.example.org"]):
        response = client.get(inside.space.get_absolute_url())
    assert directives(response)["frame-src"] == ["https://video.example.org"]
    with override_settings(WAGTAIL_COACHING_CSP_FRAME_SOURCES=[]):
        response = client.get(inside.space.get_absolute_url())
    assert directives(response)["frame-src"] == ["'none'"]


def test_the_room_adds_the_jitsi_origin_and_nothing_else(client, inside, open_session):
    url = reverse(
        "wagtail_coaching:session_room",
        kwargs={"public_id": inside.space.public_id, "session_id": open_session.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"][0] == "'self'"
    assert policy["script-src"][1].startswith("'nonce-")
    assert policy["script-src"][2:] == ["https://meet.jit.si"]
    assert policy["frame-src"] == ["https://meet.jit.si"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["Permissions-Policy"].startswith('camera=("https://meet.jit.si")')


def test_other_site_pages_and_the_admin_get_the_site_policy(client, world):
    client.force_login(world.coachee)
    for url in (reverse("wagtail_coaching:my_coaching"), "/accounts/login/"):
        policy = directives(client.get(url))
        # The nonce is in the header only when the page used one.
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
    client.force_login(world.superuser)
    response = client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    # No inline script runs in the admin without the response's nonce.
    assert policy["script-src"][0] == "'self'"
    assert re.fullmatch(r"'nonce-[^']+'", policy["script-src"][1])
    assert len(policy["script-src"]) == 2
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    # (Inline styles stay allowed: CSS runs no script.)
    assert policy["object-src"] == ["'none'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]  # Wagtail's preview panel


# An inline script a browser would run: no src, and not a data block.
RUNNABLE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)


def test_the_admin_page_editor_writes_no_inline_script(client, world):
    """Wagtail's date pickers, choosers and inline panels are started from the admin script,
    from inert JSON, so the strict policy blocks nothing the editor needs."""
    programme, modules = make_programme(modules=1)
    client.force_login(world.superuser)
    for url in (
        f"/admin/pages/{programme.pk}/edit/",
        f"/admin/pages/{modules[0].pk}/edit/",
        "/admin/sites/1/",
        "/admin/users/add/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        html = response.content.decode()
        assert RUNNABLE.findall(html) == [], url
    html = client.get(f"/admin/pages/{programme.pk}/edit/").content.decode()
    # The publishing schedule's date pickers, as data for the admin script.
    assert '{"call": "initDateTimeChooser", "args": ["id_go_live_at"' in html
    assert "wagtail_coaching/admin_init.js" in html


def test_a_site_without_the_csp_middleware_is_warned(settings):
    assert check_content_security_policy(None) == []
    full = list(settings.MIDDLEWARE)
    settings.MIDDLEWARE = [m for m in full if "AdminContentSecurityPolicy" not in m]
    assert [e.id for e in check_content_security_policy(None)] == ["wagtail_coaching.E171"]
    settings.MIDDLEWARE = full
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != compat.CSP_MIDDLEWARE]
    assert [w.id for w in check_content_security_policy(None)] == ["wagtail_coaching.W170"]


def test_a_site_listing_the_app_after_wagtail_admin_is_told(settings):
    assert check_admin_template_order(None) == []
    late = [*(a for a in settings.INSTALLED_APPS if a != "wagtail_coaching"), "wagtail_coaching"]
    assert [e.id for e in admin_template_order_errors(late)] == ["wagtail_coaching.E172"]


def test_space_pages_stay_strict_without_the_middleware(client, inside, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != compat.CSP_MIDDLEWARE]
    response = client.get(reverse("wagtail_coaching:export", args=[inside.space.public_id]))
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.content.decode()
