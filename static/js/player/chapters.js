// Player: chapters. Marks on the seek bar, the chapter's name beside the time and in the seek
// preview, and the description's chapter links ([data-seek]) seeking in place.
//
// The list comes from the server (data-chapters on the video: [{start, title}], sorted; a
// valid "0:00 Title" list in the description wins over the source's markers). Titles are
// uploader text: only ever set with textContent.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});

  function parse(raw) {
    try {
      const list = JSON.parse(raw || "[]");
      return Array.isArray(list)
        ? list.filter(function (c) { return c && Number.isFinite(c.start) && typeof c.title === "string"; })
        : [];
    } catch (err) {
      return []; // no chapters is a fine player
    }
  }

  /**
   * els: {marks, current}. opts: {raw, duration: () => seconds, seekTo(seconds), play()}.
   * Returns {at(time) -> title or ""}.
   */
  kit.setupChapters = function (video, els, opts) {
    const chapters = parse(opts.raw);

    function at(time) {
      let title = "";
      for (const chapter of chapters) {
        if (chapter.start <= time) title = chapter.title;
        else break;
      }
      return title;
    }

    function renderMarks() {
      const total = opts.duration();
      els.marks.replaceChildren();
      if (!(total > 0)) return;
      chapters.forEach(function (chapter) {
        if (chapter.start <= 0 || chapter.start >= total) return; // 0:00 needs no gap
        const mark = document.createElement("span");
        mark.className = "seek-chapter-mark";
        mark.dataset.start = String(chapter.start);
        mark.title = chapter.title;
        // CSSOM writes are allowed under the strict CSP (style attributes in HTML are not).
        mark.style.left = ((chapter.start / total) * 100).toFixed(3) + "%";
        els.marks.append(mark);
      });
    }

    let shown = null;
    function renderCurrent() {
      const title = at(video.currentTime);
      if (title === shown) return;
      shown = title;
      els.current.textContent = title;
      els.current.hidden = !title;
    }

    if (chapters.length) {
      renderMarks();
      renderCurrent();
      video.addEventListener("durationchange", renderMarks);
      video.addEventListener("timeupdate", renderCurrent);
      video.addEventListener("seeking", renderCurrent);
    }

    // Timestamp links in the description (and comments): seek here instead of reloading.
    document.addEventListener("click", function (event) {
      const link = event.target instanceof Element && event.target.closest("a[data-seek]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      const seconds = Number(link.dataset.seek);
      if (!Number.isFinite(seconds)) return;
      event.preventDefault();
      opts.seekTo(seconds);
      opts.play();
      video.closest(".player").scrollIntoView({ block: "nearest", behavior: "smooth" });
    });

    return { at: at, list: chapters };
  };
})();
