"""Who may see which organisation's reports.

* A user holding ``wagtail_coaching.view_organisation_reports`` on an organisation (per user
  or through a group, see :func:`wagtail_coaching.spaces.lock.organisations_reported_to`)
  sees that organisation's reports: the sponsor's HR.
* "Staff" for reports means exactly: active superusers, and active users holding the global
  permission ``wagtail_coaching.view_all_reports`` (directly or through a group). They see
  every organisation's reports. Reports hold counts and dates only, never space content, so
  this shortcut opens no space.
* Nobody else sees any report; an organisation outside a user's set is a 404.
"""

from django.http import Http404

from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.models import Organisation

VIEW_ALL_REPORTS = "wagtail_coaching.view_all_reports"


def sees_all_reports(user):
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(VIEW_ALL_REPORTS))
    )


def reportable_organisations(user):
    """Organisations whose reports ``user`` may see (a queryset, ordered by name)."""
    if sees_all_reports(user):
        return Organisation.objects.all()
    return lock.organisations_reported_to(user).order_by("name")


def may_see_any_report(user):
    """Whether ``user`` sees any report; asked by several menus of one admin page, so the
    answer is kept on the user object (one request's)."""
    answer = getattr(user, "_coaching_sees_reports", None)
    if answer is None:
        answer = reportable_organisations(user).exists()
        user._coaching_sees_reports = answer
    return answer


def get_organisation_or_404(user, organisation_id):
    """The organisation ``organisation_id`` if ``user`` may see its reports, else 404."""
    try:
        return reportable_organisations(user).get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such organisation.") from exc
