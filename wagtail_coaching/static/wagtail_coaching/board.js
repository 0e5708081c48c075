/* The paper board: draw with mouse, touch or stylus (Pointer Events), in sync with the other
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

  var items = new Map();   // item id -> stroke or text, in drawing order
  var mine = [];           // ids of my own items, for undo
  var pending = [];        // operations not yet accepted by the server
  var version = 0;
  var sending = false;
  var drawing = null;
  var tool = "pen", color = "#1d2430", width = 4;
  var online = true;

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
    root.dataset.items = String(items.size);
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

  canvas.addEventListener("pointerdown", function (event) {
    if (event.button !== undefined && event.button > 0) { return; }
    event.preventDefault();
    if (tool === "text") {
      var value = textInput.value.trim();
      if (!value) { setStatus(text.needText); textInput.focus(); return; }
      var point = boardPoint(event);
      addLocal({ kind: "text", id: newId(), x: point[0], y: point[1], text: value,
                 color: color, size: textSize() });
      textInput.value = "";
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

  function applyRemote(operation) {
    if (operation.kind === "stroke" || operation.kind === "text") {
      items.set(operation.id, operation);
    } else if (operation.kind === "undo") {
      items.delete(operation.id);
    } else if (operation.kind === "clear") {
      items.clear();
      mine = [];
    }
  }

  function applyChange(change) {
    // An answer older than what the page has (a poll overtaken by the socket) is stale.
    if (change.version < version) { return; }
    if (change.reset) {
      items = new Map();
      // Keep what is drawn here but not yet stored.
      change.ops.forEach(applyRemote);
      pending.forEach(function (op) {
        if (op.kind === "stroke" || op.kind === "text") { items.set(op.id, op); }
      });
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
