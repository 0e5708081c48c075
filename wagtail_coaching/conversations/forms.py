"""The forms of a conversation: write (text, a document of the space or a new file), edit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail_coaching.conversations.rules import MAX_LENGTH


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = forms.ChoiceField(label=_("Attach a document of the space"), required=False)
    file = forms.FileField(label=_("Or attach a new file"), required=False, allow_empty_file=True)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(doc.uid): doc for doc in documents}
        self.fields["document"].choices = [("", _("No document"))] + [
            (uid, doc.name) for uid, doc in self.documents.items()
        ]

    def clean(self):
        data = super().clean()
        data["document"] = self.documents.get(data.get("document") or "")
        if data.get("document") is not None and data.get("file"):
            raise forms.ValidationError(
                _("Attach either a document of the space or a new file, not both.")
            )
        if not data.get("text") and data.get("document") is None and not data.get("file"):
            raise forms.ValidationError(_("Write a message or attach a document."))
        return data


class EditMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
