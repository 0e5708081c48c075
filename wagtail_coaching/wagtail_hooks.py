"""Registration only; the admin definitions live in ``admin_views``."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin_sessions import construct_homepage_panels
from .admin_views import CoachingAdminGroup
from .reporting import hooks as reporting_hooks

modeladmin_register(CoachingAdminGroup)

# --- Sessions: the dashboard warns when video rooms are not token-protected ---------------------
hooks.register("construct_homepage_panels", construct_homepage_panels)

# --- Sponsor reports ---------------------------------------------------------------------------
hooks.register("register_admin_urls", reporting_hooks.admin_url_patterns)
hooks.register("register_reports_menu_item", reporting_hooks.reports_menu_item)
hooks.register("register_permissions", reporting_hooks.report_permissions)
