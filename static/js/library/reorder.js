// The playlist page's reordering for its owner: drag an item and drop it on another, or use its
// "Move up" / "Move down" buttons (plain forms: they also work without scripts; with scripts
// they move in place and keep the keyboard focus). The new place is sent as the item's stored
// `position` (PATCH /api/v1/playlists/<id>/items/<item>/); items this page does not show (a
// video not ready yet) keep their places. A failed move reloads: what is shown is what is stored.
"use strict";
(function () {
  const list = document.querySelector("[data-playlist-items][data-api]");
  if (!list) return;
  const status = document.querySelector("[data-reorder-status]");
  let dragged = null;

  function items() { return Array.prototype.slice.call(list.querySelectorAll("[data-item-id]")); }
  function positionOf(item) { return Number(item.dataset.position); }

  /** Mirror the server's shift: the moved item takes `to`, the ones between move by one. */
  function shift(moved, from, to) {
    items().forEach(function (item) {
      const p = positionOf(item);
      if (item === moved) item.dataset.position = String(to);
      else if (from < to && p > from && p <= to) item.dataset.position = String(p - 1);
      else if (from > to && p >= to && p < from) item.dataset.position = String(p + 1);
    });
    const all = items();
    all.forEach(function (item, i) {
      const up = item.querySelector('[data-move="up"]');
      const down = item.querySelector('[data-move="down"]');
      if (up) {
        up.disabled = i === 0;
        up.form.elements.position.value = String(positionOf(item) - 1);
      }
      if (down) {
        down.disabled = i === all.length - 1;
        down.form.elements.position.value = String(positionOf(item) + 1);
      }
    });
  }

  function save(item, position, place) {
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
      status.textContent = "Moved to place " + place + ".";
    }).catch(function () { window.location.reload(); });
  }

  /** Move `item` to where `target` is now (before it going up, after it going down). */
  function moveTo(item, target) {
    const all = items();
    const from = positionOf(item);
    const to = positionOf(target);
    const down = all.indexOf(item) < all.indexOf(target);
    target.insertAdjacentElement(down ? "afterend" : "beforebegin", item);
    shift(item, from, to);
    save(item, to, items().indexOf(item) + 1);
  }

  list.addEventListener("submit", function (event) {
    const button = event.submitter || event.target.querySelector("[data-move]");
    if (!button || !button.dataset.move) return; // "Remove" posts as usual
    event.preventDefault();
    const item = event.target.closest("[data-item-id]");
    const all = items();
    const target = all[all.indexOf(item) + (button.dataset.move === "up" ? -1 : 1)];
    if (!target) return;
    moveTo(item, target);
    // Keep the keyboard where it was; at the top or bottom that button is now disabled.
    const again = item.querySelector('[data-move="' + button.dataset.move + '"]');
    (again.disabled ? item.querySelector("[data-move]:not([disabled])") : again).focus();
  });

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
    moveTo(dragged, target);
  });
})();
