"""Trials: the public form and its spam protection, scheduling with an iCalendar invitation,
the guest link inside / before / after its window and altered, the coach's room and outcome,
and the conversion into a client space."""

import datetime
import re

import icalendar
import jwt
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.models import ClientSpace, Organisation
from wagtail_coaching.trials import rules
from wagtail_coaching.trials.models import TrialRequest, TrialStatus
from wagtail_coaching.trials.pages import TrialRequestPage

from .factories import ClientSpaceFactory, CoachFactory, CoachingSessionFactory, UserFactory
from .tasks import committed

pytestmark = pytest.mark.django_db

SECRET = "trial-tests-app-secret-of-at-least-32-bytes"


@pytest.fixture
def jitsi_secret(settings):
    settings.WAGTAIL_COACHING_JITSI_APP_ID = "coaching-app"
    settings.WAGTAIL_COACHING_JITSI_APP_SECRET = SECRET


@pytest.fixture
def trial_page(db):
    site = Site.objects.get(is_default_site=True)
    privacy = Page(title="Privacy notice", slug="privacy")
    site.root_page.add_child(instance=privacy)
    page = TrialRequestPage(
        title="Try coaching",
        slug="try-coaching",
        intro="<p>Ask for a trial.</p>",
        thank_you_text="<p>Thanks, we will write soon.</p>",
        privacy_page=privacy,
    )
    site.root_page.add_child(instance=page)
    return page


def form_data(**overrides):
    data = {
        "name": "Pat  Prospect",
        "email": "pat@initech.example",
        "organisation_name": "Initech",
        "role": "Head of people",
        "kind": "session",
        "preferred_slots": "Tuesday morning",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_trial(**fields):
    values = {
        "name": "Pat Prospect",
        "email": "pat@initech.example",
        "organisation_name": "Initech",
        "role": "Head of people",
        "preferred_slots": "Tuesday morning",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return TrialRequest.objects.create(**values)


def scheduled(coach, minutes_from_now=5, duration=30, **fields):
    """A trial scheduled through :func:`rules.schedule`; returns (trial, guest token)."""
    trial = make_trial(**fields)
    starts_at = timezone.now() + datetime.timedelta(minutes=minutes_from_now)
    if minutes_from_now < 0:
        # schedule() is for the future; move the trial back in time afterwards.
        token = rules.schedule(trial, coach, timezone.now() + datetime.timedelta(days=1), duration)
        TrialRequest.objects.filter(pk=trial.pk).update(starts_at=starts_at)
        trial.refresh_from_db()
        return trial, token
    return trial, rules.schedule(trial, coach, starts_at, duration)


def guest_url(token, name="trial_guest_room"):
    return reverse(f"wagtail_coaching:{name}", kwargs={"token": token})


def invitation(message):
    parts = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True)), parts[0]


# --- The public form -----------------------------------------------------------------------


