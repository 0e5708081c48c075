"""The lock: the one module that decides who may enter a client space.

Every view, admin screen and command asks these functions; none re-implements them.

Rules a caller may rely on:

* A space is entered only by users who hold the ``enter_clientspace`` object permission on
  it *personally* (a row in ``ClientSpaceUserObjectPermission``). Superusers, global
  (model-wide) permissions and group object permissions never open a space.
* Inactive and anonymous users enter nothing.
* The coach and the coachee of a space hold that permission as long as they are its coach
  and coachee: ``ClientSpace.save`` sends ``participants_saved``, which
  :func:`sync_participant_grants` receives in the same transaction, and deleting a space
  deletes its rows (foreign key cascade).
* Extra participants (a substitute coach, a supervisor) are granted and revoked here too.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Lookup, Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from wagtail_coaching.spaces import audit
from wagtail_coaching.spaces.models import (
    ClientSpace,
    ClientSpaceUserObjectPermission,
    Organisation,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
    participants_saved,
)

APP_LABEL = "wagtail_coaching"
ENTER_SPACE = "enter_clientspace"
VIEW_REPORTS = "view_organisation_reports"


def _is_real_user(user):
    return bool(user is not None and user.is_authenticated and user.is_active)


# The primary keys of the app's object permissions, resolved once per process: every request
# asks the lock, and finding a permission by name joins ``auth_permission`` and
# ``django_content_type`` each time. The rows are created by ``migrate`` and never change
# afterwards; a flush or migrate (tests) sends ``post_migrate``, which forgets the ids.
_permission_ids = {}


def _permission_id(codename):
    if codename not in _permission_ids:
        _permission_ids[codename] = (
            Permission.objects.filter(codename=codename, content_type__app_label=APP_LABEL)
            .values_list("pk", flat=True)
            .get()
        )
    return _permission_ids[codename]


def enter_permission_id():
    """The primary key of the ``enter_clientspace`` permission (one query per process)."""
    return _permission_id(ENTER_SPACE)


def reports_permission_id():
    """The primary key of the ``view_organisation_reports`` permission (one query per
    process)."""
    return _permission_id(VIEW_REPORTS)


@receiver(post_migrate)
def clear_cache(**kwargs):
    """Forget the cached permission ids (after ``migrate`` or a test's flush)."""
    _permission_ids.clear()


def _entry_rows():
    return ClientSpaceUserObjectPermission.objects.filter(permission_id=enter_permission_id())


# The lock's two hot statements are written in SQL: they run on every space request, and
# building and compiling them with the ORM cost several times their execution. Identifiers
# come from the models' metadata, values are parameters.
def _grants_table():
    return connection.ops.quote_name(ClientSpaceUserObjectPermission._meta.db_table)


def _spaces_of_sql():
    return (
        f"SELECT content_object_id FROM {_grants_table()}"  # noqa: S608
        " WHERE user_id = %s AND permission_id = %s"
    )


def _grant_exists(user_id, space_id):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {_grants_table()}"  # noqa: S608
            " WHERE user_id = %s AND permission_id = %s AND content_object_id = %s LIMIT 1",
            [user_id, enter_permission_id(), space_id],
        )
        return cursor.fetchone() is not None


# --- Who may enter -------------------------------------------------------------------------


def among_sql(column, ids):
    """SQL and parameters: ``column`` (SQL) is one of ``ids``, with one bound parameter. An
    ``IN`` list of 200 ids cost more to build than to run, and its SQL changed with every
    count. An array on PostgreSQL (``= ANY``, an index scan), a JSON list on SQLite."""
    ids = [int(pk) for pk in ids]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    if connection.vendor == "sqlite":
        return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]
    if not ids:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


class Among(Lookup):
    """``filter(Among(F("space_id"), ids))``: the field is one of ``ids`` (the lock's ids,
    already read), as :func:`among_sql` writes it."""

    lookup_name = "coaching_among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        sql, params = among_sql(lhs, self.rhs)
        return sql, [*lhs_params, *params]


