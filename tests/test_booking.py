"""Booking by the coachee: free slots from the coach's availability, in each person's time
zone, minus sessions, trials and days off; booking, moving and cancelling within the notice,
with invitations parsed back with ``icalendar``; and one slot never booked twice."""

import datetime
import threading
import zoneinfo

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.booking import rules
from wagtail_coaching.booking.models import AvailabilityRange, DayOff
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.sessions.planning import cancel_session
from wagtail_coaching.trials import rules as trial_rules
from wagtail_coaching.trials.models import TrialRequest, TrialStatus

from .factories import ClientSpaceFactory, CoachingSessionFactory
from .tasks import committed
from .test_planning import invitation, only_event, set_zone

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")


@pytest.fixture
def booking(accepted):
    """The coach (Paris) takes sessions 9:00-12:00 on the weekday eight days from now; the
    coachee lives in Montreal."""
    world = accepted
    set_zone(world.coach, "Europe/Paris")
    set_zone(world.coachee, "America/Montreal")
    world.day = timezone.localtime(timezone.now(), PARIS).date() + datetime.timedelta(days=8)
    AvailabilityRange.objects.create(
        coach=world.coach,
        weekday=world.day.weekday(),
        starts=datetime.time(9),
        ends=datetime.time(12),
    )
    return world


def at(day, hour, zone=PARIS):
    return datetime.datetime.combine(day, datetime.time(hour), zone).astimezone(datetime.UTC)


def on(day, slots):
    """The slots of ``day`` (the availability repeats every week)."""
    return [start for start in slots if timezone.localtime(start, PARIS).date() == day]


def book_url(space):
    return reverse("wagtail_coaching:book", kwargs={"public_id": space.public_id})


pytestmark = pytest.mark.django_db


def test_free_slots_are_the_availability_minus_sessions_and_trials(booking):
    w = booking
    assert on(w.day, rules.free_slots(w.space)) == [at(w.day, 9), at(w.day, 10), at(w.day, 11)]
    # A session of the coach in another space, and a scheduled trial, take their hours.
    CoachingSessionFactory(
        space=ClientSpaceFactory(coach=w.coach), starts_at=at(w.day, 10), duration_minutes=60
    )
    TrialRequest.objects.create(
        name="Pat",
        email="pat@example.com",
        organisation_name="Initech",
        role="CTO",
        preferred_slots="-",
        consented_at=timezone.now(),
        coach=w.coach,
        status=TrialStatus.SCHEDULED,
        starts_at=at(w.day, 11, PARIS) + datetime.timedelta(minutes=30),
        duration_minutes=30,
    )
    assert on(w.day, rules.free_slots(w.space)) == [at(w.day, 9)]
    # A day off removes the day, not the others.
    DayOff.objects.create(coach=w.coach, day=w.day)
    assert on(w.day, rules.free_slots(w.space)) == []
    next_week = w.day + datetime.timedelta(days=7)
    assert len(on(next_week, rules.free_slots(w.space))) == 3


def test_slots_respect_the_space_dates_and_the_notice(booking):
    w = booking
    assert on(w.day, rules.free_slots(w.space))  # free while the space runs
    w.space.end_date = w.day - datetime.timedelta(days=1)
    w.space.save()
    # None on or after that day, nor after the end. (The same weekday a week earlier may
    # still be offered: just after midnight in Paris, it is more than a day's notice away.)
    slots = rules.free_slots(w.space)
    assert on(w.day, slots) == []
    assert all(timezone.localtime(start, PARIS).date() <= w.space.end_date for start in slots)
    w.space.end_date = None
    w.space.save()
    # Eight days ahead is free; with a notice of 40 days nothing of the 4 weeks shown is.
    w.space.organisation.booking_notice_hours = 960
    w.space.organisation.save()
    w.space.refresh_from_db()
    assert rules.free_slots(w.space) == []


