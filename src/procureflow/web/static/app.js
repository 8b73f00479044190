// ProcureFlow dashboard: live updates over server-sent events, approvals, small forms.
// Written for this project; no libraries.
(function () {
  "use strict";

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // fetch with the session's CSRF token; answers JSON or throws the problem's detail
  function api(method, url, body, contentType) {
    var headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    var payload = body;
    if (body !== undefined && !contentType) {
      headers["Content-Type"] = "application/json";
      payload = JSON.stringify(body);
    } else if (contentType) {
      headers["Content-Type"] = contentType;
    }
    return fetch(url, { method: method, headers: headers, body: payload, credentials: "same-origin" })
      .then(function (r) {
        return r.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = { detail: text }; }
          if (!r.ok) {
            var err = new Error((data && (data.detail || data.title)) || ("HTTP " + r.status));
            err.status = r.status;
            throw err;
          }
          return data;
        });
      });
  }
  window.pfApi = api;

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.className = "show";
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.className = ""; }, 4000);
  }
  window.pfToast = toast;

  // -- live regions: [data-live=url][data-match=regex on kind][data-stream=exact stream]
  // a burst of changes refreshes a region once: soon after the first change, then at most
  // every THROTTLE_MS while changes keep coming
  var THROTTLE_MS = 250;
  var pending = new Map();
  var lastRefresh = new Map();
  function refresh(region) {
    if (pending.has(region)) return;
    var wait = Math.max(30, (lastRefresh.get(region) || 0) + THROTTLE_MS - Date.now());
    pending.set(region, setTimeout(function () {
      pending.delete(region);
      lastRefresh.set(region, Date.now());
      fetch(region.getAttribute("data-live"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          var open = Array.prototype.map.call(region.querySelectorAll("input[type=text]"), function (i) { return [i.closest("[id]") && i.closest("[id]").id, i.value]; });
          region.innerHTML = html;
          open.forEach(function (pair) {
            if (!pair[0] || !pair[1]) return;
            var host = document.getElementById(pair[0]);
            var input = host && host.querySelector("input[type=text]");
            if (input) input.value = pair[1];
          });
          region.dispatchEvent(new CustomEvent("pf:refreshed", { bubbles: true }));
        })
        .catch(function () {});
    }, wait));
  }

  function applyTaskState(change) {
    if (!change.kind || change.kind.indexOf("task.") !== 0 || !change.subject) return;
    var state = change.kind.slice(5);
    var selector = '.pf-graph .node[data-pointer="' + String(change.subject).replace(/"/g, '\\"') + '"]';
    document.querySelectorAll('[data-stream="' + change.stream + '"] ' + selector).forEach(function (node) {
      node.setAttribute("class", node.getAttribute("class").replace(/state-\S+/, "state-" + state));
      node.setAttribute("data-state", state);
    });
  }

  var myRoles = (document.body.getAttribute("data-roles") || "").split(" ");

  function describe(change) {
    var what = change.title || change.name || change.subject || "";
    return change.kind + (what ? " · " + what : "");
  }

  function addActivity(change) {
    var list = document.getElementById("activity");
    if (!list) return;
    var item = document.createElement("li");
    var when = document.createElement("small");
    when.textContent = (change.at || "").slice(11, 19) + " ";
    var text = document.createElement("span");
    text.textContent = describe(change);
    item.appendChild(when);
    item.appendChild(text);
    if (change.stream && change.stream.indexOf("instance:") === 0) {
      var link = document.createElement("a");
      link.href = "/instances/" + encodeURIComponent(change.stream.slice(9));
      link.textContent = " →";
      item.appendChild(link);
    }
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 40) list.removeChild(list.lastChild);
    var empty = document.getElementById("activity-empty");
    if (empty) empty.remove();
  }

  function notify(change) {
    if (change.kind === "approval.requested" && myRoles.indexOf(change.role) >= 0) {
      toast("Approval needed from " + change.role + ": " + (change.title || change.subject));
    } else if (change.kind === "exception.opened" && (change.severity === "high" || change.severity === "critical")) {
      toast("Exception (" + change.severity + "): " + (change.reason_code || change.subject));
    }
  }

  function onChange(change) {
    applyTaskState(change);
    addActivity(change);
    notify(change);
    document.querySelectorAll("[data-live]").forEach(function (region) {
      var stream = region.getAttribute("data-stream");
      if (stream && stream !== change.stream) return;
      var match = region.getAttribute("data-match");
      if (match && !new RegExp(match).test(change.kind)) return;
      refresh(region);
    });
    document.dispatchEvent(new CustomEvent("pf:change", { detail: change }));
  }

  function connect() {
    if (!window.EventSource || !csrf) return;
    var status = document.getElementById("live-status");
    var after = document.body.getAttribute("data-live-after");
    var source = new EventSource("/live/stream" + (after ? "?after=" + encodeURIComponent(after) : ""));
    source.addEventListener("open", function () { if (status) status.className = "live on"; });
    source.addEventListener("error", function () { if (status) status.className = "live off"; });
    source.addEventListener("change", function (ev) {
      try { onChange(JSON.parse(ev.data)); } catch (e) { /* malformed message: ignore */ }
    });
  }

  // -- approvals: approve / reject with a comment, quoting the digest that was shown
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("decide")) return;
    ev.preventDefault();
    var button = ev.submitter || form.querySelector("button[value=approve]");
    var result = form.querySelector(".result");
    var body = {
      decision: button.value,
      digest: form.getAttribute("data-digest"),
      comment: (form.querySelector("input[name=comment]").value || null)
    };
    form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    api("POST", "/api/v1/approvals/" + encodeURIComponent(form.getAttribute("data-approval")) + "/decision", body)
      .then(function (data) {
        result.textContent = data.status;
        toast("Decision recorded: " + data.status);
      })
      .catch(function (err) {
        result.textContent = err.message;
        result.className = "result error";
        form.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      });
  });

  // -- forms that post a text area or file to the API and show the answer
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-api")) return;
    ev.preventDefault();
    var out = document.getElementById(form.getAttribute("data-out"));
    var method = form.getAttribute("data-method") || "POST";
    var url = form.getAttribute("data-api");
    var file = form.querySelector("input[type=file]");
    var text = form.querySelector("textarea");
    var request;
    if (file) {
      var data = new FormData();
      data.append("file", file.files[0]);
      request = fetch(url, { method: method, headers: { "X-CSRF-Token": csrf }, body: data, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (j) { if (!r.ok) { throw new Error(j.detail || r.status); } return j; }); });
    } else {
      var body = text ? text.value : undefined;
      var note = form.querySelector("input[name=note]");
      if (form.hasAttribute("data-json-note") && note) body = JSON.stringify({ note: note.value || null });
      request = api(method, url, body, form.getAttribute("data-type") || "application/yaml");
    }
    out.hidden = false;
    out.textContent = "…";
    out.className = "answer";
    request.then(function (data) {
      out.textContent = JSON.stringify(data, null, 2);
      form.dispatchEvent(new CustomEvent("pf:answer", { detail: data, bubbles: true }));
    }).catch(function (err) {
      out.textContent = err.message;
      out.className = "answer error";
    });
  });

  document.addEventListener("change", function (ev) {
    if (ev.target.hasAttribute && ev.target.hasAttribute("data-autosubmit")) ev.target.form.submit();
  });

  document.addEventListener("DOMContentLoaded", connect);
})();
