"""What comes next for a participant: their next session and when its video room opens.

The next session is the first planned one whose room has not closed yet (so a session under
way is still "next" until its window closes). Only times, statuses and the participants'
names are read; never content. Whether someone may really join is still decided by
``jitsi`` when the room page and its token are asked for.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from wagtail_coaching.conf import get_setting
from wagtail_coaching.sessions import jitsi
from wagtail_coaching.sessions.models import LONGEST_SESSION, CoachingSession, SessionStatus
from wagtail_coaching.spaces import rows
from wagtail_coaching.spaces.lock import among_sql
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, display_name_fields

# Enough planned sessions to step over the ones whose room already closed.
CANDIDATES = 20


def _is_to_come(session, now):
    """The rule: planned, and its room has not closed yet."""
    return session.status == SessionStatus.PLANNED and jitsi.join_window(session)[1] >= now


def _chosen_sql(space_ids):
    """SQL and the ids' parameters: the first CANDIDATES planned sessions of the open spaces
    among ``space_ids``, from a time on (parameters after the ids: the closed status, the
    planned status, the time). Written as SQL: the ORM took longer to build it than the
    database to run it."""
    q = connection.ops.quote_name
    spaces, sessions = q(ClientSpace._meta.db_table), q(CoachingSession._meta.db_table)

    def column(model, name):
        return q(model._meta.get_field(name).column)

    space_pk = f"{spaces}.{q(ClientSpace._meta.pk.column)}"
    among, ids_params = among_sql(space_pk, space_ids)
    return (
        f"SELECT {sessions}.{q(CoachingSession._meta.pk.column)} FROM {sessions}"  # noqa: S608
        f" WHERE {sessions}.{column(CoachingSession, 'space')} IN"
        f" (SELECT {space_pk} FROM {spaces} WHERE {among}"
        f" AND {spaces}.{column(ClientSpace, 'status')} <> %s)"
        f" AND {sessions}.{column(CoachingSession, 'status')} = %s"
        f" AND {sessions}.{column(CoachingSession, 'starts_at')} >= %s"
        f" ORDER BY {sessions}.{column(CoachingSession, 'starts_at')},"
        f" {sessions}.{q(CoachingSession._meta.pk.column)} LIMIT {CANDIDATES}"
    ), ids_params


def _next_sql(space_ids):
    """SQL and the ids' parameters: the candidates of :func:`_chosen_sql` with what the
    card shows (the session's times, its space, the participants' names, the programme's
    title), in start order."""
    q = connection.ops.quote_name
    spaces, sessions = q(ClientSpace._meta.db_table), q(CoachingSession._meta.db_table)
    User = get_user_model()
    users = q(User._meta.db_table)
    # The programme's title is on the site's base page table.
    title = ClientSpace._meta.get_field("programme").related_model._meta.get_field("title")
    pages, page_pk = q(title.model._meta.db_table), q(title.model._meta.pk.column)

    def column(model, name):
        return q(model._meta.get_field(name).column)

    names = [User._meta.get_field(name).column for name in display_name_fields()]
    session_pk, space_pk = q(CoachingSession._meta.pk.column), q(ClientSpace._meta.pk.column)
    chosen, ids_params = _chosen_sql(space_ids)
    session_columns = ", ".join(f"s.{column(CoachingSession, name)}" for name in SESSION_FIELDS)
    space_columns = ", ".join(f"c.{column(ClientSpace, name)}" for name in SPACE_FIELDS)
    people = ", ".join(f"{who}.{q(name)}" for who in ("coach", "coachee") for name in names)
    pk = q(User._meta.pk.column)
    return (
        f"SELECT {session_columns}, {space_columns}, {people},"  # noqa: S608
        f" (SELECT p.{q(title.column)} FROM {pages} p WHERE p.{page_pk}"
        f" = c.{column(ClientSpace, 'programme')}) FROM {sessions} s"
        f" JOIN {spaces} c ON c.{space_pk} = s.{column(CoachingSession, 'space')}"
        f" JOIN {users} coach ON coach.{pk} = c.{column(ClientSpace, 'coach')}"
        f" JOIN {users} coachee ON coachee.{pk} = c.{column(ClientSpace, 'coachee')}"
        f" WHERE s.{session_pk} IN ({chosen})"
        f" ORDER BY s.{column(CoachingSession, 'starts_at')}, s.{session_pk}"
    ), ids_params


# What the card reads of a session and of its space (attribute names, in the SQL's order).
SESSION_FIELDS = ("id", "space", "starts_at", "duration_minutes", "status")
SPACE_FIELDS = ("id", "public_id", "status", "coach", "coachee", "programme")


def _from_row(row):
    """The session of one row of :func:`_next_sql`, with its space and participants (model
    instances holding only those fields; the others load on access)."""
    User = get_user_model()
    names = display_name_fields()
    values = list(row)
    sessions, spaces = len(SESSION_FIELDS), len(SESSION_FIELDS) + len(SPACE_FIELDS)
    people = values[spaces:-1]
    session = rows.instance(CoachingSession, SESSION_FIELDS, values[:sessions])
    space = rows.instance(ClientSpace, SPACE_FIELDS, values[sessions:spaces])
    space.coach = rows.instance(User, ["pk", *names], [space.coach_id, *people[: len(names)]])
    space.coachee = rows.instance(User, ["pk", *names], [space.coachee_id, *people[len(names) :]])
    session.space = space
    session.programme_title = values[-1]
    return session


def next_session(space_ids, now=None):
    """The next session of the spaces ``space_ids`` (ids the lock gave), or None. One query.

    Only what the card shows is read: the session's times and status, its space's id,
    status and participants' names, and its programme's title as ``programme_title`` (None
    without a programme), not the programme page.

    The candidates are chosen first, then only they are joined with the names (joined
    first, every planned session of a coach of 200 spaces was, before the sort kept 20);
    and the open spaces are found by primary key, then their sessions. Written as SQL: the
    ORM took longer to build it than the database to run it."""
    now = now or timezone.now()
    earliest = now - LONGEST_SESSION - timedelta(minutes=get_setting("JITSI_JOIN_WINDOW_AFTER"))
    sql, ids_params = _next_sql(space_ids)
    params = (
        *ids_params,
        ClientSpaceStatus.CLOSED,
        SessionStatus.PLANNED,
        connection.ops.adapt_datetimefield_value(earliest),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    for row in found:
        session = _from_row(row)
        if _is_to_come(session, now):
            return session
    return None


def next_of_space(space, sessions, now=None):
    """The next session of ``space`` among ``sessions`` (all of its sessions, already read),
    by the same rule as :func:`next_session`, without a query; None for a closed space."""
    if space.status == ClientSpaceStatus.CLOSED:
        return None
    now = now or timezone.now()
    to_come = [session for session in sessions if _is_to_come(session, now)]
    session = min(to_come, key=lambda s: (s.starts_at, s.pk), default=None)
    if session is not None:
        session.space = space
    return session


def session_urls(session):
    kwargs = {"public_id": session.space.public_id, "session_id": session.pk}
    return {
        "room": reverse("wagtail_coaching:session_room", kwargs=kwargs),
        "calendar": reverse("wagtail_coaching:session_ics", kwargs=kwargs),
    }


def card(session, now=None):
    """What the next-session card shows of ``session``: its times, its join window (as
    epoch milliseconds too, for the page's script), whether the room is open, its links."""
    now = now or timezone.now()
    opens, closes = jitsi.join_window(session)
    return {
        "session": session,
        "space": session.space,
        "opens_at": opens,
        "closes_at": closes,
        "is_open": jitsi.is_room_open(session, now),
        "opens_ms": int(opens.timestamp() * 1000),
        "closes_ms": int(closes.timestamp() * 1000),
        "now_ms": int(now.timestamp() * 1000),
        "urls": session_urls(session),
    }
