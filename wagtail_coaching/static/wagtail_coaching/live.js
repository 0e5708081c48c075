/* The live socket of a client space page: one WebSocket shared by the board, the documents
 * panel and the room's presence (window.coachingLive).
 *
 *   coachingLive.on("open" | "close" | "board.changes" | ..., function (message) {});
 *   coachingLive.send({ type: "board.op", ... })   // false when not connected
 *   coachingLive.connected                          // true while the socket is open
 *
 * The socket reconnects by itself, a little later each time. While it is not open the
 * scripts that use it poll over HTTP as before ("close" tells them to), so a proxy that
 * blocks WebSockets only makes the page a little slower, never broken. A socket refused by
 * the server (code 4403: no longer a participant, or the space closed) is not retried.
 */
(function () {
  "use strict";
  var node = document.getElementById("coaching-live-config");
  var config = node ? JSON.parse(node.textContent) : null;
  var handlers = {};
  var socket = null;
  var attempts = 0;
  var pingTimer = null;
  var pongTimer = null;
  var REFUSED = 4403;
  var PING_MS = 25000;
  var PONG_MS = 10000;

  var live = {
    connected: false,
    on: function (type, handler) {
      (handlers[type] = handlers[type] || []).push(handler);
    },
    send: function (message) {
      if (!live.connected) { return false; }
      socket.send(JSON.stringify(message));
      return true;
    }
  };
  window.coachingLive = live;

  function emit(type, message) {
    (handlers[type] || []).forEach(function (handler) {
      try { handler(message); } catch (e) { if (window.console) { console.error(e); } }
    });
  }

  function stopTimers() {
    if (pingTimer) { clearInterval(pingTimer); pingTimer = null; }
    if (pongTimer) { clearTimeout(pongTimer); pongTimer = null; }
  }

  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + config.url;
  }

  function connect() {
    if (typeof window.WebSocket !== "function") { return; }   // polling only
    try {
      socket = new WebSocket(socketUrl());
    } catch (e) {
      return;
    }
    socket.addEventListener("open", function () {
      attempts = 0;
      live.connected = true;
      document.documentElement.dataset.coachingLive = "open";
      pingTimer = setInterval(function () {
        if (!live.send({ type: "ping" })) { return; }
        // No answer: the connection is dead without having said so (a sleeping laptop).
        pongTimer = setTimeout(function () { socket.close(); }, PONG_MS);
      }, PING_MS);
      emit("open", {});
    });
    socket.addEventListener("message", function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "pong") {
        if (pongTimer) { clearTimeout(pongTimer); pongTimer = null; }
        return;
      }
      emit(message.type, message);
    });
    socket.addEventListener("close", function (event) {
      var wasOpen = live.connected;
      live.connected = false;
      stopTimers();
      document.documentElement.dataset.coachingLive = "closed";
      if (wasOpen || attempts === 0) { emit("close", {}); }
      if (event.code === REFUSED) { return; }
      attempts += 1;
      // 1 s, 2 s, 4 s ... up to a minute between tries, with some jitter.
      var delay = Math.min(60000, 1000 * Math.pow(2, Math.min(attempts - 1, 6)));
      setTimeout(connect, delay * (0.75 + Math.random() / 2));
    });
  }

  if (config && config.url) {
    connect();
  } else {
    document.documentElement.dataset.coachingLive = "off";
  }
})();
