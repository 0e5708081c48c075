"""Reminders as a task on the worker: each run sends the due reminders and schedules the
next; a mail server error is retried on the next run, and nobody is reminded twice."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from wagtail_coaching.sessions.models import CoachingSession

from .factories import CoachingSessionFactory
from .tasks import run_tasks

PATH = "wagtail_coaching.sessions.tasks.send_reminders"


class DownServer(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def waiting():
    return DBTaskResult.objects.filter(task_path=PATH, status="READY")


@pytest.mark.django_db(transaction=True)
def test_reminders_run_on_the_worker_retry_a_mail_error_and_never_twice(world, settings):
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() + datetime.timedelta(hours=3)
    )
    out = StringIO()
    call_command("coaching_send_reminders", "--schedule", stdout=out)
    assert "scheduled" in out.getvalue()
    call_command("coaching_send_reminders", "--schedule", stdout=StringIO())
    assert waiting().count() == 1  # started twice, one cycle

    # The mail server is down: nothing is sent, the session stays to be reminded.
    settings.EMAIL_BACKEND = "tests.test_reminder_task.DownServer"
    run_tasks()
    assert mail.outbox == []
    assert CoachingSession.objects.get(pk=session.pk).reminder_sent_at is None
    assert waiting().count() == 1  # the next run is scheduled

    # The server is back; the next run sends, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    waiting().update(run_after=timezone.now())
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.coach.email, world.coachee.email])
    waiting().update(run_after=timezone.now())
    run_tasks()
    assert len(mail.outbox) == 2
    assert waiting().count() == 1
