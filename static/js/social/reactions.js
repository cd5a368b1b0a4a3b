// Likes and dislikes, the emoji bar, reactions floating over the player, live counts, the
// viewer count and the heat strip on the seek bar. Everything live comes over VideoSocket.
"use strict";
(function () {
  const live = window.VideoSocket;
  const likes = document.querySelector("[data-likes]");
  const bar = document.querySelector("[data-reaction-bar]");

  function setText(el, value) { if (el) el.textContent = String(value); }

  // --- Likes -------------------------------------------------------------------------------
  function showVotes(state) {
    if (!likes) return;
    setText(likes.querySelector("[data-like-count]"), state.likes);
    setText(likes.querySelector("[data-dislike-count]"), state.dislikes);
    if (state.liked !== undefined) {
      likes.querySelector('[data-vote="like"]').setAttribute("aria-pressed", String(state.liked === true));
      likes.querySelector('[data-vote="dislike"]').setAttribute("aria-pressed", String(state.liked === false));
    }
  }

  if (likes) {
    likes.addEventListener("click", function (event) {
      const button = event.target.closest("[data-vote]");
      if (!button) return;
      if (likes.dataset.login) { window.location.href = likes.dataset.login; return; }
      const wantLike = button.dataset.vote === "like";
      // Pressing the pressed button again clears the vote.
      const clear = button.getAttribute("aria-pressed") === "true";
      const request = clear
        ? window.socialFetch(likes.dataset.api, "DELETE")
        : window.socialFetch(likes.dataset.api, "PUT", { liked: wantLike });
      request.then(function (answer) {
        setText(likes.querySelector("[data-likes-error]"), answer.ok ? "" : answer.data.error || "Try again.");
        if (answer.ok) showVotes(answer.data);
      });
    });
  }

  // --- Reactions ---------------------------------------------------------------------------
  const player = document.getElementById("player");
  const stage = document.querySelector(".player-stage") || document.querySelector(".player-wrap");
  let layer = null;
  if (stage) {
    layer = document.createElement("div");
    layer.className = "reaction-float-layer";
    layer.setAttribute("aria-hidden", "true");
    stage.appendChild(layer);
  }

  function float(emoji) {
    if (!layer || layer.childElementCount > 60) return; // keep a burst cheap
    const el = document.createElement("span");
    el.className = "reaction-float";
    el.textContent = emoji;
    el.style.left = (8 + Math.random() * 84).toFixed(1) + "%";
    el.addEventListener("animationend", function () { el.remove(); });
    layer.appendChild(el);
  }

  function showCounts(counts) {
    if (!bar || !counts) return;
    Object.keys(counts).forEach(function (emoji) {
      bar.querySelectorAll("[data-reaction-count]").forEach(function (el) {
        if (el.dataset.reactionCount === emoji) setText(el, counts[emoji]);
      });
    });
  }

  if (bar) {
    bar.addEventListener("click", function (event) {
      const button = event.target.closest("[data-emoji]");
      if (!button || !bar.hasAttribute("data-signed-in")) return;
      // A page may say where its playhead is in the video (the live page: in the recording).
      const t = typeof window.streamsiteMediaTime === "function" ? window.streamsiteMediaTime()
        : player && !isNaN(player.currentTime) ? player.currentTime : 0;
      const message = { type: "reaction", emoji: button.dataset.emoji, t: t };
      // The socket when it is up; the API otherwise. Either way the float comes back from the
      // server, so every viewer sees the same thing.
      if (!(live && live.send(message))) {
        window.socialFetch(bar.dataset.api, "POST", { emoji: message.emoji, t: t }).then(function (answer) {
          if (answer.ok) showCounts(answer.data.counts);
        });
      }
    });
  }

  // --- Heat strip: when people reacted, drawn on the seek bar --------------------------------
  const seek = document.querySelector(".player-seek");
  function drawHeat(heat) {
    if (!seek || !heat || !heat.buckets.length) return;
    const peak = Math.max.apply(null, heat.buckets);
    if (!peak) return;
    let strip = seek.querySelector("[data-heat]");
    if (!strip) {
      strip = document.createElement("div");
      strip.className = "heat-strip";
      strip.dataset.heat = "";
      strip.setAttribute("aria-hidden", "true");
      seek.insertBefore(strip, seek.firstChild);
    }
    strip.replaceChildren();
    heat.buckets.forEach(function (n) {
      const cell = document.createElement("span");
      cell.style.opacity = (n / peak).toFixed(2);
      strip.appendChild(cell);
    });
  }
  if (seek && bar) {
    window.socialFetch(bar.dataset.api, "GET").then(function (answer) {
      if (answer.ok) drawHeat(answer.data.heat);
    });
  }

  // --- Live ------------------------------------------------------------------------------------
  if (!live) return;
  live.on("counts", function (m) {
    showVotes({ likes: m.likes, dislikes: m.dislikes });
    showCounts(m.reactions);
    if (bar) setText(bar.querySelector("[data-viewer-count]"), m.viewers);
  });
  live.on("likes", function (m) { showVotes({ likes: m.likes, dislikes: m.dislikes }); });
  live.on("viewers", function (m) {
    if (bar) setText(bar.querySelector("[data-viewer-count]"), m.count);
  });
  live.on("reaction", function (m) {
    showCounts(m.counts);
    const burst = m.burst || (m.emoji ? { [m.emoji]: 1 } : {});
    Object.keys(burst).forEach(function (emoji) {
      for (let i = 0; i < Math.min(burst[emoji], 12); i++) {
        window.setTimeout(function () { float(emoji); }, i * 60);
      }
    });
  });
})();
