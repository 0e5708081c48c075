"""Wagtail's admin under its strict Content-Security-Policy (no ``'unsafe-inline'`` for
scripts): a walk of the admin's screens and every screen the app registers, with the real
header, finds no violation, and the widgets that Wagtail used to start with inline scripts
work (choosers open, a StreamField block is added, an inline panel adds a form, date pickers
are built)."""

from django.urls import reverse
from playwright.sync_api import expect
from wagtail.models import Collection

from tests.programmes import make_programme
from tests.test_admin_urls import URLS, url_for, victims  # noqa: F401  (the fixture)

from .test_csp import visit

# Not pages: files (PDFs, downloads) and the choosers' modal responses (JSON), which the walk
# opens from the forms instead.
NOT_PAGES = ("_pdf", "export_download", "_chooser:")


def test_the_admin_runs_under_its_strict_policy(watched, login, victims):  # noqa: F811
    page = watched
    world, objects = victims
    # An earlier transactional test's flush takes the root collection Wagtail's migration
    # made; the image screens and chooser need one.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    programme, modules = make_programme(modules=1)
    login(page, world.superuser)

    response = page.goto("/admin/")
    script_src = response.headers["content-security-policy"].split("script-src ")[1]
    assert "'unsafe-inline'" not in script_src.split(";")[0]

    wagtail_screens = [
        "/admin/",
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_explore", args=[programme.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[programme.pk]),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add"),
        reverse("wagtaildocs:index"),
        reverse("wagtailsnippets:index"),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:edit", args=[world.coach.pk]),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsites:index"),
        reverse("wagtaillocales:index"),
        reverse("wagtailredirects:index"),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_reports:site_history"),
    ]
    app_screens = [
        url_for(name, arguments, model, objects)
        for name, arguments, _admin, model in URLS
        if not any(part in name for part in NOT_PAGES)
    ]
    for url in wagtail_screens + app_screens:
        visit(page, url)

    # The programme's image is a chooser field: its button opens Wagtail's chooser modal.
    visit(page, reverse("wagtailadmin_pages:edit", args=[programme.pk]))
    page.locator("[data-chooser-action-choose]").first.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    expect(page.locator(".modal-dialog").get_by_role("heading", level=1)).to_be_visible()
    assert page.violations() == []
    page.keyboard.press("Escape")
    # The publishing schedule's date pickers were built from their inert JSON.
    assert page.locator(".xdsoft_datetimepicker").count() >= 2

    # A module's body: a block is added to the StreamField.
    visit(page, reverse("wagtailadmin_pages:edit", args=[modules[0].pk]))
    blocks = page.locator("#panel-child-content-body-section [data-contentpath]")
    before = blocks.count()
    page.locator("#panel-child-content-body-section button[title='Insert a block']").first.click()
    page.get_by_role("option", name="Heading").first.click()
    expect(blocks).not_to_have_count(before)
    assert page.violations() == []

    # A workflow's tasks are an inline panel: a task is added, and its task chooser opens.
    visit(page, reverse("wagtailadmin_workflows:add"))
    page.get_by_role("button", name="Add task").click()
    page.get_by_role("button", name="Choose a task").first.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    assert page.violations() == []
    page.keyboard.press("Escape")

    # The report readers' chooser, on an organisation's form, opens its modal.
    visit(page, reverse("wagtail_coaching_organisation_modeladmin_edit", args=[world.org.pk]))
    page.locator("[data-chooser-action-choose]").first.click()
    expect(page.locator(".modal-dialog")).to_be_visible()
    assert page.violations() == []
