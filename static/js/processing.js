// A watch page opened before the video is ready reloads itself the moment it becomes playable.
// Polling the API (not the socket) because progress events go to the owner only.
"use strict";
(function () {
  const box = document.querySelector("[data-processing]");
  if (!box) return;
  const progress = box.querySelector("[data-processing-progress]");
  let delay = 3000;

  function check() {
    fetch(box.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (video) {
        if (video && (video.status === "ready" || video.status === "failed")) {
          window.location.reload();
          return;
        }
        if (video && progress) progress.textContent = String(video.progress);
        delay = Math.min(delay * 1.5, 15000);
        window.setTimeout(check, delay);
      })
      .catch(function () { window.setTimeout(check, 15000); });
  }
  window.setTimeout(check, delay);
})();
