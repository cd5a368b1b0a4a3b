// Watch page: a content warning the viewer already accepted in this browser session does not
// ask again. Runs before player.js (both `defer`, this one first): when the video was accepted
// it lifts the gate player.js reads (`data-content-warning`), so playback starts as usual.
"use strict";
(function () {
  const video = document.getElementById("player");
  const gate = document.getElementById("content-warning");
  if (!video || !gate || !("contentWarning" in video.dataset)) return;
  const id = video.dataset.videoId;
  const COOKIE = "streamsite_cw";

  // A session cookie (no expiry): shared by the tabs, forgotten when the browser closes.
  function accepted() {
    const match = document.cookie.match(new RegExp("(?:^|;\\s*)" + COOKIE + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]).split(".").filter(Boolean) : [];
  }

  if (accepted().indexOf(id) !== -1) {
    delete video.dataset.contentWarning;
    gate.hidden = true;
    if (video.dataset.poster) video.poster = video.dataset.poster;
    return;
  }
  const button = gate.querySelector('[data-action="watch-anyway"]');
  if (!button) return;
  button.addEventListener("click", function () {
    const ids = accepted().filter(function (x) { return x !== id; });
    ids.push(id);
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = COOKIE + "=" + encodeURIComponent(ids.slice(-50).join(".")) +
      "; path=/; SameSite=Lax" + secure;
  });
})();
