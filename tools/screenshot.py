"""Screenshot of the command map for the README: ``python tools/screenshot.py [--db URL] [-o PNG]``
(``--planner``: the planner's workbench; ``--hazards``: the inspector's hazard page;
``--rankings``: the commander's rankings, 量化比评; and others, see ``--help``).

Starts ``streamlit run app.py`` on a free port against a store (default: the county demo
in ``data/screenshot/county.db``, generated on first use, a few minutes), signs in as the
demo commander in Debian's Chromium, waits until the map has drawn its units, and saves
the page. Prints any request that left localhost (there must be none). The server and
the browser are the browser tests' (:mod:`tests.harness`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.harness import (  # noqa: E402
    LOCAL_HOSTS,
    StreamlitServer,
    click_unit,
    fill_sign_in,
    launch_chromium,
    new_context,
    wait_map,
)

DEFAULT_DB = REPO / "data" / "screenshot" / "county.db"
TIMEOUT_MS = 120_000


def _ensure_county(db: Path) -> str:
    url = f"sqlite:///{db}"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating the county demo into {db} (a few minutes) ...", flush=True)
        subprocess.run([sys.executable, "-m", "gridmap", "demo", "--scale", "county", "--today", "2026-11-23",
                        "--db", url], cwd=REPO, check=True)
    return url


# Resolves once the map's centre and zoom have stayed the same for 300 ms (no animation).
SETTLED_JS = """() => new Promise(resolve => { let last = null;
  const tick = () => { const v = JSON.stringify([window.map.getCenter(), window.map.getZoom()]);
    if (v === last && !window.map._animatingZoom) resolve(true); else { last = v; setTimeout(tick, 300) } };
  tick() })"""


def _busiest_micro(url: str) -> str:
    """The micro-grid with the most issues in the store (a view with something to see)."""
    from gridmap.domain import Scope
    from gridmap.store import open_store

    with open_store(url) as store:
        issues = store.read("issues", Scope.county("330327"), columns=["micro_code"])
    return str(issues["micro_code"].dropna().value_counts().index[0])


def _drill_to(page: Any, micro: str) -> None:
    """Click from the county down to ``micro``: its town, village, grid, then itself."""
    steps = [(f"{micro[:9]}000", micro[:9]), (micro[:12], micro[:12]), (micro[:14], micro[:14]), (micro, micro)]
    for code, drawn_prefix in steps:
        for attempt in range(3):
            frame, _ = wait_map(page, None, TIMEOUT_MS / 1000)
            page.wait_for_timeout(1500)  # the map fits the new selection a moment after drawing it
            frame.evaluate(SETTLED_JS)
            click_unit(page, frame, code)
            try:
                wait_map(page, {"prefix": drawn_prefix}, 30)
                break
            except RuntimeError:
                print(f"click {attempt + 1} on {code} did not drill in; again", flush=True)
        else:
            raise RuntimeError(f"three clicks on {code} did not drill in")
    frame, _ = wait_map(page, None, TIMEOUT_MS / 1000)
    frame.evaluate(SETTLED_JS)


def _output(args: argparse.Namespace, name: str) -> str:
    """``--output``, or ``docs/NAME`` when it was left at the command map's default."""
    return args.output if args.output != str(REPO / "docs" / "command_map.png") else str(REPO / "docs" / name)


def _small_demo(url: str) -> None:
    """Load the small demo into the store at ``url`` (a scratch database)."""
    subprocess.run([sys.executable, "-m", "gridmap", "demo", "--scale", "small", "--db", url],
                   cwd=REPO, check=True, capture_output=True)


