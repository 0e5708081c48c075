"""The pages that gather every domain for a participant: My coaching and a space's front door.

Thin: who may see what is decided by the lock (``spaces.lock``) and the gate
(``spaces.gate``)."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail_coaching.dashboard.agenda import coach_agenda
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import audit, gate, lock
from wagtail_coaching.spaces.models import ClientSpace
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page


def _with_next_session(queryset):
    upcoming = CoachingSession.objects.filter(
        space=OuterRef("pk"), status=SessionStatus.PLANNED, starts_at__gte=timezone.now()
    ).order_by("starts_at")
    return queryset.annotate(
        next_session_at=Subquery(upcoming.values("starts_at")[:1]),
    ).select_related("coach", "coachee", "organisation", "programme")


@require_safe
@never_cache
@login_required
def my_coaching(request):
    """The spaces the logged-in user may enter, and nothing else."""
    # Two short queries rather than one: the lock's ids first (an index-only scan), then the
    # spaces by primary key. In one statement the joins of the listing outnumber PostgreSQL's
    # join_collapse_limit, and the planner scanned every space (150 ms at 200,000 spaces).
    space_ids = list(lock.spaces_for_user(request.user).values_list("pk", flat=True))
    spaces = _with_next_session(ClientSpace.objects.filter(pk__in=space_ids)).order_by(
        "-start_date", "pk"
    )
    return render_page(
        request,
        "wagtail_coaching/my_coaching.html",
        {"spaces": spaces, **_agenda_context(request, space_ids)},
    )


def _agenda_context(request, space_ids):
    """The next-session card's spaces and, for a coach, the agenda (a constant number of
    queries whatever the number of spaces), in the reader's time zone."""
    zone = user_timezone(request.user)
    with timezone.override(zone):
        agenda = coach_agenda(request.user, space_ids)
    return {"space_ids": space_ids, "agenda": agenda, "time_zone": zone}


@gate.space_view(
    queryset=ClientSpace.objects.select_related("coach", "coachee", "organisation", "programme")
)
def space_detail(request, space):
    """A client space's front door; 404 for anyone who may not enter it, the contract first
    for a participant who has not accepted it. Opening it is the visit that My coaching
    counts new activity from."""
    audit.record_visit(request.user, space)
    return render_page(
        request,
        [
            f"wagtail_coaching/space_detail_{space.status}.html",
            "wagtail_coaching/space_detail.html",
        ],
        {
            "space": space,
            "is_coach": space.coach_id == request.user.pk,
            "is_coachee": space.coachee_id == request.user.pk,
        },
    )
