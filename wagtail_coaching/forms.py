"""Admin forms. Validation rules live on the models; these forms only add the access list."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import permissions


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        from .models import display_name

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
        users = permissions.real_users().order_by("last_name", "first_name", "pk")
        for name in ("coach", "coachee"):
            if name in self.fields:
                self.fields[name] = UserChoiceField(
                    queryset=users,
                    label=self.fields[name].label,
                    help_text=self.fields[name].help_text,
                )
        self.fields["extra_participants"].queryset = users
        if self.instance.pk:
            self.fields["extra_participants"].initial = list(
                permissions.extra_participants(self.instance)
            )

    def save(self, commit=True):
        space = super().save(commit=commit)
        if commit:
            permissions.set_extra_participants(
                space, self.cleaned_data.get("extra_participants") or []
            )
        return space
