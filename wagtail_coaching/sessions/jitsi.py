"""Jitsi video rooms: the one place that mints room tokens and says who may join when.

The token follows Jitsi's Prosody token verification (``mod_auth_token`` and
``luajwtjitsi``) exactly, because it is strict:

* header ``typ`` is ``"JWT"``; ``alg`` comes from the settings only: HS256 with
  ``WAGTAIL_COACHING_JITSI_APP_SECRET`` (self-hosted Prosody ``token`` auth) or RS256 with
  ``WAGTAIL_COACHING_JITSI_PRIVATE_KEY`` and its ``kid`` (8x8 JaaS);
* ``iss`` (``WAGTAIL_COACHING_JITSI_ISSUER``, else the app id, or ``"chat"`` for JaaS), a
  single-string ``aud``, ``sub`` (the XMPP domain Prosody checks the room against: the
  Jitsi host without its port, or the JaaS AppID), ``room``, integer ``exp`` and ``nbf``
  (``nbf`` 10 s in the past: Prosody allows no clock skew);
* ``context.user`` with string fields only: an opaque stable ``id``, ``name``, the e-mail
  address only when ``WAGTAIL_COACHING_JITSI_SHARE_EMAIL`` is on, and moderator rights
  (``moderator`` ``"true"``, affiliation ``"owner"``) for the coach alone;
* ``context.features`` from ``WAGTAIL_COACHING_JITSI_FEATURES``, every value ``"true"`` or
  ``"false"``: Jitsi denies any feature a token with features leaves out.

A token is minted only for someone the lock lets into the session's space, only inside the
session's join window, and never for a cancelled or missed session.
"""

import functools
import hashlib
import hmac
import re
from datetime import timedelta

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.conf import DEFAULTS, get_setting
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.models import display_name
from wagtail_coaching.spaces.preferences import show_datetime

# Prosody rejects a token whose nbf is even one second ahead of its clock.
NBF_BACKDATE_SECONDS = 10
JAAS_ISSUER = "chat"
JAAS_APP_PREFIX = "vpaas-magic-cookie-"
# The feature names Jitsi reads from ``context.features`` (jitsi-meet's Prosody plugins and
# 8x8's JWT documentation); an unknown name is most likely a typo.
KNOWN_FEATURES = (
    "recording",
    "livestreaming",
    "transcription",
    "outbound-call",
    "sip-outbound-call",
    "inbound-call",
    "sip-inbound-call",
    "file-upload",
    "list-visitors",
    "create-polls",
    "send-groupchat",
    "flip",
)
DOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::\d{1,5})?$")


class TokenRefused(Exception):
    """The user may not get a token for this session now; ``str(exc)`` says why."""


# --- Settings ------------------------------------------------------------------------------


def algorithm():
    """``"RS256"`` (JaaS key), ``"HS256"`` (app secret) or None (rooms not token-protected)."""
    if get_setting("JITSI_PRIVATE_KEY"):
        return "RS256"
    if get_setting("JITSI_APP_SECRET"):
        return "HS256"
    return None


def is_token_protected():
    return algorithm() is not None


def is_jaas():
    """8x8 JaaS: an RS256 key and a JaaS AppID. An RS256 key with another app id is a
    self-hosted Prosody with a key server (``asap_key_server``)."""
    return algorithm() == "RS256" and str(get_setting("JITSI_APP_ID")).startswith(JAAS_APP_PREFIX)


def origin():
    """The Jitsi origin the page loads ``external_api.js`` from and frames, e.g.
    ``https://meet.example.org``."""
    return f"{get_setting('JITSI_SCHEME')}://{get_setting('JITSI_DOMAIN')}"


def external_api_url():
    return f"{origin()}/external_api.js"


def host():
    """The Jitsi host name without its port: what Prosody knows its XMPP domain by."""
    return str(get_setting("JITSI_DOMAIN")).rsplit(":", 1)[0]


def issuer():
    """The token's ``iss``: the setting, else ``"chat"`` for JaaS or the app id."""
    return get_setting("JITSI_ISSUER") or (
        JAAS_ISSUER if is_jaas() else get_setting("JITSI_APP_ID")
    )


def subject():
    """The token's ``sub``: the setting, else the JaaS AppID or the host without its port.

    With domain verification (the default of current Prosody plugins) Prosody accepts a
    room ``<room>@conference.<sub>`` only, so ``sub`` is the XMPP domain, never a tenant.
    """
    if get_setting("JITSI_SUBJECT"):
        return get_setting("JITSI_SUBJECT")
    return get_setting("JITSI_APP_ID") if is_jaas() else host()


