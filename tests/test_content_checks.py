import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.test import override_settings


@pytest.mark.parametrize(
    "setting, value, check_id",
    [
        ("WAGTAIL_COACHING_DOCUMENT_MAX_SIZE", 0, "wagtail_coaching.E022"),
        ("WAGTAIL_COACHING_DOCUMENT_MAX_SIZE", "10MB", "wagtail_coaching.E022"),
        ("WAGTAIL_COACHING_DOCUMENT_TYPES", ["pdf", "exe"], "wagtail_coaching.E023"),
        ("WAGTAIL_COACHING_DOCUMENT_TYPES", "pdf", "wagtail_coaching.E023"),
        ("WAGTAIL_COACHING_DOCUMENT_SERVE_METHOD", "nginx", "wagtail_coaching.E024"),
        ("WAGTAIL_COACHING_RETENTION_DAYS", -1, "wagtail_coaching.E025"),
        ("WAGTAIL_COACHING_SESSION_IDLE_TIMEOUT", "30", "wagtail_coaching.E025"),
    ],
)
def test_bad_content_settings_are_reported(setting, value, check_id):
    with override_settings(**{setting: value}):
        messages = [m for m in run_checks() if m.id == check_id]
    assert len(messages) == 1 and setting in messages[0].msg and messages[0].hint


def test_missing_idle_middleware_is_a_warning():
    middleware = [m for m in settings.MIDDLEWARE if "IdleSession" not in m]
    with override_settings(MIDDLEWARE=middleware):
        assert "wagtail_coaching.W020" in {m.id for m in run_checks()}
