"""The pages that gather every domain for a participant: My coaching and a space's front door.

Thin: who may see what is decided by the lock (``spaces.lock``) and the gate
(``spaces.gate``)."""

import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import CharField, F, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.dashboard.agenda import coach_agenda
from wagtail_coaching.reporting import home
from wagtail_coaching.sessions.models import CoachingSession, SessionStatus
from wagtail_coaching.spaces import audit, consent, gate, lock, rows
from wagtail_coaching.spaces.models import (
    ClientSpace,
    ClientSpaceStatus,
    display_name,
    display_name_fields,
)
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page

# The order of My coaching's list: the newest engagement first.
LIST_ORDER = ("-start_date", "pk")


def _next_session_sql():
    """SQL: when the next planned session of the space ``{space}`` (the outer query's id
    column) starts, from the time of the second parameter on (NULL: none)."""
    q = connection.ops.quote_name
    sessions = q(CoachingSession._meta.db_table)

    def column(name):
        return f"{sessions}.{q(CoachingSession._meta.get_field(name).column)}"

    return (
        f"(SELECT MIN({column('starts_at')}) FROM {sessions}"  # noqa: S608
        f" WHERE {column('space')} = {{space}} AND {column('status')} = %s"
        f" AND {column('starts_at')} >= %s)"
    )


def _column_of(model, name):
    """SQL: the column ``name`` of the row of ``model`` whose primary key is the outer
    query's ``{fk}``."""
    q = connection.ops.quote_name
    field = model._meta.get_field(name)
    owner = field.model._meta  # a page's title is on Wagtail's base page table
    return (
        f"(SELECT {q(owner.db_table)}.{q(field.column)} FROM {q(owner.db_table)}"  # noqa: S608
        f" WHERE {q(owner.db_table)}.{q(owner.pk.column)} = {{fk}})"
    )


# What a card reads of its space and of the participants (the SQL's columns, in order).
CARD_FIELDS = ("pk", "public_id", "status", "start_date", "coach", "coachee", "programme")


def _related_sql(name, column):
    """SQL: the ``column`` of the row the space's foreign key ``name`` points to, as a
    subquery of a statement on the space table (the planner has fewer tables to order than
    with a join)."""
    q, meta = connection.ops.quote_name, ClientSpace._meta
    fk = f"{q(meta.db_table)}.{q(meta.get_field(name).column)}"
    return _column_of(meta.get_field(name).related_model, column).replace("{fk}", fk)


def _listing_sql(among):
    """SQL of the spaces whose ids ``among`` (SQL, of ``{space}``) names, in the list's
    order, with what their cards show: the next session (parameters: the planned status and
    the time from which), the programme's title and the organisation's name (subqueries,
    not joins: the planner has fewer tables to order), the unread messages of the reader
    (parameters: the reader twice), the participants' names."""
    q, meta = connection.ops.quote_name, ClientSpace._meta
    User = get_user_model()
    space = f"{q(meta.db_table)}.{q(meta.pk.column)}"

    def column(name):
        return f"{q(meta.db_table)}.{q(rows.field(ClientSpace, name).column)}"

    names = [q(User._meta.get_field(name).column) for name in display_name_fields()]
    users, user_pk = q(User._meta.db_table), q(User._meta.pk.column)
    return (
        f"SELECT {', '.join(column(name) for name in CARD_FIELDS)},"  # noqa: S608
        f" {_next_session_sql().replace('{space}', space)},"
        f" {_related_sql('programme', 'title')},"
        f" {_related_sql('organisation', 'name')},"
        f" {conversations.unread_sql().replace('{space}', space)},"
        f" {', '.join(f'coach.{name}' for name in names)},"
        f" {', '.join(f'coachee.{name}' for name in names)}"
        f" FROM {q(meta.db_table)}"
        f" JOIN {users} coach ON coach.{user_pk} = {column('coach')}"
        f" JOIN {users} coachee ON coachee.{user_pk} = {column('coachee')}"
        f" WHERE {among.replace('{space}', space)}"
        f" ORDER BY {column('start_date')} DESC, {space}"
    )


