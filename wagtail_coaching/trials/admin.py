"""Admin of trial requests (wagtail-modeladmin): list, filters, search, and the "schedule"
and "convert" actions. Staff see the request and its outcome; never anything of a space."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic.edit import FormView
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import InspectView, InstanceSpecificView

from wagtail_coaching.spaces.admin_locks import action_url
from wagtail_coaching.spaces.models import Organisation, display_name
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.trials import rules
from wagtail_coaching.trials.forms import (
    ConvertTrialForm,
    ScheduleTrialForm,
    TrialRequestAdminForm,
)
from wagtail_coaching.trials.models import TrialRequest, TrialStatus


class TrialButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, exclude=None, classnames_add=None, classnames_exclude=None):
        buttons = super().get_buttons_for_obj(obj, exclude, classnames_add, classnames_exclude)
        if not self.permission_helper.user_can_edit_obj(self.request.user, obj):
            return buttons
        extra = []
        if obj.status in (TrialStatus.NEW, TrialStatus.SCHEDULED):
            extra.append(("schedule", _("Schedule"), _("Choose a coach and a time")))
        if obj.status != TrialStatus.CONVERTED and self.request.user.has_perm(
            "wagtail_coaching.add_clientspace"
        ):
            extra.append(("convert", _("Convert"), _("Turn into an organisation's client space")))
        for action, label, title in extra:
            buttons.append(
                {
                    "url": self.url_helper.get_action_url(action, obj.pk),
                    "label": label,
                    "classname": self.finalise_classname(["button-secondary"]),
                    "title": title,
                }
            )
        return buttons


class TrialPermissionHelper(PermissionHelper):
    def user_can_create(self, user):
        # Requests come from the public page, with the prospect's own consent.
        return False


class TrialInspectView(InspectView):
    def get_field_label(self, field_name, field=None):
        # The outcome is encrypted: a descriptor, not a model field with a verbose name.
        if field_name == "outcome":
            return TrialRequestAdminForm.base_fields["outcome"].label
        return super().get_field_label(field_name, field)


class TrialActionView(InstanceSpecificView, FormView):
    template_name = "wagtail_coaching/trials/admin/action.html"
    permission = "wagtail_coaching.change_trialrequest"
    submit_label = ""

    def check_action_permitted(self, user):
        return self.permission_helper.user_can_edit_obj(user, self.instance) and user.has_perm(
            self.permission
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(submit_label=self.submit_label, **kwargs)

    def form_valid(self, form):
        try:
            self.act(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        return redirect(self.index_url)


class ScheduleView(TrialActionView):
    page_title = gettext_lazy("Schedule the trial")
    submit_label = gettext_lazy("Schedule and send the invitations")
    form_class = ScheduleTrialForm

    def dispatch(self, request, *args, **kwargs):
        if self.instance.status not in (TrialStatus.NEW, TrialStatus.SCHEDULED):
            messages.error(request, _("Only a new or scheduled trial can be scheduled."))
            return redirect(self.index_url)
        self.zone = user_timezone(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["zone"] = self.zone
        trial = self.instance
        if trial.starts_at:
            local = timezone.localtime(trial.starts_at, self.zone)
            kwargs["initial"] = {
                "coach": trial.coach_id,
                "date": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "duration_minutes": trial.duration_minutes,
            }
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            help=_(
                "Times are in the %(zone)s time zone. The prospect gets a new personal link; "
                "an earlier link stops working."
            )
            % {"zone": self.zone},
            **kwargs,
        )

    def act(self, form):
        data = form.cleaned_data
        rules.schedule(self.instance, data["coach"], data["starts_at"], data["duration_minutes"])
        messages.success(
            self.request,
            _("Trial scheduled; %(name)s and the coach got an invitation.")
            % {"name": self.instance.name},
        )


class ConvertView(TrialActionView):
    page_title = gettext_lazy("Convert the trial")
    submit_label = gettext_lazy("Create the client space")
    form_class = ConvertTrialForm

    def check_action_permitted(self, user):
        return super().check_action_permitted(user) and user.has_perm(
            "wagtail_coaching.add_clientspace"
        )

    def dispatch(self, request, *args, **kwargs):
        if self.instance.status == TrialStatus.CONVERTED:
            messages.error(request, _("This trial is already converted."))
            return redirect(self.index_url)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        trial = self.instance
        existing = Organisation.objects.filter(name__iexact=trial.organisation_name).first()
        return {
            "organisation": existing,
            "new_organisation": "" if existing else trial.organisation_name,
            "coach": trial.coach_id,
            "start_date": timezone.localdate(),
            "planned_sessions": 6,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            help=_(
                "Creates the client space for the prospect. Without an existing account "
                "picked below, %(email)s first gets a link to confirm the address; the space "
                "and a new account are created when the prospect confirms."
            )
            % {"email": self.instance.email},
            **kwargs,
        )

    def act(self, form):
        data = form.cleaned_data
        conversion = {
            "organisation": data["organisation"],
            "organisation_name": data["new_organisation"],
            "coach": data["coach"],
            "start_date": data["start_date"],
            "planned_sessions": data["planned_sessions"],
        }
        if data["account"] is None:
            rules.request_confirmation(self.instance, **conversion)
            text = _(
                "%(email)s got a link to confirm the address; the client space is created "
                "when the prospect confirms."
            )
            messages.success(self.request, text % {"email": self.instance.email})
            return
        space, invited = rules.convert(self.instance, account=data["account"], **conversion)
        if invited:
            text = _("Client space created; %(name)s was invited to set a password.")
        else:
            text = _("Client space created for the account of %(name)s.")
        messages.success(self.request, text % {"name": display_name(space.coachee)})


class TrialRequestAdmin(ModelAdmin):
    model = TrialRequest
    menu_label = gettext_lazy("Trial requests")
    menu_icon = "help"
    button_helper_class = TrialButtonHelper
    permission_helper_class = TrialPermissionHelper
    # Both actions need the right to change trial requests (see spaces.admin_locks).
    locked_actions = {"schedule": "edit", "convert": "edit"}
    inspect_view_enabled = True
    inspect_view_fields = (
        "name",
        "email",
        "organisation_name",
        "role",
        "kind",
        "preferred_slots",
        "created_at",
        "consented_at",
        "status",
        "coach",
        "starts_at",
        "duration_minutes",
        "guest_joined_at",
        "coach_joined_at",
        "outcome",
        "converted_space",
    )
    list_display = ("name", "organisation_name", "kind", "status", "created_at", "starts_at")
    list_filter = ("status", "kind", "created_at")
    search_fields = ("name", "email", "organisation_name", "role")
    inspect_view_class = TrialInspectView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("email")]),
                    FieldRowPanel([FieldPanel("organisation_name"), FieldPanel("role")]),
                    FieldPanel("kind"),
                    FieldPanel("preferred_slots"),
                ],
                heading=gettext_lazy("Request"),
            ),
            FieldPanel("status"),
            FieldPanel("outcome"),
        ],
        base_form_class=TrialRequestAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("coach")

    def schedule_view(self, request, instance_pk):
        return ScheduleView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def convert_view(self, request, instance_pk):
        return ConvertView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        urls = super().get_admin_urls_for_registration()
        for action in ("schedule", "convert"):
            urls += (action_url(self, action, getattr(self, f"{action}_view")),)
        return urls