def _reported(output: str, offsite: list[str]) -> int:
    """Say where the picture went and what left localhost; non-zero if anything did."""
    print(f"saved {output}")
    print("requests off localhost:", offsite or "none")
    return 1 if offsite else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, help="store URL (default: the county demo in data/screenshot/)")
    parser.add_argument("-o", "--output", default=str(REPO / "docs" / "command_map.png"))
    parser.add_argument("--user", default="commander")
    parser.add_argument("--password", default="demo-commander-2026")
    parser.add_argument("--width", type=int, default=1500)
    parser.add_argument("--height", type=int, default=1150)
    parser.add_argument("--micro", default=None, metavar="CODE",
                        help="click down to this micro-grid first ('auto': the one with the most issues)")
    parser.add_argument("--planner", action="store_true",
                        help="the planner's workbench instead: sign in as the demo planner on a copy of the store "
                             "(default: the small demo), make a draft and open the grid with the most micro-grids")
    parser.add_argument("--hazards", action="store_true",
                        help="the inspector's hazard page instead: sign in as the demo inspector on the small demo "
                             "(or --db) and open the hot-spot view (docs/hazards.png)")
    parser.add_argument("--report", action="store_true",
                        help="the report page (随手拍上报) instead: the demo grid worker on a copy of the small demo "
                             "has clicked the map and attached a photo; an open report nearby is offered as a "
                             "duplicate (default output docs/report.png)")
    parser.add_argument("--issue-stats", action="store_true",
                        help="the issue statistics page instead: the demo commander on the small demo, by village")
    parser.add_argument("--stations", action="store_true",
                        help="the service stations page instead (docs/stations.png): the demo commander on the "
                             "small demo (or --db), stations coloured by the time since their last visit")
    parser.add_argument("--rankings", action="store_true",
                        help="the rankings page (量化比评) instead (docs/rankings.png): the demo commander on the "
                             "small demo (or --db), the villages of its town ranked with the default weights")
    args = parser.parse_args()
    if args.rankings:
        return _rankings_shot(args)
    if args.planner:
        return _planner_shot(args)
    if args.hazards:
        return _hazards_shot(args)
    if args.report:
        return _report_shot(args)
    if args.issue_stats:
        return _issue_stats_shot(args)
    if args.stations:
        return _stations_shot(args)
    url = args.db or _ensure_county(DEFAULT_DB)

    from playwright.sync_api import sync_playwright

    offsite: list[str] = []
    env = {"GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
    with tempfile.TemporaryDirectory() as workdir, StreamlitServer(url, Path(workdir), env) as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": args.height})
        page = context.new_page()
        page.on("request", lambda r: offsite.append(r.url)
                if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
        fill_sign_in(page, server.base_url, args.user, args.password, TIMEOUT_MS).click()
        page.get_by_role("heading", name="指挥一张图").wait_for()
        wait_map(page, None, TIMEOUT_MS / 1000)
        if args.micro:
            _drill_to(page, _busiest_micro(url) if args.micro == "auto" else args.micro)
        page.wait_for_timeout(1500)
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.output, full_page=True)
        browser.close()
    return _reported(args.output, offsite)


def _planner_shot(args: argparse.Namespace) -> int:
    """The planner's workbench on a scratch copy of the store (the draft is not kept)."""
    import shutil
    import sqlite3

    from playwright.sync_api import sync_playwright

    from tests.harness import wait_for_app

    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "planner.db"
        if args.db:
            with sqlite3.connect(args.db.removeprefix("sqlite:///")) as src, sqlite3.connect(db) as dst:
                src.backup(dst)
        else:
            _small_demo(f"sqlite:///{db}")
        grid = _fullest_grid(f"sqlite:///{db}")
        env = {"GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
        with StreamlitServer(f"sqlite:///{db}", Path(workdir), env) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            fill_sign_in(page, server.base_url, "planner", "demo-planner-2026", TIMEOUT_MS).click()
            page.get_by_role("heading", name="网格规划").wait_for()
            page.get_by_label("新草案名称").fill("2027年网格调整")
            page.get_by_role("button", name="新建草案").click()
            page.get_by_text("已新建草案").first.wait_for()
            page.get_by_label("编辑哪个单元的下级").click()
            page.keyboard.type(grid)
            page.keyboard.press("Enter")
            wait_for_app(page)
            wait_map(page, {"prefix": grid}, TIMEOUT_MS / 1000)
            page.wait_for_timeout(1500)
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.output, full_page=True)
            browser.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return _reported(args.output, offsite)


def _report_shot(args: argparse.Namespace) -> int:
    """The report page as a grid worker fills it in, on a scratch small demo (issue 12)."""
    import io

    from PIL import Image
    from playwright.sync_api import sync_playwright

    from tests.harness import unit_click_point, wait_for_app

    output = _output(args, "report.png")
    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "report.db"
        url = f"sqlite:///{db}"
        _small_demo(url)
        micro = _first_micro(url)
        picture = Path(workdir) / "现场照片.jpg"
        buffer = io.BytesIO()
        Image.new("RGB", (320, 240), (150, 120, 90)).save(buffer, "JPEG")
        picture.write_bytes(buffer.getvalue())
        env = {"GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
        with StreamlitServer(url, Path(workdir), env) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": 1000})
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            fill_sign_in(page, server.base_url, "gridworker", "demo-gridworker-2026", TIMEOUT_MS).click()
            page.get_by_role("heading", name="随手拍上报").wait_for()
            page.get_by_label("情况描述").fill("小区东门垃圾桶满溢，垃圾堆到路边")
            page.locator("input[type=file]").first.set_input_files(str(picture))
            page.get_by_text(picture.name).wait_for()
            frame, _ = wait_map(page, None, TIMEOUT_MS / 1000)
            page.mouse.click(*unit_click_point(page, frame, micro, settle_ms=500))
            placed = page.get_by_text("位置：地图点选")
            placed.wait_for()
            lon, lat = (float(v) for v in placed.inner_text().split("点选")[1].split(","))
            _earlier_report(url, lon + 0.0002, lat + 0.0001)  # ~25 m away: offered as a duplicate
            page.get_by_label("情况描述").fill("小区东门垃圾桶满溢，垃圾堆到路边（已拍照）")
            page.get_by_label("情况描述").blur()
            page.get_by_text("是不是同一件事").wait_for()
            wait_for_app(page)
            page.wait_for_timeout(1500)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output, full_page=True)
            browser.close()
    return _reported(output, offsite)



def _hazards_shot(args: argparse.Namespace) -> int:
    """The hazard page's hot-spot view as the demo inspector sees it (small demo by default)."""
    from playwright.sync_api import sync_playwright

    from tests.harness import wait_for_app

    output = _output(args, "hazards.png")
    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = args.db
        if url is None:
            db = Path(workdir) / "hazards.db"
            _small_demo(f"sqlite:///{db}")
            url = f"sqlite:///{db}"
        env = {"GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
        with StreamlitServer(url, Path(workdir), env) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            # the page's own address with the view in it, opened signed out, then signed in
            page.goto(f"{server.base_url}/hazards?view=hotspots")
            wait_for_app(page, TIMEOUT_MS)
            page.get_by_label("用户名").fill("inspector")
            page.get_by_label("密码").fill("demo-inspector-2026")
            page.get_by_role("button", name="登录").click()
            page.get_by_role("heading", name="隐患排查一张图").wait_for()
            wait_for_app(page, TIMEOUT_MS)
            page.get_by_text("Getis-Ord Gi*").first.wait_for()
            wait_map(page, None, TIMEOUT_MS / 1000)
            page.wait_for_timeout(2000)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output, full_page=True)
            browser.close()
    return _reported(output, offsite)


def _fullest_grid(url: str) -> str:
    from gridmap.domain import Scope
    from gridmap.store import open_store

    with open_store(url) as store:
        county = Scope.county(store.counties()[0])
        micro = store.read("units", county, where={"level": "micro"}, columns=["parent_code"])
    return str(micro["parent_code"].value_counts().index[0])


def _worker_session(store: Any) -> Any:
    from gridmap.access import Session, User

    row = store.account("gridworker")
    assert row is not None
    return Session(store, User.from_row(row))


def _first_micro(url: str) -> str:
    """The grid worker's first micro-grid (by code)."""
    from gridmap.store import open_store

    with open_store(url) as store:
        session = _worker_session(store)
        units = session.read("units", where={"level": "micro", "plan_version": session.current_plan()},
                             columns=["code"])
        return str(sorted(units["code"])[0])


def _earlier_report(url: str, lon: float, lat: float) -> None:
    """An open sanitation report by the grid worker at (lon, lat), for the page to offer as a duplicate."""
    from gridmap.store import open_store
    from gridmap.workflow import report_issue

    with open_store(url) as store:
        report_issue(_worker_session(store), category="sanitation", lon=lon, lat=lat, description="垃圾桶满溢")


def _issue_stats_shot(args: argparse.Namespace) -> int:
    """事件统计 on the small demo (a copy), as the demo commander, one row per village."""
    from playwright.sync_api import sync_playwright

    from tests.harness import wait_for_app

    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        db = Path(workdir) / "stats.db"
        url = args.db or f"sqlite:///{db}"
        if not args.db:
            subprocess.run([sys.executable, "-m", "gridmap", "demo", "--scale", "small", "--today", "2026-11-23",
                            "--db", url], cwd=REPO, check=True, capture_output=True)
        with StreamlitServer(url, Path(workdir), {"GRIDMAP_TILES": "none"}) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": 900})
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            fill_sign_in(page, server.base_url, args.user, args.password, TIMEOUT_MS).click()
            page.get_by_role("heading", name="指挥一张图").wait_for()
            page.goto(f"{server.base_url}/issue-stats")
            page.get_by_role("heading", name="事件统计").wait_for()
            wait_for_app(page)
            page.get_by_label("单位层级").click()
            page.keyboard.type("村")
            page.keyboard.press("Enter")
            wait_for_app(page, quiet_ms=1500)
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.output, full_page=True)
            browser.close()
    return _reported(args.output, offsite)


