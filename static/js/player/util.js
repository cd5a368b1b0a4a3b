// Watch-page player, part 1 of 7: helpers shared by the other parts.
//
// The player is split into small classic scripts, all loaded with `defer` (so they run in
// document order, after the page is parsed) and sharing one namespace object. No bundler, no
// inline script: the site's CSP is `script-src 'self'`. player.js, loaded last, wires them up.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});

  /** 75.4 -> "1:15", 3725 -> "1:02:05". */
  kit.formatTime = function (seconds) {
    const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + s : m + ":" + s;
  };

  kit.clamp = function (value, low, high) {
    return Math.min(high, Math.max(low, value));
  };

  /**
   * A rung's name as the pipeline names renditions: its short side, so a vertical 720x1280
   * rung is "720p" like a landscape 1280x720 one.
   */
  kit.rungName = function (level) {
    if (level.width && level.height) return Math.min(level.width, level.height) + "p";
    if (level.height) return level.height + "p";
    return Math.round((level.bitrate || 0) / 1000) + " kb/s";
  };

  // localStorage throws when storage is disabled, full, or in some private modes. Remembering
  // a choice is a nicety: failing to must never stop the video from playing.
  kit.store = {
    get: function (key) {
      try {
        return window.localStorage.getItem(key);
      } catch (err) {
        return null;
      }
    },
    set: function (key, value) {
      try {
        window.localStorage.setItem(key, value);
      } catch (err) {
        /* storage unavailable: the choice is simply not remembered */
      }
    },
    getJSON: function (key, fallback) {
      const raw = kit.store.get(key);
      if (raw === null) return fallback;
      try {
        return JSON.parse(raw);
      } catch (err) {
        return fallback;
      }
    },
    setJSON: function (key, value) {
      kit.store.set(key, JSON.stringify(value));
    },
  };
})();
