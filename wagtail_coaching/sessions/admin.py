"""Admin side of sessions: staff changes send the same invitations as the coach's, and the
dashboard warns when video rooms are not token-protected."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import CreateView, EditView

from wagtail_coaching.sessions import jitsi, planning
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces.models import display_name


class SessionCreateView(CreateView):
    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            planning.after_admin_change(self.instance, previous=None)
        return response


class SessionEditView(EditView):
    def form_valid(self, form):
        previous = (
            CoachingSession.objects.filter(pk=self.instance.pk)
            .values("starts_at", "duration_minutes", "status", "space_id")
            .first()
        )
        with transaction.atomic():
            response = super().form_valid(form)
            planning.after_admin_change(self.instance, previous=previous)
        return response


class UnprotectedRoomsPanel(Component):
    """Dashboard warning: rooms run on a Jitsi domain without tokens."""

    name = "coaching_unprotected_rooms"
    template_name = "wagtail_coaching/admin/unprotected_rooms_panel.html"
    order = 50

    def __init__(self, message):
        self.message = message

    def get_context_data(self, parent_context):
        return {"message": self.message}


def construct_homepage_panels(request, panels):
    user = request.user
    if not (user.is_superuser or user.has_perm("wagtail_coaching.change_coachingsession")):
        return
    message = jitsi.unprotected_rooms_warning()
    if message:
        panels.append(UnprotectedRoomsPanel(message))


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
