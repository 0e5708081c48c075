"""Registration helpers for ``wagtail_hooks``: the reports' admin URLs, menu item, permission."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem

from wagtail_coaching.reporting import access, admin_urls


class CoachingReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return access.may_see_any_report(request.user)


def admin_url_patterns():
    return [path("coaching-reports/", include(admin_urls, namespace=admin_urls.app_name))]


def reports_menu_item():
    return CoachingReportsMenuItem(
        _("Coaching reports"),
        reverse(f"{admin_urls.app_name}:index"),
        name="coaching-reports",
        icon_name="table",
        order=650,
    )


def report_permissions():
    return Permission.objects.filter(
        content_type__app_label="wagtail_coaching", codename="view_all_reports"
    )
