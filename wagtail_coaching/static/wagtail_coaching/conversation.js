/* The conversation of a space: newest at the bottom, older pages when scrolled to the top,
 * new messages as they arrive (the live socket's "messages.changed", else a poll), and a
 * draft kept in this browser's localStorage only (it is never sent until "Send").
 */
(function () {
  "use strict";
  var node = document.getElementById("coaching-conversation-config");
  if (!node) { return; }
  var config = JSON.parse(node.textContent);
  var scroller = document.getElementById("conversation-scroll");
  var list = document.getElementById("conversation-messages");
  var olderBox = document.getElementById("conversation-older");
  var form = document.getElementById("conversation-form");
  var cursor = list.getAttribute("data-cursor");
  var loadingOlder = false;
  var polling = false;

  function atBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
  }
  function toBottom() { scroller.scrollTop = scroller.scrollHeight; }

  function fragment(html) {
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    return holder.firstElementChild;
  }

  function oldestId() {
    var first = list.querySelector("[data-message]");
    return first ? first.getAttribute("data-message") : null;
  }

  function loadOlder() {
    var before = oldestId();
    if (loadingOlder || !before || olderBox.hidden) { return; }
    loadingOlder = true;
    var height = scroller.scrollHeight;
    fetch(config.older + "?before=" + encodeURIComponent(before), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        var first = list.firstElementChild;
        body.messages.forEach(function (item) {
          if (!document.getElementById("message-" + item.id)) {
            list.insertBefore(fragment(item.html), first);
          }
        });
        olderBox.hidden = !body.more;
        scroller.scrollTop += scroller.scrollHeight - height;   // stay where the reader was
      })
      .catch(function () {})
      .then(function () { loadingOlder = false; });
  }

  function markSeen(id) {
    Array.prototype.forEach.call(list.querySelectorAll("[data-seen]"), function (label) {
      if (!id || label.parentNode.getAttribute("data-message") !== id) { label.remove(); }
    });
  }

  function poll() {
    if (polling) { return; }
    polling = true;
    var visible = document.visibilityState === "visible" ? "1" : "0";
    var url = config.updates + "?since=" + encodeURIComponent(cursor) + "&read=" + visible;
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) { return; }
        var stick = atBottom();
        var empty = document.getElementById("conversation-empty");
        body.messages.forEach(function (item) {
          var fresh = fragment(item.html);
          var old = document.getElementById("message-" + item.id);
          if (old) { old.replaceWith(fresh); } else { list.appendChild(fresh); }
          if (empty) { empty.remove(); empty = null; }
        });
        markSeen(body.seen);
        if (body.seen) {
          var target = document.getElementById("message-" + body.seen);
          if (target && !target.querySelector("[data-seen]")) {
            var label = document.createElement("p");
            label.className = "coaching-message__seen";
            label.setAttribute("data-seen", "");
            label.textContent = list.getAttribute("data-seen-label") || "";
            target.appendChild(label);
          }
        }
        cursor = body.cursor;
        if (stick) { toBottom(); }
      })
      .catch(function () {})
      .then(function () { polling = false; });
  }

  // Older pages: the button, or scrolling to the top.
  olderBox.querySelector("[data-older]").addEventListener("click", loadOlder);
  scroller.addEventListener("scroll", function () { if (scroller.scrollTop < 40) { loadOlder(); } });

  // New messages: at once when the live socket says so, else every poll_ms.
  var live = window.coachingLive;
  if (live) { live.on("messages.changed", poll); live.on("open", poll); }
  window.setInterval(function () { if (!live || !live.connected) { poll(); } }, config.poll_ms);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { poll(); }
  });

  // The draft lives in this browser only, until it is sent.
  if (form) {
    var text = form.querySelector("textarea");
    var note = document.getElementById("conversation-draft-note");
    var store = null;
    try { store = window.localStorage; } catch (e) { store = null; }
    if (store && text) {
      var saved = store.getItem(config.draft_key);
      if (saved && !text.value) { text.value = saved; }
      if (note) { note.hidden = false; }
      text.addEventListener("input", function () {
        if (text.value) { store.setItem(config.draft_key, text.value); }
        else { store.removeItem(config.draft_key); }
      });
      form.addEventListener("submit", function () { store.removeItem(config.draft_key); });
    }
  }
  toBottom();
}());
