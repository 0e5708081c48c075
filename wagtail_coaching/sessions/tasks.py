"""Background work of sessions: the reminder e-mails, as a task that schedules its next run.

``manage.py coaching_send_reminders --schedule`` starts the cycle once; afterwards each run
enqueues the next one ``WAGTAIL_COACHING_SESSION_REMINDER_INTERVAL`` seconds later, for the
task worker (``manage.py db_worker``) to run. Starting it twice does not start two cycles.
"""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from wagtail_coaching.compat import default_task_backend, task
from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions.planning import send_due_reminders


@task()
def send_reminders():
    """Send the due reminders, then enqueue the next run."""
    count = send_due_reminders()
    schedule_reminders()
    return {"reminded": count}


def _path():
    return f"{send_reminders.func.__module__}.{send_reminders.func.__qualname__}"


def _waiting():
    """Whether a run of :func:`send_reminders` is already waiting (database backend only)."""
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=_path(), status="READY").exists()


def schedule_reminders(delay=None):
    """Enqueue the next run of the reminders, unless one is already waiting.

    Returns the task result, or None when none was enqueued."""
    # A backend that cannot defer would run the chain at once, for ever: there, the cron
    # command is the way (see the README).
    if not default_task_backend.supports_defer or _waiting():
        return None
    seconds = get_setting("SESSION_REMINDER_INTERVAL") if delay is None else delay
    return send_reminders.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue()
