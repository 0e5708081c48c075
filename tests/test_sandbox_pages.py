"""The sandbox's own pages: the home page leads to the programmes and the trial page, and
"Forgot your password?" sends a reset link."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from tests.tasks import run_tasks

pytestmark = pytest.mark.django_db


def test_home_links_programmes_and_trial_and_login_offers_a_reset(
    client, django_capture_on_commit_callbacks
):
    call_command("coaching_demo", allow_production=True, stdout=open("/dev/null", "w"))
    home = client.get("/").content.decode()
    assert re.search(r'href="/programmes/"[^>]*>Our coaching programmes<', home)
    assert re.search(r'href="/try-coaching/"[^>]*>Ask for a free trial session<', home)

    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/">Forgot your password?<' in login
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "camille@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []  # the task worker sends it
    run_tasks()
    assert client.get(response["Location"]).status_code == 200
    [message] = mail.outbox
    link = re.search(r"/accounts/reset/[^\s]+/", message.body).group(0)
    assert client.get(link, follow=True).status_code == 200
    # An unknown address gets the same answer and no e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    run_tasks()
    assert len(mail.outbox) == 1
