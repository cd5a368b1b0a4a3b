// Counts a view when playback really starts: one beacon per page load, on the main player's
// first `playing` event (an ad plays in another element). The server counts it once per
// viewer and video in a window; a page load alone counts nothing.
(function () {
  "use strict";
  const script = document.currentScript;
  const url = script && script.dataset.beacon;
  const video = document.getElementById("player");
  if (!url || !video) return;
  const headers = { Accept: "application/json" };
  if (script.dataset.csrf) headers["X-CSRFToken"] = script.dataset.csrf;
  video.addEventListener(
    "playing",
    function () {
      fetch(url, { method: "POST", credentials: "same-origin", headers: headers, keepalive: true })
        .catch(function () { /* a lost beacon loses one view, nothing else */ });
    },
    { once: true }
  );
})();