def spaces_for_user(user, queryset=None):
    """The client spaces ``user`` may enter, as one query that walks the grant index.

    ``queryset`` (default: all spaces) is narrowed, so callers keep their annotations.

    The filter is a semi-join on ``(user_id, permission_id, content_object_id)``, the unique
    index of the direct permission table, so its cost follows the user's own grants and not
    the number of spaces. Guardian's ``get_objects_for_user`` is not used: it adds group
    and superuser branches that the lock forbids and that scan the whole table on PostgreSQL.
    """
    queryset = ClientSpace.objects.all() if queryset is None else queryset
    if not _is_real_user(user):
        return queryset.none()
    grants = RawSQL(_spaces_of_sql(), [user.pk, enter_permission_id()])
    return queryset.filter(pk__in=grants)


def may_enter(user, space):
    """True if ``user`` may enter ``space`` (a ClientSpace or its primary key).

    A space that :func:`get_space_or_404` returned for ``user`` in this request is answered
    without asking the database again: one lock query per request.
    """
    if not _is_real_user(user) or space is None:
        return False
    if isinstance(space, ClientSpace):
        if getattr(space, OPENED_FOR, None) == user.pk:
            return True
        space = space.pk
    return _grant_exists(user.pk, space)


# Set by get_space_or_404 on the instance it returns: the user the lock opened it for.
OPENED_FOR = "_lock_opened_for"


