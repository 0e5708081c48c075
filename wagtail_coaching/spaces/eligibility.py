"""Who may hold which role in a client space: the lists the admin's choosers offer and the
rules its form checks. The sponsors' HR never enters a space, and neither do staff as
coachees; coaches come from the coaches group (:mod:`.roles`). Plain queries: granting entry
is the lock's (:mod:`.lock`)."""

from django.db.models import Q

from wagtail_coaching.spaces import lock, roles
from wagtail_coaching.spaces.models import (
    ClientSpace,
    OrganisationGroupObjectPermission,
    OrganisationUserObjectPermission,
)


def _report_grants():
    return {
        "permission__codename": lock.VIEW_REPORTS,
        "permission__content_type__app_label": lock.APP_LABEL,
    }


def report_viewers():
    """Active users who see some organisation's reports (the sponsors' HR), personally or
    through a group."""
    user_rows = OrganisationUserObjectPermission.objects.filter(**_report_grants())
    group_rows = OrganisationGroupObjectPermission.objects.filter(**_report_grants())
    return roles.real_users().filter(
        Q(pk__in=user_rows.values("user_id")) | Q(groups__in=group_rows.values("group_id"))
    )


def is_report_viewer(user):
    return report_viewers().filter(pk=user.pk).exists()


def reports_on_another_organisation(user, organisation):
    """True if ``user`` sees the reports of an organisation other than ``organisation``."""
    return (
        lock.organisations_reported_to(user).exclude(pk=getattr(organisation, "pk", None)).exists()
    )


def is_staff_user(user):
    return bool(user.is_staff or user.is_superuser)


def coach_candidates():
    """Who may be chosen as a space's coach: active members of the coaches group."""
    return roles.coaches()


def coachee_candidates():
    """Who may be chosen as a coachee: active users who are neither staff nor sponsors' HR.

    The form also accepts HR of the space's own organisation; the chooser leaves every HR
    user out, as it does not know the organisation yet.
    """
    return (
        roles.real_users()
        .filter(is_staff=False, is_superuser=False)
        .exclude(pk__in=report_viewers().values("pk"))
    )


def extra_participant_candidates():
    """Who may be given access besides the coach and the coachee: coaches who are not HR."""
    return roles.coaches().exclude(pk__in=report_viewers().values("pk"))


def report_reader_candidates():
    """Who may be chosen to see an organisation's reports: active users who are neither
    coaches nor coachees (the report names every coachee of the organisation and their
    figures; a coach or a coachee has no business reading those of others)."""
    return (
        roles.real_users()
        .exclude(pk__in=roles.coaches().values("pk"))
        .exclude(pk__in=ClientSpace.objects.values("coachee_id"))
    )
