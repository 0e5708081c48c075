/* The paper board: draw with mouse, touch or stylus (Pointer Events), or use it with the
 * keyboard alone (type a text and press Enter to place it; on the board, Page Down / Page Up
 * choose an item, the arrow keys move it, Delete removes it), in sync with the other
 * participant over the space's live socket (live.js), or over HTTP when it is not open.
 *
 * Each finished stroke or text is sent as one operation; the page receives the operations
 * after the last version it has seen. Unsent operations wait in a queue and are retried,
 * so a dropped connection loses nothing; the server keeps the board, so a reload shows it.
 */
(function () {
  "use strict";
  var root = document.getElementById("coaching-board");
  if (!root) { return; }
  var config = JSON.parse(document.getElementById("coaching-board-config").textContent);
  var text = JSON.parse(document.getElementById("coaching-board-text").textContent);
  var W = 1000, H = 1414;
  var canvas = root.querySelector("canvas");
  var ctx = canvas.getContext("2d");
  var statusLine = root.querySelector("[data-board-status]");
  var textInput = root.querySelector("[data-board-text]");
  var placeButton = root.querySelector("[data-action=place]");

  var items = new Map();   // item id -> stroke or text, in drawing order
  var mine = [];           // ids of my own items, for undo
  var pending = [];        // operations not yet accepted by the server
  var version = 0;
  var sending = false;
  var drawing = null;
  var tool = "pen", color = "#1d2430", width = 4;
  var online = true;
  var selected = null;     // id of the item the keyboard acts on
  var moveTimer = null;    // a run of arrow presses is sent as one move

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  function setStatus(message) { statusLine.textContent = message; }
  function setOnline(value) {
    if (value !== online) { online = value; setStatus(value ? text.online : text.offline); }
    root.dataset.online = value ? "true" : "false";
  }

  // --- Drawing ---------------------------------------------------------------------------
  function drawItem(c, item) {
    c.save();
    // A moved item keeps its points and carries its offset from where it was drawn.
    if (item.dx || item.dy) { c.translate(item.dx || 0, item.dy || 0); }
    if (item.kind === "text") {
      c.fillStyle = item.color;
      c.font = item.size + "px sans-serif";
      c.fillText(item.text, item.x, item.y);
      c.restore();
      return;
    }
    c.globalCompositeOperation = item.tool === "eraser" ? "destination-out" : "source-over";
    c.globalAlpha = item.tool === "highlighter" ? 0.35 : 1;
    c.strokeStyle = item.color;
    c.lineWidth = item.width;
    c.lineCap = "round";
    c.lineJoin = "round";
    var points = item.points;
    c.beginPath();
    c.moveTo(points[0][0], points[0][1]);
    if (points.length === 1) { c.lineTo(points[0][0] + 0.01, points[0][1]); }
    for (var i = 1; i < points.length; i++) { c.lineTo(points[i][0], points[i][1]); }
    c.stroke();
    c.restore();
  }

  function redraw() {
    var scale = canvas.width / W;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    items.forEach(function (item) { drawItem(ctx, item); });
    if (drawing) { drawItem(ctx, drawing); }
    drawSelection();
    root.dataset.items = String(items.size);
    root.dataset.selected = selected || "";
    root.dataset.version = String(version);
  }

  function resize() {
    var rect = canvas.getBoundingClientRect();
    var ratio = window.devicePixelRatio || 1;
    var pixelWidth = Math.max(1, Math.round(rect.width * ratio));
    if (canvas.width !== pixelWidth) {
      canvas.width = pixelWidth;
      canvas.height = Math.round(pixelWidth * H / W);
    }
    redraw();
  }

  function boardPoint(event) {
    var rect = canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) / rect.width * W;
    var y = (event.clientY - rect.top) / rect.height * H;
    return [Math.round(Math.min(W, Math.max(0, x)) * 10) / 10,
            Math.round(Math.min(H, Math.max(0, y)) * 10) / 10];
  }

  // Typed text reads at 16 CSS pixels at least on the board as the writer sees it (the
  // board is W units wide, drawn at the canvas's width); the server accepts 8 to 120 units.
  var MIN_TEXT_PX = 16;
  function textSize() {
    var shown = canvas.getBoundingClientRect().width || W;
    var minimum = Math.ceil(MIN_TEXT_PX * W / shown);
    return Math.min(120, Math.max(minimum, 12 + width * 4));
  }

  function placeText(x, y) {
    var value = textInput.value.trim();
    if (!value) { setStatus(text.needText); textInput.focus(); return null; }
    var item = { kind: "text", id: newId(), x: x, y: y, text: value.slice(0, 500),
                 color: color, size: textSize() };
    addLocal(item);
    textInput.value = "";
    return item;
  }

  // --- The selection: what the keyboard acts on -------------------------------------------
  function bounds(item) {
    var dx = item.dx || 0, dy = item.dy || 0;
    if (item.kind === "text") {
      ctx.save();
      ctx.font = item.size + "px sans-serif";
      var w = ctx.measureText(item.text).width;
      ctx.restore();
      return [item.x + dx, item.y + dy - item.size, w, item.size * 1.3];
    }
    var xs = item.points.map(function (p) { return p[0]; });
    var ys = item.points.map(function (p) { return p[1]; });
    var pad = item.width / 2;
    var left = Math.min.apply(null, xs) - pad, top = Math.min.apply(null, ys) - pad;
    return [left + dx, top + dy, Math.max.apply(null, xs) + pad - left,
            Math.max.apply(null, ys) + pad - top];
  }

  function drawSelection() {
    var item = selected && items.get(selected);
    if (!item) { return; }
    var box = bounds(item);
    ctx.save();
    ctx.strokeStyle = "#0b6e4f";
    ctx.lineWidth = 3;
    ctx.setLineDash([10, 6]);
    ctx.strokeRect(box[0] - 6, box[1] - 6, box[2] + 12, box[3] + 12);
    ctx.restore();
  }

  function ids() { return Array.from(items.keys()); }

  function describe(id) {
    var item = items.get(id);
    var list = ids();
    var where = text.position.replace("%(index)s", String(list.indexOf(id) + 1))
      .replace("%(count)s", String(list.length));
    var what = item.kind === "text" ? text.selectedText.replace("%(text)s", item.text)
                                    : text.selectedDrawing;
    return what + " " + where;
  }

  function select(id, announce) {
    selected = id && items.has(id) ? id : null;
    redraw();
    if (announce !== false) { setStatus(selected ? describe(selected) : text.noSelection); }
  }

  function step(direction) {
    var list = ids();
    if (!list.length) { select(null); setStatus(text.empty); return; }
    var index = list.indexOf(selected);
    if (index === -1) { index = direction > 0 ? 0 : list.length - 1; }
    else { index = (index + direction + list.length) % list.length; }
    select(list[index]);
  }

  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  function moveSelected(dx, dy) {
    var item = selected && items.get(selected);
    if (!item) { step(1); return; }
    item.dx = Math.round(clamp((item.dx || 0) + dx, -W, W) * 10) / 10;
    item.dy = Math.round(clamp((item.dy || 0) + dy, -H, H) * 10) / 10;
    redraw();
    // A run of presses goes out as one operation, sent when the keys rest.
    var id = selected;
    if (moveTimer) { clearTimeout(moveTimer); }
    moveTimer = setTimeout(function () {
      moveTimer = null;
      var moved = items.get(id);
      if (!moved) { return; }
      send({ kind: "move", target: id, dx: moved.dx || 0, dy: moved.dy || 0 });
      setStatus(text.moved);
    }, 300);
  }

  function deleteSelected() {
    var id = selected;
    if (!id || !items.has(id)) { setStatus(text.noSelection); return; }
    var list = ids();
    var index = list.indexOf(id);
    items.delete(id);
    send({ kind: "delete", target: id });
    list.splice(index, 1);
    selected = list.length ? list[Math.min(index, list.length - 1)] : null;
    redraw();
    setStatus(text.removed + " " + (selected ? describe(selected) : text.empty));
  }

  canvas.addEventListener("focus", function () {
    // Focus from a click (pointer users drawing) selects nothing; from the keyboard it does.
    if (!canvas.matches(":focus-visible")) { return; }
    if (!selected || !items.has(selected)) {
      var list = ids();
      if (list.length) { select(list[list.length - 1]); } else { setStatus(text.empty); }
    } else {
      setStatus(describe(selected));
    }
  });
  canvas.addEventListener("blur", function () { redraw(); });
  canvas.addEventListener("keydown", function (event) {
    var big = event.shiftKey ? 50 : 10;
    var handled = true;
    switch (event.key) {
      case "ArrowLeft": moveSelected(-big, 0); break;
      case "ArrowRight": moveSelected(big, 0); break;
      case "ArrowUp": moveSelected(0, -big); break;
      case "ArrowDown": moveSelected(0, big); break;
      case "PageDown": step(1); break;
      case "PageUp": step(-1); break;
      case "Delete": case "Backspace": deleteSelected(); break;
      case "Escape": select(null); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });

  // Placed with the keyboard: one text under the other from the top left corner, then
  // selected, so the arrow keys on the board move it where it belongs.
  var typedLine = 0;
  function placeTyped() {
    var size = textSize();
    var y = 60 + (typedLine * size * 1.5) % (H - 120);
    var item = placeText(40, Math.round(y));
    if (!item) { return; }
    typedLine += 1;
    select(item.id, false);
    setStatus(text.placed.replace("%(text)s", item.text));
  }
  textInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); placeTyped(); }
  });
  placeButton.addEventListener("click", placeTyped);

  canvas.addEventListener("pointerdown", function (event) {
    if (event.button !== undefined && event.button > 0) { return; }
    event.preventDefault();
    selected = null;
    if (tool === "text") {
      var point = boardPoint(event);
      placeText(point[0], point[1]);
      return;
    }
    try { canvas.setPointerCapture(event.pointerId); } catch (e) { /* synthetic pointer */ }
    var strokeWidth = tool === "pen" ? width : width * 4;
    drawing = { kind: "stroke", id: newId(), tool: tool,
                color: tool === "eraser" ? "#ffffff" : color,
                width: Math.min(80, strokeWidth), points: [boardPoint(event)] };
    redraw();
  });

  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    if (!events.length) { events = [event]; }
    events.forEach(function (e) {
      var point = boardPoint(e);
      var last = drawing.points[drawing.points.length - 1];
      if (point[0] !== last[0] || point[1] !== last[1]) { drawing.points.push(point); }
    });
    redraw();
  });

  function finishStroke() {
    if (!drawing) { return; }
    var stroke = drawing;
    drawing = null;
    if (stroke.points.length > 5000) { stroke.points = stroke.points.slice(0, 5000); }
    addLocal(stroke);
  }
  canvas.addEventListener("pointerup", finishStroke);
  canvas.addEventListener("pointercancel", finishStroke);

  function addLocal(item) {
    items.set(item.id, item);
    mine.push(item.id);
    redraw();
    send(item);
  }

  // --- Tools -----------------------------------------------------------------------------
  function press(selector, button) {
    root.querySelectorAll(selector).forEach(function (b) {
      b.setAttribute("aria-pressed", b === button ? "true" : "false");
    });
  }
  root.querySelectorAll("[data-tool]").forEach(function (button) {
    button.addEventListener("click", function () {
      tool = button.dataset.tool;
      press("[data-tool]", button);
      if (tool === "text") { textInput.focus(); }
    });
  });
  root.querySelectorAll("[data-color]").forEach(function (button) {
    button.addEventListener("click", function () {
      color = button.dataset.color;
      press("[data-color]", button);
    });
  });
  root.querySelectorAll("[data-width]").forEach(function (button) {
    button.addEventListener("click", function () {
      width = Number(button.dataset.width);
      press("[data-width]", button);
    });
  });
  root.querySelector("[data-action=undo]").addEventListener("click", function () {
    while (mine.length) {
      var id = mine.pop();
      if (items.has(id)) {
        items.delete(id);
        if (selected === id) { selected = null; }
        redraw();
        send({ kind: "undo", target: id });
        return;
      }
    }
  });
  root.querySelector("[data-action=clear]").addEventListener("click", function () {
    if (!window.confirm(text.confirmClear)) { return; }
    items.clear();
    mine = [];
    selected = null;
    redraw();
    send({ kind: "clear" });
  });
  root.querySelector("[data-action=png]").addEventListener("click", function () {
    var sheet = document.createElement("canvas");
    sheet.width = W;
    sheet.height = H;
    var c = sheet.getContext("2d");
    var ink = document.createElement("canvas");
    ink.width = W;
    ink.height = H;
    var inkCtx = ink.getContext("2d");
    items.forEach(function (item) { drawItem(inkCtx, item); });
    c.fillStyle = "#ffffff";
    c.fillRect(0, 0, W, H);
    c.drawImage(ink, 0, 0);
    sheet.toBlob(function (blob) {
      var body = new FormData();
      body.append("file", blob, "paper-board.png");
      saveAsDocument(config.pngUrl, body);
    }, "image/png");
  });

  // Save as PDF: the server draws the PDF from the stored board; the form works without JS.
  var pdfForm = root.querySelector("[data-board-pdf]");
  pdfForm.addEventListener("submit", function (event) {
    event.preventDefault();
    saveAsDocument(config.pdfUrl, new FormData(pdfForm));
  });

  // Both exports become a document of the space; the documents panel shows it at once.
  function saveAsDocument(url, body) {
    setStatus(text.saving);
    fetch(url, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": config.csrfToken }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { setStatus(answer.error); return; }
        setStatus(text.saved.replace("%(name)s", answer.document.name));
        document.dispatchEvent(new CustomEvent("coaching:documents-changed",
          { detail: answer.document }));
      });
    }).catch(function () { setStatus(text.saveFailed); });
  }

  // --- Sync: the transport ---------------------------------------------------------------
  // Over the live socket (live.js) when it is open: operations go out as "board.op" frames
  // and come in as "board.changes" when the server announces a new version. Otherwise over
  // HTTP: POST each operation, poll for changes every config.pollMs. Either way the server
  // stores every operation before anyone sees it, and the page asks for what it missed.
  var live = window.coachingLive || null;
  var waitingRef = null;   // ref of the operation sent on the socket, until its ack
  var pollTimer = null;

  function isLive() { return Boolean(live && live.connected); }

  function send(operation) {
    pending.push(operation);
    flush();
  }

  function flush() {
    if (sending || !pending.length) { return; }
    sending = true;
    if (isLive()) {
      waitingRef = newId();
      live.send({ type: "board.op", op: pending[0], ref: waitingRef });
      return;
    }
    var operation = pending[0];
    fetch(config.opsUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrfToken },
      body: JSON.stringify(operation)
    }).then(function (response) {
      if (response.status === 400) {
        // Refused for good (e.g. invalid): drop it and say why; keep the rest.
        pending.shift();
        return response.json().then(function (body) { setStatus(body.error); });
      }
      if (!response.ok) { throw new Error(String(response.status)); }
      pending.shift();
      setOnline(true);
    }).then(function () {
      sending = false;
      flush();
    }).catch(function () {
      sending = false;
      setOnline(false);
      setTimeout(flush, 2000);
    });
  }

  function movingHere(id) {
    return (moveTimer && selected === id) || pending.some(function (op) {
      return op.kind === "move" && op.target === id;
    });
  }

  function applyRemote(operation) {
    if (operation.kind === "stroke" || operation.kind === "text") {
      var known = items.get(operation.id);
      if (known && (known.dx || known.dy)) {
        operation.dx = known.dx;
        operation.dy = known.dy;
      }
      items.set(operation.id, operation);
    } else if (operation.kind === "undo" || operation.kind === "delete") {
      items.delete(operation.id);
    } else if (operation.kind === "move") {
      var item = items.get(operation.id);
      // A move this page is still making wins over the echo of an earlier one.
      if (item && !movingHere(operation.id)) {
        item.dx = operation.dx;
        item.dy = operation.dy;
      }
    } else if (operation.kind === "clear") {
      items.clear();
      mine = [];
    }
    if (selected && !items.has(selected)) { selected = null; }
  }

  function applyLocal(op) {
    if (op.kind === "move") {
      var item = items.get(op.target);
      if (item) { item.dx = op.dx; item.dy = op.dy; }
    } else if (op.kind === "undo" || op.kind === "delete") {
      items.delete(op.target);
    } else if (op.kind === "clear") {
      items.clear();
    } else {
      items.set(op.id, op);
    }
  }

  function applyChange(change) {
    // An answer older than what the page has (a poll overtaken by the socket) is stale.
    if (change.version < version) { return; }
    if (change.reset) {
      var kept = selected, before = items.get(selected);
      items = new Map();
      change.ops.forEach(applyRemote);
      // Keep what is done here but not yet stored, the move being made included.
      pending.forEach(applyLocal);
      selected = kept && items.has(kept) ? kept : null;
      if (selected && moveTimer && before) {
        items.get(selected).dx = before.dx;
        items.get(selected).dy = before.dy;
      }
    } else {
      change.ops.forEach(applyRemote);
    }
    version = change.version;
    setOnline(true);
    redraw();
  }

  function schedulePoll(ms) {
    if (pollTimer) { clearTimeout(pollTimer); }
    pollTimer = setTimeout(poll, ms);
  }

  function poll() {
    pollTimer = null;
    if (isLive()) { return; }   // the socket brings the changes
    fetch(config.stateUrl + "?since=" + version, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (change) {
        applyChange(change);
        schedulePoll(change.more ? 0 : config.pollMs);
      })
      .catch(function () {
        setOnline(false);
        schedulePoll(config.pollMs * 2);
      });
  }

  function transport(name) { root.dataset.transport = name; }

  if (live) {
    live.on("open", function () {
      transport("live");
      if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
      // Catch up with what was drawn while the page was not listening, then send.
      live.send({ type: "board.sync", since: version });
      sending = false;
      waitingRef = null;
      flush();
    });
    live.on("close", function () {
      transport("polling");
      // An operation that got no ack is sent again (a stroke twice is stored once).
      sending = false;
      waitingRef = null;
      schedulePoll(0);
      flush();
    });
    live.on("board.changes", applyChange);
    live.on("board.ack", function (message) {
      if (message.ref !== waitingRef) { return; }
      pending.shift();
      sending = false;
      waitingRef = null;
      setOnline(true);
      flush();
    });
    live.on("error", function (message) {
      if (!message.ref || message.ref !== waitingRef) { return; }
      // Refused for good (e.g. invalid): drop it and say why; keep the rest.
      pending.shift();
      sending = false;
      waitingRef = null;
      setStatus(message.error);
      flush();
    });
  }
  transport(isLive() ? "live" : "polling");

  window.addEventListener("resize", resize);
  window.addEventListener("online", flush);
  resize();
  poll();
})();
