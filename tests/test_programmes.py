"""Programme pages as visitors see them, and the demo's programme."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from wagtail_coaching.blocks import ModuleBodyBlock
from wagtail_coaching.programmes.journey import build_journey
from wagtail_coaching.programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage
from wagtail_coaching.spaces.models import ClientSpace

from .programmes import make_image, make_programme

pytestmark = pytest.mark.django_db


def test_programme_page_states_everything_before_it_begins(client):
    programme, modules = make_programme(modules=3)
    programme.image = make_image()
    programme.save()
    body = client.get(programme.url).content.decode()
    for expected in (
        "6 sessions",
        "60 minutes",
        "12 weeks",
        "Managers",
        "A check-in every month.",
        "Kick-off",
        "Work on Module 2",
        "Mid-way review",
        "Milestone",
    ):
        assert expected in body, expected
    positions = [body.index(f'href="{module.url}"') for module in modules]
    assert positions == sorted(positions)
    assert "<img" in body


def test_catalogue_lists_live_programmes(client):
    programme, _modules = make_programme(modules=1, title="Visible")
    hidden, _ = make_programme(modules=1, title="Hidden draft")
    hidden.unpublish()
    index = ProgrammeIndexPage.objects.get(pk=programme.get_parent().pk)
    body = client.get(index.url).content.decode()
    assert "Visible" in body
    empty = ProgrammeIndexPage.objects.get(pk=hidden.get_parent().pk)
    assert "No programme is published yet." in client.get(empty.url).content.decode()


def test_programme_page_in_french(client):
    programme, _modules = make_programme(modules=1)
    body = client.get(programme.url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "6 séances" in body and "12 semaines" in body


def test_space_front_door_links_to_the_journey(client, programme_world):
    w = programme_world
    client.force_login(w.coachee)
    body = client.get(w.space.get_absolute_url()).content.decode()
    assert reverse("wagtail_coaching:space_journey", kwargs={"public_id": w.space.public_id}) in (
        body
    )


def test_demo_programme_in_two_languages_uses_every_block(capsys):
    call_command("coaching_demo", allow_production=True)
    programmes = ProgrammePage.objects.live().order_by("path")
    assert [p.title for p in programmes] == ["Leading with confidence", "Diriger avec assurance"]
    every_type = set(ModuleBodyBlock().child_blocks)
    for programme in programmes:
        modules = list(ModulePage.objects.child_of(programme).live())
        assert len(modules) >= 3
        used = {child.block_type for module in modules for child in module.body}
        assert used == every_type, programme.title
        programme.full_clean()  # the steps link to the programme's own modules
        assert {step.value["kind"] for step in programme.steps} == {
            "session",
            "module",
            "assessment",
            "milestone",
        }


def test_demo_spaces_are_at_different_points():
    call_command("coaching_demo", allow_production=True)
    User = get_user_model()
    journeys = {
        username: build_journey(
            ClientSpace.objects.select_related("programme").get(
                coachee=User.objects.get(username=username)
            )
        ).figures
        for username in ("camille", "lucas", "sofia")
    }
    assert journeys["lucas"].modules_completed == 0 and journeys["lucas"].steps_done == 0
    assert 0 < journeys["camille"].modules_completed < journeys["camille"].modules_total
    assert journeys["sofia"].modules_completed == journeys["sofia"].modules_total
    assert journeys["sofia"].steps_done == journeys["sofia"].steps_total
    assert journeys["camille"].minutes_spent == 55 + 60 + 50
    assert journeys["sofia"].actions_total == 2 and journeys["sofia"].actions_done == 1


def test_admin_edit_forms_render(client, programme_world):
    w = programme_world
    client.force_login(w.superuser)
    for page in (w.programme, w.module, w.programme.get_parent()):
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, page
    body = client.get(f"/admin/pages/{w.module.pk}/edit/").content.decode()
    for label in ("Reflection prompt", "Self-assessment scale", "Checklist", "Action plan"):
        assert label in body
    response = client.get(f"/admin/wagtail_coaching/clientspace/edit/{w.space.pk}/")
    assert response.status_code == 200
    assert w.programme.title in response.content.decode()
