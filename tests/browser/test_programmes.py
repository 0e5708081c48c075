"""Editors write programmes in the Wagtail admin; coachees follow them in their space."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory
from tests.programmes import block_ids, every_block, home_page, make_programme
from wagtail_coaching.programmes.pages import ModulePage, ProgrammeIndexPage, ProgrammePage
from wagtail_coaching.programmes.progress import Answer

SECRET = "I felt confident when I presented the budget"


def publish(page):
    """Open the footer's action menu and publish."""
    page.locator(
        "footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']"
    ).first.click()
    page.locator('button[name="action-publish"]').click()


def add_block(page, field_name, label):
    page.locator(
        f"#panel-child-content-{field_name}-section button[title='Insert a block']"
    ).last.click()
    if label:  # a stream of one block type adds it without asking
        page.get_by_role("option", name=re.compile(rf"^{label}")).first.click()


@pytest.fixture
def catalogue(transactional_db):
    index = ProgrammeIndexPage(title="Programmes", slug="programmes")
    home_page().add_child(instance=index)
    return index


def test_editor_creates_and_publishes_a_programme_with_two_modules(page, login, catalogue):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    login(page, editor)

    page.goto(f"/admin/pages/{catalogue.pk}/add_subpage/")
    # Only programmes may be created in a catalogue: Wagtail goes straight to the form.
    expect(page).to_have_url(re.compile(r"/add/wagtail_coaching/programmepage/"))
    page.locator("#id_title").fill("Speaking up")
    page.locator("#id_planned_sessions").fill("4")
    page.locator("#id_session_length_minutes").fill("45")
    page.locator("#id_duration_weeks").fill("8")
    page.locator("#id_audience").fill("Team leads")
    add_block(page, "steps", None)
    page.locator("#steps-0-value-title").fill("First session")
    publish(page)
    expect(page.locator(".messages")).to_contain_text("published")
    programme = ProgrammePage.objects.get(title="Speaking up")
    assert programme.live and programme.planned_sessions == 4
    assert [step.value["title"] for step in programme.steps] == ["First session"]

    for number, question in ((1, "What do you want to say?"), (2, "What stops you?")):
        page.goto(f"/admin/pages/{programme.pk}/add_subpage/")
        expect(page).to_have_url(re.compile(r"/add/wagtail_coaching/modulepage/"))
        page.locator("#id_title").fill(f"Module {number}")
        add_block(page, "body", "Reflection prompt")
        page.locator("#body-0-value-question").fill(question)
        publish(page)
        expect(page.locator(".messages")).to_contain_text("published")

    modules = ModulePage.objects.child_of(programme).live().order_by("path")
    assert [m.title for m in modules] == ["Module 1", "Module 2"]
    assert [child.value["question"] for child in modules[1].body] == ["What stops you?"]

    # Visitors see the programme and its modules in order.
    page.goto(programme.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Speaking up")
    expect(page.locator(".coaching-modules li")).to_have_text(
        [re.compile("Module 1"), re.compile("Module 2")]
    )
    expect(page.locator(".coaching-programme-facts")).to_contain_text("45 minutes")


@pytest.fixture
def journey(transactional_db):
    # No video: its player would be fetched from the internet.
    programme, modules = make_programme(
        modules=2,
        module_body=lambda n: [c for c in every_block(tag=str(n)) if c["type"] != "video"],
    )
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    coach = CoachFactory(username="cora", first_name="Cora", last_name="Coach")
    organisation = OrganisationFactory(name="Acme")
    space = ClientSpaceFactory(
        coachee=coachee, coach=coach, organisation=organisation, programme=programme
    )
    other = UserFactory(username="olivia", first_name="Olivia", last_name="Other")
    other_space = ClientSpaceFactory(coachee=other, organisation=organisation, programme=programme)
    return space, other_space, modules


def test_coachee_answers_completes_a_module_and_sees_the_picture_change(page, login, journey):
    space, other_space, modules = journey
    module = modules[0]
    login(page, space.coachee)

    page.goto(space.get_absolute_url())
    # The space opens once the coaching contract is accepted.
    page.get_by_label("I have read this contract and I accept it").check()
    page.get_by_role("button", name="Accept the contract").click()
    page.get_by_role("link", name="See the journey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey")
    picture = page.locator("svg.coaching-progress-picture")
    expect(picture).to_be_visible()
    expect(picture.locator(".coaching-bar--modules")).to_have_attribute("data-percent", "0")
    expect(page.locator("#progress-desc")).to_contain_text("0 of 2 modules completed")

    page.locator(".coaching-journey-modules").get_by_role("link", name="Module 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Module 1")
    # Opening a module does not start it; the first answer does.
    expect(page.locator(".coaching-module-state")).to_have_text("Not started")

    reflection = page.locator(".coaching-reflection")
    reflection.get_by_label("Your answer").fill(SECRET)
    reflection.get_by_role("button", name="Save my answer").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.locator(".coaching-module-state")).to_have_text("Started")
    expect(page.locator(".coaching-reflection textarea")).to_have_value(SECRET)

    scale = page.locator(".coaching-scale")
    scale.get_by_label(re.compile(r"^7$")).check()
    scale.get_by_role("button", name="Save my answer").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.locator(".coaching-scale").get_by_label(re.compile(r"^7$"))).to_be_checked()

    page.get_by_role("button", name="I have completed this module").click()
    expect(page.locator(".messages")).to_contain_text("Module marked as done.")
    expect(page.locator(".coaching-module-state")).to_have_text("Completed")

    page.get_by_role("link", name="Back to the journey").click()
    expect(picture.locator(".coaching-bar--modules")).to_have_attribute("data-percent", "50")
    expect(page.locator("#progress-desc")).to_contain_text("1 of 2 modules completed")
    expect(page.locator('[data-figure="modules"]')).to_have_text("1 / 2")
    assert Answer.objects.filter(space=space).count() == 2

    # Another coachee: 404 on those answers' URLs, and never the answers on the module page.
    answer_path = (
        f"/coaching/spaces/{space.public_id}/modules/{module.pk}/answers/"
        f"{block_ids(module, 'reflection')[0]}/"
    )
    page.get_by_role("button", name=re.compile(r"^Log out")).click()
    login(page, other_space.coachee)
    for path in (
        answer_path,
        f"/coaching/spaces/{space.public_id}/modules/{module.pk}/",
        f"/coaching/spaces/{space.public_id}/journey/",
    ):
        response = page.goto(path)
        assert response.status == 404, path
        expect(page.locator("body")).not_to_contain_text(SECRET)
    page.goto(f"/coaching/spaces/{other_space.public_id}/modules/{module.pk}/")
    page.get_by_label("I have read this contract and I accept it").check()
    page.get_by_role("button", name="Accept the contract").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Module 1")
    expect(page.locator(".coaching-reflection textarea")).to_have_value("")
    expect(page.locator("body")).not_to_contain_text(SECRET)
    page.goto(module.url)
    expect(page.locator(".coaching-reflection")).to_contain_text("Coachees answer this question")
    expect(page.locator("body")).not_to_contain_text(SECRET)
