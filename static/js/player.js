// Watch page player: hls.js on a plain <video>, a "Quality" picker mapped through hls.levels.
"use strict";
(function () {
  const video = document.getElementById("player");
  if (!video) return;
  const select = document.getElementById("quality");
  const nowPlaying = document.querySelector("[data-now-playing]");
  const errorBox = document.querySelector("[data-player-error]");
  const src = video.dataset.hlsUrl;
  const STORE = "streamsite.quality";

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  function levelName(level) {
    return Math.min(level.width, level.height) + "p";
  }

  function showPlaying(hls) {
    const level = hls.levels[hls.currentLevel];
    const choice = hls.autoLevelEnabled ? "Auto" : "Locked";
    nowPlaying.textContent = level ? choice + " · playing " + levelName(level) : choice;
  }

  function buildMenu(hls) {
    select.replaceChildren();
    const auto = new Option("Auto", "-1");
    select.append(auto);
    // hls.levels is sorted by bitrate ascending; list the highest first, as players do.
    for (let i = hls.levels.length - 1; i >= 0; i--) {
      select.append(new Option(levelName(hls.levels[i]), String(i)));
    }
    const saved = window.localStorage.getItem(STORE);
    const savedIndex = hls.levels.findIndex(function (l) { return levelName(l) === saved; });
    if (savedIndex >= 0) {
      hls.currentLevel = savedIndex;
      select.value = String(savedIndex);
    } else {
      select.value = "-1";
    }
    select.hidden = false;
    select.addEventListener("change", function () {
      const index = Number(select.value);
      // currentLevel switches at once (flushes the buffer); -1 returns to adaptive.
      hls.currentLevel = index;
      window.localStorage.setItem(STORE, index < 0 ? "Auto" : levelName(hls.levels[index]));
      showPlaying(hls);
    });
  }

  if (window.Hls && window.Hls.isSupported()) {
    // Chromium also claims native HLS ("maybe"): test hls.js first or the menu is lost.
    const hls = new window.Hls({ capLevelToPlayerSize: false, startLevel: 0 });
    hls.on(window.Hls.Events.MANIFEST_PARSED, function () { buildMenu(hls); showPlaying(hls); });
    hls.on(window.Hls.Events.LEVEL_SWITCHED, function () { showPlaying(hls); });
    hls.on(window.Hls.Events.ERROR, function (_event, data) {
      if (!data.fatal) return;
      if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) {
        hls.recoverMediaError();
        return;
      }
      showError("This video cannot be played right now (" + data.details + "). Please try again later.");
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    window.streamsitePlayer = hls;
  } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = src; // Safari: native HLS, adaptive only.
    select.hidden = true;
  } else {
    showError("Your browser cannot play this video.");
  }
  video.addEventListener("error", function () {
    if (!window.streamsitePlayer) showError("This video cannot be played right now.");
  });
})();