def features_claim():
    """``context.features`` as Jitsi reads it (string values), or None to leave it out."""
    features = get_setting("JITSI_FEATURES") or {}
    return {name: "true" if allowed else "false" for name, allowed in features.items()} or None


def iframe_room_name(session):
    """The IFrame API ``roomName``: ``<AppID>/<room>`` for JaaS, the room name otherwise."""
    if is_jaas():
        return f"{get_setting('JITSI_APP_ID')}/{session.room_name}"
    return session.room_name


def opaque_user_id(user):
    """A stable id for ``user`` that reveals neither the database key nor the username."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"wagtail-coaching/jitsi-user/{user.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


# --- Who may join, and when ----------------------------------------------------------------


def join_window(session):
    """``(opens, closes)``: from some minutes before the start to some after the planned end."""
    opens = session.starts_at - timedelta(minutes=get_setting("JITSI_JOIN_WINDOW_BEFORE"))
    closes = session.ends_at + timedelta(minutes=get_setting("JITSI_JOIN_WINDOW_AFTER"))
    return opens, closes


def is_room_open(session, now=None):
    now = now or timezone.now()
    opens, closes = join_window(session)
    return (
        session.status not in (SessionStatus.CANCELLED, SessionStatus.MISSED)
        and opens <= now <= closes
    )


def check_may_join(user, session, now=None):
    """Raise :class:`TokenRefused` unless ``user`` may join ``session``'s room at ``now``."""
    now = now or timezone.now()
    # The space the view already opened (session.space set from the lock's instance) is
    # not asked about again; a bare session costs the lock's one query.
    space = session.space if CoachingSession.space.is_cached(session) else session.space_id
    if not lock.may_enter(user, space):
        raise TokenRefused(_("This user is not a participant of the session's client space."))
    if session.status == SessionStatus.CANCELLED:
        raise TokenRefused(_("The session is cancelled."))
    if session.status == SessionStatus.MISSED:
        raise TokenRefused(_("The session was marked as missed."))
    opens, closes = join_window(session)
    if now < opens:
        raise TokenRefused(_("The room opens at %(time)s.") % {"time": show_datetime(opens)})
    if now > closes:
        raise TokenRefused(_("The room closed at %(time)s.") % {"time": show_datetime(closes)})


# --- Tokens --------------------------------------------------------------------------------


def room_token_claims(room, *, user_id, name, moderator, email=None, now=None):
    """The claims of a token for ``room``, as Prosody and JaaS read them.

    The one place that builds them, for client sessions and trial rooms alike: issuer,
    audience, subject, lifetime (``nbf`` back-dated, Jitsi allows no clock skew), string user
    fields, moderator rights and the features allowed or denied in every room.
    """
    now_ts = int((now or timezone.now()).timestamp())
    user_claim = {
        "id": str(user_id),
        "name": str(name),
        "moderator": "true" if moderator else "false",
        "affiliation": "owner" if moderator else "member",
    }
    if email:
        user_claim["email"] = str(email)
    context = {"user": user_claim}
    features = features_claim()
    if features:
        context["features"] = features
    return {
        "iss": issuer(),
        "aud": get_setting("JITSI_AUDIENCE"),
        "sub": subject(),
        "room": room,
        "iat": now_ts,
        "nbf": now_ts - NBF_BACKDATE_SECONDS,
        "exp": now_ts + int(get_setting("JITSI_TOKEN_TTL")),
        "context": context,
    }


def token_claims(user, session, now=None):
    """The claims of ``user``'s token for ``session`` (no checks; see :func:`mint_token`).
    The coach of the session's space is the room's moderator."""
    return room_token_claims(
        session.room_name,
        user_id=opaque_user_id(user),
        name=display_name(user),
        moderator=session.space.coach_id == user.pk,
        email=user.email if get_setting("JITSI_SHARE_EMAIL") else None,
        now=now,
    )


@functools.lru_cache(maxsize=4)
def _private_key(pem):
    # Parsing and validating an RSA key costs ~30 ms; signing with a loaded one, well under 1.
    # Keyed by the PEM text, so a changed setting is picked up.
    return load_pem_private_key(pem.encode() if isinstance(pem, str) else pem, None)


