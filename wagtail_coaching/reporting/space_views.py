"""The participants' view of a space's final report: exactly what the sponsor sees.

The page shows the figures of :func:`queries.final_report` and the PDF is the same
document the sponsor downloads. Only the space's participants get in (the lock decides);
everyone else gets a 404.
"""

from django.contrib.auth.decorators import login_required
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .. import permissions
from ..views import _render
from . import queries
from .views import final_report_response


@require_safe
@never_cache
@login_required
def space_report(request, public_id):
    space = permissions.get_space_or_404(request.user, public_id)
    report = queries.final_report(space.pk)
    response = _render(
        request,
        "wagtail_coaching/reporting/space_report.html",
        {"space": space, "report": report, "is_coachee": space.coachee_id == request.user.pk},
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@never_cache
@login_required
def space_report_pdf(request, public_id):
    space = permissions.get_space_or_404(request.user, public_id)
    return final_report_response(space.pk)
