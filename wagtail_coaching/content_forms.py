"""Site forms of a space's content. Rules about who may do what live in ``content``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .content import GoalStatus, NoteVisibility

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
