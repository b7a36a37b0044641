"""`build_report`: OUT/index.html and the plotly.min.js it loads from the same folder (offline, no CDN)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pandas as pd

from ..io_utils import write_atomic
from . import figures as F

CHART_IDS = ("summary", "gantt", "network", "balance", "heatmap", "ties", "dependence", "evaluation", "weights",
             "evidence")


def _plotly_js() -> str:
    """Plotly's bundle, with the one default URL it carries (topojson for geo maps, unused here)
    pointed at a relative path, so the file makes no reference to a CDN."""
    import plotly.offline as po

    return po.get_plotlyjs().replace("https://cdn.plot.ly/un/", "./topojson/")


def _div(fig, div_id: str) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                       config={"displaylogo": False, "responsive": True, "topojsonURL": "./topojson/"})


def summary_sentences(m: pd.DataFrame, dep: pd.DataFrame, states: list[str], names: dict[str, str],
                      poles: tuple[str, ...]) -> list[str]:
    """A few sentences generated from the numbers (never written by hand)."""
    out = []
    y0, y1 = int(m["year"].min()), int(m["year"].max())
    last = m[m["year"] == y1].set_index("state")
    big = [p for p in ("RUS", "CHN", "WEST") if p in poles]
    ranked = last.loc[[s for s in states if s in last.index], "balance_index"].dropna().sort_values(ascending=False)
    if len(ranked):
        shown = ranked.round(0)

        def who(value: float, head: str) -> str:   # every state at that (rounded) value: a tie is named
            tied = [names.get(s, s) for s in shown.index[shown == value]]
            if len(tied) == 1:
                return f"{head} is {tied[0]} ({value:.0f}"
            return f"{head} are {', '.join(tied[:-1])} and {tied[-1]} (tied at {value:.0f}"

        if shown.iloc[0] == shown.iloc[-1]:
            out.append(f"In {y1} every state has the same balance index ({shown.iloc[0]:.0f} of 100).")
        else:
            out.append(f"In {y1} {who(shown.iloc[0], 'the most evenly balanced')} of 100) and "
                       f"{who(shown.iloc[-1], 'the least balanced')}).")
    for s in states:
        if s not in last.index:
            continue
        r = last.loc[s]
        ties = {p: float(r[f"ties_{p}"]) for p in big}
        lead_pole = max(ties, key=ties.get)
        total = sum(ties.values()) or 1.0
        d = m[m["state"] == s].dropna(subset=["balance_index"])
        share = f"{100 * ties[lead_pole] / total:.0f}% of its great-power ties are {lead_pole}-led; " if total else ""
        if not len(d):   # never tied to two poles: the index is undefined (measures.balance_from_onset)
            sentence = (f"{names.get(s, s)}: no balance index up to {y1}, since it never had ties to two of the "
                        f"poles; {share}")
        else:
            f0 = d.iloc[0]
            y_start, start_bi = int(f0["year"]), float(f0["balance_index"])
            onset = (f"{y_start}, the first year it had ties to two poles" if y_start > y0
                     else f"{y_start}")
            if pd.isna(r["balance_index"]):
                trend = f"; its index is undefined in {y1}"
            else:
                delta = r["balance_index"] - start_bi
                trend = (f" in {y1}, {'up' if delta > 0 else 'down'} {abs(delta):.0f} points from {start_bi:.0f} in "
                         f"{onset}" if abs(delta) >= 1 else
                         (f" in {y1}, about the same as in {onset}" if y_start != y1 else f" in {y1}"))
            value = f"balance {r['balance_index']:.0f}" if not pd.isna(r["balance_index"]) else "balance"
            sentence = f"{names.get(s, s)}: {value}{trend}; {share}"
            lo_row = d.loc[d["balance_index"].idxmin()]
            if int(lo_row["year"]) not in (y_start, y1) and lo_row["balance_index"] < start_bi:
                sentence += f"its least balanced year was {int(lo_row['year'])} ({lo_row['balance_index']:.0f}); "
        orgs = int(r["n_orgs"])
        sentence += (f"it sits in {orgs} organization{'' if orgs == 1 else 's'} with a sovereignty exposure of "
                     f"{r['sovereignty_exposure']:.2f}")
        if "forums_with_RUS" in r and not pd.isna(r.get("forums_with_RUS")):
            sentence += (f"; it shares {int(r['forums_with_RUS'])} forum{'' if int(r['forums_with_RUS']) == 1 else 's'}"
                         f" with Russia and {int(r['forums_with_CHN'])} with China")
        out.append(sentence + ".")
    if len(dep):
        obs = dep[dep["flag"] == "observed"].sort_values("year")
        for (s, name, partner), g in obs.groupby(["state", "name", "partner"]):
            if len(g) >= 2 and s in states:
                a, b = g.iloc[0], g.iloc[-1]
                out.append(f"{names.get(s, s)}'s {name.replace('_', ' ')} with {partner} went from {a['value']:g} "
                           f"({int(a['year'])}) to {b['value']:g} ({int(b['year'])}) {a['unit']} "
                           f"[{', '.join(a['indicator_ids'] + b['indicator_ids'])}].")
    return out


def evidence_rows(kb) -> pd.DataFrame:
    """Every fact of the base with its citations: kind, id, date, text, sources (`kb.facts.fact_rows`, the
    web app's evidence page reads the same table, so both count the same facts)."""
    from ..kb.facts import fact_rows

    return fact_rows(kb)[["kind", "id", "date", "text", "sources"]]


def _evidence_html(facts: pd.DataFrame, titles: dict[str, str]) -> str:
    rows = []
    for r in facts.itertuples():
        cites = " ".join(
            f'<span class="cite" title="{html.escape(titles.get(c.split(":")[0], ""))}">{html.escape(c)}</span>'
            for c in r.sources)
        rows.append(f"<tr data-kind=\"{r.kind}\"><td>{r.kind}</td><td class=\"mono\">{html.escape(str(r.id))}</td>"
                    f"<td>{html.escape(str(r.date or ''))}</td><td>{html.escape(str(r.text))}</td><td>{cites}</td></tr>")
    kinds = "".join(f'<option value="{k}">{k}</option>' for k in sorted(facts["kind"].unique()))
    return f"""
<div class="filters"><input id="ev-filter" type="search" placeholder="filter: words, ids or citations (e.g. CSTO fn27)"
 oninput="filterEvidence()"> <select id="ev-kind" onchange="filterEvidence()"><option value="">all kinds</option>{kinds}
</select> <span id="ev-count"></span></div>
<div class="tablewrap"><table id="evidence"><thead><tr><th>kind</th><th>id</th><th>date</th><th>fact</th>
<th>citations</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>
<script>
function filterEvidence() {{
  const words = document.getElementById('ev-filter').value.toLowerCase().split(/\\s+/).filter(Boolean);
  const kind = document.getElementById('ev-kind').value;
  let n = 0;
  for (const tr of document.querySelectorAll('#evidence tbody tr')) {{
    const text = tr.textContent.toLowerCase();
    const ok = (!kind || tr.dataset.kind === kind) && words.every(w => text.includes(w));
    tr.style.display = ok ? '' : 'none';
    if (ok) n++;
  }}
  document.getElementById('ev-count').textContent = n + ' facts';
}}
document.addEventListener('DOMContentLoaded', filterEvidence);
</script>"""


CSS = """
body{font-family:'Segoe UI',Helvetica,Arial,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1f3a5f;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
header p{margin:6px 0 0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #ddd;padding:8px 32px;position:sticky;top:0;z-index:10}
nav a{margin-right:18px;color:#1f3a5f;text-decoration:none;font-weight:600}
section{background:#fff;margin:18px 32px;padding:16px 22px;border-radius:6px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
section h2{margin:4px 0 10px;font-size:19px;color:#1f3a5f}
.note{color:#555;font-size:13px;margin:4px 0 10px}
ul.summary li{margin:5px 0;line-height:1.45}
.tablewrap{max-height:620px;overflow:auto;border:1px solid #ddd}
table{border-collapse:collapse;width:100%;font-size:13px}
th{position:sticky;top:0;background:#eef1f5;text-align:left;padding:6px}
td{border-top:1px solid #eee;padding:5px 6px;vertical-align:top}
td.mono,.cite{font-family:Consolas,monospace;font-size:12px}
.cite{background:#eef3fb;border-radius:3px;padding:1px 4px;margin:1px;display:inline-block}
.filters{margin:6px 0 10px}.filters input{width:420px;padding:6px;font-size:14px}
.filters select{padding:6px;font-size:14px}
footer{margin:18px 32px 40px;color:#777;font-size:12px}
"""


def evaluation_html(evaluation: dict | None) -> str:
    """The forecast-evaluation section from a stored `multivector evaluate` result (never re-run here)."""
    if not evaluation:
        return ("<p class=\"note\">No forecast evaluation is stored for this case yet. Run "
                "<code>multivector evaluate</code> (a few minutes the first time) and write the report again "
                "to see the model scored beside its nested reference, a Markov chain, a tenure hazard, a "
                "transition logit, persistence and base rates.</p>")
    scores = pd.DataFrame(evaluation["scores"])
    rel = pd.DataFrame(evaluation["reliability"])
    corp = pd.DataFrame(evaluation.get("corp", []))
    cols = ["forecaster", "origin", "subset", "n", "log_score", "brier", "rps", "balanced_accuracy_2", "change_auc",
            "events_hit_1", "events_total", "spurious_changes", "skill_log_vs_persistence"]
    table = _html_table(scores[[c for c in cols if c in scores.columns]], "scores")
    theory = (evaluation.get("theory_test") or {}).get("rows") or []
    theory_html = ""
    if theory:
        theory_html = ("<p class=\"note\">The theory test: log-score gain of the model over its nested reference "
                       "(every theory weight 0) on the same rows, with a "
                       f"{evaluation['theory_test'].get('level', 0.9):.0%} bootstrap interval over state-lines.</p>"
                       + _html_table(pd.DataFrame(theory)[["origin", "subset", "log_gain", "lo", "hi", "n"]],
                                     "scores theory"))
    mode = {"coded": "the drivers' coded paths (ex post)", "frozen": "every driver held at the origin (ex ante)"}
    return (f"<p class=\"note\">Rolling origins {', '.join(map(str, evaluation['origins']))}: every forecaster is "
            "fitted on the years up to the origin and forecasts the rest of the record without seeing it, given "
            f"{mode.get(evaluation.get('drivers', 'coded'), 'the coded drivers')} "
            f"(seed {evaluation['seed']}, {evaluation['runs']} runs). Subsets: all rows, lines open at the origin "
            "(existing), bodies first open after it (first choice). Lower log, Brier and RPS scores are better; "
            "change AUC: of P(status differs from the origin's within 2 years), on existing lines; "
            "skill = 1 − log score / persistence's. See docs/evaluation.md.</p>"
            + _div(F.scores_by_origin(scores), "evaluation-scores") + _div(F.reliability_diagram(rel, corp),
                                                                            "evaluation-reliability") + table
            + theory_html)


def weights_html(weights: dict | None) -> str:
    """The fitted weights (`model.weight_summary.weights_file_rows`): the picture of each weight's posterior
    median and interval, and the same numbers as a table."""
    if not weights:
        return ("<p class=\"note\">No posterior draws are stored beside the weights file, so there are no "
                "intervals to show. <code>multivector calibrate</code> writes them.</p>")
    from .model_figures import weights_intervals

    rows = pd.DataFrame(weights["rows"])
    lvl = f"{weights['level']:.0%}"
    table = pd.DataFrame({
        "term": rows["label"], "weight": rows["weight"], "claims": rows["mechanism"],
        "median": rows["median"].map(lambda v: f"{v:.3g}"),
        f"{lvl} interval": [f"[{a:.3g}, {b:.3g}]" for a, b in zip(rows["lo"], rows["hi"], strict=True)],
        "per sd of the term": [("" if m != m or m is None else f"{m:.3g} [{a:.3g}, {b:.3g}]")
                               for m, a, b in zip(rows["per_sd_median"], rows["per_sd_lo"], rows["per_sd_hi"],
                                                  strict=True)]})
    return (f"<p class=\"note\">The weights the model runs with ({html.escape(str(weights['file']))}: NUTS, "
            f"seed {weights['seed']}, trained on the years up to {weights['train_until']}), each as the median "
            f"and {lvl} interval over the {weights['draws']:,} stored posterior draws. The theory terms are drawn on "
            "one scale: the weight times the standard deviation of its term over the training rows, the change in "
            "the log-odds of membership over no tie when the term moves by one sd; the memory of ties and the "
            "obstruction friction keep their own scale. Every prior is half-normal (the theory fixes the sign), "
            "so every draw is above 0; what matters is the distance from 0 and the width. See docs/model.md.</p>"
            + _div(weights_intervals(weights), "weights-chart") + _html_table(table, "scores weights"))


def _html_table(df: pd.DataFrame, css: str) -> str:
    def cell(v) -> str:
        if isinstance(v, float):
            return "" if v != v else f"{v:.3f}"
        return str(v)

    rows = "".join("<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in r) + "</tr>"
                   for r in df.itertuples(index=False))
    return (f"<table class=\"{css}\"><thead><tr>" + "".join(f"<th>{c.replace('_', ' ')}</th>" for c in df.columns)
            + f"</tr></thead><tbody>{rows}</tbody></table>")


def sweep_html(sweep: dict | None) -> str:
    """The sweep section from a stored `multivector sweep analyze` result (analysis.json; never re-run here)."""
    if not sweep:
        return ""
    from ..sweep.analyze import Analysis, index_warnings
    from .sweep_figures import sweep_figures

    a = Analysis.from_dict(sweep)
    figs = "".join(_div(f, f"sweep-{k}") for k, f in enumerate(sweep_figures(a)))
    figs = "".join(f'<p class="note warn">{html.escape(w)}</p>' for w in index_warnings(a)) + figs
    box = ""
    if a.prim is not None:
        rows = "".join(f"<tr><td>{html.escape(str(r.factor))}</td><td>{r.low:.3g}</td><td>{r.high:.3g}</td>"
                       f"<td>{r.full_low:.3g} … {r.full_high:.3g}</td></tr>" for r in a.prim["box"].itertuples())
        t = a.prim["trajectory"].iloc[a.prim["chosen"]]
        box = (f"<p>Scenario discovery (PRIM) for <code>{html.escape(a.prim['condition'])}</code>: chosen box "
               f"{a.prim['chosen']}, coverage {t.coverage:.2f}, density {t.density:.2f}.</p><table><tr><th>factor</th>"
               f"<th>low</th><th>high</th><th>full range</th></tr>{rows}</table>")
    return (f'<section id="sweep"><h2>Sweep: {html.escape(a.name)}</h2><p class="note">{a.n_points} points × '
            f"{a.runs} runs, design {html.escape(a.method)}, seed {a.seed}; factors: "
            f"{html.escape(', '.join(a.factors))}. See docs/sweeps.md.</p>{box}{figs}</section>")


def scenario_html(kb, scenario: dict | None) -> str:
    """The section of a stored comparison (`simulate SCENARIO --compare --out DIR`; never re-run here): for every
    state, the difference the scenario makes with its paired interval, one panel per organization, and
    P(member) by organization beside the run without its changes, the record drawn to its end."""
    if not scenario:
        return ""
    from ..model.inputs import load_inputs
    from ..model.record import record_engagement, record_indices
    from . import scenario_figures as SF

    s = scenario["summary"]
    inp = load_inputs(kb)
    record = record_engagement(inp)
    names = dict(zip(kb.actors()["id"], kb.actors()["name"], strict=True))
    c = s.get("compare", {})
    parts = []
    for st in inp.states:
        view = SF.View(state=st, name=names.get(st, st), start=int(s["start"]), first_change=c.get("first_change"),
                       counterfactual=bool(s.get("counterfactual")), record=record,
                       record_indices=record_indices(inp))
        parts.append(_div(SF.difference_panels(scenario["compare"], view), f"scenario-difference-{st}"))
        parts.append(_div(SF.member_panels(scenario["engagement"], view, scenario["baseline_engagement"]),
                          f"scenario-members-{st}"))
    kind = "counterfactual" if s.get("counterfactual") else "projection"
    return (f'<section id="scenario"><h2>Scenario: {html.escape(str(s["scenario"]))}</h2><p class="note">'
            f"{html.escape(str(s.get('description', '')))} A {kind}: {html.escape(str(s.get('start_description', '')))}"
            f"; {s['runs']} runs, seed {s['seed']}. Compared with {html.escape(str(c.get('baseline', '')))}; "
            f"intervals: {html.escape(str(c.get('interval', '')))}. Written by <code>multivector simulate "
            f"--compare --out</code>; see docs/model.md, “Projections from the record”.</p>{''.join(parts)}</section>")


def build_report(kb, out_dir: str | Path, progress: bool = True, evaluation: dict | None = None,
                 sweep: dict | None = None, scenario: dict | None = None, weights_file: str | Path | None = None
                 ) -> Path:
    """Write `out_dir/index.html` for a case and return its path (written atomically).

    evaluation: a stored `multivector evaluate` result (its JSON), shown as its own section.
    sweep: a stored `multivector sweep analyze` result (analysis.json), shown as its own section.
    scenario: a stored comparison ({summary, engagement, compare, baseline_engagement} of `simulate --compare
    --out`), shown as its own section.
    weights_file: the weights file whose posterior draws the fitted-weights section shows (default: the shipped
    one).
    """
    from contextlib import nullcontext

    from rich.progress import Progress

    from ..measures import case_dependence, measures_table, org_meta_from_case, panel_from_case
    from ..model.dependence_series import dependence_rows
    from ..model.weight_summary import weights_file_rows
    from .overview_figures import lead_heatmap
    from .web_figures import dependence_panels

    steps = ["measures", "timelines", "network", "balance and ties", "dependence", "evidence table", "writing"]
    bar = Progress(transient=True) if progress else nullcontext()
    with bar as prog:
        task = prog.add_task("report", total=len(steps)) if progress else None

        def done(label: str) -> None:
            if progress:
                prog.update(task, advance=1, description=label)

        panel = panel_from_case(kb)
        states = [s for s in kb.regional_states if s in panel._state_index]
        landmarks = kb.landmarks()
        names = panel.state_names
        period = (int(panel.years[0]), int(panel.years[-1]))
        m = measures_table(panel, states=states)
        dep = case_dependence(kb, states=states)
        meta = org_meta_from_case(kb)
        org_lead = dict(zip(meta["id"], meta["lead"], strict=True))
        done("timelines")
        spells = kb.sql("""SELECT actor, org, status, start, "end", start_date, end_date, sources FROM memberships
                           ORDER BY start_date""")
        spells["sources"] = [list(s) for s in spells["sources"]]
        gantts = [_div(F.gantt(spells, org_lead, s, names.get(s, s), period), f"gantt-{s}") for s in states]
        done("network")
        powers = [p for p in ("RUS", "CHN", "USA") if p in panel._state_index]
        net = F.network_slider(panel, [int(y) for y in panel.years], states + powers, org_lead, names)
        done("balance and ties")
        bal = F.balance_lines(m, states, names, landmarks)
        ties = F.ties_areas(m, states, tuple(p for p in panel.poles), names)
        heat = lead_heatmap(panel, states, org_lead, names,
                            dict(zip(meta["id"], meta["founded_year"].astype(str), strict=True)), landmarks)
        done("dependence")
        depfig = dependence_panels(dependence_rows(kb, states, period), states, names, period)
        weights = weights_file_rows(weights_file)
        done("evidence table")
        facts = evidence_rows(kb)
        src = kb.sources()
        titles = {r.id: " ".join(str(x) for x in (r.authors, r.title, r.year) if not pd.isna(x))
                  for r in src.itertuples()}
        sentences = summary_sentences(m, dep, states, names, panel.poles)
        done("writing")
        title = kb.meta.get("title", kb.name)
        body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} — multivector report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style>
