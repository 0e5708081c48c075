"""Shared set-up: Django on a fresh database with one coach, one coachee, one open session."""

import datetime
import os


def setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
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

    coach = CoachFactory(username="bench-coach", first_name="Camille", last_name="Coach")
    coachee = UserFactory(username="bench-coachee", first_name="Dana", last_name="Coachee")
    space = ClientSpaceFactory(coach=coach, coachee=coachee)
    session = CoachingSessionFactory(
        space=space, starts_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return coach, coachee, space, session