def _listing_statement(space_ids, user):
    """``(sql, params)`` of :func:`_listed`."""
    among, ids_params = lock.among_sql("{space}", space_ids)
    params = (
        SessionStatus.PLANNED,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        user.pk,
        user.pk,
        *ids_params,
    )
    return _listing_sql(among), params


def _listed(space_ids, user):
    """The spaces ``space_ids`` (the lock's, one page of them) in the list's order, with
    what their cards show (see :func:`_listing_sql`; ``next_session_at``,
    ``programme_title``, ``organisation_name``, ``unread_messages``) and only that. One
    statement, written once as SQL: the ORM took longer to build it than the database to
    run it, and to make model instances of every column than the cards needed."""
    with connection.cursor() as cursor:
        cursor.execute(*_listing_statement(space_ids, user))
        found = cursor.fetchall()
    spaces_of = rows.reader(ClientSpace, CARD_FIELDS)
    people_of = rows.reader(get_user_model(), ["pk", *display_name_fields()])
    starts_at = CoachingSession._meta.get_field("starts_at")
    count, names = len(CARD_FIELDS), len(display_name_fields())
    spaces = []
    for row in found:
        space = spaces_of.make(row)
        next_at, title, organisation_name, unread = row[count : count + 4]
        people = row[count + 4 :]
        space.next_session_at = rows.python_value(starts_at, next_at)
        space.programme_title = title
        space.organisation_name = organisation_name
        space.unread_messages = unread
        space.coach = people_of.make([space.coach_id, *people[:names]])
        space.coachee = people_of.make([space.coachee_id, *people[names:]])
        spaces.append(space)
    return spaces


_URL_SAMPLE = uuid.UUID(int=0)


def _cards(spaces, user):
    """The spaces of one page of My coaching with what their cards show worked out once a
    page, not once a card in the template: the link (one URL reversed, the ids put in), the
    title, who is in the space (escaped), the status's label, the next session's time (the
    format and the labels looked up once a page)."""
    spaces = list(spaces)
    sample = reverse("wagtail_coaching:space", kwargs={"public_id": _URL_SAMPLE})
    head, _sample, tail = sample.partition(str(_URL_SAMPLE))
    coaching = gettext("Coaching")
    closed = gettext("This space is closed: no more sessions.")
    unplanned = gettext("No session planned yet.")
    lines = {
        "coach": gettext("You coach %(coachee)s."),
        "coachee": gettext("Your coach is %(coach)s."),
        None: gettext("%(coachee)s with %(coach)s."),
    }
    statuses = {value: str(label) for value, label in ClientSpaceStatus.choices}
    when_format = formats.get_format("DATETIME_FORMAT")
    for space in spaces:
        space.card_url = f"{head}{space.public_id}{tail}"
        space.card_title = space.programme_title if space.programme_id else coaching
        if space.coach_id == user.pk:
            line = lines["coach"]
        elif space.coachee_id == user.pk:
            line = lines["coachee"]
        else:
            line = lines[None]
        # As ``{% blocktranslate %}`` does: the names escaped, the catalogue's text not.
        space.card_people = mark_safe(  # noqa: S308
            line
            % {
                "coachee": conditional_escape(display_name(space.coachee)),
                "coach": conditional_escape(display_name(space.coach)),
            }
        )
        space.card_status = statuses.get(space.status, space.status)
        if space.next_session_at:
            # As the ``date`` filter shows it: in the current time zone.
            when = timezone.localtime(space.next_session_at)
            space.card_next_iso = when.isoformat()
            space.card_next_text = dateformat.format(when, when_format)
        else:
            space.card_no_next = closed if space.status == ClientSpaceStatus.CLOSED else unplanned
    return spaces


SPACES_PER_PAGE = 25
# Search and filter are offered from this many spaces on (a coachee has one or two).
SEARCH_FROM = 6