def _stations_shot(args: argparse.Namespace) -> int:
    """The stations page: the map of time since the last visit over the registry."""
    from playwright.sync_api import sync_playwright

    from tests.harness import find_map_frame, wait_for_app

    output = _output(args, "stations.png")
    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(workdir) / 'stations.db'}"
            _small_demo(url)
        env = {"GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
        with StreamlitServer(url, Path(workdir), env) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = new_context(browser, TIMEOUT_MS, viewport={"width": args.width, "height": args.height})
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            fill_sign_in(page, server.base_url, args.user, args.password, TIMEOUT_MS).click()
            page.get_by_role("heading", name="指挥一张图").wait_for()
            page.goto(f"{server.base_url}/stations")
            page.get_by_role("heading", name="服务站点").wait_for()
            wait_for_app(page)
            for _ in range(int(TIMEOUT_MS / 500)):
                frame = find_map_frame(page)
                if frame is not None and frame.evaluate(_STATION_DOTS_JS):
                    break
                page.wait_for_timeout(500)
            page.wait_for_timeout(1500)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output, full_page=True)
            browser.close()
    return _reported(output, offsite)


def _rankings_shot(args: argparse.Namespace) -> int:
    """量化比评: the villages of the small demo's town, ranked with the default weights."""
    from playwright.sync_api import sync_playwright

    from tests.harness import wait_for_app

    output = _output(args, "rankings.png")
    offsite: list[str] = []
    with tempfile.TemporaryDirectory() as workdir:
        url = args.db
        if url is None:
            url = f"sqlite:///{Path(workdir) / 'rankings.db'}"
            _small_demo(url)
        town = _first_town(url)
        with StreamlitServer(url, Path(workdir), {"GRIDMAP_TILES": "none"}) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            # wide and tall enough for every column (raw and smoothed) and the first villages
            viewport = {"width": max(args.width, 1800), "height": max(args.height, 1450)}
            context = new_context(browser, TIMEOUT_MS, viewport=viewport)
            page = context.new_page()
            page.on("request", lambda r: offsite.append(r.url)
                    if urlparse(r.url).hostname not in (None, *LOCAL_HOSTS) else None)
            fill_sign_in(page, server.base_url, args.user, args.password, TIMEOUT_MS).click()
            page.get_by_role("heading", name="指挥一张图").wait_for()
            page.goto(f"{server.base_url}/rankings")
            page.get_by_role("heading", name="量化比评").wait_for()
            wait_for_app(page)
            page.get_by_label("比评范围").click()  # compare the villages of the town
            page.keyboard.type(town)
            page.keyboard.press("Enter")
            wait_for_app(page, quiet_ms=1500)
            page.get_by_text("计算方法").first.wait_for()
            page.wait_for_timeout(1000)
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=output, full_page=True)
            browser.close()
    return _reported(output, offsite)


def _first_town(url: str) -> str:
    """The name of the store's first town (by code)."""
    from gridmap.domain import Scope
    from gridmap.store import open_store

    with open_store(url) as store:
        towns = store.read("units", Scope.county("330327"), where={"level": "town"}, columns=["code", "name"])
    return str(towns.sort_values("code")["name"].iloc[0])


_STATION_DOTS_JS = """() => { try { let n = 0; window.map.eachLayer(l => {
  if (l.feature && l.feature.properties && l.feature.properties.a && l.getLatLng) n += 1 }); return n }
  catch (e) { return 0 } }"""


if __name__ == "__main__":
    sys.exit(main())
