"""Site views of sessions: the video room, its token and presence, confirming minutes, and
planning (plan, move, cancel) from the space.

Thin views: who may enter is the lock (``spaces.lock``), who may join when and with which
token is ``jitsi``, planning rules are ``planning``, measuring is ``presence``. Everyone but the
participants gets the same 404 as for a space that does not exist.
"""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import jitsi, planning, presence
from wagtail_coaching.sessions.board import WIDTH as BOARD_WIDTH
from wagtail_coaching.sessions.forms import ConfirmMinutesForm, SessionForm
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.sessions.room_documents import room_documents_context
from wagtail_coaching.sessions.routing import live_url
from wagtail_coaching.spaces import csp, gate, lock
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,40}$")


# Every view below is a gate.space_view: log-in, the lock (404 for anyone else), the
# contract gate, no-store. They receive the space; sessions are looked up inside it.
ROOM_SPACES = lock.ClientSpace.objects.select_related("coach", "coachee", "programme")


def _session_of(space, session_id):
    """The session ``session_id`` of ``space`` (which the lock opened); else ``Http404``."""
    session = get_object_or_404(CoachingSession, space=space, pk=session_id)
    session.space = space
    return session


def _require_coach(user, space):
    if space.coach_id != user.pk:
        raise Http404("Only the coach plans sessions.")


def _render_in_zone(request, template, context):
    # Times on the page are shown in the reader's zone; they are stored in UTC.
    with timezone.override(user_timezone(request.user)):
        return render_page(request, template, context)


# --- The room ------------------------------------------------------------------------------


