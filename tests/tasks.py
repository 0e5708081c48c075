"""Background tasks in tests: a few tasks to enqueue, and the worker that runs them.

Tests that enqueue work run it the way a site does, through the configured backend (the
database backend) and its worker, ``manage.py db_worker --batch``. The worker commits as it
goes, so such tests use ``@pytest.mark.django_db(transaction=True)``.
"""

from django.core.management import call_command

from wagtail_coaching.compat import task
from wagtail_coaching.spaces.models import Organisation


def run_tasks():
    """Run every task waiting in the default queue, then return (``db_worker --batch``)."""
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


@task()
def rename_organisation(pk, name):
    organisation = Organisation.objects.get(pk=pk)
    organisation.name = name
    organisation.save(update_fields=["name"])
    return {"pk": pk, "name": name}


@task()
def fail_loudly():
    raise ValueError("this task fails on purpose")
