"""Registration only: the admin menu, the dashboard panel and the reports. Each domain's
admin screens live in its ``admin`` module."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .accounts import admin_users
from .accounts import changes as account_changes
from .privacy.admin import ErasableClientSpaceAdmin
from .reporting import home as reporting_home
from .reporting import hooks as reporting_hooks
from .sessions.admin import CoachingSessionAdmin, construct_homepage_panels
from .spaces import admin_scripts
from .spaces.admin import AccessEventAdmin, ContractTemplateAdmin, OrganisationAdmin
from .spaces.admin_locks import LockedModelAdminGroup
from .spaces.choosers import VIEWSETS as USER_CHOOSERS
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

    def get_submenu_items(self):
        # Sponsors' HR find their reports under "Coaching" too (shown to report readers only).
        return [*super().get_submenu_items(), reporting_hooks.reports_menu_item()]


# --- Spaces: people are picked with choosers limited by role -----------------------------------
hooks.register("register_admin_viewset", lambda: list(USER_CHOOSERS))

# --- Sessions: the dashboard warns when video rooms are not token-protected ---------------------
hooks.register("construct_homepage_panels", construct_homepage_panels)

# --- The admin's Content-Security-Policy: Wagtail's widgets start from this script ---------------
hooks.register("insert_global_admin_js", admin_scripts.admin_script_tag)

# --- Sponsor reports ---------------------------------------------------------------------------
hooks.register("register_admin_urls", reporting_hooks.admin_url_patterns)
hooks.register("register_reports_menu_item", reporting_hooks.reports_menu_item)
hooks.register("register_permissions", reporting_hooks.report_permissions)
hooks.register("construct_homepage_panels", reporting_home.construct_homepage_panels)

# --- Accounts: staff changes to a person's account are told to them and logged -----------------
hooks.register("before_edit_user", account_changes.remember_account)
hooks.register("after_edit_user", account_changes.account_saved)
hooks.register("before_delete_user", account_changes.account_deleted)
# --- Accounts: staff reset a second factor instead of setting a password -----------------------
hooks.register("register_admin_urls", admin_users.url_patterns)
hooks.register("register_user_listing_buttons", admin_users.listing_buttons)
hooks.register("before_edit_user", admin_users.refuse_password_change)
hooks.register("before_edit_user", admin_users.refuse_superuser_change)
hooks.register("before_create_user", admin_users.refuse_superuser_creation)
