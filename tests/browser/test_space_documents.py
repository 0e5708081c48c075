"""A coachee accepts the contract, uploads, downloads and deletes a document; another
coachee gets a 404 on the document's URL."""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.factories import ClientSpaceFactory, CoachFactory, OrganisationFactory, UserFactory
from tests.tasks import run_tasks


@pytest.fixture
def people(transactional_db):
    coachee = UserFactory(username="dana", first_name="Dana", last_name="Coachee")
    coach = CoachFactory(username="camille", first_name="Camille", last_name="Coach")
    space = ClientSpaceFactory(
        coach=coach, coachee=coachee, organisation=OrganisationFactory(name="Acme")
    )
    other = UserFactory(username="olivia", first_name="Olivia", last_name="Othercoachee")
    ClientSpaceFactory(coachee=other, organisation=OrganisationFactory(name="Globex"))
    return coachee, other, space


def test_contract_upload_download_delete(page, login, people, tmp_path):
    coachee, other, space = people
    login(page, coachee)

    # The space is behind the contract.
    page.goto(space.get_absolute_url())
    expect(page).to_have_url(re.compile(r"/contract/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Coaching contract")
    expect(page.locator("article.coaching-contract")).to_contain_text("Professional secrecy.")
    page.get_by_role("button", name="Accept the contract").click()
    expect(page.get_by_role("alert")).to_have_text("Tick the box to accept the contract.")
    page.get_by_label("I have read this contract and I accept it").check()
    page.get_by_role("button", name="Accept the contract").click()
    expect(page).to_have_url(re.compile(re.escape(space.get_absolute_url()) + "$"))
    expect(page.get_by_role("status")).to_contain_text("you accepted the contract")

    # Upload.
    page.get_by_role("link", name="Documents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    source = tmp_path / "my plan.txt"
    source.write_text("Quarter goals: listen more.\n", encoding="utf-8")
    page.get_by_label("File").set_input_files(str(source))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Document uploaded.")
    link = page.get_by_role("link", name="my plan.txt", exact=True)
    expect(link).to_be_visible()
    document_url = link.get_attribute("href")

    # Download: the same bytes come back, as an attachment.
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "my plan.txt"
    assert open(download.path(), encoding="utf-8").read() == "Quarter goals: listen more.\n"

    # Export: the zip is asked for on the page, built by the task worker, then offered.
    page.get_by_role("navigation", name="In this space").get_by_role(
        "link", name="Download my data"
    ).click()
    page.get_by_role("button", name="Prepare my zip file").click()
    run_tasks()
    page.reload()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the zip").click()
    archive = zipfile.ZipFile(info.value.path())
    assert "space.json" in archive.namelist() and "contract.pdf" in archive.namelist()
    page.get_by_role("navigation", name="In this space").get_by_role(
        "link", name="Documents"
    ).click()

    # A wrong type is refused with a message.
    fake = tmp_path / "fake.pdf"
    fake.write_text("not a pdf", encoding="utf-8")
    page.get_by_label("File").set_input_files(str(fake))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("alert")).to_contain_text("does not match its name")

    # Delete.
    page.get_by_role("link", name="Delete my plan.txt").click()
    page.get_by_role("button", name="Yes, delete").click()
    expect(page.get_by_role("status")).to_contain_text("Document deleted.")
    expect(page.get_by_role("link", name="my plan.txt", exact=True)).to_have_count(0)
    expect(page.get_by_text("No documents yet.")).to_be_visible()

    # Another coachee gets the site's 404 on the document's URL.
    page.get_by_role("button", name="Log out (dana)").click()
    login(page, other)
    response = page.goto(document_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
