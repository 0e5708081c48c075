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


# --- Video rooms (issue 5) ------------------------------------------------------------------


@pytest.fixture
def rsa_key_pair():
    """A fresh RSA key pair as PEM text: (private, public). Never a key from the repository."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private, public


@pytest.fixture
def open_session(world):
    """A planned session of ``world.space`` that started five minutes ago (room open)."""
    import datetime

    from django.utils import timezone

    from .factories import CoachingSessionFactory

    return CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
