"""Where sponsors' HR lands: a summary per organisation they report on, for the Wagtail
dashboard and the site's "My coaching" page, with links to the full reports.

Counts only, like every report, in three queries whatever the organisation's size. Only
organisations granted to the user (personally or through a group) are summarised: staff who
see every report get no summary of all organisations here.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from wagtail_coaching.programmes.progress import HELD
from wagtail_coaching.reporting import queries
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import lock
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus, Organisation

REPORTS_NAMESPACE = "wagtail_coaching_reports"


@dataclass
class OrganisationSummary:
    organisation: Organisation
    active_spaces: int
    sessions_this_month: int
    minutes_this_quarter: int

    @property
    def hours_this_quarter(self):
        return queries.format_hours(self.minutes_this_quarter)

    @property
    def report_url(self):
        return reverse(
            f"{REPORTS_NAMESPACE}:organisation", kwargs={"organisation_id": self.organisation.pk}
        )


def _month_and_quarter_starts(today):
    month = today.replace(day=1)
    quarter = month.replace(month=3 * ((today.month - 1) // 3) + 1)
    return month, quarter


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def organisation_summaries(user, today=None):
    """A summary per organisation whose reports ``user`` was granted, by name."""
    ids = lock.organisation_ids_reported_to(user)
    if not ids:
        return []
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name"))
    month, quarter = _month_and_quarter_starts(today or timezone.localdate())
    active = dict(
        ClientSpace.objects.filter(organisation__in=organisations, status=ClientSpaceStatus.ACTIVE)
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("organisation_id", "n")
    )
    held = {
        row["space__organisation_id"]: row
        for row in CoachingSession.objects.filter(
            space__organisation__in=organisations,
            status=HELD,
            starts_at__gte=_midnight(quarter),
            starts_at__lt=timezone.now(),
        )
        .values("space__organisation_id")
        .annotate(
            month=Count("pk", filter=Q(starts_at__gte=_midnight(month))),
            minutes=Sum("confirmed_minutes"),
        )
        .order_by()
    }
    return [
        OrganisationSummary(
            organisation=organisation,
            active_spaces=active.get(organisation.pk, 0),
            sessions_this_month=held.get(organisation.pk, {}).get("month") or 0,
            minutes_this_quarter=held.get(organisation.pk, {}).get("minutes") or 0,
        )
        for organisation in organisations
    ]


class ReportsPanel(Component):
    """The Wagtail dashboard's panel for sponsors' HR: one card per organisation."""

    name = "coaching_reports"
    template_name = "wagtail_coaching/reporting/dashboard_panel.html"
    order = 40

    def __init__(self, summaries):
        self.summaries = summaries

    def get_context_data(self, parent_context):
        return {"summaries": self.summaries}


def construct_homepage_panels(request, panels):
    summaries = organisation_summaries(request.user)
    if summaries:
        panels.append(ReportsPanel(summaries))
