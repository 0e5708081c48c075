"""The lock: grants follow the data, and nothing but a personal grant opens a space."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm

from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.models import ClientSpaceUserObjectPermission

from .factories import ClientSpaceFactory, CoachFactory, UserFactory

pytestmark = pytest.mark.django_db


def holders(space):
    return set(lock.people_with_access(space).values_list("username", flat=True))


def test_creating_a_space_grants_its_coach_and_coachee(world):
    assert holders(world.space) == {"coach", "coachee"}
    assert lock.may_enter(world.coach, world.space)
    assert lock.may_enter(world.coachee, world.space)
    assert list(lock.spaces_for_user(world.coachee)) == [world.space]


def test_changing_the_coach_revokes_the_old_one_and_grants_the_new(world):
    new_coach = CoachFactory(username="new_coach")
    world.space.coach = new_coach
    world.space.save()
    assert holders(world.space) == {"new_coach", "coachee"}
    assert not lock.may_enter(world.coach, world.space)
    assert lock.may_enter(new_coach, world.space)


def test_changing_the_coachee_moves_the_grant_too(world):
    newcomer = UserFactory(username="newcomer")
    world.space.coachee = newcomer
    world.space.save()
    assert holders(world.space) == {"coach", "newcomer"}


def test_a_failed_reassignment_changes_no_grant(world):
    new_coach = CoachFactory(username="new_coach")
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            world.space.coach = new_coach
            world.space.save()
            raise RuntimeError("the request failed after the save")
    assert holders(world.space) == {"coach", "coachee"}


def test_deleting_a_space_leaves_no_permission_row(world):
    space_pk = world.space.pk
    world.space.delete()
    assert not ClientSpaceUserObjectPermission.objects.filter(content_object_id=space_pk).exists()


def test_extra_participants_are_granted_and_revoked_by_the_lock(world):
    supervisor = CoachFactory(username="supervisor")
    lock.set_extra_participants(world.space, [supervisor])
    assert lock.may_enter(supervisor, world.space)
    assert list(lock.extra_participants(world.space)) == [supervisor]
    lock.set_extra_participants(world.space, [])
    assert not lock.may_enter(supervisor, world.space)
    assert holders(world.space) == {"coach", "coachee"}


def test_a_coach_who_stays_coachee_elsewhere_keeps_that_space(world):
    # The coach of one space is the coachee of another: reassigning one must not touch the other.
    peer = CoachFactory(username="peer")
    their_space = ClientSpaceFactory(coach=peer, coachee=world.coach)
    world.space.coach = peer
    world.space.save()
    assert lock.may_enter(world.coach, their_space)
    assert not lock.may_enter(world.coach, world.space)


def test_superusers_do_not_enter_spaces(world):
    assert not lock.may_enter(world.superuser, world.space)
    assert list(lock.spaces_for_user(world.superuser)) == []
    # Guardian itself would say yes: the lock must not rely on it.
    assert world.superuser.has_perm("wagtail_coaching.enter_clientspace", world.space)


def test_global_permission_does_not_open_a_space(world):
    world.staff.user_permissions.add(Permission.objects.get(codename="enter_clientspace"))
    assert not lock.may_enter(world.staff, world.space)
    assert list(lock.spaces_for_user(world.staff)) == []


def test_group_object_permission_does_not_open_a_space(world):
    group = Group.objects.create(name="Supervisors")
    world.editor.groups.add(group)
    assign_perm("wagtail_coaching.enter_clientspace", group, world.space)
    assert not lock.may_enter(world.editor, world.space)
    assert list(lock.spaces_for_user(world.editor)) == []


def test_inactive_participants_enter_nothing(world):
    world.coachee.is_active = False
    world.coachee.save()
    assert not lock.may_enter(world.coachee, world.space)
    assert list(lock.spaces_for_user(world.coachee)) == []


def test_hr_get_report_access_on_their_organisation_only(world):
    assert list(lock.organisations_reported_to(world.hr)) == [world.org]
    assert lock.may_view_reports(world.hr, world.org)
    assert not lock.may_view_reports(world.hr, world.other_org)
    assert not lock.may_enter(world.hr, world.space)


def test_hr_group_grant_gives_report_access(world):
    group = Group.objects.create(name="Acme HR")
    lock.grant_report_access(group, world.org)
    world.editor.groups.add(group)
    assert list(lock.organisations_reported_to(world.editor)) == [world.org]


def test_spaces_for_user_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert list(lock.spaces_for_user(world.coach)) == [world.space]
    with django_assert_num_queries(1):
        assert lock.may_enter(world.coach, world.space)


def test_the_permission_id_is_resolved_once_and_forgotten_after_migrate(
    world, django_assert_num_queries
):
    from django.core.management.sql import emit_post_migrate_signal

    lock.clear_cache()
    with django_assert_num_queries(2):  # the permission's id, then the grant
        assert lock.may_enter(world.coach, world.space)
    with django_assert_num_queries(1):
        assert lock.may_enter(world.coachee, world.space)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # as flush does
    assert lock._permission_ids == {}
    assert lock.enter_permission_id() == Permission.objects.get(codename="enter_clientspace").pk


def test_a_space_the_lock_opened_is_not_asked_about_again(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        space = lock.get_space_or_404(world.coachee, world.space.public_id)
    with django_assert_num_queries(0):
        assert lock.may_enter(world.coachee, space)
    # Opened for the coachee: anyone else is asked about, and refused.
    with django_assert_num_queries(1):
        assert not lock.may_enter(world.other_coachee, space)
    with django_assert_num_queries(1):
        assert lock.may_enter(world.coach, space)
    world.coachee.is_active = False
    assert not lock.may_enter(world.coachee, space)
