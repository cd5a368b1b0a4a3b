// The live page (/live/<id>/): the stream's state. While it is scheduled or offline the page
// waits and starts the player (static/js/player/live.js) by itself when the creator goes live;
// when it ends it points to the recording. Changes come over the page's video socket
// (static/js/social/socket.js: the stream's video carries its comments, reactions and viewer
// count) and, as a fallback without websockets or Redis, from polling the API.
"use strict";
(function () {
  const page = document.querySelector("[data-stream-id]");
  const shell = document.getElementById("player-shell");
  const video = document.getElementById("player");
  const kit = window.StreamsitePlayerKit;
  if (!page || !shell || !video || !kit || !kit.setupLivePlayer) return;
  const $ = function (selector) { return page.querySelector(selector); };
  const playerBox = $("[data-live-player]");
  const waiting = $("[data-live-waiting]");
  const ended = $("[data-live-ended]");
  let status = page.dataset.status;
  let player = null;

  function showEnded(recording) {
    ended.hidden = false;
    waiting.hidden = true;
    if (recording && !ended.querySelector("[data-recording-link]")) {
      const p = document.createElement("p");
      const a = document.createElement("a");
      a.href = "/watch/" + encodeURIComponent(recording) + "/";
      a.textContent = "Watch the recording";
      a.setAttribute("data-recording-link", "");
      p.append(a);
      const pending = ended.querySelector("[data-recording-pending]");
      if (pending) pending.replaceWith(p); else ended.append(p);
    }
  }

  function start() {
    playerBox.hidden = false;
    waiting.hidden = true;
    if (!player) player = kit.setupLivePlayer(shell, video, { lowLatency: "lowLatency" in page.dataset });
    player.start();
  }

  function apply(body) {
    if (!body || !body.status) return;
    status = body.status;
    page.dataset.status = status;
    if (body.started_at) page.dataset.startedAt = body.started_at;
    if (status === "live") start();
    if (status === "ended") {
      if (player) player.stop();
      showEnded(body.recording);
    }
  }

  // Reactions are stored with their time in the recording, which starts when the stream did:
  // the frame on screen's wall-clock date (hls.js, from EXT-X-PROGRAM-DATE-TIME) minus that.
  window.streamsiteMediaTime = function () {
    const hls = window.streamsitePlayer;
    const started = Date.parse(page.dataset.startedAt || "");
    if (!hls || !hls.playingDate || isNaN(started)) return 0;
    return Math.max(0, (hls.playingDate.getTime() - started) / 1000);
  };

  const socket = window.VideoSocket;
  if (socket) socket.on("live", apply);

  function poll() {
    fetch(page.dataset.api, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(apply)
      .catch(function () {})
      .finally(function () {
        if (status !== "ended" || !ended.querySelector("[data-recording-link]")) {
          window.setTimeout(poll, status === "live" ? 5000 : 3000);
        }
      });
  }

  if (status === "live") start();
  poll();
})();