<script type="text/javascript" src="plotly.min.js"></script>
</head><body>
<header><h1>{html.escape(title)}</h1><p>multivector report · case <code>{html.escape(kb.name)}</code> ·
content hash {html.escape(kb.content_hash[:12])} · {period[0]}–{period[1]} · {len(facts)} facts</p></header>
<nav><a href="#summary">Summary</a><a href="#gantt">Memberships</a><a href="#network">Network</a>
<a href="#balance">Balance</a><a href="#heatmap">By lead pole</a><a href="#ties">Ties by pole</a><a href="#dependence">Dependence</a>
<a href="#evaluation">Forecast evaluation</a><a href="#weights">Fitted weights</a>{'<a href="#sweep">Sweep</a>' if sweep else ''}{'<a href="#scenario">Scenario</a>' if scenario else ''}<a href="#evidence">Evidence</a></nav>
<section id="summary"><h2>What the measures show</h2>
<p class="note">Generated from the numbers below. Balance index: 100 × (1 − normalized Herfindahl index of ties
to Russia, China and the West); ties = Σ status weight × depth × lead weight (member 1, associate 0.75,
observer and partner 0.5, candidate 0.25). See docs/measures.md.</p>
<ul class="summary">{''.join(f'<li>{html.escape(s)}</li>' for s in sentences)}</ul></section>
<section id="gantt"><h2>Membership timelines</h2><p class="note">One bar per spell; colour = the
organization's lead pole; pattern = status (solid member, / associate, · observer, × partner, − candidate).
Hover for dates and citations.</p>{''.join(gantts)}</section>
<section id="network"><h2>State–organization network</h2><p class="note">Organizations (squares) sit on a
circle grouped by lead pole; the five states sit on the inner ring, each great power faces the organizations its
pole leads. Drag the slider to change the year; hover a node for its ties.</p>{_div(net, 'network-chart')}</section>
<section id="balance"><h2>Balance index</h2><p class="note">Drawn from the first year a state has ties to two of
the poles; before it the index is undefined (ticks under the axis), not 0. Dotted lines: the case's landmark
events ({', '.join(html.escape(i) for i in landmarks['id'])}).</p>{_div(bal, 'balance-chart')}</section>
<section id="heatmap"><h2>Who was in what, by lead pole</h2>{_div(heat, 'heatmap-chart')}</section>
<section id="ties"><h2>Ties by pole</h2><p class="note">REGIONAL and GLOBAL ties are shown but left out of the
balance index.</p>{_div(ties, 'ties-chart')}</section>
<section id="dependence"><h2>Dependence indicators</h2>{_div(depfig, 'dependence-chart')}</section>
<section id="evaluation"><h2>Forecast evaluation</h2>{evaluation_html(evaluation)}</section>
<section id="weights"><h2>Fitted weights</h2>{weights_html(weights)}</section>
{sweep_html(sweep)}
{scenario_html(kb, scenario)}
<section id="evidence"><h2>Evidence</h2><p class="note">Every fact of the base with its citations
(hover a citation for the source).</p>{_evidence_html(facts, titles)}</section>
<footer>Written by multivector from the case files; every number traces to the evidence table.
<script type="application/json" id="report-meta">{html.escape(json.dumps({"charts": list(CHART_IDS),
 "states": states, "years": list(period)}))}</script></footer>
</body></html>"""
        js = Path(out_dir) / "plotly.min.js"   # one copy per report folder, shared by its pages
        bundle = _plotly_js()
        if not js.exists() or js.stat().st_size != len(bundle.encode()):
            write_atomic(js, bundle)
        path = write_atomic(Path(out_dir) / "index.html", body)
        done("done")
    return path
