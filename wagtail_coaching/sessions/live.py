"""Announcements to the open pages of a client space, over the channel layer.

A space's sockets (see ``consumers``) join one channel-layer group. What goes through the
layer is only *that* something changed: the board's new version, "the documents changed",
"close the sockets of this user". Never a stroke, a text or a file name: each socket reads
the change from the database under the lock, so no content passes through Redis (or any
other shared layer) and nothing is lost when a message is.

Announcements are sent after the transaction that made the change commits, so a socket
that hears one always finds the change in the database. Without a configured channel
layer (``CHANNEL_LAYERS``), announcing does nothing and the pages poll.
"""

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wagtail_coaching.spaces.content import SpaceDocument
from wagtail_coaching.spaces.models import ClientSpace, ClientSpaceUserObjectPermission

logger = logging.getLogger(__name__)

BOARD_VERSION = "board.version"
DOCUMENTS_CHANGED = "documents.changed"
MESSAGES_CHANGED = "messages.changed"  # announced by the conversations domain
ACCESS_CHANGED = "access.changed"


def group_name(space_id):
    """The channel-layer group of the space with primary key ``space_id``."""
    return f"wagtail_coaching.space.{int(space_id)}"


def _send(space_id, message):
    layer = get_channel_layer()
    if layer is None:
        return
    group = group_name(space_id)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        running = False
    else:
        running = True
    try:
        if running:
            # Called from code that runs inside an event loop's thread: no blocking call.
            asyncio.ensure_future(layer.group_send(group, message))
        else:
            async_to_sync(layer.group_send)(group, message)
    except Exception:  # a layer down must not undo a stored change; the pages poll
        logger.warning("Could not announce %s to space %s", message["type"], space_id)


def announce(space_id, kind, **fields):
    """Tell the space's open sockets that ``kind`` happened, once the transaction commits.

    ``fields`` must be numbers or ids, never content.
    """
    message = {"type": kind, **fields}
    transaction.on_commit(lambda: _send(space_id, message))


# --- What the space's sockets are told -----------------------------------------------------


@receiver(post_save, sender=SpaceDocument)
@receiver(post_delete, sender=SpaceDocument)
def documents_changed(sender, instance, **kwargs):
    announce(instance.space_id, DOCUMENTS_CHANGED)


@receiver(post_delete, sender=ClientSpaceUserObjectPermission)
def entry_revoked(sender, instance, **kwargs):
    # Each socket of the space asks the lock again at once (see consumers): the revoked
    # participant's are closed, the others go on.
    announce(instance.content_object_id, ACCESS_CHANGED)


@receiver(post_save, sender=ClientSpace)
def space_saved(sender, instance, created, **kwargs):
    if not created:
        announce(instance.pk, ACCESS_CHANGED)
