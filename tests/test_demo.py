import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import lock
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
