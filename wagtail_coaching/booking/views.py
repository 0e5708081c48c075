"""Site views of booking: the coach's availability, the coachee's free slots and bookings.
Thin: the rules are in :mod:`rules`; space pages go through the gate."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wagtail_coaching.booking import rules
from wagtail_coaching.booking.forms import AvailabilityForm, DayOffForm
from wagtail_coaching.booking.models import AvailabilityRange, DayOff
from wagtail_coaching.sessions.models import SessionStatus
from wagtail_coaching.spaces import gate
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page
from wagtail_coaching.spaces.roles import is_coach


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
@login_required
def availability(request):
    """The coach's weekly availability and days off (404 for anyone who is not a coach)."""
    if not is_coach(request.user):
        raise Http404("Only coaches publish an availability.")
    user = request.user
    ranges = list(AvailabilityRange.objects.filter(coach=user))
    form = AvailabilityForm(ranges=ranges)
    day_off_form = DayOffForm()
    action = request.POST.get("action")
    if request.method == "POST":
        if action == "ranges":
            form = AvailabilityForm(request.POST, ranges=ranges)
            if form.is_valid():
                with transaction.atomic():
                    AvailabilityRange.objects.filter(coach=user).delete()
                    AvailabilityRange.objects.bulk_create(
                        AvailabilityRange(coach=user, weekday=w, starts=s, ends=e)
                        for w, s, e in form.ranges
                    )
                messages.success(request, _("Availability saved."))
                return redirect("wagtail_coaching:availability")
        elif action == "day_off":
            day_off_form = DayOffForm(request.POST)
            if day_off_form.is_valid():
                DayOff.objects.get_or_create(coach=user, day=day_off_form.cleaned_data["day"])
                messages.success(request, _("Day off added."))
                return redirect("wagtail_coaching:availability")
        elif action == "remove_day_off":
            DayOff.objects.filter(coach=user, pk=request.POST.get("day_off") or 0).delete()
            messages.success(request, _("Day off removed."))
            return redirect("wagtail_coaching:availability")
    return render_page(
        request,
        "wagtail_coaching/booking/availability.html",
        {
            "form": form,
            "day_off_form": day_off_form,
            "days_off": DayOff.objects.filter(coach=user, day__gte=timezone.localdate()),
            "time_zone": user_timezone(user),
        },
    )


def _require_coachee(user, space):
    if space.coachee_id != user.pk:
        raise Http404("Only the coachee books sessions here.")


def _own_session(space, session_id):
    session = space.sessions.filter(pk=session_id, status=SessionStatus.PLANNED).first()
    if session is None:
        raise Http404("No such session.")
    session.space = space
    return session


def _parse_start(value):
    try:
        start = parse_datetime(value or "")
    except ValueError:
        start = None
    if start is None or timezone.is_naive(start):
        return None
    return start.astimezone(datetime.UTC)


BOOKING_SPACES = ClientSpace.objects.select_related("organisation", "programme", "coach")


@gate.space_view(queryset=BOOKING_SPACES, methods=("GET", "HEAD", "POST"))
def book(request, space):
    """Free slots for the coachee, in their time zone; POST ``starts_at`` books one, or
    moves the session ``?move=<id>`` to it."""
    _require_coachee(request.user, space)
    moving = request.GET.get("move") or request.POST.get("move")
    session = _own_session(space, moving) if moving else None
    error = None
    if request.method == "POST":
        starts_at = _parse_start(request.POST.get("starts_at"))
        if starts_at is None:
            error = _("Choose one of the times in the list.")
        else:
            try:
                if session is not None:
                    rules.move(session, starts_at)
                else:
                    rules.book(space, starts_at)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Session moved; both of you got the updated invitation.")
                    if session is not None
                    else _("Session booked; both of you got an invitation."),
                )
                return redirect(reverse("wagtail_coaching:book", args=[space.public_id]))
    zone = user_timezone(request.user)
    upcoming = [
        s
        for s in space.sessions.filter(
            status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
        ).order_by("starts_at")
    ]
    for item in upcoming:
        item.space = space
        item.may_change = rules.may_change(item)
    left = rules.sessions_left(space, exclude=session)
    slots = rules.free_slots(space, exclude=session) if (left or session) else []
    with timezone.override(zone):
        days = {}
        for start in slots:
            days.setdefault(timezone.localtime(start).date(), []).append(start)
        return render_page(
            request,
            "wagtail_coaching/booking/book.html",
            {
                "space": space,
                "section": "book",
                "is_coachee": True,
                "days": sorted(days.items()),
                "upcoming": upcoming,
                "moving": session,
                "sessions_left": left,
                "error": error,
                "time_zone": zone,
                "notice_hours": space.organisation.booking_notice_hours,
                "minutes": rules.session_minutes(space),
            },
            status=400 if error else None,
        )


@gate.space_view(queryset=BOOKING_SPACES, methods=("GET", "HEAD", "POST"))
def booking_cancel(request, space, session_id):
    _require_coachee(request.user, space)
    session = _own_session(space, session_id)
    error = None
    if request.method == "POST":
        try:
            rules.cancel(session)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Session cancelled; both of you were told."))
            return redirect(reverse("wagtail_coaching:book", args=[space.public_id]))
    elif not rules.may_change(session):
        error = rules.late_message(space)
    with timezone.override(user_timezone(request.user)):
        return render_page(
            request,
            "wagtail_coaching/booking/cancel.html",
            {
                "space": space,
                "section": "book",
                "is_coachee": True,
                "session": session,
                "error": error,
            },
            status=400 if error and request.method == "POST" else None,
        )
