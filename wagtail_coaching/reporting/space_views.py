"""The participants' view of a space's final report: exactly what the sponsor sees.

The page shows the figures of :func:`queries.final_report` and the PDF is the same
document the sponsor downloads. Only the space's participants get in (the lock decides),
after accepting the contract like for every space URL; everyone else gets a 404.
"""

from django.utils.cache import patch_cache_control

from wagtail_coaching.conf import get_setting
from wagtail_coaching.reporting import queries
from wagtail_coaching.reporting.views import final_report_response
from wagtail_coaching.spaces import gate
from wagtail_coaching.spaces.rendering import render_page


@gate.space_view
def space_report(request, space):
    report = queries.final_report(space.pk)
    response = render_page(
        request,
        "wagtail_coaching/reporting/space_report.html",
        {
            "space": space,
            "report": report,
            "is_coachee": space.coachee_id == request.user.pk,
            "threshold": get_setting("REPORT_MIN_GROUP_SIZE"),
        },
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@gate.space_view
def space_report_pdf(request, space):
    return final_report_response(space.pk)
