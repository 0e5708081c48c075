"""The paper board: versioned operations in the database, read only by the participants."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from wagtail_coaching.sessions import board

# Participants have accepted the coaching contract: the gate itself is tested in test_contracts.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("accepted")]


def stroke(item_id, tool="pen", points=None, color="#c0392b", width=4):
    return {
        "kind": "stroke",
        "id": item_id,
        "tool": tool,
        "color": color,
        "width": width,
        "points": points or [[10, 10], [200, 300], [400, 320]],
    }


def text(item_id, value="Next step: ask for feedback"):
    return {
        "kind": "text",
        "id": item_id,
        "x": 100,
        "y": 200,
        "text": value,
        "color": "#1f5fbf",
        "size": 28,
    }


def test_operations_get_consecutive_versions_and_deltas(world):
    space = world.space
    assert board.changes_since(space, 0) == {"version": 0, "reset": True, "ops": [], "more": False}
    board.apply(space, world.coach, stroke("s1"))
    board.apply(space, world.coachee, stroke("s2", tool="highlighter"))
    board.apply(space, world.coachee, text("t1"))
    change = board.changes_since(space, 1)
    assert change["version"] == 3 and not change["reset"]
    assert [(op["v"], op["id"]) for op in change["ops"]] == [(2, "s2"), (3, "t1")]
    assert board.changes_since(space, 3)["ops"] == []


def test_undo_takes_back_only_ones_own_items(world):
    space = world.space
    board.apply(space, world.coach, stroke("s1"))
    board.apply(space, world.coachee, stroke("s2"))
    with pytest.raises(board.InvalidOperation):
        board.apply(space, world.coach, {"kind": "undo", "target": "s2"})
    board.apply(space, world.coachee, {"kind": "undo", "target": "s2"})
    state = board.changes_since(space, 0)
    assert state["reset"] and [op["id"] for op in state["ops"]] == ["s1"]


def test_clear_empties_the_board_and_later_strokes_stay(world):
    space = world.space
    board.apply(space, world.coach, stroke("s1"))
    board.apply(space, world.coach, {"kind": "clear"})
    board.apply(space, world.coachee, stroke("s2"))
    assert [op["id"] for op in board.changes_since(space, 0)["ops"]] == ["s2"]
    assert [op["kind"] for op in board.changes_since(space, 1)["ops"]] == ["clear", "stroke"]


def test_moves_and_deletions_from_the_keyboard_are_stored_and_replayed(world):
    space = world.space
    board.apply(space, world.coach, stroke("s1", points=[[10, 10], [20, 30]]))
    board.apply(space, world.coachee, text("t1"))
    board.apply(space, world.coachee, stroke("s2"))
    # Either participant moves or removes any item, as a clear would; an offset is the
    # item's whole offset, so the same move twice lands in the same place.
    board.apply(space, world.coachee, {"kind": "move", "target": "s1", "dx": 5, "dy": 5})
    board.apply(space, world.coachee, {"kind": "move", "target": "s1", "dx": 30, "dy": -10})
    board.apply(space, world.coach, {"kind": "move", "target": "t1", "dx": -50, "dy": 20})
    board.apply(space, world.coach, {"kind": "delete", "target": "s2"})

    state = board.changes_since(space, 0)
    assert state["reset"]
    assert [(op["kind"], op["id"]) for op in state["ops"]] == [
        ("stroke", "s1"),
        ("text", "t1"),
        ("move", "s1"),
        ("move", "t1"),
    ]
    assert (state["ops"][2]["dx"], state["ops"][2]["dy"]) == (30, -10)
    assert [op["kind"] for op in board.changes_since(space, 3)["ops"]] == [
        "move",
        "move",
        "move",
        "delete",
    ]
    drawn = board.current_drawing(board.board_for(space))
    assert drawn[0]["points"] == [[40, 0], [50, 20]]
    assert (drawn[1]["x"], drawn[1]["y"]) == (50, 220)
    assert [item["id"] for item in board.export_data(space)["items"]] == ["s1", "t1"]
    # The payload of a move is encrypted like any other.
    move = board.BoardOperation.objects.filter(kind="move").first()
    assert b"dx" not in bytes(move.data_encrypted)


def test_a_moved_text_is_drawn_where_it_was_moved_in_the_pdf(world):
    board.apply(world.space, world.coachee, text("t1", value="Moved words"))
    board.apply(world.space, world.coachee, {"kind": "move", "target": "t1", "dx": 0, "dy": 900})
    reader = PdfReader(io.BytesIO(board.render_pdf(world.space, "Paper board")))
    found = []
    reader.pages[0].extract_text(
        visitor_text=lambda t, cm, tm, font, size: found.append(tm[5]) if "Moved" in t else None
    )
    height = float(reader.pages[0].mediabox.height)
    # Drawn 1100 units from the top (of 1414): near the bottom of the page.
    assert found and found[0] < height * (1 - 1000 / 1414)


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"kind": "move", "target": "nowhere", "dx": 1, "dy": 1}, "no longer on the board"),
        ({"kind": "delete", "target": "nowhere"}, "no longer on the board"),
        ({"kind": "move", "target": "s1", "dx": 5000, "dy": 1}, "between -1000 and 1000"),
        ({"kind": "move", "target": "s1", "dx": 1}, "dy must be a number"),
    ],
)
def test_moves_and_deletions_need_an_item_and_an_offset_on_the_sheet(world, payload, message):
    board.apply(world.space, world.coach, stroke("s1"))
    with pytest.raises(board.InvalidOperation, match=message):
        board.apply(world.space, world.coachee, payload)
    assert board.Board.objects.get(space=world.space).version == 1


def test_a_retried_operation_is_stored_once(world):
    first = board.apply(world.space, world.coach, stroke("s1"))
    again = board.apply(world.space, world.coach, stroke("s1"))
    assert first.pk == again.pk
    assert board.Board.objects.get(space=world.space).version == 1


def test_reading_costs_constant_queries(world, django_assert_num_queries):
    for i in range(30):
        board.apply(world.space, world.coach, stroke(f"s{i}"))
    with django_assert_num_queries(3):
        board.changes_since(world.space, 0)
    with django_assert_num_queries(2):
        board.changes_since(world.space, 5)


@pytest.mark.parametrize(
    "payload, message",
    [
        ([], "JSON object"),
        ({"kind": "paint"}, "Unknown operation"),
        (stroke("s 1"), "item id"),
        (stroke("s1", tool="spray"), "Unknown tool"),
        (stroke("s1", color="red"), "colour"),
        (stroke("s1", width=500), "between 1 and 80"),
        (stroke("s1", points=[[1, 2, 3]]), "pair"),
        (stroke("s1", points=[[5000, 2]]), "between 0 and 1000"),
        ({**stroke("s1"), "points": [[1, 1]] * 5001}, "5000 points"),
        (text("t1", value="   "), "1 to 500"),
    ],
)
def test_invalid_operations_are_refused_with_a_reason(client, world, payload, message):
    client.force_login(world.coach)
    response = client.post(
        reverse("wagtail_coaching:board_ops", kwargs={"public_id": world.space.public_id}),
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not board.BoardOperation.objects.exists()


def test_participants_sync_over_http_and_outsiders_get_404(client, world):
    ops_url = reverse("wagtail_coaching:board_ops", kwargs={"public_id": world.space.public_id})
    state_url = reverse("wagtail_coaching:board_state", kwargs={"public_id": world.space.public_id})
    client.force_login(world.coach)
    response = client.post(ops_url, json.dumps(stroke("s1")), content_type="application/json")
    assert response.json() == {"version": 1, "id": "s1"}
    client.force_login(world.coachee)
    change = client.get(state_url, {"since": 0})
    assert "no-store" in change["Cache-Control"]
    assert change.json()["ops"][0]["points"][1] == [200.0, 300.0]
    assert client.get(state_url, {"since": "x"}).status_code == 400

    for role in ("other_coachee", "other_coach", "hr", "staff", "superuser"):
        client.force_login(getattr(world, role))
        assert client.get(state_url).status_code == 404
        response = client.post(ops_url, json.dumps(stroke("s9")), content_type="application/json")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    assert board.BoardOperation.objects.count() == 1


def test_the_board_saves_as_a_pdf_drawn_from_its_strokes(client, world):
    board.apply(world.space, world.coach, stroke("s1"))
    board.apply(world.space, world.coach, stroke("s2", tool="highlighter", color="#0b6e4f"))
    board.apply(world.space, world.coach, stroke("s3", tool="eraser", color="#ffffff"))
    board.apply(world.space, world.coachee, text("t1", value="Courage, not comfort"))
    client.force_login(world.coachee)
    response = client.get(
        reverse("wagtail_coaching:board_pdf", kwargs={"public_id": world.space.public_id})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="paper-board-')
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "Courage, not comfort" in reader.pages[0].extract_text()
    assert float(reader.pages[0].mediabox.height) > float(reader.pages[0].mediabox.width)


def test_long_histories_come_in_pages(world, monkeypatch):
    monkeypatch.setattr(board, "MAX_OPS_PER_RESPONSE", 3)
    for i in range(7):
        board.apply(world.space, world.coach, stroke(f"s{i}"))
    seen, since, pages = [], 1, 0
    while True:
        change = board.changes_since(world.space, since)
        seen += [op["id"] for op in change["ops"]]
        since, pages = change["version"], pages + 1
        if not change["more"]:
            break
    assert seen == [f"s{i}" for i in range(1, 7)]
    assert since == 7 and pages == 3


def test_a_client_ahead_of_the_board_is_reset(world):
    board.apply(world.space, world.coach, stroke("s1"))
    change = board.changes_since(world.space, 99)
    assert change["reset"] and change["version"] == 1
    assert [op["id"] for op in change["ops"]] == ["s1"]
