"""Room tokens, decoded and verified with PyJWT exactly as Jitsi's Prosody plugin reads them."""

import datetime
import json
import re
from io import StringIO

import jwt
import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.sessions import jitsi
from wagtail_coaching.sessions.models import SessionStatus

from .factories import CoachingSessionFactory

# Participants have accepted the coaching contract: the gate itself is tested in test_contracts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]

SECRET = "prosody-app-secret-for-the-test-suite-only"
HS256 = {
    "WAGTAIL_COACHING_JITSI_DOMAIN": "meet.example.org",
    "WAGTAIL_COACHING_JITSI_APP_ID": "coaching-app",
    "WAGTAIL_COACHING_JITSI_APP_SECRET": SECRET,
}
JAAS_APP = "vpaas-magic-cookie-0123456789abcdef0123456789abcdef"
JAAS_KID = f"{JAAS_APP}/4f4910"


@pytest.fixture
def hs256(settings):
    for name, value in HS256.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def jaas(settings, rsa_key_pair):
    private, public = rsa_key_pair
    settings.WAGTAIL_COACHING_JITSI_DOMAIN = "8x8.vc"
    settings.WAGTAIL_COACHING_JITSI_APP_ID = JAAS_APP
    settings.WAGTAIL_COACHING_JITSI_PRIVATE_KEY = private
    settings.WAGTAIL_COACHING_JITSI_KEY_ID = JAAS_KID
    return public


def decode_hs256(token, room):
    return jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="jitsi",
        issuer="coaching-app",
        options={"require": ["exp", "nbf", "iss", "aud", "sub", "room"]},
    )


def assert_user_claim(user_claim, user, moderator, email=None):
    assert set(user_claim) == {"id", "name", "moderator", "affiliation"} | (
        {"email"} if email else set()
    )
    assert all(isinstance(value, str) for value in user_claim.values())
    assert user_claim["name"] == user.get_full_name()
    # Opaque and stable: neither the pk nor the username, the same on every token.
    assert re.fullmatch(r"[0-9a-f]{32}", user_claim["id"])
    assert user_claim["id"] not in (str(user.pk), user.get_username())
    assert user_claim["moderator"] == ("true" if moderator else "false")
    assert user_claim["affiliation"] == ("owner" if moderator else "member")
    if email:
        assert user_claim["email"] == email


def test_hs256_token_for_the_coach_carries_every_claim(hs256, world, open_session):
    before = int(timezone.now().timestamp())
    token = jitsi.mint_token(world.coach, open_session)
    after = int(timezone.now().timestamp())

    header = jwt.get_unverified_header(token)
    assert header == {"alg": "HS256", "typ": "JWT"}
    claims = decode_hs256(token, open_session.room_name)
    assert claims["iss"] == "coaching-app"
    assert claims["aud"] == "jitsi" and isinstance(claims["aud"], str)
    assert claims["sub"] == "meet.example.org"
    assert claims["room"] == open_session.room_name
    assert re.fullmatch(r"[a-z0-9-]+", claims["room"])
    for name in ("exp", "nbf", "iat"):
        assert type(claims[name]) is int
    assert before - 10 <= claims["nbf"] <= after - 10
    assert claims["exp"] - claims["iat"] == 300
    assert_user_claim(claims["context"]["user"], world.coach, moderator=True)
    # Every feature Jitsi knows is listed (an unlisted one would count as denied): what
    # would carry the session out of the room is off, chat, polls and camera flip are on.
    features = claims["context"]["features"]
    assert set(features) == set(jitsi.KNOWN_FEATURES)
    assert {name for name, value in features.items() if value == "true"} == {
        "create-polls",
        "send-groupchat",
        "flip",
    }
    assert all(value in ("true", "false") for value in features.values())
    # A token signed with another secret is refused, as Prosody would.
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token, "another-secret-of-at-least-32-bytes!", algorithms=["HS256"], audience="jitsi"
        )


def test_the_coachee_is_no_moderator_and_ids_are_stable(hs256, world, open_session):
    first = decode_hs256(jitsi.mint_token(world.coachee, open_session), open_session.room_name)
    again = decode_hs256(jitsi.mint_token(world.coachee, open_session), open_session.room_name)
    coach = decode_hs256(jitsi.mint_token(world.coach, open_session), open_session.room_name)
    assert_user_claim(first["context"]["user"], world.coachee, moderator=False)
    assert first["context"]["user"]["id"] == again["context"]["user"]["id"]
    assert first["context"]["user"]["id"] != coach["context"]["user"]["id"]


