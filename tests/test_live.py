"""The live socket of a client space (``sessions.consumers``): the door, the board over the
socket, revocation, floods and bad frames.

Sockets are driven by Channels' ``WebsocketCommunicator`` through the same stack a site
serves (origin check, session cookie, router); data is committed (``transactional_db``) so
that the announcements made on commit go out.
"""

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async
from django.test import Client, override_settings

from wagtail_coaching.sessions import board, consumers
from wagtail_coaching.sessions.models import CoachingSession
from wagtail_coaching.sessions.presence import PresenceSpan
from wagtail_coaching.sessions.routing import live_url, websocket_application
from wagtail_coaching.spaces import consent, lock

from .conftest import accept_contract
from .test_matrix import ROLES

pytestmark = pytest.mark.usefixtures("transactional_db")

LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
STROKE = {"kind": "stroke", "tool": "pen", "color": "#1d2430", "width": 4}


def stroke(item_id, y=10):
    return {**STROKE, "id": item_id, "points": [[10, y], [200, y]]}


def cookie_for(user):
    if user is None:
        return []
    client = Client()
    client.force_login(user)
    return [(b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]


# One event loop per test, in a thread of its own (the browser tests' Playwright may be
# running a loop in the main thread), kept between calls: a socket's application runs on
# it. Code of the site (storing a stroke, revoking) runs through ``run`` in a worker thread,
# as it does under an ASGI server, so its announcements reach the sockets.
_loop = None


def run_async(coroutine, timeout=30):
    return asyncio.run_coroutine_threadsafe(coroutine, _loop).result(timeout)


def run(func, *args, **kwargs):
    return run_async(database_sync_to_async(func)(*args, **kwargs))


async def _cancel_leftovers():
    # What the sockets left running (their lock watchers, the layer's receivers) ends here.
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


@pytest.fixture(autouse=True)
def _event_loop():
    global _loop
    _loop = asyncio.new_event_loop()
    thread = threading.Thread(target=_loop.run_forever, daemon=True)
    thread.start()
    yield
    run_async(_cancel_leftovers())
    _loop.call_soon_threadsafe(_loop.stop)
    thread.join(10)
    _loop.close()
    _loop = None


def async_to_sync(method):
    return lambda *args, **kwargs: run_async(method(*args, **kwargs))


class Socket:
    """A page's socket, driven from sync test code."""

    def __init__(self, space, user, origin=b"http://testserver"):
        from channels.testing import WebsocketCommunicator

        headers = cookie_for(user)
        if origin is not None:
            headers.append((b"origin", origin))
        self.communicator = WebsocketCommunicator(
            websocket_application(), live_url(space), headers=headers
        )

    def connect(self):
        return async_to_sync(self.communicator.connect)(timeout=5)

    def send(self, message):
        text = message if isinstance(message, str) else json.dumps(message)
        async_to_sync(self.communicator.send_to)(text_data=text)

    def receive(self, timeout=3):
        return json.loads(async_to_sync(self.communicator.receive_from)(timeout=timeout))

    def output(self, timeout=3):
        """The next raw ASGI message (a frame or the close)."""
        return async_to_sync(self.communicator.receive_output)(timeout=timeout)

    def close(self):
        async_to_sync(self.communicator.disconnect)()


@pytest.fixture(autouse=True)
def _live_settings(settings):
    settings.CHANNEL_LAYERS = LAYER
    settings.ALLOWED_HOSTS = ["testserver"]


@pytest.fixture
def live_world(space_content):
    return space_content


def _user(world, role):
    return (
        None
        if role == "anonymous"
        else getattr(world, role if role != "superuser" else "superuser")
    )


@pytest.mark.parametrize("role", ROLES)
def test_only_participants_get_a_socket(live_world, role):
    socket = Socket(live_world.space, _user(live_world, role))
    connected, code = socket.connect()
    if role in ("coach", "coachee"):
        assert connected
        socket.send({"type": "ping"})
        assert socket.receive() == {"type": "pong"}
        socket.close()
        return
    # Refused in the handshake: no frame of content, only the refusal.
    assert not connected
    assert code == consumers.CLOSE_REFUSED


def test_a_participant_without_the_contract_is_refused(world):
    socket = Socket(world.space, world.coachee)
    assert socket.connect() == (False, consumers.CLOSE_REFUSED)
    accept_contract(world.coachee, world.space)
    socket = Socket(world.space, world.coachee)
    assert socket.connect()[0]
    socket.close()


def test_a_foreign_origin_is_refused(live_world):
    socket = Socket(live_world.space, live_world.coachee, origin=b"https://evil.example")
    assert not socket.connect()[0]
    socket = Socket(live_world.space, live_world.coachee, origin=None)
    assert not socket.connect()[0]


def test_a_stroke_over_the_socket_is_stored_and_reaches_the_other_participant(live_world):
    coach, coachee = (
        Socket(live_world.space, live_world.coach),
        Socket(live_world.space, live_world.coachee),
    )
    assert coach.connect()[0] and coachee.connect()[0]
    for socket in (coach, coachee):
        socket.send({"type": "board.sync", "since": 0})
        assert socket.receive() == {
            "type": "board.changes",
            "version": 0,
            "reset": True,
            "ops": [],
            "more": False,
        }
    coach.send({"type": "board.op", "op": stroke("s1"), "ref": "r1"})
    answers = [coach.receive(), coach.receive()]
    assert {"type": "board.ack", "ref": "r1", "version": 1, "id": "s1"} in answers
    change = coachee.receive()
    assert change["type"] == "board.changes" and change["version"] == 1
    assert [op["id"] for op in change["ops"]] == ["s1"]
    # Stored in the encrypted log, like a stroke sent over HTTP.
    assert board.changes_since(live_world.space, 0)["ops"][0]["points"] == [[10, 10], [200, 10]]
    coach.close()
    coachee.close()


def test_a_move_and_a_deletion_over_the_socket_reach_the_other_participant(live_world):
    space = live_world.space
    run(board.apply, space, live_world.coach, stroke("k1"))
    run(board.apply, space, live_world.coach, stroke("k2", 40))
    coach, coachee = Socket(space, live_world.coach), Socket(space, live_world.coachee)
    assert coach.connect()[0] and coachee.connect()[0]
    for socket in (coach, coachee):
        socket.send({"type": "board.sync", "since": 0})
        assert socket.receive()["version"] == 2
    # The coachee's keyboard: an arrow run (one move), then Delete on the coach's stroke.
    coachee.send(
        {"type": "board.op", "op": {"kind": "move", "target": "k1", "dx": 30, "dy": 0}, "ref": "m"}
    )
    coachee.send({"type": "board.op", "op": {"kind": "delete", "target": "k2"}, "ref": "d"})
    seen = []
    while len(seen) < 2:
        change = coach.receive()
        seen += [(op["kind"], op["id"]) for op in change["ops"]]
    assert seen == [("move", "k1"), ("delete", "k2")]
    stored = board.current_drawing(board.board_for(space))
    assert [item["id"] for item in stored] == ["k1"]
    assert stored[0]["points"][0] == [40, 10]
    coach.close()
    coachee.close()


def test_a_stroke_sent_over_http_is_announced_on_the_socket(live_world):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "board.sync", "since": 0})
    socket.receive()
    run(board.apply, live_world.space, live_world.coach, stroke("h1"))
    change = socket.receive()
    assert change["version"] == 1 and change["ops"][0]["id"] == "h1"
    socket.close()


