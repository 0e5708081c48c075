"""On a 390 px phone no site page scrolls sideways, for anonymous visitors and every demo
user: the crawl follows the site's links from the home page and My coaching and visits each
kind of page once (ids in the path do not make a new kind)."""

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import Error as PlaywrightError
from wagtail.models import Collection, Locale, Page, Site

from sandbox.home.models import HomePage
from tests.conftest import accept_contract
from wagtail_coaching.management.commands.coaching_demo import DEMO_PASSWORD, PEOPLE
from wagtail_coaching.spaces.models import ClientSpace

PHONE = {"width": 390, "height": 844}
SKIP = re.compile(
    r"^/(admin|django-admin|cms|documents)/|logout|/download/|\.(ics|pdf|png|csv|xlsx)$"
)
KIND = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|\d+")


@pytest.fixture
def demo(transactional_db):
    """The demo on a flushed database: a home page and site first, as the sandbox has."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or not isinstance(site.root_page.specific, HomePage):
        # A flushed database (after another browser test) has no page tree, no collection.
        Locale.objects.get_or_create(language_code="en")
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")
        root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
        home = root.add_child(instance=HomePage(title="Welcome", slug="welcome-phone"))
        Site.objects.update(is_default_site=False)
        Site.objects.update_or_create(
            hostname="localhost", port=80, defaults={"root_page": home, "is_default_site": True}
        )
    call_command("coaching_demo", allow_production=True, stdout=open("/dev/null", "w"))
    for space in ClientSpace.objects.all():
        for user in (space.coach, space.coachee):
            accept_contract(user, space)


def crawl(page, base):
    kinds, queue, wide = set(), ["/", "/coaching/"], []
    while queue:
        url = urldefrag(queue.pop(0))[0]
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != urlsplit(base).netloc:
            continue
        path = parts.path
        kind = KIND.sub("*", path)
        if not path.startswith("/") or kind in kinds or SKIP.search(path):
            continue
        kinds.add(kind)
        try:
            response = page.goto(path)
        except PlaywrightError as exc:  # a file to download (export, board) is no page
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((path, width))
        queue.extend(page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"))
    return kinds, wide


def test_no_site_page_scrolls_sideways_on_a_phone(page, login, live_server, demo):
    page.set_viewport_size(PHONE)
    User = get_user_model()
    visited = set()
    for username in [None] + [person[0] for person in PEOPLE]:
        page.context.clear_cookies()
        if username:
            login(page, User.objects.get(username=username), password=DEMO_PASSWORD)
        kinds, wide = crawl(page, live_server.url)
        assert wide == [], f"{username or 'anonymous'}: pages wider than the phone: {wide}"
        visited |= kinds
    # The crawl reached the pages the issue named: documents, goal history, the sponsor
    # view of a space, the trial form.
    for expected in ("/documents/", "/goals/*/", "/report/", "/try-coaching/"):
        assert any(kind.endswith(expected) for kind in visited), expected
