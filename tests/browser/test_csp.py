"""Under the Content-Security-Policy, Wagtail's admin and the space pages still work, and the
browser reports no violation."""

from playwright.sync_api import expect

from tests.conftest import accept_contract
from tests.factories import ClientSpaceFactory, UserFactory
from tests.programmes import make_programme


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # late scripts (Stimulus controllers, embeds)
    found = page.violations()
    assert found == [], url + "\n" + "\n".join(found)


def test_the_admin_page_editor_and_a_space_page_run_under_the_policy(watched, login):
    page = watched
    programme, modules = make_programme(modules=1)
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    login(page, editor)
    visit(page, "/admin/")
    visit(page, f"/admin/pages/{modules[0].pk}/edit/")
    # The StreamField is drawn by the admin's scripts: blocks and their menus are there.
    expect(
        page.locator("#panel-child-content-body-section [data-contentpath]").first
    ).to_be_visible()
    page.locator(
        "footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']"
    ).first.click()
    expect(page.locator('button[name="action-publish"]')).to_be_visible()
    visit(page, f"/admin/pages/{programme.pk}/edit/")
    # The publishing schedule's date pickers, which Wagtail starts with inline scripts, are
    # started by the admin script instead: their calendars were built.
    assert page.locator(".xdsoft_datetimepicker").count() >= 2
    visit(page, "/admin/wagtail_coaching/clientspace/")
    assert page.violations() == []

    coachee = UserFactory(username="dana")
    space = ClientSpaceFactory(coachee=coachee, programme=programme)
    accept_contract(coachee, space)
    page.context.clear_cookies()
    login(page, coachee)
    visit(page, space.get_absolute_url())
    visit(page, f"{space.get_absolute_url()}modules/{modules[0].pk}/")
    expect(page.locator("iframe[src*='youtube']").first).to_be_attached()
    visit(page, f"{space.get_absolute_url()}export/")
    # While the zip is prepared, the page's inline script (allowed by its nonce) refreshes it.
    page.get_by_role("button", name="Prepare my zip file").click()
    expect(page.locator("#coaching-export-status")).not_to_be_empty()
    assert page.violations() == []
