// The studio's live stream page: state and ingest health refreshed from the API every two
// seconds, and a small muted preview of the stream while it is live.
"use strict";
(function () {
  const root = document.querySelector("[data-live-studio]");
  if (!root) return;
  const preview = root.querySelector("[data-live-preview]");
  const labels = { scheduled: "Scheduled", live: "Live", ended: "Ended" };
  let hls = null;

  function show(body) {
    root.querySelector("[data-live-status]").textContent =
      (labels[body.status] || body.status) + (body.status === "live" && !body.publisher_connected ? " (encoder disconnected)" : "");
    // Why it ended (the creator's own "End", a lost encoder, or media the site refused).
    root.querySelector("[data-live-reason]").textContent = body.end_reason ? "(" + body.end_reason + ")" : "";
    const health = body.health || {};
    root.querySelectorAll("[data-health]").forEach(function (cell) {
      const key = cell.getAttribute("data-health");
      if (key === "resolution") {
        const source = body.source || {};
        if (source.width) cell.textContent = source.width + "×" + source.height;
        return;
      }
      const value = health[key];
      if (value === undefined || value === null) return;
      const units = { bitrate_kbps: " kb/s", fps: " fps", keyframe_interval_s: " s" };
      cell.textContent = value + (units[key] || "");
    });
    if (body.status === "live" && !hls && window.Hls && window.Hls.isSupported()) {
      hls = new window.Hls({ liveSyncDurationCount: 2, enableWorker: false });
      hls.loadSource(preview.dataset.hlsUrl);
      hls.attachMedia(preview);
      hls.on(window.Hls.Events.MANIFEST_PARSED, function () { preview.play().catch(function () {}); });
      hls.on(window.Hls.Events.ERROR, function (_e, error) {
        if (error.fatal) { hls.destroy(); hls = null; }
      });
    }
  }

  function poll() {
    fetch(root.dataset.api, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) show(body); })
      .catch(function () {})
      .finally(function () { window.setTimeout(poll, 2000); });
  }
  poll();
})();
