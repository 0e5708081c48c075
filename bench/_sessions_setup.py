"""Shared set-up of the session benchmarks: Django on a fresh throw-away database with one
coach, one coachee and one session whose room is open."""

import datetime
import os
import sys
from pathlib import Path

# The scripts live in bench/, so Python puts bench/ on the path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def setup():
    # Forced, not defaulted: never a developer's own database.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.bench_settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def people_and_session():
    from django.utils import timezone

    from tests.factories import (
        ClientSpaceFactory,
        CoachFactory,
        CoachingSessionFactory,
        UserFactory,
    )
    from wagtail_coaching.spaces import contracts

    coach = CoachFactory(username="bench-coach", first_name="Camille", last_name="Coach")
    coachee = UserFactory(username="bench-coachee", first_name="Dana", last_name="Coachee")
    space = ClientSpaceFactory(coach=coach, coachee=coachee)
    # Both have accepted the coaching contract, as before any real session.
    contract = contracts.applicable_contract(space)
    for user in (coach, coachee):
        contracts.accept(user, space, contract, contract.sha256)
    session = CoachingSessionFactory(
        space=space, starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return coach, coachee, space, session