def encode(claims):
    """Sign ``claims`` with the configured key; the algorithm never comes from input."""
    alg = algorithm()
    headers = {"typ": "JWT", "alg": alg}
    if alg == "RS256":
        headers["kid"] = get_setting("JITSI_KEY_ID")
        key = _private_key(get_setting("JITSI_PRIVATE_KEY"))
    elif alg == "HS256":
        key = get_setting("JITSI_APP_SECRET")
    else:
        raise TokenRefused(_("No Jitsi secret or key is configured; rooms are not protected."))
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def mint_token(user, session, now=None):
    """The token ``user`` gets now for ``session``'s room, or None when rooms are not
    token-protected. Raises :class:`TokenRefused` for anyone who may not join now."""
    check_may_join(user, session, now)
    if not is_token_protected():
        return None
    return encode(token_claims(user, session, now))


def room_options(user, session, language, now=None):
    """What the room page hands to ``new JitsiMeetExternalAPI(domain, options)``."""
    token = mint_token(user, session, now)
    ttl = int(get_setting("JITSI_TOKEN_TTL"))
    return {
        "domain": get_setting("JITSI_DOMAIN"),
        "roomName": iframe_room_name(session),
        "jwt": token,
        "displayName": display_name(user),
        "lang": language,
        "expiresIn": ttl if token else None,
    }


def session_for_token(session_ref):
    """The session named by a primary key or a room name (for the management command)."""
    queryset = CoachingSession.objects.select_related("space")
    if str(session_ref).isdigit():
        return queryset.filter(pk=int(session_ref)).first()
    return queryset.filter(room_name=session_ref).first()


# --- System checks -------------------------------------------------------------------------


def _is_int(value, low, high):
    return not isinstance(value, bool) and isinstance(value, int) and low <= value <= high


