"""The room page in a real browser, against a local stand-in of Jitsi's external_api.js.

The Jitsi domain points at the live server under another host name (127.0.0.1 instead of
localhost), so the stand-in is a different origin than the page, as Jitsi is in production,
and the page's Content-Security-Policy is what lets it load.
"""

import datetime
import time
from urllib.parse import urlsplit

import jwt
import pytest
from playwright.sync_api import expect

from tests.conftest import accept_contract
from tests.factories import (
    ClientSpaceFactory,
    CoachFactory,
    CoachingSessionFactory,
    OrganisationFactory,
    UserFactory,
)
from wagtail_coaching.sessions.presence import PresenceSpan

SECRET = "browser-test-app-secret-of-32-bytes-or-more"


@pytest.fixture
def jitsi_stand_in(settings, live_server):
    port = urlsplit(live_server.url).port
    domain = f"127.0.0.1:{port}"
    settings.ROOT_URLCONF = "tests.browser.jitsi_urls"
    settings.WAGTAIL_COACHING_JITSI_DOMAIN = domain
    settings.WAGTAIL_COACHING_JITSI_SCHEME = "http"
    settings.WAGTAIL_COACHING_JITSI_APP_ID = "coaching-app"
    settings.WAGTAIL_COACHING_JITSI_APP_SECRET = SECRET
    settings.WAGTAIL_COACHING_PRESENCE_HEARTBEAT_SECONDS = 1
    return domain


@pytest.fixture
def room(transactional_db):
    from django.utils import timezone

    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    space = ClientSpaceFactory(
        coach=coach, coachee=coachee, organisation=OrganisationFactory(name="Acme")
    )
    session = CoachingSessionFactory(
        space=space, starts_at=timezone.now() - datetime.timedelta(minutes=2)
    )
    for user in (coach, coachee):
        accept_contract(user, space)  # the contract gate is tested on its own
    url = f"/coaching/spaces/{space.public_id}/sessions/{session.pk}/room/"
    return coach, coachee, session, url


