// Player: the settings menu (gear button beside Quality) and its "Playback speed" section.
//
// ARIA menu button pattern: the button has aria-haspopup/aria-expanded; the menu holds one
// group per section, each a set of menuitemradio items. Arrow keys move between items, Home/End
// jump, Enter/Space choose, Escape or Tab closes, focus returns to the button; a click outside
// closes it too.
//
// Other parts add their own sections (the caption menu, for one):
//   kit.settingsMenu.addSection({
//     id: "captions", label: "Captions",
//     options: [{value: "off", label: "Off"}, {value: "en", label: "English"}],
//     current: function () { return "off"; },      // the value to show as checked
//     choose: function (value) { ... },             // called when the viewer picks one
//   }) -> {refresh(options?)}                       // call refresh() when options/current change
// Sections appear in the order added; a section with no options is hidden.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const SPEED_KEY = "streamsite.speed";
  const SPEEDS = [0.25, 0.5, 0.75, 1, 1.25, 1.5, 1.75, 2];

  function speedLabel(rate) {
    return rate === 1 ? "Normal" : rate + "×";
  }

  /** The menu itself: {addSection, open, close, isOpen}. */
  function setupMenu(button, menu) {
    const sections = [];

    function items() {
      return Array.from(menu.querySelectorAll('[role="menuitemradio"]')).filter(function (item) {
        return !item.closest("[hidden]");
      });
    }

    function isOpen() { return !menu.hidden; }

    function open(focusLast) {
      sections.forEach(function (s) { s.refresh(); });
      menu.hidden = false;
      button.setAttribute("aria-expanded", "true");
      const all = items();
      const checked = all.find(function (i) { return i.getAttribute("aria-checked") === "true"; });
      const target = focusLast ? all[all.length - 1] : checked || all[0];
      if (target) target.focus();
    }

    function close(returnFocus) {
      if (!isOpen()) return;
      menu.hidden = true;
      button.setAttribute("aria-expanded", "false");
      if (returnFocus) button.focus();
    }

    button.addEventListener("click", function () {
      if (isOpen()) close(true);
      else open(false);
    });
    button.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        open(event.key === "ArrowUp");
      }
    });

    menu.addEventListener("keydown", function (event) {
      const all = items();
      const at = all.indexOf(document.activeElement);
      let next = -1;
      if (event.key === "ArrowDown") next = (at + 1) % all.length;
      else if (event.key === "ArrowUp") next = (at - 1 + all.length) % all.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = all.length - 1;
      else if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close(true);
        return;
      } else if (event.key === "Tab") {
        close(false);
        return;
      } else if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        if (at >= 0) all[at].click();
        return;
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation(); // the player's own arrow shortcuts stay out of the menu
      if (all[next]) all[next].focus();
    });

    // A press anywhere else closes it (focus stays where the viewer put it).
    document.addEventListener("pointerdown", function (event) {
      if (isOpen() && !menu.contains(event.target) && !button.contains(event.target)) {
        close(false);
      }
    });

    function addSection(spec) {
      const group = document.createElement("div");
      group.setAttribute("role", "group");
      group.className = "settings-section";
      group.dataset.section = spec.id;
      const heading = document.createElement("div");
      heading.className = "settings-heading";
      heading.id = "settings-" + spec.id;
      heading.textContent = spec.label;
      group.setAttribute("aria-labelledby", heading.id);
      group.append(heading);
      menu.append(group);
      let options = spec.options || [];

      function refresh(newOptions) {
        const current = String(spec.current());
        if (!newOptions && group.childElementCount > 1) {
          // Same items: only the tick moves, so focus inside an open menu stays put.
          group.querySelectorAll('[role="menuitemradio"]').forEach(function (item) {
            item.setAttribute("aria-checked", String(item.dataset.value === current));
          });
          return;
        }
        if (newOptions) options = newOptions;
        group.replaceChildren(heading);
        options.forEach(function (option) {
          const item = document.createElement("button");
          item.type = "button";
          item.setAttribute("role", "menuitemradio");
          item.tabIndex = -1;
          item.className = "settings-item";
          item.dataset.value = String(option.value);
          item.textContent = option.label; // text only: labels may come from uploaders
          item.setAttribute("aria-checked", String(String(option.value) === current));
          item.addEventListener("click", function () {
            spec.choose(option.value);
            refresh();
            close(true);
          });
          group.append(item);
        });
        group.hidden = options.length === 0;
      }

      refresh();
      const section = { refresh: refresh };
      sections.push(section);
      return section;
    }

    return { addSection: addSection, open: open, close: close, isOpen: isOpen };
  }

  /**
   * els: {button, menu}. Returns {menu, speedBy}; the menu is also kit.settingsMenu, for
   * parts wired after this one.
   */
  kit.setupSettings = function (video, els, flash) {
    const menu = setupMenu(els.button, els.menu);
    els.button.hidden = false;
    kit.settingsMenu = menu;

    function apply(rate) {
      // defaultPlaybackRate too: a media load (source attach) resets playbackRate to it.
      video.defaultPlaybackRate = rate;
      video.playbackRate = rate;
    }

    const saved = Number(kit.store.get(SPEED_KEY));
    if (SPEEDS.includes(saved)) apply(saved);

    function choose(rate) {
      apply(rate);
      kit.store.set(SPEED_KEY, String(rate));
    }

    const speed = menu.addSection({
      id: "speed",
      label: "Playback speed",
      options: SPEEDS.map(function (rate) { return { value: rate, label: speedLabel(rate) }; }),
      current: function () { return video.playbackRate; },
      choose: choose,
    });
    video.addEventListener("ratechange", function () { speed.refresh(); });

    return {
      menu: menu,
      /** One step along SPEEDS (the < and > keys). */
      speedBy: function (steps) {
        const at = SPEEDS.indexOf(video.playbackRate);
        const from = at >= 0 ? at : SPEEDS.indexOf(1);
        const rate = SPEEDS[kit.clamp(from + steps, 0, SPEEDS.length - 1)];
        choose(rate);
        flash("Speed " + speedLabel(rate));
      },
    };
  };
})();
