// The watch page's one socket (/ws/videos/<id>/): reactions, comments, counts, viewers and, for
// the owner, processing progress. Reconnects with backoff; listeners registered with
// onReconnect catch up on what the page missed while it was down.
"use strict";
window.VideoSocket = (function () {
  const article = document.querySelector("article.watch[data-video-id]");
  if (!article || !("WebSocket" in window)) return null;
  const videoId = article.dataset.videoId;
  const listeners = {};
  const reconnectHooks = [];
  const openHooks = [];
  let socket = null;
  let opened = false;
  let delay = 500;

  function url() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + "/ws/videos/" + encodeURIComponent(videoId) + "/";
  }

  function dispatch(message) {
    (listeners[message.type] || []).forEach(function (fn) {
      try { fn(message); } catch (err) { console.error(err); }
    });
  }

  function connect() {
    socket = new WebSocket(url());
    socket.addEventListener("open", function () {
      const again = opened;
      opened = true;
      delay = 500;
      article.dataset.socket = "open";
      openHooks.forEach(function (fn) { fn(); });
      if (again) reconnectHooks.forEach(function (fn) { fn(); });
    });
    socket.addEventListener("message", function (event) {
      let message;
      try { message = JSON.parse(event.data); } catch (err) { return; }
      if (message && typeof message.type === "string") dispatch(message);
    });
    socket.addEventListener("close", function (event) {
      article.dataset.socket = "closed";
      if (event.code === 4404 || event.code === 4403) return; // not allowed: retrying won't help
      // Backoff with jitter, so a restarted server is not hit by every page at once.
      window.setTimeout(connect, delay + Math.random() * delay);
      delay = Math.min(delay * 2, 30000);
    });
  }

  connect();
  return {
    videoId: videoId,
    on: function (type, fn) { (listeners[type] = listeners[type] || []).push(fn); },
    onReconnect: function (fn) { reconnectHooks.push(fn); },
    // Every time the socket opens, the first time included: events sent before are not replayed.
    onOpen: function (fn) { openHooks.push(fn); },
    send: function (message) {
      if (!socket || socket.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(message));
      return true;
    },
  };
})();

// Shared by the social scripts: a JSON request with the CSRF token of the session.
window.socialFetch = function (url, method, body) {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (match) headers["X-CSRFToken"] = decodeURIComponent(match[1]);
  else if (field) headers["X-CSRFToken"] = field.value;
  return fetch(url, {
    method: method,
    headers: headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(function (response) {
    if (response.status === 204) return { ok: true, status: 204, data: null };
    return response.json().then(
      function (data) { return { ok: response.ok, status: response.status, data: data }; },
      function () { return { ok: response.ok, status: response.status, data: {} }; }
    );
  });
};
