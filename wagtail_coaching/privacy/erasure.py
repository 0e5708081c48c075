"""Erasing the content of closed client spaces once their retention period is over.

Erasure deletes a space's notes, goals (with their history), messages and read markers,
documents (rows and stored files), module answers and actions and the paper board's
operations, and destroys the space's data key in the key store (``spaces.keystore``), so
copies of the content database are unreadable too (copies of the key database are kept no
longer than the erasure delay).
The space itself, its sessions, contract acceptances and access log stay: they hold no
content, and sponsor reports count them.
"""

import datetime

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail_coaching.conf import get_setting
from wagtail_coaching.conversations import rules as conversations
from wagtail_coaching.privacy import background
from wagtail_coaching.sessions import board
from wagtail_coaching.spaces import audit
from wagtail_coaching.spaces.content import content_counts
from wagtail_coaching.spaces.crypto import destroy_space_key
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceStatus


class ErasureRefused(Exception):
    pass


def retention_cutoff(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=get_setting("RETENTION_DAYS"))


def _due(today):
    """True for a closed space whose end date (else start date) is older than the retention
    period, and whose content is not erased yet."""
    # The access log's "Content erased" marks it: the keys may live in another database.
    erased = audit.AccessEvent.objects.filter(
        space=OuterRef("pk"), action=audit.AccessAction.ERASED
    )
    cutoff = retention_cutoff(today)
    ended = Q(end_date__lte=cutoff) | Q(end_date__isnull=True, start_date__lte=cutoff)
    return Q(status=ClientSpaceStatus.CLOSED) & ended & ~Exists(erased)


def spaces_due_for_erasure(today=None):
    """Closed spaces whose retention period is over and whose content is not erased yet."""
    return ClientSpace.objects.filter(_due(today)).annotate(
        ended_on=Coalesce("end_date", "start_date")
    )


def with_erasure_due(queryset, today=None):
    """``queryset`` with ``erasure_due`` on each space (for lists: no query per row)."""
    return queryset.annotate(
        erasure_due=ExpressionWrapper(_due(today), output_field=BooleanField())
    )


def is_due(space, today=None):
    return spaces_due_for_erasure(today).filter(pk=space.pk).exists()


def erase_space(space, actor=None, today=None):
    """Erase ``space``'s content; returns the counts of what was erased.

    Refuses a space that is not closed or whose retention period is not over.
    """
    if not is_due(space, today):
        raise ErasureRefused(
            f"Space {space.public_id} is not closed or its retention period is not over."
        )
    with transaction.atomic():
        counts = content_counts(space)
        counts["messages"] = conversations.counts(space)
        conversations.erase(space)
        space.notes.all().delete()
        space.goals.all().delete()
        # A module's answers and actions are content; its completion (ModuleProgress) and
        # the steps' marks are the counts reports need, and stay.
        space.answers.all().delete()
        space.actions.all().delete()
        board.erase(space)
        for document in space.documents.all():
            document.delete()  # its stored file is deleted after commit
        background.erase(space)
        destroy_space_key(space)
        audit.record(space, actor, audit.AccessAction.ERASED)
    return counts