def wait_for(predicate, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def instance_options(page, index=-1):
    return page.evaluate(
        """(index) => {
            const all = window.__jitsiStandIn.instances;
            const api = all[index < 0 ? all.length + index : index];
            const o = api._options;
            return {domain: api._domain, roomName: o.roomName, jwt: o.jwt || null,
                    parent: o.parentNode && o.parentNode.id, lang: o.lang,
                    displayName: o.userInfo && o.userInfo.displayName,
                    frameSrc: api.getIFrame().src, count: all.length, disposed: api._disposed};
        }""",
        index,
    )


def test_room_embeds_jitsi_with_domain_room_token_and_records_presence(
    page, login, room, jitsi_stand_in
):
    coach, coachee, session, url = room
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, coachee)
    response = page.goto(url)
    assert response.headers["referrer-policy"] == "no-referrer"
    assert f"frame-src http://{jitsi_stand_in}" in response.headers["content-security-policy"]

    page.wait_for_function(
        "() => window.__jitsiStandIn && window.__jitsiStandIn.instances.length === 1"
    )
    options = instance_options(page)
    assert options["domain"] == jitsi_stand_in
    assert options["roomName"] == session.room_name
    assert options["parent"] == "coaching-jitsi"
    assert options["displayName"] == "Dana Coachee"
    assert options["lang"] == "en"
    claims = jwt.decode(options["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == session.room_name
    assert claims["context"]["user"]["name"] == "Dana Coachee"
    assert claims["context"]["user"]["moderator"] == "false"
    assert options["frameSrc"].startswith(
        f"http://{jitsi_stand_in}/{session.room_name}?jwt={options['jwt']}"
    )
    # The conference frame sits in the portrait video column.
    frame = page.locator("#coaching-jitsi iframe")
    expect(frame).to_have_count(1)
    box = page.locator("#coaching-jitsi").bounding_box()
    assert box["height"] > box["width"]

    # joined -> a span; heartbeats (every second here) move its last sign of life on.
    page.evaluate(
        "() => window.__jitsiStandIn.emit('videoConferenceJoined', "
        "{roomName: 'x', id: 'abc', displayName: 'Dana Coachee'})"
    )
    expect(page.get_by_role("status").filter(has_text="You are in the video room.")).to_be_visible()
    span = wait_for(
        lambda: PresenceSpan.objects.filter(session=session, user=coachee).first(), what="joined"
    )
    wait_for(
        lambda: (
            PresenceSpan.objects.get(pk=span.pk).last_seen_at
            >= span.started_at + datetime.timedelta(seconds=2)
        ),
        what="two heartbeats",
    )
    assert PresenceSpan.objects.get(pk=span.pk).left_at is None

    # left -> the span is closed; "Join again" fetches a fresh token for a new conference.
    page.evaluate("() => window.__jitsiStandIn.emit('videoConferenceLeft', {roomName: 'x'})")
    wait_for(lambda: PresenceSpan.objects.get(pk=span.pk).left_at, what="left")
    seen = PresenceSpan.objects.get(pk=span.pk).last_seen_at
    time.sleep(1.5)
    assert PresenceSpan.objects.get(pk=span.pk).last_seen_at == seen  # heartbeat stopped

    with page.expect_response(lambda r: r.url.endswith("/room/token/")) as token_response:
        page.get_by_role("button", name="Join again").click()
    assert token_response.value.status == 200
    page.wait_for_function("() => window.__jitsiStandIn.instances.length === 2")
    assert instance_options(page, 0)["disposed"] is True
    assert (
        jwt.decode(instance_options(page)["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")[
            "room"
        ]
        == session.room_name
    )

    # A fatal error (connection lost for good): the page reconnects by itself, fresh token.
    with page.expect_response(lambda r: r.url.endswith("/room/token/")):
        page.evaluate(
            "() => window.__jitsiStandIn.emit('errorOccurred', "
            "{isFatal: true, name: 'conference.connectionError'})"
        )
    page.wait_for_function("() => window.__jitsiStandIn.instances.length === 3")
    assert violations == []


def test_the_token_is_renewed_before_it_expires_in_a_long_session(
    page, login, room, jitsi_stand_in
):
    # The page's clock is moved: 5-minute tokens, renewed a minute before they expire.
    _coach, coachee, session, url = room
    tokens = []
    page.on("response", lambda r: tokens.append(r) if r.url.endswith("/room/token/") else None)
    page.clock.install()
    login(page, coachee)
    page.goto(url)
    page.wait_for_function("() => (window.__jitsiStandIn || {instances: []}).instances.length")
    first = instance_options(page)

    # On the pre-join screen the embed still holds the first token at 3:50 ...
    page.clock.fast_forward("03:50")
    page.wait_for_timeout(300)
    assert instance_options(page)["count"] == 1 and len(tokens) == 1
    # ... and at 4:05 it has been rebuilt with a fresh one, before the first expired.
    page.clock.fast_forward("00:15")
    page.wait_for_function("() => window.__jitsiStandIn.instances.length === 2")
    assert instance_options(page, 0)["disposed"] is True
    renewed = instance_options(page)
    assert renewed["jwt"] and renewed["roomName"] == first["roomName"]
    claims = jwt.decode(renewed["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == session.room_name and len(tokens) == 2

    # In the conference for 20 minutes (four tokens' lives): the call is never interrupted.
    page.evaluate("() => window.__jitsiStandIn.emit('videoConferenceJoined', {})")
    expect(page.get_by_role("status").filter(has_text="You are in the video room.")).to_be_visible()
    for _ in range(5):
        page.clock.fast_forward("04:00")
    page.wait_for_timeout(300)
    assert instance_options(page)["count"] == 2 and instance_options(page)["disposed"] is False

    # The connection then drops for good: the page joins again with a token valid now.
    with page.expect_response(lambda r: r.url.endswith("/room/token/")):
        page.evaluate(
            "() => window.__jitsiStandIn.emit('errorOccurred', "
            "{isFatal: true, name: 'connection.droppedError'})"
        )
        page.clock.fast_forward("00:02")
    page.wait_for_function("() => window.__jitsiStandIn.instances.length === 3")
    claims = jwt.decode(
        instance_options(page)["jwt"], SECRET, algorithms=["HS256"], audience="jitsi"
    )
    assert claims["room"] == session.room_name


def test_the_coach_gets_moderator_rights_in_the_embedded_room(page, login, room, jitsi_stand_in):
    coach, _coachee, session, url = room
    login(page, coach)
    page.goto(url)
    page.wait_for_function("() => window.__jitsiStandIn && window.__jitsiStandIn.instances.length")
    claims = jwt.decode(
        instance_options(page)["jwt"], SECRET, algorithms=["HS256"], audience="jitsi"
    )
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["context"]["user"]["affiliation"] == "owner"


def test_leaving_the_page_sends_a_last_left(page, login, room, jitsi_stand_in):
    _coach, coachee, session, url = room
    login(page, coachee)
    page.goto(url)
    page.wait_for_function("() => window.__jitsiStandIn && window.__jitsiStandIn.instances.length")
    page.evaluate("() => window.__jitsiStandIn.emit('videoConferenceJoined', {})")
    span = wait_for(lambda: PresenceSpan.objects.filter(session=session).first(), what="joined")
    page.goto("/coaching/")
    wait_for(lambda: PresenceSpan.objects.get(pk=span.pk).left_at, what="beacon")


def test_portrait_beside_the_panel_on_a_desktop_and_stacked_on_a_phone(
    browser, live_server, login, room, jitsi_stand_in
):
    _coach, coachee, _session, url = room
    for viewport, stacked in (
        ({"width": 1400, "height": 1000}, False),
        ({"width": 390, "height": 844}, True),
    ):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="en-GB")
        try:
            page = context.new_page()
            login(page, coachee)
            page.goto(url)
            video = page.locator(".coaching-room__video").bounding_box()
            panel = page.locator(".coaching-room__panel").bounding_box()
            frame = page.locator("#coaching-jitsi").bounding_box()
            assert frame["height"] > frame["width"]
            if stacked:
                assert panel["y"] >= video["y"] + video["height"]
                assert panel["x"] < video["x"] + video["width"]
            else:
                assert panel["x"] >= video["x"] + video["width"]
                assert abs(panel["y"] - video["y"]) < 5
            expect(page.get_by_role("heading", name="Paper board")).to_be_visible()
            if stacked:
                # On a phone the documents are the second tab under the video.
                page.get_by_role("tab", name="Documents").click()
            expect(page.get_by_role("heading", name="Documents")).to_be_visible()
        finally:
            context.close()


def test_a_closed_room_offers_no_embed(page, login, room, jitsi_stand_in):
    from django.utils import timezone

    _coach, coachee, session, url = room
    session.starts_at = timezone.now() + datetime.timedelta(days=2)
    session.save()
    login(page, coachee)
    page.goto(url)
    expect(page.get_by_text("The room opens on")).to_be_visible()
    assert page.evaluate("() => typeof window.JitsiMeetExternalAPI") == "undefined"
