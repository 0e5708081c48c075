/* A local stand-in of Jitsi's external_api.js, for the browser tests only.
 *
 * It follows the IFrame API's documented contract (handbook docs/dev-guide/iframe.md,
 * iframe-events.md): ``new JitsiMeetExternalAPI(domain, options)`` with ``roomName``,
 * ``jwt``, ``parentNode``, ``width``, ``height``, ``lang``, ``userInfo``,
 * ``configOverwrite``; ``addListener``/``on``, ``removeListener``/``off``,
 * ``executeCommand``, ``dispose``; it builds the conference iframe URL the way the real
 * script does (``<origin>/<room>?jwt=…#config…``), with ``allow`` for camera, microphone
 * and display capture. Tests drive the events with ``window.__jitsiStandIn.emit``.
 */
(function () {
  "use strict";
  var scriptOrigin = new URL(document.currentScript.src).origin;
  var registry = { instances: [], constructed: 0 };

  function JitsiMeetExternalAPI(domain, options) {
    if (!(this instanceof JitsiMeetExternalAPI)) {
      throw new TypeError("JitsiMeetExternalAPI must be called with new");
    }
    if (typeof domain !== "string" || !domain) {
      throw new TypeError("domain must be a non-empty string");
    }
    options = options || {};
    if (options.parentNode && !(options.parentNode instanceof HTMLElement)) {
      throw new TypeError("parentNode must be an element");
    }
    this._domain = domain;
    this._options = options;
    this._listeners = {};
    this._commands = [];
    this._disposed = false;
    var url = scriptOrigin.replace(/\/\/[^/]+$/, "//" + domain) + "/"
      + encodeURIComponent(options.roomName || "");
    if (options.jwt) { url += "?jwt=" + encodeURIComponent(options.jwt); }
    var hash = [];
    if (options.userInfo && options.userInfo.displayName) {
      hash.push("userInfo.displayName=" + encodeURIComponent(JSON.stringify(options.userInfo.displayName)));
    }
    if (options.lang) { hash.push("config.defaultLanguage=" + encodeURIComponent(JSON.stringify(options.lang))); }
    if (hash.length) { url += "#" + hash.join("&"); }
    var frame = document.createElement("iframe");
    frame.src = url;
    frame.name = "jitsiConferenceFrame" + registry.constructed;
    frame.allow = "camera; microphone; display-capture; autoplay; clipboard-write";
    frame.style.width = typeof options.width === "number" ? options.width + "px" : (options.width || "100%");
    frame.style.height = typeof options.height === "number" ? options.height + "px" : (options.height || "100%");
    this._frame = frame;
    (options.parentNode || document.body).appendChild(frame);
    registry.constructed += 1;
    registry.instances.push(this);
  }

  JitsiMeetExternalAPI.prototype.addListener = function (event, listener) {
    (this._listeners[event] = this._listeners[event] || []).push(listener);
    return this;
  };
  JitsiMeetExternalAPI.prototype.on = JitsiMeetExternalAPI.prototype.addListener;
  JitsiMeetExternalAPI.prototype.removeListener = function (event, listener) {
    this._listeners[event] = (this._listeners[event] || []).filter(function (l) { return l !== listener; });
    return this;
  };
  JitsiMeetExternalAPI.prototype.off = JitsiMeetExternalAPI.prototype.removeListener;
  JitsiMeetExternalAPI.prototype.executeCommand = function () {
    this._commands.push(Array.prototype.slice.call(arguments));
  };
  JitsiMeetExternalAPI.prototype.getIFrame = function () { return this._frame; };
  JitsiMeetExternalAPI.prototype.dispose = function () {
    this._disposed = true;
    if (this._frame && this._frame.parentNode) { this._frame.parentNode.removeChild(this._frame); }
  };

  registry.latest = function () { return registry.instances[registry.instances.length - 1]; };
  registry.emit = function (event, data) {
    var api = registry.latest();
    if (!api || api._disposed) { throw new Error("no live JitsiMeetExternalAPI instance"); }
    (api._listeners[event] || []).slice().forEach(function (listener) { listener(data); });
  };

  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
  window.__jitsiStandIn = registry;
})();
