// Watch page: the Share dialog. The link (optionally at the player's current time, `?t=`), the
// embed code, each with a Copy button: the Clipboard API where allowed, else the text is
// selected for the viewer to copy with the keyboard.
"use strict";
(function () {
  const root = document.querySelector("[data-share]");
  if (!root) return;
  const dialog = root.querySelector("[data-share-dialog]");
  const link = root.querySelector("[data-share-link]");
  const embed = root.querySelector("[data-share-embed]");
  const at = root.querySelector("[data-share-at]");
  const atLabel = root.querySelector("[data-share-at-label]");
  const status = root.querySelector("[data-share-status]");
  const embedCode = embed.value;
  let seconds = 0;

  function label(total) {
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h ? h + ":" + String(m).padStart(2, "0") + ":" + s : m + ":" + s;
  }

  function withTime(url) {
    if (!at.checked || seconds <= 0) return url;
    const target = new URL(url);
    target.searchParams.set("t", String(seconds));
    return target.toString();
  }

  function refresh() {
    link.value = withTime(link.dataset.base);
    // The iframe's src gets the same start time; the rest of the code is the server's.
    const src = embed.dataset.base;
    embed.value = embedCode.replace(src, withTime(src).replace(/&/g, "&amp;"));
  }

  root.querySelector('[data-action="share-open"]').addEventListener("click", function () {
    const player = document.getElementById("player");
    seconds = player ? Math.floor(player.currentTime || 0) : 0;
    atLabel.textContent = label(seconds);
    at.disabled = seconds <= 0;
    if (seconds <= 0) at.checked = false;
    status.textContent = "";
    refresh();
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
  });
  at.addEventListener("change", refresh);

  function selectText(field) {
    field.focus();
    field.select();
    status.textContent = "Selected: press Ctrl+C (⌘C on a Mac) to copy.";
  }

  root.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.getElementById(button.dataset.copy);
      if (!navigator.clipboard || !window.isSecureContext) { selectText(field); return; }
      navigator.clipboard.writeText(field.value).then(
        function () { status.textContent = "Copied."; },
        function () { selectText(field); }
      );
    });
  });
})();
