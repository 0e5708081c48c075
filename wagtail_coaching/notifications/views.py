"""The "what's new" page: a person's own notifications, newest first, marked seen once shown.

Not a space page (it spans the person's spaces and shows none of their content): each entry
links to a page of its space, which the space's gate opens to its participants only.
"""

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from wagtail_coaching.notifications import inbox
from wagtail_coaching.spaces.preferences import user_timezone
from wagtail_coaching.spaces.rendering import render_page


@require_safe
@never_cache
@login_required
def notifications(request):
    entries = inbox.recent(request.user)
    unseen = sum(1 for entry in entries if entry.seen_at is None)
    # Shown now, so seen: the count in the header goes down on the next page.
    inbox.mark_seen(request.user)
    with timezone.override(user_timezone(request.user)):
        return render_page(
            request,
            "wagtail_coaching/notifications.html",
            {
                "entries": [(entry, inbox.link(entry)) for entry in entries],
                "unseen": unseen,
            },
        )