def room_security_headers(request, response):
    """CSP, Permissions-Policy and Referrer-Policy that open exactly the Jitsi origin.

    The CSP is the strict one of space pages plus the Jitsi origin for its script and frame.
    """
    origin = jitsi.origin()
    csp.apply(request, response, csp.space_policy(script=[origin], frame=[origin], embeds=False))
    delegated = f'("{origin}")'
    response["Permissions-Policy"] = ", ".join(
        f"{feature}={delegated}" for feature in ("camera", "microphone", "display-capture")
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@gate.space_view(queryset=ROOM_SPACES)
def session_room(request, space, session_id):
    """The video room of a session: portrait video beside documents and the paper board."""
    session = _session_of(space, session_id)
    now = timezone.now()
    opens, closes = jitsi.join_window(session)
    is_open = jitsi.is_room_open(session, now)
    urls = {
        name: reverse(
            f"wagtail_coaching:{name}",
            kwargs={"public_id": space.public_id, "session_id": session.pk},
        )
        for name in ("session_room_token", "session_room_presence")
    }
    board_urls = {
        name: reverse(f"wagtail_coaching:{name}", kwargs={"public_id": space.public_id})
        for name in ("board_state", "board_ops", "board_pdf", "board_png", "documents_feed")
    }
    context = {
        "space": space,
        "session": session,
        "is_open": is_open,
        "is_coach": space.coach_id == request.user.pk,
        "opens_at": opens,
        "closes_at": closes,
        "too_early": now < opens,
        "external_api_url": jitsi.external_api_url(),
        "room_config": {
            "tokenUrl": urls["session_room_token"],
            "presenceUrl": urls["session_room_presence"],
            "sessionId": session.pk,
            "heartbeatSeconds": get_setting("PRESENCE_HEARTBEAT_SECONDS"),
            "csrfToken": get_token(request),
        },
        "board_config": {
            "stateUrl": board_urls["board_state"],
            "opsUrl": board_urls["board_ops"],
            "pdfUrl": board_urls["board_pdf"],
            "pngUrl": board_urls["board_png"],
            "pollMs": get_setting("BOARD_POLL_INTERVAL_MS"),
            "width": BOARD_WIDTH,
            "csrfToken": get_token(request),
        },
    }
    if is_open:
        context |= room_documents_context(request, space, board_urls["documents_feed"])
        # The page's live socket; without it (LIVE off) the page polls.
        context["live_config"] = {"url": live_url(space) if get_setting("LIVE") else ""}
    response = _render_in_zone(request, "wagtail_coaching/room/room.html", context)
    return room_security_headers(request, response)


@gate.space_view(queryset=ROOM_SPACES, background=gate.SAFE_METHODS)
def session_room_token(request, space, session_id):
    """A fresh token and the IFrame API options; 404 outside the window or for outsiders."""
    session = _session_of(space, session_id)
    try:
        options = jitsi.room_options(request.user, session, getattr(request, "LANGUAGE_CODE", "en"))
    except jitsi.TokenRefused as exc:
        raise Http404("No token.") from exc
    return JsonResponse(options)


@gate.space_view(queryset=ROOM_SPACES, methods=("POST",), background=("POST",), closed_changes=True)
def session_room_presence(request, space, session_id):
    """Record ``joined``, ``heartbeat`` or ``left`` (form-encoded, so ``sendBeacon`` works)."""
    session = _session_of(space, session_id)
    if not jitsi.is_room_open(session):
        raise Http404("The room is closed.")
    event = request.POST.get("event", "")
    client_id = request.POST.get("client", "")
    if event not in presence.EVENTS or not CLIENT_ID_RE.match(client_id):
        return JsonResponse(
            {"error": _("Send event=joined, heartbeat or left, and the page's client id.")},
            status=400,
        )
    presence.record(session, request.user, client_id, event)
    # A person in a call clicks nothing in the page: while the session's room is open, being
    # in the call is activity, so nobody is logged out mid-session. Outside the window the
    # heartbeat is refused above and an open room tab keeps nobody logged in.
    gate.count_as_activity(request)
    return HttpResponse(status=204)


@gate.space_view(queryset=ROOM_SPACES, methods=("GET", "HEAD", "POST"), closed_changes=True)
def session_confirm(request, space, session_id):
    """The coach sees the measured minutes and confirms the ones that count."""
    session = _session_of(space, session_id)
    _require_coach(request.user, space)
    measured = presence.measure(session)
    has_started = session.starts_at <= timezone.now()
    initial = {"minutes": session.confirmed_minutes or measured["together"]}
    form = ConfirmMinutesForm(request.POST or None, initial=initial, session=session)
    if request.method == "POST":
        if not has_started:
            form.add_error(None, _("A session can be confirmed once it has started."))
        elif session.status == SessionStatus.CANCELLED:
            form.add_error(None, _("A cancelled session has no minutes to confirm."))
        elif form.is_valid():
            if "missed" in request.POST:
                session.status = SessionStatus.MISSED
                session.confirmed_minutes = None
                messages.success(request, _("The session is marked as missed."))
            else:
                session.status = SessionStatus.DONE
                session.confirmed_minutes = form.cleaned_data["minutes"]
                messages.success(
                    request,
                    _("%(minutes)s minutes confirmed.") % {"minutes": session.confirmed_minutes},
                )
            session.save(update_fields=["status", "confirmed_minutes"])
            return redirect(space.get_absolute_url())
    return _render_in_zone(
        request,
        "wagtail_coaching/room/confirm.html",
        {"space": space, "session": session, "measured": measured, "form": form},
    )


# --- Planning ------------------------------------------------------------------------------


def _session_form(request, space, *, session, initial, save, done):
    """The planning form, for a new session (``session`` None) or to move one: shown in the
    coach's time zone; on a valid post, ``save(starts_at, duration_minutes)`` runs and the
    coach goes back to the space with the ``done`` message, or sees the refusal in the form."""
    _require_coach(request.user, space)
    zone = user_timezone(request.user)
    form = SessionForm(request.POST or None, zone=zone, initial=initial(zone))
    if request.method == "POST" and form.is_valid():
        try:
            with timezone.override(zone):
                save(form.cleaned_data["starts_at"], form.cleaned_data["duration_minutes"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return redirect(space.get_absolute_url())
    return _render_in_zone(
        request,
        "wagtail_coaching/room/session_form.html",
        {"space": space, "form": form, "time_zone": str(zone), "session": session},
    )


@gate.space_view(queryset=ROOM_SPACES, methods=("GET", "HEAD", "POST"), closed_changes=True)
def session_plan(request, space):
    return _session_form(
        request,
        space,
        session=None,
        initial=lambda zone: {"duration_minutes": get_setting("SESSION_DEFAULT_DURATION")},
        save=lambda starts_at, minutes: planning.plan_session(
            space, starts_at, minutes, by=request.user
        ),
        done=_("Session planned; both of you got an invitation."),
    )


@gate.space_view(queryset=ROOM_SPACES, methods=("GET", "HEAD", "POST"), closed_changes=True)
def session_move(request, space, session_id):
    session = _session_of(space, session_id)

    def initial(zone):
        local = timezone.localtime(session.starts_at, zone)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
        }

    return _session_form(
        request,
        space,
        session=session,
        initial=initial,
        save=lambda starts_at, minutes: planning.move_session(
            session, starts_at, minutes, by=request.user
        ),
        done=_("Session moved; both of you got the new time."),
    )


@gate.space_view(queryset=ROOM_SPACES, methods=("GET", "HEAD", "POST"), closed_changes=True)
def session_cancel(request, space, session_id):
    session = _session_of(space, session_id)
    _require_coach(request.user, space)
    error = None
    if request.method == "POST":
        try:
            planning.cancel_session(session, by=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Session cancelled; both of you were told."))
            return redirect(space.get_absolute_url())
    return _render_in_zone(
        request,
        "wagtail_coaching/room/session_cancel.html",
        {"space": space, "session": session, "error": error},
    )
