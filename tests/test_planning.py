"""Planning sessions: invitations parsed back with ``icalendar``, time zones, double booking,
the private feed and reminders."""

import datetime
import zoneinfo
from io import StringIO

import icalendar
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.sessions import planning
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.preferences import preferences_for, rotate_calendar_token

from .factories import ClientSpaceFactory, CoachingSessionFactory, UserFactory
from .tasks import committed

# Participants have accepted the coaching contract: the gate itself is tested in test_contracts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def set_zone(user, name):
    prefs = preferences_for(user)
    prefs.time_zone = name
    prefs.save()


def plan_url(space):
    return reverse("wagtail_coaching:session_plan", kwargs={"public_id": space.public_id})


def session_url(name, session):
    return reverse(
        f"wagtail_coaching:{name}",
        kwargs={"public_id": session.space.public_id, "session_id": session.pk},
    )


def invitation(message):
    """The iCalendar attachment of an e-mail, parsed, and its MIME method parameter."""
    parts = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1
    assert parts[0].get_filename() == "invite.ics"
    calendar = icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))
    return calendar, parts[0].get_param("method")


def only_event(calendar):
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_plan_move_cancel_send_matching_invitations(
    client, world, django_capture_on_commit_callbacks
):
    set_zone(world.coach, "Europe/Paris")
    client.force_login(world.coach)
    with committed(django_capture_on_commit_callbacks):
        response = client.post(
            plan_url(world.space), {"date": "2027-03-30", "time": "10:00", "duration_minutes": 60}
        )
    assert response.status_code == 302
    session = CoachingSession.objects.get(space=world.space)
    assert session.starts_at == datetime.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.coach.email, world.coachee.email])
    calendar, method = invitation(mail.outbox[0])
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    event = only_event(calendar)
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime.datetime(2027, 3, 30, 9, 0, tzinfo=UTC)
    assert event["STATUS"] == "CONFIRMED"
    assert session_url("session_room", session) in str(event["URL"])
    assert session.room_name not in calendar.to_ical().decode()
    attendees = {str(a) for a in event.get("ATTENDEE")}
    assert attendees == {f"mailto:{world.coach.email}", f"mailto:{world.coachee.email}"}

    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        client.post(
            session_url("session_move", session),
            {"date": "2027-03-31", "time": "14:30", "duration_minutes": 45},
        )
    moved = only_event(invitation(mail.outbox[0])[0])
    assert str(moved["UID"]) == uid
    assert moved["SEQUENCE"] == 1
    assert moved.decoded("DTSTART") == datetime.datetime(2027, 3, 31, 12, 30, tzinfo=UTC)
    assert "Moved" in mail.outbox[0].subject

    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        client.post(session_url("session_cancel", session))
    calendar, method = invitation(mail.outbox[0])
    cancelled = only_event(calendar)
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert str(cancelled["UID"]) == uid
    assert cancelled["SEQUENCE"] == 2
    assert cancelled["STATUS"] == "CANCELLED"
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_times_cross_a_dst_change_in_each_readers_zone(
    client, world, django_capture_on_commit_callbacks
):
    # Europe/Paris goes from UTC+1 to UTC+2 on 28 March 2027; New York moved on 14 March.
    set_zone(world.coach, "Europe/Paris")
    set_zone(world.coachee, "America/New_York")
    world.coach.email, world.coachee.email = "coach@example.org", "coachee@example.org"
    client.force_login(world.coach)
    with committed(django_capture_on_commit_callbacks):
        for day in ("2027-03-27", "2027-03-29"):
            response = client.post(
                plan_url(world.space), {"date": day, "time": "10:00", "duration_minutes": 60}
            )
            assert response.status_code == 302
    before, after = CoachingSession.objects.filter(space=world.space).order_by("starts_at")
    assert before.starts_at == datetime.datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert after.starts_at == datetime.datetime(2027, 3, 29, 8, 0, tzinfo=UTC)
    by_recipient = {}
    for message in mail.outbox:
        by_recipient.setdefault(message.to[0], []).append(message.body)
    # The coach reads 10 a.m. both days; the coachee reads the New York time of each.
    assert all("10 a.m." in body for body in by_recipient[world.coach.email])
    assert "5 a.m." in by_recipient[world.coachee.email][0]
    assert "4 a.m." in by_recipient[world.coachee.email][1]
    assert "America/New_York" in by_recipient[world.coachee.email][0]
    for message in mail.outbox:
        event = only_event(invitation(message)[0])
        assert event.decoded("DTSTART") in (before.starts_at, after.starts_at)

    # The space page shows the coach's wall time.
    page = client.get(world.space.get_absolute_url()).content.decode()
    assert page.count("10 a.m.") >= 2


def test_a_time_skipped_by_the_clocks_is_refused(client, world):
    set_zone(world.coach, "Europe/Paris")
    client.force_login(world.coach)
    response = client.post(
        plan_url(world.space), {"date": "2027-03-28", "time": "02:30", "duration_minutes": 60}
    )
    assert response.status_code == 200
    # Written as the reader writes times and dates.
    assert "2:30 a.m. does not exist on March 28, 2027" in response.content.decode()
    assert not CoachingSession.objects.exists()


