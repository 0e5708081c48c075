"""User choosers of the client space form: Wagtail's chooser modal, searchable and paginated,
one per role, each listing only who may hold that role (:mod:`.eligibility`).

The form renders only the chosen people, so it opens in constant time whatever the number of
users; the modal pages through candidates ten at a time. Only staff who may add or change
client spaces open these choosers (anyone else gets a 403). The lists help staff pick; the
form still checks every rule on the server (``forms.ClientSpaceAdminForm``).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from wagtail_coaching.spaces import eligibility
from wagtail_coaching.spaces.models import ClientSpace, Organisation, display_name

SPACE_EDITOR_PERMISSIONS = (
    "wagtail_coaching.add_clientspace",
    "wagtail_coaching.change_clientspace",
)


ORGANISATION_EDITOR_PERMISSIONS = (
    "wagtail_coaching.add_organisation",
    "wagtail_coaching.change_organisation",
)


def may_choose_people(user, permissions=SPACE_EDITOR_PERMISSIONS):
    return bool(user.is_active and any(user.has_perm(p) for p in permissions))


def user_label(user):
    """How a user is named in choosers: full name and username (names are not unique)."""
    name = display_name(user)
    username = user.get_username()
    return name if name == username else f"{name} ({username})"


class UserSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Name, username or e-mail")}),
        required=False,
    )

    def filter(self, objects):
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            User = get_user_model()
            match = Q(**{f"{User.USERNAME_FIELD}__icontains": query})
            for field in ("first_name", "last_name", "email"):
                match |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(match)
            self.is_searching = True
            self.search_query = query
        return objects


class RoleViewMixin:
    """Shared by the chooser's views: who may open it, and which users it offers."""

    candidates = None  # a callable returning the queryset of users allowed in the role
    # The admin rights that open the chooser (see ``may_choose_people``), and the model they
    # belong to (what the chooser is for).
    permissions = SPACE_EDITOR_PERMISSIONS
    lock_model = ClientSpace

    def dispatch(self, request, *args, **kwargs):
        if not may_choose_people(request.user, self.permissions):
            # Refused like every other admin URL of the app: as if it did not exist.
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_display_title(self, instance):
        return user_label(instance)


class RoleListMixin(RoleViewMixin):
    filter_form_class = UserSearchForm
    ordering = ("last_name", "first_name", "pk")

    def get_object_list(self):
        return self.candidates()

    def can_create(self):
        return False

    @property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=_("Name"),
                accessor=user_label,
                get_url=lambda user: self.append_preserved_url_parameters(
                    reverse(self.chosen_url_name, args=(user.pk,))
                ),
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("email", label=_("E-mail"), accessor="email"),
        ]


class ChooseUserView(RoleListMixin, chooser_views.ChooseView):
    pass


class ChooseUserResultsView(RoleListMixin, chooser_views.ChooseResultsView):
    pass


class ChosenUserView(RoleViewMixin, chooser_views.ChosenView):
    def get_object(self, pk):
        return self.candidates().get(pk=pk)


class UserChooserWidgetBase(BaseChooser):
    show_edit_link = False

    def get_display_title(self, instance):
        return user_label(instance)


class RoleChooserViewSet(ChooserViewSet):
    """A user chooser limited to the users ``candidates()`` returns."""

    model = get_user_model()
    icon = "user"
    per_page = 10
    register_widget = False  # only the app's own forms use these choosers
    base_widget_class = UserChooserWidgetBase
    choose_view_class = ChooseUserView
    choose_results_view_class = ChooseUserResultsView
    chosen_view_class = ChosenUserView
    candidates = None
    permissions = SPACE_EDITOR_PERMISSIONS
    lock_model = ClientSpace

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            candidates=self.candidates,
            permissions=self.permissions,
            lock_model=self.lock_model,
            **kwargs,
        )

    def get_urlpatterns(self):
        # Choosing only: no "create" tab and no multiple choice.
        return [
            path("", self.choose_view, name="choose"),
            path("results/", self.choose_results_view, name="choose_results"),
            path("chosen/<str:pk>/", self.chosen_view, name="chosen"),
        ]


def _role_chooser(
    role,
    candidates,
    choose_one_text,
    choose_another_text,
    permissions=SPACE_EDITOR_PERMISSIONS,
    lock_model=ClientSpace,
):
    return RoleChooserViewSet(
        f"wagtail_coaching_{role}_chooser",
        url_prefix=f"coaching/choose-{role}",
        candidates=candidates,
        permissions=permissions,
        lock_model=lock_model,
        choose_one_text=choose_one_text,
        choose_another_text=choose_another_text,
    )


coach_chooser = _role_chooser(
    "coach", eligibility.coach_candidates, _("Choose a coach"), _("Choose another coach")
)
coachee_chooser = _role_chooser(
    "coachee", eligibility.coachee_candidates, _("Choose a coachee"), _("Choose another coachee")
)
participant_chooser = _role_chooser(
    "participant",
    eligibility.extra_participant_candidates,
    _("Choose a coach to propose"),
    _("Choose another coach"),
)
report_reader_chooser = _role_chooser(
    "report-reader",
    eligibility.report_reader_candidates,
    _("Choose who sees the reports"),
    _("Choose another person"),
    permissions=ORGANISATION_EDITOR_PERMISSIONS,
    lock_model=Organisation,
)
VIEWSETS = (coach_chooser, coachee_chooser, participant_chooser, report_reader_chooser)
