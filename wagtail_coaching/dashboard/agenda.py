"""The coach's agenda on My coaching: the day and the week across every space they coach.

Four lists, read in two queries whatever the number of spaces:

* the planned sessions of today and of the six days after (in the coach's time zone);
* the sessions over whose minutes the coach has not confirmed yet;
* the open spaces (not closed) with no planned session to come;
* the spaces where the coachee did something since the coach last opened the space's front
  door (``audit.SpaceVisit``): answers submitted, goals changed, documents added.

Counts, times, names and links only: no content is read, so none can reach the page.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, DateTimeField, Exists, F, OuterRef, Q, Subquery, Value
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
        .order_by("pk")
        .values_list(*_row_fields())
    )


# What the agenda reads of each coached space: the figures it decides on, and what its lists
# show. Plain rows, not model instances: a coach of 200 spaces sees a few of them listed.
_SPACE_FIELDS = (
    "pk",
    "public_id",
    "status",
    "start_date",
    "has_next",
    "new_answers",
    "new_goal_changes",
    "new_documents",
    "coachee_id",
    "coachee__first_name",
    "coachee__last_name",
)


def _row_fields():
    return (*_SPACE_FIELDS, f"coachee__{get_user_model().USERNAME_FIELD}")


class _Spaces(dict):
    """Coached spaces by id, as rows; a row becomes a ``ClientSpace`` (with its coachee's
    name) only when a list shows it."""

    def __init__(self, rows, coach):
        super().__init__((row[0], dict(zip(_row_fields(), row, strict=True))) for row in rows)
        self.coach = coach
        self.made = {}

    def space(self, pk):
        if pk not in self.made:
            row = self[pk]
            coachee = get_user_model()(pk=row["coachee_id"])
            coachee.first_name = row["coachee__first_name"]
            coachee.last_name = row["coachee__last_name"]
            setattr(coachee, coachee.USERNAME_FIELD, row[f"coachee__{coachee.USERNAME_FIELD}"])
            space = ClientSpace(
                pk=pk,
                public_id=row["public_id"],
                status=row["status"],
                start_date=row["start_date"],
                coach=self.coach,
                coachee=coachee,
            )
            for name in ("has_next", "new_answers", "new_goal_changes", "new_documents"):
                setattr(space, name, row[name])
            self.made[pk] = space
        return self.made[pk]


def coach_agenda(user, space_ids, now=None):
    """The agenda of ``user`` over the spaces ``space_ids`` (the lock's ids, or the lock's
    query of them: a subquery keeps the statements the same size however many spaces) they
    coach, or None when they coach none of them."""
    now = now or timezone.now()
    spaces = _Spaces(_coached_spaces(user, space_ids, now), user)
    if not spaces:
        return None
    agenda = Agenda()
    for pk, row in spaces.items():
        if row["status"] != ClientSpaceStatus.CLOSED and not row["has_next"]:
            agenda.without_next.append(spaces.space(pk))
        if row["new_answers"] or row["new_goal_changes"] or row["new_documents"]:
            agenda.activity.append(spaces.space(pk))

    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    day_start = timezone.make_aware(datetime.combine(today, time.min), zone)
    week_end = day_start + timedelta(days=WEEK_DAYS)
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    # Both session lists in one query: the planned sessions of the week, and those over,
    # neither cancelled nor missed, whose minutes are not confirmed (as
    # ``needs_confirmation``, at ``now``).
    week = Q(status=SessionStatus.PLANNED, starts_at__gte=day_start, starts_at__lt=week_end)
    unconfirmed = Q(
        status__in=(SessionStatus.PLANNED, SessionStatus.DONE),
        confirmed_minutes__isnull=True,
        starts_at__lt=now,
    )
    coached = ClientSpace.objects.filter(pk__in=space_ids, coach_id=user.pk).values("pk")
    sessions = CoachingSession.objects.filter(week | unconfirmed, space_id__in=coached)
    for session in sessions.order_by("starts_at", "pk"):
        session.space = spaces.space(session.space_id)
        if session.status == SessionStatus.PLANNED and day_start <= session.starts_at < week_end:
            row = upcoming.card(session, now)
            (agenda.today if session.starts_at < tomorrow else agenda.this_week).append(row)
        if (
            session.status in (SessionStatus.PLANNED, SessionStatus.DONE)
            and session.confirmed_minutes is None
            and session.starts_at < now
            and session.ends_at <= now
        ):
            agenda.to_confirm.append(session)
    agenda.without_next.sort(key=lambda space: space.start_date)
    return agenda