def my_spaces(request):
    """The context of My coaching's list: the spaces ``request.user`` may enter, filtered
    by ``?q=`` (a participant's name) and ``?status=``, 25 a page (``?page=``).

    Two queries whatever the number of spaces, three when searching: the lock's ids, the
    ids found among them (searching), the page's spaces.
    """
    query = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    if status not in ClientSpaceStatus.values:
        status = ""
    # The lock's ids first (an index scan), in the list's order, then the spaces by primary
    # key. In one statement the joins of the listing outnumber PostgreSQL's
    # join_collapse_limit, and the planner scanned every space (150 ms at 200,000 spaces).
    space_ids = list(
        lock.spaces_for_user(request.user).order_by(*LIST_ORDER).values_list("pk", flat=True)
    )
    if query or status:
        spaces = ClientSpace.objects.filter(lock.Among(F("pk"), space_ids))
        if status:
            spaces = spaces.filter(status=status)
        for word in query.split():
            spaces = spaces.filter(
                Q(coachee__first_name__icontains=word)
                | Q(coachee__last_name__icontains=word)
                | Q(coachee__username__icontains=word)
                | Q(coach__first_name__icontains=word)
                | Q(coach__last_name__icontains=word)
                | Q(coach__username__icontains=word)
            )
        # The ids found, as many as the lock's at most: counted and paged here.
        found = list(spaces.order_by(*LIST_ORDER).values_list("pk", flat=True))
        page = Paginator(found, SPACES_PER_PAGE).get_page(request.GET.get("page"))
    else:
        # Every space the lock opens is listed, in the ids' order: the page is a slice of
        # them.
        page = Paginator(space_ids, SPACES_PER_PAGE).get_page(request.GET.get("page"))
    # Only the page's spaces are read with what their cards show.
    listed = _listed(list(page.object_list), request.user)
    return {
        "spaces": _cards(listed, request.user),
        "spaces_page": page,
        "spaces_query": query,
        "spaces_status": status,
        "spaces_statuses": ClientSpaceStatus.choices,
        "spaces_filtered": bool(query or status),
        "spaces_searchable": bool(query or status) or len(space_ids) >= SEARCH_FROM,
        "space_ids": space_ids,
    }


@require_safe
@never_cache
@login_required
def my_coaching(request):
    """The spaces the logged-in user may enter, and nothing else."""
    context = my_spaces(request)
    # Sponsors' HR have no space: their organisations' reports are what they come for.
    context["report_summaries"] = home.organisation_summaries(request.user)
    context.update(_agenda_context(request, context["space_ids"]))
    return render_page(request, "wagtail_coaching/my_coaching.html", context)


def _agenda_context(request, space_ids):
    """The next-session card's spaces and, for a coach, the agenda (a constant number of
    queries whatever the number of spaces), in the reader's time zone."""
    zone = user_timezone(request.user)
    with timezone.override(zone):
        agenda = coach_agenda(request.user, space_ids)
    return {"agenda": agenda, "time_zone": zone}


def _space_page(user):
    """The space as its front door reads it, in the gate's one query: the participants
    joined, the programme's title and the organisation's name as subqueries (not the two
    tables of a Wagtail page), ``user``'s unread messages, and whether the access card shows
    anything."""
    # Subqueries rather than joins: planning the gate's statement (PostgreSQL plans it on
    # every request) cost more than running it, and more with each joined table.
    queryset = ClientSpace.objects.select_related("coach", "coachee").annotate(
        programme_title=RawSQL(_related_sql("programme", "title"), (), CharField()),
        organisation_name=RawSQL(_related_sql("organisation", "name"), (), CharField()),
    )
    return consent.with_access_card(conversations.with_unread(queryset, user))


@gate.space_view(queryset=_space_page)
def space_detail(request, space):
    """A client space's front door; 404 for anyone who may not enter it, the contract first
    for a participant who has not accepted it. Opening it is the visit that My coaching
    counts new activity from."""
    audit.record_visit(request.user, space)
    # The sessions are read once, for the list and for the next one.
    sessions = list(space.sessions.order_by("starts_at"))
    now = timezone.now()
    space.next_session_at = next(
        (s.starts_at for s in sessions if s.status == SessionStatus.PLANNED and s.starts_at >= now),
        None,
    )
    return render_page(
        request,
        [
            f"wagtail_coaching/space_detail_{space.status}.html",
            "wagtail_coaching/space_detail.html",
        ],
        {
            "space": space,
            "sessions": sessions,
            "is_coach": space.coach_id == request.user.pk,
            "is_coachee": space.coachee_id == request.user.pk,
            "access": consent.front_door(space),
            "unread_messages": space.unread_messages,
        },
    )
