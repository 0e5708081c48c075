/* The documents panel of the video room: upload during the call, see the other's uploads.
 *
 * The page asks the space's documents feed with the last ETag it has seen; the server
 * answers 304 (nothing new, nothing decrypted) or the whole list, redrawn here with DOM
 * methods only (a document's name is text, never markup). It asks when the space's live
 * socket (live.js) says the documents changed, or every config.pollMs while the socket is
 * not open. Without this script the upload form posts normally and the room page comes back
 * with a message.
 */
(function () {
  "use strict";
  var root = document.getElementById("coaching-documents");
  if (!root) { return; }
  var config = JSON.parse(document.getElementById("coaching-documents-config").textContent);
  var text = JSON.parse(document.getElementById("coaching-documents-text").textContent);
  var list = root.querySelector("[data-documents-list]");
  var empty = root.querySelector("[data-documents-empty]");
  var form = root.querySelector("[data-documents-upload]");
  var statusLine = root.querySelector("[data-documents-status]");
  var version = config.version;
  var known = new Set();
  var timer = null;

  list.querySelectorAll("[data-document-id]").forEach(function (item) {
    known.add(item.dataset.documentId);
  });
  root.dataset.count = String(known.size);

  function setStatus(message, isError) {
    statusLine.textContent = message;
    statusLine.classList.toggle("errors", Boolean(isError));
  }

  function item(doc) {
    var li = document.createElement("li");
    li.dataset.documentId = doc.id;
    var link = document.createElement("a");
    link.href = doc.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = doc.name;
    var meta = document.createElement("span");
    meta.className = "coaching-room__document-meta";
    var when = document.createElement("time");
    when.dateTime = doc.uploadedAt;
    when.textContent = doc.uploadedAtText;
    meta.append(doc.uploadedBy + " · ", when);
    li.append(link, " ", meta);
    return li;
  }

  function render(documents) {
    var fresh = [];
    list.replaceChildren.apply(list, documents.map(function (doc) {
      if (!known.has(doc.id)) { fresh.push(doc); }
      return item(doc);
    }));
    known = new Set(documents.map(function (doc) { return doc.id; }));
    empty.hidden = documents.length > 0;
    root.dataset.count = String(documents.length);
    return fresh;
  }

  function schedule(ms) {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(poll, ms);
  }

  var live = window.coachingLive || null;

  function isLive() { return Boolean(live && live.connected); }

  // Polls again later only while there is no live socket to say when something changed.
  function again(ms) {
    if (!isLive()) { schedule(ms); }
  }

  function poll() {
    timer = null;
    fetch(config.feedUrl, {
      credentials: "same-origin", cache: "no-store",
      headers: { "Accept": "application/json", "If-None-Match": version }
    }).then(function (response) {
      if (response.status === 304) { return null; }
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      if (body) {
        var fresh = render(body.documents);
        version = body.version;
        if (fresh.length === 1) {
          setStatus(text.newDocument.replace("%(name)s", fresh[0].name), false);
        }
      }
      again(config.pollMs);
    }).catch(function () {
      again(config.pollMs * 2);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    if (!input.files.length) { setStatus(text.chooseFile, true); input.focus(); return; }
    var body = new FormData(form);
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    setStatus(text.uploading, false);
    fetch(config.feedUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Accept": "application/json", "X-CSRFToken": config.csrfToken }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { setStatus(answer.error, true); return; }
        form.reset();
        known.add(answer.document.id);
        setStatus(text.uploaded, false);
        schedule(0);
      });
    }).catch(function () {
      setStatus(text.failed, true);
    }).then(function () {
      button.disabled = false;
    });
  });

  // The paper board says when it saved itself as a document.
  document.addEventListener("coaching:documents-changed", function () { schedule(0); });
  if (live) {
    // On (re)connection, catch up with what may have changed meanwhile.
    live.on("open", function () { schedule(0); });
    live.on("close", function () { schedule(config.pollMs); });
    live.on("documents.changed", function () { schedule(0); });
  }
  schedule(config.pollMs);
})();
