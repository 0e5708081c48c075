"""The live socket of a client space: one WebSocket per open room (or space page).

It carries the paper board, the documents panel's "something changed" and the room's
presence. What is stored stays stored: a board operation sent here goes through
:func:`board.apply` (the encrypted operation log), exactly like the HTTP endpoint, and the
socket only tells the space's other sockets the new version; each of them then reads what
its page has not seen yet (:func:`board.changes_since`) and sends it.

The door is the gate's (:func:`gate.admit`): a logged-in participant who has accepted the
contract that applies now, in a space that is not closed. Anyone else is refused during the
handshake, before a single frame. While the socket is open the same question is asked again
when the space's access changes and every ``LIVE_RECHECK_SECONDS``, so a revoked participant,
a closed space or a login that ended (logged out, idle) loses its sockets within that time.
Origins are checked against ``ALLOWED_HOSTS`` by the router (:mod:`routing`).

Frames are JSON objects with a ``type``. From the page:

* ``{"type": "board.sync", "since": N}``: send me the board's changes after version N;
* ``{"type": "board.op", "op": {...}, "ref": "..."}``: store one operation; answered with
  ``board.ack`` (``ref``, ``version``, ``id``) or ``error`` (``ref``, ``error``);
* ``{"type": "presence", "session": id, "event": "joined", "client": "..."}`` (or
  ``"heartbeat"``, ``"left"``);
* ``{"type": "ping"}``: answered with ``pong``.

To the page: ``board.changes`` (the same body as the HTTP board state), ``board.ack``,
``documents.changed``, ``messages.changed`` (the conversation changed), ``pong`` and
``error``. Invalid frames get an ``error`` frame; a page
that sends too much, or too big, is disconnected (close codes 4429 and 4413).
"""

import asyncio
import json
import logging
import re
import time
from importlib import import_module

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.core.checks import Error, Tags, register
from django.http import Http404
from django.utils.translation import gettext as _

from wagtail_coaching.conf import DEFAULTS, get_setting
from wagtail_coaching.sessions import board, jitsi, live, presence
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.spaces import gate, idle
from wagtail_coaching.spaces.models import ClientSpaceStatus

logger = logging.getLogger(__name__)

CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,40}$")
REF_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")

# Close codes (4000-4999 are the application's own).
CLOSE_REFUSED = 4403
CLOSE_TOO_BIG = 4413
CLOSE_FLOOD = 4429


@register(Tags.compatibility)
def check_live_settings(app_configs, **kwargs):
    """The live socket's settings are numbers in a range that keeps its promises."""
    errors = []
    if not isinstance(get_setting("LIVE"), bool):
        errors.append(
            Error(
                "WAGTAIL_COACHING_LIVE must be True or False.",
                hint="False makes pages poll instead of opening a live socket.",
                id="wagtail_coaching.E060",
            )
        )
    for name, low, high in (
        ("LIVE_RECHECK_SECONDS", 0.1, 60),
        ("LIVE_MESSAGES_PER_SECOND", 1, 1000),
        ("LIVE_MESSAGES_BURST", 1, 10_000),
        ("LIVE_MAX_MESSAGE_BYTES", 1024, 16 * 1024 * 1024),
    ):
        value = get_setting(name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not low <= value <= high
        ):
            errors.append(
                Error(
                    f"WAGTAIL_COACHING_{name} must be a number between {low} and {high}, "
                    f"got {value!r}.",
                    hint=f"Remove the setting to use the default of {DEFAULTS[name]}.",
                    id="wagtail_coaching.E060",
                )
            )
    return errors


def admitted_space(user, public_id):
    """The space ``user`` may work in live now, or None. The gate's rule, plus an open space."""
    try:
        space, accepted = gate.admit(user, public_id)
    except Http404:
        return None
    if not accepted or space.status == ClientSpaceStatus.CLOSED:
        return None
    return space


def login_still_valid(session_key, *, active=False):
    """False when the login session ``session_key`` ended (logged out, or idle too long).

    Read afresh from the session store, never from the copy loaded at the handshake. With
    ``active``, the person's act also moves the idle clock (:mod:`spaces.idle`): opening the
    room, or being in a call while its room is open. An open socket by itself does not.
    """
    if not session_key:
        return False
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    if store.get(AUTH_SESSION_KEY) is None or idle.is_idle(store):
        return False
    if active and idle.touch(store):
        store.save()
    return True


