"""Every e-mail leaves the request: the request queues it, the task worker writes it in the
recipient's language with its attachments and sends it once, retries a mail server error,
sends nothing for a transaction that rolled back, and logs a lost e-mail without its text."""

import datetime
import logging
import os
import re
import subprocess
import sys

import icalendar
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import CoachFactory
from tests.mail import FlakyEmailBackend
from tests.tasks import committed, run_tasks
from wagtail_coaching.accounts import twofactor
from wagtail_coaching.sessions import planning
from wagtail_coaching.spaces import consent
from wagtail_coaching.spaces import mail as outbox
from wagtail_coaching.spaces.mail import SentEmail
from wagtail_coaching.spaces.preferences import preferences_for, set_user_language
from wagtail_coaching.trials import rules

from . import test_trials
from .test_trials import form_data, make_trial

trial_page = test_trials.trial_page  # the fixture, shared

DELIVER = "wagtail_coaching.spaces.mail.deliver"
FUTURE = timezone.now() + datetime.timedelta(days=30)


def queued():
    return DBTaskResult.objects.filter(task_path=DELIVER)


def calendar_of(message):
    """The ``.ics`` attached to ``message``, parsed, and its MIME method."""
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True)), parts[0]


def in_french(user, zone="Europe/Paris"):
    set_user_language(user, "fr")
    prefs = preferences_for(user)
    prefs.time_zone = zone
    prefs.save()


