/* The video room: embeds Jitsi's IFrame API and reports presence.
 *
 * The page asks the server for the IFrame options and a fresh token (never reusing an old
 * one) each time it connects: on load, on "Join again", and after a fatal error. Presence:
 * "joined" and "left" from the IFrame API's events, a heartbeat while in the conference,
 * and a last "left" beacon when the page goes away. They travel on the space's live socket
 * (live.js) when it is open, where a dropped socket also ends the presence; otherwise they
 * are POSTed.
 *
 * Token renewal: a token lives ``expiresIn`` seconds. Before it expires the page asks the
 * server for a fresh one (the server checks the lock and the join window again, so renewal
 * stops when the room closes or the person loses access). Not yet in the conference (the
 * pre-join screen, or waiting for the host), the embed is rebuilt with the fresh token so
 * joining never presents an expired one. In the conference, Jitsi needs no token until it
 * connects again: the call is left alone, and a connection Jitsi cannot resume (a fatal
 * error) is re-joined with a fresh token. After "Leave", the page offers "Join again",
 * which also fetches a fresh token.
 */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("coaching-room-config").textContent);
  var text = JSON.parse(document.getElementById("coaching-room-text").textContent);
  var node = document.getElementById("coaching-jitsi");
  var statusLine = document.getElementById("coaching-room-status");
  var rejoin = document.getElementById("coaching-room-rejoin");
  var csrfToken = config.csrfToken;
  var clientId = (window.crypto && crypto.randomUUID) ? crypto.randomUUID()
    : String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  var api = null;
  var currentRoom = null;
  var inConference = false;
  var heartbeat = null;
  var reconnecting = false;
  var renewal = null;

  function setStatus(message) { statusLine.textContent = message; }

  function presenceBody(event) {
    var body = new URLSearchParams();
    body.set("event", event);
    body.set("client", clientId);
    body.set("csrfmiddlewaretoken", csrfToken);
    return body;
  }

  var live = window.coachingLive || null;

  function presence(event) {
    var message = { type: "presence", session: config.sessionId, event: event, client: clientId };
    if (live && live.send(message)) { return Promise.resolve(); }
    return fetch(config.presenceUrl, {
      method: "POST", credentials: "same-origin", body: presenceBody(event),
      headers: { "X-CSRFToken": csrfToken }, keepalive: true
    }).catch(function () { /* the next heartbeat tries again */ });
  }

  function stopHeartbeat() {
    if (heartbeat) { clearInterval(heartbeat); heartbeat = null; }
  }

  function onJoined() {
    inConference = true;
    rejoin.hidden = true;
    setStatus(text.joined);
    presence("joined");
    stopHeartbeat();
    heartbeat = setInterval(function () { presence("heartbeat"); },
      config.heartbeatSeconds * 1000);
  }

  function onLeft() {
    if (inConference) { presence("left"); }
    inConference = false;
    stopHeartbeat();
    stopRenewal();  // "Join again" fetches a fresh token
    setStatus(text.left);
    rejoin.hidden = false;
  }

  // --- Token renewal -------------------------------------------------------------------
  function stopRenewal() {
    if (renewal) { clearTimeout(renewal); renewal = null; }
  }

  function scheduleRenewal(room) {
    stopRenewal();
    if (!room.jwt || !room.expiresIn) { return; }
    // Renew a minute ahead (a fifth of the life of a short token), never in a tight loop.
    var lead = Math.min(60, Math.max(5, room.expiresIn / 5));
    renewal = setTimeout(renew, Math.max(1, room.expiresIn - lead) * 1000);
  }

  function renew() {
    renewal = null;
    if (inConference) {
      // The running call keeps its connection; check again before the next expiry.
      scheduleRenewal(currentRoom);
      return;
    }
    connect();
  }

  function dispose() {
    if (api) { try { api.dispose(); } catch (e) { /* already gone */ } api = null; }
  }

  function onError(error) {
    if (!error || !error.isFatal || reconnecting) { return; }
    // A dropped connection that Jitsi cannot resume (the old token may have expired by
    // then): join again with a fresh token.
    onLeft();
    reconnecting = true;
    setStatus(text.reconnecting);
    setTimeout(function () { reconnecting = false; connect(); }, 1000);
  }

  function connect() {
    setStatus(text.connecting);
    rejoin.hidden = true;
    return fetch(config.tokenUrl, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("closed"); }
        return response.json();
      })
      .then(function (room) {
        if (typeof window.JitsiMeetExternalAPI !== "function") {
          setStatus(text.unavailable);
          return;
        }
        dispose();
        node.replaceChildren();
        var options = {
          roomName: room.roomName,
          parentNode: node,
          width: "100%",
          height: "100%",
          lang: room.lang,
          userInfo: { displayName: room.displayName },
          configOverwrite: { disableDeepLinking: true, prejoinConfig: { enabled: true } }
        };
        if (room.jwt) { options.jwt = room.jwt; }
        currentRoom = room;
        api = new window.JitsiMeetExternalAPI(room.domain, options);
        api.addListener("videoConferenceJoined", onJoined);
        api.addListener("videoConferenceLeft", onLeft);
        api.addListener("readyToClose", function () { onLeft(); dispose(); });
        api.addListener("errorOccurred", onError);
        scheduleRenewal(room);
      })
      .catch(function () {
        stopRenewal();
        setStatus(text.closed);
        rejoin.hidden = false;
      });
  }

  if (live) {
    // A new socket carries the presence again (the server ended it with the old one).
    live.on("open", function () { if (inConference) { presence("joined"); } });
  }

  rejoin.addEventListener("click", connect);
  window.addEventListener("pagehide", function () {
    if (inConference && navigator.sendBeacon) {
      navigator.sendBeacon(config.presenceUrl, presenceBody("left"));
      inConference = false;
    }
    stopHeartbeat();
    stopRenewal();
    dispose();
  });
  connect();
})();