def test_page_shows_the_form_with_consent_and_privacy_link(client, trial_page):
    response = client.get(trial_page.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ask for a trial." in body
    for name in ("name", "email", "organisation_name", "role", "kind", "preferred_slots"):
        assert f'name="{name}"' in body
    assert 'name="consent"' in body
    assert 'href="/privacy/"' in body
    assert "no-store" in response["Cache-Control"]


def test_valid_request_is_stored_and_staff_told(
    client, trial_page, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS = ["trials@coaching.example"]
    with committed(django_capture_on_commit_callbacks):
        response = client.post(trial_page.url, form_data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == f"{trial_page.url}?sent=1"
    trial = TrialRequest.objects.get()
    assert (trial.name, trial.email, trial.organisation_name) == (
        "Pat Prospect",
        "pat@initech.example",
        "Initech",
    )
    assert trial.status == TrialStatus.NEW
    assert trial.kind == "session"
    assert trial.consented_at is not None
    assert trial.page_id == trial_page.pk
    # The IP is kept only as a keyed hash.
    assert trial.client_ip_hash and "203.0.113.7" not in trial.client_ip_hash
    assert trial.client_ip_hash == rules.hash_client_ip("203.0.113.7")
    assert len(mail.outbox) == 1
    staff_mail = mail.outbox[0]
    assert staff_mail.to == ["trials@coaching.example"]
    assert "Pat Prospect" in staff_mail.subject
    assert "Tuesday morning" in staff_mail.body
    assert f"/admin/wagtail_coaching/trialrequest/inspect/{trial.pk}/" in staff_mail.body

    thanks = client.get(response["Location"]).content.decode()
    assert "Thanks, we will write soon." in thanks
    assert 'name="email"' not in thanks


def test_staff_mail_goes_to_managers_by_default(
    client, trial_page, settings, django_capture_on_commit_callbacks
):
    settings.MANAGERS = [("Trials desk", "desk@coaching.example")]
    with committed(django_capture_on_commit_callbacks):
        client.post(trial_page.url, form_data())
    assert mail.outbox[0].to == ["desk@coaching.example"]


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"consent": None}, "consent", "Please give your consent"),
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"name": "   "}, "name", "required"),
        ({"kind": "holiday"}, "kind", "Select a valid choice"),
        ({"preferred_slots": "x" * 1001}, "preferred_slots", "at most 1000"),
        ({"organisation_name": ""}, "organisation_name", "required"),
    ],
)
def test_invalid_input_is_refused_and_kept(client, trial_page, overrides, field, message):
    response = client.post(trial_page.url, form_data(**overrides))
    assert response.status_code == 200
    assert not TrialRequest.objects.exists()
    assert message in str(response.context["form"].errors[field])
    body = response.content.decode()
    assert 'role="alert"' in body
    # What the prospect typed is still there.
    assert 'value="Initech"' in body or field == "organisation_name"
    assert not mail.outbox


