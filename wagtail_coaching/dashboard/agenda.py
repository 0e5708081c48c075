"""The coach's agenda on My coaching: the day and the week across every space they coach.

Four lists, read in three queries whatever the number of spaces:

* the planned sessions of today and of the six days after (in the coach's time zone);
* the sessions over whose minutes the coach has not confirmed yet;
* the open spaces (not closed) with no planned session to come;
* the spaces where the coachee did something since the coach last opened the space's front
  door (``audit.SpaceVisit``): answers submitted, goals changed, documents added.

Counts, times, names and links only: no content is read, so none can reach the page.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail_coaching.programmes.progress import Answer
from wagtail_coaching.sessions import upcoming
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces.audit import SpaceVisit
from wagtail_coaching.spaces.content import GoalChange, SpaceDocument
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus

WEEK_DAYS = 7


@dataclass
class Agenda:
    today: list = field(default_factory=list)
    this_week: list = field(default_factory=list)
    to_confirm: list = field(default_factory=list)
    without_next: list = field(default_factory=list)
    activity: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (
            self.today or self.this_week or self.to_confirm or self.without_next or self.activity
        )


def _count_since(queryset, space_path, when, by_field, user):
    """A subquery: how many rows of ``queryset`` belong to the outer space, were written
    after its ``last_visit`` annotation, by someone other than ``user``."""
    rows = (
        queryset.filter(**{space_path: OuterRef("pk"), f"{when}__gt": OuterRef("last_visit")})
        .exclude(**{by_field: user.pk})
        .order_by()
        .values(space_path)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1]), Value(0))


def _coached_spaces(user, space_ids, now):
    visits = SpaceVisit.objects.filter(space=OuterRef("pk"), user_id=user.pk).values("seen_at")
    to_come = CoachingSession.objects.filter(
        space=OuterRef("pk"), status=SessionStatus.PLANNED, starts_at__gt=now
    )
    return (
        ClientSpace.objects.filter(pk__in=space_ids, coach_id=user.pk)
        .annotate(
            last_visit=Coalesce(
                Subquery(visits[:1]), F("created_at"), output_field=DateTimeField()
            ),
            has_next=Exists(to_come),
        )
        .annotate(
            new_answers=_count_since(
                Answer.objects.all(), "space", "updated_at", "updated_by", user
            ),
            new_goal_changes=_count_since(
                GoalChange.objects.all(), "goal__space", "changed_at", "changed_by", user
            ),
            new_documents=_count_since(
                SpaceDocument.objects.all(), "space", "uploaded_at", "uploaded_by", user
            ),
        )
        .select_related("coachee", "programme")
        .order_by("pk")
    )


def coach_agenda(user, space_ids, now=None):
    """The agenda of ``user`` over the spaces ``space_ids`` (the lock's ids) they coach, or
    None when they coach none of them."""
    now = now or timezone.now()
    spaces = {space.pk: space for space in _coached_spaces(user, space_ids, now)}
    if not spaces:
        return None
    agenda = Agenda()
    for space in spaces.values():
        if space.status != ClientSpaceStatus.CLOSED and not space.has_next:
            agenda.without_next.append(space)
        if space.new_answers or space.new_goal_changes or space.new_documents:
            agenda.activity.append(space)

    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    day_start = timezone.make_aware(datetime.combine(today, time.min), zone)
    week_end = day_start + timedelta(days=WEEK_DAYS)
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    week = CoachingSession.objects.filter(
        space_id__in=spaces, status=SessionStatus.PLANNED, starts_at__gte=day_start
    ).filter(starts_at__lt=week_end)
    for session in week.order_by("starts_at", "pk"):
        session.space = spaces[session.space_id]
        row = upcoming.card(session, now)
        (agenda.today if session.starts_at < tomorrow else agenda.this_week).append(row)

    # Over, neither cancelled nor missed, minutes not confirmed (as ``needs_confirmation``,
    # at ``now``).
    past = CoachingSession.objects.filter(
        space_id__in=spaces,
        status__in=(SessionStatus.PLANNED, SessionStatus.DONE),
        confirmed_minutes__isnull=True,
        starts_at__lt=now,
    )
    for session in past.order_by("starts_at", "pk"):
        session.space = spaces[session.space_id]
        if session.ends_at <= now:
            agenda.to_confirm.append(session)
    agenda.without_next.sort(key=lambda space: space.start_date)
    return agenda
