// Ads on the watch page: a pre-roll in its own element before the content, a banner beside
// the player. Everything here may fail (no ad, network, a broken creative): the content
// always plays. player.js calls window.StreamsiteAds.preroll(done) before it starts the
// content (after the content warning, if any) and starts it when `done` is called.
"use strict";
(function () {
  const config = document.getElementById("ads-config");
  if (!config) return;
  const videoId = config.dataset.videoId;
  const decisionUrl = config.dataset.decisionUrl;
  // An ad view in progress survives a reload: the same view (same token, so its beacons count
  // once) is shown again instead of a second decision.
  const STORE = "streamsite:ad-view:" + videoId;
  const DECISION_TIMEOUT_MS = 3000;
  const START_TIMEOUT_MS = 6000; // a creative not playing by then is abandoned
  const STALL_TIMEOUT_MS = 6000;

  // One decision at a time: a first-time visitor has no viewer cookie yet, and the server
  // gives each cookie-less decision a new viewer id (the frequency cap's key). Two decisions
  // in flight together (the pre-roll's and the banner's) would make two ids, the last
  // response's cookie would win, and the cap would count this browser as two viewers: a
  // reload would then get another ad of a campaign capped at one. So each decision is sent
  // after the previous one has answered (and set the cookie); its timeout starts when sent.
  let previous = Promise.resolve();

  function decide(kind, timeoutMs) {
    const url = decisionUrl + "?video=" + encodeURIComponent(videoId) + "&kind=" + kind;
    const asked = previous.then(function () {
      const abort = new AbortController();
      const timer = window.setTimeout(function () { abort.abort(); }, timeoutMs);
      return fetch(url, { credentials: "same-origin", signal: abort.signal })
        .then(function (r) { return r.status === 200 ? r.json() : null; })
        .catch(function () { return null; })
        .finally(function () { window.clearTimeout(timer); });
    });
    previous = asked;
    return asked;
  }

  function ping(url) {
    // keepalive: the beacon is sent even if the page is left or reloaded right after.
    fetch(url, { method: "POST", credentials: "same-origin", keepalive: true })
      .catch(function () { /* a lost beacon loses a count, never the video */ });
  }

  function remembered() {
    try {
      const saved = JSON.parse(window.sessionStorage.getItem(STORE) || "null");
      if (saved && Date.now() - saved.savedAt < 15 * 60 * 1000) return saved;
    } catch (_e) { /* storage blocked or corrupt: decide afresh */ }
    return null;
  }

  function remember(ad) {
    try {
      if (ad) window.sessionStorage.setItem(STORE, JSON.stringify(Object.assign({ savedAt: Date.now() }, ad)));
      else window.sessionStorage.removeItem(STORE);
    } catch (_e) { /* private mode: the ad still plays, a reload decides again */ }
  }

  function clock(s) {
    s = Math.max(0, Math.ceil(s));
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  /** Play `ad` in #ad-slot; call `finish` once, whatever happens. */
  function playPreroll(ad, finish) {
    const slot = document.getElementById("ad-slot");
    if (!slot) { finish(); return; }
    const box = el("div", { class: "ad-preroll", role: "region", "aria-label": "Advertisement", "data-ad-preroll": "" });
    const media = el("video", { class: "ad-video", playsinline: "", "data-ad-video": "" });
    const bar = el("div", { class: "ad-bar" });
    const badge = el("span", { class: "ad-badge" }, "Ad");
    const countdown = el("span", { "data-ad-countdown": "" }, ad.duration ? clock(ad.duration) : "");
    const visit = el("a", { href: ad.click_url, target: "_blank", rel: "noopener sponsored", "data-ad-visit": "" },
      "Visit advertiser");
    const spacer = el("span", { class: "ad-spacer" });
    const wait = el("span", { "data-ad-skip-wait": "" });
    const skip = el("button", { type: "button", class: "ad-skip", "data-ad-skip": "" }, "Skip ad");
    const mute = el("button", { type: "button", class: "ad-mute", "data-ad-mute": "" }, "Unmute");
    skip.hidden = true;
    mute.hidden = true;
    bar.append(badge, countdown, visit, spacer, mute, wait, skip);
    box.append(media, bar);
    slot.replaceChildren(box);

    let hls = null;
    let done = false;
    let started = false;
    let stall = null;
    const skipAfter = Math.max(0, Number(ad.skip_after_s) || 0);

    function end() {
      if (done) return;
      done = true;
      window.clearTimeout(startTimer);
      window.clearTimeout(stall);
      if (hls) hls.destroy();
      media.removeAttribute("src");
      media.load();
      slot.replaceChildren();
      finish();
    }
    const startTimer = window.setTimeout(end, START_TIMEOUT_MS);

    function tick() {
      const left = (media.duration || ad.duration || 0) - media.currentTime;
      countdown.textContent = clock(left);
      const canSkip = media.currentTime >= skipAfter;
      skip.hidden = !canSkip;
      wait.hidden = canSkip;
      if (!canSkip) wait.textContent = "You can skip in " + Math.ceil(skipAfter - media.currentTime) + " s";
    }

    media.addEventListener("playing", function () {
      window.clearTimeout(stall);
      if (!started) {
        started = true;
        window.clearTimeout(startTimer);
        ping(ad.impression_url);
      }
    });
    media.addEventListener("waiting", function () {
      window.clearTimeout(stall);
      stall = window.setTimeout(end, STALL_TIMEOUT_MS);
    });
    media.addEventListener("timeupdate", tick);
    media.addEventListener("ended", function () {
      ping(ad.complete_url);
      end();
    });
    media.addEventListener("error", end);
    skip.addEventListener("click", end);
    mute.addEventListener("click", function () {
      media.muted = !media.muted;
      mute.textContent = media.muted ? "Unmute" : "Mute";
    });
    tick();

    function play() {
      // With sound if the browser allows it; else muted (always allowed); else give up.
      media.play().catch(function () {
        media.muted = true;
        mute.hidden = false;
        media.play().catch(end);
      });
    }

    const Hls = window.Hls;
    if (/\.m3u8(\?|$)/.test(ad.media_url) && Hls && Hls.isSupported()) {
      hls = new Hls({ enableWorker: false, startLevel: 0 });
      hls.on(Hls.Events.ERROR, function (_e, data) { if (data.fatal) end(); });
      hls.on(Hls.Events.MANIFEST_PARSED, play);
      hls.loadSource(ad.media_url);
      hls.attachMedia(media);
    } else if (media.canPlayType("application/vnd.apple.mpegurl") || !/\.m3u8/.test(ad.media_url)) {
      media.src = ad.media_url;
      play();
    } else {
      end();
    }
  }

  // Asked at once, while the player's scripts load, unless a content warning must be
  // confirmed first (a decision reserves an impression: none for a view that may not happen).
  const player = document.getElementById("player");
  let early = player && !("contentWarning" in player.dataset) && !remembered()
    ? decide("preroll", DECISION_TIMEOUT_MS) : null;

  function preroll(done) {
    let called = false;
    function finish() {
      if (called) return;
      called = true;
      remember(null);
      done();
    }
    try {
      const saved = remembered();
      const asked = saved ? Promise.resolve(saved) : early || decide("preroll", DECISION_TIMEOUT_MS);
      early = null;
      asked.then(function (ad) {
        if (!ad || ad.kind !== "preroll") { finish(); return; }
        if (!saved) remember(ad);
        try { playPreroll(ad, finish); } catch (_e) { finish(); }
      }, finish);
    } catch (_e) {
      finish();
    }
  }

  function banner() {
    const slot = document.getElementById("ad-banner");
    if (!slot) return;
    decide("banner", 10000).then(function (ad) {
      if (!ad || ad.kind !== "banner") return;
      const box = el("aside", { class: "ad-banner", "aria-label": "Advertisement", "data-ad-banner": "" });
      const link = el("a", { href: ad.click_url, target: "_blank", rel: "noopener sponsored" });
      const img = el("img", { src: ad.media_url, alt: "Advertisement from " + ad.advertiser });
      img.addEventListener("load", function () { ping(ad.impression_url); }, { once: true });
      img.addEventListener("error", function () { slot.replaceChildren(); }, { once: true });
      link.append(img);
      box.append(el("span", { class: "ad-badge" }, "Ad"), link);
      slot.replaceChildren(box);
    });
  }

  window.StreamsiteAds = { preroll: preroll };
  banner();
})();
