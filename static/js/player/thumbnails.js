// Watch-page player, part 2 of 7: seek previews from the sprite sheet's WebVTT track.
//
// The pipeline writes one small VTT whose cues point into a sprite sheet
// (`sprite.jpg#xywh=x,y,w,h`, relative to the VTT's own URL). Hovering or focusing the seek bar
// shows the tile for the time under the pointer (or the slider's value, from the keyboard).
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});

  /** "01:02:03.500" or "02:03.500" -> seconds. */
  function parseTimestamp(text) {
    const parts = text.trim().split(":").map(Number);
    return parts.reduce(function (acc, part) { return acc * 60 + part; }, 0);
  }

  /** WebVTT text -> [{start, end, url, x, y, w, h}], sorted by start. */
  kit.parseThumbnailVtt = function (text, baseUrl) {
    const cues = [];
    const blocks = text.replace(/\r\n?/g, "\n").split(/\n{2,}/);
    for (const block of blocks) {
      const lines = block.split("\n");
      const timing = lines.findIndex(function (line) { return line.includes("-->"); });
      if (timing < 0 || !lines[timing + 1]) continue;
      const [from, to] = lines[timing].split("-->");
      const payload = lines[timing + 1].trim();
      const hash = payload.indexOf("#xywh=");
      if (hash < 0) continue;
      const box = payload.slice(hash + 6).split(",").map(Number);
      if (box.length !== 4 || box.some(Number.isNaN)) continue;
      cues.push({
        start: parseTimestamp(from),
        end: parseTimestamp(to.trim().split(/\s+/)[0]),
        url: new URL(payload.slice(0, hash), baseUrl).href,
        x: box[0], y: box[1], w: box[2], h: box[3],
      });
    }
    return cues.sort(function (a, b) { return a.start - b.start; });
  };

  /** The cue covering `time` (binary search; the last one past the end). */
  function cueAt(cues, time) {
    let low = 0;
    let high = cues.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (cues[mid].start <= time) low = mid;
      else high = mid - 1;
    }
    return cues[low];
  }

  /**
   * Wire the preview bubble to the seek slider.
   * opts: {seek, preview, image, label, vttUrl, duration: () => seconds, chapter (element),
   * chapterAt: (seconds) => chapter title or ""}
   */
  kit.setupSeekPreview = function (opts) {
    const { seek, preview, image, label, vttUrl, duration, chapter, chapterAt } = opts;
    let cues = [];
    let requested = false;
    let preloaded = false;
    let hideTimer = 0;

    // Fetched once playback has started (or on first interest), never in the way of the
    // requests that bring the first frame.
    function load() {
      if (requested || !vttUrl) return;
      requested = true;
      const base = new URL(vttUrl, window.location.href).href;
      fetch(base, { credentials: "same-origin" })
        .then(function (res) { return res.ok ? res.text() : ""; })
        .then(function (text) { cues = kit.parseThumbnailVtt(text, base); })
        .catch(function () { cues = []; }); // previews are optional: time labels still show
    }

    // Fetch the sheet(s) on first interest, not at page load: most viewers never hover.
    function preload() {
      if (preloaded || !cues.length) return;
      preloaded = true;
      new Set(cues.map(function (c) { return c.url; })).forEach(function (url) {
        new Image().src = url;
      });
    }

    // `transient`: shown for a keyboard step, so it goes away by itself instead of covering
    // the picture for as long as the slider keeps focus.
    function show(time, transient) {
      const total = duration();
      if (!(total > 0)) return;
      window.clearTimeout(hideTimer);
      if (transient) hideTimer = window.setTimeout(hide, 1500);
      time = kit.clamp(time, 0, total);
      preload();
      label.textContent = kit.formatTime(time);
      if (chapter && chapterAt) {
        const title = chapterAt(time);
        chapter.textContent = title; // uploader text: never markup
        chapter.hidden = !title;
      }
      const cue = cues.length ? cueAt(cues, time) : null;
      image.hidden = !cue;
      if (cue) {
        // CSSOM writes are allowed under the strict CSP (style attributes in HTML are not).
        image.style.width = cue.w + "px";
        image.style.height = cue.h + "px";
        image.style.backgroundImage = 'url("' + cue.url + '")';
        image.style.backgroundPosition = -cue.x + "px " + -cue.y + "px";
      }
      preview.hidden = false;
      // Centre the bubble over the time, kept inside the bar.
      const barWidth = seek.clientWidth;
      const half = preview.offsetWidth / 2;
      const x = kit.clamp((time / total) * barWidth, half, Math.max(half, barWidth - half));
      preview.style.left = x - half + "px";
    }

    function hide() {
      window.clearTimeout(hideTimer);
      preview.hidden = true;
    }

    function timeFromPointer(event) {
      const rect = seek.getBoundingClientRect();
      return ((event.clientX - rect.left) / rect.width) * duration();
    }

    seek.addEventListener("pointerenter", load);
    seek.addEventListener("pointermove", function (event) { show(timeFromPointer(event)); });
    seek.addEventListener("pointerleave", hide);
    // From the keyboard the preview follows the slider's value.
    seek.addEventListener("focus", function () {
      load();
      if (seek.matches(":focus-visible")) show(Number(seek.value), true);
    });
    seek.addEventListener("blur", hide);

    return {
      load: load,
      /** Called when the viewer moves the slider (drag or keyboard). */
      follow: function (time, fromKeyboard) {
        show(time, fromKeyboard);
      },
      hide: hide,
    };
  };
})();
