"""My coaching and the space page: the next-session card, "Add to calendar", and the coach's
agenda across spaces (counts and links, never content; constant queries)."""

import datetime

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from wagtail_coaching.dashboard.agenda import coach_agenda
from wagtail_coaching.spaces import audit, content, documents, lock

from .factories import ClientSpaceFactory, CoachingSessionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("space_content")]

UTC = datetime.UTC
NOW = datetime.datetime(2027, 5, 3, 10, 0, tzinfo=UTC)
MY_COACHING = "/coaching/"


def ids_of(user):
    return list(lock.spaces_for_user(user).values_list("pk", flat=True))


def agenda_of(user, now=NOW):
    with timezone.override(UTC):
        return coach_agenda(user, ids_of(user), now=now)


def at(day, hour, minute=0):
    return datetime.datetime(2027, 5, day, hour, minute, tzinfo=UTC)


def test_the_agenda_gathers_the_coachs_day_and_week_across_spaces(world):
    second = ClientSpaceFactory(coach=world.coach, coachee=UserFactory(username="second"))
    closed = ClientSpaceFactory(
        coach=world.coach, coachee=UserFactory(username="gone"), status="closed"
    )
    today = CoachingSessionFactory(space=world.space, starts_at=at(3, 14))
    week = CoachingSessionFactory(space=world.space, starts_at=at(6, 9))
    CoachingSessionFactory(space=world.space, starts_at=at(20, 9))
    waiting = CoachingSessionFactory(space=second, starts_at=at(1, 9))
    CoachingSessionFactory(space=second, starts_at=at(2, 9), status="done", confirmed_minutes=60)
    CoachingSessionFactory(space=closed, starts_at=at(3, 11), status="cancelled")
    CoachingSessionFactory(space=world.other_space, starts_at=at(3, 15))

    agenda = agenda_of(world.coach)

    assert [row["session"] for row in agenda.today] == [today]
    assert [row["session"] for row in agenda.this_week] == [week]
    assert agenda.to_confirm == [waiting]
    # world.space has a session to come; the closed space needs none.
    assert agenda.without_next == [second]
    assert agenda_of(world.coachee) is None
    assert agenda_of(world.hr) is None


def test_new_activity_counts_since_the_coachs_last_visit(client, world):
    # space_content: the coachee set a goal and uploaded a document; the coach never visited.
    [row] = agenda_of(world.coach, now=timezone.now()).activity
    assert (row, row.new_answers, row.new_goal_changes, row.new_documents) == (
        world.space,
        0,
        1,
        1,
    )
    client.force_login(world.coach)
    assert client.get(world.space.get_absolute_url()).status_code == 200
    assert audit.SpaceVisit.objects.filter(user=world.coach, space=world.space).exists()
    assert agenda_of(world.coach, now=timezone.now()).activity == []

    documents.store_document(
        world.space, world.coachee, SimpleUploadedFile("b.txt", b"Second.\n", "text/plain")
    )
    documents.store_document(
        world.space, world.coach, SimpleUploadedFile("c.txt", b"Mine.\n", "text/plain")
    )
    content.record_goal_change(world.goal, world.coachee)
    [row] = agenda_of(world.coach, now=timezone.now()).activity
    assert (row.new_goal_changes, row.new_documents) == (1, 1)

    body = client.get(MY_COACHING).content.decode()
    assert "New since your last visit" in body
    assert "1 goal change" in body and "1 document added" in body
    # Counts and links only: no title, goal wording or file name reaches the page.
    for secret in ("Speak up in meetings", "plan.txt", "b.txt", "To be heard."):
        assert secret not in body


def _coached_spaces(coach, count):
    now = timezone.now()
    for n in range(count):
        space = ClientSpaceFactory(coach=coach, coachee=UserFactory(username=f"c{coach.pk}-{n}"))
        CoachingSessionFactory(space=space, starts_at=now + datetime.timedelta(hours=1, minutes=n))
        CoachingSessionFactory(space=space, starts_at=now - datetime.timedelta(days=1, minutes=n))
        if n % 2:
            documents.store_document(
                space, space.coachee, SimpleUploadedFile("d.txt", b"D.\n", "text/plain")
            )


