// The live page's player: hls.js in live mode with the watch page's Quality menu
// (player/quality.js), a LIVE badge, "Go to live" after pausing or seeking back, and a DVR
// slider over the window the playlist keeps. While the stream is scheduled or offline the page
// polls the API and starts playing by itself when the creator goes live; when it ends it
// points to the recording.
"use strict";
(function () {
  const page = document.querySelector("[data-stream-id]");
  const shell = document.getElementById("live-shell");
  const video = document.getElementById("player");
  if (!page || !shell || !video) return;
  const kit = window.StreamsitePlayerKit || {};
  const Hls = window.Hls;
  const $ = function (selector) { return page.querySelector(selector); };
  const badge = $("[data-live-badge]");
  const goLive = $('[data-action="go-live"]');
  const dvr = $("[data-dvr]");
  const waiting = $("[data-live-waiting]");
  const ended = $("[data-live-ended]");
  const errorBox = $("[data-player-error]");
  let status = page.dataset.status;
  let hls = null;
  let dragging = false;

  function showEnded(recording) {
    ended.hidden = false;
    waiting.hidden = true;
    if (recording && !ended.querySelector("[data-recording-link]")) {
      const p = document.createElement("p");
      const a = document.createElement("a");
      a.href = "/watch/" + encodeURIComponent(recording) + "/";
      a.textContent = "Watch the recording";
      a.setAttribute("data-recording-link", "");
      p.append(a);
      const pending = ended.querySelector("[data-recording-pending]");
      if (pending) pending.replaceWith(p); else ended.append(p);
    }
  }

  function edge() {
    if (!hls) return 0;
    return hls.liveSyncPosition || (video.seekable.length ? video.seekable.end(0) : 0);
  }

  function renderPosition() {
    if (!video.seekable.length) return;
    const start = video.seekable.start(0);
    const end = video.seekable.end(0);
    // Behind the edge by more than a couple of segments: not "live" any more.
    const behind = Math.max(0, edge() - video.currentTime);
    const atLive = !video.paused && behind < 3.5;
    badge.classList.toggle("live-badge-behind", !atLive);
    goLive.hidden = atLive || status === "ended";
    if (!dragging) {
      dvr.min = String(start);
      dvr.max = String(end);
      dvr.value = String(video.currentTime);
    }
    dvr.setAttribute("aria-valuetext", behind < 1 ? "Live" : "-" + (kit.formatTime ? kit.formatTime(behind) : Math.round(behind) + " s"));
    $("[data-dvr-wrap]").hidden = end - start < 10;
  }

  function start() {
    if (hls || !(Hls && Hls.isSupported())) {
      if (!hls && video.canPlayType("application/vnd.apple.mpegurl")) {
        video.src = video.dataset.hlsUrl; // Safari: native live HLS (no Quality menu)
        video.play().catch(function () {});
      }
      return;
    }
    shell.hidden = false;
    waiting.hidden = true;
    hls = new Hls({
      autoStartLoad: false,
      // Two 1 s segments behind the newest: close to live without stalling on every hiccup.
      liveSyncDurationCount: 2,
      liveMaxLatencyDurationCount: 6,
      maxLiveSyncPlaybackRate: 1.1,
      enableWorker: false,
      // The master playlist appears a second or two after the creator goes live.
      manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 10000, maxLoadTimeMs: 20000,
        timeoutRetry: { maxNumRetry: 10, retryDelayMs: 1000, maxRetryDelayMs: 2000 },
        errorRetry: { maxNumRetry: 20, retryDelayMs: 1000, maxRetryDelayMs: 2000 } } },
    });
    window.streamsitePlayer = hls; // for tests and benchmarks
    const quality = kit.setupQuality ? kit.setupQuality(hls, Hls, {
      wrap: $("[data-quality-wrap]"),
      select: $("[data-quality]"),
      nowPlaying: $("[data-now-playing]"),
    }) : null;
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      if (quality) quality.build();
      hls.startLoad(-1);
      video.play().catch(function () {});
    });
    hls.on(Hls.Events.ERROR, function (_event, error) {
      if (!error.fatal) return;
      if (error.type === Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      // The stream may be between encoders (a reconnect): try again shortly.
      hls.destroy();
      hls = null;
      if (status !== "ended") window.setTimeout(start, 2000);
      else errorBox.textContent = "The live stream has ended.";
    });
    hls.loadSource(video.dataset.hlsUrl);
    hls.attachMedia(video);
  }

  goLive.addEventListener("click", function () {
    video.currentTime = edge();
    video.play().catch(function () {});
  });
  dvr.addEventListener("input", function () { dragging = true; });
  dvr.addEventListener("change", function () {
    dragging = false;
    video.currentTime = Number(dvr.value);
  });
  ["timeupdate", "pause", "play", "seeked"].forEach(function (name) {
    video.addEventListener(name, renderPosition);
  });

  function apply(body) {
    status = body.status;
    page.dataset.status = status;
    if (status === "live") start();
    if (status === "ended") showEnded(body.recording);
  }

  // Pushed changes and the viewer count; the poll below also works without them.
  function listen() {
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(scheme + window.location.host + "/ws/live/" +
      encodeURIComponent(page.dataset.streamId) + "/");
    socket.addEventListener("message", function (message) {
      let data;
      try { data = JSON.parse(message.data); } catch (err) { return; }
      if (data.type === "viewers") {
        $("[data-viewers]").textContent = data.count + " watching";
      } else if (data.type === "status") {
        apply(data);
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code !== 4404) window.setTimeout(listen, 5000);
    });
  }

  function poll() {
    fetch(page.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body) apply(body);
      })
      .catch(function () {})
      .finally(function () {
        if (status !== "ended" || !ended.querySelector("[data-recording-link]")) {
          window.setTimeout(poll, status === "live" ? 5000 : 3000);
        }
      });
  }

  if (status === "live") start();
  listen();
  poll();
})();
