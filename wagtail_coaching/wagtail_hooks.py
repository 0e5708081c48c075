"""Registration only; the admin definitions live in ``admin_views``."""

from wagtail_modeladmin.options import modeladmin_register

from .admin_views import CoachingAdminGroup

modeladmin_register(CoachingAdminGroup)

from wagtail import hooks  # noqa: E402

from .admin_sessions import construct_homepage_panels  # noqa: E402

hooks.register("construct_homepage_panels", construct_homepage_panels)