def test_honeypot_looks_like_success_but_stores_nothing(
    client, trial_page, django_capture_on_commit_callbacks
):
    with committed(django_capture_on_commit_callbacks):
        response = client.post(trial_page.url, form_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"].endswith("?sent=1")
    assert not TrialRequest.objects.exists()
    assert not mail.outbox


def test_honeypot_is_hidden_from_people(client, trial_page):
    body = client.get(trial_page.url).content.decode()
    block = re.search(r'<div class="coaching-hp"[^>]*>.*?</div>', body, re.S).group(0)
    assert 'aria-hidden="true"' in block
    assert 'tabindex="-1"' in block
    assert 'name="website"' in block


def test_rate_limit_per_email_and_per_ip_counted_in_the_database(client, trial_page, settings):
    settings.WAGTAIL_COACHING_TRIAL_RATE_LIMIT = 2
    settings.WAGTAIL_COACHING_TRIAL_RATE_WINDOW_MINUTES = 60
    for n in range(2):
        response = client.post(
            trial_page.url, form_data(email=f"p{n}@initech.example"), REMOTE_ADDR="198.51.100.1"
        )
        assert response.status_code == 302
    # Third from the same IP with yet another address.
    response = client.post(
        trial_page.url, form_data(email="p9@initech.example"), REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert 'value="p9@initech.example"' in response.content.decode()
    assert TrialRequest.objects.count() == 2

    # The same e-mail address from elsewhere (case differs).
    client.post(trial_page.url, form_data(email="solo@x.example"), REMOTE_ADDR="198.51.100.2")
    client.post(trial_page.url, form_data(email="solo@x.example"), REMOTE_ADDR="198.51.100.3")
    response = client.post(
        trial_page.url, form_data(email="SOLO@x.example"), REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 429
    # Another sender is not affected.
    response = client.post(
        trial_page.url, form_data(email="new@x.example"), REMOTE_ADDR="198.51.100.5"
    )
    assert response.status_code == 302

    # Once the window has passed, the address may ask again.
    TrialRequest.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))
    response = client.post(
        trial_page.url, form_data(email="p9@initech.example"), REMOTE_ADDR="198.51.100.1"
    )
    assert response.status_code == 302


def test_rate_limit_function_does_not_use_process_memory(settings):
    settings.WAGTAIL_COACHING_TRIAL_RATE_LIMIT = 1
    assert not rules.rate_limited("a@b.example", "hash")
    make_trial(email="a@b.example")
    # A fresh call (as from another process) sees the stored request.
    assert rules.rate_limited("A@B.example", "")


# --- Scheduling, invitations and the guest link --------------------------------------------


def test_schedule_sends_invitations_with_personal_links(django_capture_on_commit_callbacks):
    coach = CoachFactory(username="cleo", first_name="Cleo", last_name="Coach")
    trial = make_trial(language="fr")
    starts_at = (timezone.now() + datetime.timedelta(days=2)).replace(microsecond=0, second=0)
    with committed(django_capture_on_commit_callbacks):
        token = rules.schedule(trial, coach, starts_at, 45)
    trial.refresh_from_db()
    assert trial.status == TrialStatus.SCHEDULED
    assert trial.coach == coach
    # Only the hash of the link's token is stored.
    assert token not in trial.guest_token_hash
    assert trial.guest_token_hash == rules.hash_guest_token(token)
    assert len(token) >= 43

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {"pat@initech.example", coach.email}
    guest_mail = by_address["pat@initech.example"]
    link = f"http://testserver{guest_url(token)}"
    assert link in guest_mail.body
    # In the language the prospect used on the form.
    assert "Bonjour Pat Prospect" in guest_mail.body
    assert "lien personnel" in guest_mail.body
    calendar, part = invitation(guest_mail)
    assert part.get_param("method") == "REQUEST"
    assert str(calendar["method"]) == "REQUEST"
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == starts_at
    assert event.decoded("dtend") == starts_at + datetime.timedelta(minutes=45)
    assert str(event["url"]) == link
    assert str(event["uid"]) == trial.ical_uid
    attendees = [str(a) for a in event.get("attendee")]
    assert "mailto:pat@initech.example" in attendees

    coach_mail = by_address[coach.email]
    coach_link = f"http://testserver/coaching/trials/{trial.public_id}/room/"
    assert coach_link in coach_mail.body
    assert token not in coach_mail.body
    coach_event = next(iter(invitation(coach_mail)[0].walk("VEVENT")))
    assert str(coach_event["url"]) == coach_link
    assert str(coach_event["uid"]) == trial.ical_uid


def test_rescheduling_revokes_the_old_link(client, django_capture_on_commit_callbacks):
    coach = CoachFactory()
    trial, old = scheduled(coach, minutes_from_now=5)
    with committed(django_capture_on_commit_callbacks):
        new = rules.schedule(trial, coach, timezone.now() + datetime.timedelta(minutes=10), 30)
    assert client.get(guest_url(old)).status_code == 404
    assert client.get(guest_url(new)).status_code == 200
    event = next(iter(invitation(mail.outbox[0])[0].walk("VEVENT")))
    assert event["sequence"] == 1


def test_a_coach_cannot_be_double_booked():
    coach = CoachFactory()
    space = ClientSpaceFactory(coach=coach)
    starts = timezone.now() + datetime.timedelta(days=1)
    CoachingSessionFactory(space=space, starts_at=starts)
    with pytest.raises(rules.ValidationError, match="already has a session"):
        rules.schedule(make_trial(), coach, starts + datetime.timedelta(minutes=30), 30)
    rules.schedule(make_trial(email="b@x.example"), coach, starts + datetime.timedelta(hours=2), 30)
    with pytest.raises(rules.ValidationError):
        rules.schedule(
            make_trial(email="c@x.example"), coach, starts + datetime.timedelta(hours=2), 30
        )


def test_guest_inside_the_window_gets_a_non_moderator_token(client, jitsi_secret):
    coach = CoachFactory()
    trial, token = scheduled(coach, minutes_from_now=5)
    response = client.get(guest_url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="coaching-jitsi"' in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]

    options = client.get(guest_url(token, "trial_guest_token")).json()
    assert options["roomName"] == trial.room_name
    assert options["displayName"] == "Pat Prospect"
    claims = jwt.decode(options["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == trial.room_name
    assert claims["iss"] == "coaching-app"
    user = claims["context"]["user"]
    assert user == {
        "id": rules.guest_user_id(trial),
        "name": "Pat Prospect",
        "moderator": "false",
        "affiliation": "member",
    }
    assert claims["context"]["features"]["recording"] == "false"


def test_guest_before_the_window_is_told_when_it_opens(client, jitsi_secret):
    trial, token = scheduled(CoachFactory(), minutes_from_now=120)
    response = client.get(guest_url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert "The room opens on" in body
    assert "Europe/Paris time zone" in body
    assert 'id="coaching-jitsi"' not in body
    assert client.get(guest_url(token, "trial_guest_token")).status_code == 404


def test_guest_after_the_trial_finds_the_link_stopped_working(client, jitsi_secret):
    coach = CoachFactory(first_name="Cordelia", last_name="Vantongeren")
    trial, token = scheduled(coach, minutes_from_now=-120, duration=30)
    response = client.get(guest_url(token))
    assert response.status_code == 410
    body = response.content.decode()
    assert "This trial is over" in body
    # A forwarded or found link names nobody once the trial is over (issue 16, finding 11).
    for name in ("Pat Prospect", "Cordelia", "Vantongeren", "Initech"):
        assert name not in body
    assert client.get(guest_url(token, "trial_guest_token")).status_code == 404
    response = client.post(guest_url(token, "trial_guest_presence"), {"event": "joined"})
    assert response.status_code == 404


def test_declined_trial_link_stops_working(client, jitsi_secret):
    trial, token = scheduled(CoachFactory(), minutes_from_now=5)
    TrialRequest.objects.filter(pk=trial.pk).update(status=TrialStatus.DECLINED)
    assert client.get(guest_url(token, "trial_guest_token")).status_code == 404
    assert client.get(guest_url(token)).status_code == 410


def test_altered_or_guessed_link_is_indistinguishable_from_not_found(client, jitsi_secret):
    _trial, token = scheduled(CoachFactory(), minutes_from_now=5)
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    unknown = "x" * len(token)
    urls = [guest_url(t) for t in (altered, unknown, token[:20], token + "x")]
    urls.append("/no-such-page/")
    bodies = set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Pat Prospect" not in body
        # The page echoes its own address (language switch) and a fresh CSRF mask;
        # otherwise it is the same 404.
        body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
        bodies.add(body.replace(url, "<url>"))
    assert len(bodies) == 1
    for name in ("trial_guest_token", "trial_guest_presence"):
        assert client.get(guest_url(altered, name)).status_code == 404
    assert client.get("/coaching/trials/guest/%2E%2E/").status_code == 404


def test_guest_presence_notes_when_the_prospect_joined(client):
    trial, token = scheduled(CoachFactory(), minutes_from_now=5)
    url = guest_url(token, "trial_guest_presence")
    assert client.post(url, {"event": "joined", "client": "c" * 12}).status_code == 204
    trial.refresh_from_db()
    first = trial.guest_joined_at
    assert first is not None
    client.post(url, {"event": "joined", "client": "c" * 12})
    trial.refresh_from_db()
    assert trial.guest_joined_at == first


def test_without_a_secret_the_guest_room_still_opens(client):
    _trial, token = scheduled(CoachFactory(), minutes_from_now=5)
    options = client.get(guest_url(token, "trial_guest_token")).json()
    assert options["jwt"] is None
    assert options["domain"] == "meet.jit.si"


# --- The coach's side ----------------------------------------------------------------------


def coach_url(trial, name="trial_room"):
    return reverse(f"wagtail_coaching:{name}", kwargs={"public_id": trial.public_id})


def test_coach_hosts_the_trial_room_as_moderator(client, jitsi_secret):
    coach = CoachFactory(first_name="Cleo", last_name="Coach")
    trial, _token = scheduled(coach, minutes_from_now=5)
    client.force_login(coach)
    assert client.get(coach_url(trial)).status_code == 200
    options = client.get(coach_url(trial, "trial_room_token")).json()
    claims = jwt.decode(options["jwt"], SECRET, algorithms=["HS256"], audience="jitsi")
    assert claims["room"] == trial.room_name
    assert claims["context"]["user"]["moderator"] == "true"
    assert claims["context"]["user"]["affiliation"] == "owner"
    assert claims["context"]["user"]["name"] == "Cleo Coach"
    # "My coaching" lists the trial with its room.
    body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert coach_url(trial) in body


def test_other_coach_and_staff_cannot_open_the_trial_room(client, world):
    trial, _token = scheduled(world.coach, minutes_from_now=5)
    for user in (world.other_coach, world.staff, world.superuser, world.coachee):
        client.force_login(user)
        for name in ("trial_room", "trial_room_token", "trial_outcome"):
            assert client.get(coach_url(trial, name)).status_code == 404
        body = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
        assert "Pat Prospect" not in body


def test_coach_records_the_outcome_after_the_start(client):
    coach = CoachFactory()
    trial, _token = scheduled(coach, minutes_from_now=60)
    client.force_login(coach)
    url = coach_url(trial, "trial_outcome")
    response = client.post(url, {"outcome": "Wants to start in March."})
    assert response.status_code == 200
    assert "once the trial has started" in response.content.decode()
    TrialRequest.objects.filter(pk=trial.pk).update(
        starts_at=timezone.now() - datetime.timedelta(minutes=40)
    )
    response = client.post(url, {"outcome": "x" * 1001})
    assert response.status_code == 200
    response = client.post(url, {"outcome": "Wants to start in March."})
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialStatus.DONE
    assert trial.outcome == "Wants to start in March."
    assert trial.outcome_recorded_at is not None


# --- Admin ---------------------------------------------------------------------------------


def admin(trial, action):
    return rules.admin_url(trial, action)


def admin_form(trial, **overrides):
    """The admin's edit form of ``trial`` as it stands, with ``overrides``."""
    fields = ("name", "email", "organisation_name", "role", "kind", "preferred_slots", "status")
    return {**{name: getattr(trial, name) for name in fields}, **overrides}


def test_admin_lists_filters_and_searches(client, world):
    make_trial(name="Alice Able", email="alice@x.example", organisation_name="Umbrella")
    make_trial(name="Bob Baker", email="bob@x.example", status=TrialStatus.DECLINED)
    client.force_login(world.staff)
    index = reverse("wagtail_coaching_trialrequest_modeladmin_index")
    body = client.get(index).content.decode()
    assert "Alice Able" in body and "Bob Baker" in body
    assert "Schedule" in body
    assert "modeladmin/create" not in body
    body = client.get(index, {"status": "declined"}).content.decode()
    assert "Bob Baker" in body and "Alice Able" not in body
    body = client.get(index, {"q": "Umbrella"}).content.decode()
    assert "Alice Able" in body and "Bob Baker" not in body


def test_admin_schedule_action(client, world, django_capture_on_commit_callbacks):
    trial = make_trial()
    client.force_login(world.staff)
    url = admin(trial, "schedule")
    assert client.get(url).status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=3)
    # A missing coach is refused with the input kept.
    response = client.post(url, {"date": day.isoformat(), "time": "10:00", "duration_minutes": 30})
    assert response.status_code == 200
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.NEW
    with committed(django_capture_on_commit_callbacks):
        response = client.post(
            url,
            {
                "coach": world.coach.pk,
                "date": day.isoformat(),
                "time": "10:00",
                "duration_minutes": 30,
            },
        )
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == TrialStatus.SCHEDULED
    assert trial.coach == world.coach
    assert {m.to[0] for m in mail.outbox} == {trial.email, world.coach.email}


def test_admin_schedule_refuses_a_non_coach_and_the_past(client, world):
    trial = make_trial()
    client.force_login(world.staff)
    url = admin(trial, "schedule")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        url,
        {
            "coach": world.coach.pk,
            "date": yesterday.isoformat(),
            "time": "10:00",
            "duration_minutes": 30,
        },
    )
    assert "Choose a time in the future" in response.content.decode()
    response = client.post(
        url,
        {"coach": world.coachee.pk, "date": "2099-01-01", "time": "10:00", "duration_minutes": 30},
    )
    assert response.status_code == 200
    assert "coach" in response.context["form"].errors


def test_admin_actions_need_the_change_permission(client, world):
    trial = make_trial()
    client.force_login(world.editor)
    for action in ("schedule", "convert", "index"):
        url = (
            reverse("wagtail_coaching_trialrequest_modeladmin_index")
            if action == "index"
            else admin(trial, action)
        )
        response = client.get(url)
        assert response.status_code == 404
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.NEW


# --- Conversion ----------------------------------------------------------------------------


def convert_form(world, **overrides):
    return {
        "new_organisation": "Initech",
        "coach": world.coach.pk,
        "start_date": timezone.localdate().isoformat(),
        "planned_sessions": 8,
        **overrides,
    }


def confirmation_link(message):
    return re.search(r"http://testserver(/coaching/trials/confirm/\S+/)", message.body).group(1)


def test_convert_asks_the_prospect_to_confirm_then_creates_account_and_space(
    client, world, django_capture_on_commit_callbacks
):
    trial, _token = scheduled(world.coach, minutes_from_now=5)
    client.force_login(world.staff)
    url = admin(trial, "convert")
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"].initial["new_organisation"] == "Initech"
    with committed(django_capture_on_commit_callbacks):
        response = client.post(url, convert_form(world), follow=True)
    assert "got a link to confirm the address" in response.content.decode()
    # Nothing exists before the prospect confirms.
    trial.refresh_from_db()
    assert trial.status == TrialStatus.SCHEDULED
    assert not get_user_model().objects.filter(email__iexact=trial.email).exists()

    (message,) = mail.outbox
    assert message.to == ["pat@initech.example"]
    link = confirmation_link(message)
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm and open my space" in page.content.decode()
    trial.refresh_from_db()
    assert trial.status == TrialStatus.SCHEDULED  # opening the link changes nothing
    response = client.post(link, follow=True)
    assert response.status_code == 200
    trial.refresh_from_db()
    assert trial.status == TrialStatus.CONVERTED
    space = trial.converted_space
    coachee = space.coachee
    assert space.organisation.name == "Initech"
    assert space.coach == world.coach
    assert space.planned_sessions == 8
    assert (coachee.email, coachee.first_name, coachee.last_name) == (
        "pat@initech.example",
        "Pat",
        "Prospect",
    )
    assert lock.may_enter(coachee, space)
    assert not lock.may_enter(world.staff, space)
    # The prospect chooses a password right away.
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a fresh long passphrase", "new_password2": "a fresh long passphrase"},
    )
    assert response.status_code == 302
    coachee.refresh_from_db()
    assert coachee.check_password("a fresh long passphrase")
    response = client.post(
        "/accounts/login/",
        {"username": coachee.username, "password": "a fresh long passphrase"},
    )
    assert response.status_code == 302
    # The new coachee's first step into the space is the coaching contract.
    response = client.get(space.get_absolute_url())
    assert response.status_code == 302 and "/contract/" in response["Location"]
    # The link works once.
    assert client.get(link).status_code == 404


def test_hr_who_take_the_prospects_address_do_not_become_the_coachee(
    client, report_world, django_capture_on_commit_callbacks
):
    """The attack: HR of another organisation changes their e-mail to the prospect's; the
    conversion used to attach the space to them, and the real prospect got nothing."""
    world = report_world
    trial, _token = scheduled(world.coach, minutes_from_now=5)
    world.other_hr.email = "PAT@initech.example"
    world.other_hr.save()
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        client.post(admin(trial, "convert"), convert_form(world))
    assert not ClientSpace.objects.filter(coachee=world.other_hr).exists()
    # The link goes to the mailbox, which HR does not read; logged in, they still cannot
    # convert anything without it.
    (message,) = mail.outbox
    client.force_login(world.other_hr)
    assert client.get(admin(trial, "convert")).status_code == 404
    # The prospect confirms: a new account of theirs, never the HR account.
    client.logout()
    client.post(confirmation_link(message))
    trial.refresh_from_db()
    assert trial.status == TrialStatus.CONVERTED
    coachee = trial.converted_space.coachee
    assert coachee != world.other_hr
    assert not lock.may_enter(world.other_hr, trial.converted_space)
    assert not ClientSpace.objects.filter(coachee=world.other_hr).exists()


def test_staff_pick_an_existing_account_explicitly(
    client, world, django_capture_on_commit_callbacks
):
    existing = UserFactory(username="pat", email="someone-else@example.org")
    trial, _token = scheduled(world.coach, minutes_from_now=5)
    client.force_login(world.staff)
    with committed(django_capture_on_commit_callbacks):
        response = client.post(admin(trial, "convert"), convert_form(world, account="pat"))
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.converted_space.coachee == existing
    # The account has its password: no "set your password". The trial, converted before its
    # time, is only withdrawn from both calendars.
    assert sorted(m.subject.split(":")[0] for m in mail.outbox) == ["Cancelled", "Cancelled"]
    response = client.post(admin(make_trial(), "convert"), convert_form(world, account="nobody"))
    assert "No active account has the username “nobody”." in response.content.decode()


@pytest.mark.parametrize("change", ["altered", "expired", "address changed", "converted"])
def test_a_dead_confirmation_link_creates_nothing(client, world, change, monkeypatch):
    trial, _token = scheduled(world.coach, minutes_from_now=5)
    token = rules.confirmation_token(
        trial,
        organisation_name="Initech",
        coach=world.coach,
        start_date=timezone.localdate(),
        planned_sessions=6,
    )
    if change == "altered":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif change == "expired":
        monkeypatch.setattr(rules, "CONFIRM_DAYS", -1)
    elif change == "address changed":
        TrialRequest.objects.filter(pk=trial.pk).update(email="other@initech.example")
    elif change == "converted":
        TrialRequest.objects.filter(pk=trial.pk).update(status=TrialStatus.CONVERTED)
    url = reverse("wagtail_coaching:trial_confirm", kwargs={"token": token})
    spaces = ClientSpace.objects.count()
    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()
    assert ClientSpace.objects.count() == spaces
    assert not Organisation.objects.filter(name="Initech").exists()


def test_convert_never_looks_an_account_up_by_address(django_capture_on_commit_callbacks):
    org = Organisation.objects.create(name="Initech")
    existing = UserFactory(username="pat", email="PAT@initech.example")
    coach = CoachFactory()
    trial, _ = scheduled(coach, minutes_from_now=5)
    with committed(django_capture_on_commit_callbacks):
        space, invited = rules.convert(trial, organisation=org)
    assert space.coachee != existing
    assert invited
    assert Organisation.objects.count() == 1
    with pytest.raises(rules.ValidationError, match="already converted"):
        rules.convert(trial, organisation=org)
    trial2, _ = scheduled(coach, minutes_from_now=60 * 24)
    space, invited = rules.convert(trial2, organisation=org, account=existing)
    assert space.coachee == existing and not invited


def test_convert_form_errors(client, world):
    Organisation.objects.create(name="Initech")
    trial, _ = scheduled(world.coach, minutes_from_now=5)
    client.force_login(world.staff)
    url = admin(trial, "convert")
    base = {"coach": world.coach.pk, "start_date": "2027-01-01", "planned_sessions": 6}
    response = client.post(url, base)
    assert "Pick an existing organisation or name a new one." in response.content.decode()
    response = client.post(url, {**base, "new_organisation": "initech"})
    assert "already exists" in response.content.decode()
    assert not ClientSpace.objects.filter(coachee__email="pat@initech.example").exists()
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.SCHEDULED


def test_a_failed_conversion_leaves_nothing_behind():
    coach = CoachFactory()
    trial, _ = scheduled(coach, minutes_from_now=5)
    users = get_user_model().objects.count()
    # Staff picked the coach's own account as the coachee: refused after the organisation
    # and before the space; the transaction takes the organisation back.
    with pytest.raises(rules.ValidationError, match="their own coach"):
        rules.convert(trial, organisation_name="Halfway Ltd", account=coach)
    assert not Organisation.objects.filter(name="Halfway Ltd").exists()
    assert get_user_model().objects.count() == users
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.SCHEDULED


# --- Settings checks, demo, admin screens --------------------------------------------------


@pytest.mark.parametrize(
    "setting, value, check_id",
    [
        ("WAGTAIL_COACHING_TRIAL_RATE_LIMIT", 0, "wagtail_coaching.E070"),
        ("WAGTAIL_COACHING_TRIAL_RATE_LIMIT", "3", "wagtail_coaching.E070"),
        ("WAGTAIL_COACHING_TRIAL_RATE_WINDOW_MINUTES", True, "wagtail_coaching.E070"),
        ("WAGTAIL_COACHING_TRIAL_DEFAULT_DURATION", 1, "wagtail_coaching.E070"),
        ("WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS", "a@b.example", "wagtail_coaching.E071"),
        ("WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS", ["not an address"], "wagtail_coaching.E071"),
    ],
)
def test_bad_trial_settings_are_reported(settings, setting, value, check_id):
    from django.core.checks import run_checks

    setattr(settings, setting, value)
    messages = [m for m in run_checks() if m.id == check_id]
    assert len(messages) == 1
    assert setting in messages[0].msg
    assert messages[0].hint


def test_demo_places_a_trial_request_page_once():
    from django.core.management import call_command

    call_command("coaching_demo", allow_production=True)
    call_command("coaching_demo", allow_production=True)
    # Once per language: with Wagtail's i18n on, the French page is the English one's
    # translation; without it, there is only the English page.
    pages = list(TrialRequestPage.objects.order_by("pk"))
    assert len({page.translation_key for page in pages}) == 1
    assert len({page.locale_id for page in pages}) == len(pages)
    assert [page.title for page in pages][:1] == ["Try coaching"]
    for page in pages:
        assert page.live
        assert page.get_parent().specific_class is not TrialRequestPage
    if getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        assert [page.title for page in pages] == ["Try coaching", "Essayer le coaching"]


def test_admin_inspect_and_edit_keep_status_rules(client, world):
    trial = make_trial(outcome="")
    client.force_login(world.staff)
    body = client.get(admin(trial, "inspect")).content.decode()
    assert "Tuesday morning" in body and "Head of people" in body
    edit = admin(trial, "edit")
    data = admin_form(trial, outcome="")
    response = client.post(edit, {**data, "status": "scheduled"})
    assert response.status_code == 200
    assert "Schedule" in response.content.decode()
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.NEW
    response = client.post(edit, {**data, "status": "declined"})
    assert response.status_code == 302
    assert TrialRequest.objects.get(pk=trial.pk).status == TrialStatus.DECLINED
    # No "add" in the admin: requests come from the public page with consent.
    index = reverse("wagtail_coaching_trialrequest_modeladmin_index")
    assert "/create/" not in client.get(index).content.decode()
    assert client.get(reverse("wagtail_coaching_trialrequest_modeladmin_create")).status_code == 404
