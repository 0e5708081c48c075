"""Rows read by hand-written SQL come out as the ORM would have given them, on SQLite and on
PostgreSQL alike (a UUID stored as text, a time made aware, a date)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import lock, rows
from wagtail_coaching.spaces.models import ClientSpace

from .factories import CoachingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def test_a_space_and_its_session_read_by_hand_equal_the_orms(world):
    starts = timezone.now().replace(microsecond=123000) + datetime.timedelta(days=2)
    session = CoachingSessionFactory(space=world.space, starts_at=starts, duration_minutes=45)
    q = connection.ops.quote_name
    space_row = raw(
        f"SELECT id, public_id, status, start_date, coach_id FROM {q(ClientSpace._meta.db_table)}"
        " WHERE id = %s",
        [world.space.pk],
    )
    space = rows.instance(
        ClientSpace, ["pk", "public_id", "status", "start_date", "coach"], space_row
    )
    orm = ClientSpace.objects.get(pk=world.space.pk)
    assert (space.pk, space.public_id, space.status, space.start_date, space.coach_id) == (
        orm.pk,
        orm.public_id,
        orm.status,
        orm.start_date,
        orm.coach_id,
    )
    assert space.get_absolute_url() == orm.get_absolute_url()
    # Fields not read load on access, as with only().
    assert space.coachee_id == world.coachee.pk

    session_row = raw(
        f"SELECT starts_at, id, duration_minutes FROM {q(CoachingSession._meta.db_table)}"
        " WHERE id = %s",
        [session.pk],
    )
    # Given in any order: the instance puts them where the model has them.
    read = rows.instance(CoachingSession, ["starts_at", "pk", "duration_minutes"], session_row)
    assert read.starts_at == starts and timezone.is_aware(read.starts_at)
    assert (read.pk, read.duration_minutes) == (session.pk, 45)
    assert rows.python_value(CoachingSession._meta.get_field("starts_at"), session_row[0]) == starts


def test_the_organisations_reported_to_by_hand_are_the_querysets(world):
    group_member = UserFactory(username="hr-by-group")
    group = Group.objects.create(name="Globex HR")
    group.user_set.add(group_member)
    lock.grant_report_access(group, world.other_org)
    both = UserFactory(username="hr-of-both")
    group.user_set.add(both)
    lock.grant_report_access(both, world.org)
    for user in (world.hr, world.other_hr, group_member, both, world.coach, world.coachee):
        assert sorted(lock.organisation_ids_reported_to(user)) == sorted(
            lock.organisations_reported_to(user).values_list("pk", flat=True)
        )
    assert sorted(lock.organisation_ids_reported_to(both)) == sorted(
        [world.org.pk, world.other_org.pk]
    )
    assert lock.organisation_ids_reported_to(world.coach) == []
    world.hr.is_active = False
    assert lock.organisation_ids_reported_to(world.hr) == []
