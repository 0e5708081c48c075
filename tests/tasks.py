"""Background tasks in tests: a few tasks to enqueue, and the worker that runs them.

Tests that enqueue work run it the way a site does, through the configured backend (the
database backend) and its worker, ``manage.py db_worker --batch``. The worker commits as it
goes, so tests about the worker itself use ``@pytest.mark.django_db(transaction=True)``.
Inside a test's transaction (``django_db`` without it), :func:`run_tasks` runs the same
worker on the test's connection: it only keeps the worker from closing that connection
between two tasks, which would end the test's transaction.
"""

import contextlib
from unittest import mock

from django.core.management import call_command
from django.db import connection

from wagtail_coaching.compat import task
from wagtail_coaching.spaces.models import Organisation


def run_tasks():
    """Run every task waiting in the default queue, then return (``db_worker --batch``)."""
    if connection.in_atomic_block:
        with mock.patch(f"{WORKER}.close_old_connections"):
            _worker()
    else:
        _worker()


WORKER = "django_tasks_db.management.commands.db_worker"


def _worker():
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


@contextlib.contextmanager
def committed(capture_on_commit_callbacks):
    """``with committed(django_capture_on_commit_callbacks):`` the block's commit callbacks
    run at its end, as a commit would run them, then the worker runs what they queued (the
    e-mails, among others): afterwards, ``mail.outbox`` holds what the worker sent."""
    with capture_on_commit_callbacks(execute=True):
        yield
    run_tasks()


@task()
def rename_organisation(pk, name):
    organisation = Organisation.objects.get(pk=pk)
    organisation.name = name
    organisation.save(update_fields=["name"])
    return {"pk": pk, "name": name}


@task()
def fail_loudly():
    raise ValueError("this task fails on purpose")
