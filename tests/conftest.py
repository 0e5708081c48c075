import pytest
from django.contrib.auth.models import Permission
from django.contrib.auth.signals import user_logged_in
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_coaching.accounts import twofactor
from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.spaces import content, contracts, documents, lock

from .factories import (
    ClientSpaceFactory,
    CoachFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def demo_users_give_their_code():
    """Tests log the demo's users in as they always did (``force_login`` or the login form):
    a log-in of a user who holds the demo's authenticator counts as verified with it, as if
    they had typed its code. The second factor's own tests use other devices."""

    def verify(sender, request, user, **kwargs):
        device = TOTPDevice.objects.filter(
            user=user, name=twofactor.DEMO_DEVICE_NAME, confirmed=True
        ).first()
        if device is not None:
            request.user = user  # force_login's bare request has none of its own
            twofactor.mark_verified(request, device)

    user_logged_in.connect(verify, dispatch_uid="tests-demo-code")
    yield
    user_logged_in.disconnect(dispatch_uid="tests-demo-code")


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
    lock.grant_report_access(hr, org)
    other_hr = UserFactory(username="other_hr")
    lock.grant_report_access(other_hr, other_org)

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


# --- Space content (contract, notes, goals, documents) ---------------------------------------


def accept_contract(user, space):

    contract = contracts.applicable_contract(space)
    return contracts.accept(user, space, contract, contract.sha256)


@pytest.fixture
def space_content(world):
    """``world`` where both participants accepted the contract and the coachee wrote a shared
    note, set a goal and uploaded a document (``world.note``, ``world.goal``,
    ``world.document``), and wrote a message (``world.message``); the coach wrote a private
    note (``world.coach_note``)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    for user in (world.coach, world.coachee):
        accept_contract(user, world.space)
    for user in (world.other_coach, world.other_coachee):
        accept_contract(user, world.other_space)

    note = content.Note(space=world.space, author=world.coachee, visibility="shared")
    note.body = "A shared note of the coachee."
    note.save()
    coach_note = content.Note(space=world.space, author=world.coach, visibility="private")
    coach_note.body = "A private note of the coach."
    coach_note.save()
    goal = content.Goal(space=world.space, created_by=world.coachee)
    goal.title = "Speak up in meetings"
    goal.why = "To be heard."
    goal.save()
    content.record_goal_change(goal, world.coachee)
    document = documents.store_document(
        world.space,
        world.coachee,
        SimpleUploadedFile("plan.txt", b"My plan for the quarter.\n", "text/plain"),
    )
    world.note, world.coach_note, world.goal, world.document = note, coach_note, goal, document
    world.message = conversations.post(world.space, world.coachee, "A message of the coachee.")
    return world


# --- Programmes and journeys -----------------------------------------------------------------


@pytest.fixture
def accepted(world):
    """``world`` where the four participants of the two spaces accepted the contract."""
    for space in (world.space, world.other_space):
        for user in (space.coach, space.coachee):
            accept_contract(user, space)
    return world


@pytest.fixture
def programme_world(accepted):
    """``accepted`` whose two spaces follow a programme of three modules using every block."""
    from .programmes import make_programme

    world = accepted
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
