"""Measured presence in the video room and the coach's confirmation of the minutes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.sessions import presence
from wagtail_coaching.sessions.models import SessionStatus

from .factories import CoachingSessionFactory

# Participants have accepted the coaching contract: the gate itself is tested in test_contracts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]

T0 = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=2)


def at(minutes, seconds=0):
    return T0 + datetime.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def past_session(world):
    return CoachingSessionFactory(space=world.space, starts_at=T0, duration_minutes=60)


def beat(session, user, client, start, end, every=30):
    """joined at ``start`` minutes, heartbeats every ``every`` s, nothing at the end."""
    presence.record(session, user, client, "joined", now=at(start))
    seconds = start * 60
    while seconds + every <= end * 60:
        seconds += every
        presence.record(session, user, client, "heartbeat", now=T0 + datetime.timedelta(0, seconds))


def test_joined_heartbeat_left_make_one_span(world, past_session):
    beat(past_session, world.coach, "page-coach-1", 0, 50)
    presence.record(past_session, world.coach, "page-coach-1", "left", now=at(50, 10))
    beat(past_session, world.coachee, "page-coachee-1", 5, 45)
    assert past_session.presence_spans.count() == 2
    assert presence.measure(past_session) == {"coach": 50, "coachee": 40, "together": 40}


def test_a_closed_laptop_counts_until_its_last_heartbeat(world, past_session):
    # No "left": the span ends at the last heartbeat, not when someone next looks.
    beat(past_session, world.coachee, "page-coachee-1", 0, 20)
    assert presence.measure(past_session)["coachee"] == 20
    # Back after 30 minutes of silence: a new span, the silence does not count.
    beat(past_session, world.coachee, "page-coachee-1", 50, 55)
    assert past_session.presence_spans.count() == 2
    assert presence.measure(past_session)["coachee"] == 25


def test_two_tabs_of_one_person_count_once(world, past_session):
    beat(past_session, world.coach, "tab-aaaaaaaa", 0, 30)
    beat(past_session, world.coach, "tab-bbbbbbbb", 10, 40)
    assert presence.measure(past_session)["coach"] == 40


def presence_url(session):
    return reverse(
        "wagtail_coaching:session_room_presence",
        kwargs={"public_id": session.space.public_id, "session_id": session.pk},
    )


def test_presence_endpoint_records_and_refuses(client, world, open_session):
    url = presence_url(open_session)
    client.force_login(world.coachee)
    response = client.post(url, {"event": "joined", "client": "0f0e4c2a-page"})
    assert response.status_code == 204
    assert open_session.presence_spans.get().user == world.coachee
    assert client.post(url, {"event": "dance", "client": "0f0e4c2a-page"}).status_code == 400
    assert client.post(url, {"event": "left", "client": "x"}).status_code == 400
    assert client.get(url).status_code == 405

    client.force_login(world.other_coachee)
    assert client.post(url, {"event": "joined", "client": "0f0e4c2a-page"}).status_code == 404

    closed = CoachingSessionFactory(space=world.space)  # next week: room closed
    client.force_login(world.coachee)
    assert (
        client.post(presence_url(closed), {"event": "joined", "client": "0f0e4c2a-page"})
    ).status_code == 404


def confirm_url(session):
    return reverse(
        "wagtail_coaching:session_confirm",
        kwargs={"public_id": session.space.public_id, "session_id": session.pk},
    )


def test_coach_sees_measured_minutes_and_confirms(client, world, past_session):
    beat(past_session, world.coach, "page-coach-1", 0, 55)
    beat(past_session, world.coachee, "page-coachee-1", 3, 52)
    client.force_login(world.coach)

    space_page = client.get(world.space.get_absolute_url()).content.decode()
    assert "To confirm" in space_page
    assert confirm_url(past_session) in space_page

    page = client.get(confirm_url(past_session)).content.decode()
    assert "55 min" in page and "49 min" in page
    assert 'value="49"' in page  # "together" is proposed

    response = client.post(confirm_url(past_session), {"minutes": "50", "confirm": ""})
    assert response.status_code == 302
    past_session.refresh_from_db()
    assert past_session.confirmed_minutes == 50
    assert past_session.status == SessionStatus.DONE
    assert "To confirm" not in client.get(world.space.get_absolute_url()).content.decode()


def test_unconfirmed_sessions_stay_to_confirm_and_missed_is_possible(client, world, past_session):
    assert past_session.needs_confirmation
    client.force_login(world.coach)
    client.post(confirm_url(past_session), {"minutes": "0", "missed": ""})
    past_session.refresh_from_db()
    assert past_session.status == SessionStatus.MISSED
    assert past_session.confirmed_minutes is None
    assert not past_session.needs_confirmation


def test_confirmation_refuses_bad_input_and_future_sessions(client, world, past_session):
    client.force_login(world.coach)
    response = client.post(confirm_url(past_session), {"minutes": "-3", "confirm": ""})
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    future = CoachingSessionFactory(space=world.space)
    response = client.post(confirm_url(future), {"minutes": "30", "confirm": ""})
    assert "once it has started" in response.content.decode()
    future.refresh_from_db()
    assert future.confirmed_minutes is None


def test_only_the_coach_confirms(client, world, past_session):
    client.force_login(world.coachee)
    assert client.get(confirm_url(past_session)).status_code == 404
    assert client.post(confirm_url(past_session), {"minutes": "60"}).status_code == 404
    past_session.refresh_from_db()
    assert past_session.confirmed_minutes is None


def test_the_room_page_speaks_french_and_its_script_texts_are_valid_json(
    client, world, open_session
):
    import json
    import re

    client.force_login(world.coachee)
    response = client.get(
        reverse(
            "wagtail_coaching:session_room",
            kwargs={"public_id": world.space.public_id, "session_id": open_session.pk},
        ),
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    body = response.content.decode()
    assert "Paperboard" in body and "Surligneur" in body
    for script_id in ("coaching-room-text", "coaching-board-text", "coaching-room-config"):
        match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', body)
        texts = json.loads(match.group(1))
        assert texts
    assert "Le service vidéo n'a pas pu être chargé" in json.dumps(
        json.loads(re.search(r'id="coaching-room-text"[^>]*>(.*?)</script>', body).group(1)),
        ensure_ascii=False,
    )
