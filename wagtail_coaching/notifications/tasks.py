"""Background work of notifications: each e-mail queued for the task of :mod:`spaces.mail`
(retried on a mail server error, never sent twice), and the daily digest as a task that
schedules its next run.

``manage.py coaching_send_digests --schedule`` starts the digest cycle once; each run then
enqueues the next one ``WAGTAIL_COACHING_NOTIFICATION_DIGEST_INTERVAL`` seconds later, for
the task worker (``manage.py db_worker``). Starting it twice does not start two cycles.
"""

from datetime import timedelta

from django.apps import apps
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from wagtail_coaching.compat import default_task_backend, task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.notifications import emails, events
from wagtail_coaching.notifications.models import Notification


@receiver(post_save, sender=Notification)
def _email_at_once(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        emails.send_notification(instance)


@task()
def send_daily_digest():
    """Note the minutes to confirm, send the digests, then enqueue the next run."""
    minutes = events.note_minutes_to_confirm()
    sent = emails.send_digests()
    schedule_digest()
    return {"minutes_to_confirm": minutes, "digests": sent}


def _path():
    return f"{send_daily_digest.func.__module__}.{send_daily_digest.func.__qualname__}"


def _waiting():
    """Whether a run of :func:`send_daily_digest` is already waiting (database backend)."""
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415  (optional app)

    return DBTaskResult.objects.filter(task_path=_path(), status="READY").exists()


def schedule_digest(delay=None):
    """Enqueue the next digest run unless one is waiting; None when none was enqueued."""
    # A backend that cannot defer would run the chain at once, for ever: use cron there.
    if not default_task_backend.supports_defer or _waiting():
        return None
    seconds = get_setting("NOTIFICATION_DIGEST_INTERVAL") if delay is None else delay
    return send_daily_digest.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