def test_the_coachee_sees_slots_in_their_zone_and_books_one(
    client, booking, django_capture_on_commit_callbacks
):
    w = booking
    client.force_login(w.coachee)
    page = client.get(book_url(w.space)).content.decode()
    nine_paris = timezone.localtime(at(w.day, 9), MONTREAL).strftime("%H:%M")
    assert nine_paris == "03:00" or nine_paris == "04:00"  # 9:00 in Paris, read in Montreal
    assert f">{nine_paris}<" in page
    with committed(django_capture_on_commit_callbacks):
        response = client.post(book_url(w.space), {"starts_at": at(w.day, 9).isoformat()})
    assert response.status_code == 302
    session = CoachingSession.objects.get(space=w.space)
    assert session.starts_at == at(w.day, 9) and session.duration_minutes == 60
    assert sorted(m.to[0] for m in mail.outbox) == sorted([w.coach.email, w.coachee.email])
    calendar, method = invitation(mail.outbox[0])
    assert method == "REQUEST" and calendar["METHOD"] == "REQUEST"
    event = only_event(calendar)
    assert event.decoded("DTSTART") == at(w.day, 9)
    assert int(event["SEQUENCE"]) == 0
    # The slot is gone for everyone.
    assert at(w.day, 9) not in rules.free_slots(w.space)
    assert at(w.day, 9) not in rules.free_slots(ClientSpaceFactory(coach=w.coach))


def test_a_taken_or_invented_time_is_refused(client, booking):
    w = booking
    client.force_login(w.coachee)
    response = client.post(book_url(w.space), {"starts_at": at(w.day, 13).isoformat()})
    assert response.status_code == 400
    assert "no longer free" in response.content.decode()
    response = client.post(book_url(w.space), {"starts_at": "tomorrow"})
    assert response.status_code == 400
    assert not CoachingSession.objects.exists()


def test_no_more_than_the_planned_sessions(booking):
    w = booking
    w.space.planned_sessions = 1
    w.space.save()
    rules.book(w.space, at(w.day, 9))
    with pytest.raises(rules.ValidationError, match="already booked"):
        rules.book(w.space, at(w.day, 10))


def test_move_and_cancel_send_sequence_and_cancel(booking, django_capture_on_commit_callbacks):
    w = booking
    with committed(django_capture_on_commit_callbacks):
        session = rules.book(w.space, at(w.day, 9))
    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        rules.move(session, at(w.day, 11))
    event = only_event(invitation(mail.outbox[0])[0])
    assert event.decoded("DTSTART") == at(w.day, 11)
    assert int(event["SEQUENCE"]) == 1
    assert at(w.day, 9) in rules.free_slots(w.space)
    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        rules.cancel(session)
    calendar, method = invitation(mail.outbox[0])
    assert method == "CANCEL" and calendar["METHOD"] == "CANCEL"
    assert int(only_event(calendar)["SEQUENCE"]) == 2
    assert len(mail.outbox) == 2
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and not session.cancelled_late


