"""The command map in Chromium at county scale: time to map ready and bytes per view, vs the naive page.

Run::

    python -m gridmap bench map_browser [--db sqlite:///FILE] [--county 330327] [--town CODE]
        [--repeats 3] [--skip-naive] [--naive-timeout 300] [--chromium /usr/bin/chromium] [--keep]

On a copy of the county store (see :mod:`benchmarks.common`), in one run:

1. **Our page** (``streamlit run app.py`` on a free port, ``GRIDMAP_TILES=none``, no live
   ticks) in headless Debian Chromium driven by Playwright (:mod:`tests.harness`): from the
   click on 登录 until the Leaflet map in the ``streamlit_folium`` iframe holds unit polygons
   (``feature.properties.code``) and has painted two more frames; then a county -> town
   drill-down by a real mouse click on the town's polygon until the map holds only that
   town's villages. Bytes per view through a CDP session (:class:`benchmarks.cdp.NetMeter`):
   HTTP (``Network.loadingFinished.encodedDataLength``, on the wire) plus websocket frames
   (binary frames decoded from base64), counted from the click until the app has settled.
   The first sign-in after the server starts (cold snapshot) and the first drill-down (cold
   point cache) are reported apart; ``--repeats`` warm users follow, each in a fresh browser
   context (nothing cached). Each view also prints a timeline and the script runs it took.
2. **Naive baseline** (:mod:`benchmarks.naive_page`): the page with one ``GeoJson`` of every
   micro-grid and every point, and the page with the micro-grids only, each opened in a
   Chromium of its own; the page reports navigation start -> GeoJson drawn itself; past
   ``--naive-timeout`` it counts as not drawn.

Targets: map ready <= 2 s (county view and after the drill-down), <= 1.5 MB per view
(1 MB = 10^6 bytes). A missed target prints as MISSED; the exit status is non-zero only on
errors.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cdp import NetMeter
from benchmarks.common import (
    BYTES_TARGET,
    MB,
    PAGE_TIMEOUT_MS,
    PASSWORD,
    READY_TARGET_S,
    USER,
    bench_run,
    fmt_mb,
    log,
    median,
    parser,
    verdict,
)
from benchmarks.naive_page import (
    NaiveHtml,
    NaiveRun,
    naive_pages,
    open_naive,
    serve_dir,
)
from tests.harness import (
    CLICK_POINT_JS,
    IFRAME_COUNTER_JS,
    MAP_IFRAME,
    StreamlitServer,
    fill_sign_in,
    launch_chromium,
    new_context,
    unit_click_point,
    wait_for_app,
    wait_map,
)

# Top document, started just before a click: when the map iframe, its document, Leaflet, the map and
# its units appeared (epoch ms; the iframe is same-origin, so its window is readable from here).
_PHASES_JS = """() => {
  const p = window.__gmPhases = {};
  const now = () => performance.timeOrigin + performance.now();
  const poll = () => {
    try {
      const f = document.querySelector("iframe[title*='streamlit_folium']");
      if (f && !p.iframe) p.iframe = now();
      const w = f && f.contentWindow;
      if (w && !p.component && w.location.href.includes('streamlit_folium') && w.document.readyState !== 'loading')
        p.component = now();
      if (w && !p.leaflet && w.L) p.leaflet = now();
      if (w && !p.map && w.map) p.map = now();
      if (w && w.map && !p.units) { let n = 0;
        w.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code) n++ });
        if (n) p.units = now(); }
    } catch (e) {}
    if (!p.units) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  return true }"""

PHASE_NAMES = {"iframe": "map iframe created", "component": "component page loaded", "leaflet": "Leaflet loaded",
               "map": "map created", "units": "units on the map"}


@dataclass
class ViewRun:
    group: str  # "county-cold", "county", "drill-cold", "drill"
    label: str
    cold: bool
    ready_s: float
    http: int
    ws: int
    requests: int
    units: int
    largest: str
    http_kind: dict[str, int]
    phases: str

    @property
    def map_bytes(self) -> int:
        """Bytes of the map itself: component + Leaflet files + websocket (Streamlit's own chunks left out)."""
        return self.http_kind["map"] + self.ws


def sign_in_and_measure(browser: Any, base_url: str, town: str | None, *, county_cold: bool,
                        drill_cold: bool) -> list[ViewRun]:
    """One user: sign in (county view), then drill down into ``town``; returns both measurements."""
    context = new_context(browser, PAGE_TIMEOUT_MS)
    runs: list[ViewRun] = []
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        meter = NetMeter(cdp)
        button = fill_sign_in(page, base_url, USER, PASSWORD, PAGE_TIMEOUT_MS)
        page.evaluate(IFRAME_COUNTER_JS)
        page.wait_for_timeout(300)
        page.evaluate(_PHASES_JS)
        meter.reset()
        wall = time.time()
        started = time.perf_counter()
        button.click()
        frame, n = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
        ready = time.perf_counter() - started
        wait_for_app(page, PAGE_TIMEOUT_MS, quiet_ms=700)
        marks = page.evaluate("() => window.__gmPhases || {}")
        phases = [meter.runs_text(), meter.ws_times(wall), meter.chunks_done(wall)]
        phases += [f"{PHASE_NAMES.get(k, k)} +{v / 1000 - wall:.2f} s"
                   for k, v in sorted(marks.items(), key=lambda kv: kv[1])]
        runs.append(ViewRun("county-cold" if county_cold else "county", "county view (sign-in -> map)",
                            county_cold, ready, meter.http, meter.ws, meter.requests, n, meter.largest(),
                            meter.http_by_kind(), ", ".join(phases)))
        if town is None:
            return runs
        x, y = unit_click_point(page, frame, town, settle_ms=300)
        meter.reset()
        wall = time.time()
        started = time.perf_counter()
        page.mouse.click(x, y)
        frame, n = wait_map(page, {"prefix": town[:9], "exclude": town}, PAGE_TIMEOUT_MS / 1000)
        ready = time.perf_counter() - started
        wait_for_app(page, PAGE_TIMEOUT_MS, quiet_ms=700)
        created = page.evaluate("() => window.__gmIframes")
        if created != 1:
            log(f"WARNING: {created} map iframes were created for one sign-in + drill-down (expected 1)")
        runs.append(ViewRun("drill-cold" if drill_cold else "drill", f"drill-down county -> town {town} (click -> map)",
                            drill_cold, ready, meter.http, meter.ws, meter.requests, n, meter.largest(),
                            meter.http_by_kind(), f"{meter.runs_text()}, {meter.ws_times(wall)}"))
        return runs
    finally:
        context.close()


def clickable_town(browser: Any, base_url: str, towns: list[str]) -> str:
    """The first (largest) town with a free spot of its polygon on the county view."""
    context = new_context(browser, PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        fill_sign_in(page, base_url, USER, PASSWORD, PAGE_TIMEOUT_MS).click()
        frame, _ = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
        wait_for_app(page, PAGE_TIMEOUT_MS, quiet_ms=700)
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        for town in towns:
            if frame.evaluate(CLICK_POINT_JS, town) is not None:
                return town
        raise RuntimeError("no town has a free spot to click on the county view")
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--town", default=None, help="drill-down target (default: the largest clickable town)")
    args_parser.add_argument("--repeats", type=int, default=3, help="warm sign-ins + drill-downs (default 3)")
    args_parser.add_argument("--skip-naive", action="store_true", help="no naive baseline")
    args_parser.add_argument("--naive-timeout", type=float, default=300.0,
                             help="seconds the naive page may take to draw (default 300)")
    args = args_parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with bench_run(args) as run:
        towns = [args.town] if args.town else run.towns()
        naive = [] if args.skip_naive else naive_pages(run.session, run.workdir)
        with sync_playwright() as manager:
            browser = launch_chromium(manager, args.chromium, ["--enable-precise-memory-info"])
            with StreamlitServer(run.url, run.workdir, {"GRIDMAP_LIVE_SECONDS": "3600"}) as app:
                log("our page: first sign-in after the server started (cold)")
                runs = sign_in_and_measure(browser, app.base_url, None, county_cold=True, drill_cold=False)
                town = towns[0] if args.town else clickable_town(browser, app.base_url, towns)
                log(f"our page: {args.repeats} warm sign-ins + drill-downs into town {town}")
                for i in range(args.repeats):
                    runs += sign_in_and_measure(browser, app.base_url, town, county_cold=False,
                                                drill_cold=(i == 0))
                page_errors = app.errors()
            naive_runs: list[NaiveRun] = []
            with serve_dir(run.workdir) as site:
                for page_html in naive:
                    log(f"{page_html.label}: in the browser (timeout {args.naive_timeout:.0f} s)")
                    naive_runs.append(open_naive(manager, args.chromium, site, page_html, args.naive_timeout,
                                                 run.workdir))
            browser.close()
        print(run.header(args.chromium, f"drill-down town {town}"))
        report(town, runs, list(zip(naive, naive_runs, strict=True)), page_errors)
    return 0


def report(town: str, runs: list[ViewRun], naive: list[tuple[NaiveHtml, NaiveRun]], page_errors: list[str]) -> None:
    print("MB = 10^6 bytes. *Streamlit JS* = Streamlit's own frontend chunks fetched after sign-in (cached by "
          "the browser on later visits); *map HTTP* = the st_folium component and the Leaflet files; *map "
          "total* = map HTTP + websocket. Ratios: naive / ours, against the naive page with every point, then "
          "against the naive page with the micro-grids only.\n")
    print("| view | runs | ready s (median) | Streamlit JS MB | map HTTP MB | websocket MB | total MB "
          "| map total MB | bytes: naive / ours | time: naive / ours | ready <= 2 s | total <= 1.5 MB "
          "| map total <= 1.5 MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|")
    for page_html, page_run in naive:
        ok_bytes = verdict(page_run.http <= BYTES_TARGET)
        ok_time = verdict(page_run.ready_s is not None and page_run.ready_s <= READY_TARGET_S)
        print(f"| {page_html.label} (navigation -> drawn) | 1 | {page_run.ready_text()} | 0.00 "
              f"| {fmt_mb(page_run.http)} | 0.00 | {fmt_mb(page_run.http)} | {fmt_mb(page_run.http)} | — | — "
              f"| {ok_time} | {ok_bytes} | {ok_bytes} |")

    def ratios(ours: float, pick: Callable[[NaiveRun], float | None]) -> str:
        out = []
        for _, page_run in naive:
            value = pick(page_run)
            if value is None:  # not drawn: at least the timeout
                out.append(f"> {page_run.timeout_s / ours:.0f}x")
            else:
                out.append(f"{value / ours:.0f}x" if value / ours >= 10 else f"{value / ours:.1f}x")
        return " / ".join(out) if out else "—"

    labels = {"county-cold": "ours: county view, first sign-in after the server started (cold)",
              "county": "ours: county view (sign-in click -> map)",
              "drill-cold": f"ours: drill-down county -> town {town}, first time (cold point cache)",
              "drill": f"ours: drill-down county -> town {town} (click -> map)"}
    for key, label in labels.items():
        items = [r for r in runs if r.group == key]
        if not items:
            continue
        ready = median([r.ready_s for r in items])
        total = median([r.http + r.ws for r in items])
        map_total = median([r.map_bytes for r in items])
        print(f"| {label} | {len(items)} | {ready:.2f} "
              f"| {fmt_mb(median([r.http_kind['streamlit'] + r.http_kind['other'] for r in items]))} "
              f"| {fmt_mb(median([r.http_kind['map'] for r in items]))} | {fmt_mb(median([r.ws for r in items]))} "
              f"| {fmt_mb(total)} | {fmt_mb(map_total)} | {ratios(total, lambda r: r.http)} "
              f"| {ratios(ready, lambda r: r.ready_s)} | {verdict(ready <= READY_TARGET_S)} "
              f"| {verdict(total <= BYTES_TARGET)} | {verdict(map_total <= BYTES_TARGET)} |")
    print()
    for r in runs:
        print(f"- {r.label}{' [cold]' if r.cold else ''}: ready {r.ready_s:.2f} s, {r.units} units drawn; "
              f"HTTP {fmt_mb(r.http)} MB in {r.requests} responses"
              f"{f' (largest: {r.largest})' if r.requests else ''}, websocket {fmt_mb(r.ws)} MB; {r.phases}")
    for page_html, page_run in naive:
        drawn = (f"{page_run.layers:,} Leaflet layers drawn" if page_run.ready_s is not None
                 else f"not drawn within {page_run.timeout_s:.0f} s (bytes: what the server had sent by then)")
        print(f"- {page_html.label}: HTML {fmt_mb(page_html.html_bytes)} MB ({fmt_mb(page_html.gzip_bytes)} MB "
              f"if gzip'd), linked files {fmt_mb(page_html.asset_bytes)} MB on disk, {page_run.requests} responses; "
              f"{drawn}")
    if page_errors:
        print(f"- server logged {len(page_errors)} traceback(s): {page_errors[0]!r}")

    print("\nTargets:\n")
    county = [r for r in runs if r.group == "county"]
    drill = [r for r in runs if r.group == "drill"]
    checks = [
        ("map ready <= 2 s, county view (warm, median)", median([r.ready_s for r in county]), READY_TARGET_S, "s"),
        ("map ready <= 2 s, after the drill-down (warm, median)", median([r.ready_s for r in drill]),
         READY_TARGET_S, "s"),
        ("<= 1.5 MB, county view, everything received (median)", median([r.http + r.ws for r in county]) / MB,
         BYTES_TARGET / MB, "MB"),
        ("<= 1.5 MB, county view, map only (median)", median([r.map_bytes for r in county]) / MB,
         BYTES_TARGET / MB, "MB"),
        ("<= 1.5 MB, drill-down (median)", median([r.http + r.ws for r in drill]) / MB, BYTES_TARGET / MB, "MB"),
    ]
    for name, value, limit, unit in checks:
        if value != value:  # NaN: no such run
            print(f"- {name}: no warm run (--repeats 2 or more)")
        else:
            print(f"- {name}: {value:.2f} {unit} -> {'met' if value <= limit else 'MISSED'}")


if __name__ == "__main__":
    raise SystemExit(main())
