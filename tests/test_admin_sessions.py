"""Staff plan, move and cancel sessions in the admin: same invitations, same refusals."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.test import override_settings

from wagtail_coaching.sessions.models import CoachingSession

from .factories import ClientSpaceFactory, CoachingSessionFactory, UserFactory
from .tasks import committed

pytestmark = pytest.mark.django_db

CREATE_URL = "/admin/wagtail_coaching/coachingsession/create/"
UTC = datetime.UTC


def form(space, start="2027-06-01 09:00", duration=60, status="planned"):
    return {
        "space": space.pk,
        "starts_at": start,
        "duration_minutes": duration,
        "status": status,
        "confirmed_minutes": "",
    }


def methods_and_sequences():
    found = []
    for message in mail.outbox:
        for part in message.message().walk():
            if part.get_content_type() == "text/calendar":
                calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                event = next(iter(calendar.walk("VEVENT")))
                found.append((str(calendar["METHOD"]), int(event["SEQUENCE"]), str(event["UID"])))
    return found


def test_staff_plan_move_and_cancel_send_invitations(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        response = client.post(CREATE_URL, form(world.space))
    assert response.status_code == 302, response.content.decode()[:2000]
    session = CoachingSession.objects.get(space=world.space)
    uid = session.ical_uid
    assert methods_and_sequences() == [("REQUEST", 0, uid)] * 2

    edit_url = f"/admin/wagtail_coaching/coachingsession/edit/{session.pk}/"
    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        client.post(edit_url, form(world.space, start="2027-06-01 11:00"))
    assert methods_and_sequences() == [("REQUEST", 1, uid)] * 2

    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        client.post(edit_url, form(world.space, start="2027-06-01 11:00", status="cancelled"))
    assert methods_and_sequences() == [("CANCEL", 2, uid)] * 2

    mail.outbox.clear()
    with committed(django_capture_on_commit_callbacks):
        client.post(edit_url, form(world.space, start="2027-06-01 11:00", status="cancelled"))
    assert mail.outbox == []  # nothing changed, nothing sent


def test_the_admin_refuses_double_booking_with_a_clear_message(client, world):
    other_space = ClientSpaceFactory(coach=world.coach, coachee=UserFactory())
    CoachingSessionFactory(
        space=other_space, starts_at=datetime.datetime(2027, 6, 1, 7, 30, tzinfo=UTC)
    )  # 09:30 in Paris, the site's zone
    client.force_login(world.staff)
    response = client.post(CREATE_URL, form(world.space, start="2027-06-01 09:00"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "cannot be booked twice at once" in body
    assert not CoachingSession.objects.filter(space=world.space).exists()
    assert mail.outbox == []


def test_dashboard_warns_when_rooms_are_not_token_protected(client, world):
    client.force_login(world.staff)
    body = client.get("/admin/").content.decode()
    assert "Video rooms are not token-protected" in body
    assert "meet.jit.si" in body
    with override_settings(
        WAGTAIL_COACHING_JITSI_APP_ID="app",
        WAGTAIL_COACHING_JITSI_APP_SECRET="a-secret-of-thirty-two-bytes-or-more!",
    ):
        assert "Video rooms are not token-protected" not in client.get("/admin/").content.decode()
    client.force_login(world.editor)
    assert "Video rooms are not token-protected" not in client.get("/admin/").content.decode()
