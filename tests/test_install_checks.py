"""``check`` catches each way an installation can be broken, with a message saying what to do."""

import sys

import pytest
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import include, path


def messages_with(check_id, **settings):
    with override_settings(**settings):
        return [m for m in run_checks(include_deployment_checks=True) if m.id == check_id]


def test_a_complete_installation_passes():
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert not {i for i in ids if i.startswith("wagtail_coaching.E")}
    assert not ids & {"wagtail_coaching.W021", "wagtail_coaching.W030", "wagtail_coaching.W031"}


class NoLoginURLs:
    """A site that included the app's URLs but has no login page."""

    urlpatterns = [path("coaching/", include("wagtail_coaching.urls"))]


class NoAppURLs:
    """A site that has Django's login pages but forgot the app's URLs."""

    urlpatterns = [path("accounts/", include("django.contrib.auth.urls"))]


def test_a_login_url_that_leads_nowhere_is_an_error():
    (message,) = messages_with("wagtail_coaching.E031", ROOT_URLCONF=NoLoginURLs)
    assert "LOGIN_URL" in message.msg and "django.contrib.auth.urls" in message.hint


def test_app_urls_not_included_is_an_error():
    (message,) = messages_with("wagtail_coaching.E030", ROOT_URLCONF=NoAppURLs)
    assert 'include("wagtail_coaching.urls")' in message.hint


def test_no_logout_url_is_a_warning():
    assert messages_with("wagtail_coaching.W030", ROOT_URLCONF=NoLoginURLs)


def test_django_default_login_redirect_is_a_warning():
    (message,) = messages_with("wagtail_coaching.W031", LOGIN_REDIRECT_URL="/accounts/profile/")
    assert "wagtail_coaching:my_coaching" in message.hint


def test_a_storage_backend_that_does_not_import_is_an_error(settings, monkeypatch):
    # As on a site where django-storages is not installed (the tests install it for S3).
    monkeypatch.setitem(sys.modules, "storages", None)
    monkeypatch.delitem(sys.modules, "storages.backends.s3", raising=False)
    monkeypatch.delitem(sys.modules, "storages.backends", raising=False)
    storages = dict(settings.STORAGES)
    storages["wagtail_coaching"] = {"BACKEND": "storages.backends.s3.S3Storage"}
    (message,) = messages_with("wagtail_coaching.E026", STORAGES=storages)
    assert "django-storages" in message.hint


def test_a_private_folder_that_cannot_be_written_is_an_error(settings, tmp_path):
    storages = {k: v for k, v in settings.STORAGES.items() if k != "wagtail_coaching"}
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    (message,) = messages_with(
        "wagtail_coaching.E027",
        STORAGES=storages,
        WAGTAIL_COACHING_PRIVATE_ROOT=str(not_a_folder / "documents"),
    )
    assert "cannot be written" in message.msg and message.hint


def test_a_private_folder_that_can_be_created_passes(settings, tmp_path):
    storages = {k: v for k, v in settings.STORAGES.items() if k != "wagtail_coaching"}
    assert not messages_with(
        "wagtail_coaching.E027",
        STORAGES=storages,
        WAGTAIL_COACHING_PRIVATE_ROOT=str(tmp_path / "not-yet" / "documents"),
    )


@pytest.mark.parametrize("base_url", ["", None, "http://example.com", "https://www.example.com/"])
def test_e_mail_links_to_example_com_are_an_error_in_production(base_url):
    (message,) = messages_with("wagtail_coaching.E032", DEBUG=False, WAGTAILADMIN_BASE_URL=base_url)
    assert "WAGTAILADMIN_BASE_URL" in message.msg


def test_e_mail_links_are_not_checked_in_development():
    assert not messages_with("wagtail_coaching.E032", DEBUG=True, WAGTAILADMIN_BASE_URL="")
