// The watch page's "Save" menu (templates/playlists/save_menu.html): a checkbox adds the video
// to that playlist (POST …/items/) or removes it (DELETE …/items/<id>/); the small form makes a
// new playlist and saves the video there. Everything through fetch: the page keeps playing.
"use strict";
(function () {
  const menu = document.querySelector("[data-save-menu]");
  if (!menu) return;
  const status = menu.querySelector("[data-save-status]");
  const list = menu.querySelector("[data-save-lists]");
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "X-CSRFToken": menu.dataset.csrf,
  };

  function call(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: headers,
      body: body ? JSON.stringify(body) : undefined,
    }).then(function (response) {
      if (response.status === 204) return null;
      return response.json().then(function (data) {
        if (!response.ok) throw new Error((data && data.error) || "Not saved.");
        return data;
      });
    });
  }

  function labelOf(box) { return box.parentElement.textContent.trim(); }

  function add(box) {
    return call("POST", box.dataset.itemsUrl, { video: menu.dataset.video }).then(function (item) {
      box.dataset.itemId = item.id;
      box.dataset.playlist = item.playlist;
      box.dataset.itemsUrl = "/api/v1/playlists/" + item.playlist + "/items/";
      status.textContent = "Saved to " + labelOf(box) + ".";
    });
  }

  function remove(box) {
    const url = box.dataset.itemsUrl + box.dataset.itemId + "/";
    return call("DELETE", url).then(function () {
      delete box.dataset.itemId;
      status.textContent = "Removed from " + labelOf(box) + ".";
    });
  }

  list.addEventListener("change", function (event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement)) return;
    box.disabled = true;
    const done = box.checked ? add(box) : remove(box);
    done.catch(function (error) {
      box.checked = !box.checked; // the server did not take it: show what is true
      status.textContent = error.message;
    }).finally(function () { box.disabled = false; });
  });

  menu.querySelector("[data-new-playlist]").addEventListener("submit", function (event) {
    event.preventDefault();
    const form = event.target;
    const title = form.elements.title.value.trim();
    if (!title) return;
    call("POST", menu.dataset.newUrl, { title: title, visibility: form.elements.visibility.value })
      .then(function (playlist) {
        const item = document.createElement("li");
        const label = document.createElement("label");
        const box = document.createElement("input");
        box.type = "checkbox";
        box.dataset.itemsUrl = "/api/v1/playlists/" + playlist.id + "/items/";
        box.checked = true;
        label.append(box, " " + playlist.title);
        item.append(label);
        list.append(item);
        form.reset();
        return add(box);
      })
      .catch(function (error) { status.textContent = error.message; });
  });
})();
