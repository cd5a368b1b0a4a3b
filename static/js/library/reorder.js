// The playlist page's reordering for its owner: drag an item and drop it on another; the new
// place is sent as the item's `position` (PATCH /api/v1/playlists/<id>/items/<item>/). The
// "Move up" / "Move down" buttons are plain forms: they work from the keyboard and without
// scripts. A failed move reloads the page, so what is shown is what is stored.
"use strict";
(function () {
  const list = document.querySelector("[data-playlist-items][data-api]");
  if (!list) return;
  const status = document.querySelector("[data-reorder-status]");
  let dragged = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll("[data-item-id]")); }

  function renumber() {
    items().forEach(function (item, i) {
      item.dataset.position = String(i);
      const up = item.querySelector('[data-move="up"]');
      const down = item.querySelector('[data-move="down"]');
      if (up) { up.disabled = i === 0; up.form.elements.position.value = String(i - 1); }
      if (down) {
        down.disabled = i === items().length - 1;
        down.form.elements.position.value = String(i + 1);
      }
    });
  }

  function save(item, position) {
    fetch(list.dataset.api + item.dataset.itemId + "/", {
      method: "PATCH",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": list.dataset.csrf,
      },
      body: JSON.stringify({ position: position }),
    }).then(function (response) {
      if (!response.ok) throw new Error("not moved");
      status.textContent = "Moved to place " + (position + 1) + ".";
    }).catch(function () { window.location.reload(); });
  }

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("[data-item-id]");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  list.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
  });
  list.addEventListener("dragover", function (event) {
    if (dragged) event.preventDefault();
  });
  list.addEventListener("drop", function (event) {
    const target = event.target.closest("[data-item-id]");
    if (!dragged || !target || target === dragged) return;
    event.preventDefault();
    const all = items();
    const from = all.indexOf(dragged);
    const to = all.indexOf(target);
    target.insertAdjacentElement(from < to ? "afterend" : "beforebegin", dragged);
    renumber();
    save(dragged, to);
  });
})();