def test_email_only_when_the_setting_allows(hs256, settings, world, open_session):
    claims = decode_hs256(jitsi.mint_token(world.coachee, open_session), "")
    assert "email" not in claims["context"]["user"]
    settings.WAGTAIL_COACHING_JITSI_SHARE_EMAIL = True
    claims = decode_hs256(jitsi.mint_token(world.coachee, open_session), "")
    assert_user_claim(
        claims["context"]["user"], world.coachee, moderator=False, email=world.coachee.email
    )


def test_settings_name_audience_issuer_subject_features_and_ttl(
    hs256, settings, world, open_session
):
    settings.WAGTAIL_COACHING_JITSI_AUDIENCE = "coaching"
    settings.WAGTAIL_COACHING_JITSI_ISSUER = "coaching-site"
    settings.WAGTAIL_COACHING_JITSI_SUBJECT = "meet.jitsi"
    settings.WAGTAIL_COACHING_JITSI_FEATURES = {"recording": False, "file-upload": True}
    settings.WAGTAIL_COACHING_JITSI_TOKEN_TTL = 120
    token = jitsi.mint_token(world.coach, open_session)
    claims = jwt.decode(
        token, SECRET, algorithms=["HS256"], audience="coaching", issuer="coaching-site"
    )
    assert claims["sub"] == "meet.jitsi"
    assert claims["context"]["features"] == {"recording": "false", "file-upload": "true"}
    assert claims["exp"] - claims["iat"] == 120
    # Without features, the claim is left out: Jitsi then decides by moderator rights.
    settings.WAGTAIL_COACHING_JITSI_FEATURES = {}
    settings.WAGTAIL_COACHING_JITSI_ISSUER = ""
    claims = jwt.decode(
        jitsi.mint_token(world.coach, open_session),
        SECRET,
        algorithms=["HS256"],
        audience="coaching",
    )
    assert claims["iss"] == "coaching-app"
    assert "features" not in claims["context"]


def test_the_subject_is_the_host_without_its_port(hs256, settings, world, open_session):
    # Prosody compares the room with "conference.<sub>": a port there fails every join.
    settings.WAGTAIL_COACHING_JITSI_DOMAIN = "meet.example.org:8443"
    claims = decode_hs256(jitsi.mint_token(world.coach, open_session), "")
    assert claims["sub"] == "meet.example.org"
    assert jitsi.iframe_room_name(open_session) == open_session.room_name


def test_jaas_rs256_token_verifies_with_the_public_key(jaas, world, open_session):
    token = jitsi.mint_token(world.coach, open_session)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": JAAS_KID}
    claims = jwt.decode(token, jaas, algorithms=["RS256"], audience="jitsi", issuer="chat")
    assert claims["iss"] == "chat"
    assert claims["sub"] == JAAS_APP
    assert claims["room"] == open_session.room_name
    assert type(claims["exp"]) is int and type(claims["nbf"]) is int
    assert_user_claim(claims["context"]["user"], world.coach, moderator=True)
    # The iframe's room name carries the tenant; the claim does not.
    assert jitsi.iframe_room_name(open_session) == f"{JAAS_APP}/{open_session.room_name}"
    # Not verifiable as HS256 with the public key (no algorithm confusion).
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(token, jaas, algorithms=["HS256"], audience="jitsi")


def test_the_algorithm_comes_from_settings_never_from_input(hs256, world, open_session):
    claims = jitsi.token_claims(world.coach, open_session)
    claims["alg"] = "none"
    token = jitsi.encode(claims)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


@pytest.mark.parametrize(
    "role", ["other_coachee", "other_coach", "hr", "other_hr", "editor", "staff", "superuser"]
)
def test_refused_to_everyone_else(hs256, world, open_session, role):
    with pytest.raises(jitsi.TokenRefused):
        jitsi.mint_token(getattr(world, role), open_session)


@pytest.mark.parametrize(
    "starts_in, duration, allowed",
    [
        (datetime.timedelta(minutes=16), 60, False),  # opens 15 minutes before
        (datetime.timedelta(minutes=14), 60, True),
        (-datetime.timedelta(minutes=89), 60, True),  # 29 minutes after the planned end
        (-datetime.timedelta(minutes=91), 60, False),  # 31 minutes after
        (-datetime.timedelta(days=1), 60, False),
    ],
)
def test_only_inside_the_join_window(hs256, world, starts_in, duration, allowed):
    session = CoachingSessionFactory(
        space=world.space, starts_at=timezone.now() + starts_in, duration_minutes=duration
    )
    if allowed:
        assert jitsi.mint_token(world.coachee, session)
    else:
        with pytest.raises(jitsi.TokenRefused):
            jitsi.mint_token(world.coachee, session)


@pytest.mark.parametrize("status", [SessionStatus.CANCELLED, SessionStatus.MISSED])
def test_refused_for_cancelled_and_missed_sessions(hs256, world, open_session, status):
    open_session.status = status
    open_session.save()
    for user in (world.coach, world.coachee):
        with pytest.raises(jitsi.TokenRefused):
            jitsi.mint_token(user, open_session)


