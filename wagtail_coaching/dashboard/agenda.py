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
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from wagtail_coaching.programmes.progress import Answer
from wagtail_coaching.sessions import upcoming
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.audit import SpaceVisit
from wagtail_coaching.spaces.content import Goal, GoalChange, SpaceDocument
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


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _since(model, space, when, by, *, through=None):
    """SQL: how many rows of ``model`` belong to the row ``v`` of the outer query, were
    written after its ``last_visit``, by someone other than the coach (the first parameter).
    ``through`` (a model and its foreign key to the space) when the rows reach the space
    through another table."""
    rows = _table(model)
    if through is None:
        join, owner = "", f"{rows}.{_column(model, space)}"
    else:
        parent, parent_space = through
        parents = _table(parent)
        join = (
            f" JOIN {parents} ON {parents}.{connection.ops.quote_name(parent._meta.pk.column)}"
            f" = {rows}.{_column(model, space)}"
        )
        owner = f"{parents}.{_column(parent, parent_space)}"
    author = f"{rows}.{_column(model, by)}"
    return (
        f"(SELECT COUNT(*) FROM {rows}{join} WHERE {owner} = v.pk"  # noqa: S608
        f" AND {rows}.{_column(model, when)} > v.last_visit"
        f" AND ({author} IS NULL OR {author} <> %s))"
    )


def _coached_spaces_sql(lock_sql):
    """One statement, its SQL written once a process: the coached spaces among the lock's
    (``lock_sql``, a subquery of ids), each with when the coach last opened it, whether a
    planned session is to come, and the coachee's new answers, goal changes and documents
    since. Plain SQL with bound parameters, the same on PostgreSQL and SQLite: building it
    with the ORM's annotations took longer than running it."""
    space, user, session = ClientSpace, get_user_model(), CoachingSession
    spaces, users, sessions, visits = (
        _table(space),
        _table(user),
        _table(session),
        _table(SpaceVisit),
    )
    q = connection.ops.quote_name
    coachee = f"{spaces}.{_column(space, 'coachee')}"
    inner = (
        f"SELECT {spaces}.{q(space._meta.pk.column)} AS pk,"  # noqa: S608
        f" {spaces}.{_column(space, 'public_id')} AS public_id,"
        f" {spaces}.{_column(space, 'status')} AS status,"
        f" {spaces}.{_column(space, 'start_date')} AS start_date,"
        f" {coachee} AS coachee_id,"
        f" {users}.{_column(user, 'first_name')} AS first_name,"
        f" {users}.{_column(user, 'last_name')} AS last_name,"
        f" {users}.{_column(user, user.USERNAME_FIELD)} AS username,"
        f" COALESCE((SELECT {visits}.{_column(SpaceVisit, 'seen_at')} FROM {visits}"
        f" WHERE {visits}.{_column(SpaceVisit, 'space')} = {spaces}.{q(space._meta.pk.column)}"
        f" AND {visits}.{_column(SpaceVisit, 'user')} = %s),"
        f" {spaces}.{_column(space, 'created_at')}) AS last_visit"
        f" FROM {spaces} JOIN {users} ON {users}.{q(user._meta.pk.column)} = {coachee}"
        f" WHERE {spaces}.{_column(space, 'coach')} = %s"
        f" AND {lock_sql.replace('{space}', f'{spaces}.{q(space._meta.pk.column)}')}"
    )
    has_next = (
        f"EXISTS (SELECT 1 FROM {sessions}"  # noqa: S608
        f" WHERE {sessions}.{_column(session, 'space')} = v.pk"
        f" AND {sessions}.{_column(session, 'status')} = %s"
        f" AND {sessions}.{_column(session, 'starts_at')} > %s)"
    )
    return (
        "SELECT v.pk, v.public_id, v.status, v.start_date,"  # noqa: S608
        f" {has_next} AS has_next,"
        f" {_since(Answer, 'space', 'updated_at', 'updated_by')} AS new_answers,"
        f" {_since(GoalChange, 'goal', 'changed_at', 'changed_by', through=(Goal, 'space'))}"
        " AS new_goal_changes,"
        f" {_since(SpaceDocument, 'space', 'uploaded_at', 'uploaded_by')} AS new_documents,"
        " v.coachee_id, v.first_name, v.last_name, v.username"
        f" FROM ({inner}) v ORDER BY v.pk"
    )


_SQL = {}


def _coached_spaces(user, space_ids, now):
    """The rows of :func:`_coached_spaces_sql`, as the database gives them (see
    :class:`_Spaces` for their columns)."""
    if isinstance(space_ids, QuerySet):
        lock_sql, lock_params = space_ids.values("pk").query.sql_with_params()
        lock_sql = f"{{space}} IN ({lock_sql})"
    else:
        lock_sql, lock_params = lock.among_sql("{space}", space_ids)
    key = (connection.vendor, lock_sql)
    if key not in _SQL:
        if len(_SQL) > 100:
            _SQL.clear()
        _SQL[key] = _coached_spaces_sql(lock_sql)
    params = [
        SessionStatus.PLANNED,
        connection.ops.adapt_datetimefield_value(now),
        user.pk,  # new answers,
        user.pk,  # goal changes
        user.pk,  # and documents by someone else
        user.pk,  # the coach's last visit
        user.pk,  # the coach
        *lock_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_SQL[key], params)
        return cursor.fetchall()


