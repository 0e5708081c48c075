"""Site forms of a space's content. Rules about who may do what live in ``content``."""

from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_coaching.spaces import lock, roles
from wagtail_coaching.spaces.content import GoalStatus, NoteVisibility
from wagtail_coaching.spaces.models import display_name

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


"""Admin forms. Validation rules live on the models; these forms only add the access list."""


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        name = display_name(user)
        username = user.get_username()
        return name if name == username else f"{name} ({username})"


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    label_from_instance = UserChoiceField.label_from_instance


class ClientSpaceAdminForm(WagtailAdminModelForm):
    extra_participants = UserMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("Other people with access"),
        help_text=_(
            "A substitute coach or a supervisor who may also enter this space. The coach and "
            "the coachee always have access; leave empty otherwise."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = roles.real_users().order_by("last_name", "first_name", "pk")
        for name in ("coach", "coachee"):
            if name in self.fields:
                self.fields[name] = UserChoiceField(
                    queryset=users,
                    label=self.fields[name].label,
                    help_text=self.fields[name].help_text,
                )
        self.fields["extra_participants"].queryset = users
        if self.instance.pk:
            self.fields["extra_participants"].initial = list(lock.extra_participants(self.instance))

    def save(self, commit=True):
        space = super().save(commit=commit)
        if commit:
            lock.set_extra_participants(space, self.cleaned_data.get("extra_participants") or [])
        return space


class OrganisationAdminForm(WagtailAdminModelForm):
    """The organisation, and who may see its sponsor reports (through the lock)."""

    report_users = UserMultipleChoiceField(
        queryset=None,
        required=False,
        label=_("People who see the reports"),
        help_text=_(
            "Usually the sponsor's HR. They see counts, never content, and need access to "
            "the Wagtail admin to open the reports."
        ),
    )
    report_groups = forms.ModelMultipleChoiceField(
        queryset=Group.objects.order_by("name"),
        required=False,
        label=_("Groups who see the reports"),
        help_text=_("Every member of these groups sees the reports of this organisation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_users"].queryset = roles.real_users().order_by(
            "last_name", "first_name", "pk"
        )
        if self.instance.pk:
            users, groups = lock.report_readers(self.instance)
            self.fields["report_users"].initial = list(users)
            self.fields["report_groups"].initial = list(groups)

    def save(self, commit=True):
        organisation = super().save(commit=commit)
        if commit:
            lock.set_report_readers(
                organisation,
                self.cleaned_data.get("report_users") or [],
                self.cleaned_data.get("report_groups") or [],
            )
        return organisation
