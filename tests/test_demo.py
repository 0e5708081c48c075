import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from wagtail_coaching.programmes.progress import ModuleProgress
from wagtail_coaching.sessions import board, jitsi
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import documents, lock
from wagtail_coaching.spaces.content import Goal, GoalChange, Note, SpaceDocument
from wagtail_coaching.spaces.models import ClientSpace, Organisation

pytestmark = pytest.mark.django_db


def snapshot():
    User = get_user_model()
    return (
        User.objects.count(),
        Organisation.objects.count(),
        ClientSpace.objects.count(),
        CoachingSession.objects.count(),
        sorted(ClientSpace.objects.values_list("public_id", flat=True)),
    )


def test_demo_builds_a_believable_world_once(capsys):
    call_command("coaching_demo", allow_production=True)
    out = capsys.readouterr().out
    for login in ("hr", "coach.claire", "coach.david", "camille", "lucas", "sofia"):
        assert login in out
    first = snapshot()
    call_command("coaching_demo", allow_production=True)
    assert snapshot() == first

    User = get_user_model()
    claire, david = (
        User.objects.get(username="coach.claire"),
        User.objects.get(username="coach.david"),
    )
    assert ClientSpace.objects.filter(coach=claire).count() == 2
    assert ClientSpace.objects.filter(coach=david).count() == 1
    assert set(ClientSpace.objects.values_list("status", flat=True)) >= {"active", "closed"}
    assert CoachingSession.objects.filter(status="done").exists()
    assert CoachingSession.objects.filter(status="planned").exists()

    hr = User.objects.get(username="hr")
    assert list(lock.organisations_reported_to(hr)) == list(Organisation.objects.all())
    camille = User.objects.get(username="camille")
    assert [s.coach for s in lock.spaces_for_user(camille)] == [claire]
    assert list(lock.spaces_for_user(User.objects.get(username="admin"))) == []


def test_demo_refuses_production_without_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production"):
        call_command("coaching_demo")


def test_demo_content_is_encrypted_coherent_and_a_room_is_open(capsys):
    call_command("coaching_demo", allow_production=True)
    space = ClientSpace.objects.get(coachee__username="camille")
    open_now = [s for s in CoachingSession.objects.filter(space=space) if jitsi.is_room_open(s)]
    assert len(open_now) == 1
    assert Note.objects.filter(space=space).count() == 3
    # Progress is encrypted: it is found by reading, not by a query.
    (goal,) = [g for g in Goal.objects.filter(space=space) if g.progress == 60]
    assert goal.title == "Lead the Monday meeting without notes"
    assert b"Monday meeting" not in bytes(goal.title_encrypted)
    assert GoalChange.objects.filter(goal=goal).count() == 3
    document = SpaceDocument.objects.get(space=space)
    assert documents.read_document(document).startswith(b"My week")
    assert len(board.current_items(board.board_for(space))) == 2

    # The open session is over: a second run plans a new one, and only then.
    CoachingSession.objects.filter(pk=open_now[0].pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3)
    )
    call_command("coaching_demo", allow_production=True)
    assert sum(jitsi.is_room_open(s) for s in CoachingSession.objects.filter(space=space)) == 1
    call_command("coaching_demo", allow_production=True)
    assert sum(jitsi.is_room_open(s) for s in CoachingSession.objects.filter(space=space)) == 1

    # Coherent dates: nothing completed after its space ended; sessions as the programme.
    for progress in ModuleProgress.objects.select_related("space").exclude(completed_at=None):
        assert progress.started_at <= progress.completed_at
        assert timezone.localdate(progress.completed_at) <= progress.space.end_date
    for each in ClientSpace.objects.select_related("programme"):
        assert each.planned_sessions == each.programme.planned_sessions
