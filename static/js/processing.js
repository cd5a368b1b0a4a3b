// A watch page opened before the video is ready reloads itself the moment it becomes playable.
// The page's socket says so (the owner also sees progress); polling the API is the fallback
// for a browser without websockets.
"use strict";
(function () {
  const box = document.querySelector("[data-processing]");
  if (!box) return;
  const progress = box.querySelector("[data-processing-progress]");
  const live = window.VideoSocket;
  let delay = 3000;

  function settled(status) { return status === "ready" || status === "failed"; }

  if (live) {
    live.on("progress", function (m) {
      if (progress) progress.textContent = String(m.progress);
      if (settled(m.status)) window.location.reload();
    });
    live.on("status", function (m) { if (settled(m.status)) window.location.reload(); });
    // Ready before the socket opened, or while it was down: the API tells.
    live.onOpen(function () { check(false); });
    return;
  }

  function check(again) {
    fetch(box.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (video) {
        if (video && settled(video.status)) { window.location.reload(); return; }
        if (video && progress) progress.textContent = String(video.progress);
        delay = Math.min(delay * 1.5, 15000);
        if (again) window.setTimeout(function () { check(true); }, delay);
      })
      .catch(function () { if (again) window.setTimeout(function () { check(true); }, 15000); });
  }
  window.setTimeout(function () { check(true); }, delay);
})();