def test_token_endpoint_gives_options_to_participants_and_404_otherwise(
    hs256, client, world, open_session
):
    url = reverse(
        "wagtail_coaching:session_room_token",
        kwargs={"public_id": world.space.public_id, "session_id": open_session.pk},
    )
    client.force_login(world.coachee)
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    options = response.json()
    assert options["domain"] == "meet.example.org"
    assert options["roomName"] == open_session.room_name
    assert options["displayName"] == world.coachee.get_full_name()
    assert decode_hs256(options["jwt"], "")["room"] == open_session.room_name

    open_session.status = SessionStatus.CANCELLED
    open_session.save()
    response = client.get(url)
    assert response.status_code == 404
    assert "jwt" not in response.content.decode()

    client.force_login(world.other_coachee)
    open_session.status = SessionStatus.PLANNED
    open_session.save()
    assert client.get(url).status_code == 404


def test_room_page_headers_allow_exactly_the_jitsi_origin(hs256, client, world, open_session):
    client.force_login(world.coach)
    response = client.get(
        reverse(
            "wagtail_coaching:session_room",
            kwargs={"public_id": world.space.public_id, "session_id": open_session.pk},
        )
    )
    assert response.status_code == 200
    csp = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    # The space pages' strict policy (the nonce of this response) plus the Jitsi origin.
    assert re.fullmatch(r"'self' 'nonce-[^']+' https://meet\.example\.org", csp["script-src"])
    assert csp["frame-src"] == "https://meet.example.org"
    assert csp["default-src"] == "'self'"
    assert response["Permissions-Policy"] == (
        'camera=("https://meet.example.org"), microphone=("https://meet.example.org"), '
        'display-capture=("https://meet.example.org")'
    )
    assert response["Referrer-Policy"] == "no-referrer"
    assert "Cross-Origin-Embedder-Policy" not in response
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert '<script src="https://meet.example.org/external_api.js"></script>' in body
    # The token is not in the page: the script asks for a fresh one.
    assert "eyJ" not in body


def test_without_a_secret_the_room_runs_untokened(client, world, open_session):
    assert not jitsi.is_token_protected()
    options = jitsi.room_options(world.coachee, open_session, "fr")
    assert options["jwt"] is None
    assert options["domain"] == "meet.jit.si"
    assert options["lang"] == "fr"
    assert "wagtail_coaching.W040" in {m.id for m in run_checks()}


def test_management_command_prints_the_token(hs256, world, open_session):
    out = StringIO()
    call_command("coaching_room_token", str(open_session.pk), "coach", "--claims", stdout=out)
    token, _, decoded = out.getvalue().partition("\n")
    assert decode_hs256(token, "")["room"] == open_session.room_name
    assert json.loads(decoded)["header"]["typ"] == "JWT"
    out = StringIO()
    call_command("coaching_room_token", open_session.room_name, "coachee", stdout=out)
    assert decode_hs256(out.getvalue().strip(), "")["context"]["user"]["moderator"] == "false"


@pytest.mark.parametrize(
    "args, reason",
    [
        (("{pk}", "hr"), "not a participant"),
        (("999999", "coach"), "No session"),
        (("{pk}", "nobody"), "No user"),
    ],
)
def test_management_command_says_why_not(hs256, world, open_session, args, reason):
    args = [arg.format(pk=open_session.pk) for arg in args]
    with pytest.raises(CommandError, match=reason):
        call_command("coaching_room_token", *args)


def test_management_command_explains_unprotected_rooms(world, open_session):
    with pytest.raises(CommandError, match="not token-protected"):
        call_command("coaching_room_token", str(open_session.pk), "coach")


def test_management_command_explains_a_closed_window(hs256, world):
    session = CoachingSessionFactory(space=world.space)  # next week
    with pytest.raises(CommandError, match="opens at"):
        call_command("coaching_room_token", str(session.pk), "coach")


def check_ids():
    return {m.id for m in run_checks() if m.id.startswith("wagtail_coaching")}


def test_configured_sites_pass_the_checks(hs256):
    assert check_ids() == set()


def test_jaas_sites_pass_the_checks(jaas):
    assert check_ids() == set()


