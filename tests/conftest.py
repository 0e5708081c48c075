import pytest
from django.contrib.auth.models import Permission

from wagtail_coaching import permissions

from .factories import (
    ClientSpaceFactory,
    CoachFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    """Two spaces of one sponsor, one of another, and every role of the lock's matrix."""
    org = OrganisationFactory(name="Acme")
    other_org = OrganisationFactory(name="Globex")
    coach = CoachFactory(username="coach")
    other_coach = CoachFactory(username="other_coach")
    coachee = UserFactory(username="coachee")
    other_coachee = UserFactory(username="other_coachee")
    space = ClientSpaceFactory(coach=coach, coachee=coachee, organisation=org)
    other_space = ClientSpaceFactory(
        coach=other_coach, coachee=other_coachee, organisation=other_org
    )

    hr = UserFactory(username="hr")
    permissions.grant_report_access(hr, org)
    other_hr = UserFactory(username="other_hr")
    permissions.grant_report_access(other_hr, other_org)

    editor = UserFactory(username="editor")
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtail_coaching"),
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)

    class World:
        pass

    w = World()
    w.__dict__.update(locals())
    return w


# --- Programmes and journeys -----------------------------------------------------------------


@pytest.fixture
def programme_world(world):
    """``world`` whose two spaces follow a programme of three modules using every block."""
    from .programmes import make_programme

    programme, modules = make_programme(modules=3)
    for space in (world.space, world.other_space):
        space.programme = programme
        space.save()
    world.programme = programme
    world.modules = modules
    world.module = modules[0]
    return world


# --- Sponsor reports ----------------------------------------------------------------------------


@pytest.fixture
def report_world(world):
    """``world`` whose HR users may use the Wagtail admin, as a sponsor's HR does."""
    access_admin = Permission.objects.get(
        codename="access_admin", content_type__app_label="wagtailadmin"
    )
    for user in (world.hr, world.other_hr):
        user.user_permissions.add(access_admin)
    return world
