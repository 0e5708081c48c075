"""What's new: notifications follow a space's events, list and count per person, and the
e-mails about them never carry content, follow each person's choice, language and time
zone, are retried on a mail server error and never sent twice."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.conftest import accept_contract
from tests.factories import CoachingSessionFactory
from tests.mail import FlakyEmailBackend
from tests.tasks import run_tasks
from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.notifications import emails, events, inbox
from wagtail_coaching.notifications.models import Notification, NotificationKind
from wagtail_coaching.sessions.models import SessionStatus
from wagtail_coaching.spaces import content, documents
from wagtail_coaching.spaces.mail import SentEmail, deliver
from wagtail_coaching.spaces.preferences import CoachingPreferences, EmailFrequency

NEWS = reverse("wagtail_coaching:notifications")
CANARY = "CANARY-7f3e-notification-leak"


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def choose(user, messages=None, updates=None, **extra):
    prefs, _ = CoachingPreferences.objects.get_or_create(user=user)
    prefs.email_messages = messages or prefs.email_messages
    prefs.email_updates = updates or prefs.email_updates
    for name, value in extra.items():
        setattr(prefs, name, value)
    prefs.save()


def plant_content(world):
    """A message, a note, a goal and a document of the coachee, each holding the canary."""
    note = content.Note(space=world.space, author=world.coachee, visibility="shared")
    note.body = f"note {CANARY}"
    note.save()
    goal = content.Goal(space=world.space, created_by=world.coachee)
    goal.title = f"goal {CANARY}"
    goal.why = f"why {CANARY}"
    goal.save()
    content.record_goal_change(goal, world.coachee)
    documents.store_document(
        world.space,
        world.coachee,
        SimpleUploadedFile(f"{CANARY}.txt", f"text {CANARY}".encode(), "text/plain"),
    )
    conversations.post(world.space, world.coachee, f"message {CANARY}")


@pytest.mark.django_db
def test_a_participants_events_notify_the_other_one(space_content):
    w = space_content
    assert kinds(w.coach) == ["document", "goal", "message"]
    assert kinds(w.coachee) == []
    for user in (w.other_coach, w.other_coachee, w.hr, w.staff, w.superuser):
        assert kinds(user) == []
    # The same event never notifies twice.
    assert (
        events.notify(w.space, NotificationKind.MESSAGE, f"message:{w.message.uid}", [w.coach])
        == []
    )


@pytest.mark.django_db
def test_sessions_planned_moved_cancelled_notify_both(world):
    session = CoachingSessionFactory(space=world.space)
    session.starts_at += datetime.timedelta(days=1)
    session.save()
    session.status = SessionStatus.CANCELLED
    session.save()
    expected = ["session_cancelled", "session_moved", "session_planned"]
    assert kinds(world.coach) == expected
    assert kinds(world.coachee) == expected


@pytest.mark.django_db
def test_minutes_to_confirm_are_noted_once_for_the_coach(world):
    CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    assert events.note_minutes_to_confirm() == 1
    assert events.note_minutes_to_confirm() == 0
    assert kinds(world.coach) == ["minutes"]
    assert kinds(world.coachee) == []


@pytest.mark.django_db
def test_the_news_page_lists_titles_and_links_never_content_then_marks_seen(client, world):
    accept_contract(world.coach, world.space)
    accept_contract(world.coachee, world.space)
    plant_content(world)
    client.force_login(world.coach)

    header = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert f'href="{NEWS}"' in header
    assert 'coaching-news-count">3<' in header  # message, document, goal

    page = client.get(NEWS).content.decode()
    assert CANARY not in page
    for title in ("New message", "Document added", "Goal changed"):
        assert title in page
    kw = {"public_id": world.space.public_id}
    for name in ("conversation", "documents", "goals"):
        assert reverse(f"wagtail_coaching:{name}", kwargs=kw) in page
    assert "3 new since your last visit." in page
    # Opened, so seen: the count is gone from the header.
    assert inbox.unseen_count(world.coach) == 0
    header = client.get(reverse("wagtail_coaching:my_coaching")).content.decode()
    assert "coaching-news-count" not in header
    # The links go through the space's gate: it opens for the coach.
    assert client.get(reverse("wagtail_coaching:conversation", kwargs=kw)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["coachee", "other_coach", "other_coachee", "hr", "staff", "superuser"]
)
def test_nobody_else_sees_a_persons_notifications(client, space_content, role):
    client.force_login(getattr(space_content, role))
    page = client.get(NEWS).content.decode()
    assert page.count("coaching-news-new") == 0
    assert str(space_content.space.public_id) not in page
    assert "Nothing new in your spaces." in page


@pytest.mark.django_db
def test_the_preferences_page_saves_the_email_choices(client, world):
    client.force_login(world.coachee)
    settings_url = reverse("wagtail_coaching:calendar_settings")
    page = client.get(settings_url).content.decode()
    assert "E-mails about what is new" in page
    prefs = CoachingPreferences.objects.get(user=world.coachee)
    assert (prefs.email_messages, prefs.email_updates) == ("immediately", "digest")
    response = client.post(
        settings_url,
        {"action": "email", "email-email_messages": "digest", "email-email_updates": "none"},
    )
    assert response.status_code == 302
    prefs.refresh_from_db()
    assert (prefs.email_messages, prefs.email_updates) == ("digest", "none")
    bad = client.post(settings_url, {"action": "email", "email-email_messages": "hourly"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


@pytest.mark.django_db(transaction=True)
def test_emails_never_contain_content(world):
    choose(world.coach, updates=EmailFrequency.IMMEDIATELY)
    accept_contract(world.coach, world.space)
    accept_contract(world.coachee, world.space)
    mail.outbox.clear()
    plant_content(world)
    run_tasks()
    sent = [m for m in mail.outbox if m.to == [world.coach.email]]
    subjects = sorted(m.subject for m in sent)
    assert subjects == [
        "There is something new in your coaching space",
        "There is something new in your coaching space",
        "You have a new message in your coaching space",
    ]
    for message in mail.outbox:
        whole = message.message().as_string()
        assert CANARY not in message.subject and CANARY not in message.body
        assert CANARY not in whole
        assert NEWS in message.body
    # The coachee wrote it all: nothing for them.
    assert not [m for m in mail.outbox if m.to == [world.coachee.email]]


@pytest.mark.django_db(transaction=True)
def test_an_email_is_in_the_recipients_language_and_time_zone(world):
    choose(world.coach, language="fr", time_zone="Pacific/Auckland")
    mail.outbox.clear()
    conversations.post(world.space, world.coachee, f"message {CANARY}")
    run_tasks()
    (message,) = mail.outbox
    assert message.subject == "Vous avez un nouveau message dans votre espace de coaching"
    assert "Pacific/Auckland" in message.body
    assert "Bonjour" in message.body
    assert CANARY not in message.body


@pytest.mark.django_db
def test_the_digest_batches_a_days_news_in_one_email_once(world):
    choose(world.coachee, messages=EmailFrequency.DIGEST)
    choose(world.coach, messages=EmailFrequency.NONE, updates=EmailFrequency.NONE)
    conversations.post(world.space, world.coach, f"one {CANARY}")
    conversations.post(world.space, world.coach, f"two {CANARY}")
    documents.store_document(
        world.space, world.coach, SimpleUploadedFile(f"{CANARY}.txt", b"x", "text/plain")
    )
    conversations.post(world.space, world.coachee, "to the coach, who wants no e-mail")
    mail.outbox.clear()

    assert emails.send_digests() == 1
    (digest,) = mail.outbox
    assert digest.to == [world.coachee.email]
    assert digest.subject == "3 new items in your coaching spaces"
    assert "- New message: 2" in digest.body
    assert "- Document added: 1" in digest.body
    assert CANARY not in digest.subject + digest.body
    assert not Notification.objects.filter(recipient=world.coachee, emailed_at=None).exists()

    # Later the same day: nothing new, and even new news waits for tomorrow's digest.
    conversations.post(world.space, world.coach, "three")
    assert emails.send_digests() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(
    EMAIL_BACKEND="tests.mail.FlakyEmailBackend", WAGTAIL_COACHING_EMAIL_RETRY_DELAY=0
)
def test_a_retried_send_is_not_duplicated(world):
    FlakyEmailBackend.failures_left, FlakyEmailBackend.attempts = 2, 0
    mail.outbox = []
    conversations.post(world.space, world.coachee, "hello")
    run_tasks()
    assert FlakyEmailBackend.attempts == 3  # two mail server errors, then sent
    assert [m.to for m in mail.outbox] == [[world.coach.email]]
    notification = Notification.objects.get(recipient=world.coach)
    assert notification.emailed_at is not None
    assert SentEmail.objects.filter(key=f"notification:{notification.key}").count() == 1

    # The same task again (a worker that crashed after sending, a duplicate enqueue).
    queued = ("notification", f"notification:{notification.key}", world.coach.pk)
    deliver.enqueue(*queued, {"notification_id": notification.pk})
    deliver.enqueue(*queued, {"notification_id": notification.pk})
    run_tasks()
    assert len(mail.outbox) == 1
    assert FlakyEmailBackend.attempts == 3


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_digest_runs_on_the_worker_and_schedules_its_next_run(world):
    choose(world.coachee, messages=EmailFrequency.DIGEST)
    conversations.post(world.space, world.coach, f"hello {CANARY}")
    mail.outbox.clear()
    call_command("coaching_send_digests", "--schedule")
    call_command("coaching_send_digests", "--schedule")  # a second start adds no cycle
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.coachee.email]]
    waiting = DBTaskResult.objects.filter(task_path__endswith="send_daily_digest", status="READY")
    assert waiting.count() == 1
    assert waiting.get().run_after > timezone.now() + datetime.timedelta(hours=23)
