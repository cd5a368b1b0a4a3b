// Comments under the player: post, reply, edit, delete, hide, pin and report without a reload;
// other people's changes arrive over VideoSocket and, after a dropped socket, are caught up.
"use strict";
(function () {
  const section = document.querySelector("[data-comments]");
  if (!section) return;
  const live = window.VideoSocket;
  const list = section.querySelector("[data-comment-list]");
  const me = section.dataset.user || "";
  const canModerate = section.hasAttribute("data-can-moderate");
  const canPin = section.hasAttribute("data-can-pin");
  let lastSeen = section.dataset.loadedAt;
  const REASONS = [["spam", "Spam or scam"], ["harassment", "Harassment or hate"],
    ["sexual", "Sexual content"], ["violence", "Violence or threats"], ["other", "Something else"]];

  function commentUrl(id, tail) {
    return section.dataset.commentApi.replace(/\/0\/$/, "/" + id + "/") + (tail || "");
  }
  function button(label, action) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.textContent = label;
    b.dataset.commentAction = action;
    return b;
  }
  function fromHtml(html) {
    const t = document.createElement("template");
    t.innerHTML = html.trim();
    return t.content.firstElementChild;
  }
  function setCount(n) {
    if (typeof n !== "number") return;
    section.querySelector("[data-comment-count]").textContent = String(n);
  }

  function decorate(li) {
    const actions = li.querySelector(":scope > [data-comment-actions]");
    if (!actions || !me) return;
    actions.replaceChildren();
    const mine = li.dataset.author === me;
    actions.appendChild(button("Reply", "reply"));
    if (mine) { actions.appendChild(button("Edit", "edit")); actions.appendChild(button("Delete", "delete")); }
    if (canModerate && !mine) actions.appendChild(button("Hide", "hide"));
    if (canPin && !li.dataset.parent) {
      const pinned = li.classList.contains("is-pinned");
      actions.appendChild(button(pinned ? "Unpin" : "Pin", pinned ? "unpin" : "pin"));
    }
    if (!mine) actions.appendChild(button("Report", "report"));
  }
  function decorateAll(root) { root.querySelectorAll("[data-comment-id]").forEach(decorate); }

  function find(id) { return list.querySelector('[data-comment-id="' + id + '"]'); }

  // One place applies every change, live or caught up: remove, replace in place, or insert.
  function apply(message) {
    setCount(message.count);
    if (message.comment && message.comment.changed_at && message.comment.changed_at > lastSeen) {
      lastSeen = message.comment.changed_at;
    }
    const existing = find(message.id);
    if (!message.html) { if (existing) existing.remove(); return; }
    const fresh = fromHtml(message.html);
    if (existing) {
      const oldReplies = existing.querySelector(":scope > [data-replies]");
      const newReplies = fresh.querySelector(":scope > [data-replies]");
      if (oldReplies && newReplies) newReplies.replaceWith(oldReplies);
      existing.replaceWith(fresh);
    } else if (message.parent) {
      const parent = find(message.parent);
      if (!parent) return; // its thread is not on this page
      parent.querySelector(":scope > [data-replies]").appendChild(fresh);
    } else {
      const pinned = list.querySelector(":scope > .is-pinned");
      list.insertBefore(fresh, pinned ? pinned.nextSibling : list.firstChild);
    }
    if (fresh.classList.contains("is-pinned") && !fresh.dataset.parent) {
      list.querySelectorAll(":scope > .is-pinned").forEach(function (other) {
        if (other !== fresh) { other.classList.remove("is-pinned"); decorate(other); }
      });
      list.insertBefore(fresh, list.firstChild);
    }
    decorateAll(fresh.parentNode ? fresh : list);
    decorate(fresh);
  }

  function catchUp() {
    // A few seconds of overlap: a change saved just before the last one seen may commit after it.
    const since = new Date(new Date(lastSeen).getTime() - 5000).toISOString();
    fetch(section.dataset.changes + "?since=" + encodeURIComponent(since), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        data.changes.forEach(apply);
        setCount(data.count);
      });
  }

  function inlineForm(label, value, submitLabel, onSubmit) {
    const form = document.createElement("form");
    form.className = "comment-form inline";
    const area = document.createElement("textarea");
    area.setAttribute("aria-label", label);
    area.rows = 2;
    area.required = true;
    area.value = value || "";
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = submitLabel;
    const cancel = button("Cancel", "cancel");
    const error = document.createElement("p");
    error.className = "errors";
    error.setAttribute("aria-live", "polite");
    form.append(area, submit, cancel, error);
    cancel.addEventListener("click", function () { form.remove(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      onSubmit(area.value).then(function (answer) {
        if (answer.ok) { form.remove(); if (!live) catchUp(); }
        else error.textContent = answer.data.error || "Try again.";
      });
    });
    return form;
  }

  function reportForm(id) {
    const form = document.createElement("form");
    form.className = "comment-form inline";
    const select = document.createElement("select");
    select.setAttribute("aria-label", "Reason");
    REASONS.forEach(function (r) { select.add(new Option(r[1], r[0])); });
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.textContent = "Send report";
    const status = document.createElement("p");
    status.setAttribute("role", "status");
    form.append(select, submit, status);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.socialFetch(commentUrl(id, "reports/"), "POST", { reason: select.value }).then(function (a) {
        status.textContent = a.ok ? "Reported. Thank you." : a.data.error || "Try again.";
        if (a.ok) submit.disabled = true;
      });
    });
    return form;
  }

  list.addEventListener("click", function (event) {
    const more = event.target.closest("[data-more-link]");
    if (more) {
      event.preventDefault();
      fetch(more.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        const holder = more.closest("[data-comment-more]");
        const t = document.createElement("template");
        t.innerHTML = html;
        t.content.querySelectorAll(":scope > [data-comment-id]").forEach(function (li) {
          if (find(li.dataset.commentId)) li.remove();
        });
        decorateAll(t.content);
        holder.replaceWith(t.content);
      });
      return;
    }
    const action = event.target.closest("[data-comment-action]");
    if (!action) return;
    const li = action.closest("[data-comment-id]");
    const id = li.dataset.commentId;
    const kind = action.dataset.commentAction;
    const slot = li.querySelector(":scope > [data-comment-actions]");
    if (kind === "reply") {
      slot.after(inlineForm("Reply", "", "Reply", function (text) {
        return window.socialFetch(section.dataset.api, "POST", { body: text, parent: Number(id) });
      }));
    } else if (kind === "edit") {
      window.socialFetch(commentUrl(id), "GET").then(function (answer) {
        if (!answer.ok) return;
        slot.after(inlineForm("Edit comment", answer.data.body, "Save", function (text) {
          return window.socialFetch(commentUrl(id), "PATCH", { body: text });
        }));
      });
    } else if (kind === "delete") {
      if (window.confirm("Delete this comment?")) window.socialFetch(commentUrl(id), "DELETE");
    } else if (kind === "hide") {
      window.socialFetch(commentUrl(id, "hide/"), "POST", {});
    } else if (kind === "pin" || kind === "unpin") {
      window.socialFetch(commentUrl(id, "pin/"), kind === "pin" ? "PUT" : "DELETE");
    } else if (kind === "report") {
      slot.after(reportForm(id));
    }
  });

  const form = section.querySelector("[data-comment-form]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      const area = form.querySelector("textarea");
      const error = form.querySelector("[data-comment-error]");
      window.socialFetch(section.dataset.api, "POST", { body: area.value }).then(function (answer) {
        if (answer.ok) { area.value = ""; error.textContent = ""; if (!live) catchUp(); }
        else error.textContent = answer.data.error || "Try again.";
      });
    });
  }

  section.querySelectorAll("[data-sort-link]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      const sort = link.dataset.sortLink;
      fetch(section.dataset.fragment + "?sort=" + sort, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          list.innerHTML = html; // server-rendered, escaped
          decorateAll(list);
          section.querySelectorAll("[data-sort-link]").forEach(function (l) {
            if (l === link) l.setAttribute("aria-current", "true"); else l.removeAttribute("aria-current");
          });
        });
    });
  });

  decorateAll(list);
  if (live) {
    live.on("comment", apply);
    live.on("comment_count", function (m) { setCount(m.count); });
    live.onReconnect(catchUp);
  }
})();
