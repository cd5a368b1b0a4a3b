// Watch-page player, part 3 of 7: the "Quality" menu (Auto + every rung), mapped on hls.levels.
//
// hls.js sorts hls.levels by bitrate ascending whatever the master playlist's order, so option
// values are indexes into hls.levels, never positions in the playlist. `hls.currentLevel = i`
// switches at once (flushing what is buffered); -1 hands control back to the ABR controller.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.quality"; // a rung name ("240p") or "Auto"

  /**
   * els: {wrap, select, nowPlaying}. autoStart(levels) -> index: the first rung under "Auto".
   * Returns {build}: call build() once the manifest is parsed and before hls.startLoad(), so a
   * remembered rung (or the one autoStart picks) is also the first one loaded.
   */
  kit.setupQuality = function (hls, Hls, els, autoStart) {
    const { wrap, select, nowPlaying } = els;
    let playingIndex = -1;

    function render() {
      const choice = hls.autoLevelEnabled ? "Auto" : kit.rungName(hls.levels[hls.manualLevel]);
      const playing = hls.levels[playingIndex];
      // "Auto · 360p": what was chosen, then the rung on screen. A locked rung that is still
      // switching shows where it comes from until the new rung's first segment plays.
      let text = choice;
      if (playing && (hls.autoLevelEnabled || playingIndex !== hls.manualLevel)) {
        text += " · " + kit.rungName(playing);
      }
      if (nowPlaying.textContent !== text) nowPlaying.textContent = text;
    }

    /**
     * The remembered rung, or -1 (Auto). A video without that rung gets the nearest one
     * below it (a 1080p viewer on a 720p video gets 720p), or its lowest; the stored choice
     * itself is left alone for the next video.
     */
    function rememberedIndex() {
      const saved = kit.store.get(STORE_KEY);
      const wanted = parseInt(saved, 10);
      if (!(wanted > 0)) return -1;
      let best = 0;
      hls.levels.forEach(function (level, i) {
        if (parseInt(kit.rungName(level), 10) <= wanted) best = i; // levels ascend by bitrate
      });
      return best;
    }

    function build() {
      select.replaceChildren(new Option("Auto", "-1"));
      // Highest first under "Auto", as viewers expect from other players.
      for (let i = hls.levels.length - 1; i >= 0; i--) {
        select.append(new Option(kit.rungName(hls.levels[i]), String(i)));
      }
      const index = rememberedIndex();
      if (index >= 0) {
        // Before startLoad(): the first segment already comes from the remembered rung.
        hls.startLevel = index;
        hls.loadLevel = index;
      } else if (autoStart) {
        // Auto stays adaptive: only the first rung is chosen (hls.loadLevel would lock it).
        hls.startLevel = autoStart(hls.levels);
      }
      select.value = String(index);
      wrap.hidden = false;
      render();
    }

    select.addEventListener("change", function () {
      const index = Number(select.value);
      hls.currentLevel = index;
      kit.store.set(STORE_KEY, index < 0 ? "Auto" : kit.rungName(hls.levels[index]));
      render();
    });

    // LEVEL_SWITCHED fires when the playhead enters a segment of another rung: "actually playing".
    hls.on(Hls.Events.LEVEL_SWITCHED, function (_event, data) {
      playingIndex = data.level;
      render();
    });

    return { build: build };
  };
})();
