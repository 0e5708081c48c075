"""What a participant may do in their space's conversation, and what is unread.

Callers have passed the lock and the contract gate for ``space``. Every change is announced
to the space's open pages (:func:`sessions.live.announce`) as "messages changed" only: the
pages then read the messages themselves, under the lock.
"""

import datetime

from django.db import connection, transaction
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail_coaching.conversations.models import Message, ReadMarker
from wagtail_coaching.sessions import live

EDIT_WINDOW = datetime.timedelta(minutes=10)
PAGE_SIZE = 30
MAX_LENGTH = 5000


def messages_of(space):
    return space.conversation_messages.select_related("author", "attachment")


def _with_space(space, messages):
    for message in messages:
        message.space = space  # its data key is unwrapped once
        if message.attachment is not None:
            message.attachment.space = space
    return messages


def page_before(space, before=None, size=PAGE_SIZE):
    """Up to ``size`` messages older than the message ``before`` (the newest ones without
    it), oldest first, and whether older ones remain."""
    queryset = messages_of(space)
    if before is not None:
        queryset = queryset.filter(pk__lt=before.pk)
    rows = list(queryset.order_by("-pk")[: size + 1])
    more = len(rows) > size
    return _with_space(space, list(reversed(rows[:size]))), more


def changed_since(space, since, limit=200):
    """Messages written, edited or deleted at ``since`` or later, oldest first."""
    rows = messages_of(space).filter(updated_at__gte=since).order_by("pk")[:limit]
    return _with_space(space, list(rows))


def may_edit(user, message, now=None):
    now = now or timezone.now()
    return (
        message.author_id == user.pk
        and not message.is_deleted
        and now - message.created_at <= EDIT_WINDOW
    )


def may_delete(user, message):
    return message.author_id == user.pk and not message.is_deleted


def post(space, user, text, attachment=None):
    """Store a message of ``user`` (text and/or a document of the space) and mark the
    conversation read for its author."""
    with transaction.atomic():
        message = Message(space=space, author=user, attachment=attachment)
        message.body = text
        message.save()
        mark_read(space, user, message.pk)
        live.announce(space.pk, live.MESSAGES_CHANGED)
    return message


def edit(message, text):
    message.body = text
    message.edited_at = timezone.now()
    message.save(update_fields=["body_encrypted", "edited_at", "updated_at"])
    live.announce(message.space_id, live.MESSAGES_CHANGED)


def delete(message):
    """Forget the text and the attachment; the row stays as "Message deleted"."""
    message.body_encrypted = None
    message.attachment = None
    message.deleted_at = timezone.now()
    message.save(update_fields=["body_encrypted", "attachment", "deleted_at", "updated_at"])
    live.announce(message.space_id, live.MESSAGES_CHANGED)


def mark_read(space, user, upto_id):
    """``user`` has seen every message of ``space`` up to ``upto_id``. Never goes back."""
    changed = ReadMarker.objects.filter(space=space, user=user, last_read_id__lt=upto_id).update(
        last_read_id=upto_id, read_at=timezone.now()
    )
    if not changed:
        ReadMarker.objects.get_or_create(space=space, user=user, defaults={"last_read_id": upto_id})


def _last_read(user):
    return Coalesce(
        Subquery(
            ReadMarker.objects.filter(space=OuterRef("space_id"), user=user).values("last_read_id")[
                :1
            ]
        ),
        Value(0),
    )


def unread_counts(user, space_ids):
    """``{space id: number of messages of others that user has not seen}``, for spaces with
    at least one; one query whatever the number of spaces."""
    rows = (
        Message.objects.filter(space_id__in=space_ids, deleted_at=None)
        .exclude(author=user)
        .annotate(last_read=_last_read(user))
        .filter(pk__gt=F("last_read"))
        .values("space_id")
        .annotate(unread=Count("pk"))
    )
    return {row["space_id"]: row["unread"] for row in rows}


def unread_sql():
    """SQL of the unread messages of the space ``{space}`` (the outer query's id column)
    for the user of both parameters: the others' messages, not deleted, after the user's
    read marker."""
    q = connection.ops.quote_name
    messages, markers = q(Message._meta.db_table), q(ReadMarker._meta.db_table)

    def column(model, name):
        return q(model._meta.get_field(name).column)

    return (
        f"(SELECT COUNT(*) FROM {messages} WHERE {messages}.{column(Message, 'space')} = {{space}}"  # noqa: S608
        f" AND {messages}.{column(Message, 'deleted_at')} IS NULL"
        f" AND NOT ({messages}.{column(Message, 'author')} = %s)"
        f" AND {messages}.{q(Message._meta.pk.column)} > COALESCE((SELECT"
        f" {markers}.{column(ReadMarker, 'last_read_id')} FROM {markers}"
        f" WHERE {markers}.{column(ReadMarker, 'space')} = {{space}}"
        f" AND {markers}.{column(ReadMarker, 'user')} = %s), 0))"
    )


def with_unread(queryset, user):
    """Spaces of ``queryset`` annotated with ``unread_messages`` for ``user``: in the same
    query as the list, whatever its length. Written as SQL: building the same subquery with
    the ORM took half of My coaching's list."""
    q, meta = connection.ops.quote_name, queryset.model._meta
    space = f"{q(meta.db_table)}.{q(meta.pk.column)}"
    return queryset.annotate(
        unread_messages=RawSQL(
            unread_sql().replace("{space}", space),
            (user.pk, user.pk),
            output_field=IntegerField(),
        )
    )


def unread_count(space, user):
    return unread_counts(user, [space.pk]).get(space.pk, 0)


def seen_by_others(space, user):
    """The newest message id every other participant has seen (0: none), to say "Seen"
    under ``user``'s own last message."""
    others = ReadMarker.objects.filter(space=space).exclude(user=user)
    return others.aggregate(seen=Max("last_read_id"))["seen"] or 0


def seen_message(space, user):
    """``{"pk", "uid"}`` of ``user``'s last message when another participant has seen it,
    else None: the conversation says "Seen" under it."""
    own = (
        space.conversation_messages.filter(author=user, deleted_at=None)
        .order_by("-pk")
        .values("pk", "uid")
        .first()
    )
    if own is not None and seen_by_others(space, user) >= own["pk"]:
        return own
    return None


def counts(space):
    """How many messages a space holds: a figure, kept after erasure."""
    return space.conversation_messages.filter(Q(deleted_at=None)).count()


def erase(space):
    """Delete the space's messages and read markers (erasure of a closed space)."""
    space.conversation_messages.all().delete()
    space.conversation_reads.all().delete()