class TokenBucket:
    """At most ``rate`` messages a second on average, ``burst`` at once."""

    def __init__(self, rate, burst, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate, burst, clock
        self.tokens, self.updated = float(burst), clock()

    def take(self):
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class SpaceConsumer(AsyncWebsocketConsumer):
    """One page's socket into one client space (see the module's docstring)."""

    space = None
    group = None

    async def connect(self):
        self.user = self.scope.get("user")
        public_id = self.scope["url_route"]["kwargs"]["public_id"]
        self.session_key = getattr(self.scope.get("session"), "session_key", None)
        # Opening the room is the person's act: it counts as activity.
        self.space = await database_sync_to_async(self._admitted)(public_id, True)
        if self.space is None:
            # Refused in the handshake: the page gets no frame at all.
            await self.close(code=CLOSE_REFUSED)
            return
        self.public_id = public_id
        self.sent_version = None  # the board version this page has been sent
        self.presence = {}  # (session id, client id) -> session, while "joined"
        self.bucket = TokenBucket(
            get_setting("LIVE_MESSAGES_PER_SECOND"), get_setting("LIVE_MESSAGES_BURST")
        )
        self.group = live.group_name(self.space.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        self.watch = asyncio.ensure_future(self._watch_access())

    async def disconnect(self, code):
        if self.group is None:
            return
        watch = getattr(self, "watch", None)
        if watch is not None:
            watch.cancel()
        await self.channel_layer.group_discard(self.group, self.channel_name)
        # A dropped socket ends the presence it carried, as a "left" would.
        for (_session_id, client_id), session in list(self.presence.items()):
            await database_sync_to_async(presence.record)(session, self.user, client_id, "left")
        self.presence = {}
        self.group = None

    # --- The door, again -------------------------------------------------------------------

    def _admitted(self, public_id, active=False):
        if not login_still_valid(self.session_key, active=active):
            return None
        return admitted_space(self.user, public_id)

    async def _still_admitted(self):
        space = await database_sync_to_async(self._admitted)(self.public_id)
        if space is None:
            await self.close(code=CLOSE_REFUSED)
            return False
        return True

    async def _watch_access(self):
        period = get_setting("LIVE_RECHECK_SECONDS")
        try:
            while True:
                await asyncio.sleep(period)
                if not await self._still_admitted():
                    return
        except asyncio.CancelledError:
            pass
        except Exception:
            # The lock could not be asked (database down...): fail closed.
            logger.exception("Live socket of space %s: access check failed", self.public_id)
            await self.close(code=CLOSE_REFUSED)

    async def access_changed(self, message):
        await self._still_admitted()

    # --- Frames from the page --------------------------------------------------------------

    async def send_json(self, body):
        await self.send(text_data=json.dumps(body, ensure_ascii=False, separators=(",", ":")))

    async def error(self, message, ref=None):
        body = {"type": "error", "error": message}
        if ref is not None:
            body["ref"] = ref
        await self.send_json(body)

    async def receive(self, text_data=None, bytes_data=None):
        if self.group is None:
            return
        if not self.bucket.take():
            logger.warning("Live socket of space %s closed: too many messages", self.public_id)
            await self.close(code=CLOSE_FLOOD)
            return
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > get_setting("LIVE_MAX_MESSAGE_BYTES"):
            await self.close(code=CLOSE_TOO_BIG)
            return
        if text_data is None:
            await self.error(_("Send JSON text frames."))
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self.error(_("The message is not JSON."))
            return
        handler = {
            "board.sync": self.on_board_sync,
            "board.op": self.on_board_op,
            "presence": self.on_presence,
            "ping": self.on_ping,
        }.get(message.get("type") if isinstance(message, dict) else None)
        if handler is None:
            await self.error(_("Unknown message type."))
            return
        try:
            await handler(message)
        except Exception:
            # Named by its type only: a message may carry content, the log never does.
            logger.exception("Live socket of space %s: %s failed", self.public_id, message["type"])
            await self.error(_("The server could not do this just now. Try again."))

    async def on_ping(self, message):
        await self.send_json({"type": "pong"})

    async def on_board_sync(self, message):
        since = message.get("since")
        if isinstance(since, bool) or not isinstance(since, int) or since < 0:
            await self.error(_("since must be a whole number."))
            return
        await self._send_changes(since)

    async def on_board_op(self, message):
        ref = message.get("ref")
        if not isinstance(ref, str) or not REF_RE.match(ref):
            ref = None
        try:
            op = await database_sync_to_async(board.apply)(self.space, self.user, message.get("op"))
        except board.InvalidOperation as exc:
            await self.error(str(exc), ref=ref)
            return
        await self.send_json(
            {"type": "board.ack", "ref": ref, "version": op.version, "id": op.item_id}
        )

    async def on_presence(self, message):
        event, client_id = message.get("event"), message.get("client")
        session_id = message.get("session")
        if (
            event not in presence.EVENTS
            or not isinstance(client_id, str)
            or not CLIENT_ID_RE.match(client_id)
            or isinstance(session_id, bool)
            or not isinstance(session_id, int)
        ):
            await self.error(_("Send event=joined, heartbeat or left, and the page's client id."))
            return
        session = await database_sync_to_async(self._open_session)(session_id)
        if session is None:
            await self.error(_("The room is closed."))
            return
        await database_sync_to_async(presence.record)(session, self.user, client_id, event)
        # Being in a call while its room is open is activity, as for the HTTP heartbeat.
        await database_sync_to_async(login_still_valid)(self.session_key, active=True)
        key = (session.pk, client_id)
        if event == "left":
            self.presence.pop(key, None)
        else:
            self.presence[key] = session

    def _open_session(self, session_id):
        session = CoachingSession.objects.filter(space=self.space, pk=session_id).first()
        if session is None or not jitsi.is_room_open(session):
            return None
        session.space = self.space
        return session

    # --- Announcements from the space's group ---------------------------------------------

    async def _send_changes(self, since):
        while True:
            change = await database_sync_to_async(board.changes_since)(self.space, since)
            await self.send_json({"type": "board.changes", **change})
            self.sent_version = since = change["version"]
            if not change["more"]:
                return

    async def board_version(self, message):
        if self.sent_version is None or message["version"] <= self.sent_version:
            return  # the page has not synced yet, or has this version already
        await self._send_changes(self.sent_version)

    async def documents_changed(self, message):
        await self.send_json({"type": "documents.changed"})

    async def messages_changed(self, message):
        # The conversation's page then reads what changed over HTTP, under the lock.
        await self.send_json({"type": "messages.changed"})
