"""Registration only: the admin menu, the dashboard panel and the reports. Each domain's
admin screens live in its ``admin`` module."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .privacy.admin import ErasableClientSpaceAdmin
from .reporting import hooks as reporting_hooks
from .sessions.admin import CoachingSessionAdmin, construct_homepage_panels
from .spaces.admin import AccessEventAdmin, ContractTemplateAdmin, OrganisationAdmin
from .spaces.admin_locks import LockedModelAdminGroup
from .trials.admin import TrialRequestAdmin

# Login throttling is django-axes's: its screen shows only where axes is installed.
if apps.is_installed("axes"):
    from .accounts.admin import LockedLoginAdmin

    ACCOUNT_ADMINS = (LockedLoginAdmin,)
else:
    ACCOUNT_ADMINS = ()


@modeladmin_register
class CoachingAdminGroup(LockedModelAdminGroup):
    menu_label = _("Coaching")
    menu_icon = "user"
    menu_order = 250
    items = (
        OrganisationAdmin,
        ErasableClientSpaceAdmin,
        CoachingSessionAdmin,
        TrialRequestAdmin,
        ContractTemplateAdmin,
        AccessEventAdmin,
        *ACCOUNT_ADMINS,
    )


# --- Sessions: the dashboard warns when video rooms are not token-protected ---------------------
hooks.register("construct_homepage_panels", construct_homepage_panels)

# --- Sponsor reports ---------------------------------------------------------------------------
hooks.register("register_admin_urls", reporting_hooks.admin_url_patterns)
hooks.register("register_reports_menu_item", reporting_hooks.reports_menu_item)
hooks.register("register_permissions", reporting_hooks.report_permissions)