def test_a_reconnect_after_missed_operations_converges(live_world):
    space = live_world.space
    socket = Socket(space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "board.sync", "since": 0})
    socket.receive()
    run(board.apply, space, live_world.coach, stroke("a"))
    seen = socket.receive()["version"]
    socket.close()
    # While the coachee's page is away: two strokes, an undo.
    run(board.apply, space, live_world.coach, stroke("b", 20))
    run(board.apply, space, live_world.coach, stroke("c", 30))
    run(board.apply, space, live_world.coach, {"kind": "undo", "target": "b"})
    socket = Socket(space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "board.sync", "since": seen})
    change = socket.receive()
    assert not change["reset"] and change["version"] == 4
    # Replaying what the page had plus what it missed gives the stored board.
    items = {"a"}
    for op in change["ops"]:
        if op["kind"] == "stroke":
            items.add(op["id"])
        elif op["kind"] == "undo":
            items.discard(op["id"])
    stored = board.changes_since(space, 0)
    assert items == {op["id"] for op in stored["ops"]} == {"a", "c"}
    socket.close()


def test_a_revoked_participant_is_disconnected(live_world):
    socket = Socket(live_world.space, live_world.coachee)
    other = Socket(live_world.space, live_world.coach)
    assert socket.connect()[0] and other.connect()[0]
    run(lock.revoke_entry, live_world.coachee, live_world.space)
    closed = socket.output(timeout=5)
    assert closed == {"type": "websocket.close", "code": consumers.CLOSE_REFUSED}
    # The coach keeps theirs.
    other.send({"type": "ping"})
    assert other.receive() == {"type": "pong"}
    other.close()


