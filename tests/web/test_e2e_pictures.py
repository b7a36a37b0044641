"""End-to-end, at 1280 and 800 px: what people see (issue 24). The overview's heatmap, balance chart with the case's
landmark events and the region selector; the evidence pages of 50 with the timeline following the filters; the
measures' shared scales and legends clear of the titles; the negotiation page's spatial and rounds charts, veto
sentence and uploads with their intervals; the sweep page's theme and warning; the fitted weights on the Model check
page; a South Caucasus scenario in the lab.

Every test fails on a console error, an uncaught script error or a request to any host but the app's. Screenshots go
to $MULTIVECTOR_SHOTS when it is set.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .e2e_support import launch_chromium, serve_app
from .test_e2e import EXAMPLES, SHOTS

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (1280, 800)
SWEEP = """\
name: tiny-web
base: {base}
start: 2026
end: 2028
runs: 10
seed: 5
chunk: 4
factors:
  - name: rus_revisionism
    actor: RUS
    driver: revisionism
    from: 2026
    scale: [0.6, 1.6]
  - weight: balance_weight
    scale: [0.5, 2.0]
design: {{method: sobol, n: 4}}
outcomes:
  - "P_member(UZB, EAEU, 2028)"
"""


@pytest.fixture(scope="module")
def sweeps_folder(_private_cache, tmp_path_factory):
    """A real (tiny) sweep run and analysed, for the sweep page."""
    from typer.testing import CliRunner

    from multivector.cli import app as cli_app

    root = tmp_path_factory.mktemp("sweeps")
    (root / "spec.yaml").write_text(SWEEP.format(base=ROOT / "scenarios" / "baseline.yaml"))
    runner = CliRunner()
    assert runner.invoke(cli_app, ["sweep", str(root / "spec.yaml"), "--out", str(root / "tiny")]).exit_code == 0
    assert runner.invoke(cli_app, ["sweep", "analyze", str(root / "tiny")]).exit_code == 0
    (root / "spec.yaml").unlink()
    return root


@pytest.fixture(scope="module")
def server(_private_cache, sweeps_folder, tmp_path_factory):
    """The app with the sweep folder, uvicorn in a process of its own (e2e_support says why)."""
    yield from serve_app(tmp_path_factory.mktemp("e2e-pictures-cache"), f", sweeps={str(sweeps_folder)!r}")


@pytest.fixture(scope="module")
def browser():
    yield from launch_chromium()


@pytest.fixture(params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def page(request, browser, server):
    """A fresh page at 1280 or 800 px that records console errors and requests to other hosts."""
    width = request.param
    ctx = browser.new_context(viewport={"width": width, "height": 1000}, base_url=server)
    problems: list[str] = []
    origin = urlsplit(server).netloc

    def route(r):
        u = urlsplit(r.request.url)
        if u.scheme in ("data", "blob") or u.netloc == origin:
            r.continue_()
        else:
            problems.append(f"request to another host: {r.request.url}")
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.set_default_timeout(60_000)
    pg.width = width
    yield pg
    ctx.close()
    assert not problems, problems


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.width, f"the page is {width} px wide at a {page.width} px window"


def _shot(page, name: str, element: str | None = None) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        target = page.locator(element) if element else page
        kw = {} if element else {"full_page": True}
        target.screenshot(path=str(Path(SHOTS) / f"{name}-{page.width}.png"), **kw)


def _drawn(page, chart_id: str) -> None:
    page.wait_for_function(f"() => document.querySelector('#{chart_id} .main-svg') !== null")


# the legend sits below the plot: it overlaps neither the title nor any panel
LEGEND_CLEAR = """(id) => {
  const gd = document.getElementById(id);
  const legend = gd.querySelector('.legend'), title = gd.querySelector('.gtitle');
  if (!legend) return {ok: true};
  const l = legend.getBoundingClientRect(), t = title.getBoundingClientRect();
  const panels = [...gd.querySelectorAll('.bglayer rect, .nsewdrag')].map((r) => r.getBoundingClientRect());
  const lowest = Math.max(...panels.map((r) => r.bottom));
  return {ok: l.top >= t.bottom - 1 && l.top >= lowest - 1, legendTop: l.top, titleBottom: t.bottom, lowest};
}"""


def test_overview_regions_heatmap_and_landmarks(page):
    page.goto("/")
    _drawn(page, "chart-balance")
    _drawn(page, "chart-heatmap")
    marks = page.evaluate("""() => document.getElementById('chart-balance').data
        .filter((t) => t.name && t.name.startsWith('landmark events'))[0].text""")
    assert marks == ["2008", "2012", "2014", "2015", "2022"]
    undefined = page.evaluate("""() => document.getElementById('chart-balance').data
        .filter((t) => t.name && t.name.startsWith('index undefined'))[0].x""")
    assert set(undefined) == {1991}            # every state in the CIS alone: no index, not 0
    first = page.evaluate("() => document.getElementById('chart-balance').data[0].y[0]")
    assert first is None
    panels = page.evaluate("() => document.getElementById('chart-heatmap').data.filter((t) => t.type === 'heatmap').length")
    assert panels == 5
    assert page.evaluate(LEGEND_CLEAR, "chart-balance")["ok"]
    _shot(page, "overview-central-asia")
    page.select_option("#region", "south_caucasus")
    page.click("#region-form button")
    page.wait_for_url("**region=south_caucasus*")
    _drawn(page, "chart-heatmap")
    assert page.locator("#status-grid thead th").all_text_contents()[1:] == ["ARM", "AZE", "GEO"]
    assert page.evaluate("() => document.getElementById('chart-heatmap').data.filter((t) => t.type === 'heatmap').length") == 3
    names = page.evaluate("() => document.getElementById('chart-balance').data.map((t) => t.name)")
    assert {"Armenia", "Azerbaijan", "Georgia"} <= set(names)
    # the slider keeps the region
    page.focus("#year")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.year-label').textContent === '2024'")
    assert "region=south_caucasus" in page.url and "year=2024" in page.url
    assert page.locator("#status-grid thead th").all_text_contents()[1:] == ["ARM", "AZE", "GEO"]
    _fits(page)
    _shot(page, "overview-south-caucasus")


def test_evidence_pages_and_timeline_follow_the_filters(page):
    page.goto("/evidence")
    assert page.locator("#facts > li").count() == 50
    total = int(page.inner_text("#fact-count").replace(",", ""))
    assert "page 1 of" in page.inner_text("#h-facts")
    # the timeline comes before the list
    assert page.evaluate("""() => document.getElementById('h-timeline').compareDocumentPosition(
        document.getElementById('h-facts')) & Node.DOCUMENT_POSITION_FOLLOWING""")
    page.click(".pager >> nth=0 >> a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.locator("#facts > li").count() == 50 and "page 2 of" in page.inner_text("#h-facts")
    page.select_option("#state", "KGZ")
    page.click("button:text('Filter')")
    page.wait_for_url("**state=KGZ*")
    page.wait_for_selector(".chart .main-svg")
    assert "Kyrgyzstan (KGZ)" in page.text_content(".chart .gtitle")
    assert int(page.inner_text("#fact-count").replace(",", "")) < total
    page.select_option("#org", "CSTO")
    page.click("#evidence-form button:text('Filter')")
    page.wait_for_url("**org=CSTO*")
    page.wait_for_selector(".chart .main-svg")
    assert "members over time" in page.text_content(".chart .gtitle")
    # numbers with their units
    page.goto("/evidence?q=remittances_pct_gdp+ARM")
    text = page.inner_text("#facts")
    assert "ARM: 14%" in text and "14.0 percent" not in text
    _fits(page)
    _shot(page, "evidence")


def test_measures_share_scales_and_keep_legends_clear(page):
    page.goto("/measures")
    for chart in ("chart-balance", "chart-ties", "chart-dependence", "chart-economy", "chart-unga"):
        _drawn(page, chart)
        assert page.evaluate(LEGEND_CLEAR, chart)["ok"], chart
    ranges = page.evaluate("""() => { const l = document.getElementById('chart-unga').layout;
        return Object.keys(l).filter((k) => k.startsWith('yaxis') && l[k].range).map((k) => l[k].range); }""")
    assert len(ranges) == 3 and all(r == ranges[0] for r in ranges)
    xr = page.evaluate("""() => ['chart-economy', 'chart-unga', 'chart-dependence'].flatMap((id) => {
        const l = document.getElementById(id).layout;
        return Object.keys(l).filter((k) => k.startsWith('xaxis') && l[k].range).map((k) => l[k].range.join('-')); })""")
    assert len(set(xr)) == 1, xr
    dep = page.evaluate("""() => [...document.querySelectorAll('#chart-dependence .annotation-text')]
        .map((a) => a.textContent)""")
    assert any("imported" in t for t in dep) and any("hand-coded" in t for t in dep), dep
    _fits(page)
    _shot(page, "measures")
    page.select_option("#state", "KGZ")
    page.click("#measures-form button")
    page.wait_for_url("**state=KGZ*")
    page.select_option("#region", "eastern_europe")   # the region chosen wins over the state of the one before
    page.click("#measures-form button")
    page.wait_for_url("**region=eastern_europe*")
    _drawn(page, "chart-dependence")
    assert "Ukraine" in page.inner_text("#state") and "Ukraine" in page.text_content("#chart-balance")
    _shot(page, "measures-eastern-europe")


def test_negotiation_spatial_rounds_veto_and_upload(page):
    page.goto("/negotiation?proposal=csto_expansion")
    _drawn(page, "chart-spatial")
    page.wait_for_selector("#rounds-charts .main-svg")
    veto = page.inner_text("#veto-note")
    assert "holds every model's forecast at the status quo" in veto and "Kazakhstan (KAZ)" in veto
    rows = page.evaluate("() => document.getElementById('chart-spatial').layout.yaxis.categoryarray")
    assert "Russia (RUS)" in rows and "model: compromise" in rows
    titles = page.locator("#rounds-charts .annotation-text").all_text_contents()
    assert any(t.startswith("bdm") for t in titles) and any(t.startswith("smp") for t in titles)
    # the table of proposals fits: no header cut
    wrap = page.evaluate("""() => { const t = document.getElementById('proposals');
        return [t.scrollWidth, t.parentElement.clientWidth]; }""")
    assert wrap[0] <= wrap[1], wrap
    # a salient opponent moved to the proposal: the veto note follows
    for actor in ("KAZ", "KGZ", "TJK", "UZB"):
        page.locator(f"#actors tr[data-actor='{actor}'] .a-position").fill("100")
    page.wait_for_function("() => document.getElementById('veto-note').hidden")
    _shot(page, "negotiation")
    page.set_input_files("#upload-file", str(EXAMPLES / "ktab_water_release.csv"))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-results:not([hidden])", timeout=120_000)
    summary = page.inner_text("#upload-summary")
    assert "KTAB file with 1 problem (Water release)" in summary and "90% intervals" in summary
    dims = page.locator("#upload-details table.dims tbody tr")
    assert dims.count() == 2
    assert page.locator("#upload-details table.dims tbody tr >> nth=1 >> .iv").count() >= 5   # intervals per model
    assert page.locator("#upload-details .chart .main-svg").count() >= 3   # spatial + a rounds chart per dimension
    _fits(page)
    _shot(page, "negotiation-upload", "#upload-results")


def test_sweep_page_theme_and_warning(page, server):
    page.goto("/lab")
    page.click("#sweeps a >> nth=0")
    page.wait_for_selector(".chart .main-svg")
    assert "Read these indices with care" in page.inner_text("#sweep-warnings")
    fonts = page.evaluate("() => [...document.querySelectorAll('[data-figure]')].map((d) => d._fullLayout.font.family)")
    assert fonts and all(f.startswith("Segoe UI") for f in fonts)   # the app's theme, as every other chart
    heights = page.evaluate("() => [...document.querySelectorAll('[data-figure]')].map((d) => d.getBoundingClientRect().height)")
    assert min(heights) >= 380
    _fits(page)
    _shot(page, "sweep")


def test_model_check_weights_picture(page):
    """The fitted weights on the Model check page: one row per term, the dot at the median, the bar over the 90%
    interval (the numbers of /api/v1/weights), the zero line drawn, the title whole, the page within the window."""
    page.goto("/check")
    _drawn(page, "chart-weights")
    w = page.evaluate("() => fetch('/api/v1/weights').then((r) => r.json())")
    theory = [r for r in w["rows"] if r["per_sd_median"] is not None]
    drawn = page.evaluate("""() => document.getElementById('chart-weights').data.map((t) => ({y: t.y, x: t.x,
        plus: t.error_x.array, minus: t.error_x.arrayminus}))""")
    assert drawn[0]["y"] == [r["label"] for r in theory]
    assert drawn[0]["x"] == pytest.approx([r["per_sd_median"] for r in theory])
    assert drawn[0]["plus"] == pytest.approx([r["per_sd_hi"] - r["per_sd_median"] for r in theory])
    assert drawn[1]["y"] == ["memory of ties (τ)", "obstruction friction"]
    ticks = page.evaluate("() => [...document.querySelectorAll('#chart-weights .ytick text, #chart-weights .y2tick text')].map((t) => t.textContent)")
    assert set(ticks) == {r["label"] for r in w["rows"]}            # one row per term, each labelled
    zero = page.evaluate("""() => [...document.querySelectorAll('#chart-weights .shapelayer path')]
        .filter((p) => p.style.strokeDasharray).length""")
    assert zero == 2                                                 # the dashed zero line of each panel
    fit = page.evaluate("""() => { const gd = document.getElementById('chart-weights');
        const t = gd.querySelector('.gtitle').getBoundingClientRect(), b = gd.getBoundingClientRect();
        return t.left >= b.left - 1 && t.right <= b.right + 1; }""")
    assert fit, "the title runs out of the chart"
    assert page.locator("#weights-table tbody tr").count() == len(w["rows"])
    _fits(page)
    _shot(page, "check-weights", "#chart-weights")


def test_lab_runs_the_south_caucasus(page):
    page.goto("/lab")
    page.select_option("#sc-region", "south_caucasus")
    page.fill("#sc-name", "e2e-caucasus")
    page.fill("#sc-runs", "60")
    page.fill("#sc-seed", "3")
    page.fill("#sc-end", "2030")
    page.locator("#changes li.change .c-remove").evaluate_all("(bs) => bs.forEach((b) => b.click())")
    page.click("#add-change")
    row = page.locator("#changes li.change").last
    row.locator(".c-driver").select_option("threat_level")
    assert row.locator(".c-actor option").all_text_contents() == ["ARM", "AZE", "GEO"]
    row.locator(".c-actor").select_option("ARM")
    row.locator(".c-from").fill("2026")
    row.locator(".c-amount").fill("0.9")
    page.click("#run")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Done')", timeout=120_000)
    page.wait_for_selector("#chart-members .main-svg")
    assert page.locator("#view-state option").all_text_contents() == ["Armenia", "Azerbaijan", "Georgia"]
    assert "ARM" in page.text_content("#chart-members .gtitle")
    page.select_option("#view-state", "GEO")
    page.wait_for_function("() => document.querySelector('#chart-members .gtitle').textContent.includes('GEO')")
    _fits(page)
    _shot(page, "lab-south-caucasus")
    page.goto(page.input_value("#share"))   # the share link brings the region back, and the (cached) result
    page.wait_for_selector("#results:not([hidden])")
    assert page.input_value("#sc-region") == "south_caucasus"
    assert page.locator("#changes .c-actor").input_value() == "ARM"
