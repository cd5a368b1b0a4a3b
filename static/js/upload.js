// The upload page: resumable uploads over tus (static/vendor/tus-js-client) to /api/v1/uploads/.
// The server is the judge of every limit; the checks here only give an immediate message.
"use strict";

(function () {
  const form = document.getElementById("upload-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const fileInput = $("upload-file");
  const dropzone = $("upload-dropzone");
  const fileName = $("upload-file-name");
  const startButton = $("upload-start");
  const pauseButton = $("upload-pause");
  const cancelButton = $("upload-cancel");
  const progressBox = $("upload-progress");
  const bar = $("upload-bar");
  const progressText = $("upload-progress-text");
  const statusBox = $("upload-status");
  const done = $("upload-done");
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : "";
  const endpoint = form.dataset.endpoint;
  const studioUrl = form.dataset.studioUrl;
  const maxBytes = Number(form.dataset.maxBytes) || Infinity;
  const maxMb = form.dataset.maxMb;
  const CHUNK_SIZE = 8 * 1024 * 1024;
  // After tus-js-client's own retries give up on a dead network, try again this often.
  const RECONNECT_MS = 5000;

  let file = null;
  let upload = null;
  let videoId = null;
  let state = "idle"; // idle | uploading | paused | reconnecting | done
  let reconnectTimer = null;

  function setStatus(message, kind) {
    statusBox.textContent = message;
    statusBox.dataset.kind = kind || "info";
  }

  function formatBytes(n) {
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i += 1;
    }
    return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
  }

  function showProgress(sent, total) {
    const percent = total ? Math.floor((sent / total) * 100) : 0;
    progressBox.hidden = false;
    bar.max = total || 1;
    bar.value = sent;
    progressText.textContent = `${formatBytes(sent)} of ${formatBytes(total)} (${percent}%)`;
  }

  function setBusy(busy) {
    // The metadata is sent when the upload is created: it cannot change half-way.
    for (const el of form.querySelectorAll("input, textarea, select")) el.disabled = busy;
    dropzone.setAttribute("aria-disabled", busy ? "true" : "false");
    startButton.hidden = busy;
    pauseButton.hidden = !busy;
    cancelButton.hidden = !busy;
  }

  function chooseFile(candidate) {
    if (!candidate || state !== "idle") return;
    file = candidate;
    fileName.textContent = `${file.name} (${formatBytes(file.size)})`;
    const title = $("upload-title-input");
    if (!title.value.trim()) title.value = file.name.replace(/\.[^.]+$/, "");
    if (file.size > maxBytes) {
      setStatus(`This file is ${formatBytes(file.size)}; the limit is ${maxMb} MB.`, "error");
    } else {
      setStatus(`Ready to upload ${file.name}.`);
    }
  }

  function statusOf(error) {
    return error && error.originalResponse ? error.originalResponse.getStatus() : 0;
  }

  function serverReason(error) {
    try {
      const body = JSON.parse(error.originalResponse.getBody() || "{}");
      if (body && body.error) return body.error;
    } catch (ignored) {
      // Not JSON (a proxy's page): fall back to the status line below.
    }
    return `The server refused the upload (HTTP ${statusOf(error)}).`;
  }

  function clearReconnect() {
    if (reconnectTimer) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    window.removeEventListener("online", reconnect);
  }

  function reconnect() {
    clearReconnect();
    if (state !== "reconnecting") return;
    state = "uploading";
    upload.start(); // asks the server for its offset first, then goes on from there
  }

  function finish() {
    state = "done";
    clearReconnect();
    setBusy(true);
    pauseButton.hidden = true;
    cancelButton.hidden = true;
    showProgress(file.size, file.size);
    setStatus("Upload complete.", "success");
    const target = videoId ? `${studioUrl}?highlight=${encodeURIComponent(videoId)}` : studioUrl;
    $("upload-studio-link").href = target;
    const watch = $("upload-watch-link");
    if (videoId) watch.href = `/watch/${encodeURIComponent(videoId)}/`;
    else watch.hidden = true;
    done.hidden = false;
    setTimeout(() => window.location.assign(target), 1000);
  }

  function fail(error) {
    const status = statusOf(error);
    if (!status && state === "uploading") {
      // No answer at all: the network is gone. Keep trying until it is back.
      state = "reconnecting";
      setStatus("Connection lost — retrying…", "warning");
      window.addEventListener("online", reconnect);
      reconnectTimer = setTimeout(reconnect, RECONNECT_MS);
      return;
    }
    state = "idle";
    setBusy(false);
    setStatus(status ? serverReason(error) : `Upload failed: ${error.message || error}`, "error");
  }

  function start() {
    const metadata = {
      filename: file.name,
      title: $("upload-title-input").value.trim(),
      description: $("upload-description").value,
      visibility: $("upload-visibility").value,
      content_warning: $("upload-content-warning").value.trim(),
      tags: $("upload-tags").value.trim(),
    };
    // The CMS's category select is there only once staff made categories.
    const category = $("upload-category");
    if (category && category.value) metadata.category = category.value;
    videoId = null;
    upload = new window.tus.Upload(file, {
      endpoint: endpoint,
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000],
      metadata: metadata,
      headers: { "X-CSRFToken": csrfToken },
      removeFingerprintOnSuccess: true,
      onShouldRetry(error) {
        const status = statusOf(error);
        const retry = !status || status >= 500 || status === 409 || status === 423;
        if (retry && !status) setStatus("Connection lost — retrying…", "warning");
        return retry;
      },
      onProgress(sent, total) {
        if (state === "uploading" && statusBox.dataset.kind === "warning") {
          setStatus("Uploading…");
        }
        showProgress(sent, total);
      },
      onAfterResponse(request, response) {
        // Sent by the PATCH that completes the upload (and by HEAD once it is complete).
        const id = response.getHeader("Video-Id");
        if (id) videoId = id;
      },
      onSuccess: finish,
      onError: fail,
    });
    state = "uploading";
    setBusy(true);
    pauseButton.textContent = "Pause";
    showProgress(0, file.size);
    setStatus("Uploading…");
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        setStatus("Resuming an earlier upload of this file…");
      }
      upload.start();
    });
  }

  fileInput.addEventListener("change", () => chooseFile(fileInput.files[0]));

  dropzone.addEventListener("click", () => {
    if (state === "idle") fileInput.click();
  });
  dropzone.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === " ") && state === "idle") {
      event.preventDefault();
      fileInput.click();
    }
  });
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    if (state === "idle") dropzone.classList.add("dragging");
  });
  dropzone.addEventListener("dragleave", () => dropzone.classList.remove("dragging"));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    dropzone.classList.remove("dragging");
    const dropped = event.dataTransfer && event.dataTransfer.files;
    if (!dropped || !dropped.length || state !== "idle") return;
    fileInput.files = dropped; // keeps the visible input in step with what was dropped
    chooseFile(dropped[0]);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (state !== "idle") return;
    if (!window.tus || !window.tus.isSupported) {
      setStatus("This browser cannot upload files here.", "error");
      return;
    }
    if (!file) {
      setStatus("Choose a video file first.", "error");
      fileInput.focus();
      return;
    }
    if (!$("upload-title-input").value.trim()) {
      setStatus("A title is required.", "error");
      $("upload-title-input").focus();
      return;
    }
    if (file.size > maxBytes) {
      setStatus(`This file is ${formatBytes(file.size)}; the limit is ${maxMb} MB.`, "error");
      return;
    }
    start();
  });

  pauseButton.addEventListener("click", () => {
    if (state === "uploading" || state === "reconnecting") {
      clearReconnect();
      state = "paused";
      upload.abort();
      pauseButton.textContent = "Resume";
      setStatus("Paused. Resume whenever you like, even after reloading the page.");
    } else if (state === "paused") {
      state = "uploading";
      pauseButton.textContent = "Pause";
      setStatus("Uploading…");
      upload.start();
    }
  });

  cancelButton.addEventListener("click", () => {
    if (!upload || state === "done") return;
    clearReconnect();
    state = "idle";
    // abort(true) also deletes what the server holds and forgets the resume point.
    upload.abort(true).catch(() => {
      // The server expires abandoned uploads on its own.
    });
    setBusy(false);
    progressBox.hidden = true;
    setStatus("Upload cancelled.");
  });
})();
