"""Admin screens for contracts, the access log and erasure. Metadata only, never content:
notes, goals and documents have no admin screen at all."""

from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.panels import FieldPanel
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import InstanceSpecificView

from . import erasure
from .audit import AccessEvent
from .content import content_counts
from .contracts import ContractTemplate


class ContractTemplateAdmin(ModelAdmin):
    model = ContractTemplate
    menu_label = gettext_lazy("Contracts")
    menu_icon = "doc-full"
    list_display = ("title", "version", "scope_label", "created_at")
    list_filter = ("organisation",)
    search_fields = ("title",)
    panels = [
        FieldPanel("title"),
        FieldPanel("body"),
        FieldPanel("organisation"),
        FieldPanel("programme"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "programme")


class ReadOnlyPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class AccessEventAdmin(ModelAdmin):
    model = AccessEvent
    menu_label = gettext_lazy("Access log")
    menu_icon = "list-ul"
    permission_helper_class = ReadOnlyPermissionHelper
    list_display = ("at", "space", "who", "action", "about")
    list_filter = ("action",)
    search_fields = ("user__username", "user__last_name", "space__organisation__name")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user", "subject_user", "space__coach", "space__coachee")
        )

    @staticmethod
    def who(event):
        return event.who_label

    who.short_description = gettext_lazy("who")

    @staticmethod
    def about(event):
        return event.subject_label

    about.short_description = gettext_lazy("about")


# --- Erasure, an action on client spaces ----------------------------------------------------


class ClientSpaceButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if self.permission_helper.user_can_delete_obj(self.request.user, obj) and erasure.is_due(
            obj
        ):
            buttons.append(
                {
                    "url": self.url_helper.get_action_url("erase", quote(obj.pk)),
                    "label": _("Erase content"),
                    "classname": self.finalise_classname(["no"]),
                    "title": _("Erase the notes, goals and documents of this closed space"),
                }
            )
        return buttons


class EraseSpaceView(InstanceSpecificView):
    page_title = gettext_lazy("Erase content")

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_helper.user_can_delete_obj(request.user, self.instance):
            raise PermissionDenied
        if not erasure.is_due(self.instance):
            messages.error(
                request,
                _(
                    "Only a closed space whose retention period is over can be erased. This "
                    "space is not closed, not old enough, or already erased."
                ),
            )
            return redirect(self.index_url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(counts=content_counts(self.instance)))

    def post(self, request, *args, **kwargs):
        counts = erasure.erase_space(self.instance, actor=request.user)
        messages.success(
            request,
            _(
                "Erased %(notes)s note(s), %(goals)s goal(s) and %(documents)s document(s); "
                "the space's data key is destroyed."
            )
            % counts,
        )
        return redirect(self.index_url)

    def get_template_names(self):
        return ["wagtail_coaching/admin/erase_space.html"]


def erase_url_patterns(model_admin):
    return (
        re_path(
            model_admin.url_helper.get_action_url_pattern("erase"),
            model_admin.erase_view,
            name=model_admin.url_helper.get_action_url_name("erase"),
        ),
    )


class ErasableSpaceAdminMixin:
    """Adds the "Erase content" action to the client space admin."""

    button_helper_class = ClientSpaceButtonHelper

    def erase_view(self, request, instance_pk):
        return EraseSpaceView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return super().get_admin_urls_for_registration() + erase_url_patterns(self)
