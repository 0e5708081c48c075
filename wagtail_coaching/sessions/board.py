"""The paper board of a client space: a drawing both participants write on at once.

Sync is HTTP with versioned deltas, stored in the database so it works on plain WSGI and
across any number of app processes (nothing in process memory):

* every change is a :class:`BoardOperation` (a stroke, a text, an undo, a clear, a move or
  a deletion of one item) with the
  board's next ``version``. Writers lock the :class:`Board` row, so versions are handed out
  in commit order and a reader that has seen version N never misses an N-1 committed later;
* a client polls ``?since=<last version seen>`` and applies the operations after it;
  ``since=0`` (a fresh page) returns the board's current items, compacted. A page with a
  live socket (``consumers``) asks the same question when the socket announces a new
  version, instead of every second; polling stays as the fallback.

Coordinates are in a portrait sheet of ``WIDTH`` × ``HEIGHT`` units (A4 proportions), so
every screen size draws the same picture.

The board is space content: only the lock's participants reach it (see ``board_views``),
and every operation's payload (points, colours, typed text) is stored encrypted under the
space's data key (:mod:`wagtail_coaching.crypto`), bound to its board and version. Only the
operation's kind, item id, author and version are in clear: the sync protocol needs them and
they say nothing of what is drawn or written.
"""

import io
import json
import re

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail_coaching.sessions import live
from wagtail_coaching.spaces.crypto import content_aad, decrypt_for_space, encrypt_for_space
from wagtail_coaching.spaces.documents import store_document
from wagtail_coaching.spaces.models import ClientSpace

WIDTH, HEIGHT = 1000, 1414
TOOLS = ("pen", "highlighter", "eraser")
KINDS = ("stroke", "text", "undo", "clear", "move", "delete")
ITEM_KINDS = ("stroke", "text")
MAX_POINTS = 5000
MAX_TEXT = 500
MAX_OPS_PER_RESPONSE = 500
ITEM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


