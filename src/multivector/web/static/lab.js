// Scenario lab: the form <-> scenario JSON, run as jobs with a progress bar, charts and a share link.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const vocab = JSON.parse($("lab-vocab").textContent);
  const rows = $("changes");
  const tpl = $("change-row");
  const POWER = new Set([...vocab.power_drivers, ...vocab.org_drivers]);
  const DEP = new Set(vocab.dependence), ORG = new Set(vocab.org_drivers);
  let current = null;      // {key, compared}
  let jobs = [];           // ids being polled
  let stopped = false;

  function options(select, values, keep) {
    const old = keep ?? select.value;
    select.replaceChildren(...values.map((v) => { const o = document.createElement("option"); o.value = v; o.textContent = v; return o; }));
    if (values.includes(old)) select.value = old;
  }

  // the region chosen: its states are the ones a change may name and the results show
  const regionStates = () => vocab.regions[$("sc-region").value] || vocab.states;
  function viewStates(states) {
    const view = $("view-state"), keep = view.value;
    view.replaceChildren(...states.map((s) => { const o = document.createElement("option"); o.value = s; o.textContent = vocab.names[s] || s; return o; }));
    if (states.includes(keep)) view.value = keep;
  }
  function setRegion(key) {
    if (key) $("sc-region").value = key;
    for (const tr of rows.children) fitRow(tr);
    if (!current) viewStates(regionStates());   // a result on show keeps the states it was run for
  }
  const regionOf = (states) => Object.keys(vocab.regions).find((k) => JSON.stringify(vocab.regions[k]) === JSON.stringify(states));

  function fitRow(tr) {
    const d = tr.querySelector(".c-driver").value;
    options(tr.querySelector(".c-actor"), POWER.has(d) ? vocab.powers : regionStates());
    tr.querySelector(".c-partner").disabled = !DEP.has(d);
    if (!DEP.has(d)) tr.querySelector(".c-partner").value = "";
    tr.querySelector(".c-org").disabled = !ORG.has(d);
    if (!ORG.has(d)) tr.querySelector(".c-org").value = "";
  }

  function addRow(ch) {
    const tr = tpl.content.firstElementChild.cloneNode(true);
    rows.appendChild(tr);
    ch = ch || { driver: "attention", actor: "RUS", from: Number($("sc-start").value) || vocab.record_until + 1, set: 0.5 };
    tr.querySelector(".c-driver").value = ch.driver;
    fitRow(tr);
    tr.querySelector(".c-actor").value = ch.actor;
    tr.querySelector(".c-partner").value = ch.partner || "";
    tr.querySelector(".c-org").value = ch.org || "";
    tr.querySelector(".c-from").value = ch.from ?? "";
    tr.querySelector(".c-to").value = ch.to ?? "";
    const op = ["set", "scale", "add"].find((k) => k in ch) || "set";
    tr.querySelector(".c-op").value = op;
    tr.querySelector(".c-amount").value = ch[op];
    tr.querySelector(".c-driver").addEventListener("change", () => fitRow(tr));
    tr.querySelector(".c-remove").addEventListener("click", () => { tr.remove(); $("add-change").focus(); });
    return tr;
  }

  function fill(sc) {
    setRegion(sc.states ? regionOf(sc.states) || vocab.default_region : vocab.default_region);
    $("sc-name").value = sc.name; $("sc-start").value = sc.start ?? ""; $("sc-end").value = sc.end;
    $("sc-runs").value = sc.runs; $("sc-seed").value = sc.seed;
    rows.replaceChildren();
    for (const ch of sc.drivers || []) addRow(ch);
    $("lab-form").dataset.parameters = JSON.stringify(sc.parameters || {});
    $("lab-form").dataset.description = sc.description || "";
  }

  const num = (v) => (v === "" || v === null ? null : Number(v));
  function read() {
    const sc = { name: $("sc-name").value.trim(), description: $("lab-form").dataset.description || "",
      start: num($("sc-start").value), end: num($("sc-end").value), runs: num($("sc-runs").value),
      seed: num($("sc-seed").value), drivers: [], parameters: JSON.parse($("lab-form").dataset.parameters || "{}") };
    if ($("sc-region").value !== vocab.default_region) sc.states = regionStates();
    for (const tr of rows.children) {
      const ch = { actor: tr.querySelector(".c-actor").value, driver: tr.querySelector(".c-driver").value };
      const p = tr.querySelector(".c-partner").value, o = tr.querySelector(".c-org").value;
      if (p) ch.partner = p;
      if (o) ch.org = o;
      const f = num(tr.querySelector(".c-from").value), t = num(tr.querySelector(".c-to").value);
      if (f !== null) ch.from = f;
      if (t !== null) ch.to = t;
      ch[tr.querySelector(".c-op").value] = num(tr.querySelector(".c-amount").value);
      sc.drivers.push(ch);
    }
    return sc;
  }

  const status = (text) => { $("status").textContent = text; };
  const busy = (on) => { $("run").disabled = on; $("cancel").disabled = !on; };

  async function poll(ids) {
    while (!stopped) {
      const all = await Promise.all(ids.map((id) => MV.json("/api/v1/jobs/" + id)));
      const done = all.reduce((a, j) => a + j.progress.done, 0), total = all.reduce((a, j) => a + j.progress.total, 0);
      $("progress").value = total ? done / total : 0;
      const bad = all.find((j) => j.status === "failed" || j.status === "cancelled");
      if (bad) throw Object.assign(new Error(bad.error || bad.status), { problems: [bad.error || bad.status] });
      if (all.every((j) => j.status === "done")) return all;
      const q = all.find((j) => j.status === "queued");
      status(q ? `Waiting for a free worker (position ${q.queue_position} in the queue)…`
               : `Running: ${done} of ${total} simulated years…`);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw Object.assign(new Error("cancelled"), { problems: ["cancelled"] });
  }

  async function run(ev) {
    if (ev) ev.preventDefault();
    MV.showProblems($("problems"), []);
    const sc = read();
    busy(true); stopped = false; $("progress").value = 0;
    const t0 = performance.now();
    try {
      status("Checking the scenario…");
      const checked = await MV.json("/api/v1/scenarios/validate", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(sc) });
      const post = (body) => MV.json("/api/v1/jobs", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
      const compared = $("compare").checked;
      const started = [await post({ scenario: checked.scenario, compare: compared })];
      jobs = started.map((j) => j.id);
      // the link keeps the drop-down's library scenario, so opening it shows the same choice
      const link = checked.link + "&library=" + encodeURIComponent($("library").value);
      history.replaceState(null, "", link);
      $("share").value = location.origin + link;
      const finished = await poll(jobs);
      current = { key: finished[0].key, compared };
      viewStates(sc.states || vocab.regions[vocab.default_region]);
      $("progress").value = 1;
      status("Drawing the charts…");
      await show();
      status(`Done in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${sc.runs} runs, seed ${sc.seed}.`);
    } catch (e) {
      status("Not run.");
      MV.showProblems($("problems"), e.problems || [String(e.message || e)]);
    } finally { busy(false); jobs = []; }
  }

  async function show() {
    if (!current) return;
    const state = $("view-state").value, line = $("view-line").value;
    let url = `/api/v1/results/${current.key}/figures?state=${encodeURIComponent(state)}`;
    if (line) url += `&line=${encodeURIComponent(line)}`;
    let figs;
    try { figs = await MV.json(url); } catch (e) {   // a line not open to this state: let the server choose
      figs = await MV.json(url.replace(/&line=[^&]*/, ""));
    }
    $("results").hidden = false;
    options($("view-line"), figs.lines, figs.line);
    $("chart-difference").hidden = !figs.figures.difference;
    if (figs.figures.difference) MV.draw($("chart-difference"), figs.figures.difference);
    MV.draw($("chart-members"), figs.figures.members);
    MV.draw($("chart-fan"), figs.figures.fan);
    MV.draw($("chart-balance"), figs.figures.balance);
    const summary = await MV.json(`/api/v1/results/${current.key}?tables=`);
    const s = summary.summary;
    $("result-summary").textContent = `${s.scenario}: ${s.start_description}; ` +
      `${s.start}–${s.end}, ${s.runs} runs, seed ${s.seed}, version ${s.version}` +
      (s.clipped_changes && s.clipped_changes.length ? ". Note: " + s.clipped_changes.join("; ") : ".");
    $("result-summary").dataset.kind = s.kind;
    const body = document.querySelector("#differences tbody");
    body.replaceChildren();
    const pts = (v) => (v > 0 ? "+" : "") + (100 * v).toFixed(1);
    if (current.compared) {
      const cmp = await MV.json(`/api/v1/results/${current.key}/compare`);
      for (const d of cmp.largest_differences) {
        const tr = document.createElement("tr");
        for (const v of [d.state, d.line, d.year, (100 * d.with_changes).toFixed(1) + "%",
          (100 * d.without_changes).toFixed(1) + "%", pts(d.difference), `[${pts(d.p05)}, ${pts(d.p95)}]`]) {
          const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        }
        body.appendChild(tr);
      }
      if (!cmp.largest_differences.length) body.innerHTML = "<tr><td colspan='7'>No difference from the same run without the changes.</td></tr>";
    } else body.innerHTML = "<tr><td colspan='7'>Run with “Compare” checked to see the differences.</td></tr>";
    const dl = $("downloads");
    dl.replaceChildren();
    const tables = ["engagement", "indices", "stances", "depth"];
    if (current.compared) tables.push("compare", "baseline_engagement", "baseline_indices");
    for (const t of tables) {
      const li = document.createElement("li");
      li.append(t + ": ");
      ["csv", "json", "parquet"].forEach((f, i) => {
        const a = document.createElement("a"); a.href = `/api/v1/results/${current.key}/${t}.${f}`; a.textContent = f.toUpperCase();
        a.setAttribute("download", ""); li.append(a); if (i < 2) li.append(" · ");
      });
      dl.appendChild(li);
    }
  }

  $("add-change").addEventListener("click", () => addRow().querySelector(".c-actor").focus());
  $("library").addEventListener("change", async () => {
    try { $("library-note").textContent = (await MV.json("/api/v1/scenarios/" + encodeURIComponent($("library").value))).description; }
    catch (e) { $("library-note").textContent = ""; }
  });
  $("load-library").addEventListener("click", async () => {
    try { fill(await MV.json("/api/v1/scenarios/" + encodeURIComponent($("library").value))); status("Loaded " + $("library").value + "."); }
    catch (e) { MV.showProblems($("problems"), e.problems); }
  });
  $("cancel").addEventListener("click", async () => {
    stopped = true;
    await Promise.all(jobs.map((id) => fetch("/api/v1/jobs/" + id, { method: "DELETE" })));
    status("Cancelled.");
  });
  $("copy-share").addEventListener("click", () => { $("share").select(); if (navigator.clipboard) navigator.clipboard.writeText($("share").value).catch(() => {}); });
  $("sc-region").addEventListener("change", () => setRegion());
  $("view-state").addEventListener("change", show);
  $("view-line").addEventListener("change", show);
  $("lab-form").addEventListener("submit", run);
  window.addEventListener("pagehide", () => { stopped = true; for (const id of jobs) fetch("/api/v1/jobs/" + id, { method: "DELETE", keepalive: true }); });

  const initial = JSON.parse($("lab-initial").textContent);
  if (initial) fill(initial);
  if (vocab.auto_run) run();
})();
