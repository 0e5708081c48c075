"""System checks of the trial settings."""

from django.core.checks import Error, Tags, register

from wagtail_coaching.conf import DEFAULTS, get_setting


@register(Tags.compatibility)
def check_trial_settings(app_configs, **kwargs):
    messages = []
    for name, low, high in (
        ("TRIAL_RATE_LIMIT", 1, 1000),
        ("TRIAL_RATE_WINDOW_MINUTES", 1, 43_200),
        ("TRIAL_DEFAULT_DURATION", 5, 480),
    ):
        value = get_setting(name)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            messages.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a whole number between {low} and {high}, "
                    f"got {value!r}.",
                    hint=f"Remove the setting to use the default of {DEFAULTS[name]}.",
                    id="wagtail_coaching.E070",
                )
            )
    recipients = get_setting("TRIAL_NOTIFY_EMAILS")
    if not isinstance(recipients, list | tuple) or not all(
        isinstance(address, str) and "@" in address for address in recipients
    ):
        messages.append(
            Error(
                "WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS must be a list of e-mail addresses, "
                f"got {recipients!r}.",
                hint="For example ['trials@example.org'], or [] to write to the MANAGERS.",
                id="wagtail_coaching.E071",
            )
        )
    return messages
