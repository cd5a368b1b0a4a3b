// Playing a playlist on the watch page (templates/playlists/panel.html): when the main player
// ends, the next video of the list opens (and autoplays, as every watch page does). Shuffle and
// loop are toggles kept per list in sessionStorage, so they last while this tab plays the list.
// It only listens to #player's `ended` event: the shared player knows nothing of playlists.
"use strict";
(function () {
  const panel = document.querySelector("[data-playlist-panel]");
  const video = document.getElementById("player");
  if (!panel) return;
  const links = Array.prototype.slice.call(panel.querySelectorAll("a[data-index]"));
  const index = Number(panel.dataset.index);
  const key = "streamsite.playlist." + panel.dataset.list;
  const upNext = panel.querySelector("[data-up-next]");

  function load() {
    try {
      const state = JSON.parse(window.sessionStorage.getItem(key) || "{}");
      return state && typeof state === "object" ? state : {};
    } catch (err) {
      return {};
    }
  }
  function store(state) {
    try {
      window.sessionStorage.setItem(key, JSON.stringify(state));
    } catch (err) {
      /* storage unavailable: the toggles last for this page only */
    }
  }

  const state = load();
  if (new URLSearchParams(window.location.search).get("shuffle") === "1") state.shuffle = true;
  const played = new Set(Array.isArray(state.played) ? state.played : []);
  played.add(index);
  state.played = Array.from(played);
  store(state);

  /** Whether every video of the list has been played in this tab (a shuffle round is over). */
  function roundOver() {
    return links.every(function (_, i) { return played.has(i); });
  }

  /** The index to play after this one, or -1 at the end of the list. No side effects. */
  function nextIndex() {
    if (state.shuffle) {
      const over = roundOver();
      if (over && (!state.loop || links.length < 2)) return -1;
      const left = links.map(function (_, i) { return i; }).filter(function (i) {
        return i !== index && (over || !played.has(i));
      });
      return left.length ? left[Math.floor(Math.random() * left.length)] : -1;
    }
    if (index + 1 < links.length) return index + 1;
    return state.loop && links.length > 0 ? 0 : -1;
  }

  function describe() {
    panel.querySelectorAll("[data-toggle]").forEach(function (button) {
      button.setAttribute("aria-pressed", state[button.dataset.toggle] ? "true" : "false");
    });
    const next = nextIndex();
    upNext.textContent = next < 0 ? "End of the playlist." : "Up next: " + links[next].textContent;
    upNext.dataset.next = String(next);
  }

  panel.querySelectorAll("[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      const name = button.dataset.toggle;
      state[name] = !state[name];
      store(state);
      describe();
    });
  });
  describe();
  // The current video stays in view in a long list.
  const current = panel.querySelector("[aria-current]");
  if (current && current.scrollIntoView) current.scrollIntoView({ block: "nearest" });

  if (!video) return;
  video.addEventListener("ended", function () {
    const next = Number(upNext.dataset.next);
    if (next < 0 || !links[next]) return;
    if (state.shuffle && roundOver()) {
      state.played = []; // a new round starts with the next video
      store(state);
    }
    window.location.assign(links[next].href);
  });
})();
