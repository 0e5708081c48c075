import pytest
from django.core.checks import run_checks
from django.test import override_settings


def check_ids():
    return {message.id for message in run_checks() if message.id.startswith("wagtail_coaching")}


def test_the_sandbox_configuration_passes():
    # The sandbox runs its rooms on the public meet.jit.si, so it is warned that they are not
    # token-protected (W020); tests/test_jitsi.py covers a configured site.
    assert check_ids() == {"wagtail_coaching.W040"}


@pytest.mark.parametrize(
    "setting, value, check_id",
    [
        ("WAGTAIL_COACHING_COACHES_GROUP", "", "wagtail_coaching.E010"),
        ("WAGTAIL_COACHING_COACHES_GROUP", 3, "wagtail_coaching.E010"),
        ("WAGTAIL_COACHING_ROOM_NAME_PREFIX", "Coaching", "wagtail_coaching.E011"),
        ("WAGTAIL_COACHING_ROOM_NAME_PREFIX", "room name", "wagtail_coaching.E011"),
        ("WAGTAIL_COACHING_ROOM_NAME_PREFIX", "-x", "wagtail_coaching.E011"),
        ("WAGTAIL_COACHING_SESSION_DEFAULT_DURATION", "60", "wagtail_coaching.E012"),
        ("WAGTAIL_COACHING_SESSION_DEFAULT_DURATION", 0, "wagtail_coaching.E012"),
        ("WAGTAIL_COACHING_SESSION_DEFAULT_DURATION", True, "wagtail_coaching.E012"),
        ("WAGTAIL_COACHING_BASE_TEMPLATE", None, "wagtail_coaching.E013"),
        ("WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE", "2000", "wagtail_coaching.E015"),
        ("WAGTAIL_COACHING_REPORT_BACKGROUND_SIZE", -1, "wagtail_coaching.E015"),
        ("WAGTAIL_COACHING_REPORT_EXPORT_HOURS", 0, "wagtail_coaching.E016"),
    ],
)
def test_bad_settings_are_reported_with_a_hint(setting, value, check_id):
    with override_settings(**{setting: value}):
        messages = [m for m in run_checks() if m.id == check_id]
    assert len(messages) == 1
    assert setting in messages[0].msg
    assert messages[0].hint


def test_missing_guardian_backend_is_reported():
    with override_settings(AUTHENTICATION_BACKENDS=["django.contrib.auth.backends.ModelBackend"]):
        assert "wagtail_coaching.E003" in check_ids()
