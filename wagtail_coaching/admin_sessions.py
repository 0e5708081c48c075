"""Admin side of sessions: staff changes send the same invitations as the coach's, and the
dashboard warns when video rooms are not token-protected."""

from django.db import transaction
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.views import CreateView, EditView

from . import jitsi, planning
from .models import CoachingSession


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