class Board(models.Model):
    space = models.OneToOneField(
        ClientSpace,
        verbose_name=gettext_lazy("client space"),
        on_delete=models.CASCADE,
        related_name="board",
    )
    version = models.BigIntegerField(gettext_lazy("version"), default=0)
    updated_at = models.DateTimeField(gettext_lazy("updated at"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("paper board")
        verbose_name_plural = gettext_lazy("paper boards")

    def __str__(self):
        # Never the content: a board is named by its version only.
        return f"Board #{self.pk} v{self.version}"


class BoardOperation(models.Model):
    board = models.ForeignKey(
        Board, verbose_name=gettext_lazy("board"), on_delete=models.CASCADE, related_name="ops"
    )
    version = models.BigIntegerField(gettext_lazy("version"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(gettext_lazy("kind"), max_length=8)
    # The client's id of the stroke or text this operation adds, or that an undo removes.
    item_id = models.CharField(gettext_lazy("item id"), max_length=40, blank=True)
    # The payload (stroke points, colour, width, text...) as JSON, encrypted: see ``data``.
    data_encrypted = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        ordering = ["board", "version"]
        verbose_name = gettext_lazy("paper board operation")
        verbose_name_plural = gettext_lazy("paper board operations")
        constraints = [
            models.UniqueConstraint(
                fields=["board", "version"], name="wagtail_coaching_board_op_version"
            )
        ]

    def __str__(self):
        return f"{self.kind} v{self.version}"

    # --- The encrypted payload -------------------------------------------------------------
    # The space comes from ``self.board.space``: callers listing many operations set
    # ``board`` (and the board's ``space``) on each, so the data key is unwrapped once.

    def _aad_for_row(self):
        space = self.board.space
        # Bound to the space, the board and the version: a payload moved to another
        # operation (or board) does not decrypt.
        row = f"{self.board_id}:{self.version}"
        return space, content_aad(space, "wagtail_coaching.boardoperation", row, "data")

    @property
    def data(self):
        cached = getattr(self, "_data_cache", None)
        if cached is not None:
            return cached
        if self.data_encrypted is None:
            value = {}
        else:
            space, aad = self._aad_for_row()
            value = json.loads(decrypt_for_space(space, self.data_encrypted, aad))
        self._data_cache = value
        return value

    @data.setter
    def data(self, value):
        value = value or {}
        self._data_cache = value
        if not value:
            self.data_encrypted = None
            return
        space, aad = self._aad_for_row()
        plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        self.data_encrypted = encrypt_for_space(space, plain, aad)

    def as_json(self):
        return {"v": self.version, "kind": self.kind, "id": self.item_id, **self.data}


class InvalidOperation(ValueError):
    """The client sent an operation the board cannot take; ``str(exc)`` says why."""


def board_for(space):
    board, _created = Board.objects.get_or_create(space=space)
    board.space = space
    return board


def _ops(board, queryset):
    """``queryset``'s operations with ``board`` (and its space) set: one key unwrap."""
    rows = list(queryset)
    for op in rows:
        op.board = board
    return rows


# --- Validation ----------------------------------------------------------------------------


def _number(value, low, high, what):
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise InvalidOperation(
            _("%(what)s must be a number between %(low)s and %(high)s.")
            % {"what": what, "low": low, "high": high}
        )
    return round(float(value), 1)


def _colour(value):
    if not isinstance(value, str) or not COLOUR_RE.match(value):
        raise InvalidOperation(_("A colour must look like #1d2430."))
    return value.lower()


def _item_id(value):
    if not isinstance(value, str) or not ITEM_ID_RE.match(value):
        raise InvalidOperation(_("An item id is 1 to 40 letters, digits, '-' or '_'."))
    return value


def clean_operation(payload):
    """``(kind, item_id, data)`` from a client's JSON, or :class:`InvalidOperation`."""
    if not isinstance(payload, dict):
        raise InvalidOperation(_("An operation is a JSON object."))
    kind = payload.get("kind")
    if kind not in KINDS:
        raise InvalidOperation(
            _("Unknown operation %(kind)s; expected one of %(kinds)s.")
            % {"kind": repr(kind)[:40], "kinds": ", ".join(KINDS)}
        )
    if kind == "clear":
        return kind, "", {}
    if kind in ("undo", "delete"):
        return kind, _item_id(payload.get("target")), {}
    if kind == "move":
        # The item's whole offset from where it was drawn, not a step: the same move
        # received twice (a retry, a page that applied it already) lands in the same place.
        return (
            kind,
            _item_id(payload.get("target")),
            {
                "dx": _number(payload.get("dx"), -WIDTH, WIDTH, "dx"),
                "dy": _number(payload.get("dy"), -HEIGHT, HEIGHT, "dy"),
            },
        )
    item_id = _item_id(payload.get("id"))
    if kind == "text":
        text = payload.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise InvalidOperation(_("A text holds 1 to %(max)s characters.") % {"max": MAX_TEXT})
        return (
            kind,
            item_id,
            {
                "x": _number(payload.get("x"), 0, WIDTH, "x"),
                "y": _number(payload.get("y"), 0, HEIGHT, "y"),
                "text": text,
                "color": _colour(payload.get("color")),
                "size": _number(payload.get("size"), 8, 120, _("text size")),
            },
        )
    tool = payload.get("tool")
    if tool not in TOOLS:
        raise InvalidOperation(
            _("Unknown tool; expected one of %(tools)s.") % {"tools": ", ".join(TOOLS)}
        )
    points = payload.get("points")
    if not isinstance(points, list) or not 1 <= len(points) <= MAX_POINTS:
        raise InvalidOperation(_("A stroke has 1 to %(max)s points.") % {"max": MAX_POINTS})
    clean_points = []
    for point in points:
        if not isinstance(point, list | tuple) or len(point) != 2:
            raise InvalidOperation(_("A point is a pair [x, y]."))
        clean_points.append([_number(point[0], 0, WIDTH, "x"), _number(point[1], 0, HEIGHT, "y")])
    return (
        kind,
        item_id,
        {
            "tool": tool,
            "color": _colour(payload.get("color", "#000000")),
            "width": _number(payload.get("width"), 1, 80, _("width")),
            "points": clean_points,
        },
    )


# --- Reading and writing -------------------------------------------------------------------


def apply(space, user, payload):
    """Validate and store one operation; return it.

    Undo only takes back one's own items; a move or a deletion (the keyboard's arrows and
    Delete) may touch either participant's item, as a clear does, but only one that exists.
    """
    kind, item_id, data = clean_operation(payload)
    board_for(space)
    with transaction.atomic():
        board = Board.objects.select_for_update().get(space=space)
        board.space = space
        if kind == "undo":
            owned = board.ops.filter(
                kind__in=("stroke", "text"), item_id=item_id, author=user
            ).exists()
            if not owned:
                raise InvalidOperation(_("Only your own strokes and texts can be undone."))
        elif kind in ("move", "delete"):
            if not board.ops.filter(kind__in=ITEM_KINDS, item_id=item_id).exists():
                raise InvalidOperation(_("This item is no longer on the board."))
        elif kind in ("stroke", "text") and board.ops.filter(item_id=item_id).exists():
            # A retry of an operation that did arrive: answer with the stored one.
            return board.ops.filter(item_id=item_id).order_by("version").first()
        board.version += 1
        board.save(update_fields=["version", "updated_at"])
        op = BoardOperation(
            board=board, version=board.version, author=user, kind=kind, item_id=item_id
        )
        op.data = data
        op.save()
        # Open sockets hear the new version (never the operation) once it is committed.
        live.announce(space.pk, live.BOARD_VERSION, version=board.version)
        return op


def _visible(ops):
    removed = {op.item_id for op in ops if op.kind in ("undo", "delete")}
    return [op for op in ops if op.kind in ITEM_KINDS and op.item_id not in removed]


def _last_moves(ops, items):
    """The newest move of each of ``items`` that was moved, in ``items``' order."""
    moves = {op.item_id: op for op in ops if op.kind == "move"}
    return [moves[op.item_id] for op in items if op.item_id in moves]


def _drawn(op, move):
    """``op``'s JSON with ``move``'s offset applied: where the item is now."""
    item = op.as_json()
    if move is None:
        return item
    dx, dy = move.data["dx"], move.data["dy"]
    if op.kind == "text":
        item["x"], item["y"] = item["x"] + dx, item["y"] + dy
    else:
        item["points"] = [[x + dx, y + dy] for x, y in item["points"]]
    return item


def _since_last_clear(board):
    last_clear = (
        board.ops.filter(kind="clear").order_by("-version").values_list("version", flat=True)
    ).first() or 0
    return last_clear, _ops(board, board.ops.filter(version__gt=last_clear).order_by("version"))


def _board_of(space):
    board = Board.objects.filter(space=space).first()
    if board is not None:
        board.space = space
    return board


def current_items(board):
    """The board's visible strokes and texts in drawing order (after the last clear)."""
    return _visible(_since_last_clear(board)[1])


def current_drawing(board):
    """The visible items as JSON-ready dicts, each where it was last moved to."""
    ops = _since_last_clear(board)[1]
    items = _visible(ops)
    moves = {move.item_id: move for move in _last_moves(ops, items)}
    return [_drawn(op, moves.get(op.item_id)) for op in items]


def changes_since(space, since):
    """``{"version", "reset", "ops", "more"}`` for a client that has seen ``since``.

    ``reset`` means: forget what you have and draw ``ops``. It is set for ``since=0`` and for
    a ``since`` the board never reached (a client from before a database restore).
    ``version`` is the newest version the answer covers, read from the operations themselves,
    so an operation committed between two queries is never skipped nor sent twice.
    """
    board = _board_of(space)
    if board is None:
        return {"version": 0, "reset": True, "ops": [], "more": False}
    if since <= 0 or since > board.version:
        last_clear, ops = _since_last_clear(board)
        version = max([board.version, last_clear, *(op.version for op in ops)])
        items = _visible(ops)
        # The items as drawn, then the last move of each moved one: a page applies them in
        # this order and sees every item where it is now.
        return {
            "version": version,
            "reset": True,
            "ops": [op.as_json() for op in items + _last_moves(ops, items)],
            "more": False,
        }
    newer = board.ops.filter(version__gt=since).order_by("version")
    ops = _ops(board, newer[:MAX_OPS_PER_RESPONSE])
    return {
        "version": ops[-1].version if ops else since,
        "reset": False,
        "ops": [op.as_json() for op in ops],
        "more": len(ops) == MAX_OPS_PER_RESPONSE,
    }


# --- Export --------------------------------------------------------------------------------


def render_pdf(space, title):
    """The board as a one-page A4 PDF, drawn from its strokes (vector, not a screenshot)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    board = _board_of(space)
    items = current_drawing(board) if board else []
    buffer = io.BytesIO()
    page_width, page_height = A4
    scale = page_width / WIDTH
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setCreator("wagtail-coaching")
    for data in items:
        if data["kind"] == "text":
            pdf.setFillColor(HexColor(data["color"]))
            pdf.setFont("Helvetica", data["size"] * scale)
            pdf.drawString(data["x"] * scale, page_height - data["y"] * scale, data["text"])
            continue
        points = data["points"]
        if data["tool"] == "eraser":
            # The paper is white: an eraser stroke paints it back.
            pdf.setStrokeColor(HexColor("#ffffff"))
            pdf.setStrokeAlpha(1)
        else:
            pdf.setStrokeColor(HexColor(data["color"]))
            pdf.setStrokeAlpha(0.35 if data["tool"] == "highlighter" else 1)
        pdf.setLineWidth(data["width"] * scale)
        pdf.setLineCap(1)
        pdf.setLineJoin(1)
        path = pdf.beginPath()
        path.moveTo(points[0][0] * scale, page_height - points[0][1] * scale)
        if len(points) == 1:
            path.lineTo(points[0][0] * scale + 0.01, page_height - points[0][1] * scale)
        for x, y in points[1:]:
            path.lineTo(x * scale, page_height - y * scale)
        pdf.drawPath(path, stroke=1, fill=0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def store_as_space_document(space, user, filename, content, content_type):
    """Save an exported board (PNG or PDF bytes) as a new document of ``space``.

    Goes through :func:`uploads.store_document` like any upload: the content is checked
    against its name, encrypted under the space's data key and kept in the private storage;
    ``user`` is the uploader. Returns the :class:`~wagtail_coaching.content.SpaceDocument`;
    raises :class:`uploads.UploadError` when the file is refused (e.g. not a real PNG).
    """
    from django.core.files.uploadedfile import SimpleUploadedFile

    return store_document(space, user, SimpleUploadedFile(filename, content, content_type))


def export_data(space):
    """The board's visible items as JSON-ready data (for the space export)."""
    board = _board_of(space)
    if board is None:
        return {"version": 0, "width": WIDTH, "height": HEIGHT, "items": []}
    return {
        "version": board.version,
        "width": WIDTH,
        "height": HEIGHT,
        "items": current_drawing(board),
    }


def erase(space):
    """Delete the board's operations (its content); the board row keeps only a version."""
    BoardOperation.objects.filter(board__space=space).delete()
