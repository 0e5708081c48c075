"""Site forms of a space's content. Rules about who may do what live in ``content``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_coaching.spaces import contracts, lock, roles
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


"""Admin forms. Validation rules live on the models; these forms add the access list, the
site's languages as choices, and the rule that an active space has a contract."""


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
        if "language" in self.fields:
            self.fields["language"] = language_field(self.fields["language"], blank=True)
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
        space = super().save(commit=commit)
        if commit:
            lock.set_extra_participants(space, self.cleaned_data.get("extra_participants") or [])
        return space