@pytest.mark.parametrize("count", [5, 200])
def test_my_coaching_for_a_coach_takes_the_same_queries_at_5_and_200_spaces(client, count):
    few, many = UserFactory(username="few"), UserFactory(username="many")
    from wagtail_coaching.spaces import roles

    for coach in (few, many):
        coach.groups.add(roles.coaches_group())
    _coached_spaces(few, 5)
    _coached_spaces(many, count)
    counts = []
    for coach in (few, many):
        client.force_login(coach)
        client.get(MY_COACHING)  # first request of a login: session writes
        with CaptureQueriesContext(connection) as queries:
            response = client.get(MY_COACHING)
        body = response.content.decode()
        assert body.count('class="coaching-agenda__item"') >= 5
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_the_next_session_card_and_add_to_calendar(client, world):
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() + datetime.timedelta(hours=2)
    )
    client.force_login(world.coachee)
    for url in (MY_COACHING, world.space.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "Next session" in body
        assert "The room opens at" in body
        assert 'aria-disabled="true" role="link">Join the video room' in body
        ics = reverse(
            "wagtail_coaching:session_ics",
            kwargs={"public_id": world.space.public_id, "session_id": session.pk},
        )
        assert ics in body
    response = client.get(ics)
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == session.ical_uid
    assert event.decoded("DTSTART") == session.starts_at.replace(microsecond=0)


def test_an_open_room_has_an_active_join_button(client, world, open_session):
    client.force_login(world.coach)
    body = client.get(world.space.get_absolute_url()).content.decode()
    room = reverse(
        "wagtail_coaching:session_room",
        kwargs={"public_id": world.space.public_id, "session_id": open_session.pk},
    )
    assert "The room is open." in body
    assert f'href="{room}">Join the video room' in body


def test_a_closed_space_plans_nothing_and_says_so(client, world):
    world.space.status = "closed"
    world.space.save()
    client.force_login(world.coach)
    body = client.get(world.space.get_absolute_url()).content.decode()
    assert "This space is closed: no more sessions." in body
    assert "No session planned yet." not in body
    assert "Plan a session" not in body


def test_my_coaching_next_session_is_the_first_room_still_open_of_an_open_space(client, world):
    """The card steps over a closed space's session and a session whose room has closed
    (still marked planned), and names the space by its programme's title."""
    from .programmes import make_programme

    now = timezone.now()
    programme, _modules = make_programme(modules=1)
    closed = ClientSpaceFactory(coach=world.coach, organisation=world.org, status="closed")
    with_programme = ClientSpaceFactory(
        coach=world.coach, organisation=world.org, programme=programme
    )
    without_programme = ClientSpaceFactory(coach=world.coach, organisation=world.org)
    CoachingSessionFactory(space=closed, starts_at=now + datetime.timedelta(hours=1))
    CoachingSessionFactory(
        space=world.space, starts_at=now - datetime.timedelta(hours=5), duration_minutes=60
    )
    first = CoachingSessionFactory(space=with_programme, starts_at=now + datetime.timedelta(days=2))
    CoachingSessionFactory(space=without_programme, starts_at=now + datetime.timedelta(days=3))
    client.force_login(world.coach)

    def card():
        body = client.get(MY_COACHING).content.decode()
        start = body.index('class="coaching-next-session"')
        return body[start : body.index("</section>", start)]

    shown = card()
    assert f'datetime="{timezone.localtime(first.starts_at).isoformat()}"' in shown
    assert f"With {escape(with_programme.coachee.get_full_name())}" in shown
    assert f'href="{with_programme.get_absolute_url()}">{programme.title}</a>' in shown
    first.delete()
    shown = card()
    assert f"With {escape(without_programme.coachee.get_full_name())}" in shown
    assert f'href="{without_programme.get_absolute_url()}">Coaching</a>' in shown
