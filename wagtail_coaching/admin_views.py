"""wagtail-modeladmin definitions for the "Coaching" menu: metadata only, never content."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.options import ModelAdmin, ModelAdminGroup

from .admin_sessions import SessionCreateView, SessionEditView
from .content_admin import AccessEventAdmin, ContractTemplateAdmin, ErasableSpaceAdminMixin
from .forms import ClientSpaceAdminForm
from .models import ClientSpace, CoachingSession, Organisation, display_name
from .trial_admin import TrialRequestAdmin


class OrganisationAdmin(ModelAdmin):
    model = Organisation
    menu_label = _("Organisations")
    menu_icon = "group"
    list_display = ("name", "created_at")
    search_fields = ("name",)


class ClientSpaceAdmin(ErasableSpaceAdminMixin, ModelAdmin):
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
                [FieldPanel("coachee"), FieldPanel("coach"), FieldPanel("extra_participants")],
                heading=_("People"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("organisation"),
                    FieldPanel("programme"),
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


class CoachingSessionAdmin(ModelAdmin):
    model = CoachingSession
    menu_label = _("Sessions")
    menu_icon = "date"
    # Staff changes e-mail the same invitations as the coach's (see planning.after_admin_change).
    create_view_class = SessionCreateView
    edit_view_class = SessionEditView
    list_display = ("starts_at", "space_label", "duration_minutes", "status", "confirmed_minutes")
    list_filter = ("status", "space__organisation")
    search_fields = (
        "space__coachee__username",
        "space__coachee__last_name",
        "space__coach__username",
        "space__coach__last_name",
    )
    panels = [
        FieldPanel("space"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("duration_minutes")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("confirmed_minutes")]),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("space__coach", "space__coachee", "space__organisation")
        )

    @staticmethod
    def space_label(session):
        return _("%(coachee)s with %(coach)s") % {
            "coachee": display_name(session.space.coachee),
            "coach": display_name(session.space.coach),
        }

    space_label.short_description = _("Client space")


class CoachingAdminGroup(ModelAdminGroup):
    menu_label = _("Coaching")
    menu_icon = "user"
    menu_order = 250
    items = (
        OrganisationAdmin,
        ClientSpaceAdmin,
        CoachingSessionAdmin,
        TrialRequestAdmin,
        ContractTemplateAdmin,
        AccessEventAdmin,
    )
