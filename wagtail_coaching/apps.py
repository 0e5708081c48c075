from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailCoachingAppConfig(AppConfig):
    name = "wagtail_coaching"
    label = "wagtail_coaching"
    verbose_name = _("Coaching")
    # Pinned so that host sites never generate migrations for this app.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Django's place for modules imported for their side effects once models are ready.
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            middleware,  # noqa: F401  (starts the idle clock at login)
        )
        from .accounts import (
            changes,  # noqa: F401  (builds the e-mail about an account changed by staff)
            forms,  # noqa: F401  (builds the admin's password reset e-mail)
            twofactor,  # noqa: F401  (builds the e-mail about a second factor reset)
        )
        from .notifications import (
            events,  # noqa: F401  (spaces' events become notifications)
            tasks,  # noqa: F401  (new notifications are e-mailed)
        )
        from .programmes import translations  # noqa: F401  (steps follow translations)
        from .sessions import planning  # noqa: F401  (builds the invitations' e-mails)
        from .spaces import (
            admin_scripts,
            lock,  # noqa: F401  (grants follow a space's participants)
            notices,  # noqa: F401  (builds the notices' e-mails)
        )
        from .trials import rules  # noqa: F401  (a declined trial's invitations are withdrawn)

        # Wagtail's choosers start without an inline script (the admin's CSP runs none).
        admin_scripts.install()
