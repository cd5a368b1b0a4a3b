// Studio: live processing progress over /ws/studio/, and enhancements of server-rendered
// forms (select all, sort on change, a preview of the chosen thumbnail). All forms work
// without this file.
"use strict";
(function () {
  const sort = document.querySelector("[data-studio-filters] [data-autosubmit]");
  if (sort) sort.addEventListener("change", function () { sort.form.requestSubmit(); });

  const all = document.querySelector("[data-select-all]");
  const boxes = Array.from(document.querySelectorAll("[data-select]"));
  const counter = document.querySelector("[data-selected-count]");
  function counted() {
    const n = boxes.filter(function (b) { return b.checked; }).length;
    if (counter) counter.textContent = n ? n + " selected" : "";
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  if (all) all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
    counted();
  });
  boxes.forEach(function (b) { b.addEventListener("change", counted); });

  const editor = document.querySelector("[data-thumbnail-editor]");
  if (editor) {
    const input = editor.querySelector("input[type=file]");
    const preview = editor.querySelector("[data-thumbnail-preview]");
    let shown = null;
    if (input && preview) input.addEventListener("change", function () {
      if (shown) URL.revokeObjectURL(shown);
      const file = input.files && input.files[0];
      if (!file) return;
      shown = URL.createObjectURL(file);
      preview.src = shown;
      preview.alt = "Preview of the chosen picture";
      preview.hidden = false;
    });
  }

  const table = document.querySelector("[data-studio]");
  if (!table) return;
  const LABELS = { uploaded: "Uploaded", processing: "Processing", ready: "Ready", failed: "Failed" };

  function update(msg) {
    const row = document.getElementById("video-" + msg.video);
    if (!row) {
      // A new upload belongs at the top of the first, unfiltered page: show it there.
      const params = new URLSearchParams(window.location.search);
      const firstPage = !params.get("q") && (params.get("page") || "1") === "1";
      if (msg.status === "uploaded" && firstPage) window.location.reload();
      return;
    }
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
