"""Trials and visits: a prospect asks, staff schedule it in a guest room, and convert it.

Rules a caller may rely on:

* A request is stored only when it passes the honeypot and the per-address rate limit
  (:func:`rate_limited`): at most ``WAGTAIL_COACHING_TRIAL_RATE_LIMIT`` requests per
  ``WAGTAIL_COACHING_TRIAL_RATE_WINDOW_MINUTES`` from one e-mail address or one client IP,
  counted in the database (``TrialRequest`` rows), so every app process sees the same count.
  The IP is kept only as a keyed hash.
* The prospect's guest link carries a random token of 256 bits; only its SHA-256 is stored.
  :func:`trial_for_guest_token` finds the trial or nothing, so an altered or guessed link is
  a plain 404. Scheduling again issues a new token and the old link stops working.
* Guest room tokens are minted (:func:`mint_room_token`) only for a scheduled trial, only
  inside its join window (the same ``JITSI_JOIN_WINDOW_*`` settings as client sessions), for
  a non-moderator who is the prospect; the trial's coach gets a moderator token.
* :func:`convert` creates (or picks) the organisation, the coachee's account and the client
  space in one transaction, then e-mails a link to set a password. It never looks an account
  up by e-mail address: anyone can put any address on their account. The coachee is the
  account staff picked explicitly, or a new account for the prospect, created only once the
  prospect confirmed their address with the signed link of :func:`request_confirmation`.
"""

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from datetime import UTC, date, timedelta

import icalendar
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import ical, jitsi
from wagtail_coaching.sessions.ical import calendar_part
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import mail
from wagtail_coaching.spaces.models import (
    ClientSpace,
    ClientSpaceStatus,
    Organisation,
    display_name,
)
from wagtail_coaching.spaces.preferences import for_person, set_user_language
from wagtail_coaching.trials.models import TrialRequest, TrialStatus

# --- Models --------------------------------------------------------------------------------


# --- Spam protection -----------------------------------------------------------------------


def hash_client_ip(ip):
    """A keyed hash of the client's IP: enough to count requests, not to recover the address."""
    if not ip:
        return ""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"wagtail-coaching/trial-ip/{ip}".encode(), hashlib.sha256).hexdigest()


def client_ip(request):
    """``REMOTE_ADDR``; behind a proxy the site sets it from a header it trusts."""
    return request.META.get("REMOTE_ADDR", "")


def rate_limited(email, ip_hash, now=None):
    """True when this e-mail address or client already sent the allowed number of requests
    within the window. Counted in the database, so it holds across app processes."""
    now = now or timezone.now()
    since = now - timedelta(minutes=get_setting("TRIAL_RATE_WINDOW_MINUTES"))
    same_sender = Q(email__iexact=email)
    if ip_hash:
        same_sender |= Q(client_ip_hash=ip_hash)
    recent = TrialRequest.objects.filter(same_sender, created_at__gte=since)
    return recent.count() >= get_setting("TRIAL_RATE_LIMIT")


def record_request(data, *, page, ip_hash, language):
    """Store a request from the form's cleaned ``data`` and tell staff."""
    trial = TrialRequest.objects.create(
        page=page,
        name=data["name"],
        email=data["email"],
        organisation_name=data["organisation_name"],
        role=data["role"],
        kind=data["kind"],
        preferred_slots=data["preferred_slots"],
        consented_at=timezone.now(),
        language=language or "",
        client_ip_hash=ip_hash,
    )
    notify_staff(trial)
    return trial


def notify_staff(trial):
    """Queue the e-mail to ``WAGTAIL_COACHING_TRIAL_NOTIFY_EMAILS`` (else the site's
    ``MANAGERS``) about a new request."""
    mail.send_later("trial_request", key=f"trial-request:{trial.pk}", trial_id=trial.pk)


