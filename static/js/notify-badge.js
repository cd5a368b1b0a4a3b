// The header's unread count: server-rendered, then one more for each `notification` message
// that broadcasts.js re-dispatches from /ws/site/ as a "streamsite:site" event.
(function () {
  "use strict";
  var badge = document.querySelector("[data-notify-badge]");
  if (!badge || badge.dataset.wired) { return; }
  badge.dataset.wired = "1";
  var seen = {};
  var count = parseInt(badge.textContent, 10) || 0;
  document.addEventListener("streamsite:site", function (event) {
    var msg = event.detail || {};
    if (msg.type !== "notification" || seen[msg.id]) { return; }
    seen[msg.id] = true;  // a page that reconnects may hear one twice
    count += 1;
    badge.textContent = String(count);
    badge.setAttribute("aria-label", count + " unread");
    badge.hidden = false;
  });
})();
