"""What differs between the Django versions the app supports, chosen once, here.

Django's tasks framework: from Django itself (6.0 and later) or from the django-tasks backport.
Every module of the app that defines, enqueues or inspects a background task imports it from
here, never from ``django.tasks`` or ``django_tasks`` directly. The choice follows the database
backend (``django_tasks_db.DatabaseBackend``, the embedded default): on Django 6.0 and later it
is built on ``django.tasks``, on Django 5.2 on the backport. A task must come from the same
framework as the backend that runs it, so the app picks the way django-tasks-db does. Both
frameworks read the same ``TASKS`` setting. (Wagtail's own tasks, defined with the backport's
decorator, take their class from the configured backend, so they run on either.)

Content-Security-Policy: Django 6.0 and later have their own (``SECURE_CSP`` and
``django.middleware.csp.ContentSecurityPolicyMiddleware``); on Django 5.2 the app uses
django-csp 4 (``CONTENT_SECURITY_POLICY`` and ``csp.middleware.CSPMiddleware``). Both keep a
header a view already set, which is how space pages get their stricter policy; both mark the
place of the per-request nonce in a policy with a constant of their own, :data:`NONCE` here.
"""

import secrets
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
    "BUILTIN_CSP",
    "CSP_MIDDLEWARE",
    "NONCE",
    "csp_nonce",
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

# --- Content-Security-Policy ---------------------------------------------------------------

BUILTIN_CSP = django.VERSION >= (6, 0)

if BUILTIN_CSP:
    from django.middleware.csp import get_nonce as _framework_nonce
    from django.utils.csp import CSP as _CSP

    CSP_MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
    NONCE = _CSP.NONCE
else:
    from csp.constants import NONCE

    CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"

    def _framework_nonce(request):
        return getattr(request, "csp_nonce", None)


_OWN_NONCE = "_wagtail_coaching_csp_nonce"


def csp_nonce(request):
    """The request's CSP nonce: the framework's when its middleware runs, else one of ours.

    The same value for the whole request, so a page's ``<script nonce>`` and the header that
    a view writes agree.
    """
    nonce = getattr(request, _OWN_NONCE, None)
    if nonce is None:
        framework = _framework_nonce(request)
        nonce = str(framework) if framework is not None else secrets.token_urlsafe(16)
        setattr(request, _OWN_NONCE, nonce)
    return nonce
