"""Site forms of a space's content. Rules about who may do what live in ``content``."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_coaching.spaces import choosers, consent, contracts, eligibility, lock, roles
from wagtail_coaching.spaces.content import GoalStatus, NoteVisibility
from wagtail_coaching.spaces.models import ClientSpaceStatus, display_name
from wagtail_coaching.spaces.preferences import language_choices, language_name, site_language

NOTE_MAX_LENGTH = 20_000


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
    )
    visibility = forms.ChoiceField(
        label=_("Visible to"), choices=NoteVisibility.choices, initial=NoteVisibility.PRIVATE
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    why = forms.CharField(
        label=_("Why it matters"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, initial=0)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)


class ContractForm(forms.Form):
    accept = forms.BooleanField(
        label=_("I have read this contract and I accept it, professional secrecy included."),
        required=True,
        error_messages={"required": _("Tick the box to accept the contract.")},
    )
    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


"""Admin forms. Validation rules live on the models and in ``eligibility``; people are picked
with the role choosers of ``choosers``, and extra access is proposed one person at a time,
taking effect only when the coachee accepts it (``consent``).
These forms also offer the site's languages as choices and keep an active space from lacking
a contract in its language."""


def language_field(field, blank=False):
    """``field`` (a model form's language field) as a choice of the site's languages."""
    choices = language_choices()
    if blank:
        choices = [("", _("Automatic"))] + choices
    return forms.ChoiceField(
        label=field.label, help_text=field.help_text, required=not blank, choices=choices
    )


class ContractTemplateAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            self.fields["language"] = language_field(self.fields["language"])
            # A post without the field (a script, an older form) means the site's language.
            self.fields["language"].required = False
            self.fields["language"].initial = self.instance.language or site_language()

    def clean_language(self):
        return self.cleaned_data.get("language") or site_language()


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return choosers.user_label(user)


class ClientSpaceAdminForm(WagtailAdminModelForm):
    add_participant = UserChoiceField(
        queryset=None,
        required=False,
        label=_("Propose access for another coach"),
        help_text=_(
            "A substitute coach or a supervisor who would also enter this space and read "
            "everything in it. They enter only once the coachee accepts the proposal in "
            "their space; the coach is told. The coach and the coachee always have access."
        ),
        widget=choosers.participant_chooser.widget_class(),
    )
    confirm_access = forms.BooleanField(
        required=False,
        label=_(
            "I confirm that I propose this person: once the coachee accepts, they may enter "
            "the space and read everything in it."
        ),
    )
    remove_participants = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Remove access"),
        help_text=_("Tick the people who should no longer enter this space."),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "language" in self.fields:
            self.fields["language"] = language_field(self.fields["language"], blank=True)
            if self.instance.pk:
                self.fields["language"].help_text = _(
                    "The contract and the programme are shown in this language. Changing "
                    "it: everyone accepts the contract in the new language on their next "
                    "visit, and the programme, with the coachee's progress and answers, "
                    "follows its translation in that language (when there is one). A "
                    "closed space keeps its language."
                )
        users = roles.real_users()
        widgets = {"coach": choosers.coach_chooser, "coachee": choosers.coachee_chooser}
        for name, viewset in widgets.items():
            if name in self.fields:
                self.fields[name] = UserChoiceField(
                    queryset=users,
                    label=self.fields[name].label,
                    help_text=self.fields[name].help_text,
                    widget=viewset.widget_class(),
                )
        self.fields["add_participant"].queryset = users
        # Only the people who have extra access now: a handful, whatever the number of users.
        current = lock.extra_participants(self.instance) if self.instance.pk else users.none()
        self.fields["remove_participants"].queryset = current
        self.fields["remove_participants"].label_from_instance = choosers.user_label
        # Once the space holds content, its people change only with the coachee's consent.
        self.holds_content = consent.holds_content(self.instance)
        if self.holds_content and "coach" in self.fields:
            self.fields["coach"].help_text = _(
                "This space holds content: a new coach is proposed to the coachee, and takes "
                "over (the current coach losing access) only when the coachee accepts."
            )
        waiting = list(consent.pending(self.instance)) if self.instance.pk else []
        if waiting:
            self.fields["add_participant"].help_text = "{} {}".format(
                self.fields["add_participant"].help_text,
                _("Waiting for the coachee's answer: %(people)s.")
                % {
                    "people": ", ".join(
                        _("%(user)s (proposed by %(who)s)")
                        % {"user": p.user_name, "who": p.proposed_by_name}
                        for p in waiting
                    )
                },
            )

    def clean(self):
        cleaned = super().clean()
        coach, coachee = cleaned.get("coach"), cleaned.get("coachee")
        if coach is not None and roles.is_coach(coach) and eligibility.is_report_viewer(coach):
            self.add_error(
                "coach",
                _("%(user)s sees an organisation's reports; HR cannot coach a space.")
                % {"user": display_name(coach)},
            )
        if coachee is not None:
            if eligibility.is_staff_user(coachee):
                self.add_error(
                    "coachee",
                    _("%(user)s is a staff member and cannot be a coachee.")
                    % {"user": display_name(coachee)},
                )
            elif eligibility.reports_on_another_organisation(coachee, cleaned.get("organisation")):
                self.add_error(
                    "coachee",
                    _("%(user)s sees the reports of another organisation and cannot be a coachee.")
                    % {"user": display_name(coachee)},
                )
        self._clean_added_participant(cleaned, coach, coachee)
        if (
            self.holds_content
            and coachee is not None
            and coachee.pk != self.instance_before("coachee_id")
        ):
            self.add_error(
                "coachee",
                _("This space holds content: its coachee cannot be changed."),
            )
        return cleaned

    def instance_before(self, field):
        """The saved value of ``field`` (None for a new space)."""
        if self.instance.pk is None:
            return None
        if not hasattr(self, "_before"):
            self._before = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values("coach_id", "coachee_id")
                .first()
                or {}
            )
        return self._before.get(field)

    def _clean_added_participant(self, cleaned, coach, coachee):
        added = cleaned.get("add_participant")
        if added is None:
            return
        name = {"user": display_name(added)}
        if eligibility.is_report_viewer(added):
            error = _("%(user)s sees an organisation's reports; HR never enters a client space.")
        elif not roles.is_coach(added):
            error = _("%(user)s is not a coach; only coaches can be given access.")
        elif added in (coach, coachee):
            error = _("%(user)s is already the coach or the coachee of this space.")
        else:
            error = None
        if error:
            self.add_error("add_participant", error % name)
        elif not cleaned.get("confirm_access"):
            self.add_error(
                "confirm_access",
                _("Tick the box to confirm that %(user)s may enter this space.") % name,
            )

    def _post_clean(self):
        # After the instance got the form's values and passed the model's clean().
        super()._post_clean()
        space = self.instance
        if space.status == ClientSpaceStatus.ACTIVE and not self.errors:
            space.resolve_language()
            if not contracts.contract_available(space):
                self.add_error(
                    "status",
                    _(
                        "There is no contract in %(language)s for this space yet: add one "
                        "under Contracts before making the space active."
                    )
                    % {"language": language_name(contracts.space_language(space))},
                )

    def save(self, commit=True):
        proposed_coach = None
        previous_coach = self.instance_before("coach_id")
        if self.holds_content and self.instance.coach_id != previous_coach:
            # Not saved as such: proposed to the coachee, the current coach stays.
            proposed_coach = self.instance.coach
            self.instance.coach_id = previous_coach
        space = super().save(commit=commit)
        if commit:
            actor = getattr(self, "for_user", None)
            for user in self.cleaned_data.get("remove_participants") or []:
                lock.revoke_entry(user, space, actor=actor)
            if self.cleaned_data.get("add_participant") is not None:
                consent.propose(space, self.cleaned_data["add_participant"], actor)
            if proposed_coach is not None:
                consent.propose(space, proposed_coach, actor, kind=consent.ProposalKind.COACH)
        return space


class OrganisationAdminForm(WagtailAdminModelForm):
    """The organisation, and who may see its sponsor reports (through the lock).

    People are added one at a time with a chooser limited to suitable users (never a coach
    nor a coachee), and removed by ticking them: the form stays small whatever the number
    of users.
    """

    add_report_user = UserChoiceField(
        queryset=None,
        required=False,
        label=_("Add a person who sees the reports"),
        help_text=_(
            "Usually the sponsor's HR. They see counts, never content, and need access to "
            "the Wagtail admin to open the reports. Coaches and coachees cannot be chosen."
        ),
        widget=choosers.report_reader_chooser.widget_class(),
    )
    remove_report_users = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("People who see the reports"),
        help_text=_("Tick the people who should no longer see the reports."),
        widget=forms.CheckboxSelectMultiple,
    )
    report_groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Groups who see the reports"),
        help_text=_("Every member of these groups sees the reports of this organisation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_report_user"].queryset = eligibility.report_reader_candidates()
        users = roles.real_users().none()
        if self.instance.pk:
            users, groups = lock.report_readers(self.instance)
            self.fields["report_groups"].initial = list(groups)
        self.fields["remove_report_users"].queryset = users.order_by(
            "last_name", "first_name", "pk"
        )
        self.fields["remove_report_users"].label_from_instance = choosers.user_label

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        if commit:
            readers = set(self.fields["remove_report_users"].queryset)
            readers -= set(self.cleaned_data.get("remove_report_users") or [])
            if self.cleaned_data.get("add_report_user"):
                readers.add(self.cleaned_data["add_report_user"])
            lock.set_report_readers(
                organisation, readers, self.cleaned_data.get("report_groups") or []
            )
        return organisation
