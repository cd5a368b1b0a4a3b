// Watch-page player: the caption menu (Off, then each language; automatic ones say "(auto)").
//
// Tracks come from the HLS master playlist's SUBTITLES group. With hls.js they are its
// subtitle tracks (hls.subtitleTrack picks one, -1 is off); hls.js renders the cues through
// the <video>'s own TextTracks, so the browser draws them as text. On native HLS (Safari) the
// same playlist gives the <video> its TextTracks directly. Either way no cue ever goes through
// innerHTML: menu labels are set with textContent too.
//
// The choice (a language, or "off") is remembered in localStorage and applied to the next
// video that has that language.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.captions"; // a BCP 47 tag, or "off"

  /** els: {button, menu}; opts.flash(text) echoes a change on screen. */
  kit.setupCaptions = function (video, els, opts) {
    const { button, menu } = els;
    const flash = (opts && opts.flash) || function () {};
    let hls = null;
    let lastOn = null; // the language `c` turns back on

    function nativeTracks() {
      return Array.from(video.textTracks).filter(function (t) {
        return t.kind === "captions" || t.kind === "subtitles";
      });
    }

    /** [{name, lang}] in menu order, whichever engine plays. */
    function tracks() {
      if (hls) {
        return hls.subtitleTracks.map(function (t) {
          return { name: t.name || t.lang || "Captions", lang: t.lang || "" };
        });
      }
      return nativeTracks().map(function (t) {
        return { name: t.label || t.language || "Captions", lang: t.language || "" };
      });
    }

    function currentIndex() {
      if (hls) return hls.subtitleDisplay ? hls.subtitleTrack : -1;
      return nativeTracks().findIndex(function (t) { return t.mode === "showing"; });
    }

    function select(index) {
      if (hls) {
        hls.subtitleDisplay = index >= 0;
        hls.subtitleTrack = index;
        // hls.js also follows the modes of the TextTracks it made (it polls them when they
        // change, and a track it has just added is "disabled"): keep them saying the same.
        const chosen = hls.subtitleTracks[index];
        nativeTracks().forEach(function (t) {
          const same = chosen && t.label === chosen.name && t.language === (chosen.lang || "");
          t.mode = same ? "showing" : "disabled";
        });
      } else {
        nativeTracks().forEach(function (t, i) { t.mode = i === index ? "showing" : "disabled"; });
      }
      render();
    }

    function choose(index, remember) {
      const list = tracks();
      select(index);
      if (index >= 0) lastOn = list[index].lang;
      if (remember) kit.store.set(STORE_KEY, index >= 0 ? list[index].lang || "on" : "off");
      flash(index >= 0 ? "Captions: " + list[index].name : "Captions off");
    }

    function render() {
      const list = tracks();
      const current = currentIndex();
      button.hidden = list.length === 0;
      button.setAttribute("aria-pressed", String(current >= 0));
      const items = [{ name: "Off", lang: "" }].concat(list).map(function (track, i) {
        const item = document.createElement("button");
        item.type = "button";
        item.setAttribute("role", "menuitemradio");
        item.setAttribute("aria-checked", String(i - 1 === current));
        item.dataset.index = String(i - 1);
        if (track.lang) item.lang = track.lang;
        item.textContent = track.name; // text, never markup
        return item;
      });
      menu.replaceChildren.apply(menu, items);
    }

    /** Apply the remembered choice once the tracks are known. */
    function applyRemembered() {
      const stored = kit.store.get(STORE_KEY);
      const list = tracks();
      if (!stored || stored === "off" || !list.length) { render(); return; }
      let index = list.findIndex(function (t) { return t.lang === stored; });
      if (index < 0) {
        // "en" remembered, "en-GB" offered (or the other way round): same language.
        const base = stored.split("-")[0];
        index = list.findIndex(function (t) { return t.lang.split("-")[0] === base; });
      }
      if (index >= 0) { lastOn = list[index].lang; select(index); } else { render(); }
    }

    function openMenu(open) {
      menu.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open) {
        const checked = menu.querySelector('[aria-checked="true"]') || menu.firstElementChild;
        if (checked) checked.focus();
      }
    }

    button.setAttribute("aria-haspopup", "menu");
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", function () { openMenu(menu.hidden); });
    menu.addEventListener("click", function (event) {
      const item = event.target.closest("[role=menuitemradio]");
      if (!item) return;
      choose(Number(item.dataset.index), true);
      openMenu(false);
      button.focus();
    });
    menu.addEventListener("keydown", function (event) {
      const items = Array.from(menu.children);
      const at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.stopPropagation();
        openMenu(false);
        button.focus();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        event.stopPropagation();
        const step = event.key === "ArrowDown" ? 1 : -1;
        items[(at + step + items.length) % items.length].focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!menu.hidden && !menu.contains(event.target) && !button.contains(event.target)) {
        openMenu(false);
      }
    });
    ["addtrack", "removetrack", "change"].forEach(function (type) {
      video.textTracks.addEventListener(type, function () {
        // A new track (hls.js makes its TextTracks after the manifest) gets the remembered
        // choice; other changes only redraw the button and menu.
        if (type === "addtrack") { applyRemembered(); } else { render(); }
      });
    });
    render();

    return {
      /** hls.js plays: its subtitle tracks are the menu. */
      attachHls: function (instance, Hls) {
        hls = instance;
        hls.subtitleDisplay = false;
        // Once the manifest is parsed hls.js has settled its own (default: none) choice, so
        // the remembered one is applied after it, and again if the track list changes.
        hls.on(Hls.Events.MANIFEST_PARSED, applyRemembered);
        hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, applyRemembered);
        hls.on(Hls.Events.SUBTITLE_TRACK_SWITCH, render);
      },
      /** The `c` key: off, or back to the last language (the first one at first). */
      toggle: function () {
        const list = tracks();
        if (!list.length) return;
        if (currentIndex() >= 0) { choose(-1, true); return; }
        const index = Math.max(0, list.findIndex(function (t) { return t.lang === lastOn; }));
        choose(index, true);
      },
    };
  };
})();
