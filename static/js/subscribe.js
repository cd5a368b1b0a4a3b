// The Subscribe button without a page load: the same forms, sent as PUT/DELETE to the API.
// Without JavaScript (or when the fetch fails) the forms post as usual.
(function () {
  "use strict";
  document.querySelectorAll("[data-subscribe]").forEach(function (box) {
    var count = document.querySelector("[data-subscriber-count]");
    box.querySelectorAll("form[data-when]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var subscribing = form.dataset.when === "unsubscribed";
        var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
        var button = form.querySelector("button");
        button.disabled = true;
        fetch(box.dataset.api, {
          method: subscribing ? "PUT" : "DELETE",
          credentials: "same-origin",
          headers: { "X-CSRFToken": token, "Content-Type": "application/json" },
          body: subscribing ? "{}" : undefined,
        })
          .then(function (response) {
            if (!response.ok) { throw new Error(String(response.status)); }
            return response.json();
          })
          .then(function (state) {
            box.dataset.subscribed = String(state.subscribed);
            box.querySelectorAll("form[data-when]").forEach(function (f) {
              f.hidden = (f.dataset.when === "subscribed") !== state.subscribed;
            });
            if (count) {
              var n = state.subscribers;
              count.textContent = n + (n === 1 ? " subscriber" : " subscribers");
            }
            button.disabled = false;
          })
          .catch(function () { form.submit(); });
      });
    });
  });
})();
