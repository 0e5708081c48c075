"""The room's documents panel with two browser contexts: what one shares, the other sees."""

import io
import time

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_board import draw, two_pages, wait_items  # noqa: F401  (fixture)
from tests.browser.test_room import jitsi_stand_in, room  # noqa: F401  (fixtures)
from wagtail_coaching.spaces.content import SpaceDocument
from wagtail_coaching.spaces.documents import read_document

LIVE_LIMIT_S = 5.0


def panel(page):
    return page.locator("#coaching-documents")


def test_a_document_shared_by_one_appears_for_the_other_without_reload(two_pages):  # noqa: F811
    coach_page, coachee_page, _session = two_pages
    expect(panel(coachee_page)).to_contain_text("No documents yet.")

    # The coachee picks a file with the labelled input (keyboard reachable) and uploads it.
    coachee_page.get_by_label("Share a document").set_input_files(
        files=[{"name": "my-goals.txt", "mimeType": "text/plain", "buffer": b"Goals\n"}]
    )
    coachee_page.get_by_role("button", name="Upload", exact=True).focus()
    started = time.monotonic()
    coachee_page.keyboard.press("Enter")
    expect(panel(coachee_page).locator("[data-documents-status]")).to_have_text(
        "Document uploaded."
    )
    # The coach sees it appear, without reloading, within a few seconds.
    link = panel(coach_page).get_by_role("link", name="my-goals.txt")
    expect(link).to_be_visible(timeout=int(LIVE_LIMIT_S * 1000))
    assert time.monotonic() - started < LIVE_LIMIT_S
    expect(panel(coach_page)).to_contain_text("Dana Coachee")
    expect(panel(coach_page).locator("[data-documents-empty]")).to_be_hidden()

    # It opens through the permission-checked download view.
    href = link.get_attribute("href")
    response = coach_page.request.get(href)
    assert response.status == 200 and response.body() == b"Goals\n"

    # A refused file: a clear message in the panel, nothing saved, and the page still works.
    coach_page.get_by_label("Share a document").set_input_files(
        files=[{"name": "photo.png", "mimeType": "image/png", "buffer": b"not an image"}]
    )
    coach_page.get_by_role("button", name="Upload", exact=True).click()
    status = panel(coach_page).locator("[data-documents-status]")
    expect(status).to_contain_text("does not match its name")
    assert SpaceDocument.objects.count() == 1

    # The refused file stays chosen (to rename it and try again); nothing chosen: it says so.
    assert coach_page.get_by_label("Share a document").evaluate("i => i.files.length") == 1
    coach_page.get_by_label("Share a document").set_input_files([])
    coach_page.get_by_role("button", name="Upload", exact=True).click()
    expect(status).to_have_text("Choose a file to upload.")


def test_the_board_saved_as_pdf_appears_as_a_document_for_both(two_pages):  # noqa: F811
    coach_page, coachee_page, _session = two_pages
    coach_page.get_by_role("button", name="Text", exact=True).click()
    coach_page.get_by_label("Text to place").fill("Plan for May")
    coach_page.locator("#coaching-board canvas").click(position={"x": 60, "y": 60})
    wait_items(coachee_page, 1)

    coach_page.get_by_role("button", name="Save as PDF").click()
    expect(coach_page.locator("[data-board-status]")).to_contain_text(
        "saved in the space’s documents"
    )
    for page in (coach_page, coachee_page):
        expect(panel(page).locator("[data-documents-list] li")).to_have_count(1, timeout=5000)
        expect(panel(page)).to_contain_text(".pdf")
    document = SpaceDocument.objects.get()
    assert document.content_type == "application/pdf"
    assert "Plan for May" in PdfReader(io.BytesIO(read_document(document))).pages[0].extract_text()
