// My submissions with live status: polls the phase's submissions API while any is unfinished.
(function () {
  const table = document.getElementById("my-submissions");
  if (!table) return;
  const body = table.querySelector("tbody");
  const finished = new Set(["succeeded", "failed", "cancelled"]);
  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }
  function csrf() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  function act(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin",
                       headers: {"Content-Type": "application/json", "X-CSRFToken": csrf()}, body: JSON.stringify(body || {})})
      .then(r => r.json().then(j => { if (!r.ok) alert(j.detail || r.status); }))
      .then(poll);
  }
  function button(label, cls, onclick) {
    const b = document.createElement("button");
    b.type = "button"; b.textContent = label; b.className = cls; b.onclick = onclick;
    return b;
  }
  function render(subs) {
    body.replaceChildren();
    if (!subs.length) { body.append(Object.assign(document.createElement("tr"), {innerHTML: '<td colspan="6" class="muted">No submissions yet.</td>'})); return; }
    for (const s of subs) {
      const tr = document.createElement("tr");
      tr.dataset.id = s.id;
      const idCell = cell("", "num");
      idCell.append(Object.assign(document.createElement("a"), {href: `/submissions/${s.id}/`, textContent: s.id}));
      tr.append(idCell, cell(s.created_at.slice(0, 19).replace("T", " "), "muted"));
      let status = s.status;
      if (s.status === "failed") status += ": " + s.error_message + (s.counts_against_limits ? "" : " (does not count against your limits)");
      if (s.hidden_reason) status += " · hidden: " + s.hidden_reason;
      if (s.disqualified_reason) status += " · disqualified: " + s.disqualified_reason;
      tr.append(cell(status, "status status-" + s.status));
      const scores = s.scores ? Object.entries(s.scores).map(([k, v]) => k + " " + (v === null ? "undefined" : Number(v).toFixed(4))).join(", ") : "";
      tr.append(cell(s.status === "succeeded" ? (s.scores ? scores : "hidden until the phase ends") : ""), cell(s.method_description));
      const actions = cell(s.is_final ? "final " : "");
      if (s.status === "succeeded") {
        actions.append(s.is_final ? button("unmark", "unmark-final", () => act(`/api/submissions/${s.id}/final/`, {is_final: false}))
                                  : button("mark final", "mark-final", () => act(`/api/submissions/${s.id}/final/`, {is_final: true})));
      } else if (!finished.has(s.status)) {
        actions.append(button("cancel", "cancel", () => act(`/api/submissions/${s.id}/cancel/`)));
      }
      tr.append(actions);
      body.append(tr);
    }
  }
  function poll() {
    fetch(table.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(r => r.json())
      .then(function (subs) {
        render(subs);
        if (subs.some(s => !finished.has(s.status))) setTimeout(poll, 1500);
      })
      .catch(() => setTimeout(poll, 5000));
  }
  poll();
})();
