// Watch-page player, part 5 of 7: the control bar (play, seek, volume, time,
// picture-in-picture, full screen) on a plain <video>; captions are captions.js's.
//
// Every control is a native <button>, <input type="range"> or <select>, so keyboard use,
// focus and screen-reader names come from the platform; ARIA only fills in names and states.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const VOLUME_KEY = "streamsite.volume"; // {volume, muted}

  kit.setupControls = function (shell, video, opts) {
    const $ = function (selector) { return shell.querySelector(selector); };
    const bar = $("[data-controls]");
    const playButton = $('[data-action="play"]');
    const bigPlay = $('[data-action="big-play"]');
    const muteButton = $('[data-action="mute"]');
    const volumeBar = $("[data-volume]");
    const seek = $("#player-seek");
    const current = $("[data-time-current]");
    const total = $("[data-time-duration]");
    const pipButton = $('[data-action="pip"]');
    const fullscreenButton = $('[data-action="fullscreen"]');
    const spinner = $("[data-spinner]");
    const osd = document.createElement("div");
    let dragging = false;
    let osdTimer = 0;
    // Until autoplay has been tried, "paused" only means "not started yet": no big Play
    // button flashing over the poster for the split second before playback starts.
    let autoplayPending = true;

    // Our controls replace the browser's; `controls` stays in the HTML for no-JavaScript visits.
    // Behind a content warning there is nothing to control yet: the bar comes with playback.
    video.controls = false;
    bar.hidden = opts.isBlocked();
    osd.className = "player-osd";
    osd.setAttribute("aria-hidden", "true"); // visual echo of a shortcut; names/states say it too
    osd.hidden = true;
    $(".player-stage").append(osd);

    function duration() {
      return Number.isFinite(video.duration) && video.duration > 0
        ? video.duration
        : opts.durationHint || 0;
    }

    /** Briefly echo a keyboard action over the picture ("+10 s", "Volume 60%"). */
    function flash(text) {
      osd.textContent = text;
      osd.hidden = false;
      window.clearTimeout(osdTimer);
      osdTimer = window.setTimeout(function () { osd.hidden = true; }, 900);
    }

    // --- play / pause --------------------------------------------------------------------
    function togglePlay() {
      if (video.paused || video.ended) {
        // A rejected play() (autoplay policy, no source yet) leaves the paused UI in place.
        video.play().catch(function () {});
      } else {
        video.pause();
      }
    }

    function renderPlaying() {
      const paused = video.paused || video.ended;
      shell.toggleAttribute("data-paused", paused);
      const label = paused ? "Play" : "Pause";
      playButton.setAttribute("aria-label", label);
      playButton.title = label + " (k)";
      bigPlay.hidden = !paused || autoplayPending || opts.isBlocked();
    }

    playButton.addEventListener("click", togglePlay);
    bigPlay.addEventListener("click", function () {
      togglePlay();
      playButton.focus(); // the big button disappears: keep focus in the player
    });
    video.addEventListener("click", togglePlay);
    video.addEventListener("dblclick", function () { toggleFullscreen(); });
    ["play", "pause", "ended", "emptied"].forEach(function (type) {
      video.addEventListener(type, renderPlaying);
    });

    // Buffering indicator: only while playback is wanted and starved.
    video.addEventListener("waiting", function () { spinner.hidden = false; });
    ["playing", "pause", "seeked", "canplay", "error"].forEach(function (type) {
      video.addEventListener(type, function () { spinner.hidden = true; });
    });

    // --- seek bar ------------------------------------------------------------------------
    const preview = kit.setupSeekPreview({
      seek: seek,
      preview: $("[data-seek-preview]"),
      image: $("[data-seek-preview-image]"),
      label: $("[data-seek-preview-time]"),
      vttUrl: opts.thumbnailsUrl,
      duration: duration,
      chapter: $("[data-seek-preview-chapter]"),
      chapterAt: opts.chapterAt,
    });

    video.addEventListener("playing", preview.load, { once: true });

    function seekTo(time) {
      const end = duration();
      if (!(end > 0)) return;
      video.currentTime = kit.clamp(time, 0, end);
      renderTime(video.currentTime);
    }

    function seekBy(delta, fromKeyboard) {
      const target = kit.clamp(video.currentTime + delta, 0, duration());
      seekTo(target);
      if (document.activeElement === seek) preview.follow(target, true);
      if (fromKeyboard) flash((delta > 0 ? "+" : "−") + Math.abs(delta) + " s");
    }

    function renderTime(time) {
      const end = duration();
      const now = time === undefined ? video.currentTime : time;
      current.textContent = kit.formatTime(now);
      total.textContent = kit.formatTime(end);
      seek.max = String(end);
      if (!dragging) seek.value = String(now);
      seek.setAttribute("aria-valuetext", kit.formatTime(now) + " of " + kit.formatTime(end));
      // Played and buffered shares colour the track (custom properties: CSSOM is CSP-safe).
      const played = end ? (now / end) * 100 : 0;
      let buffered = 0;
      for (let i = 0; i < video.buffered.length; i++) {
        if (video.buffered.start(i) <= now + 0.5) buffered = video.buffered.end(i);
      }
      seek.style.setProperty("--played", played.toFixed(2) + "%");
      seek.style.setProperty("--buffered", (end ? (buffered / end) * 100 : 0).toFixed(2) + "%");
    }

    ["timeupdate", "durationchange", "progress", "seeking", "loadedmetadata"].forEach(
      function (type) { video.addEventListener(type, function () { renderTime(); }); }
    );
    // Dragging: show where it would land, seek once on release (one seek, not hundreds).
    seek.addEventListener("pointerdown", function () { dragging = true; });
    seek.addEventListener("input", function () {
      const time = Number(seek.value);
      current.textContent = kit.formatTime(time);
      preview.follow(time, !dragging);
    });
    seek.addEventListener("change", function () {
      dragging = false;
      seekTo(Number(seek.value));
    });
    // Released outside the slider: Chromium and Firefox still fire `change`, which seeks.
    window.addEventListener("pointerup", function () { dragging = false; });

    // --- volume --------------------------------------------------------------------------
    function renderVolume() {
      const muted = video.muted || video.volume === 0;
      shell.toggleAttribute("data-muted", muted);
      muteButton.setAttribute("aria-label", muted ? "Unmute" : "Mute");
      muteButton.title = (muted ? "Unmute" : "Mute") + " (m)";
      volumeBar.value = String(video.muted ? 0 : video.volume);
      volumeBar.setAttribute("aria-valuetext", muted ? "Muted" : Math.round(video.volume * 100) + "%");
    }

    function toggleMute() {
      // Unmuting at volume 0 would stay silent: bring the volume back up as well.
      if (video.muted || video.volume === 0) {
        video.muted = false;
        if (video.volume === 0) video.volume = 0.5;
      } else {
        video.muted = true;
      }
    }

    function volumeBy(delta) {
      video.muted = false;
      video.volume = Math.round(kit.clamp(video.volume + delta, 0, 1) * 100) / 100;
      flash("Volume " + Math.round(video.volume * 100) + "%");
    }

    const savedVolume = kit.store.getJSON(VOLUME_KEY, null);
    if (savedVolume && Number.isFinite(savedVolume.volume)) {
      video.volume = kit.clamp(savedVolume.volume, 0, 1);
      video.muted = Boolean(savedVolume.muted);
    }
    muteButton.addEventListener("click", toggleMute);
    volumeBar.addEventListener("input", function () {
      video.volume = Number(volumeBar.value);
      video.muted = video.volume === 0;
    });
    video.addEventListener("volumechange", function () {
      renderVolume();
      kit.store.setJSON(VOLUME_KEY, { volume: video.volume, muted: video.muted });
    });

    // Captions: static/js/player/captions.js owns the CC button and its menu.

    // --- picture-in-picture --------------------------------------------------------------
    pipButton.hidden = !(document.pictureInPictureEnabled && !video.disablePictureInPicture);
    pipButton.addEventListener("click", function () {
      const request = document.pictureInPictureElement
        ? document.exitPictureInPicture()
        : video.requestPictureInPicture();
      request.catch(function () { /* refused (no metadata yet, or by the user agent) */ });
    });
    function renderPip() {
      pipButton.setAttribute("aria-pressed", String(document.pictureInPictureElement === video));
    }
    video.addEventListener("enterpictureinpicture", renderPip);
    video.addEventListener("leavepictureinpicture", renderPip);

    // --- full screen: the shell, so our controls come along --------------------------------
    const canFullscreen = document.fullscreenEnabled || Boolean(video.webkitEnterFullscreen);
    fullscreenButton.hidden = !canFullscreen;

    function toggleFullscreen() {
      if (document.fullscreenElement) {
        document.exitFullscreen().catch(function () {});
      } else if (document.fullscreenEnabled) {
        shell.requestFullscreen().catch(function () {});
      } else if (video.webkitEnterFullscreen) {
        video.webkitEnterFullscreen(); // iPhone: only the video element itself can go full screen
      }
    }

    fullscreenButton.addEventListener("click", toggleFullscreen);
    document.addEventListener("fullscreenchange", function () {
      const on = document.fullscreenElement === shell;
      shell.toggleAttribute("data-fullscreen", on);
      const label = on ? "Exit full screen" : "Full screen";
      fullscreenButton.setAttribute("aria-label", label);
      fullscreenButton.title = label + " (f)";
    });

    renderPlaying();
    renderTime();
    renderVolume();

    return {
      togglePlay: togglePlay,
      seekBy: seekBy,
      seekTo: seekTo,
      volumeBy: volumeBy,
      toggleMute: function () {
        toggleMute();
        flash(video.muted ? "Muted" : "Sound on");
      },
      toggleFullscreen: toggleFullscreen,
      toggleCaptions: function () {}, // replaced by captions.js's toggle (player.js)
      flash: flash,
      renderPlaying: renderPlaying,
      /** The content warning was accepted: show the bar (before focus moves into it). */
      unblock: function () {
        bar.hidden = false;
        renderPlaying();
      },
      /** Autoplay was tried (and maybe refused): from now on, paused shows the Play button. */
      autoplayTried: function () {
        autoplayPending = false;
        renderPlaying();
      },
      seekBar: seek,
      volumeBar: volumeBar,
      flash: flash,
      duration: duration,
    };
  };
})();
