// Watch-page player, part 7 of 7: the entry point. Picks the playback engine, gates playback
// behind the content warning, reports stream failures, and wires the other parts
// (static/js/player/*.js, loaded before this file, all with `defer`).
//
// Engine: hls.js wherever Media Source Extensions exist. Native HLS only where hls.js is not
// supported (Safari on iPhone). Hls.isSupported() is tested FIRST: Chromium also answers
// canPlayType("application/vnd.apple.mpegurl") with "maybe", and would lose the quality menu.
"use strict";
(function () {
  const kit = window.StreamsitePlayerKit;
  const video = document.getElementById("player");
  const shell = document.getElementById("player-shell");
  if (!kit || !video || !shell) return;

  const $ = function (selector) { return shell.querySelector(selector); };
  const errorBox = $("[data-player-error]");
  const warning = document.getElementById("content-warning");
  const Hls = window.Hls;
  const data = video.dataset;
  const durationHint = Number(data.duration) || 0;
  let blocked = "contentWarning" in data; // the interstitial is up: nothing may play
  let started = false;
  let chapters = null;

  const controls = kit.setupControls(shell, video, {
    durationHint: durationHint,
    thumbnailsUrl: data.thumbnails,
    isBlocked: function () { return blocked; },
    chapterAt: function (time) { return chapters ? chapters.at(time) : ""; },
  });
  const settings = kit.setupSettings(video, {
    button: $('[data-action="settings"]'),
    menu: $("[data-settings-menu]"),
  }, controls.flash);
  const theater = kit.setupTheater(shell, $('[data-action="theater"]'));
  chapters = kit.setupChapters(video, {
    marks: $("[data-seek-chapters]"),
    current: $("[data-chapter-current]"),
  }, {
    raw: data.chapters,
    duration: controls.duration,
    seekTo: controls.seekTo,
    play: function () { if (!blocked && started) video.play().catch(function () {}); },
  });
  const captions = kit.setupCaptions(video, {
    button: $('[data-action="captions"]'),
    menu: $("[data-captions-menu]"),
  }, { flash: controls.flash });
  controls.toggleCaptions = captions.toggle;
  kit.setupKeyboard(controls, {
    isBlocked: function () { return blocked; },
    speedBy: settings.speedBy,
    toggleTheater: theater.toggle,
  });
  const resume = kit.setupResume(video, data.videoId, durationHint);

  /** Replace the player's state with a message in the role="alert" box (announced at once). */
  function fail(message) {
    const text = document.createElement("p");
    text.textContent = message;
    const retry = document.createElement("button");
    retry.type = "button";
    retry.textContent = "Try again";
    retry.addEventListener("click", function () { window.location.reload(); });
    errorBox.replaceChildren(text, retry);
    shell.setAttribute("data-error", "");
    $("[data-spinner]").hidden = true;
    $('[data-action="big-play"]').hidden = true;
  }

  /** Tell the viewer we resumed, with a way back to the start. */
  function offerStartOver(at) {
    const box = $("[data-resume]");
    $("[data-resume-text]").textContent = "Resumed at " + kit.formatTime(at) + ".";
    box.hidden = false;
    $('[data-action="start-over"]').addEventListener("click", function () {
      resume.forget();
      controls.seekTo(0);
      box.hidden = true;
      controls.seekBar.focus();
    });
    // Gone after a while: it is a hint, not part of the controls.
    window.setTimeout(function () { box.hidden = true; }, 10000);
  }

  // Autoplay may be refused (no sound without a user gesture): then the big Play button and
  // the poster stay, and one click starts. Called once a source is attached: setting a source
  // later would abort this play() request.
  function autoplay() {
    video.play().then(controls.autoplayTried, controls.autoplayTried);
  }

  function startHls(startAt) {
    const remembered = kit.bandwidth.remembered();
    const config = {
      // The lowest rung first unless this viewer's line is known (startrung.js picks then):
      // the first frame comes fastest; ABR climbs from there.
      startLevel: 0,
      // Load nothing until the manifest is parsed, so a remembered rung and the resume
      // position apply to the very first segment request (see quality.build()).
      autoStartLoad: false,
      // Long videos: keep a minute behind the playhead, not the whole title, in memory.
      backBufferLength: 60,
      // Our segments are fMP4 (CMAF): hls.js only re-wraps them, which costs little on the
      // main thread, while starting its worker (a second copy of hls.js to parse) delayed
      // the first frame by 70-90 ms here (benchmarks/startup.py).
      enableWorker: false,
    };
    // A remembered line also seeds hls.js's estimate, so ABR does not start from 500 kb/s.
    if (remembered) config.abrEwmaDefaultEstimate = remembered;
    const hls = new Hls(config);
    window.streamsitePlayer = hls; // for tests and the curious: the hls.js instance
    kit.bandwidth.track(hls, Hls);
    captions.attachHls(hls, Hls);

    const quality = kit.setupQuality(hls, Hls, {
      wrap: $("[data-quality-wrap]"),
      select: $("[data-quality]"),
      nowPlaying: $("[data-now-playing]"),
    }, function (levels) {
      const screenHeight = video.clientHeight * (window.devicePixelRatio || 1);
      return kit.bandwidth.pickStart(levels, remembered, screenHeight);
    });
    let recoveredOnce = false;

    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      quality.build();
      hls.startLoad(startAt);
      autoplay();
    });
    hls.on(Hls.Events.ERROR, function (_event, error) {
      // Non-fatal errors are retried by hls.js itself (other rung, next attempt).
      if (!error.fatal) return;
      if (error.type === Hls.ErrorTypes.MEDIA_ERROR && !recoveredOnce) {
        // A decode/append hiccup: recreate the media pipeline once before giving up.
        recoveredOnce = true;
        hls.recoverMediaError();
        return;
      }
      hls.stopLoad();
      if (error.type === Hls.ErrorTypes.NETWORK_ERROR) {
        fail("This video cannot be played right now: its stream could not be loaded. " +
          "Please check your connection or try again later.");
      } else if (error.type === Hls.ErrorTypes.MEDIA_ERROR) {
        fail("This video cannot be played: its stream could not be decoded in this browser.");
      } else {
        fail("This video cannot be played right now (" + error.details + ").");
      }
    });
    hls.loadSource(data.hlsUrl);
    hls.attachMedia(video);
  }

  function startNative(startAt) {
    // Safari's own HLS: adaptive only, so no Quality menu.
    video.addEventListener("error", function () {
      fail("This video cannot be played right now: its stream could not be loaded.");
    });
    if (startAt > 0) {
      video.addEventListener("loadedmetadata", function () { video.currentTime = startAt; },
        { once: true });
    }
    video.src = data.hlsUrl;
    autoplay();
  }

  /** Load the stream and play it (at once, or after "Watch anyway"). */
  function start() {
    if (started) return;
    started = true;
    // A share link's time (?t=, parsed by the server into data-start-at) wins over resuming.
    const linked = Number(data.startAt) || 0;
    const startAt = linked > 0 ? linked : resume.startPosition();
    if (Hls && Hls.isSupported()) {
      startHls(startAt);
    } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
      startNative(startAt);
    } else {
      fail("Your browser cannot play this video: it supports neither Media Source " +
        "Extensions nor HLS.");
      return;
    }
    if (startAt > 0 && !linked) offerStartOver(startAt);
  }

  /** Hook for static/js/ads.js: a pre-roll plays in its own element, then `then` runs. */
  function afterPreroll(then) {
    const ads = window.StreamsiteAds;
    if (!ads) { then(); return; }
    blocked = true;
    ads.preroll(function () { blocked = false; then(); });
  }

  if (blocked) {
    const watchAnyway = warning.querySelector('[data-action="watch-anyway"]');
    watchAnyway.addEventListener("click", function () {
      blocked = false;
      warning.hidden = true;
      controls.unblock();
      if (data.poster) video.poster = data.poster;
      afterPreroll(start); // after a click, play() is allowed: the page has had a user gesture
      // The button that had focus is gone: keep keyboard users in the player.
      shell.querySelector('[data-action="play"]').focus();
    });
  } else {
    afterPreroll(start);
  }
})();
