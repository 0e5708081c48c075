"""Runs inside the swapped-page-model site (``tests/test_swapped_page_model.py`` starts it):
its test database is built by every migration, then the demo data is loaded and the app is
used as a coachee and as HR would, through the test client."""

import re

import pytest
import swapper
from django.core.management import call_command
from django.urls import reverse

from wagtail_coaching.programmes.pages import ProgrammePage
from wagtail_coaching.spaces import contracts
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.trials.pages import TrialRequestPage


@pytest.fixture
def demo(db):
    call_command("coaching_demo", allow_production=True, verbosity=0)


def test_the_page_models_follow_the_swapped_base_page(demo):
    SitePage = swapper.load_model("wagtailcore", "Page")
    assert SitePage._meta.label == "swapped_page.SitePage"
    for model in (ProgrammePage, TrialRequestPage):
        assert model._meta.pk.name == "page_ptr"
        assert model._meta.pk.related_model is SitePage
    programme = ProgrammePage.objects.live().first()
    assert SitePage.objects.get(pk=programme.pk).specific == programme


def test_visitor_coachee_and_hr_use_the_app(demo, client):
    assert client.get(TrialRequestPage.objects.live().first().url).status_code == 200
    assert client.get(ProgrammePage.objects.live().first().url).status_code == 200
    response = client.get(reverse("wagtail_coaching:my_coaching"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    response = client.post(
        reverse("login"), {"username": "camille", "password": "coaching-demo"}, follow=True
    )
    assert response.status_code == 200
    space = ClientSpace.objects.get(coachee__username="camille")
    contract = contracts.applicable_contract(space)
    contract_url = reverse("wagtail_coaching:contract", args=[space.public_id])
    response = client.post(contract_url, {"accept": "on", "sha256": contract.sha256}, follow=True)
    assert "you accepted the contract" in response.content.decode()
    notes_url = reverse("wagtail_coaching:notes", args=[space.public_id])
    response = client.post(
        notes_url, {"body": "Swapped smoke note.", "visibility": "private"}, follow=True
    )
    assert "Note saved." in response.content.decode()
    assert "Swapped smoke note." in response.content.decode()
    journey = client.get(reverse("wagtail_coaching:space_journey", args=[space.public_id]))
    assert journey.status_code == 200 and b"coaching-progress-picture" in journey.content

    client.logout()
    client.post(reverse("login"), {"username": "hr", "password": "coaching-demo"})
    response = client.get("/admin/coaching-reports/", follow=True)
    organisation_id = re.search(r"/admin/coaching-reports/(\d+)/$", response.redirect_chain[-1][0])
    pdf = client.get(f"/admin/coaching-reports/{organisation_id.group(1)}/pdf/")
    body = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and body.startswith(b"%PDF")
