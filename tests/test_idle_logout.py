"""Idle log-out (issue 16, finding 8): background requests keep nobody logged in.

The attack: an open room tab polls the board and the documents feed, and the login never
expires. Now only the person's own requests count; a page's own polls are logged out when
the time is over. A timeout under 5 minutes is refused by the checks, and the last-seen time
is written often enough that an active user is never logged out.
"""

import datetime

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from wagtail_coaching import middleware
from wagtail_coaching.spaces.gate import BACKGROUND_METHODS

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        self.now = 1_800_000_000

    def __call__(self):
        return self.now

    def advance(self, minutes):
        self.now += int(minutes * 60)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(middleware.time, "time", clock)
    return clock


def space_url(world, name):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": world.space.public_id})


def logged_in(client):
    return "_auth_user_id" in client.session


def log_in(client, user):
    # force_login sends user_logged_in, which starts the idle clock.
    client.force_login(user)
    assert logged_in(client)


def test_an_open_room_tab_polling_does_not_keep_the_login_alive(client, accepted, clock):
    world = accepted
    log_in(client, world.coachee)
    assert client.get(world.space.get_absolute_url()).status_code == 200
    polls = [space_url(world, "board_state"), space_url(world, "documents_feed")]
    for _ in range(29):
        clock.advance(1)
        for url in polls:
            assert client.get(url).status_code == 200
    assert logged_in(client)
    clock.advance(1.5)
    response = client.get(polls[0])
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not logged_in(client)


def test_the_persons_own_requests_keep_the_login_alive(client, accepted, clock):
    world = accepted
    log_in(client, world.coachee)
    for _ in range(4):
        clock.advance(20)
        assert client.get(world.space.get_absolute_url()).status_code == 200
    assert logged_in(client)
    clock.advance(31)
    response = client.get(world.space.get_absolute_url(), follow=True)
    assert "You were logged out after 30 minutes without activity" in response.content.decode()


def presence_url(session):
    return reverse(
        "wagtail_coaching:session_room_presence",
        kwargs={"public_id": session.space.public_id, "session_id": session.pk},
    )


def test_being_in_a_call_while_the_room_is_open_counts(client, accepted, open_session, clock):
    """A person in a call clicks nothing in the page; they are not logged out mid-session."""
    world = accepted
    log_in(client, world.coachee)
    for _ in range(45):
        clock.advance(1)
        response = client.post(
            presence_url(open_session), {"event": "heartbeat", "client": "0f0e4c2a-page"}
        )
        assert response.status_code == 204
    assert logged_in(client)


def test_heartbeats_once_the_room_closed_do_not_count(client, accepted, open_session, clock):
    world = accepted
    log_in(client, world.coachee)
    # The session ended long ago: its room refuses presence, which then counts for nothing.
    open_session.starts_at = timezone.now() - datetime.timedelta(hours=5)
    open_session.save()
    for _ in range(31):
        clock.advance(1)
        client.post(presence_url(open_session), {"event": "heartbeat", "client": "0f0e4c2a-page"})
    assert not logged_in(client)


def test_every_polled_space_url_is_marked_background():
    """The URLs the room's and the space's scripts call by themselves."""
    kwargs = {"public_id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}
    session_kwargs = {**kwargs, "session_id": 1}
    for name, url_kwargs, method in (
        ("board_state", kwargs, "GET"),
        ("documents_feed", kwargs, "GET"),
        ("session_room_token", session_kwargs, "GET"),
        ("session_room_presence", session_kwargs, "POST"),
    ):
        view = resolve(reverse(f"wagtail_coaching:{name}", kwargs=url_kwargs)).func
        assert method in getattr(view, BACKGROUND_METHODS), name
    # What a person does is activity: drawing on the board, uploading from the room.
    for name in ("board_ops",):
        view = resolve(reverse(f"wagtail_coaching:{name}", kwargs=kwargs)).func
        assert "POST" not in getattr(view, BACKGROUND_METHODS)
    feed = resolve(reverse("wagtail_coaching:documents_feed", kwargs=kwargs)).func
    assert "POST" not in getattr(feed, BACKGROUND_METHODS)


@override_settings(WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT=300)
def test_the_shortest_timeout_never_logs_out_an_active_user(client, accepted, clock):
    """With a 60-second write interval and a 60-second timeout, active users were logged
    out; the interval now follows the timeout."""
    world = accepted
    log_in(client, world.coachee)
    for _ in range(40):
        clock.advance(4.9)
        assert client.get(world.space.get_absolute_url()).status_code == 200
        assert logged_in(client)


def test_the_write_interval_follows_the_timeout():
    assert middleware.write_interval(300) == 30
    assert middleware.write_interval(1800) == 60
    assert middleware.write_interval(86_400) == 60


@pytest.mark.parametrize(("timeout", "refused"), [(60, True), (299, True), (300, False)])
def test_a_timeout_under_five_minutes_is_refused(timeout, refused):
    with override_settings(WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT=timeout):
        ids = {message.id for message in run_checks()}
    assert ("wagtail_coaching.E160" in ids) is refused
