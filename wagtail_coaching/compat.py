"""Django's tasks framework, from Django itself (6.0 and later) or from the django-tasks backport.

Every module of the app that defines, enqueues or inspects a background task imports it from
here, never from ``django.tasks`` or ``django_tasks`` directly, so the choice is made once.

The choice follows the database backend (``django_tasks_db.DatabaseBackend``, the embedded
default): on Django 6.0 and later it is built on ``django.tasks``, on Django 5.2 on the
backport. A task must come from the same framework as the backend that runs it, so the app
picks the way django-tasks-db does. Both frameworks read the same ``TASKS`` setting.
(Wagtail's own tasks, defined with the backport's decorator, take their class from the
configured backend, so they run on either.)
"""

from importlib import import_module

import django

TASKS_MODULE = "django.tasks" if django.VERSION >= (6, 0) else "django_tasks"

_framework = import_module(TASKS_MODULE)
_exceptions = import_module(f"{TASKS_MODULE}.exceptions")

DEFAULT_TASK_BACKEND_ALIAS = _framework.DEFAULT_TASK_BACKEND_ALIAS
DEFAULT_TASK_QUEUE_NAME = _framework.DEFAULT_TASK_QUEUE_NAME
TaskContext = _framework.TaskContext
TaskResult = _framework.TaskResult
TaskResultStatus = _framework.TaskResultStatus
default_task_backend = _framework.default_task_backend
task = _framework.task
task_backends = _framework.task_backends
BaseTaskBackend = import_module(f"{TASKS_MODULE}.backends.base").BaseTaskBackend
TaskResultDoesNotExist = _exceptions.TaskResultDoesNotExist
# Django names it InvalidTaskBackend, the backport InvalidTaskBackendError.
InvalidTaskBackendError = getattr(
    _exceptions, "InvalidTaskBackend", getattr(_exceptions, "InvalidTaskBackendError", None)
)

# The backend a site gets from the install guide, and the app that holds its table.
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
DATABASE_BACKEND_APP = "django_tasks_db"

__all__ = [
    "BaseTaskBackend",
    "DATABASE_BACKEND",
    "DATABASE_BACKEND_APP",
    "DEFAULT_TASK_BACKEND_ALIAS",
    "DEFAULT_TASK_QUEUE_NAME",
    "InvalidTaskBackendError",
    "TASKS_MODULE",
    "TaskContext",
    "TaskResult",
    "TaskResultDoesNotExist",
    "TaskResultStatus",
    "default_task_backend",
    "task",
    "task_backends",
]
