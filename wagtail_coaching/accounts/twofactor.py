"""The second factor: who must have one, setting one up, verifying it, fresh checks before
sensitive acts, recovery codes, and the reset staff do instead of setting a password.

Devices are django-otp's: a TOTP device (an authenticator app), passkeys
(django-otp-webauthn) and one static device holding the recovery codes. A user who has a
confirmed device is asked for it at every log-in; a user whose role is listed in
``WAGTAIL_COACHING_SECOND_FACTOR_ROLES`` must set one up before reaching any page. The
decision for a log-in is kept in the session, so pages cost no query once it is taken.
"""

import time
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from wagtail_coaching.conf import get_setting
from wagtail_coaching.spaces import eligibility, lock, mail, roles
from wagtail_coaching.spaces.models import display_name

ROLES = ("staff", "hr", "coach", "coachee")
ADMIN_ACCESS = "wagtailadmin.access_admin"
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DEVICE_NAME = "authenticator app"

# Session keys: the decision taken at log-in, and when the second factor was last given.
STATE_KEY = "wagtail_coaching_second_factor"
VERIFIED_AT_KEY = "wagtail_coaching_second_factor_at"
FREE = "free"  # neither required nor set up: nothing to ask during this log-in


def roles_of(user):
    """The roles of ``user`` that SECOND_FACTOR_ROLES may name."""
    found = set()
    if eligibility.is_staff_user(user) or user.has_perm(ADMIN_ACCESS):
        found.add("staff")
    if lock.organisations_reported_to(user).exists():
        found.add("hr")
    if roles.is_coach(user):
        found.add("coach")
    return found or {"coachee"}


def is_required(user):
    """True if ``user``'s role obliges them to have a second factor."""
    required = set(get_setting("SECOND_FACTOR_ROLES"))
    return bool(required) and bool(roles_of(user) & required)


def has_second_factor(user):
    """True if ``user`` has a confirmed TOTP device or passkey (recovery codes alone do not
    count: they are the way back in, not a factor of their own)."""
    return any(
        not isinstance(device, StaticDevice) for device in devices_for_user(user, confirmed=True)
    )


def decide(request):
    """What the log-in of ``request.user`` still needs: "verify", "setup" or None.

    A user who needs nothing is remembered as such in the session until they log in again.
    """
    user = request.user
    if request.session.get(STATE_KEY) == FREE:
        return None
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    if is_required(user):
        return "setup"
    request.session[STATE_KEY] = FREE
    return None


@receiver(user_logged_in)
def forget_previous_decision(sender, request, user, **kwargs):
    """Each log-in decides afresh (django-otp's own login handler keeps any device the
    authentication form verified)."""
    if request is not None and hasattr(request, "session"):
        request.session.pop(STATE_KEY, None)
        request.session.pop(VERIFIED_AT_KEY, None)


def mark_verified(request, device):
    """``request.user`` just gave ``device``'s code (or used it): the log-in is verified and
    fresh for sensitive acts."""
    otp_login(request, device)
    request.session.pop(STATE_KEY, None)
    request.session[VERIFIED_AT_KEY] = time.time()


def is_fresh(request):
    """True if the second factor was given within SECOND_FACTOR_RECHECK_MINUTES."""
    verified_at = request.session.get(VERIFIED_AT_KEY)
    if verified_at is None:
        return False
    return time.time() - verified_at < get_setting("SECOND_FACTOR_RECHECK_MINUTES") * 60


def needs_recheck(request):
    """True if a sensitive act of ``request`` must wait for a fresh verification: only a
    user who has a second factor can give one."""
    user = request.user
    return bool(user.is_authenticated and user.is_verified() and not is_fresh(request))


# --- Verifying ---------------------------------------------------------------------------------


def verify_code(user, code):
    """The device of ``user`` that accepts ``code`` (a TOTP code or an unused recovery code,
    which is then spent), or None. django-otp throttles repeated failures per device.

    A code of digits only goes to the authenticator app, any other to the recovery codes, so
    using a recovery code never counts as a wrong code of the app."""
    code = "".join(code.split())
    if not code:
        return None
    kind = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, kind) and device.verify_token(code):
                return device
    return None


def is_throttled(user):
    """True if django-otp makes ``user``'s devices wait after wrong codes (the wait doubles
    with each failure)."""
    return any(
        not device.verify_is_allowed()[0]
        for device in devices_for_user(user, confirmed=True)
        if isinstance(device, TOTPDevice | StaticDevice)
    )


# --- Authenticator app (TOTP) --------------------------------------------------------------------


def pending_totp_device(user):
    """The unconfirmed TOTP device ``user`` is setting up (made once, kept until confirmed,
    so reloading the page shows the same secret)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def confirm_totp(device, code):
    """Confirm ``device`` if ``code`` is its current code; True on success."""
    if not device.verify_token("".join(code.split())):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def otpauth_url(device):
    """The ``otpauth://`` URL an authenticator app reads (issuer: OTP_TOTP_ISSUER or the
    site's name)."""
    return device.config_url


def secret_text(device):
    """The secret in base32, grouped by four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(text, title):
    """``text`` as a QR code in inline SVG (no image request, no external service). It has a
    ``viewBox`` and no fixed size, so the page's CSS scales it whole (a narrow screen never
    cuts a corner off)."""
    return segno.make(text, error="m").svg_inline(
        scale=5, border=2, title=title, svgclass="coaching-qr", lineclass=None, omitsize=True
    )


# --- The demo's devices ---------------------------------------------------------------------

DEMO_DEVICE_NAME = "demo"


def demo_totp_device(user):
    """The confirmed TOTP device the demo gives ``user`` (made once)."""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE_NAME).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return device


def current_code(device):
    """The code ``device`` accepts now (what the authenticator app would show)."""
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(code).zfill(device.digits)


# --- Recovery codes -----------------------------------------------------------------------------


def new_recovery_codes(user):
    """Replace ``user``'s recovery codes with RECOVERY_CODE_COUNT new ones and return them.
    Each works once; they are shown only now."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Staff reset a second factor (instead of setting a password) ---------------------------------


def reset_second_factor(user, actor):
    """Remove every device of ``user`` (authenticator app, passkeys, recovery codes) and tell
    them by e-mail. At their next log-in they set up a new one if their role requires it.

    The e-mail names the staff member, never any content of a space."""
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
    notify_reset(user, actor)


def notify_reset(user, actor):
    """Queue the e-mail telling ``user`` that ``actor`` reset their second factor."""
    if user.email:
        mail.send_later("second_factor_reset", user, actor_name=display_name(actor))


@mail.email_kind("second_factor_reset")
def second_factor_reset_email(user, actor_name):
    if not user.email:
        return None
    context = {
        "user": user,
        "actor_name": actor_name,
        "site_name": getattr(settings, "WAGTAIL_SITE_NAME", ""),
        "login_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/",
    }
    return mail.render(user, "wagtail_coaching/email/second_factor_reset", context)
