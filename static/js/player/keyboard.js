// Watch-page player, part 6 of 7: keyboard shortcuts, as on the big video sites.
//
//   Space, k  play/pause       j / l  -10 / +10 s     Left / Right  -5 / +5 s
//   Up / Down volume           m      mute            f             full screen
//   c         captions         < / >  slower / faster   t             theater mode
//
// Listened for on the whole document, so they work wherever focus is on the page, except while
// the viewer types or works a form control (search box, comment form, the Quality select).
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});

  /** True when the key belongs to the focused element rather than to the player. */
  function ownedByTarget(target, key, controls) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable || target.closest("textarea, select, [contenteditable]")) {
      return true;
    }
    if (target instanceof HTMLInputElement) {
      // Our seek slider gives its arrows to the player (5 s steps instead of the slider's
      // tiny "any" steps); the volume slider keeps its own arrows. Every other input types.
      if (target === controls.seekBar) return false;
      if (target === controls.volumeBar) return key.startsWith("Arrow");
      return true;
    }
    // Space and Enter press the focused button or follow the focused link.
    if ((key === " " || key === "Enter") && target.closest("button, a[href], summary, [role=button]")) {
      return true;
    }
    return false;
  }

  /**
   * opts: {isBlocked: () => bool (content warning shown: no shortcut may start playback),
   * optional speedBy(steps) and toggleTheater()}.
   */
  kit.setupKeyboard = function (controls, opts) {
    const actions = {
      " ": function () { controls.togglePlay(); },
      k: function () { controls.togglePlay(); },
      j: function () { controls.seekBy(-10, true); },
      l: function () { controls.seekBy(10, true); },
      ArrowLeft: function () { controls.seekBy(-5, true); },
      ArrowRight: function () { controls.seekBy(5, true); },
      ArrowUp: function () { controls.volumeBy(0.05); },
      ArrowDown: function () { controls.volumeBy(-0.05); },
      m: function () { controls.toggleMute(); },
      f: function () { controls.toggleFullscreen(); },
      c: function () { controls.toggleCaptions(); },
    };
    // Only where the page wired them (the live page has no speed menu or theater mode).
    if (opts.toggleTheater) actions.t = function () { opts.toggleTheater(); };
    if (opts.speedBy) {
      actions["<"] = function () { opts.speedBy(-1); };
      actions[">"] = function () { opts.speedBy(1); };
    }

    document.addEventListener("keydown", function (event) {
      // Leave browser and OS shortcuts (Ctrl+L, Alt+Left, Cmd+F…) alone.
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.isComposing) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      const action = actions[key];
      if (!action || ownedByTarget(event.target, key, controls) || opts.isBlocked()) return;
      event.preventDefault(); // no page scroll on Space/arrows, no native slider step
      action();
    });
  };
})();
