"""Registration only; the admin definitions live in ``admin_views``."""

from wagtail_modeladmin.options import modeladmin_register

from .admin_views import CoachingAdminGroup

modeladmin_register(CoachingAdminGroup)

# --- Sponsor reports ---------------------------------------------------------------------------
from wagtail import hooks  # noqa: E402

from .reporting import hooks as reporting_hooks  # noqa: E402

hooks.register("register_admin_urls", reporting_hooks.admin_url_patterns)
hooks.register("register_reports_menu_item", reporting_hooks.reports_menu_item)
hooks.register("register_permissions", reporting_hooks.report_permissions)
