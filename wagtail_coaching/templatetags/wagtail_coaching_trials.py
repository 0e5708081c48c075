"""``{% coaching_my_trials %}``: the trials a coach leads, listed on "My coaching"."""

from datetime import timedelta

from django import template
from django.utils import timezone

from wagtail_coaching.trials.models import TrialRequest, TrialStatus

register = template.Library()


@register.inclusion_tag("wagtail_coaching/trials/my_trials.html", takes_context=True)
def coaching_my_trials(context):
    """Scheduled trials, and those done in the last two weeks (to record their outcome)."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"trials": []}
    trials = TrialRequest.objects.filter(
        coach=user,
        status__in=(TrialStatus.SCHEDULED, TrialStatus.DONE),
        starts_at__gte=timezone.now() - timedelta(days=14),
    ).order_by("starts_at")
    return {"trials": list(trials)}
