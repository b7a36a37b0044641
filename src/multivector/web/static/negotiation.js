// Negotiation: edit actors or the rule and see every model's forecast, the veto note and the charts move;
// upload a file and see every problem and dimension with its intervals. The server builds every chart.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const num = (v, d = 1) => (v === null || v === undefined ? "—" : Number(v).toFixed(d));

  function drawRounds(box, figs, label) {
    box.replaceChildren();
    (figs || []).forEach((fig, k) => {
      const div = el("div", { class: "chart", role: "img", "aria-label": label + " " + (k + 1) });
      box.appendChild(div);
      MV.draw(div, fig);
    });
  }

  function showVeto(veto) {
    const p = $("veto-note");
    if (!p) return;
    p.hidden = !veto;
    p.textContent = veto ? veto.text : "";
  }

  const initialEl = $("neg-initial");
  if (initialEl) {
    const one = JSON.parse(initialEl.textContent);
    MV.draw($("chart-spatial"), one.figures.spatial);
    drawRounds($("rounds-charts"), one.figures.rounds, "Positions round by round");
    let timer = null, asked = 0;
    const predict = async () => {
      const actors = [...document.querySelectorAll("#actors tbody tr")].map((tr) => ({
        id: tr.dataset.actor, position: Number(tr.querySelector(".a-position").value),
        salience: Number(tr.querySelector(".a-salience").value), capability: Number(tr.querySelector(".a-capability").value) }));
      const body = { name: one.id, actors, decision_rule: $("rule").value, status_quo: one.status_quo,
        agenda_setters: one.agenda_setters, rule_terms: $("rule-terms").checked };
      const ask = ++asked;
      try {
        const res = await MV.json("/api/v1/negotiation/predict", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
        if (ask !== asked) return;
        MV.showProblems($("neg-problems"), []);
        for (const li of document.querySelectorAll("#forecast-list li")) {
          const v = res.forecasts[li.dataset.model];
          li.querySelector(".v").textContent = v ? v[0].toFixed(1) : "—";
          li.title = v ? "" : (res.unavailable[li.dataset.model] || "");
        }
        showVeto(res.veto);
        MV.draw($("chart-spatial"), res.figures.spatial);
        drawRounds($("rounds-charts"), res.figures.rounds, "Positions round by round");
      } catch (e) { if (ask === asked) MV.showProblems($("neg-problems"), e.problems); }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(predict, 150); };
    $("neg-form").addEventListener("input", later);
    $("neg-form").addEventListener("change", later);
    $("neg-reset").addEventListener("click", () => { location.reload(); });
  }

  // one problem of an upload in detail: what it is, the veto note, each dimension with every model's interval,
  // the spatial chart and the rounds
  function detail(p, k, models) {
    const sec = el("section", { class: "upload-problem", "aria-labelledby": "up-h-" + k });
    sec.appendChild(el("h3", { id: "up-h-" + k }, p.name + (p.description ? ": " + p.description : "")));
    sec.appendChild(el("p", {}, `${p.actors.length} actors, ${p.dimensions.length} dimension` +
      (p.dimensions.length === 1 ? "" : "s") + `, decision rule ${p.decision_rule}` +
      (p.status_quo ? `, status quo ${p.status_quo.map((v) => num(v)).join(" / ")}` : ", no status quo") + "."));
    if (p.veto) sec.appendChild(el("p", { class: "note" }, p.veto.text));
    const wrap = el("div", { class: "tablewrap" });
    const t = el("table", { class: "numbers dims" });
    t.appendChild(el("caption", {}, "Every dimension: each model's forecast and its 90% interval under inputs moved within their coding precision."));
    const head = el("tr");
    for (const h of ["dimension", "recorded", ...models]) {
      const th = el("th", { scope: "col", class: models.includes(h) ? "rot" : "" });
      th.appendChild(el("span", {}, h.replace("_", " ")));
      head.appendChild(th);
    }
    t.appendChild(el("thead")).appendChild(head);
    const tb = t.appendChild(el("tbody"));
    p.dimensions.forEach((d, j) => {
      const tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, d));
      tr.appendChild(el("td", {}, p.outcome ? num(p.outcome[j]) : "—"));
      for (const m of models) {
        const v = p.forecasts[m], iv = p.intervals[m];
        const td = el("td", {}, v ? num(v[j]) : "—");
        if (v && iv) td.appendChild(el("span", { class: "iv" }, `${num(iv.low[j])}–${num(iv.high[j])}`));
        if (!v) td.title = p.unavailable[m] || "";
        tr.appendChild(td);
      }
      tb.appendChild(tr);
    });
    wrap.appendChild(t);
    sec.appendChild(wrap);
    const spatial = el("div", { class: "chart", role: "img", "aria-label": "Spatial chart of " + p.name });
    sec.appendChild(spatial);
    const rounds = el("div");
    sec.appendChild(rounds);
    $("upload-details").appendChild(sec);
    MV.draw(spatial, p.figures.spatial);
    drawRounds(rounds, p.figures.rounds, "Positions round by round of " + p.name);
  }

  $("upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData($("upload-form"));
    if (!fd.get("decision_rule")) fd.delete("decision_rule");
    const box = $("upload-results"), table = $("upload-table");
    $("upload-summary").textContent = "Forecasting…";
    try {
      const res = await MV.json("/api/v1/negotiation/upload", { method: "POST", body: fd });
      MV.showProblems($("upload-problems"), []);
      const models = res.problems.length ? Object.keys(res.problems[0].forecasts) : [];
      const names = res.problems.map((p) => p.name);
      const listed = names.length <= 8 ? names.join(", ") : names.slice(0, 8).join(", ") + ", …";
      $("upload-summary").textContent = `${res.kind.toUpperCase()} file with ${res.count} problem` +
        (res.count === 1 ? "" : "s") + ` (${listed})` + (res.shown < res.count ? `; the first ${res.shown} forecast` : "") +
        `. ${res.detail === res.shown ? "Each" : "The first " + res.detail} shown in detail, with 90% intervals over ${res.interval_draws} perturbed draws (seed 0).`;
      $("upload-details").replaceChildren();
      box.hidden = false;   // shown before the charts are drawn, so they take the page's width
      res.problems.filter((p) => p.detail).forEach((p, k) => detail(p, k, models));
      table.querySelector("caption").textContent = "Every problem and dimension of the file: each model's forecast.";
      const head = el("tr");
      for (const h of ["problem", "dimension", "actors", "rule", "recorded", ...models]) {
        const th = el("th", { scope: "col", class: models.includes(h) ? "rot" : "" });
        th.appendChild(el("span", {}, h.replace("_", " ")));
        head.appendChild(th);
      }
      table.querySelector("thead").replaceChildren(head);
      const body = table.querySelector("tbody");
      body.replaceChildren();
      for (const p of res.problems) {
        p.dimensions.forEach((d, j) => {
          const tr = el("tr");
          const cells = [p.name, d, p.actors.length, p.decision_rule, p.outcome ? num(p.outcome[j]) : "—",
            ...models.map((m) => (p.forecasts[m] ? num(p.forecasts[m][j]) : "—"))];
          for (const c of cells) tr.appendChild(el("td", {}, String(c)));
          body.appendChild(tr);
        });
      }
      box.hidden = false;
    } catch (e) { box.hidden = true; MV.showProblems($("upload-problems"), e.problems); }
  });
})();