@mail.email_kind("trial_request")
def trial_request_email(_recipient, trial_id):
    """The staff's e-mail about a new request, in the site's language."""
    trial = TrialRequest.objects.filter(pk=trial_id).first()
    recipients = list(get_setting("TRIAL_NOTIFY_EMAILS"))
    prefix = ""
    if not recipients:
        recipients = [address for _name, address in settings.MANAGERS]
        prefix = settings.EMAIL_SUBJECT_PREFIX
    if trial is None or not recipients:
        return None
    context = {"trial": trial, "admin_url": ical.site_url(admin_url(trial, "inspect"))}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("New trial request: %(name)s (%(organisation)s)") % {
            "name": trial.name,
            "organisation": trial.organisation_name,
        }
        body = render_to_string("wagtail_coaching/trials/email/staff_new_request.txt", context)
    return EmailMultiAlternatives(f"{prefix}{subject}", body, mail.from_email(), recipients)


def admin_url(trial, action):
    return reverse(f"wagtail_coaching_trialrequest_modeladmin_{action}", args=[trial.pk])


# --- Scheduling and the guest link ---------------------------------------------------------


def hash_guest_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def guest_token(seed):
    """The guest link's token made from ``seed`` (random, 256 bits) with the site's secret key.

    The invitation's task waits in the database with the seed, not the token: a copy of the
    task queue opens no room without ``SECRET_KEY``. The worker makes the token again when it
    writes the e-mail."""
    digest = salted_hmac("wagtail-coaching/trial-guest-link", seed, algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def trial_for_guest_token(token):
    """The trial whose guest link carries ``token``, or None (altered, unknown, revoked)."""
    if not token or len(token) > 128:
        return None
    return (
        TrialRequest.objects.select_related("coach")
        .filter(guest_token_hash=hash_guest_token(token))
        .first()
    )


def guest_url(token):
    return ical.site_url(reverse("wagtail_coaching:trial_guest_room", kwargs={"token": token}))


def coach_room_url(trial):
    return ical.site_url(
        reverse("wagtail_coaching:trial_room", kwargs={"public_id": trial.public_id})
    )


def coach_conflicts(coach, starts_at, duration_minutes, exclude=None):
    """Client sessions and other trials of ``coach`` that overlap the given slot."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    sessions = CoachingSession.objects.filter(
        Q(space__coach=coach) | Q(space__coachee=coach),
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(days=1),
    ).exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.MISSED))
    trials = TrialRequest.objects.filter(
        coach=coach,
        status=TrialStatus.SCHEDULED,
        starts_at__lt=ends_at,
        starts_at__gt=starts_at - timedelta(days=1),
    )
    if exclude is not None:
        trials = trials.exclude(pk=exclude.pk)
    return [item for item in [*sessions, *trials] if item.ends_at > starts_at]


def schedule(trial, coach, starts_at, duration_minutes):
    """Give ``trial`` a coach and a time, issue a new guest link and e-mail the invitations.

    Returns the guest token (shown nowhere else; only its hash is kept).
    """
    if trial.status in (TrialStatus.CONVERTED, TrialStatus.DECLINED):
        raise ValidationError(_("A converted or declined trial cannot be scheduled."))
    User = get_user_model()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=coach.pk))
        if coach_conflicts(coach, starts_at, duration_minutes, exclude=trial):
            raise ValidationError(
                _("%(coach)s already has a session or a trial at that time.")
                % {"coach": display_name(coach)},
                code="double_booking",
            )
        seed = secrets.token_urlsafe(32)
        token = guest_token(seed)
        if trial.status == TrialStatus.SCHEDULED:
            trial.sequence += 1
        trial.coach = coach
        trial.starts_at = starts_at
        trial.duration_minutes = duration_minutes
        trial.guest_token_hash = hash_guest_token(token)
        trial.status = TrialStatus.SCHEDULED
        trial.save()
        send_invitations(trial, seed)
    return token


# --- Room tokens ---------------------------------------------------------------------------


def is_room_open(trial, now=None):
    if trial.status != TrialStatus.SCHEDULED or trial.starts_at is None:
        return False
    opens, closes = jitsi.join_window(trial)
    return opens <= (now or timezone.now()) <= closes


def guest_user_id(trial):
    """An opaque id for the prospect in this trial (they have no account)."""
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"wagtail-coaching/trial-guest/{trial.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def room_claims(trial, *, user_id, name, moderator, now=None):
    """Claims of a trial room token: :func:`jitsi.room_token_claims` for the trial's room."""
    return jitsi.room_token_claims(
        trial.room_name, user_id=user_id, name=name, moderator=moderator, now=now
    )


def room_options(trial, *, user=None, language="en", now=None):
    """IFrame API options and a fresh token for the trial's coach (``user``) or, without a
    user, for the prospect. Raises :class:`jitsi.TokenRefused` outside the window."""
    now = now or timezone.now()
    if user is not None and user.pk != trial.coach_id:
        raise jitsi.TokenRefused(_("Only the trial's coach joins as a host."))
    if not is_room_open(trial, now):
        raise jitsi.TokenRefused(_("The trial room is not open now."))
    if user is not None:
        identity = {
            "user_id": jitsi.opaque_user_id(user),
            "name": display_name(user),
            "moderator": True,
        }
    else:
        identity = {"user_id": guest_user_id(trial), "name": trial.name, "moderator": False}
    token = None
    if jitsi.is_token_protected():
        token = jitsi.encode(room_claims(trial, now=now, **identity))
    return {
        "domain": get_setting("JITSI_DOMAIN"),
        "roomName": jitsi.iframe_room_name(trial),
        "jwt": token,
        "displayName": str(identity["name"]),
        "lang": language,
        "expiresIn": int(get_setting("JITSI_TOKEN_TTL")) if token else None,
    }


# --- Outcome -------------------------------------------------------------------------------


def record_outcome(trial, outcome, now=None):
    now = now or timezone.now()
    if trial.status not in (TrialStatus.SCHEDULED, TrialStatus.DONE):
        raise ValidationError(_("Only a scheduled trial can get an outcome."))
    if trial.starts_at is None or trial.starts_at > now:
        raise ValidationError(_("The outcome is recorded once the trial has started."))
    trial.outcome = outcome
    trial.outcome_recorded_at = now
    trial.status = TrialStatus.DONE
    trial.save(update_fields=["outcome_encrypted", "outcome_recorded_at", "status"])
    return trial


# --- Conversion ----------------------------------------------------------------------------


def split_name(name):
    first, _sep, last = name.strip().partition(" ")
    return first[:150], last.strip()[:150]


def _free_username(email):
    User = get_user_model()
    base = email.split("@")[0][:140] or "coachee"
    candidate, counter = base, 1
    while User.objects.filter(**{User.USERNAME_FIELD: candidate}).exists():
        counter += 1
        candidate = f"{base}{counter}"
    return candidate


def convert(
    trial,
    *,
    account=None,
    organisation=None,
    organisation_name="",
    coach=None,
    start_date=None,
    planned_sessions=6,
    programme=None,
    invite=True,
):
    """Turn ``trial`` into a client space; return ``(space, invited)``.

    ``organisation`` (an existing one) or ``organisation_name`` (a new one). The coachee is
    ``account`` when staff picked one, else a new account without a usable password; an
    account is never looked up by the trial's e-mail address. ``invited`` is True when the
    coachee has no password yet; the set-password e-mail goes out only if ``invite``.
    """
    if trial.status == TrialStatus.CONVERTED:
        raise ValidationError(_("This trial is already converted."))
    coach = coach or trial.coach
    if coach is None:
        raise ValidationError(_("Choose the coach of the new client space."))
    User = get_user_model()
    with transaction.atomic():
        # Two confirmations of one link at once convert it once.
        if TrialRequest.objects.select_for_update().get(pk=trial.pk).status == (
            TrialStatus.CONVERTED
        ):
            raise ValidationError(_("This trial is already converted."))
        if organisation is None:
            organisation, _created = Organisation.objects.get_or_create(name=organisation_name)
        coachee = account
        if coachee is None:
            first, last = split_name(trial.name)
            coachee = User(
                **{User.USERNAME_FIELD: _free_username(trial.email)},
                email=trial.email,
                first_name=first,
                last_name=last,
            )
            coachee.set_unusable_password()
            coachee.save()
            # They asked in this language: their mail and their space speak it.
            set_user_language(coachee, trial.language)
        if coachee.pk == coach.pk:
            raise ValidationError(_("The coachee cannot be their own coach."))
        space = ClientSpace(
            coachee=coachee,
            coach=coach,
            organisation=organisation,
            programme=programme,
            status=ClientSpaceStatus.PLANNED,
            start_date=start_date or timezone.localdate(),
            planned_sessions=planned_sessions,
        )
        space.full_clean()
        space.save()
        if _is_upcoming(trial):
            withdraw_invitations(trial)
        trial.status = TrialStatus.CONVERTED
        trial.converted_space = space
        trial.save(update_fields=["status", "converted_space"])
        invited = not coachee.has_usable_password()
        if invited and invite:
            send_set_password(coachee, space, trial.language)
    return space, invited


# --- Conversion confirmed by the prospect ----------------------------------------------------

CONFIRM_SALT = "wagtail_coaching.trials.confirm-conversion"
# Days a confirmation link works.
CONFIRM_DAYS = 14


def confirmation_token(
    trial, *, organisation=None, organisation_name="", coach, start_date, planned_sessions
):
    """A signed token holding the trial, its address and the conversion staff chose."""
    return signing.dumps(
        {
            "trial": str(trial.public_id),
            "email": trial.email.lower(),
            "organisation": organisation.pk if organisation else None,
            "organisation_name": organisation_name,
            "coach": coach.pk,
            "start_date": start_date.isoformat(),
            "planned_sessions": planned_sessions,
        },
        salt=CONFIRM_SALT,
        compress=True,
    )


def request_confirmation(trial, **conversion):
    """E-mail the prospect a link to confirm their address; the space is created only when
    they confirm (:func:`convert_confirmed`). ``conversion`` as for :func:`convert`."""
    if trial.status == TrialStatus.CONVERTED:
        raise ValidationError(_("This trial is already converted."))
    token = confirmation_token(trial, **conversion)
    url = confirmation_url(token)
    organisation = conversion.get("organisation")
    mail.send_later(
        "trial_confirmation",
        key=f"trial-confirmation:{trial.pk}:{hash_guest_token(token)[:32]}",
        trial_id=trial.pk,
        organisation_id=organisation.pk if organisation else None,
        organisation_name=conversion.get("organisation_name", ""),
        coach_id=conversion["coach"].pk,
        start_date=conversion["start_date"].isoformat(),
        planned_sessions=conversion["planned_sessions"],
    )
    return url


def confirmation_url(token):
    return ical.site_url(reverse("wagtail_coaching:trial_confirm", kwargs={"token": token}))


@mail.email_kind("trial_confirmation")
def trial_confirmation_email(_recipient, trial_id, organisation_id, coach_id, **conversion):
    """The prospect's link to confirm their address, signed when sent (valid
    :data:`CONFIRM_DAYS` days from then), in the language they asked in."""
    trial = TrialRequest.objects.filter(pk=trial_id).exclude(status=TrialStatus.CONVERTED).first()
    coach = get_user_model().objects.filter(pk=coach_id).first()
    if trial is None or coach is None or not trial.email:
        return None
    token = confirmation_token(
        trial,
        organisation=Organisation.objects.filter(pk=organisation_id).first(),
        organisation_name=conversion["organisation_name"],
        coach=coach,
        start_date=date.fromisoformat(conversion["start_date"]),
        planned_sessions=conversion["planned_sessions"],
    )
    context = {
        "name": trial.name,
        "coach": coach,
        "url": confirmation_url(token),
        "days": CONFIRM_DAYS,
    }
    with translation.override(trial.language or None):
        subject = _("Confirm your address to open your coaching space")
        body = render_to_string("wagtail_coaching/trials/email/confirm_address.txt", context)
    return EmailMultiAlternatives(subject, body, mail.from_email(), [trial.email])


def pending_conversion(token):
    """``(trial, conversion)`` for a valid, unused confirmation token, else None: a link that
    is altered, expired, already used, or for an address the trial no longer has."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=timedelta(days=CONFIRM_DAYS))
        trial = TrialRequest.objects.get(public_id=data["trial"])
        coach = get_user_model().objects.get(pk=data["coach"], is_active=True)
        organisation = (
            Organisation.objects.get(pk=data["organisation"]) if data["organisation"] else None
        )
        start_date = date.fromisoformat(data["start_date"])
    except (signing.BadSignature, KeyError, ValueError, TypeError, ObjectDoesNotExist):
        return None
    if trial.status == TrialStatus.CONVERTED or trial.email.lower() != data["email"]:
        return None
    return trial, {
        "organisation": organisation,
        "organisation_name": data["organisation_name"],
        "coach": coach,
        "start_date": start_date,
        "planned_sessions": data["planned_sessions"],
    }


def convert_confirmed(token):
    """Convert the trial of a confirmation token, with a new account for the prospect who
    just proved they read this address; return the space, or None for a dead link."""
    pending = pending_conversion(token)
    if pending is None:
        return None
    trial, conversion = pending
    try:
        space, _invited = convert(trial, invite=False, **conversion)
    except ValidationError:
        return None
    return space


def set_password_url(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return ical.site_url(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))


def send_set_password(user, space, language=""):
    """Queue the e-mail with a link to set a password (made when it is sent)."""
    mail.send_later(
        "set_password",
        user,
        key=f"set-password:{space.pk}:{user.pk}",
        space_id=space.pk,
        language=language,
    )


@mail.email_kind("set_password")
def set_password_email(user, space_id, language):
    space = ClientSpace.objects.select_related("coach").filter(pk=space_id).first()
    if space is None or not user.email or user.has_usable_password():
        return None
    context = {
        "user": user,
        "coach": space.coach,
        "url": set_password_url(user),
        "username": user.get_username(),
        "my_coaching_url": ical.site_url(reverse("wagtail_coaching:my_coaching")),
    }
    with for_person(user, language=language):
        subject = _("Your coaching space is ready: set your password")
        body = render_to_string("wagtail_coaching/trials/email/set_password.txt", context)
    return EmailMultiAlternatives(subject, body, mail.from_email(), [user.email])


# --- E-mail and iCalendar ------------------------------------------------------------------


def trial_invitation(trial, url_for_recipient, method="REQUEST"):
    """A ``METHOD:REQUEST`` (or ``CANCEL``) calendar with the trial's event; its URL is the
    recipient's link."""
    calendar = ical._calendar(method)
    event = icalendar.Event()
    event.add("uid", trial.ical_uid)
    event.add("sequence", trial.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", trial.starts_at.astimezone(UTC))
    event.add("dtend", trial.ends_at.astimezone(UTC))
    event.add(
        "summary",
        _("Coaching trial: %(prospect)s with %(coach)s")
        % {"prospect": trial.name, "coach": display_name(trial.coach)},
    )
    event.add("url", url_for_recipient)
    event.add("description", _("Join the video room: %(url)s") % {"url": url_for_recipient})
    event.add("organizer", ical._person(trial.coach, "CHAIR"))
    prospect = icalendar.vCalAddress(f"mailto:{trial.email}")
    prospect.params["cn"] = icalendar.vText(trial.name)
    prospect.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    event.add("attendee", prospect)
    event.add("attendee", ical._person(trial.coach, "CHAIR"))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()


def send_invitations(trial, seed):
    """Queue the invitations: the prospect gets their personal guest link (made from ``seed``,
    see :func:`guest_token`), in the language they asked in and the site's time zone; the
    coach, the room's site page, in their own language and zone. An invitation overtaken by a
    later scheduling is not sent."""
    link = hash_guest_token(guest_token(seed))
    _to_both(trial, "trial_invitation", f"{trial.sequence}:{link[:32]}", {"seed": seed}, link=link)


def withdraw_invitations(trial):
    """Tell the prospect and the coach that the scheduled trial will not take place: a
    ``METHOD:CANCEL`` with the trial's UID and a higher ``SEQUENCE``, after the commit. For a
    trial declined or converted into a client space before its time."""
    trial.sequence += 1
    TrialRequest.objects.filter(pk=trial.pk).update(sequence=trial.sequence)
    _send_cancellations(trial)


def _send_cancellations(trial):
    _to_both(trial, "trial_cancellation", str(trial.sequence))


def _to_both(trial, kind, key, guest_params=None, **params):
    """Queue the e-mail ``kind`` about ``trial`` (as it is now: its ``sequence``) to the
    prospect, with ``guest_params`` too, and to its coach."""
    for who, recipient, extra in (("guest", None, guest_params), ("coach", trial.coach, None)):
        mail.send_later(
            kind,
            recipient,
            key=f"{kind}:{trial.pk}:{key}:{who}",
            trial_id=trial.pk,
            sequence=trial.sequence,
            **params,
            **(extra or {}),
        )


def _trial_message(trial_id, sequence, coach, method, write, due=None):
    """The e-mail about the trial (unless it changed since: None) to its prospect (``coach``
    None: in the language they asked in and the site's zone) or to its coach (theirs), with
    the iCalendar ``method``. ``write(trial, zone)`` returns the subject, the body and the
    calendar, called in that language; ``due(trial)``, when given, says if it is still to
    be sent."""
    trial = (
        TrialRequest.objects.select_related("coach")
        .filter(pk=trial_id, sequence=sequence, coach__isnull=False, starts_at__isnull=False)
        .first()
    )
    if trial is None or (coach is not None and coach.pk != trial.coach_id):
        return None
    if due is not None and not due(trial):
        return None
    address = trial.email if coach is None else coach.email
    if not address:
        return None
    language = trial.language if coach is None else None
    with for_person(coach, language=language) as (_language, zone):
        subject, body, content = write(trial, zone)
    message = EmailMultiAlternatives(subject, body, mail.from_email(), [address])
    message.attach(calendar_part(content, method))
    return message


@mail.email_kind("trial_invitation")
def trial_invitation_email(coach, trial_id, sequence, link, seed=""):
    def due(trial):
        # Not when scheduled again (a new link) or declined since.
        return trial.status == TrialStatus.SCHEDULED and trial.guest_token_hash == link

    def write(trial, zone):
        url = coach_room_url(trial) if coach is not None else guest_url(guest_token(seed))
        context = {
            "trial": trial,
            "url": url,
            "is_guest": coach is None,
            "coach": trial.coach,
            "starts_at": timezone.localtime(trial.starts_at, zone),
            "ends_at": timezone.localtime(trial.ends_at, zone),
            "time_zone": str(zone),
        }
        subject = _("Coaching trial on %(start)s") % {
            "start": formats.date_format(context["starts_at"], "DATETIME_FORMAT")
        }
        body = render_to_string("wagtail_coaching/trials/email/invitation.txt", context)
        return subject, body, trial_invitation(trial, url)

    return _trial_message(trial_id, sequence, coach, "REQUEST", write, due)


@mail.email_kind("trial_cancellation")
def trial_cancellation_email(coach, trial_id, sequence):
    def write(trial, zone):
        start = formats.date_format(timezone.localtime(trial.starts_at, zone), "DATETIME_FORMAT")
        subject = _("Cancelled: coaching trial on %(start)s") % {"start": start}
        body = _(
            "The coaching trial of %(start)s (%(zone)s) will not take place. Your "
            "calendar removes it with the attached cancellation."
        ) % {"start": start, "zone": zone}
        return subject, body, trial_invitation(trial, ical.site_url("/"), method="CANCEL")

    return _trial_message(trial_id, sequence, coach, "CANCEL", write)


def _is_upcoming(trial):
    return (
        trial.status == TrialStatus.SCHEDULED
        and trial.starts_at is not None
        and trial.starts_at > timezone.now()
    )


@receiver(pre_save, sender=TrialRequest)
def _declined(sender, instance, **kwargs):
    # Staff decline a trial by its status in the admin: a scheduled one is withdrawn.
    if instance.pk is None or instance.status != TrialStatus.DECLINED:
        return
    previous = TrialRequest.objects.filter(pk=instance.pk).select_related("coach").first()
    if previous is not None and _is_upcoming(previous):
        instance.sequence = previous.sequence + 1
        withdrawn = previous
        withdrawn.sequence = instance.sequence
        _send_cancellations(withdrawn)


# --- System checks -------------------------------------------------------------------------