def test_a_coach_cannot_be_booked_twice(client, world):
    second_space = ClientSpaceFactory(coach=world.coach, coachee=UserFactory())
    start = datetime.datetime(2027, 5, 3, 9, 0, tzinfo=UTC)
    CoachingSessionFactory(space=second_space, starts_at=start, duration_minutes=60)
    client.force_login(world.coach)
    set_zone(world.coach, "UTC")
    response = client.post(
        plan_url(world.space), {"date": "2027-05-03", "time": "09:30", "duration_minutes": 60}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "already has a session from May 3, 2027, 9 a.m. to 10 a.m." in body
    assert world.coach.get_full_name() in body
    assert CoachingSession.objects.filter(space=world.space).count() == 0
    # Back to back is fine, and a cancelled session frees its slot.
    planning.plan_session(world.space, start + datetime.timedelta(hours=1), 30)
    other = CoachingSession.objects.get(space=second_space)
    other.status = SessionStatus.CANCELLED
    other.save()
    planning.plan_session(world.space, start, 60)


def test_moving_onto_another_session_is_refused(world):
    first = planning.plan_session(world.space, datetime.datetime(2027, 5, 3, 9, tzinfo=UTC), 60)
    second = planning.plan_session(world.space, datetime.datetime(2027, 5, 3, 11, tzinfo=UTC), 60)
    with pytest.raises(planning.ValidationError):
        planning.move_session(second, first.starts_at + datetime.timedelta(minutes=30), 60)
    planning.move_session(first, first.starts_at + datetime.timedelta(minutes=30), 60)


def test_only_the_coach_plans(client, world):
    client.force_login(world.coachee)
    response = client.post(
        plan_url(world.space), {"date": "2027-05-03", "time": "09:30", "duration_minutes": 60}
    )
    assert response.status_code == 404
    assert not CoachingSession.objects.exists()


def test_private_feed_lists_own_sessions_and_can_be_revoked(client, world):
    mine = CoachingSessionFactory(space=world.space)
    CoachingSessionFactory(space=world.other_space)
    token = rotate_calendar_token(world.coachee)
    url = reverse("wagtail_coaching:calendar_feed", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    events = list(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [mine.ical_uid]

    client.force_login(world.coachee)
    client.post(reverse("wagtail_coaching:calendar_settings"), {"action": "revoke_feed"})
    assert client.get(url).status_code == 404
    client.post(reverse("wagtail_coaching:calendar_settings"), {"action": "new_feed"})
    page = client.get(reverse("wagtail_coaching:calendar_settings")).content.decode()
    new_token = preferences_for(world.coachee).calendar_token
    assert new_token != token and new_token in page
    assert client.get("/coaching/calendar/not-a-key.ics").status_code == 404


def test_time_zone_preference_is_validated(client, world):
    client.force_login(world.coachee)
    url = reverse("wagtail_coaching:calendar_settings")
    response = client.post(url, {"action": "time_zone", "time_zone": "Mars/Olympus"})
    assert response.status_code == 200
    assert "Mars/Olympus is not one of the available choices" in response.content.decode()
    client.post(url, {"action": "time_zone", "time_zone": "Asia/Tokyo"})
    assert preferences_for(world.coachee).time_zone == "Asia/Tokyo"


def test_reminders_are_sent_once_and_again_after_a_move(world):
    soon = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() + datetime.timedelta(hours=3)
    )
    CoachingSessionFactory(space=world.space, starts_at=timezone.now() + datetime.timedelta(days=3))
    out = StringIO()
    call_command("coaching_send_reminders", stdout=out)
    assert "1 session" in out.getvalue()
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Reminder") for m in mail.outbox)
    call_command("coaching_send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2
    planning.move_session(soon, soon.starts_at + datetime.timedelta(hours=1), 60)
    mail.outbox.clear()
    call_command("coaching_send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_space_page_queries_do_not_grow_with_sessions(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.coach)
    CoachingSessionFactory(space=world.space)
    client.get(world.space.get_absolute_url())  # the first entry of a login is logged once
    with CaptureQueriesContext(connection) as few:
        assert client.get(world.space.get_absolute_url()).status_code == 200
    for days in range(10, 20):
        CoachingSessionFactory(
            space=world.space, starts_at=timezone.now() + datetime.timedelta(days=days)
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(world.space.get_absolute_url()).content.decode()
    assert body.count("coaching-session coaching-session--planned") == 11
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("change", "when", "message"),
    [
        ({}, -datetime.timedelta(hours=1), "is already past: choose a time to come."),
        ({"status": "closed"}, datetime.timedelta(days=2), "This space is closed"),
        (
            {"start_date": datetime.date(2099, 1, 10)},
            datetime.timedelta(days=2),
            "This space is not active yet: it starts on Jan. 10, 2099.",
        ),
    ],
    ids=["past", "closed", "not-started"],
)
def test_refused_plans_say_why_and_invite_nobody(
    client, world, django_capture_on_commit_callbacks, change, when, message
):
    for name, value in change.items():
        setattr(world.space, name, value)
    world.space.save()
    set_zone(world.coach, "UTC")
    client.force_login(world.coach)
    start = timezone.now() + when
    with committed(django_capture_on_commit_callbacks):
        response = client.post(
            plan_url(world.space),
            {
                "date": start.date().isoformat(),
                "time": start.strftime("%H:%M"),
                "duration_minutes": 60,
            },
        )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CoachingSession.objects.filter(space=world.space).exists()
    assert mail.outbox == []


def test_moving_a_session_into_the_past_is_refused(world, django_capture_on_commit_callbacks):
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() + datetime.timedelta(days=1)
    )
    with committed(django_capture_on_commit_callbacks):
        with pytest.raises(planning.ValidationError, match="already past"):
            planning.move_session(session, timezone.now() - datetime.timedelta(minutes=5), 60)
    session.refresh_from_db()
    assert session.sequence == 0
    assert mail.outbox == []
