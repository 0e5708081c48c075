"""The whole path of a trial in a real browser: a prospect fills the public form, staff
schedule the trial in the admin, and the prospect opens the personal link from the e-mail
(no account) into the embedded room, against the stand-in of Jitsi's external_api.js."""

import datetime
import re

import jwt
import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.test_room import SECRET, instance_options, jitsi_stand_in, wait_for  # noqa: F401
from tests.factories import CoachFactory, UserFactory
from tests.tasks import run_tasks
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.trials.models import TrialRequest, TrialStatus
from wagtail_coaching.trials.pages import TrialRequestPage


@pytest.fixture
def trial_page(transactional_db):
    """The live server's database is flushed between tests: build the page tree here."""
    from wagtail.models import Locale, Page, Site

    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    page = TrialRequestPage(
        title="Try coaching",
        slug="try-coaching",
        intro="<p>Curious? Ask for a trial.</p>",
        thank_you_text="<p>Thank you, we will be in touch.</p>",
    )
    root.add_child(instance=page)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=root, is_default_site=True)
    return page


def test_from_the_public_form_to_the_guest_room(
    browser,
    live_server,
    page,
    login,
    trial_page,
    jitsi_stand_in,  # noqa: F811
):
    coach = CoachFactory(username="cleo", first_name="Cleo", last_name="Coach")
    staff = UserFactory(username="desk", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_coaching"),
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )

    # 1. The prospect asks for a trial on the public page.
    page.goto(trial_page.url)
    expect(page.get_by_text("Curious? Ask for a trial.")).to_be_visible()
    page.get_by_label("Your name").fill("Pat Prospect")
    page.get_by_label("Work e-mail").fill("pat@initech.example")
    page.get_by_label("Organisation").fill("Initech")
    page.get_by_label("Your role").fill("Head of people")
    page.get_by_label("A trial coaching session").check()
    page.get_by_label("Preferred time slots").fill("Any morning this week")
    # The honeypot is out of sight and out of the tab order.
    expect(page.locator('input[name="website"]')).not_to_be_in_viewport()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Please give your consent")).to_be_visible()
    # Nothing typed was lost.
    expect(page.get_by_label("Organisation")).to_have_value("Initech")
    page.get_by_label("I agree that my details are used").check()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_text("Thank you, we will be in touch.")).to_be_visible()
    trial = TrialRequest.objects.get()
    assert trial.status == TrialStatus.NEW

    # 2. Staff schedule it in the admin, a few minutes from now.
    staff_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        staff_page = staff_context.new_page()
        login(staff_page, staff)
        staff_page.goto("/admin/wagtail_coaching/trialrequest/")
        expect(staff_page.get_by_text("Pat Prospect")).to_be_visible()
        staff_page.get_by_role("link", name="Schedule", exact=True).click()
        starts = timezone.localtime(
            timezone.now() + datetime.timedelta(minutes=3), user_timezone(staff)
        )
        staff_page.locator("#id_coach").select_option(label="Cleo Coach")
        staff_page.locator("#id_date").fill(starts.date().isoformat())
        staff_page.locator("#id_time").fill(starts.strftime("%H:%M"))
        staff_page.get_by_role("button", name="Schedule and send the invitations").click()
        expect(staff_page.get_by_text("Trial scheduled")).to_be_visible()
    finally:
        staff_context.close()
    trial.refresh_from_db()
    assert trial.status == TrialStatus.SCHEDULED
    assert trial.coach == coach

    # 3. The prospect follows the personal link from the e-mail: no login, the room opens.
    run_tasks()  # the task worker sends the invitations
    guest_mail = next(m for m in mail.outbox if m.to == ["pat@initech.example"])
    link = re.search(r"https?://\S+/coaching/trials/guest/\S+/", guest_mail.body).group(0)
    path = link.split("testserver", 1)[-1]
    guest_context = browser.new_context(base_url=live_server.url, locale="en-GB")
    try:
        guest = guest_context.new_page()
        response = guest.goto(path)
        assert response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(guest.get_by_role("heading", name=re.compile("Coaching trial"))).to_be_visible()
        guest.wait_for_function(
            "() => window.__jitsiStandIn && window.__jitsiStandIn.instances.length === 1"
        )
        options = instance_options(guest)
        assert options["roomName"] == trial.room_name
        assert options["displayName"] == "Pat Prospect"
        claims = jwt.decode(options["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")
        assert claims["room"] == trial.room_name
        assert claims["context"]["user"]["moderator"] == "false"
        assert claims["context"]["user"]["name"] == "Pat Prospect"
        guest.evaluate("() => window.__jitsiStandIn.emit('videoConferenceJoined', {})")
        expect(guest.get_by_text("You are in the video room.")).to_be_visible()
        wait_for(lambda: TrialRequest.objects.get(pk=trial.pk).guest_joined_at, what="guest joined")

        # An altered link is a plain "not found".
        altered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
        assert guest.goto(altered).status == 404
        expect(guest.get_by_role("heading", name="Page not found")).to_be_visible()
    finally:
        guest_context.close()

    # 4. The coach hosts the same room as moderator, from "My coaching".
    login(page, coach)
    page.goto("/coaching/")
    page.get_by_role("link", name="Trial room").click()
    page.wait_for_function(
        "() => window.__jitsiStandIn && window.__jitsiStandIn.instances.length === 1"
    )
    claims = jwt.decode(
        instance_options(page)["jwt"], SECRET, algorithms=["HS256"], audience="jitsi"
    )
    assert claims["room"] == trial.room_name
    assert claims["context"]["user"]["moderator"] == "true"