@pytest.mark.parametrize(
    "overrides, check_id",
    [
        ({"WAGTAIL_COACHING_JITSI_DOMAIN": "https://meet.example.org"}, "E040"),
        ({"WAGTAIL_COACHING_JITSI_SCHEME": "ftp"}, "E041"),
        ({"WAGTAIL_COACHING_JITSI_SCHEME": "http"}, "W041"),
        ({"WAGTAIL_COACHING_JITSI_PRIVATE_KEY": "x", "WAGTAIL_COACHING_JITSI_KEY_ID": "k"}, "E042"),
        ({"WAGTAIL_COACHING_JITSI_APP_ID": ""}, "E043"),
        ({"WAGTAIL_COACHING_JITSI_AUDIENCE": ["jitsi"]}, "E046"),
        ({"WAGTAIL_COACHING_JITSI_TOKEN_TTL": "300"}, "E047"),
        ({"WAGTAIL_COACHING_BOARD_POLL_INTERVAL_MS": 10}, "E047"),
        ({"WAGTAIL_COACHING_JITSI_FEATURES": ["recording"]}, "E049"),
        ({"WAGTAIL_COACHING_JITSI_FEATURES": {"recording": "false"}}, "E049"),
        ({"WAGTAIL_COACHING_JITSI_FEATURES": {"recordings": False}}, "W049"),
        ({"WAGTAIL_COACHING_JITSI_ISSUER": None}, "E050"),
        ({"WAGTAIL_COACHING_JITSI_SUBJECT": 1}, "E050"),
    ],
)
def test_bad_jitsi_settings_are_reported(hs256, overrides, check_id):
    with override_settings(**overrides):
        messages = [m for m in run_checks() if m.id == f"wagtail_coaching.{check_id}"]
    assert messages and messages[0].hint


def test_a_short_app_secret_is_reported(hs256, settings):
    settings.WAGTAIL_COACHING_JITSI_APP_SECRET = "short"
    assert "wagtail_coaching.W042" in check_ids()


def test_a_broken_jaas_key_is_reported(jaas, settings):
    settings.WAGTAIL_COACHING_JITSI_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nnope\n"
    settings.WAGTAIL_COACHING_JITSI_KEY_ID = ""
    assert {"wagtail_coaching.E044", "wagtail_coaching.E045"} <= check_ids()


def test_a_jaas_key_id_without_the_app_id_prefix_is_reported(jaas, settings):
    # The JaaS console shows the key id alone; Jitsi wants "<AppID>/<key id>" (kidMismatch).
    settings.WAGTAIL_COACHING_JITSI_KEY_ID = "4f4910"
    messages = [m for m in run_checks() if m.id == "wagtail_coaching.E048"]
    assert messages and JAAS_APP in messages[0].msg and messages[0].hint
    settings.WAGTAIL_COACHING_JITSI_KEY_ID = f"{JAAS_APP}-other/4f4910"
    assert "wagtail_coaching.E048" in check_ids()


def test_a_session_longer_than_a_token_gets_a_valid_token_all_along(hs256, world):
    # A 90-minute session, 5-minute tokens: the room page renews a minute before expiry
    # (room.js); with the clock moved through the whole session, every renewal gets a token
    # valid until the next one, and the first renewal after the window closes is refused.
    start = timezone.now().replace(microsecond=0)
    session = CoachingSessionFactory(space=world.space, starts_at=start, duration_minutes=90)
    ttl, lead = 300, 60
    now = start - datetime.timedelta(minutes=15)  # the room opens
    tokens = 0
    while True:
        try:
            options = jitsi.room_options(world.coachee, session, "en", now=now)
        except jitsi.TokenRefused:
            break
        claims = jwt.decode(
            options["jwt"],
            SECRET,
            algorithms=["HS256"],
            audience="jitsi",
            options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
        )
        assert options["expiresIn"] == ttl
        assert claims["nbf"] < now.timestamp()
        next_renewal = now + datetime.timedelta(seconds=ttl - lead)
        assert claims["exp"] > next_renewal.timestamp()
        tokens += 1
        now = next_renewal
    assert now > session.ends_at + datetime.timedelta(minutes=30)  # refused only once closed
    assert tokens == (15 + 90 + 30) * 60 // (ttl - lead) + 1


def test_rs256_with_a_self_hosted_key_server_is_not_jaas(jaas, settings, world, open_session):
    # Prosody with asap_key_server: its own app id and issuer, the host as subject, plain
    # room names, and any key id (the public key is served at <server>/<sha256(kid)>.pem).
    settings.WAGTAIL_COACHING_JITSI_DOMAIN = "meet.example.org"
    settings.WAGTAIL_COACHING_JITSI_APP_ID = "coaching"
    settings.WAGTAIL_COACHING_JITSI_KEY_ID = "coaching-2026"
    token = jitsi.mint_token(world.coach, open_session)
    assert jwt.get_unverified_header(token)["kid"] == "coaching-2026"
    claims = jwt.decode(token, jaas, algorithms=["RS256"], audience="jitsi", issuer="coaching")
    assert claims["sub"] == "meet.example.org"
    assert jitsi.iframe_room_name(open_session) == open_session.room_name
    assert check_ids() == set()
