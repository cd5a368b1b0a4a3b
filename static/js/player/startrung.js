// Player: start where the viewer's line allows. hls.js's bandwidth estimate is remembered
// (localStorage, refreshed while playing and on leaving) and fed back on the next visit, both
// as hls.js's starting estimate and to choose the first rung, instead of always the lowest.
//
// The first rung is the highest one that (a) the remembered line carries with a safety margin,
// (b) brings its first segment within START_BUDGET_S, so the first frame is not kept waiting
// for a big segment, and (c) is no sharper than the player is big on screen. Without a
// remembered estimate (first visit) it stays the lowest rung: the fastest first frame.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.bandwidth"; // {bps, at}
  const MAX_AGE_MS = 14 * 24 * 3600 * 1000; // lines change (café, train): an old figure misleads
  const SAFETY = 0.7; // use 70% of the estimate, as hls.js does when it switches up
  // Longest download of the first segment accepted for sharpness. 1 s and 0.5 s made the
  // first frame 0.2-0.6 s later at 20 Mb/s (benchmarks/qoe.py, docs/benchmarks.md).
  const START_BUDGET_S = 0.25;
  const SEGMENT_S = 4; // the pipeline's segment length; media playlists are not loaded yet
  const SAVE_EVERY_MS = 5000;

  kit.bandwidth = {
    /** The remembered estimate in bit/s, or 0. */
    remembered: function () {
      const saved = kit.store.getJSON(STORE_KEY, null);
      if (!saved || !(saved.bps > 0) || !(Date.now() - saved.at < MAX_AGE_MS)) return 0;
      return saved.bps;
    },

    /**
     * Index into hls.levels (ascending bitrate) of the first rung. levels: [{bitrate, height,
     * width}]; screenHeight: the player's height in device pixels.
     */
    pickStart: function (levels, bps, screenHeight) {
      if (!(bps > 0) || !levels.length) return 0;
      const usable = bps * SAFETY;
      // The smallest rung at least as tall as the player: sharper ones would be scaled down.
      let cap = levels.length - 1;
      for (let i = 0; i < levels.length; i++) {
        if (Math.min(levels[i].height, levels[i].width || Infinity) >= screenHeight) { cap = i; break; }
      }
      let best = 0;
      for (let i = 0; i <= cap; i++) {
        const fits = levels[i].bitrate <= usable;
        const quick = (levels[i].bitrate * SEGMENT_S) / usable <= START_BUDGET_S;
        if (fits && quick) best = i;
      }
      return best;
    },

    /** Remember hls.js's estimate once it rests on real downloads. */
    track: function (hls, Hls) {
      let fragments = 0;
      let lastSave = 0;
      function save(force) {
        const now = Date.now();
        if (fragments < 2 || (!force && now - lastSave < SAVE_EVERY_MS)) return;
        const bps = Math.round(hls.bandwidthEstimate);
        if (!(bps > 0)) return;
        lastSave = now;
        kit.store.setJSON(STORE_KEY, { bps: bps, at: now });
      }
      hls.on(Hls.Events.FRAG_LOADED, function (_event, data) {
        if (data.frag.type !== "main") return;
        fragments += 1;
        save(false);
      });
      window.addEventListener("pagehide", function () { save(true); });
    },
  };
})();