def test_a_fresh_worker_process_knows_every_kind_of_email():
    """The worker imports nothing but what ``django.setup()`` does: every module that
    declares a kind of e-mail is imported by the app's ``ready()``."""
    program = (
        "import django; django.setup(); from wagtail_coaching.spaces import mail; "
        "print(' '.join(sorted(mail._KINDS)))"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.split() == [
        "account_changed",
        "notice",
        "notification",
        "password_reset",
        "second_factor_reset",
        "session",
        "set_password",
        "trial_cancellation",
        "trial_confirmation",
        "trial_invitation",
        "trial_request",
    ]


# --- Each kind: nothing in the request, one e-mail from the worker ---------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("accepted")
def test_a_planned_session_is_emailed_by_the_worker_with_its_invitation(
    client, world, django_capture_on_commit_callbacks
):
    in_french(world.coachee, zone="America/New_York")
    prefs = preferences_for(world.coach)
    prefs.time_zone = "Europe/Paris"
    prefs.save()
    client.force_login(world.coach)
    plan = reverse("wagtail_coaching:session_plan", kwargs={"public_id": world.space.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            plan, {"date": "2027-03-30", "time": "10:00", "duration_minutes": 60}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # the request sent nothing
    assert queued().filter(status="READY").count() == 2

    run_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([world.coach.email, world.coachee.email])
    french = by_address[world.coachee.email]
    # 10:00 in Paris, as the coach planned it, is 04:00 in New York, written the French way.
    assert "30 mars 2027 04:00" in french.subject
    assert "March 30, 2027" in by_address[world.coach.email].subject
    calendar, part = calendar_of(french)
    assert part.get_param("method") == "REQUEST" and calendar["METHOD"] == "REQUEST"
    run_tasks()
    assert len(mail.outbox) == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("accepted")
def test_an_invitation_overtaken_by_a_move_is_not_sent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        session = planning.plan_session(world.space, FUTURE, 60)
        planning.move_session(session, FUTURE + datetime.timedelta(hours=2), 60)
    assert mail.outbox == []
    run_tasks()
    assert len(mail.outbox) == 2  # only the moved one, to each participant
    for message in mail.outbox:
        event = next(iter(calendar_of(message)[0].walk("VEVENT")))
        assert event["SEQUENCE"] == 1


@pytest.mark.django_db
def test_a_trial_request_is_acknowledged_to_staff_by_the_worker(
    client, trial_page, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS = ["trials@coaching.example"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(trial_page.url, form_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert mail.outbox == []
    run_tasks()
    (message,) = mail.outbox
    assert message.to == ["trials@coaching.example"]
    assert "Pat Prospect" in message.subject


@pytest.mark.django_db
def test_trial_invitations_carry_the_guest_link_and_the_ics(django_capture_on_commit_callbacks):
    coach = CoachFactory(email="cleo@coaching.example")
    trial = make_trial(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        token = rules.schedule(trial, coach, FUTURE, 30)
    assert mail.outbox == []
    # What waits in the queue (a database table) is no guest link: the token is made again
    # by the worker, with the site's secret key.
    from django_tasks_db.models import DBTaskResult

    queued = repr(list(DBTaskResult.objects.values_list("task_path", "args_kwargs")))
    assert "trial_invitation" in queued and token not in queued
    run_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted(["pat@initech.example", coach.email])
    guest = by_address["pat@initech.example"]
    assert guest.subject.startswith("Séance d'essai le")
    assert reverse("wagtail_coaching:trial_guest_room", kwargs={"token": token}) in guest.body
    assert calendar_of(guest)[1].get_param("method") == "REQUEST"
    assert token not in by_address[coach.email].body

    # Scheduled again before the worker ran: only the new link goes out.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rules.schedule(trial, coach, FUTURE + datetime.timedelta(hours=1), 30)
        new_token = rules.schedule(trial, coach, FUTURE + datetime.timedelta(hours=2), 30)
    run_tasks()
    assert len(mail.outbox) == 2
    guest = next(m for m in mail.outbox if m.to == ["pat@initech.example"])
    assert new_token in guest.body


@pytest.mark.django_db
def test_the_confirmation_link_and_the_set_password_email_come_from_the_worker(
    client, world, django_capture_on_commit_callbacks
):
    trial = make_trial(language="fr", coach=world.coach)
    conversion = {
        "organisation_name": "Initech",
        "coach": world.coach,
        "start_date": datetime.date(2027, 1, 4),
        "planned_sessions": 6,
    }
    with django_capture_on_commit_callbacks(execute=True):
        rules.request_confirmation(trial, **conversion)
    assert mail.outbox == []
    run_tasks()
    (confirm,) = mail.outbox
    assert confirm.to == ["pat@initech.example"]
    assert confirm.subject == "Confirmez votre adresse pour ouvrir votre espace de coaching"
    path = re.search(r"/coaching/trials/confirm/\S+", confirm.body).group(0).rstrip("/") + "/"
    token = path.rstrip("/").rsplit("/", 1)[-1]
    space = rules.convert_confirmed(token)
    assert space is not None and space.coachee.email == "pat@initech.example"

    mail.outbox.clear()
    trial = make_trial(email="sam@initech.example", name="Sam Prospect", language="fr")
    with committed(django_capture_on_commit_callbacks):
        space, invited = rules.convert(trial, organisation_name="Initech", coach=world.coach)
    assert invited
    (welcome,) = mail.outbox
    assert welcome.to == ["sam@initech.example"]
    assert "mot de passe" in welcome.subject
    assert "/reset/" in welcome.body


@pytest.mark.django_db
def test_an_access_notice_is_written_in_the_recipients_language(
    world, django_capture_on_commit_callbacks
):
    in_french(world.coachee)
    substitute = CoachFactory(username="substitute")
    with django_capture_on_commit_callbacks(execute=True):
        consent.propose(world.space, substitute, world.staff)
    assert mail.outbox == []
    run_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([world.coach.email, world.coachee.email])
    assert (
        by_address[world.coachee.email].subject
        == "Une proposition concernant votre espace de coaching"
    )
    assert by_address[world.coach.email].subject == "A proposal about a coaching space"


@pytest.mark.django_db
def test_a_second_factor_reset_is_told_by_the_worker(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        twofactor.reset_second_factor(world.coachee, world.staff)
    assert mail.outbox == []
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [world.coachee.email]
    assert "removed the second factor of your account" in message.body


@pytest.mark.django_db
def test_the_admin_password_reset_link_is_made_and_sent_by_the_worker(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/password_reset/", {"email": world.staff.email})
    assert response.status_code == 302
    assert mail.outbox == []
    assert "/reset/" not in str(list(queued().values_list("args_kwargs", flat=True)))
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [world.staff.email]
    link = re.search(r"/admin/password_reset/confirm/\S+/", message.body).group(0)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()


# --- Retries, duplicates, rollbacks ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_error_is_retried_and_the_email_goes_out_once(world, settings):
    settings.EMAIL_BACKEND = "tests.mail.FlakyEmailBackend"
    settings.WAGTAIL_COACHING_EMAIL_RETRY_DELAY = 0
    FlakyEmailBackend.failures_left, FlakyEmailBackend.attempts = 1, 0
    mail.outbox = []
    twofactor.reset_second_factor(world.coachee, world.staff)
    run_tasks()
    assert FlakyEmailBackend.attempts == 2  # refused once, then sent
    assert [m.to for m in mail.outbox] == [[world.coachee.email]]
    statuses = sorted(queued().values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL", "SUCCESSFUL"]  # the first try queued the second
    assert SentEmail.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_task_run_twice_sends_once(world):
    mail.outbox = []
    session = planning.plan_session(world.space, FUTURE, 60)
    run_tasks()
    assert len(mail.outbox) == 2
    keys = set(SentEmail.objects.values_list("key", flat=True))
    assert keys == {
        f"session:{session.pk}:0:REQUEST:{world.coach.pk}",
        f"session:{session.pk}:0:REQUEST:{world.coachee.pk}",
    }

    # A duplicate enqueue of each, and a worker that crashed after sending, before it
    # recorded the task as done (the task is found waiting again).
    for result in queued():
        outbox.deliver.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
    queued().filter(status="SUCCESSFUL").update(status="READY", finished_at=None)
    run_tasks()
    assert len(mail.outbox) == 2
    assert SentEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_request_that_rolls_back_sends_nothing(world):
    mail.outbox = []
    with pytest.raises(RuntimeError), transaction.atomic():
        planning.plan_session(world.space, FUTURE, 60)
        consent.propose(world.space, world.other_coach, world.staff)
        raise RuntimeError("the request fails after the e-mails were asked for")
    assert not queued().exists()
    run_tasks()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_an_email_given_up_is_logged_without_its_address_or_text(world, settings, caplog):
    settings.EMAIL_BACKEND = "tests.mail.FlakyEmailBackend"
    settings.WAGTAIL_COACHING_EMAIL_RETRY_DELAY = 0
    settings.WAGTAIL_COACHING_EMAIL_ATTEMPTS = 3
    FlakyEmailBackend.failures_left, FlakyEmailBackend.attempts = 10, 0
    world.coachee.email = "secret-address@example.org"
    world.coachee.save()
    mail.outbox = []
    with caplog.at_level(logging.ERROR, logger="wagtail_coaching.spaces.mail"):
        twofactor.reset_second_factor(world.coachee, world.staff)
        run_tasks()
    assert FlakyEmailBackend.attempts == 3
    assert mail.outbox == [] and not SentEmail.objects.exists()
    assert sorted(queued().values_list("status", flat=True)) == [
        "FAILED",
        "SUCCESSFUL",
        "SUCCESSFUL",
    ]
    (record,) = [r for r in caplog.records if r.name == "wagtail_coaching.spaces.mail"]
    logged = record.getMessage()
    assert "second_factor_reset" in logged and "after 3 attempts" in logged
    assert "secret-address" not in logged and "second factor of your account" not in logged
    assert world.staff.username not in logged
