// Negotiation: edit actors or the rule and see every model's forecast move; upload a file.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const initialEl = $("neg-initial");
  const COLORS = ["#2c6fbb", "#c0392b", "#27ae60", "#8e44ad", "#e0a100", "#17becf", "#8c564b", "#7f8c8d"];

  function chart(one, forecasts) {
    const value = (f) => (f === null || f === undefined ? null : Array.isArray(f) ? f[0] : f);
    const models = Object.keys(forecasts).filter((m) => value(forecasts[m]) !== null);   // models that could forecast it
    const values = models.map((m) => value(forecasts[m]));
    const data = [{ type: "bar", x: models, y: values, marker: { color: models.map((_, i) => COLORS[i % COLORS.length]) },
      text: values.map((v) => v.toFixed(1)), textposition: "outside", name: "forecast by model",
      hovertemplate: "%{x}: %{y:.1f}<extra></extra>" }];
    if (one.recorded_position !== null) {
      data.push({ type: "scatter", mode: "lines", x: models, y: models.map(() => one.recorded_position),
        line: { color: "#1d2630", dash: "dash", width: 2 }, hoverinfo: "skip",
        name: "recorded: " + one.recorded_outcome.replace("_", " ") + " (" + one.recorded_position + ")" });
    }
    MV.draw($("chart-forecasts"), { data, layout: {
      title: { text: one.id + ": forecast by model (0 status quo … 100 adopted in full)", x: 0.01, font: { size: 15 } },
      height: 400, margin: { l: 60, r: 20, t: 50, b: 50 }, plot_bgcolor: "#fafafa", showlegend: true,
      legend: { orientation: "h", y: -0.25 },
      xaxis: { title: { text: "model" } }, yaxis: { title: { text: "forecast position (0–100)" }, range: [0, 110] } } });
  }

  if (initialEl) {
    const one = JSON.parse(initialEl.textContent);
    chart(one, one.forecasts);
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
        chart(one, res.forecasts);
      } catch (e) { if (ask === asked) MV.showProblems($("neg-problems"), e.problems); }
    };
    const later = () => { clearTimeout(timer); timer = setTimeout(predict, 150); };
    $("neg-form").addEventListener("input", later);
    $("neg-form").addEventListener("change", later);
    $("neg-reset").addEventListener("click", () => { location.reload(); });
  }

  $("upload-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const fd = new FormData($("upload-form"));
    if (!fd.get("decision_rule")) fd.delete("decision_rule");
    const table = $("upload-results");
    try {
      const res = await MV.json("/api/v1/negotiation/upload", { method: "POST", body: fd });
      MV.showProblems($("upload-problems"), []);
      const models = res.problems.length ? Object.keys(res.problems[0].forecasts) : [];
      table.querySelector("caption").textContent = `${res.kind.toUpperCase()} file: ${res.count} problem(s)` +
        (res.shown < res.count ? `, the first ${res.shown} forecast` : "") + "; forecast of the first dimension.";
      const head = document.createElement("tr");
      for (const h of ["problem", "actors", "rule", "recorded", ...models]) { const th = document.createElement("th"); th.scope = "col"; th.textContent = h; head.appendChild(th); }
      table.querySelector("thead").replaceChildren(head);
      const body = table.querySelector("tbody");
      body.replaceChildren();
      for (const p of res.problems) {
        const tr = document.createElement("tr");
        const cells = [p.name, p.actors.length, p.decision_rule, p.outcome ? p.outcome[0] : "—", ...models.map((m) => (p.forecasts[m] ? p.forecasts[m][0].toFixed(1) : "—"))];
        for (const c of cells) { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); }
        body.appendChild(tr);
      }
      table.hidden = false;
    } catch (e) { table.hidden = true; MV.showProblems($("upload-problems"), e.problems); }
  });
})();
