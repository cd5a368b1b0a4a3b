// Studio: live processing progress for the creator's videos over /ws/studio/.
"use strict";
(function () {
  const table = document.querySelector("[data-studio]");
  if (!table) return;
  const LABELS = { uploaded: "Uploaded", processing: "Processing", ready: "Ready", failed: "Failed" };

  function update(msg) {
    const row = document.getElementById("video-" + msg.video);
    if (!row) { if (msg.status === "uploaded") window.location.reload(); return; }
    row.querySelector("[data-status]").textContent = LABELS[msg.status] || msg.status;
    row.querySelector("[data-progress]").value = msg.progress;
    row.querySelector("[data-progress-text]").textContent = msg.progress + "%";
    const error = row.querySelector("[data-error]");
    if (msg.error) { error.textContent = msg.error; error.hidden = false; }
    const retry = row.querySelector("[data-retry]");
    if (retry && msg.error) retry.hidden = false;
  }

  let delay = 1000;
  function connect() {
    const proto = window.location.protocol === "https:" ? "wss://" : "ws://";
    const socket = new WebSocket(proto + window.location.host + table.dataset.wsPath);
    socket.addEventListener("open", function () {
      delay = 1000;
      window.streamsiteStudioSocketOpen = true; // lets tests wait for a live socket
    });
    socket.addEventListener("message", function (event) {
      const msg = JSON.parse(event.data);
      if (msg.type === "progress") update(msg);
    });
    socket.addEventListener("close", function () {
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  }
  connect();
})();
