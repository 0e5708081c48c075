"""Registration only; the admin definitions live in ``admin_views``."""

from wagtail_modeladmin.options import modeladmin_register

from .admin_views import CoachingAdminGroup

modeladmin_register(CoachingAdminGroup)
