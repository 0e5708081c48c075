"""Every site page a demo user can reach has a plain-text ``<title>``: no markup.

The crawl starts from the home page and My coaching, follows the site's own links (GET
only, never the Wagtail or Django admin, never log-out), as anonymous and as each demo user
after they accepted the contract of their spaces.
"""

import html
import re
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from wagtail_coaching.management.commands.coaching_demo import PEOPLE
from wagtail_coaching.spaces.models import ClientSpace

from .conftest import accept_contract

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
LINK = re.compile(r'<a\b[^>]*\bhref="([^"]+)"')
SKIP = re.compile(r"^/(admin|django-admin|cms)/|logout|\.(ics|pdf|png|csv|xlsx)$|/download/")
MAX_PAGES = 250


def crawl(client, starts):
    """``{url: (title, body)}`` of the HTML pages reached from ``starts``."""
    seen, queue, titles = set(), list(starts), {}
    while queue and len(seen) < MAX_PAGES:
        url = urldefrag(html.unescape(queue.pop(0)))[0]
        if url in seen or not url.startswith("/") or url.startswith("//") or SKIP.search(url):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(urlsplit(response["Location"]).path)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        match = TITLE.search(body)
        assert match, f"{url} has no <title>"
        titles[url] = (match.group(1), body)
        queue.extend(LINK.findall(body))
    return titles


def crawl_as_every_demo_user(client):
    """``{username or None: crawl(...)}`` over the demo, each user's contracts accepted."""
    call_command("coaching_demo", allow_production=True, stdout=open("/dev/null", "w"))
    for space in ClientSpace.objects.all():
        for user in (space.coach, space.coachee):
            accept_contract(user, space)
    User = get_user_model()
    pages = {}
    for username in [None] + [person[0] for person in PEOPLE]:
        client.logout()
        if username:
            client.force_login(User.objects.get(username=username))
        pages[username] = crawl(client, ["/", "/coaching/"])
    return pages


def test_every_site_page_title_is_plain_text_for_every_demo_user(client):
    visited = set()
    for username, titles in crawl_as_every_demo_user(client).items():
        assert titles, username
        for url, (title, _body) in titles.items():
            text = html.unescape(title)
            assert "<" not in text and ">" not in text, f"{username} at {url}: {title!r}"
            assert text.strip(), f"{username} at {url}: empty title"
        visited |= set(titles)
    # The crawl really reached the space pages, the journey and the sessions.
    assert any(re.search(r"/spaces/[^/]+/$", url) for url in visited)
    assert any("/journey/" in url for url in visited)
    assert any("/room/" in url for url in visited)
