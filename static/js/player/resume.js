// Watch-page player, part 4 of 7: resume where this viewer left off.
//
// Positions live in one localStorage entry, {videoId: [seconds, savedAtMs]}, pruned to the most
// recent MAX_ENTRIES videos so years of viewing never fill the origin's storage.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.positions";
  const MAX_ENTRIES = 200;
  const SAVE_EVERY_MS = 4000;
  const MIN_RESUME_S = 5; // a few seconds in is not worth resuming: start from the top

  function nearEnd(duration) {
    // The last 5 s, or the last 5% of a long video (credits): treat as watched.
    return duration - Math.max(5, duration * 0.05);
  }

  kit.setupResume = function (video, videoId, durationHint) {
    let lastSave = 0;

    function read() {
      const all = kit.store.getJSON(STORE_KEY, {});
      return all && typeof all === "object" ? all : {};
    }

    function write(seconds) {
      const all = read();
      if (seconds === null) delete all[videoId];
      else all[videoId] = [Math.round(seconds * 10) / 10, Date.now()];
      const ids = Object.keys(all);
      if (ids.length > MAX_ENTRIES) {
        ids.sort(function (a, b) { return all[b][1] - all[a][1]; });
        ids.slice(MAX_ENTRIES).forEach(function (id) { delete all[id]; });
      }
      kit.store.setJSON(STORE_KEY, all);
    }

    function save(force) {
      const now = Date.now();
      if (!force && now - lastSave < SAVE_EVERY_MS) return;
      lastSave = now;
      const duration = video.duration || durationHint;
      const t = video.currentTime;
      // Only positions worth resuming are kept; anything else clears the entry.
      write(t > MIN_RESUME_S && duration && t < nearEnd(duration) ? t : null);
    }

    video.addEventListener("timeupdate", function () {
      if (!video.seeking && video.currentTime > 0) save(false);
    });
    video.addEventListener("pause", function () { if (!video.ended) save(true); });
    video.addEventListener("seeked", function () { save(true); });
    video.addEventListener("ended", function () { write(null); });
    // The tab may be closed without a pause event; pagehide is the last reliable moment.
    window.addEventListener("pagehide", function () {
      if (video.currentTime > 0 && !video.ended) save(true);
    });

    return {
      /** Seconds to start from, or -1 for the beginning. */
      startPosition: function () {
        const entry = read()[videoId];
        const t = Array.isArray(entry) ? Number(entry[0]) : NaN;
        if (!(t > MIN_RESUME_S)) return -1;
        if (durationHint && t >= nearEnd(durationHint)) return -1;
        return t;
      },
      forget: function () { write(null); },
    };
  };
})();
