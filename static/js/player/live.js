// The watch page's player in live mode (the live page, /live/<id>/): the same shell, controls,
// Quality menu and keyboard as the watch page (static/js/player/*.js), with hls.js in live
// mode, a LIVE badge that turns grey behind the edge, "Go to live" after pausing or seeking
// back, and a DVR slider over the window the playlist keeps instead of the seek bar.
//
// kit.setupLivePlayer(shell, video, options) wires the controls once; start() loads the stream
// (the page, static/js/live.js, calls it when the stream goes on air). options.lowLatency: the
// ingest writes LL-HLS (parts, blocking reloads; LIVE_LOW_LATENCY): hls.js then keeps the
// playlist's PART-HOLD-BACK (about 1 s) behind the edge instead of two segments.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  // Further behind the live edge than this (two segments and a margin): not "live" any more.
  const BEHIND_S = 3.5;

  kit.setupLivePlayer = function (shell, video, options) {
    const lowLatency = Boolean(options && options.lowLatency);
    const $ = function (selector) { return shell.querySelector(selector); };
    const Hls = window.Hls;
    const data = video.dataset;
    const badge = $("[data-live-badge]");
    const behindText = $("[data-live-behind]");
    const goLive = $('[data-action="go-live"]');
    const dvrWrap = $("[data-dvr-wrap]");
    const dvr = $("[data-dvr]");
    const errorBox = $("[data-player-error]");
    const warning = document.getElementById("content-warning");
    let blocked = "contentWarning" in data;
    let hls = null;
    let wanted = false;
    let dragging = false;

    const controls = kit.setupControls(shell, video, {
      durationHint: 0,
      thumbnailsUrl: "",
      isBlocked: function () { return blocked; },
    });
    // The CC button and menu, should the live ladder ever carry subtitles (as on the watch page).
    const captions = kit.setupCaptions ? kit.setupCaptions(video, {
      button: $('[data-action="captions"]'),
      menu: $("[data-captions-menu]"),
    }, { flash: controls.flash }) : null;
    if (captions) controls.toggleCaptions = captions.toggle;

    function windowRange() {
      if (!video.seekable.length) return null;
      return { start: video.seekable.start(0), end: video.seekable.end(0) };
    }

    function edge() {
      const range = windowRange();
      return (hls && hls.liveSyncPosition) || (range ? range.end : 0);
    }

    function seekTo(time) {
      const range = windowRange();
      if (!range) return;
      video.currentTime = kit.clamp(time, range.start, edge() || range.end);
      render();
    }

    function toLive() {
      seekTo(edge());
      video.play().catch(function () {});
    }

    // The keyboard's seeks (j/l, arrows) move within the live window; the rest is the kit's.
    const liveControls = Object.assign({}, controls, {
      seekBy: function (delta) { seekTo(video.currentTime + delta); },
      seekTo: seekTo,
      seekBar: dvr,
    });
    kit.setupKeyboard(liveControls, { isBlocked: function () { return blocked; } });

    function render() {
      const range = windowRange();
      if (!range) return;
      const behind = Math.max(0, edge() - video.currentTime);
      const atLive = !video.paused && behind < BEHIND_S;
      badge.classList.toggle("live-badge-behind", !atLive);
      goLive.hidden = atLive;
      behindText.textContent = atLive ? "" : "−" + kit.formatTime(behind);
      if (!dragging) {
        dvr.min = String(range.start);
        dvr.max = String(range.end);
        dvr.value = String(video.currentTime);
      }
      const played = range.end > range.start
        ? ((video.currentTime - range.start) / (range.end - range.start)) * 100 : 100;
      dvr.style.setProperty("--played", kit.clamp(played, 0, 100).toFixed(2) + "%");
      dvr.setAttribute("aria-valuetext", behind < 1 ? "Live" : kit.formatTime(behind) + " behind live");
      // A window of a few segments has nothing to seek in: the slider comes with a DVR window.
      dvrWrap.hidden = range.end - range.start < 10;
    }

    goLive.addEventListener("click", toLive);
    dvr.addEventListener("pointerdown", function () { dragging = true; });
    dvr.addEventListener("input", function () { dragging = true; });
    dvr.addEventListener("change", function () {
      dragging = false;
      seekTo(Number(dvr.value));
    });
    ["timeupdate", "pause", "play", "seeked", "progress"].forEach(function (name) {
      video.addEventListener(name, render);
    });

    function fail(message) {
      const text = document.createElement("p");
      text.textContent = message;
      errorBox.replaceChildren(text);
    }

    function load() {
      if (hls) return;
      if (!(Hls && Hls.isSupported())) {
        if (video.canPlayType("application/vnd.apple.mpegurl")) {
          video.src = data.hlsUrl; // Safari: native live HLS (adaptive, no Quality menu)
          video.play().then(controls.autoplayTried, controls.autoplayTried);
        } else {
          fail("Your browser cannot play this live stream: it supports neither Media Source " +
            "Extensions nor HLS.");
        }
        return;
      }
      const config = {
        autoStartLoad: false,
        lowLatencyMode: lowLatency,
        maxLiveSyncPlaybackRate: 1.1,
        enableWorker: false,
        // The master playlist appears a second or two after the creator goes live.
        manifestLoadPolicy: { default: { maxTimeToFirstByteMs: 10000, maxLoadTimeMs: 20000,
          timeoutRetry: { maxNumRetry: 10, retryDelayMs: 1000, maxRetryDelayMs: 2000 },
          errorRetry: { maxNumRetry: 20, retryDelayMs: 1000, maxRetryDelayMs: 2000 } } },
      };
      // Two 1 s segments behind the newest: close to live without stalling on every hiccup.
      // Not with LL-HLS: a liveSync* option overrides hls.js's use of PART-HOLD-BACK (and
      // hls.js refuses a liveMaxLatency* option without one).
      if (!lowLatency) {
        config.liveSyncDurationCount = 2;
        config.liveMaxLatencyDurationCount = 6;
      }
      hls = new Hls(config);
      window.streamsitePlayer = hls; // for tests and benchmarks: the hls.js instance
      const quality = kit.setupQuality(hls, Hls, {
        wrap: $("[data-quality-wrap]"),
        select: $("[data-quality]"),
        nowPlaying: $("[data-now-playing]"),
      });
      hls.on(Hls.Events.MANIFEST_PARSED, function () {
        quality.build();
        hls.startLoad(-1);
        video.play().then(controls.autoplayTried, controls.autoplayTried);
      });
      hls.on(Hls.Events.ERROR, function (_event, error) {
        if (!error.fatal) return;
        if (error.type === Hls.ErrorTypes.MEDIA_ERROR) {
          hls.recoverMediaError();
          return;
        }
        // Between encoders (a publisher reconnecting) the playlists stop moving or go
        // missing for a moment: try again while the stream is on air.
        window.setTimeout(function () {
          if (!wanted || !hls) return;
          if (hls.levels && hls.levels.length) hls.startLoad(-1);
          else hls.loadSource(data.hlsUrl);
        }, 2000);
      });
      if (captions) captions.attachHls(hls, Hls);
      hls.loadSource(data.hlsUrl);
      hls.attachMedia(video);
    }

    if (blocked && warning) {
      const watchAnyway = warning.querySelector('[data-action="watch-anyway"]');
      watchAnyway.addEventListener("click", function () {
        blocked = false;
        warning.hidden = true;
        controls.unblock();
        if (wanted) load();
        shell.querySelector('[data-action="play"]').focus();
      });
    }

    return {
      /** The stream is on air: play it (after the content warning, if there is one). */
      start: function () {
        wanted = true;
        if (!blocked) load();
      },
      /** The stream ended: what is buffered and the sealed window still play; no retries. */
      stop: function () {
        wanted = false;
      },
    };
  };
})();