@register(Tags.security)
def check_jitsi_settings(app_configs, **kwargs):
    messages = []
    domain = get_setting("JITSI_DOMAIN")
    if not isinstance(domain, str) or not DOMAIN_RE.match(domain):
        messages.append(
            Error(
                f"WAGTAIL_COACHING_JITSI_DOMAIN must be a lowercase host name, got {domain!r}.",
                hint="Give the host only, without scheme or path, e.g. 'meet.example.org' "
                "or '8x8.vc' for JaaS.",
                id="wagtail_coaching.E040",
            )
        )
    scheme = get_setting("JITSI_SCHEME")
    if scheme != "https":
        messages.append(
            (Warning if scheme == "http" else Error)(
                f"WAGTAIL_COACHING_JITSI_SCHEME is {scheme!r}; Jitsi must be reached over https.",
                hint="Remove the setting; 'http' exists only for the test suite's stand-in.",
                id="wagtail_coaching.E041" if scheme != "http" else "wagtail_coaching.W041",
            )
        )
    secret = get_setting("JITSI_APP_SECRET")
    private_key = get_setting("JITSI_PRIVATE_KEY")
    app_id = get_setting("JITSI_APP_ID")
    if secret and private_key:
        messages.append(
            Error(
                "Both WAGTAIL_COACHING_JITSI_APP_SECRET and WAGTAIL_COACHING_JITSI_PRIVATE_KEY "
                "are set.",
                hint="Set the app secret for a self-hosted Jitsi (HS256) or the private key "
                "and key id for 8x8 JaaS (RS256), not both.",
                id="wagtail_coaching.E042",
            )
        )
    if (secret or private_key) and not (isinstance(app_id, str) and app_id):
        messages.append(
            Error(
                "WAGTAIL_COACHING_JITSI_APP_ID is empty while rooms are token-protected.",
                hint="Set it to Prosody's app_id, or to the JaaS AppID ('vpaas-magic-cookie-…').",
                id="wagtail_coaching.E043",
            )
        )
    if secret and len(str(secret).encode()) < 32:
        messages.append(
            Warning(
                "WAGTAIL_COACHING_JITSI_APP_SECRET is shorter than 32 bytes.",
                hint="HS256 needs a secret of at least 32 random bytes (RFC 7518 §3.2); "
                "generate one with `python -c 'import secrets; print(secrets.token_hex(32))'` "
                "and set the same value as Prosody's app_secret.",
                id="wagtail_coaching.W042",
            )
        )
    if private_key:
        try:
            load_pem_private_key(
                private_key.encode() if isinstance(private_key, str) else private_key, None
            )
        except (ValueError, TypeError):
            messages.append(
                Error(
                    "WAGTAIL_COACHING_JITSI_PRIVATE_KEY is not an unencrypted PEM private key.",
                    hint="Paste the RSA private key whose public half you uploaded to JaaS, "
                    "from '-----BEGIN PRIVATE KEY-----' to the END line.",
                    id="wagtail_coaching.E044",
                )
            )
        key_id = get_setting("JITSI_KEY_ID")
        if not key_id:
            messages.append(
                Error(
                    "WAGTAIL_COACHING_JITSI_KEY_ID is empty while a private key is set.",
                    hint="Set it to the JaaS API key id ('vpaas-magic-cookie-…/…').",
                    id="wagtail_coaching.E045",
                )
            )
        elif is_jaas() and not str(key_id).startswith(f"{app_id}/"):
            messages.append(
                Error(
                    "WAGTAIL_COACHING_JITSI_KEY_ID does not start with the app id and a slash "
                    f"('{app_id}/…'); Jitsi would flag every token (kidMismatch).",
                    hint="Copy the whole key id from the JaaS console: "
                    "'<AppID>/<key id>', e.g. 'vpaas-magic-cookie-…/4f4910'.",
                    id="wagtail_coaching.E048",
                )
            )
    audience = get_setting("JITSI_AUDIENCE")
    if not isinstance(audience, str) or not audience:
        messages.append(
            Error(
                "WAGTAIL_COACHING_JITSI_AUDIENCE must be a non-empty string "
                f"(Prosody compares a single 'aud'), got {audience!r}.",
                hint="Use 'jitsi' unless Prosody's asap_accepted_audiences says otherwise.",
                id="wagtail_coaching.E046",
            )
        )
    for name, low, high in (
        ("JITSI_TOKEN_TTL", 30, 86_400),
        ("JITSI_JOIN_WINDOW_BEFORE", 0, 1_440),
        ("JITSI_JOIN_WINDOW_AFTER", 0, 1_440),
        ("PRESENCE_HEARTBEAT_SECONDS", 1, 600),
        ("BOARD_POLL_INTERVAL_MS", 200, 60_000),
        ("DOCUMENTS_POLL_INTERVAL_MS", 200, 60_000),
        ("SESSION_REMINDER_HOURS", 1, 336),
    ):
        value = get_setting(name)
        if not _is_int(value, low, high):
            messages.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a whole number between {low} and {high}, "
                    f"got {value!r}.",
                    hint=f"Remove the setting to use the default of {DEFAULTS[name]}.",
                    id="wagtail_coaching.E047",
                )
            )
    messages.extend(_check_features())
    for name in ("JITSI_ISSUER", "JITSI_SUBJECT"):
        if not isinstance(get_setting(name), str):
            messages.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a string, got {get_setting(name)!r}.",
                    hint="Remove the setting to use the default (see the README).",
                    id="wagtail_coaching.E050",
                )
            )
    if not secret and not private_key:
        messages.append(
            Warning(
                "Video rooms are not token-protected: anyone who learns a room name can join "
                f"it on {domain}.",
                hint="Set WAGTAIL_COACHING_JITSI_APP_ID and WAGTAIL_COACHING_JITSI_APP_SECRET "
                "(self-hosted Jitsi with token authentication), or "
                "WAGTAIL_COACHING_JITSI_PRIVATE_KEY and WAGTAIL_COACHING_JITSI_KEY_ID (JaaS).",
                id="wagtail_coaching.W040",
            )
        )
    return messages


def _check_features():
    features = get_setting("JITSI_FEATURES")
    if not isinstance(features, dict) or not all(
        isinstance(name, str) and isinstance(allowed, bool) for name, allowed in features.items()
    ):
        return [
            Error(
                "WAGTAIL_COACHING_JITSI_FEATURES must map feature names to True or False, "
                f"got {features!r}.",
                hint="E.g. {'recording': False, 'send-groupchat': True}; remove the setting "
                "to use the default.",
                id="wagtail_coaching.E049",
            )
        ]
    unknown = sorted(set(features) - set(KNOWN_FEATURES))
    if unknown:
        return [
            Warning(
                f"WAGTAIL_COACHING_JITSI_FEATURES names features Jitsi does not know: {unknown}.",
                hint=f"Known features: {', '.join(KNOWN_FEATURES)}.",
                id="wagtail_coaching.W049",
            )
        ]
    return []


def unprotected_rooms_warning():
    """The admin's warning text when rooms are not token-protected, else None."""
    if is_token_protected():
        return None
    return _(
        "Video rooms are not token-protected: anyone who learns a room name can join it on "
        "%(domain)s. Configure a Jitsi app secret or a JaaS key (see the README)."
    ) % {"domain": get_setting("JITSI_DOMAIN")}
