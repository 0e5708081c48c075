"""Admin screens of the spaces domain: organisations, client spaces, contracts and the access
log. Metadata only, never content: notes, goals and documents have no admin screen at all.
Erasure adds its action to the client space screen (``privacy.admin``)."""

from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from .audit import AccessEvent
from .contracts import ContractTemplate
from .forms import ClientSpaceAdminForm, ContractTemplateAdminForm, OrganisationAdminForm
from .models import ClientSpace, Organisation
from .preferences import language_choices


class LanguageFilter(SimpleListFilter):
    """The site's languages by name (the field stores codes, with no model choices)."""

    title = gettext_lazy("language")
    parameter_name = "language"

    def lookups(self, request, model_admin):
        return language_choices()

    def queryset(self, request, queryset):
        return queryset.filter(language=self.value()) if self.value() else queryset


class ContractTemplateAdmin(ModelAdmin):
    model = ContractTemplate
    menu_label = gettext_lazy("Contracts")
    menu_icon = "doc-full"
    list_display = ("title", "version", "language_name", "scope_label", "created_at")
    list_filter = (LanguageFilter, "organisation")
    search_fields = ("title",)
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("language"),
            FieldPanel("body"),
            FieldPanel("organisation"),
            FieldPanel("programme"),
        ],
        base_form_class=ContractTemplateAdminForm,
    )

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
    list_display = ("at", "space", "who", "action", "about", "proposer")
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

    @staticmethod
    def proposer(event):
        return event.proposer_label

    proposer.short_description = gettext_lazy("proposed by")


class OrganisationAdmin(ModelAdmin):
    model = Organisation
    menu_label = _("Organisations")
    menu_icon = "group"
    list_display = ("name", "created_at")
    search_fields = ("name",)
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("booking_notice_hours"),
            MultiFieldPanel(
                [
                    FieldPanel("report_detail"),
                    FieldPanel("add_report_user"),
                    FieldPanel("remove_report_users"),
                    FieldPanel("report_groups"),
                ],
                heading=_("Sponsor reports"),
            ),
        ],
        base_form_class=OrganisationAdminForm,
    )


class ClientSpaceAdmin(ModelAdmin):
    model = ClientSpace
    menu_label = _("Client spaces")
    menu_icon = "lock"
    list_display = ("__str__", "organisation", "programme", "status", "start_date", "end_date")
    list_filter = ("status", "organisation")
    search_fields = (
        "coachee__username",
        "coachee__first_name",
        "coachee__last_name",
        "coach__username",
        "coach__first_name",
        "coach__last_name",
        "organisation__name",
    )
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("coachee"), FieldPanel("coach")],
                heading=_("People"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("add_participant"),
                    FieldPanel("confirm_access"),
                    FieldPanel("remove_participants"),
                ],
                heading=_("Other people with access"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("organisation"),
                    FieldPanel("programme"),
                    FieldPanel("language"),
                    FieldPanel("status"),
                    FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                    FieldPanel("planned_sessions"),
                ],
                heading=_("Engagement"),
            ),
        ],
        base_form_class=ClientSpaceAdminForm,
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("coach", "coachee", "organisation", "programme")
        )
