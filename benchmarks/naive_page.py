"""The naive baseline page: one default ``folium.Map`` with ONE ``folium.GeoJson`` of every
micro-grid (unsimplified, as stored) and, optionally, every issue, inspection and station as a
point feature: folium's default JSON settings, local assets (:func:`gridmap.maps.use_local_assets`).

Built in-process (:func:`read_everything`, :func:`naive_html`: what its server side costs),
saved as HTML and served by a local HTTP server that maps ``/app/static/`` to ``static/``
(:func:`serve_dir`; bytes = what it sent), and opened in a Chromium of its own
(:func:`open_naive`): a renderer stuck in a 130 MB page answers nothing, so Playwright's
timeouts do not fire and the browser is killed from outside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gzip
import http.server
import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd

from benchmarks.common import log
from gridmap.access import Session
from gridmap.command.view import HAZARD_POINT_COLUMNS, ISSUE_POINT_COLUMNS, STATION_POINT_COLUMNS
from gridmap.maps import use_local_assets
from gridmap.maps.assets import static_dir
from tests.harness import CHROMIUM_ARGS, free_port, kill_tree

# folium's JSON policy before gridmap's base_map() makes it compact: the naive page keeps it.
_FOLIUM_JSON_DEFAULT = dict(folium.GeoJson._template.environment.policies["json.dumps_kwargs"])


@dataclass
class NaiveHtml:
    label: str
    path: Path
    features: int
    read_s: float
    render_s: float
    html_bytes: int
    gzip_bytes: int
    asset_bytes: int
    map_name: str
    geojson_name: str


def naive_pages(session: Session, out_dir: Path) -> list[NaiveHtml]:
    """Both naive pages, saved in ``out_dir``: every micro-grid and every point, then the micro-grids only."""
    log("naive pages: reading every layer and rendering one folium GeoJson each")
    frames, read_s = read_everything(session)
    pages = [naive_html(frames, read_s, out_dir, points=points) for points in (True, False)]
    for page in pages:
        log(f"{page.label}: {page.html_bytes / 1_000_000:.1f} MB of HTML, rendered in {page.render_s:.1f} s")
    return pages


def read_everything(session: Session) -> tuple[dict[str, gpd.GeoDataFrame], dict[str, float]]:
    """What a naive page reads: every micro-grid (as stored) and every issue, inspection and station."""
    plan = int(session.meta("plan_version") or 1)
    reads: dict[str, Callable[[], gpd.GeoDataFrame]] = {
        "micro": lambda: session.read("units", where={"level": "micro", "plan_version": plan},
                                      columns=["code", "name", "households", "risk_colour", "geometry"]),
        "issue": lambda: session.read("issues", columns=[*ISSUE_POINT_COLUMNS, "geometry"]),
        "inspection": lambda: session.read("inspections", columns=[*HAZARD_POINT_COLUMNS, "geometry"]),
        "station": lambda: session.read("stations", columns=[*STATION_POINT_COLUMNS, "geometry"]),
    }
    frames, seconds = {}, {}
    for name, read in reads.items():
        started = time.perf_counter()
        frames[name] = read()
        seconds[name] = time.perf_counter() - started
    return frames, seconds


def naive_html(frames: dict[str, gpd.GeoDataFrame], read_s: dict[str, float], out_dir: Path, *,
               points: bool) -> NaiveHtml:
    """One default folium map with ONE GeoJson of the micro-grids (and every point), local assets."""
    started = time.perf_counter()
    parts = []
    for layer, frame in frames.items():
        if layer != "micro" and not points:
            continue
        frame = frame.copy()
        for col in frame.columns:  # what a page must do before folium can serialise the rows
            if col == "geometry":
                continue
            if pd.api.types.is_datetime64_any_dtype(frame[col]):
                frame[col] = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%S").where(frame[col].notna(), None)
            elif frame[col].dtype == object:
                frame[col] = [v.isoformat() if isinstance(v, dt.date) else v for v in frame[col]]
        frame.insert(0, "layer", layer)
        parts.append(frame)
    everything = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    everything = everything.astype({c: object for c in everything.columns if c != "geometry"})
    everything = everything.where(everything.notna(), None)
    policies = folium.GeoJson._template.environment.policies
    saved = dict(policies["json.dumps_kwargs"])
    policies["json.dumps_kwargs"] = dict(_FOLIUM_JSON_DEFAULT)
    try:
        use_local_assets()
        m = folium.Map(location=[27.5, 120.45], zoom_start=10, tiles=None)
        geo = folium.GeoJson(everything, name="everything").add_to(m)
        html = m.get_root().render()
    finally:
        policies["json.dumps_kwargs"] = saved
    render_s = time.perf_counter() - started
    path = out_dir / ("naive.html" if points else "naive-micro.html")
    path.write_text(html, encoding="utf-8")
    raw = html.encode("utf-8")
    label = (f"naive: one GeoJson of {len(frames['micro']):,} micro-grids + "
             f"{len(everything) - len(frames['micro']):,} points" if points
             else f"naive, micro-grids only: one GeoJson of {len(everything):,} micro-grids")
    read = sum(read_s.values()) if points else read_s["micro"]
    return NaiveHtml(label, path, len(everything), read, render_s, len(raw), len(gzip.compress(raw, 6)),
                     asset_bytes(html), m.get_name(), geo.get_name())


def asset_bytes(html: str) -> int:
    """Size on disk of the local scripts and stylesheets the page links (what a browser fetches at least)."""
    root = static_dir().resolve()
    total = 0
    for ref in set(re.findall(r'(?:src|href)="/app/static/([^"]+)"', html)):
        path = root / ref
        if path.is_file():
            total += path.stat().st_size
    return total


class Site:
    """A local HTTP server's counters: body bytes sent, and the naive page's "drawn" beacon."""

    def __init__(self) -> None:
        self.base = ""
        self.bytes_sent = 0
        self.responses = 0
        self.lock = threading.Lock()
        self.ready = threading.Event()
        self.ready_info: dict[str, float] = {}

    def reset(self) -> None:
        with self.lock:
            self.bytes_sent = self.responses = 0
        self.ready.clear()
        self.ready_info = {}


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        parsed = urllib.parse.urlparse(self.path)
        if parsed.path == "/__gm_ready":  # the page reports that it has drawn (see open_naive)
            query = urllib.parse.parse_qs(parsed.query)
            self.site.ready_info = {k: float(v[0]) for k, v in query.items()}
            self.site.ready.set()
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def copyfile(self, source: Any, outputfile: Any) -> None:
        while chunk := source.read(1 << 20):
            outputfile.write(chunk)
            with self.site.lock:
                self.site.bytes_sent += len(chunk)
        with self.site.lock:
            self.site.responses += 1

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_dir(root: Path) -> Iterator[Site]:
    """``root`` over HTTP on a free port (``root/app/static`` -> the repository's static files)."""
    (root / "app").mkdir(exist_ok=True)
    link = root / "app" / "static"
    if not link.exists():
        link.symlink_to(static_dir().resolve(), target_is_directory=True)
    site = Site()
    handler = type("Handler", (_SiteHandler,), {"site": site})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class NaiveRun:
    ready_s: float | None  # None: not drawn within the timeout
    http: int
    requests: int
    layers: int
    timeout_s: float

    def ready_text(self) -> str:
        return f"{self.ready_s:.2f}" if self.ready_s is not None else f"> {self.timeout_s:.0f} (not drawn)"


@contextlib.contextmanager
def own_chromium(playwright: Any, chromium: str, workdir: Path) -> Iterator[Any]:
    """A Chromium started here (so a renderer hung in a huge page can be killed), driven over CDP."""
    port = free_port()
    profile = workdir / f"chromium-{port}"
    cmd = [chromium, *CHROMIUM_ARGS, f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
           f"--user-data-dir={profile}", "about:blank"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/version", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{chromium} did not open its DevTools port") from None
                time.sleep(0.2)
        browser = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        yield browser
    finally:
        kill_tree(proc)
        shutil.rmtree(profile, ignore_errors=True)


def open_naive(playwright: Any, chromium: str, site: Site, html: NaiveHtml, timeout_s: float,
               workdir: Path) -> NaiveRun:
    """Open the naive page in a browser of its own: navigation start -> GeoJson drawn, and bytes served.

    While the page parses and draws, its renderer answers nothing (Playwright's own timeouts do not
    fire then), so the page reports "drawn" itself: an init script polls every animation frame for
    the map holding the GeoJson with SVG paths, waits two more frames and requests
    ``/__gm_ready?ms=performance.now()`` from the local server. Past the timeout the browser is killed.
    """
    probe = f"""(() => {{
      if (!location.pathname.endsWith('/{html.path.name}')) return;
      const poll = () => {{
        try {{
          const m = window['{html.map_name}'], g = window['{html.geojson_name}'];
          if (m && g && m.hasLayer(g) && document.querySelector('path.leaflet-interactive')) {{
            requestAnimationFrame(() => requestAnimationFrame(() => {{
              new Image().src = '/__gm_ready?ms=' + performance.now() + '&layers=' + g.getLayers().length;
            }}));
            return;
          }}
        }} catch (e) {{}}
        requestAnimationFrame(poll);
      }};
      requestAnimationFrame(poll);
    }})();"""
    site.reset()
    with own_chromium(playwright, chromium, workdir) as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.add_init_script(probe)
        page = context.new_page()
        page.goto(f"{site.base}/{html.path.name}", wait_until="commit", timeout=int(timeout_s * 1000))
        drawn = site.ready.wait(timeout_s)
        if drawn:
            with contextlib.suppress(Exception):
                page.wait_for_load_state("networkidle", timeout=30_000)
            page.wait_for_timeout(500)
        ready_s = site.ready_info["ms"] / 1000 if drawn else None
        layers = int(site.ready_info.get("layers", 0)) if drawn else 0
        with site.lock:
            sent, responses = site.bytes_sent, site.responses
    return NaiveRun(ready_s, sent, responses, layers, timeout_s)
