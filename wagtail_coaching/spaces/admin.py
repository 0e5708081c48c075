"""Admin screens of the spaces domain: organisations, client spaces (with the withdrawal of
a pending access proposal), contracts and the access log. Metadata only, never content:
notes, goals and documents have no admin screen at all. Erasure adds its action to the
client space screen (``privacy.admin``)."""

from django.contrib import messages
from django.contrib.admin import SimpleListFilter
from django.contrib.admin.utils import quote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, Panel
from wagtail_modeladmin.helpers import PermissionHelper
from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import InstanceSpecificView

from . import consent
from .admin_locks import action_url
from .audit import AccessEvent
from .contracts import ContractTemplate
from .forms import ClientSpaceAdminForm, ContractTemplateAdminForm, OrganisationAdminForm
from .models import ClientSpace, Organisation
from .preferences import language_choices
from .proposals import AccessProposal, ProposalStatus


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


# --- Withdrawing a pending access proposal -------------------------------------------------

WITHDRAW_URL_NAME = "wagtail_coaching_clientspace_modeladmin_withdraw"


def withdraw_url(proposal):
    """The confirmation page that withdraws ``proposal`` (the admin's "withdraw" action)."""
    url = reverse(WITHDRAW_URL_NAME, args=[quote(proposal.space_id)])
    return f"{url}?{urlencode({'proposal': proposal.uid})}"


class PendingProposalsPanel(Panel):
    """The proposals waiting for the coachee's answer, each with a "Withdraw" button."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "wagtail_coaching/admin/pending_proposals_panel.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            space = self.instance
            self.proposals = list(consent.pending(space)) if space.pk else []

        def is_shown(self):
            return bool(self.proposals)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["proposals"] = [(p, withdraw_url(p)) for p in self.proposals]
            return context


class WithdrawProposalView(InstanceSpecificView):
    """Staff who may change the space confirm, then withdraw one of its pending proposals.

    The admin's lock (``spaces.admin_locks``, action "withdraw" needing "edit") has already
    checked the space; the proposal is looked up among that space's only."""

    page_title = gettext_lazy("Withdraw a proposal")

    def dispatch(self, request, *args, **kwargs):
        uid = request.POST.get("proposal") or request.GET.get("proposal") or ""
        try:
            self.proposal = AccessProposal.objects.filter(space=self.instance, uid=uid).first()
        except ValidationError:
            self.proposal = None
        if self.proposal is None or self.proposal.status != ProposalStatus.PENDING:
            messages.error(request, str(consent.not_withdrawable()))
            return redirect(self.edit_url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(proposal=self.proposal))

    def post(self, request, *args, **kwargs):
        try:
            consent.withdraw(self.proposal, self.instance, request.user)
        except consent.ProposalError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                gettext(
                    "The proposal about %(user)s is withdrawn; the coachee and the coach are told."
                )
                % {"user": self.proposal.user_name},
            )
        return redirect(self.edit_url)

    def get_template_names(self):
        return ["wagtail_coaching/admin/withdraw_proposal.html"]


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
            PendingProposalsPanel(heading=_("Waiting for the coachee's answer")),
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

    # Withdrawing a proposal needs the right to change the space (see spaces.admin_locks).
    locked_actions = {"withdraw": "edit"}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("coach", "coachee", "organisation", "programme")
        )

    def withdraw_view(self, request, instance_pk):
        return WithdrawProposalView.as_view(model_admin=self, instance_pk=instance_pk)(request)

    def get_admin_urls_for_registration(self):
        return (
            *super().get_admin_urls_for_registration(),
            action_url(self, "withdraw", self.withdraw_view),
        )
