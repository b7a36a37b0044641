"""End-to-end: the pages in Debian's Chromium (Playwright), each page's main flow, at 800 px and by keyboard.

Every test fails on a console error, an uncaught script error or a request to any host but the app's.
Playwright never downloads a browser here: it drives /usr/bin/chromium (or $MULTIVECTOR_CHROMIUM).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .e2e_support import launch_chromium, serve_app

pytestmark = pytest.mark.e2e
EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "multivector" / "negotiation" / "examples"
SHOTS = os.environ.get("MULTIVECTOR_SHOTS")   # a folder: save a screenshot of each page there


@pytest.fixture(scope="module")
def server(_private_cache, tmp_path_factory):
    """The app on a free 127.0.0.1 port, uvicorn in a process of its own (e2e_support says why)."""
    yield from serve_app(tmp_path_factory.mktemp("e2e-cache"))


@pytest.fixture(scope="module")
def chromium_browser():
    yield from launch_chromium()


@pytest.fixture
def app_page(chromium_browser, server):
    """A fresh page 800 px wide that records console errors and requests to other hosts."""
    ctx = chromium_browser.new_context(viewport={"width": 800, "height": 1000}, base_url=server)
    problems: list[str] = []
    app_origin = urlsplit(server).netloc

    def route(r):
        u = urlsplit(r.request.url)
        if u.scheme in ("data", "blob") or u.netloc == app_origin:
            r.continue_()
        else:
            problems.append(f"request to another host: {r.request.url}")
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.set_default_timeout(30_000)
    pg.expected = []   # a test that provokes a refusal lists what the browser may log for it
    yield pg
    ctx.close()
    problems = [p for p in problems if not any(e in p for e in pg.expected)]
    assert not problems, problems


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800, f"the page is {width} px wide at an 800 px window"


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _charts(page, at_least: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll('.chart .main-svg').length >= {at_least}")
    titles = page.locator(".chart .gtitle").all_text_contents()
    assert len([t for t in titles if t.strip()]) >= at_least // 2, titles


def test_overview_slider_by_keyboard(app_page):
    page = app_page
    page.goto("/?year=2010")
    cell = page.locator("#status-grid tr:has(th a:text-is('CSTO')) td").nth(4)   # UZB
    assert cell.inner_text() == "M"
    page.focus("#year")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.year-label').textContent === '2014'")
    page.wait_for_function("""() => { const r = [...document.querySelectorAll('#status-grid tbody tr')]
        .find(tr => tr.querySelector('th a').textContent === 'CSTO'); return r && r.cells[5].innerText === '·'; }""")
    assert "year=2014" in page.url
    _fits(page)
    _shot(page, "overview")


def test_skip_link_and_tab_order(app_page):
    page = app_page
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.tagName") == "A"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"   # focus visible
    page.goto("/lab")
    page.focus("#sc-runs")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sc-seed"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_evidence_filter_and_timeline(app_page):
    page = app_page
    page.goto("/evidence")
    everything = int(page.inner_text("#fact-count").replace(",", ""))
    page.fill("#q", "remittances")
    page.select_option("#state", "KGZ")
    page.click("button:text('Filter')")
    page.wait_for_url("**/evidence?*q=remittances*")
    some = int(page.inner_text("#fact-count").replace(",", ""))
    assert 0 < some < everything
    assert "remittances" in page.inner_text("#facts").lower()
    assert "article" in page.inner_text("#facts .cites >> nth=0") or "background" in page.inner_text("#facts")
    page.select_option("#timeline", "CSTO")
    page.click("button:text('Show timeline')")
    page.wait_for_url("**timeline=CSTO*")
    _charts(page, 1)
    assert "members over time" in page.text_content(".chart .gtitle")
    _fits(page)
    _shot(page, "evidence")


def test_measures_charts(app_page):
    page = app_page
    page.goto("/measures")
    _charts(page, 4)
    page.select_option("#state", "TJK")
    page.click("button:text('Show')")
    page.wait_for_url("**state=TJK")
    _charts(page, 4)
    _fits(page)
    _shot(page, "measures")


RECORD_DRAWN = """(id) => {
  const gd = document.getElementById(id);
  const lines = [...gd.querySelectorAll('path.js-line')].filter(
      (p) => p.style.stroke === 'rgb(34, 34, 34)' && (p.getAttribute('d') || '').length > 10);
  const rec = gd._fullData.filter((t) => t.name === 'the record' || t.name === 'member on record');
  const last = Math.max(...rec.map((t) => Math.max(...Array.from(t.x))));
  return {drawn: lines.length, last};
}"""

DIFFERENCE_DRAWN = """() => {
  const gd = document.getElementById('chart-difference');
  if (gd.hidden || !gd.data) return null;
  const panels = gd.querySelectorAll('.cartesianlayer .subplot').length;
  const bands = [...gd.querySelectorAll('path.js-fill')].filter((p) => (p.getAttribute('d') || '').length > 10).length;
  const lines = [...gd.querySelectorAll('path.js-line')].filter(
      (p) => p.style.stroke === 'rgb(44, 111, 187)' && (p.getAttribute('d') || '').length > 10).length;
  return {panels, bands, lines, width: gd.getBoundingClientRect().width, title: gd.querySelector('.gtitle').textContent};
}"""


def _check_record_and_difference(page, record_until: int = 2025) -> dict:
    """The lab's difference chart has a panel per organization with its band, and the record is drawn, to its
    end, on every model chart."""
    page.wait_for_function(f"() => ({DIFFERENCE_DRAWN})() !== null")
    diff = page.evaluate(DIFFERENCE_DRAWN)
    assert diff["panels"] >= 5 and diff["lines"] >= diff["panels"] and diff["bands"] >= 1, diff
    assert diff["width"] <= 800 and "without its changes" in diff["title"]
    for chart in ("chart-members", "chart-fan", "chart-balance"):
        rec = page.evaluate(RECORD_DRAWN, chart)
        assert rec["drawn"] >= 1 and rec["last"] == record_until, (chart, rec)
    return diff


def test_lab_run_compare_and_share(app_page, chromium_browser, server):
    page = app_page
    page.goto("/lab")
    page.fill("#sc-name", "e2e-attention")
    page.fill("#sc-runs", "120")
    page.fill("#sc-seed", "4")
    page.click("#add-change")
    row = page.locator("#changes li.change").last
    row.locator(".c-driver").select_option("attention")
    row.locator(".c-actor").select_option("RUS")
    row.locator(".c-from").fill("2022")
    row.locator(".c-amount").fill("0.2")
    page.click("#run")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Done')",
                           timeout=90_000)
    _charts(page, 4)
    _check_record_and_difference(page)
    assert "counterfactual" in page.inner_text("#result-summary")      # a change in 2022: inside the record
    assert page.evaluate("document.getElementById('progress').value") == 1
    assert "Done" in page.inner_text("#status")
    assert page.locator("#differences tbody tr").count() >= 1
    first = page.locator("#differences tbody tr").first.locator("td").all_text_contents()
    assert int(first[2]) >= 2022 and first[6].startswith("[")      # counted from the first change, with its interval
    page.select_option("#view-state", "KGZ")
    page.wait_for_function("() => document.querySelector('#chart-members .gtitle').textContent.includes('KGZ')")
    page.wait_for_function("() => document.querySelector('#chart-difference .gtitle').textContent.includes('KGZ')")
    href = page.get_attribute("#downloads a >> nth=0", "href")
    assert href.startswith("/api/v1/results/")
    link = page.input_value("#share")
    assert link.startswith(server + "/lab?s=")
    _fits(page)
    _shot(page, "lab")

    # follow the shared link in a fresh page: the form is re-created and the (cached) result shown
    other = chromium_browser.new_context(viewport={"width": 800, "height": 1000})
    errors: list[str] = []
    p2 = other.new_page()
    p2.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p2.goto(link)
    p2.wait_for_selector("#results:not([hidden])", timeout=60_000)
    assert p2.input_value("#sc-name") == "e2e-attention" and p2.input_value("#sc-runs") == "120"
    assert p2.locator("#changes li.change").count() == 1
    assert p2.locator("#changes .c-amount").input_value() == "0.2"
    other.close()
    assert not errors, errors


def test_lab_library_scenario_runs_and_its_link_restores_it(app_page, chromium_browser):
    """A library scenario (a counterfactual from 2022), run compared at 800 px: the difference chart and the
    record line render without console errors; its share link brings the same choice back in the drop-down."""
    page = app_page
    page.goto("/lab")
    page.select_option("#library", "russia-distracted")
    page.click("#load-library")
    page.wait_for_function("() => document.getElementById('sc-name').value === 'russia-distracted'")
    page.fill("#sc-runs", "200")
    page.click("#run")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Done')",
                           timeout=120_000)
    page.select_option("#view-state", "UZB")
    page.wait_for_function("() => document.querySelector('#chart-difference .gtitle').textContent.includes('UZB')")
    diff = _check_record_and_difference(page)
    assert "first change 2022" in diff["title"]
    _fits(page)
    _shot(page, "lab-russia-distracted")
    if SHOTS:
        page.locator("#chart-difference").screenshot(path=str(Path(SHOTS) / "lab-difference.png"))
        for chart in ("members", "fan", "balance"):
            page.locator(f"#chart-{chart}").screenshot(path=str(Path(SHOTS) / f"lab-{chart}.png"))
    link = page.input_value("#share")
    assert "&library=russia-distracted" in link
    other = chromium_browser.new_context(viewport={"width": 800, "height": 1000})
    p2 = other.new_page()
    p2.goto(link)
    p2.wait_for_selector("#results:not([hidden])", timeout=60_000)
    assert p2.input_value("#library") == "russia-distracted" and p2.input_value("#sc-name") == "russia-distracted"
    other.close()


def test_lab_refuses_a_bad_scenario(app_page):
    page = app_page
    page.expected = ["status of 422"]   # the refusal itself, which the page then explains
    page.goto("/lab")
    page.fill("#sc-runs", "50000")
    page.click("#run")
    page.wait_for_selector("#problems:not([hidden])")
    assert "20,000" in page.inner_text("#problems")


def test_lab_library_scenario_loads(app_page):
    page = app_page
    page.goto("/lab")
    page.select_option("#library", "russia-distracted")
    page.click("#load-library")
    page.wait_for_function("() => document.getElementById('sc-name').value === 'russia-distracted'")
    assert page.locator("#changes li.change").count() >= 1


def test_negotiation_position_moves_forecast(app_page):
    page = app_page
    page.goto("/negotiation?proposal=csto_intervention_kgz_2010")
    _charts(page, 1)
    shown = "() => document.querySelector(\"#forecast-list li[data-model='compromise'] .v\").textContent"
    before = page.inner_text("#forecast-list li[data-model='compromise'] .v")
    page.uncheck("#rule-terms")   # without every salient member's veto the compromise leaves the status quo
    page.wait_for_function(f"{shown} !== '{before}'")
    before = page.inner_text("#forecast-list li[data-model='compromise'] .v")
    rus = page.locator("#actors tr[data-actor='RUS'] .a-position")
    rus.fill("0" if float(rus.input_value()) > 50 else "100")
    page.wait_for_function(f"{shown} !== '{before}'")
    page.select_option("#rule", "majority")
    page.set_input_files("#upload-file", str(EXAMPLES / "ktab_water_release.csv"))
    page.click("#upload-form button[type=submit]")
    # the upload's 90% intervals take about 5 CPU seconds (40 perturbed draws of every model): more on a busy machine
    page.wait_for_selector("#upload-results:not([hidden])", timeout=120_000)
    assert "KTAB" in page.inner_text("#upload-summary")
    _fits(page)
    _shot(page, "negotiation")


def test_negotiation_bad_number_is_explained(app_page):
    page = app_page
    page.expected = ["status of 422"]
    page.goto("/negotiation?proposal=csto_expansion")
    page.locator("#actors .a-salience").first.fill("500")
    page.wait_for_selector("#neg-problems:not([hidden])")
    assert "salience" in page.inner_text("#neg-problems")


def test_check_and_docs(app_page, server):
    page = app_page
    page.goto("/check")
    assert page.locator("#run-evaluation, #scores").count() == 1
    if page.locator("#run-evaluation").count():   # none stored: store a real, small one and look again
        from multivector.evaluate import evaluate
        from multivector.evaluate.store import _path, save_latest
        from multivector.kb import CaseBase
        from multivector.model.inputs import load_inputs

        kb = CaseBase.load()
        inp = load_inputs(kb)
        save_latest(evaluate(kb, ["persistence", "base_rate"], origins=[2004, 2012], runs=20, seed=0, inputs=inp),
                    inp)
        try:
            page.goto("/check")
            _charts(page, 2)
            assert page.locator("#scores tbody tr").count() == 4
            _fits(page)
            _shot(page, "check")
        finally:
            _path(inp).unlink(missing_ok=True)
    page.goto("/docs")
    assert page.locator("section.op").count() > 20
    _fits(page)
    _shot(page, "docs")