def _let_in(world):
    """``world.other_coach`` proposed by staff and accepted by the coachee."""
    proposal = consent.propose(world.space, world.other_coach, world.staff)
    consent.accept(proposal, world.space, world.coachee)
    accept_contract(world.other_coach, world.space)


def test_the_coachee_removing_an_extra_person_closes_their_socket(live_world):
    run(_let_in, live_world)
    socket = Socket(live_world.space, live_world.other_coach)
    other = Socket(live_world.space, live_world.coach)
    assert socket.connect()[0] and other.connect()[0]
    run(consent.revoke, live_world.space, live_world.other_coach, live_world.coachee)
    assert socket.output(timeout=5) == {"type": "websocket.close", "code": consumers.CLOSE_REFUSED}
    other.send({"type": "ping"})
    assert other.receive() == {"type": "pong"}
    other.close()


@override_settings(WAGTAIL_COACHING_LIVE_RECHECK_SECONDS=0.2)
def test_a_closed_space_loses_its_sockets(live_world):
    socket = Socket(live_world.space, live_world.coach)
    assert socket.connect()[0]
    # Changed without ``save()``: only the periodic check of the lock can notice.
    type(live_world.space).objects.filter(pk=live_world.space.pk).update(status="closed")
    assert socket.output(timeout=5) == {"type": "websocket.close", "code": consumers.CLOSE_REFUSED}


@override_settings(
    WAGTAIL_COACHING_LIVE_MESSAGES_BURST=10, WAGTAIL_COACHING_LIVE_MESSAGES_PER_SECOND=1
)
def test_a_flood_is_cut_off(live_world):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    for _n in range(50):
        socket.send({"type": "ping"})
    frames = []
    while True:
        message = socket.output()
        if message["type"] == "websocket.close":
            break
        frames.append(message)
    assert message["code"] == consumers.CLOSE_FLOOD
    assert len(frames) == 10
    # The server still answers others.
    other = Socket(live_world.space, live_world.coach)
    assert other.connect()[0]
    other.send({"type": "ping"})
    assert other.receive() == {"type": "pong"}
    other.close()


@override_settings(WAGTAIL_COACHING_LIVE_MAX_MESSAGE_BYTES=1000)
def test_a_message_too_large_closes_the_socket(live_world):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "ping", "padding": "x" * 2000})
    assert socket.output() == {"type": "websocket.close", "code": consumers.CLOSE_TOO_BIG}


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"type": "nope"}',
        '{"type": "board.sync", "since": "zero"}',
        '{"type": "board.op", "op": {"kind": "stroke"}, "ref": "r9"}',
        '{"type": "presence", "event": "joined", "client": "x", "session": 1}',
    ],
)
def test_invalid_frames_get_an_error_frame(live_world, frame):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send(frame)
    answer = socket.receive()
    assert answer["type"] == "error" and answer["error"]
    # The socket stays usable.
    socket.send({"type": "ping"})
    assert socket.receive() == {"type": "pong"}
    socket.close()


def test_presence_follows_the_socket(live_world, open_session):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send(
        {"type": "presence", "event": "joined", "client": "page-0001", "session": open_session.pk}
    )
    socket.send({"type": "ping"})
    socket.receive()
    span = PresenceSpan.objects.get(session=open_session)
    assert span.left_at is None
    # The page goes away without saying "left": the dropped socket ends the span.
    socket.close()
    span.refresh_from_db()
    assert span.left_at is not None


