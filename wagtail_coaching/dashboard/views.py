"""The pages that gather every domain for a participant: My coaching and a space's front door.

Thin: who may see what is decided by the lock (``spaces.lock``) and the gate
(``spaces.gate``)."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail_coaching.reporting import home
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import gate, lock
from wagtail_coaching.spaces.models import ClientSpace
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
        # Sponsors' HR have no space: their organisations' reports are what they come for.
        {"spaces": spaces, "report_summaries": home.organisation_summaries(request.user)},
    )


@gate.space_view(queryset=lambda: _with_next_session(ClientSpace.objects.all()))
def space_detail(request, space):
    """A client space's front door; 404 for anyone who may not enter it, the contract first
    for a participant who has not accepted it."""
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
