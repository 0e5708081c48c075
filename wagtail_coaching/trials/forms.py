"""Forms of trials: the public request, and staff's schedule and convert actions."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions.forms import SessionForm
from wagtail_coaching.spaces import roles
from wagtail_coaching.spaces.models import Organisation, display_name
from wagtail_coaching.trials.models import TrialKind

# The honeypot: a field people never see (hidden with CSS, out of the tab order, skipped by
# screen readers) but that form-filling robots fill in.
HONEYPOT_FIELD = "website"


class TrialRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Work e-mail"), help_text=_("We write to you at this address only.")
    )
    organisation_name = forms.CharField(label=_("Organisation"), max_length=255)
    role = forms.CharField(label=_("Your role"), max_length=150)
    kind = forms.ChoiceField(
        label=_("What would you like?"),
        choices=TrialKind.choices,
        widget=forms.RadioSelect,
        initial=TrialKind.SESSION,
    )
    preferred_slots = forms.CharField(
        label=_("Preferred time slots"),
        max_length=1000,
        help_text=_("For example: Tuesday or Thursday morning, next two weeks."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_("I agree that my details are used to arrange the trial."),
        error_messages={"required": _("Please give your consent so that we can contact you.")},
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please give your name."))
        return name

    def is_spam(self):
        """True when the honeypot was filled in (checked before anything is stored)."""
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())


class ScheduleTrialForm(SessionForm):
    """Coach and time; ``cleaned_data["starts_at"]`` is aware (see ``SessionForm``)."""

    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None)
    field_order = ["coach", "date", "time", "duration_minutes"]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "duration_minutes", get_setting("TRIAL_DEFAULT_DURATION")
        )
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = roles.coaches().order_by("last_name", "first_name")
        self.fields["coach"].label_from_instance = display_name
        self.order_fields(self.field_order)

    def clean(self):
        cleaned = super().clean()
        starts_at = cleaned.get("starts_at")
        if starts_at is not None and starts_at < timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."), code="past")
        return cleaned


class ConvertTrialForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Existing organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Pick one, or give the name of a new organisation below."),
    )
    new_organisation = forms.CharField(label=_("New organisation"), max_length=255, required=False)
    coach = forms.ModelChoiceField(label=_("Coach"), queryset=None)
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    planned_sessions = forms.IntegerField(
        label=_("Planned sessions"), min_value=1, max_value=100, initial=6
    )
    account = forms.CharField(
        label=_("Existing account (username)"),
        max_length=150,
        required=False,
        help_text=_(
            "Only if you know the prospect's own account. Left empty, the prospect gets an "
            "e-mail to confirm their address, and the space is created, with a new account, "
            "when they do. An account is never picked by its e-mail address."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = roles.coaches().order_by("last_name", "first_name")
        self.fields["coach"].label_from_instance = display_name

    def clean_account(self):
        username = self.cleaned_data["account"].strip()
        if not username:
            return None
        User = get_user_model()
        account = User.objects.filter(**{User.USERNAME_FIELD: username}, is_active=True).first()
        if account is None:
            raise forms.ValidationError(
                _("No active account has the username “%(username)s”.") % {"username": username}
            )
        return account

    def clean(self):
        cleaned = super().clean()
        organisation = cleaned.get("organisation")
        new_name = " ".join(cleaned.get("new_organisation", "").split())
        cleaned["new_organisation"] = new_name
        if organisation and new_name:
            raise forms.ValidationError(
                _("Pick an existing organisation or name a new one, not both.")
            )
        if not organisation and not new_name:
            raise forms.ValidationError(_("Pick an existing organisation or name a new one."))
        if new_name:
            existing = Organisation.objects.filter(name__iexact=new_name).first()
            if existing:
                self.add_error(
                    "new_organisation",
                    _("“%(name)s” already exists; pick it in the list above.")
                    % {"name": existing.name},
                )
        return cleaned


class TrialOutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A few lines: whether the prospect wants to go on, and next steps. Write nothing "
            "the prospect did not agree to have recorded."
        ),
    )


class TrialRequestAdminForm(WagtailAdminModelForm):
    """The admin's trial request form. The outcome is encrypted (it is no model field): the
    form shows it decrypted and stores what staff write through the model's descriptor."""

    outcome = forms.CharField(
        label=_("outcome"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A short outcome, limited to what the prospect agreed to have recorded."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "outcome" in self.fields:
            self.fields["outcome"].initial = self.instance.outcome

    def save(self, commit=True):
        if "outcome" in self.cleaned_data:
            self.instance.outcome = self.cleaned_data["outcome"]
        return super().save(commit=commit)