def test_presence_for_another_space_session_is_refused(live_world):
    from .factories import CoachingSessionFactory

    other = CoachingSessionFactory(space=live_world.other_space)
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "presence", "event": "joined", "client": "page-0001", "session": other.pk})
    assert socket.receive()["type"] == "error"
    assert not CoachingSession.objects.get(pk=other.pk).presence_spans.exists()
    socket.close()


def test_a_new_document_is_announced_without_its_name(live_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from wagtail_coaching.spaces import documents

    socket = Socket(live_world.space, live_world.coach)
    assert socket.connect()[0]
    run(
        documents.store_document,
        live_world.space,
        live_world.coachee,
        SimpleUploadedFile("secret-plan.txt", b"A plan.\n", "text/plain"),
    )
    assert socket.receive() == {"type": "documents.changed"}
    socket.close()


# --- The login behind the socket ------------------------------------------------------------


def _session_of(socket):
    from importlib import import_module

    from django.conf import settings

    cookie = dict(socket.communicator.scope["headers"])[b"cookie"].decode()
    key = cookie.split("=", 1)[1]
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


@override_settings(WAGTAIL_COACHING_LIVE_RECHECK_SECONDS=0.2)
def test_logging_out_elsewhere_closes_the_socket(live_world):
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    run(_session_of(socket).delete)
    assert socket.output(timeout=5) == {"type": "websocket.close", "code": consumers.CLOSE_REFUSED}


def test_an_idle_login_gets_no_socket(live_world):
    import time

    from wagtail_coaching.spaces import idle

    socket = Socket(live_world.space, live_world.coachee)
    session = _session_of(socket)
    session[idle.SESSION_KEY] = int(time.time()) - 31 * 60
    session.save()
    assert socket.connect() == (False, consumers.CLOSE_REFUSED)


def test_an_open_socket_keeps_the_idle_clock(live_world):
    import time

    from wagtail_coaching.spaces import idle

    socket = Socket(live_world.space, live_world.coachee)
    session = _session_of(socket)
    session[idle.SESSION_KEY] = int(time.time()) - 20 * 60
    session.save()
    assert socket.connect()[0]
    fresh = _session_of(socket)
    assert fresh[idle.SESSION_KEY] >= int(time.time()) - 5
    socket.close()


@pytest.mark.parametrize(
    "name, value",
    [
        ("LIVE", "yes"),
        ("LIVE_RECHECK_SECONDS", 0),
        ("LIVE_MESSAGES_PER_SECOND", "20"),
        ("LIVE_MESSAGES_BURST", True),
        ("LIVE_MAX_MESSAGE_BYTES", 10),
    ],
)
def test_live_settings_are_checked(settings, name, value):
    setattr(settings, f"WAGTAIL_COACHING_{name}", value)
    errors = consumers.check_live_settings(None)
    assert [error.id for error in errors] == ["wagtail_coaching.E060"]
    assert f"WAGTAIL_COACHING_{name}" in errors[0].msg


def test_default_live_settings_pass_the_check():
    assert consumers.check_live_settings(None) == []


def test_a_failure_on_the_server_is_an_error_frame_not_a_crash(live_world, monkeypatch):
    def broken(space, since):
        raise RuntimeError("database gone")

    monkeypatch.setattr(board, "changes_since", broken)
    socket = Socket(live_world.space, live_world.coachee)
    assert socket.connect()[0]
    socket.send({"type": "board.sync", "since": 0})
    answer = socket.receive()
    assert answer["type"] == "error" and "database" not in answer["error"]
    socket.send({"type": "ping"})
    assert socket.receive() == {"type": "pong"}
    socket.close()


def test_a_new_message_is_announced_without_its_text(live_world):
    from wagtail_coaching.conversations import rules as conversations

    socket = Socket(live_world.space, live_world.coach)
    assert socket.connect()[0]
    run(conversations.post, live_world.space, live_world.coachee, "A secret between us.")
    assert socket.receive() == {"type": "messages.changed"}
    socket.close()
