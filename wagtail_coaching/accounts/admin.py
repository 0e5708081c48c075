"""The "Locked log-ins" admin screen: staff see which logins django-axes locked, and unlock
one by deleting its record. Only users with axes' permissions on ``AccessAttempt`` see it."""

from axes.models import AccessAttempt
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin


class LockPermissionHelper(PermissionHelper):
    """Records come from failed log-ins only: nobody adds or edits one."""

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False


class LockButtonHelper(ButtonHelper):
    def delete_button(self, pk, classnames_add=None, classnames_exclude=None):
        button = super().delete_button(pk, classnames_add, classnames_exclude)
        button.update(label=_("Unlock"), title=_("Unlock this log-in now"))
        return button


class LockedLoginAdmin(ModelAdmin):
    model = AccessAttempt
    menu_label = _("Locked log-ins")
    menu_icon = "lock-open"
    permission_helper_class = LockPermissionHelper
    button_helper_class = LockButtonHelper
    history_view_enabled = False
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