def get_space_or_404(user, public_id, queryset=None):
    """The space with ``public_id`` if ``user`` may enter it; otherwise ``Http404``.

    A space that does not exist and a space the user may not enter look the same, so ids
    cannot be probed. The instance remembers that the lock opened it for ``user``, so
    :func:`may_enter` asks nothing more about it.
    """
    try:
        space = spaces_for_user(user, queryset).get(public_id=public_id)
    except (ClientSpace.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such client space.") from exc
    setattr(space, OPENED_FOR, user.pk)
    return space


def people_with_access(space):
    """Users holding a personal entry grant on ``space``, coach and coachee included."""
    User = get_user_model()
    return User.objects.filter(
        pk__in=_entry_rows().filter(content_object_id=space.pk).values("user_id")
    ).order_by("last_name", "first_name", User.USERNAME_FIELD)


# --- Granting and revoking -----------------------------------------------------------------


def grant_entry(user, space, actor=None, proposed_by=None):
    """Let ``user`` enter ``space``. Idempotent; a change is recorded in the access log,
    naming ``actor`` (who decided it) and ``proposed_by`` (who proposed it) when given.

    Staff never call this for extra people: they propose (``consent.propose``) and the
    coachee's acceptance calls it."""

    if not _entry_rows().filter(user_id=user.pk, content_object_id=space.pk).exists():
        assign_perm(f"{APP_LABEL}.{ENTER_SPACE}", user, space)
        audit.record(
            space,
            actor,
            audit.AccessAction.ACCESS_GRANTED,
            subject_user=user,
            proposed_by=proposed_by,
        )


def revoke_entry(user, space, actor=None, proposed_by=None):
    """Close ``space`` to ``user``. Idempotent; a change is recorded in the access log,
    naming ``actor`` when given."""

    if _entry_rows().filter(user_id=user.pk, content_object_id=space.pk).exists():
        remove_perm(f"{APP_LABEL}.{ENTER_SPACE}", user, space)
        audit.record(
            space,
            actor,
            audit.AccessAction.ACCESS_REVOKED,
            subject_user=user,
            proposed_by=proposed_by,
        )


@receiver(participants_saved, sender=ClientSpace)
def sync_participant_grants(sender, space, previous=None, **kwargs):
    """Make the grants of ``space`` follow its coach and coachee.

    ``previous`` holds the ``coach_id`` and ``coachee_id`` saved before this change (or None
    for a new space). A replaced coach or coachee loses entry, unless they are still the
    other participant. Call it inside the transaction that saves the space.
    """
    User = get_user_model()
    current = {space.coach_id, space.coachee_id}
    with transaction.atomic():
        if previous:
            for user_id in {previous["coach_id"], previous["coachee_id"]} - current:
                revoke_entry(User(pk=user_id), space)
        for user_id in current:
            grant_entry(User(pk=user_id), space)


def extra_participants(space):
    """People with access who are neither the coach nor the coachee."""
    return people_with_access(space).exclude(pk__in=[space.coach_id, space.coachee_id])


def set_extra_participants(space, users, actor=None):
    """Grant exactly ``users`` (besides coach and coachee) entry to ``space``."""
    wanted = {user.pk for user in users} - {space.coach_id, space.coachee_id}
    User = get_user_model()
    with transaction.atomic():
        present = set(extra_participants(space).values_list("pk", flat=True))
        for user_id in present - wanted:
            revoke_entry(User(pk=user_id), space, actor=actor)
        for user_id in wanted - present:
            grant_entry(User(pk=user_id), space, actor=actor)


# --- People --------------------------------------------------------------------------------


# --- Coaches -------------------------------------------------------------------------------


# --- Sponsor reports -----------------------------------------------------------------------


def grant_report_access(user_or_group, organisation):
    """Let a user or a group (the sponsor's HR) see reports of ``organisation``."""
    assign_perm(f"{APP_LABEL}.{VIEW_REPORTS}", user_or_group, organisation)


def revoke_report_access(user_or_group, organisation):
    remove_perm(f"{APP_LABEL}.{VIEW_REPORTS}", user_or_group, organisation)


def report_readers(organisation):
    """``(users, groups)``: who was granted the reports of ``organisation``, as querysets."""
    rows = {
        "permission__codename": VIEW_REPORTS,
        "permission__content_type__app_label": APP_LABEL,
        "content_object": organisation,
    }
    users = get_user_model().objects.filter(
        pk__in=OrganisationUserObjectPermission.objects.filter(**rows).values("user_id")
    )
    groups = Group.objects.filter(
        pk__in=OrganisationGroupObjectPermission.objects.filter(**rows).values("group_id")
    )
    return users, groups


@transaction.atomic
def set_report_readers(organisation, users, groups):
    """Grant the reports of ``organisation`` to exactly these users and groups."""
    old_users, old_groups = report_readers(organisation)
    for old, new in ((set(old_users), set(users)), (set(old_groups), set(groups))):
        for user_or_group in old - new:
            revoke_report_access(user_or_group, organisation)
        for user_or_group in new - old:
            grant_report_access(user_or_group, organisation)


def organisations_reported_to(user):
    """Organisations whose reports ``user`` may see through a personal or group grant.

    As for spaces, a superuser is not shown every organisation by this function; staff
    access to reports is decided by the reporting views.
    """
    if not _is_real_user(user):
        return Organisation.objects.none()
    permission_id = reports_permission_id()
    user_rows = OrganisationUserObjectPermission.objects.filter(
        user_id=user.pk, permission_id=permission_id
    ).values("content_object_id")
    group_rows = OrganisationGroupObjectPermission.objects.filter(
        group__user=user.pk, permission_id=permission_id
    ).values("content_object_id")
    return Organisation.objects.filter(Q(pk__in=user_rows) | Q(pk__in=group_rows))


def organisation_ids_reported_to(user):
    """The ids of :func:`organisations_reported_to`, in one SQL statement: My coaching asks
    it of everyone, and most people (coaches, coachees) hold no grant; building the
    queryset's two subqueries cost more than running them."""
    if not _is_real_user(user):
        return []
    q = connection.ops.quote_name
    users = q(OrganisationUserObjectPermission._meta.db_table)
    groups = q(OrganisationGroupObjectPermission._meta.db_table)
    membership = get_user_model()._meta.get_field("groups")
    through = membership.remote_field.through._meta
    members = q(through.db_table)
    member = q(through.get_field(membership.m2m_field_name()).column)
    group = q(through.get_field(membership.m2m_reverse_field_name()).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT content_object_id FROM {users}"  # noqa: S608
            " WHERE user_id = %s AND permission_id = %s"
            f" UNION SELECT g.content_object_id FROM {groups} g"
            f" JOIN {members} m ON m.{group} = g.group_id"
            f" WHERE m.{member} = %s AND g.permission_id = %s",
            [user.pk, reports_permission_id(), user.pk, reports_permission_id()],
        )
        return [row[0] for row in cursor.fetchall()]


def may_view_reports(user, organisation):
    return organisations_reported_to(user).filter(pk=organisation.pk).exists()
