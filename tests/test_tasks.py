"""Background tasks run through the configured backend (the database backend) and its worker."""

import pytest
from django.test import override_settings

from wagtail_coaching import checks, compat
from wagtail_coaching.spaces.models import Organisation

from .factories import OrganisationFactory
from .tasks import fail_loudly, rename_organisation, run_tasks

# The worker commits as it goes.
worker_test = pytest.mark.django_db(transaction=True)


@worker_test
def test_a_task_waits_for_the_worker_then_its_result_is_read_back():
    organisation = OrganisationFactory(name="Acme")
    result = rename_organisation.enqueue(organisation.pk, "Acme Europe")

    # Enqueued, not run: the web request does not do the work.
    assert result.status == compat.TaskResultStatus.READY
    assert Organisation.objects.get(pk=organisation.pk).name == "Acme"

    run_tasks()

    done = rename_organisation.get_result(result.id)
    assert done.status == compat.TaskResultStatus.SUCCESSFUL
    assert done.return_value == {"pk": organisation.pk, "name": "Acme Europe"}
    assert Organisation.objects.get(pk=organisation.pk).name == "Acme Europe"


@worker_test
def test_a_failing_task_is_recorded_as_failed_and_the_worker_goes_on():
    organisation = OrganisationFactory(name="Acme")
    failing = fail_loudly.enqueue()
    renaming = rename_organisation.enqueue(organisation.pk, "Acme Europe")

    run_tasks()

    failed = fail_loudly.get_result(failing.id)
    assert failed.status == compat.TaskResultStatus.FAILED
    assert "this task fails on purpose" in failed.errors[0].traceback
    assert rename_organisation.get_result(renaming.id).status == (
        compat.TaskResultStatus.SUCCESSFUL
    )


@worker_test
def test_wagtails_own_tasks_run_on_the_same_backend():
    """Wagtail defines its tasks with the backport's decorator; on every Django version they
    are queued in the same table and run by the same worker as the app's."""
    from wagtail.tasks import update_reference_index_task

    organisation = OrganisationFactory(name="Acme")
    result = update_reference_index_task.enqueue(
        "wagtail_coaching", "organisation", organisation.pk
    )
    run_tasks()
    assert update_reference_index_task.get_result(result.id).status.name == "SUCCESSFUL"


def check_ids():
    # Django 6 checks its task backends itself, and fails loudly on one that cannot load;
    # the app's own check is called directly so that it is tested on every version.
    return {m.id for m in checks.check_task_backend(None)} | {
        m.id for m in checks.check_task_backend_for_deployment(None)
    }


def test_the_configured_backend_passes_the_checks():
    assert check_ids() == set()
    # The framework loads it, and the backend's own check (django-tasks-db's) is clean.
    backend = compat.task_backends[compat.DEFAULT_TASK_BACKEND_ALIAS]
    assert isinstance(backend, compat.BaseTaskBackend)
    assert list(backend.check()) == []


@pytest.mark.parametrize(
    "tasks, check_id",
    [
        ({}, "wagtail_coaching.E090"),
        ({"default": {"BACKEND": "no.such.Backend"}}, "wagtail_coaching.E090"),
        (
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "wagtail_coaching.E091",
        ),
        (
            {"default": {"BACKEND": compat.DATABASE_BACKEND, "QUEUES": ["reports"]}},
            "wagtail_coaching.E093",
        ),
        (
            {"default": {"BACKEND": f"{compat.TASKS_MODULE}.backends.dummy.DummyBackend"}},
            "wagtail_coaching.W090",
        ),
    ],
)
def test_a_misconfigured_backend_is_reported_with_a_hint(tasks, check_id):
    with override_settings(TASKS=tasks):
        messages = [m for m in checks.check_task_backend(None) if m.id == check_id]
    assert len(messages) == 1
    assert messages[0].hint


def test_the_database_backend_without_its_app_is_reported(monkeypatch):
    from django.apps import apps

    installed = apps.is_installed
    monkeypatch.setattr(
        apps, "is_installed", lambda name: name != compat.DATABASE_BACKEND_APP and installed(name)
    )
    assert "wagtail_coaching.E092" in check_ids()


def test_running_tasks_inside_the_request_is_reported_for_deployment():
    immediate = f"{compat.TASKS_MODULE}.backends.immediate.ImmediateBackend"
    with override_settings(TASKS={"default": {"BACKEND": immediate}}):
        assert check_ids() == {"wagtail_coaching.W091"}
