// Broadcasts on every page: the /ws/site/ socket, live banners and news flashes, expiry
// without a request, dismissal, reconnect catch-up and a polling fallback. Also passes every
// /ws/site/ message on as a "streamsite:site" DOM event (notifications use the same socket).
"use strict";
(function () {
  const region = document.getElementById("banners");
  if (!region) return;
  const ticker = region.querySelector("[data-ticker]");
  const activeUrl = region.dataset.activeUrl;
  const pageVideo = region.dataset.video || "";
  const pageLive = region.dataset.live || "";
  const POLL_MS = 10000; // without a socket
  const TICK_MS = 6000; // one news flash after another
  const DISMISSED_KEY = "streamsite.dismissedBroadcasts";

  // The server's clock minus ours: expiry follows the server's time, not a skewed laptop's.
  let skew = serverSkew(region.dataset.serverNow);
  const timers = new Map(); // id -> timeout of its start or expiry
  let socket = null;
  let pollTimer = 0;
  let retryDelay = 1000;

  function serverSkew(iso) {
    const t = Date.parse(iso || "");
    return Number.isFinite(t) ? t - Date.now() : 0;
  }
  function now() { return Date.now() + skew; }

  function dismissedIds() {
    try {
      return new Set(JSON.parse(window.sessionStorage.getItem(DISMISSED_KEY) || "[]"));
    } catch (_err) {
      return new Set(); // storage disabled or corrupt: the server still remembers
    }
  }
  function rememberDismissed(id) {
    const ids = Array.from(dismissedIds()).filter(function (x) { return x !== id; });
    ids.push(id);
    try {
      window.sessionStorage.setItem(DISMISSED_KEY, JSON.stringify(ids.slice(-200)));
    } catch (_err) { /* storage full or disabled: the server's record is enough */ }
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function inScope(item) {
    if (item.video) return item.video === pageVideo;
    if (item.live_stream) return item.live_stream === pageLive;
    return true;
  }

  function find(id) {
    return document.querySelector('[data-broadcast-id="' + Number(id) + '"]');
  }

  function containerFor(item) {
    if (item.display === "ticker") return ticker;
    if (item.video) return document.getElementById("video-banners") || region;
    return region;
  }

  /** The same markup as templates/broadcasts/banner.html; text only, never HTML. */
  function build(item) {
    const isTicker = item.display === "ticker";
    const el = document.createElement("div");
    el.className = "banner banner-" + item.severity + (isTicker ? " ticker-item" : "");
    el.dataset.broadcastId = String(item.id);
    el.dataset.severity = item.severity;
    if (item.starts_at) el.dataset.startsAt = item.starts_at;
    if (item.expires_at) el.dataset.expiresAt = item.expires_at;
    el.setAttribute("role", item.severity === "critical" ? "alert" : "status");
    const text = document.createElement("p");
    text.className = "banner-text";
    const label = document.createElement("span");
    label.className = "banner-label";
    label.textContent = (isTicker ? "News flash" :
      item.severity.charAt(0).toUpperCase() + item.severity.slice(1)) + ":";
    text.append(label, " " + item.message);
    if (item.link && /^https?:\/\//i.test(item.link)) {
      const link = document.createElement("a");
      link.href = item.link;
      link.rel = "noopener";
      link.textContent = "More";
      text.append(" ", link);
    }
    el.append(text);
    if (item.severity !== "critical") {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "banner-dismiss";
      button.dataset.action = "dismiss-broadcast";
      const short = item.message.length > 60 ? item.message.slice(0, 59) + "…" : item.message;
      button.setAttribute("aria-label", "Dismiss: " + short);
      const x = document.createElement("span");
      x.setAttribute("aria-hidden", "true");
      x.textContent = "×";
      button.append(x);
      el.append(button);
    }
    return el;
  }

  function clearTimer(id) {
    if (timers.has(id)) {
      window.clearTimeout(timers.get(id));
      timers.delete(id);
    }
  }

  /** Remove it when it expires, by the page's own clock: no request needed. */
  function scheduleExpiry(id, expiresAt) {
    clearTimer(id);
    const at = Date.parse(expiresAt || "");
    if (!Number.isFinite(at)) return;
    // setTimeout's limit is about 24.8 days; a later expiry is re-checked then.
    const wait = Math.min(Math.max(0, at - now()), 2147483000);
    timers.set(id, window.setTimeout(function () {
      if (at <= now()) remove(id); else scheduleExpiry(id, expiresAt);
    }, wait));
  }

  function show(item) {
    const id = Number(item.id);
    if (!inScope(item)) return;
    if (item.severity !== "critical" && dismissedIds().has(id)) return;
    if (item.expires_at && Date.parse(item.expires_at) <= now()) { remove(id); return; }
    const startsAt = Date.parse(item.starts_at || "");
    if (Number.isFinite(startsAt) && startsAt > now()) {
      // Pushed a moment early: hold it until it starts.
      clearTimer(id);
      timers.set(id, window.setTimeout(function () { show(item); }, startsAt - now()));
      return;
    }
    const old = find(id);
    const el = build(item);
    const container = containerFor(item);
    if (old && old.parentElement === container) {
      // The catch-up after the socket opens rebuilds what the server rendered: a keyboard
      // user already on its Dismiss button keeps their place (else Enter went to the page).
      const focused = old.contains(document.activeElement);
      old.replaceWith(el);
      const button = el.querySelector(".banner-dismiss");
      if (focused && button) button.focus();
    } else {
      if (old) old.remove();
      if (item.display === "ticker") container.append(el);
      else container.insertBefore(el, container === region ? ticker : container.firstChild);
    }
    scheduleExpiry(id, item.expires_at);
    refresh();
  }

  function remove(id) {
    id = Number(id);
    clearTimer(id);
    const el = find(id);
    if (!el) return;
    // Keyboard users whose focus was on it land on the next announcement or the page.
    const hadFocus = el.contains(document.activeElement);
    el.remove();
    refresh();
    if (hadFocus) {
      const next = document.querySelector("#banners .banner-dismiss, #video-banners .banner-dismiss");
      (next || document.getElementById("main") || document.body).focus();
    }
  }

  // --- news flashes rotate, one at a time ---------------------------------------------------
  let tickIndex = 0;
  function rotate() {
    const items = ticker.querySelectorAll(".ticker-item");
    ticker.hidden = items.length === 0;
    if (!items.length) return;
    tickIndex = tickIndex % items.length;
    items.forEach(function (el, i) {
      // Never hide the one holding focus under a keyboard user.
      el.hidden = i !== tickIndex && !el.contains(document.activeElement);
    });
  }
  window.setInterval(function () {
    if (ticker.matches(":hover, :focus-within")) return; // let people finish reading
    tickIndex += 1;
    rotate();
  }, TICK_MS);

  // --- critical ones also over the player (inside its shell: visible in full screen) ---------
  function overlay() {
    const stage = document.querySelector("#player-shell .player-stage");
    if (!stage) return;
    let box = stage.querySelector("[data-player-broadcasts]");
    const critical = Array.from(document.querySelectorAll(
      '#banners .banner[data-severity="critical"], #video-banners .banner[data-severity="critical"]'));
    if (!critical.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "player-broadcasts";
      box.dataset.playerBroadcasts = "";
      // The banner above already announces it (role="alert"): this copy is for the eyes.
      box.setAttribute("aria-hidden", "true");
      stage.append(box);
    }
    box.replaceChildren.apply(box, critical.map(function (banner) {
      const line = document.createElement("p");
      line.className = "player-broadcast";
      line.dataset.broadcastOverlay = banner.dataset.broadcastId;
      line.textContent = banner.querySelector(".banner-text").textContent;
      return line;
    }));
  }

  function refresh() {
    rotate();
    overlay();
  }

  // --- dismissal ------------------------------------------------------------------------------
  document.addEventListener("click", function (event) {
    const button = event.target.closest('[data-action="dismiss-broadcast"]');
    if (!button) return;
    const banner = button.closest("[data-broadcast-id]");
    const id = Number(banner.dataset.broadcastId);
    rememberDismissed(id);
    remove(id);
    fetch(activeUrl.replace(/active\/$/, id + "/dismiss/"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).catch(function () { /* remembered in this browser; the server learns next time */ });
  });

  // --- catch-up and polling -------------------------------------------------------------------
  function query() {
    const params = new URLSearchParams();
    if (pageVideo) params.set("video", pageVideo);
    if (pageLive) params.set("live", pageLive);
    const q = params.toString();
    return activeUrl + (q ? "?" + q : "");
  }

  /** Make the page match what is in force now: add what it missed, drop what ended. */
  function catchUp() {
    return fetch(query(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        skew = serverSkew(data.now) || skew;
        const live = new Set();
        data.results.forEach(function (item) { live.add(Number(item.id)); show(item); });
        document.querySelectorAll("[data-broadcast-id]").forEach(function (el) {
          if (!live.has(Number(el.dataset.broadcastId))) remove(el.dataset.broadcastId);
        });
      })
      .catch(function () { /* offline: the next poll or reconnect tries again */ });
  }

  function startPolling() {
    if (!pollTimer) pollTimer = window.setInterval(catchUp, POLL_MS);
  }
  function stopPolling() {
    window.clearInterval(pollTimer);
    pollTimer = 0;
  }

  // --- the socket -----------------------------------------------------------------------------
  function handle(msg) {
    if (msg.type === "broadcast") show(msg);
    else if (msg.type === "broadcast.ended") remove(msg.id);
    document.dispatchEvent(new CustomEvent("streamsite:site", { detail: msg }));
  }

  function connect() {
    if (!("WebSocket" in window)) { startPolling(); return; }
    const url = new URL("/ws/site/", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (pageVideo) url.searchParams.set("video", pageVideo);
    if (pageLive) url.searchParams.set("live", pageLive);
    socket = new WebSocket(url.href);
    socket.addEventListener("open", function () {
      retryDelay = 1000;
      stopPolling();
      // Whatever was issued or ended while the page loaded or the socket was down.
      catchUp();
      region.dataset.socket = "open";
    });
    socket.addEventListener("message", function (event) {
      let msg;
      try { msg = JSON.parse(event.data); } catch (_err) { return; }
      if (msg && typeof msg.type === "string") handle(msg);
    });
    socket.addEventListener("close", function () {
      region.dataset.socket = "closed";
      socket = null;
      startPolling();
      // Back off (with jitter, so a restarted server is not hit by every page at once).
      const wait = retryDelay * (0.5 + Math.random());
      retryDelay = Math.min(retryDelay * 2, 30000);
      window.setTimeout(connect, wait);
    });
  }

  // A laptop waking up: its timers were frozen, its socket may be dead without knowing it.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") catchUp();
  });

  document.querySelectorAll("[data-broadcast-id]").forEach(function (el) {
    const id = Number(el.dataset.broadcastId);
    if (el.dataset.severity !== "critical" && dismissedIds().has(id)) remove(id);
    else scheduleExpiry(id, el.dataset.expiresAt);
  });
  refresh();
  window.StreamsiteBroadcasts = { catchUp: catchUp, socket: function () { return socket; } };
  connect();
})();
