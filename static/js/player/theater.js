// Player: theater mode, a wider player on the watch page (button and the `t` key), remembered.
//
// Only where the page asks for it: the watch page includes the player with
// `data-theater-allowed` on the shell; the embed page does not, so there is no button there.
// The layout itself is CSS keyed on `data-theater` on the page's `.watch` element.
"use strict";
(function () {
  const kit = (window.StreamsitePlayerKit = window.StreamsitePlayerKit || {});
  const STORE_KEY = "streamsite.theater"; // "1" or absent

  /** Returns {toggle} (a no-op where theater mode is not offered). */
  kit.setupTheater = function (shell, button) {
    const scope = shell.closest(".watch");
    const allowed = Boolean(scope) && shell.hasAttribute("data-theater-allowed");
    button.hidden = !allowed;
    if (!allowed) return { toggle: function () {} };

    function render(on) {
      scope.toggleAttribute("data-theater", on);
      button.setAttribute("aria-pressed", String(on));
      const label = on ? "Default view" : "Theater mode";
      button.setAttribute("aria-label", label);
      button.title = label + " (t)";
    }

    function toggle() {
      const on = !scope.hasAttribute("data-theater");
      render(on);
      if (on) kit.store.set(STORE_KEY, "1");
      else kit.store.set(STORE_KEY, "0");
    }

    render(kit.store.get(STORE_KEY) === "1");
    button.addEventListener("click", toggle);
    return { toggle: toggle };
  };
})();