def test_a_late_cancellation_is_refused_to_the_coachee_and_counted_late_for_the_coach(
    client, booking
):
    w = booking
    soon = CoachingSessionFactory(
        space=w.space, starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    client.force_login(w.coachee)
    url = reverse(
        "wagtail_coaching:booking_cancel",
        kwargs={"public_id": w.space.public_id, "session_id": soon.pk},
    )
    response = client.post(url)
    assert response.status_code == 400
    assert "up to 24 hours before" in response.content.decode()
    soon.refresh_from_db()
    assert soon.status == SessionStatus.PLANNED
    with pytest.raises(rules.ValidationError):
        rules.move(soon, at(w.day, 9))
    # The coach still cancels; it counts as late.
    cancel_session(soon, by=w.coach)
    soon.refresh_from_db()
    assert soon.status == SessionStatus.CANCELLED and soon.cancelled_late


def test_the_coach_publishes_availability_and_days_off(client, booking):
    w = booking
    client.force_login(w.coach)
    url = reverse("wagtail_coaching:availability")
    response = client.post(url, {"action": "ranges", "day1_0_from": "14:00", "day1_0_to": "13:00"})
    assert "The end must be after the start." in response.content.decode()
    response = client.post(
        url,
        {
            "action": "ranges",
            "day1_0_from": "09:00",
            "day1_0_to": "12:00",
            "day1_1_from": "14:00",
            "day1_1_to": "17:30",
        },
    )
    assert response.status_code == 302
    assert [str(r) for r in AvailabilityRange.objects.filter(coach=w.coach)] == [
        "Tuesday 09:00-12:00",
        "Tuesday 14:00-17:30",
    ]
    client.post(url, {"action": "day_off", "day": w.day.isoformat()})
    assert DayOff.objects.filter(coach=w.coach, day=w.day).exists()
    assert w.day.strftime("%Y") in client.get(url).content.decode()
    # A coachee has no availability page.
    client.force_login(w.coachee)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_bookings_of_one_slot_at_once_make_one_session(accepted):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite serialises every write anyway")
    w = accepted
    day = timezone.localtime(timezone.now(), PARIS).date() + datetime.timedelta(days=8)
    AvailabilityRange.objects.create(
        coach=w.coach, weekday=day.weekday(), starts=datetime.time(9), ends=datetime.time(10)
    )
    second = ClientSpaceFactory(coach=w.coach)
    set_zone(w.coach, "Europe/Paris")
    start = at(day, 9)
    barrier = threading.Barrier(2)
    results = []

    def attempt(space):
        try:
            barrier.wait()
            rules.book(space, start)
            results.append("booked")
        except rules.ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(s,)) for s in (w.space, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["booked", "refused"]
    assert CoachingSession.objects.filter(starts_at=start).count() == 1


def test_late_cancellations_are_counted_in_the_sponsor_report(booking):
    from wagtail_coaching.reporting import queries
    from wagtail_coaching.spaces.models import ClientSpace

    w = booking
    soon = CoachingSessionFactory(
        space=w.space, starts_at=timezone.now() + datetime.timedelta(hours=5)
    )
    cancel_session(soon, by=w.coach)
    early = rules.book(w.space, at(w.day, 9))
    rules.cancel(early)
    row = queries.with_figures(ClientSpace.objects.filter(pk=w.space.pk)).get()
    assert row.late_cancellations == 1


def _scheduled_trial(coach):
    trial = TrialRequest.objects.create(
        name="Pat Prospect",
        email="pat@prospect.example",
        organisation_name="Initech",
        role="CTO",
        preferred_slots="Mornings",
        consented_at=timezone.now(),
    )
    trial_rules.schedule(trial, coach, timezone.now() + datetime.timedelta(days=2), 30)
    trial.refresh_from_db()
    return trial


def _cancellations(outbox):
    found = {}
    for message in outbox:
        types = [part.get_content_type() for part in message.message().walk()]
        if "text/calendar" not in types:
            continue  # the new coachee's "set your password"
        calendar, method = invitation(message)
        if method == "CANCEL":
            found[message.to[0]] = int(only_event(calendar)["SEQUENCE"])
    return found


def test_a_scheduled_trial_declined_or_converted_is_withdrawn_from_both_calendars(
    world, django_capture_on_commit_callbacks
):
    with committed(django_capture_on_commit_callbacks):
        trial = _scheduled_trial(world.coach)
    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        trial.status = TrialStatus.DECLINED
        trial.save()
    assert _cancellations(mail.outbox) == {"pat@prospect.example": 1, world.coach.email: 1}

    with committed(django_capture_on_commit_callbacks):
        other = _scheduled_trial(world.coach)
    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        trial_rules.convert(
            other,
            organisation_name="Initech",
            coach=world.coach,
            start_date=timezone.localdate(),
        )
    assert _cancellations(mail.outbox) == {"pat@prospect.example": 1, world.coach.email: 1}
