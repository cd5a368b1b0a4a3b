// Watch-page player, part 4 of 7: resume where this viewer left off.
//
// Positions live in one localStorage entry, {videoId: [seconds, savedAtMs]}, pruned to the most
// recent MAX_ENTRIES videos so years of viewing never fill the origin's storage.
//
// Signed-in viewers also keep them on the server (apps/history), so another device resumes
// there: the watch page then holds #history-sync (its PUT URL, CSRF token and the server's
// position, which wins over this browser's). The position goes up every SERVER_EVERY_MS while
// playing, on pause and seek, at the end (saved as watched) and on pagehide (keepalive fetch).
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.positions";
  const MAX_ENTRIES = 200;
  const SAVE_EVERY_MS = 4000;
  const MIN_RESUME_S = 5; // a few seconds in is not worth resuming: start from the top
  const SERVER_EVERY_MS = 10000;

  /** The server side of the history, or null for anonymous viewers (and the embed page). */
  function serverHistory(videoId) {
    const box = document.getElementById("history-sync");
    if (!box || box.dataset.videoId !== videoId) return null;
    let lastSent = 0;
    let lastValue = -1;
    return {
      paused: "paused" in box.dataset,
      position: box.dataset.position === "" ? null : Number(box.dataset.position),
      send: function (seconds, force, leaving) {
        const now = Date.now();
        if (this.paused || !(seconds >= 0)) return;
        if (!force && now - lastSent < SERVER_EVERY_MS) return;
        const value = Math.round(seconds * 10) / 10;
        if (value === lastValue && !leaving) return;
        lastSent = now;
        lastValue = value;
        // keepalive: the request outlives the page on pagehide (sendBeacon cannot carry the
        // CSRF header or a PUT).
        fetch(box.dataset.url, {
          method: "PUT",
          credentials: "same-origin",
          keepalive: true,
          headers: {
            "Content-Type": "application/json",
            Accept: "application/json",
            "X-CSRFToken": box.dataset.csrf,
          },
          body: JSON.stringify({ position_s: value }),
        }).catch(function () { /* a lost report loses a few seconds of position */ });
      },
    };
  }

  function nearEnd(duration) {
    // The last 5 s, or the last 5% of a long video (credits): treat as watched.
    return duration - Math.max(5, duration * 0.05);
  }

  kit.setupResume = function (video, videoId, durationHint) {
    let lastSave = 0;
    const server = serverHistory(videoId);

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
      if (!video.seeking && video.currentTime > 0) {
        save(false);
        if (server && !video.paused) server.send(video.currentTime, false, false);
      }
    });
    video.addEventListener("pause", function () {
      if (video.ended) return;
      save(true);
      if (server) server.send(video.currentTime, true, false);
    });
    video.addEventListener("seeked", function () {
      save(true);
      if (server && video.currentTime > 0) server.send(video.currentTime, true, false);
    });
    video.addEventListener("ended", function () {
      write(null);
      if (server) server.send(video.duration || video.currentTime, true, false);
    });
    // The tab may be closed without a pause event; pagehide is the last reliable moment.
    window.addEventListener("pagehide", function () {
      if (video.currentTime > 0 && !video.ended) {
        save(true);
        if (server) server.send(video.currentTime, true, true);
      }
    });

    return {
      /** Seconds to start from, or -1 for the beginning. */
      startPosition: function () {
        if (server && server.position !== null) {
          // Where this account stopped, on whatever device: 0 when it was watched to the end.
          const at = server.position;
          if (!(at > MIN_RESUME_S)) return -1;
          if (durationHint && at >= nearEnd(durationHint)) return -1;
          return at;
        }
        const entry = read()[videoId];
        const t = Array.isArray(entry) ? Number(entry[0]) : NaN;
        if (!(t > MIN_RESUME_S)) return -1;
        if (durationHint && t >= nearEnd(durationHint)) return -1;
        return t;
      },
      forget: function () {
        write(null);
        if (server) server.send(0, true, true);
      },
    };
  };
})();
