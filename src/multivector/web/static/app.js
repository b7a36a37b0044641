// multivector pages: draw the server's Plotly figures; the overview's year slider updates in place.
"use strict";
const MV = {
  config: { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] },
  draw(el, fig) {
    if (!window.Plotly || !el) return;
    const layout = Object.assign({}, fig.layout || {}, { autosize: true });
    delete layout.width;
    window.Plotly.react(el, fig.data || [], layout, MV.config);
  },
  async json(url, options) {
    const r = await fetch(url, options);
    let body = null;
    try { body = await r.json(); } catch (e) { body = { detail: r.status + " " + r.statusText }; }
    if (!r.ok) { const err = new Error(body.detail || r.statusText); err.problems = body.problems || [body.detail]; err.status = r.status; throw err; }
    return body;
  },
  showProblems(box, problems) {
    box.hidden = !problems || !problems.length;
    box.replaceChildren();
    if (box.hidden) return;
    const ul = document.createElement("ul");
    for (const p of problems) { const li = document.createElement("li"); li.textContent = p; ul.appendChild(li); }
    box.appendChild(ul);
  },
};
window.MV = MV;

document.addEventListener("DOMContentLoaded", () => {
  for (const el of document.querySelectorAll("[data-figure]")) {
    const src = document.getElementById(el.dataset.figure);
    if (src) MV.draw(el, JSON.parse(src.textContent));
  }
  const slider = document.getElementById("year");
  const form = document.getElementById("yearform");
  if (slider && form) {
    const out = document.getElementById("year-out");
    let timer = null, asked = 0;
    slider.addEventListener("input", () => {
      out.textContent = slider.value;
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const ask = ++asked, year = slider.value;
        const query = "/?" + new URLSearchParams(new FormData(form)).toString();   // the region rides along
        const r = await fetch(query);
        if (!r.ok || ask !== asked) return;
        const doc = new DOMParser().parseFromString(await r.text(), "text/html");
        for (const id of ["headline", "status-grid"]) {
          const fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(fresh);
        }
        for (const s of document.querySelectorAll(".year-label")) s.textContent = year;
        history.replaceState(null, "", query);
      }, 120);
    });
  }
});