class _Spaces(dict):
    """Coached spaces by id, as the statement's rows (plain tuples: a coach of 200 spaces
    sees a few of them listed); a row becomes a ``ClientSpace`` (with its coachee's name)
    only when a list shows it, and only then are its values converted."""

    # The columns of a row, in the order of :func:`_coached_spaces_sql`.
    (
        PK,
        PUBLIC_ID,
        STATUS,
        START_DATE,
        HAS_NEXT,
        NEW_ANSWERS,
        NEW_GOAL_CHANGES,
        NEW_DOCUMENTS,
        COACHEE_ID,
        FIRST_NAME,
        LAST_NAME,
        USERNAME,
    ) = range(12)
    COUNTS = {
        "new_answers": NEW_ANSWERS,
        "new_goal_changes": NEW_GOAL_CHANGES,
        "new_documents": NEW_DOCUMENTS,
    }

    def __init__(self, rows, coach):
        super().__init__((row[self.PK], row) for row in rows)
        self.coach = coach
        self.made = {}

    def space(self, pk):
        if pk not in self.made:
            row = self[pk]
            user = get_user_model()
            coachee = user(pk=row[self.COACHEE_ID])
            coachee.first_name = row[self.FIRST_NAME]
            coachee.last_name = row[self.LAST_NAME]
            setattr(coachee, user.USERNAME_FIELD, row[self.USERNAME])
            fields = ClientSpace._meta
            space = ClientSpace(
                pk=pk,
                public_id=fields.get_field("public_id").to_python(row[self.PUBLIC_ID]),
                status=row[self.STATUS],
                start_date=fields.get_field("start_date").to_python(row[self.START_DATE]),
                coach=self.coach,
                coachee=coachee,
            )
            space.has_next = bool(row[self.HAS_NEXT])
            for name, column in self.COUNTS.items():
                setattr(space, name, row[column])
            self.made[pk] = space
        return self.made[pk]


def _sessions(space_ids, day_start, week_end, now):
    """Both session lists of the agenda in one query, in start order: the planned sessions
    of the week, and those over, neither cancelled nor missed, whose minutes are not
    confirmed (as ``needs_confirmation``, at ``now``), of the spaces ``space_ids`` (the
    first query's rows, bound as one parameter). Written as SQL: the ORM took longer to
    build it than the database to run it."""
    table = _table(CoachingSession)
    columns = ", ".join(
        f"{table}.{connection.ops.quote_name(field.column)}"
        for field in CoachingSession._meta.concrete_fields
    )
    among, ids_params = lock.among_sql(f"{table}.{_column(CoachingSession, 'space')}", space_ids)
    status, starts_at = _column(CoachingSession, "status"), _column(CoachingSession, "starts_at")
    confirmed = _column(CoachingSession, "confirmed_minutes")
    pk = connection.ops.quote_name(CoachingSession._meta.pk.column)
    sql = (
        f"SELECT {columns} FROM {table} WHERE {among}"  # noqa: S608
        f" AND (({status} = %s AND {starts_at} >= %s AND {starts_at} < %s)"
        f" OR ({status} IN (%s, %s) AND {confirmed} IS NULL AND {starts_at} < %s))"
        f" ORDER BY {starts_at}, {table}.{pk}"
    )
    when = connection.ops.adapt_datetimefield_value
    params = [
        *ids_params,
        SessionStatus.PLANNED,
        when(day_start),
        when(week_end),
        SessionStatus.PLANNED,
        SessionStatus.DONE,
        when(now),
    ]
    return CoachingSession.objects.raw(sql, params)


def coach_agenda(user, space_ids, now=None):
    """The agenda of ``user`` over the spaces ``space_ids`` (the lock's ids, bound as one
    parameter so the statements keep one size however many spaces, or the lock's query of
    them) they coach, or None when they coach none of them."""
    now = now or timezone.now()
    spaces = _Spaces(_coached_spaces(user, space_ids, now), user)
    if not spaces:
        return None
    agenda = Agenda()
    closed = ClientSpaceStatus.CLOSED
    for pk, row in spaces.items():
        if not row[_Spaces.HAS_NEXT] and row[_Spaces.STATUS] != closed:
            agenda.without_next.append(spaces.space(pk))
        if row[_Spaces.NEW_ANSWERS] or row[_Spaces.NEW_GOAL_CHANGES] or row[_Spaces.NEW_DOCUMENTS]:
            agenda.activity.append(spaces.space(pk))

    zone = timezone.get_current_timezone()
    today = timezone.localtime(now, zone).date()
    day_start = timezone.make_aware(datetime.combine(today, time.min), zone)
    week_end = day_start + timedelta(days=WEEK_DAYS)
    tomorrow = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min), zone)
    for session in _sessions(spaces, day_start, week_end, now):
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
