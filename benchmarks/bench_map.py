"""The command map in a real browser at county scale: bytes, time-to-ready, rerun time, live memory.

Run::

    python -m gridmap bench map [--db URL] [--ticks 100] [--skip-naive] [--repeats 3] [--rounds 5]
        [--town CODE] [--live-view county|town] [--skip-live] [--skip-diagnostic]
        [--naive-timeout 300] [--chromium /usr/bin/chromium] [--keep]

Store: ``--db`` (a SQLite URL; copied, never written to), else ``data/bench/county.db``, built
on first use like ``python -m gridmap demo --scale county --today 2026-11-23`` (~45-60 s on a
2-CPU VM, 0.47 GB) and reused afterwards. Each run works on a copy in ``data/bench/run-PID/``
(removed at the end unless ``--keep``) that gets a commander account ``bench``.

Measured in one run, with the baselines measured in the same run:

1. **Our page** (``streamlit run app.py`` on a free port, ``GRIDMAP_TILES=none``, no live
   ticks) in headless Debian Chromium driven by Playwright: from the click on 登录 until the
   Leaflet map in the ``streamlit_folium`` iframe holds unit polygons
   (``feature.properties.code``) and has painted two more frames; then a county -> town
   drill-down by a real mouse click on the town's polygon until the map holds only that
   town's villages. Bytes per view through a CDP session: HTTP
   (``Network.loadingFinished.encodedDataLength``, on the wire) plus websocket frames
   (``Network.webSocketFrameReceived`` payloads; binary frames decoded from base64),
   counted from the click until the app has settled. The first sign-in after the server
   starts (cold snapshot) and the first drill-down (cold point cache) are reported apart;
   the others are warm, each user in a fresh browser context (nothing cached).
2. **Naive baseline**: one default ``folium.Map`` with ONE ``folium.GeoJson`` holding every
   micro-grid (unsimplified, as stored) and every issue, inspection and station as a point
   feature, with folium's default JSON settings but local assets
   (:func:`gridmap.maps.use_local_assets`); also the same page with the micro-grids only.
   Saved as HTML and served by a local HTTP server that maps ``/app/static/`` to
   ``static/``; bytes = what that server sent. Each is opened in a Chromium of its own
   (started here, killed after: a renderer stuck in a 130 MB page answers nothing, so
   Playwright's timeouts do not fire): an init script reports navigation start -> GeoJson
   drawn (``performance.now()``) to the local server; past ``--naive-timeout`` it counts as
   not drawn. Server side: reading the layers, and ``GeoJson`` + ``Map.get_root().render()``.
3. **Rerun time (server)**, in-process: a warm filter change = ``kpis`` + ``build_view``
   (points cached via ``load_points``, as the page's ``_points`` cache does) + the base map +
   the JavaScript ``st_folium`` generates on every run (streamlit-folium's own
   ``_get_map_string``, ``_get_feature_group_string``, ``_get_layer_control_string``), at
   county view and at the town view, ``--rounds`` times over 7 filter sets.
4. **Live session**: the app with ``GRIDMAP_LIVE_SECONDS=1`` while a thread inserts one new
   open issue per second into the store, until the iframe has applied ``--ticks`` new
   feature-group strings. Remounts are counted twice: a mark set in the iframe's window
   must survive, and a MutationObserver in the top document counts ``streamlit_folium``
   iframes created. At ticks 0, ticks/2 and ticks: JS heap after a forced GC
   (``HeapProfiler.collectGarbage`` + ``Performance.getMetrics`` JSHeapUsedSize), live
   Leaflet layers in the iframe (``Runtime.queryObjects`` on ``L.Layer.prototype``), DOM
   nodes, ``window.feature_group.length``. Modes: bounded (default, see
   :func:`gridmap.maps.bounded`), ``GRIDMAP_LIVE_TRIM=0`` (streamlit-folium #247), and a
   diagnostic run with Leaflet's ``Control.Layers.onRemove`` patched in the browser to also
   drop the map click listener it adds when collapsed (what a fix in the app would give).

Targets: map ready <= 2 s (county view and after the drill-down), <= 1.5 MB per view
(1 MB = 10^6 bytes), filter change <= 300 ms server time (warm). A missed target is
printed as MISSED; the exit status is non-zero only on errors.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import datetime as dt
import functools
import gzip
import http.server
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402

from gridmap.access import Session  # noqa: E402
from gridmap.auth import add_user, current_user  # noqa: E402
from gridmap.command import Filters, data_now, kpis, load_snapshot  # noqa: E402
from gridmap.command.view import (  # noqa: E402
    HAZARD_POINT_COLUMNS,
    ISSUE_POINT_COLUMNS,
    STATION_POINT_COLUMNS,
    build_view,
    load_points,
)
from gridmap.domain import Scope  # noqa: E402
from gridmap.maps import OFFLINE, base_map, bounded, use_local_assets  # noqa: E402
from gridmap.maps.assets import static_dir  # noqa: E402
from gridmap.store import open_store  # noqa: E402

# folium's JSON policy before gridmap's base_map() makes it compact: the naive page keeps it.
_FOLIUM_JSON_DEFAULT = dict(folium.GeoJson._template.environment.policies["json.dumps_kwargs"])

READY_TARGET_S = 2.0
BYTES_TARGET = 1_500_000
RERUN_TARGET_MS = 300.0
LIVE_HEAP_SLACK_MB = 20.0  # a live screen "does not grow" when its heap after GC stays within this
MB = 1_000_000
DEFAULT_STORE = REPO_ROOT / "data" / "bench" / "county.db"
DEMO_TODAY = dt.date(2026, 11, 23)
USER, PASSWORD = "bench", "bench-map-2026"
# As tests/browser/conftest.py, plus precise performance.memory numbers.
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--enable-precise-memory-info")
SERVER_START_TIMEOUT_S = 120.0
PAGE_TIMEOUT_MS = 120_000


def log(message: str) -> None:
    """Progress on stderr (the tables go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# =========================================================================== store


def prepare_store(db: str | None, county: str, workdir: Path) -> tuple[str, str, float | None]:
    """A private copy of the store with the ``bench`` commander; (work URL, source URL, seconds to build)."""
    built_s: float | None = None
    if db is None:
        source = DEFAULT_STORE
        if not source.exists():
            source.parent.mkdir(parents=True, exist_ok=True)
            from gridmap.demo import load_demo

            log(f"building the county demo into {source} (once; ~45 s)")
            started = time.perf_counter()
            load_demo(open_store(f"sqlite:///{source}"), "county", seed=7, today=DEMO_TODAY)
            built_s = time.perf_counter() - started
            log(f"built in {built_s:.0f} s")
        source_url = f"sqlite:///{source}"
    else:
        if not db.startswith("sqlite:///"):
            raise SystemExit(f"--db {db}: only SQLite stores can be benchmarked (the run writes to a copy)")
        source, source_url = Path(db.removeprefix("sqlite:///")), db
        if not source.exists():
            raise SystemExit(f"--db {db}: no such file")
    work = workdir / "store.db"
    started = time.perf_counter()
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, \
            contextlib.closing(sqlite3.connect(work)) as dst:
        src.backup(dst)
    log(f"copied {source} to {work} in {time.perf_counter() - started:.1f} s")
    url = f"sqlite:///{work}"
    store = open_store(url)
    scope = Scope.county(county)
    if not store.count("issues", scope):
        raise SystemExit(f"{source_url} holds no issues for county {county}: run python -m gridmap demo "
                         f"--scale county --today {DEMO_TODAY} --db {source_url}")
    if store.account(USER) is None:
        add_user(Session.system(store, scope, actor="bench"), USER, PASSWORD, role="commander",
                 unit_code=f"{county}000000", display_name="bench commander")
    return url, source_url, built_s


def commander(url: str) -> Session:
    store = open_store(url)
    user = current_user(store, USER)
    if user is None:
        raise SystemExit(f"no user {USER} in {url}")
    return Session(store, user)


# =========================================================================== server-side timing


def filter_cycle(today: dt.date) -> list[Filters]:
    """Distinct filter sets, as a commander clicks through them (as benchmarks/bench_command.py)."""
    return [
        Filters(),
        Filters(categories=["sanitation", "traffic"]),
        Filters.last_days(7, today),
        Filters(hazard_types=["flying_wire", "ebike_indoor_charging"]),
        Filters(issue_statuses=["reported", "accepted", "dispatched", "in_progress", "returned"]),
        Filters.last_days(90, today, categories=["fire_safety", "public_order", "dispute"]),
        Filters(hazard_statuses=["found", "rectifying", "overdue"]),
    ]


def st_folium_js(fmap: folium.Map, groups: list[folium.FeatureGroup]) -> int:
    """What ``st_folium`` generates on every rerun (base map + groups + layer control); its size."""
    from streamlit_folium import (
        _get_feature_group_string,
        _get_header,
        _get_html,
        _get_layer_control_string,
        _get_map_string,
        generate_js_hash,
    )

    fmap.get_root().render()
    fmap.render()
    size = len(_get_html(fmap)) + len(_get_header(fmap))
    leaflet = _get_map_string(fmap)
    generate_js_hash(leaflet, "cmd_map", False)
    size += len(leaflet)
    size += sum(len(_get_feature_group_string(g, fmap, i)) for i, g in enumerate(groups))
    size += len(_get_layer_control_string(folium.LayerControl(collapsed=True), fmap))
    return size


@dataclass
class ServerTimes:
    """In-process timings (ms lists) and sizes."""

    snapshot_s: float = 0.0
    points_s: dict[str, float] = field(default_factory=dict)
    first_view_ms: dict[str, float] = field(default_factory=dict)
    parts: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    js_bytes: dict[str, int] = field(default_factory=dict)
    sent: dict[str, dict[str, int]] = field(default_factory=dict)


def time_reruns(session: Session, town: str, rounds: int) -> ServerTimes:
    """kpis + build_view + base map + st_folium's JS, warm, at county view and at ``town``."""
    out = ServerTimes()
    started = time.perf_counter()
    snapshot = load_snapshot(session)
    out.snapshot_s = time.perf_counter() - started
    now = data_now(session)
    cycle = filter_cycle(now.date())
    views = {"county": snapshot.home_code, "town": town}
    center = (27.5, 120.45)
    for name, code in views.items():
        started = time.perf_counter()
        points = load_points(session, snapshot, code)
        out.points_s[name] = time.perf_counter() - started
        started = time.perf_counter()
        view = build_view(session, snapshot, code, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh",
                          points=points)
        out.js_bytes[name] = st_folium_js(base_map(center, zoom=10, tiles=OFFLINE), bounded(view.layers))
        out.first_view_ms[name] = (time.perf_counter() - started) * 1000
        out.sent[name] = dict(view.sent)
        parts: dict[str, list[float]] = {"kpis": [], "build_view": [], "st_folium JS": [], "total": []}
        for r in range(rounds * len(cycle)):
            filters = cycle[r % len(cycle)]
            t0 = time.perf_counter()
            kpis(snapshot, code, filters, now)
            t1 = time.perf_counter()
            view = build_view(session, snapshot, code, filters, "open_issues", now, tiles=OFFLINE, lang="zh",
                              points=points)
            t2 = time.perf_counter()
            st_folium_js(base_map(center, zoom=10, tiles=OFFLINE), bounded(view.layers))
            t3 = time.perf_counter()
            for key, value in (("kpis", t1 - t0), ("build_view", t2 - t1), ("st_folium JS", t3 - t2),
                               ("total", t3 - t0)):
                parts[key].append(value * 1000)
        out.parts[name] = parts
    return out


def pick_towns(session: Session) -> list[str]:
    """Towns by number of micro-grids, largest first (the drill-down target is the first clickable)."""
    plan = int(session.meta("plan_version") or 1)
    units = session.read("units", where={"plan_version": plan}, columns=["code", "level"])
    micro = units.loc[units["level"] == "micro", "code"].str[:9]
    towns = units.loc[units["level"] == "town", "code"]
    counts = micro.value_counts()
    return sorted(towns, key=lambda c: (-int(counts.get(c[:9], 0)), c))


# =========================================================================== naive page


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


# =========================================================================== the app


_SERVERS: list[StreamlitApp] = []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitApp:
    """``streamlit run app.py`` in its own process group (as tests/browser/conftest.py)."""

    def __init__(self, db_url: str, workdir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"streamlit-{self.port}.log"
        self.env = {**os.environ, "GRIDMAP_DB": db_url, "GRIDMAP_DATA": str(workdir), "PYTHONUNBUFFERED": "1",
                    "GRIDMAP_TILES": "none", **env}
        self.env.pop("GRIDMAP_ENV", None)
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> StreamlitApp:
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        _SERVERS.append(self)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit did not start within {SERVER_START_TIMEOUT_S:.0f} s:\n{self.log_tail()}")

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def errors(self) -> list[str]:
        """Tracebacks the server logged."""
        text = self.log_tail(10**7)
        return [chunk[:600] for chunk in text.split("Traceback (most recent call last):")[1:]]

    def stop(self) -> None:
        """SIGTERM the whole process group, then SIGKILL."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _stop_all() -> None:
    for server in _SERVERS:
        with contextlib.suppress(Exception):
            server.stop()
    for proc in _BROWSERS:
        with contextlib.suppress(Exception):
            kill_tree(proc)


# =========================================================================== browser helpers


class NetMeter:
    """Bytes received by one page (and its same-process iframes), through CDP."""

    def __init__(self, cdp: Any) -> None:
        self.reset()
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.send("Network.enable")
        self.clock_offset: float | None = None  # wall time - CDP monotonic timestamp

    def reset(self) -> None:
        self.http = 0
        self.decoded = 0
        self.ws = 0
        self.ws_frames = 0
        self.requests = 0
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.frames: list[tuple[float, int]] = []  # (CDP timestamp, bytes)
        self.finished_at: dict[str, float] = {}  # url -> CDP timestamp
        self.script_runs: dict[str, int] = {}  # Streamlit script_finished status -> count

    def _sent(self, event: dict[str, Any]) -> None:
        if event.get("wallTime") and event.get("timestamp"):
            self.clock_offset = float(event["wallTime"]) - float(event["timestamp"])

    def _response(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        size = int(event.get("encodedDataLength") or 0)
        self.http += size
        self.requests += 1
        url = self.urls.get(event["requestId"], "?")
        self.sizes[url] = self.sizes.get(url, 0) + size
        self.finished_at[url] = float(event.get("timestamp") or 0.0)

    def _data(self, event: dict[str, Any]) -> None:
        self.decoded += int(event.get("dataLength") or 0)

    def _frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        payload = response.get("payloadData") or ""
        if response.get("opcode") == 2:  # Streamlit's protobuf ForwardMsgs, base64-encoded by CDP
            data = base64.b64decode(payload)
            size = len(data)
            self._count_run(data)
        else:
            size = len(payload.encode("utf-8"))
        self.ws += size
        self.ws_frames += 1
        self.frames.append((float(event.get("timestamp") or 0.0), size))

    def _count_run(self, data: bytes) -> None:
        """Count finished script runs (full page runs and fragment runs) among the messages."""
        try:
            from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "script_finished":
                name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                self.script_runs[name] = self.script_runs.get(name, 0) + 1
        except Exception:  # not a ForwardMsg: nothing to count
            pass

    def runs_text(self) -> str:
        names = {"FINISHED_SUCCESSFULLY": "full", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY": "fragment",
                 "FINISHED_EARLY_FOR_RERUN": "ended early by a rerun"}
        parts = [f"{n} {names.get(k, k.lower())}" for k, n in sorted(self.script_runs.items())]
        return "script runs: " + (", ".join(parts) if parts else "none")

    @property
    def total(self) -> int:
        return self.http + self.ws

    def http_by_kind(self) -> dict[str, int]:
        """HTTP bytes: Streamlit's own frontend chunks, the map (st_folium component + Leaflet files), other."""
        out = {"streamlit": 0, "map": 0, "other": 0}
        for url, size in self.sizes.items():
            path = urllib.parse.urlparse(url).path
            if "/component/" in path or path.startswith("/app/static/"):
                out["map"] += size
            elif path.startswith("/static/") or path.startswith("/_stcore/"):
                out["streamlit"] += size
            else:
                out["other"] += size
        return out

    def chunks_done(self, since_wall: float) -> str:
        """When the last of Streamlit's own JS/CSS chunks had arrived, relative to ``since_wall``."""
        done = [t for url, t in self.finished_at.items()
                if urllib.parse.urlparse(url).path.startswith("/static/")]
        if not done or self.clock_offset is None:
            return "no Streamlit chunks fetched"
        return f"Streamlit chunks done +{max(done) + self.clock_offset - since_wall:.2f} s"

    def ws_times(self, since_wall: float) -> str:
        """When the websocket frames arrived, relative to ``since_wall`` (time.time())."""
        if not self.frames or self.clock_offset is None:
            return "no websocket frames"
        rel = [(ts + self.clock_offset - since_wall, size) for ts, size in self.frames]
        big = max(rel, key=lambda f: f[1])
        return (f"websocket: first frame +{rel[0][0]:.2f} s, largest ({big[1] / 1000:.0f} kB) +{big[0]:.2f} s, "
                f"last +{rel[-1][0]:.2f} s")

    def largest(self, n: int = 3) -> str:
        top = sorted(self.sizes.items(), key=lambda kv: -kv[1])[:n]
        return ", ".join(f"{url.rsplit('/', 1)[-1][:40] or url} {size / 1000:.0f} kB" for url, size in top)


_APP_SETTLED_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stMain'] h1") !== null
    && document.querySelector(
         "[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], "
         + "[data-testid='stAppSkeleton'], [data-testid='stStatusWidget']") === null;
}"""

# The unit codes drawn; with want.prefix, only when every unit lies in it (and is not want.exclude).
_UNITS_READY_JS = """(want) => { try {
  if (!window.map || typeof L === 'undefined' || !(window.map instanceof L.Map)) return false;
  const codes = [];
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code
                                  && l.getLatLngs) codes.push(l.feature.properties.code) });
  if (!codes.length) return false;
  if (want && want.prefix && !codes.every(c => c.startsWith(want.prefix) && c !== want.exclude)) return false;
  return codes.length } catch (e) { return false } }"""

_TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"

# As tests/browser/test_command_map.py: a point inside the unit where the map itself is under the mouse.
_CLICK_POINT_JS = """(code) => {
  let target = null;
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code === code
                                  && l.getLatLngs) target = l });
  if (!target) return null;
  let ring = target.getLatLngs();
  while (Array.isArray(ring[0])) ring = ring[0];
  const inside = (lat, lng) => { let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], b = ring[j];
      if ((a.lat > lat) !== (b.lat > lat) && lng < (b.lng - a.lng) * (lat - a.lat) / (b.lat - a.lat) + a.lng) c = !c;
    } return c };
  const b = target.getBounds();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const lat = b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12;
    const lng = b.getWest() + (b.getEast() - b.getWest()) * j / 12;
    if (!inside(lat, lng)) continue;
    const p = window.map.latLngToContainerPoint([lat, lng]);
    const size = window.map.getSize();
    if (p.x < 20 || p.y < 20 || p.x > size.x - 20 || p.y > size.y - 20) continue;
    const rect = window.map.getContainer().getBoundingClientRect();
    const el = document.elementFromPoint(rect.left + p.x, rect.top + p.y);
    if (el && (el.tagName === 'CANVAS' || el === target._path)) return {x: rect.left + p.x, y: rect.top + p.y};
  }
  return null }"""

# Top document: count streamlit_folium iframes as they are created.
_IFRAME_OBSERVER_JS = """() => {
  if (window.__gmIframes !== undefined) return window.__gmIframes;
  window.__gmIframes = 0;
  const count = (n) => {
    if (n.nodeType !== 1) return;
    let found = 0;
    if (n.tagName === 'IFRAME' && (n.title || '').includes('streamlit_folium')) found = 1;
    else if (n.querySelectorAll) found = n.querySelectorAll("iframe[title*='streamlit_folium']").length;
    window.__gmIframes += found;
  };
  new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(count)))
    .observe(document.documentElement, {childList: true, subtree: true});
  return 0 }"""

# Inside the map iframe: a mark that a remount loses, and a count of applied feature-group updates.
_IFRAME_PROBE_JS = """() => {
  if (window.__gm) return window.__gm.applied;
  window.__mark = 'bench-first-mount';
  window.__gm = {renders: 0, applied: 0, last: window.__GLOBAL_DATA__.last_feature_group};
  window.addEventListener('message', ev => {
    if (!ev.data || ev.data.type !== 'streamlit:render') return;
    window.__gm.renders++;
    setTimeout(() => { const fg = window.__GLOBAL_DATA__.last_feature_group;
      if (fg !== window.__gm.last) { window.__gm.last = fg; window.__gm.applied++; } }, 0);
  });
  return 0 }"""

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

_IFRAME_STATE_JS = """() => ({mark: window.__mark || null, applied: window.__gm ? window.__gm.applied : -1,
  renders: window.__gm ? window.__gm.renders : -1,
  groups: window.feature_group ? window.feature_group.length : 0,
  layers: window.map ? Object.keys(window.map._layers).length : 0,
  heap: performance.memory ? performance.memory.usedJSHeapSize : null})"""


def map_frame(page: Any) -> Any | None:
    for frame in page.frames:
        if "streamlit_folium" in frame.url and not frame.is_detached():
            return frame
    return None


def wait_map(page: Any, want: dict[str, str] | None, timeout_s: float) -> tuple[Any, int]:
    """Wait (polling every animation frame) until the map iframe draws the wanted units; then 2 frames."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = map_frame(page)
        if frame is None:
            page.wait_for_timeout(20)
            continue
        try:
            remaining = max(100, int((deadline - time.monotonic()) * 1000))
            handle = frame.wait_for_function(_UNITS_READY_JS, arg=want, polling="raf", timeout=remaining)
            n = int(handle.json_value())
            frame.evaluate(_TWO_FRAMES_JS)
            return frame, n
        except Exception as exc:  # the frame navigated or was replaced: look again
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:200]:
                break
            page.wait_for_timeout(20)
    raise RuntimeError(f"the command map did not draw the wanted units ({want}) within {timeout_s:.0f} s")


def wait_settled(page: Any, quiet_ms: int = 700) -> None:
    """The app has finished its run, plus a quiet spell for late messages."""
    page.wait_for_function(_APP_SETTLED_JS, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(quiet_ms)
    page.wait_for_function(_APP_SETTLED_JS, timeout=PAGE_TIMEOUT_MS)


def heap_mb(cdp: Any) -> tuple[float, int]:
    """JS heap used after a forced GC (MB) and the DOM node count, for the page's renderer."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics.get("JSHeapUsedSize", 0)) / MB, int(metrics.get("Nodes", 0))


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
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    runs: list[ViewRun] = []
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        meter = NetMeter(cdp)
        page.goto(base_url)
        page.wait_for_function(_APP_SETTLED_JS, timeout=PAGE_TIMEOUT_MS)
        page.get_by_label("用户名").fill(USER)
        page.get_by_label("密码").fill(PASSWORD)
        page.evaluate(_IFRAME_OBSERVER_JS)
        button = page.get_by_role("button", name="登录")
        page.wait_for_timeout(300)
        page.evaluate(_PHASES_JS)
        meter.reset()
        wall = time.time()
        started = time.perf_counter()
        button.click()
        frame, n = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
        ready = time.perf_counter() - started
        wait_settled(page)
        marks = page.evaluate("() => window.__gmPhases || {}")
        phases = [meter.runs_text(), meter.ws_times(wall), meter.chunks_done(wall)]
        phases += [f"{PHASE_NAMES.get(k, k)} +{v / 1000 - wall:.2f} s"
                   for k, v in sorted(marks.items(), key=lambda kv: kv[1])]
        runs.append(ViewRun("county-cold" if county_cold else "county", "county view (sign-in -> map)",
                            county_cold, ready, meter.http, meter.ws, meter.requests, n, meter.largest(),
                            meter.http_by_kind(), ", ".join(phases)))
        if town is None:
            return runs
        iframe = page.locator("iframe[title='streamlit_folium.st_folium']")
        iframe.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        point = frame.evaluate(_CLICK_POINT_JS, town)
        box = iframe.bounding_box()
        if point is None or box is None:
            raise RuntimeError(f"no free spot inside town {town} to click")
        meter.reset()
        wall = time.time()
        started = time.perf_counter()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        frame, n = wait_map(page, {"prefix": town[:9], "exclude": town}, PAGE_TIMEOUT_MS / 1000)
        ready = time.perf_counter() - started
        wait_settled(page)
        phases = f"{meter.runs_text()}, {meter.ws_times(wall)}"
        created = page.evaluate("() => window.__gmIframes")
        if created != 1:
            log(f"WARNING: {created} map iframes were created for one sign-in + drill-down (expected 1)")
        runs.append(ViewRun("drill-cold" if drill_cold else "drill", f"drill-down county -> town {town} (click -> map)",
                            drill_cold, ready, meter.http, meter.ws, meter.requests, n, meter.largest(),
                            meter.http_by_kind(), phases))
        return runs
    finally:
        context.close()


def clickable_town(browser: Any, base_url: str, towns: list[str]) -> str:
    """The first (largest) town with a free spot of its polygon on the county view."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(base_url)
        page.wait_for_function(_APP_SETTLED_JS, timeout=PAGE_TIMEOUT_MS)
        page.get_by_label("用户名").fill(USER)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        frame, _ = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
        wait_settled(page)
        page.locator("iframe[title='streamlit_folium.st_folium']").scroll_into_view_if_needed()
        for town in towns:
            if frame.evaluate(_CLICK_POINT_JS, town) is not None:
                return town
        raise RuntimeError("no town has a free spot to click on the county view")
    finally:
        context.close()


@dataclass
class NaiveRun:
    ready_s: float | None  # None: not drawn within the timeout
    http: int
    requests: int
    layers: int
    timeout_s: float

    def ready_text(self) -> str:
        return f"{self.ready_s:.2f}" if self.ready_s is not None else f"> {self.timeout_s:.0f} (not drawn)"


def descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (then SIGKILL) the process groups of ``proc`` and of every process it started.

    Chromium's main process puts itself in a group of its own, so killing the launcher's group is not enough.
    """
    groups = set()
    for pid in [proc.pid, *descendants(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(pid))
    groups.discard(os.getpgrp())
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
        try:
            proc.wait(timeout=10)
            time.sleep(0.5)
        except subprocess.TimeoutExpired:
            continue


_BROWSERS: list[subprocess.Popen[bytes]] = []


@contextlib.contextmanager
def own_chromium(playwright: Any, chromium: str, workdir: Path) -> Iterator[Any]:
    """A Chromium started here (so a renderer hung in a huge page can be killed), driven over CDP."""
    port = free_port()
    profile = workdir / f"chromium-{port}"
    cmd = [chromium, *CHROMIUM_ARGS, f"--remote-debugging-port={port}", "--remote-debugging-address=127.0.0.1",
           f"--user-data-dir={profile}", "about:blank"]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    _BROWSERS.append(proc)
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


# =========================================================================== live session


LIVE_MODES = {
    "bounded": "bounded (default)",
    "leak": "GRIDMAP_LIVE_TRIM=0 (#247 leak)",
    "patched": "bounded + Leaflet Control.Layers patched in the browser (diagnostic, not in the app)",
}

# Leaflet 1.9.4's Control.Layers adds map.on('click', collapse) when collapsed and never removes it
# (src/control/Control.Layers.js: _initLayout vs onRemove). The diagnostic mode patches that in the
# iframe to show what a fix in the app would give.
_PATCH_LAYERS_CONTROL_JS = """() => {
  if (L.Control.Layers.prototype.__gmPatched) return false;
  const original = L.Control.Layers.prototype.onRemove;
  L.Control.Layers.include({__gmPatched: true, onRemove: function (map) {
    original.call(this, map);
    map.off('click', this.collapse, this);
  }});
  return true }"""


class FrameObjects:
    """Live JS objects of a class inside the map iframe (CDP ``Runtime.queryObjects``, after a GC)."""

    def __init__(self, cdp: Any) -> None:
        self.cdp = cdp
        self.contexts: dict[str, int] = {}
        cdp.on("Runtime.executionContextCreated", self._created)
        cdp.send("Runtime.enable")

    def _created(self, event: dict[str, Any]) -> None:
        context = event["context"]
        aux = context.get("auxData") or {}
        if aux.get("isDefault"):
            self.contexts[aux["frameId"]] = context["id"]

    def count(self, prototype: str) -> int | None:
        def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
            yield node["frame"]
            for child in node.get("childFrames", []):
                yield from walk(child)

        tree = self.cdp.send("Page.getFrameTree")["frameTree"]
        frame_id = next((f["id"] for f in walk(tree) if "streamlit_folium" in f.get("url", "")), None)
        context = self.contexts.get(frame_id or "")
        if context is None:
            return None
        group = "gmcount"
        try:
            proto = self.cdp.send("Runtime.evaluate", {"expression": prototype, "contextId": context,
                                                       "objectGroup": group})["result"]["objectId"]
            found = self.cdp.send("Runtime.queryObjects", {"prototypeObjectId": proto, "objectGroup": group})
            length = self.cdp.send("Runtime.callFunctionOn", {
                "functionDeclaration": "function () { return this.length }",
                "objectId": found["objects"]["objectId"], "returnByValue": True})
            return int(length["result"]["value"])
        finally:
            self.cdp.send("Runtime.releaseObjectGroup", {"objectGroup": group})


@dataclass
class LiveRun:
    mode: str
    view: str
    ticks: int
    wall_s: float
    inserted: int
    remounts_mark: int
    iframes_created: int
    heap: dict[int, float]
    nodes: dict[int, int]
    groups: dict[int, int]
    layers: dict[int, int | None]
    map_layers: int
    server_errors: list[str]


def writer(url: str, county: str, pool: pd.DataFrame, as_of: dt.datetime, stop: threading.Event,
           inserted: list[int], tag: str) -> None:
    """One new open issue per second (a new ring on the map each tick) until ``stop``."""
    store = open_store(url)
    scope = Scope.county(county)
    step = 0
    next_at = time.monotonic()
    while not stop.is_set():
        row = pool.iloc[(step * 7919) % len(pool)]
        code = str(row["code"])
        frame = gpd.GeoDataFrame([{
            "id": f"bench-{tag}-{uuid.uuid4().hex[:10]}", "category": "sanitation", "status": "reported",
            "description": "基准测试：新上报", "reported_at": as_of - dt.timedelta(minutes=5),
            "deadline": as_of + dt.timedelta(hours=24), "town_code": code[:9] + "000",
            "village_code": code[:12], "grid_code": code[:14], "micro_code": code, "outside": False,
        }], geometry=[row["spot"]], crs="EPSG:4326")
        with store.transaction("hotline", scope) as tx:
            tx.insert("issues", frame)
        step += 1
        inserted[0] = step
        next_at += 1.0
        stop.wait(max(0.0, next_at - time.monotonic()))


def live_session(browser: Any, url: str, workdir: Path, county: str, town: str | None, ticks: int,
                 mode: str) -> LiveRun:
    """The screen left open with 1-second ticks and one new issue per second."""
    session = commander(url)
    micro = session.read("units", where={"level": "micro"}, columns=["code", "geometry"])
    micro = micro[micro["code"].str.startswith(town[:9] if town else county)]
    pool = pd.DataFrame({"code": micro["code"].to_numpy(),
                         "spot": micro.geometry.representative_point().to_numpy()})
    as_of = data_now(session)
    env = {"GRIDMAP_LIVE_SECONDS": "1", "GRIDMAP_LIVE_TRIM": "0" if mode == "leak" else "1"}
    stop = threading.Event()
    inserted = [0]
    thread: threading.Thread | None = None
    with StreamlitApp(url, workdir, env) as app:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        try:
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            objects = FrameObjects(cdp)
            page.goto(app.base_url)
            page.wait_for_function(_APP_SETTLED_JS, timeout=PAGE_TIMEOUT_MS)
            page.get_by_label("用户名").fill(USER)
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            frame, _ = wait_map(page, None, PAGE_TIMEOUT_MS / 1000)
            if town is not None:
                iframe = page.locator("iframe[title='streamlit_folium.st_folium']")
                iframe.scroll_into_view_if_needed()
                page.wait_for_timeout(500)
                point = frame.evaluate(_CLICK_POINT_JS, town)
                box = iframe.bounding_box()
                if point is None or box is None:
                    raise RuntimeError(f"no free spot inside town {town} to click")
                page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
                frame, _ = wait_map(page, {"prefix": town[:9], "exclude": town}, PAGE_TIMEOUT_MS / 1000)
            page.wait_for_timeout(1500)
            frame = map_frame(page)
            page.evaluate(_IFRAME_OBSERVER_JS)

            def instrument(frame: Any) -> None:
                frame.evaluate(_IFRAME_PROBE_JS)
                if mode == "patched":
                    frame.evaluate(_PATCH_LAYERS_CONTROL_JS)

            instrument(frame)
            heap: dict[int, float] = {}
            nodes: dict[int, int] = {}
            groups: dict[int, int] = {}
            layers: dict[int, int | None] = {}

            def sample(mark: int) -> None:
                heap[mark], nodes[mark] = heap_mb(cdp)
                groups[mark] = int(frame.evaluate("() => (window.feature_group || []).length"))
                layers[mark] = objects.count("L.Layer.prototype")

            sample(0)
            thread = threading.Thread(target=writer, args=(url, county, pool, as_of, stop, inserted, mode),
                                      daemon=True)
            thread.start()
            started = time.perf_counter()
            checkpoints = sorted({ticks // 2, ticks})
            remounts, base, applied = 0, 0, 0
            deadline = time.monotonic() + ticks * 10 + 120
            last_log = time.monotonic()
            while base + applied < ticks and time.monotonic() < deadline:
                page.wait_for_timeout(200)
                try:
                    state = frame.evaluate(_IFRAME_STATE_JS)
                    alive = state["mark"] == "bench-first-mount"
                except Exception:
                    alive = False
                if not alive:  # a new iframe document: the map was remounted
                    remounts += 1
                    base += applied
                    applied = 0
                    frame, _ = wait_map(page, None, 60)
                    instrument(frame)
                    continue
                applied = int(state["applied"])
                done = base + applied
                for mark in checkpoints:
                    if done >= mark and mark not in heap:
                        sample(mark)
                if time.monotonic() - last_log > 30:
                    log(f"  live {mode}: tick {done}/{ticks}, JS heap {state['heap'] / MB:.0f} MB, "
                        f"window.feature_group {state['groups']}")
                    last_log = time.monotonic()
            wall = time.perf_counter() - started
            stop.set()
            thread.join(timeout=10)
            state = frame.evaluate(_IFRAME_STATE_JS)
            created = int(page.evaluate("() => window.__gmIframes"))
            return LiveRun(LIVE_MODES[mode], f"town {town}" if town else "county", base + applied, wall, inserted[0],
                           remounts, created, heap, nodes, groups, layers, int(state["layers"]), app.errors())
        finally:
            stop.set()
            if thread is not None:
                thread.join(timeout=10)
            context.close()


# =========================================================================== report


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def fmt_mb(n: float) -> str:
    return f"{n / MB:.2f}"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=None, help=f"SQLite store URL (copied; default {DEFAULT_STORE}, "
                                                   "built on first use)")
    parser.add_argument("--county", default="330327")
    parser.add_argument("--ticks", type=int, default=100, help="live ticks per mode (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help="warm sign-ins + drill-downs (default 3)")
    parser.add_argument("--rounds", type=int, default=5, help="server timing: rounds over the 7 filter sets")
    parser.add_argument("--town", default=None, help="drill-down target (default: the largest clickable town)")
    parser.add_argument("--live-view", choices=["county", "town"], default="county")
    parser.add_argument("--skip-naive", action="store_true", help="no naive baseline")
    parser.add_argument("--skip-live", action="store_true", help="no live sessions")
    parser.add_argument("--skip-diagnostic", action="store_true",
                        help="no third live session with Leaflet's Control.Layers patched in the browser")
    parser.add_argument("--naive-timeout", type=float, default=300.0,
                        help="seconds the naive page may take to draw (default 300)")
    parser.add_argument("--chromium", default=os.environ.get("GRIDMAP_CHROMIUM") or "/usr/bin/chromium")
    parser.add_argument("--keep", action="store_true", help="keep data/bench/run-PID/ (store copy, logs)")
    args = parser.parse_args(argv)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    atexit.register(_stop_all)
    workdir = REPO_ROOT / "data" / "bench" / f"run-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, workdir)
    finally:
        _stop_all()
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    from playwright.sync_api import sync_playwright

    total_started = time.perf_counter()
    url, source_url, built_s = prepare_store(args.db, args.county, workdir)
    session = commander(url)
    towns = [args.town] if args.town else pick_towns(session)
    scope = Scope.county(args.county)
    counts = {"micro-grids": session.count("units", where={"level": "micro"}),
              **{name: session.store.count(name, scope) for name in ("issues", "inspections", "stations")}}

    naive: list[NaiveHtml] = []
    if not args.skip_naive:
        log("naive pages: reading every layer and rendering one folium GeoJson")
        frames, read_s = read_everything(session)
        for points in (True, False):
            naive.append(naive_html(frames, read_s, workdir, points=points))
            log(f"{naive[-1].label}: {naive[-1].html_bytes / MB:.1f} MB of HTML")
        del frames

    manager = sync_playwright().start()
    try:
        browser = manager.chromium.launch(executable_path=args.chromium, headless=True, args=list(CHROMIUM_ARGS))
        with StreamlitApp(url, workdir, {"GRIDMAP_LIVE_SECONDS": "3600"}) as app:
            runs: list[ViewRun] = []
            log("our page: first sign-in after the server started (cold)")
            first = sign_in_and_measure(browser, app.base_url, None, county_cold=True, drill_cold=False)
            runs += first
            town = towns[0] if args.town else clickable_town(browser, app.base_url, towns)
            log(f"our page: {args.repeats} warm sign-ins + drill-downs into town {town}")
            for i in range(args.repeats):
                runs += sign_in_and_measure(browser, app.base_url, town, county_cold=False, drill_cold=(i == 0))
            page_errors = app.errors()
        log("server timing: warm filter changes (in-process)")
        server = time_reruns(session, town, args.rounds)
        naive_runs: list[NaiveRun] = []
        with serve_dir(workdir) as site:
            for page_html in naive:
                log(f"{page_html.label}: in the browser (timeout {args.naive_timeout:.0f} s)")
                naive_runs.append(open_naive(manager, args.chromium, site, page_html, args.naive_timeout, workdir))
        live: list[LiveRun] = []
        if not args.skip_live:
            for mode in ("bounded", "leak", *(() if args.skip_diagnostic else ("patched",))):
                log(f"live session: {LIVE_MODES[mode]}, {args.ticks} ticks")
                live.append(live_session(browser, url, workdir, args.county,
                                         town if args.live_view == "town" else None, args.ticks, mode))
        browser.close()
    finally:
        manager.stop()

    report(args, source_url, built_s, counts, town, runs, list(zip(naive, naive_runs, strict=True)), server,
           live, page_errors, time.perf_counter() - total_started)
    return 0


def report(args: argparse.Namespace, source_url: str, built_s: float | None, counts: dict[str, int], town: str,
           runs: list[ViewRun], naive: list[tuple[NaiveHtml, NaiveRun]], server: ServerTimes, live: list[LiveRun],
           page_errors: list[str], total_s: float) -> None:
    import playwright

    pw_version = getattr(playwright, "__version__", None)
    if pw_version is None:
        from importlib.metadata import version

        pw_version = version("playwright")
    chromium = subprocess.run([args.chromium, "--version"], capture_output=True, text=True, check=False)
    built = f"built by this run in {built_s:.0f} s, " if built_s is not None else ""
    print(f"store {source_url} ({built}copied): " + ", ".join(f"{n:,} {name}" for name, n in counts.items())
          + f"; drill-down town {town}")
    print(f"python {platform.python_version()}, folium {folium.__version__}, playwright {pw_version}, "
          f"{chromium.stdout.strip().splitlines()[0] if chromium.stdout.strip() else args.chromium}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; whole run {total_s:.0f} s\n")

    # (a) bytes and time-to-ready
    print("### (a) Bytes and time-to-ready in Chromium\n")
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
    for key in labels:
        items = [r for r in runs if r.group == key]
        if not items:
            continue
        ready = median([r.ready_s for r in items])
        st_js = median([r.http_kind["streamlit"] + r.http_kind["other"] for r in items])
        map_http = median([r.http_kind["map"] for r in items])
        ws = median([r.ws for r in items])
        total = median([r.http + r.ws for r in items])
        map_total = median([r.map_bytes for r in items])
        print(f"| {labels[key]} | {len(items)} | {ready:.2f} | {fmt_mb(st_js)} | {fmt_mb(map_http)} | {fmt_mb(ws)} "
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

    # (b) server time
    print("\n### (b) Server time per view\n")
    print("| step | ms (median) | best ms | JS/HTML MB | naive render / ours | target <= 300 ms |")
    print("|---|---:|---:|---:|---:|---|")
    for page_html, _ in naive:
        print(f"| {page_html.label}: read from the store | {page_html.read_s * 1000:.0f} | — | — | — | — |")
        print(f"| {page_html.label}: folium GeoJson + Map.get_root().render() | {page_html.render_s * 1000:.0f} | — "
              f"| {fmt_mb(page_html.html_bytes)} | — | {verdict(page_html.render_s * 1000 <= RERUN_TARGET_MS)} |")
    print(f"| ours: load_snapshot (once per server) | {server.snapshot_s * 1000:.0f} | — | — | — | — |")
    for name in ("county", "town"):
        label = "county view" if name == "county" else f"town {town}"
        print(f"| ours: load_points, {label} (once per selection and tick) | {server.points_s[name] * 1000:.0f} "
              f"| — | — | — | — |")
        print(f"| ours: first view, {label} (build_view + st_folium JS) | {server.first_view_ms[name]:.0f} | — "
              f"| {fmt_mb(server.js_bytes[name])} | — | — |")
        parts = server.parts[name]
        for part in ("kpis", "build_view", "st_folium JS"):
            print(f"| &nbsp;&nbsp;warm filter change, {label}: {part} | {median(parts[part]):.0f} "
                  f"| {min(parts[part]):.0f} | — | — | — |")
        total = median(parts["total"])
        ratio = " / ".join(f"{h.render_s * 1000 / total:.0f}x" for h, _ in naive) or "—"
        print(f"| **ours: warm filter change, {label}** ({len(parts['total'])} runs) | **{total:.0f}** "
              f"| {min(parts['total']):.0f} | {fmt_mb(server.js_bytes[name])} | {ratio} "
              f"| {verdict(total <= RERUN_TARGET_MS)} |")
    print()
    for name in ("county", "town"):
        print(f"- sent at {name} view (no filter): " + ", ".join(f"{k} {v:,}" for k, v in server.sent[name].items()))

    # (c) live
    if live:
        print("\n### (c) Live session: GRIDMAP_LIVE_SECONDS=1, one new issue per second\n")
        half = args.ticks // 2
        print("JS heap = CDP JSHeapUsedSize after HeapProfiler.collectGarbage (the Streamlit page and the map "
              "iframe share one V8 heap); live Leaflet layers = objects inheriting L.Layer in the iframe "
              "(Runtime.queryObjects); DOM nodes = CDP Nodes (attached and detached).\n")
        print(f"| mode | view | ticks | s per tick | remounts (mark lost / iframes created) "
              f"| JS heap MB @0 / @{half} / @{args.ticks} | live Leaflet layers @0 / @{half} / @{args.ticks} "
              f"| DOM nodes @0 / @{args.ticks} | window.feature_group @0 / @{half} / @{args.ticks} |")
        print("|---|---|---:|---:|---|---|---|---|---|")

        def at(d: dict[int, Any], k: int, fmt: str = "{:.1f}") -> str:
            return fmt.format(d[k]) if d.get(k) is not None else "—"

        for run in live:
            print(f"| {run.mode} | {run.view} | {run.ticks} | {run.wall_s / max(run.ticks, 1):.2f} "
                  f"| {run.remounts_mark} / {run.iframes_created} "
                  f"| {at(run.heap, 0)} / {at(run.heap, half)} / {at(run.heap, args.ticks)} "
                  f"| {at(run.layers, 0, '{:,}')} / {at(run.layers, half, '{:,}')} / {at(run.layers, args.ticks, '{:,}')} "
                  f"| {at(run.nodes, 0, '{:,}')} / {at(run.nodes, args.ticks, '{:,}')} "
                  f"| {at(run.groups, 0, '{}')} / {at(run.groups, half, '{}')} / {at(run.groups, args.ticks, '{}')} |")
        print()
        for run in live:
            note = f"; server logged {len(run.server_errors)} traceback(s): {run.server_errors[0]!r}" \
                if run.server_errors else ""
            per_tick = (run.heap.get(args.ticks, float("nan")) - run.heap.get(0, float("nan"))) / max(run.ticks, 1)
            print(f"- {run.mode}: {run.ticks} ticks in {run.wall_s:.0f} s, {run.inserted} issues inserted, "
                  f"JS heap {per_tick:+.2f} MB per tick, {run.map_layers} layers on the map at the end{note}")
        where = "the county view" if args.live_view == "county" else f"the town view ({town}), not the county view"
        print(f"- the live sessions ran at {where}")

    print("\n### Targets\n")
    county_warm = [r for r in runs if r.group == "county"]
    drill_warm = [r for r in runs if r.group == "drill"]
    checks = [
        ("map ready <= 2 s, county view (warm, median)", median([r.ready_s for r in county_warm]), READY_TARGET_S,
         "{:.2f} s"),
        ("map ready <= 2 s, after the drill-down (warm, median)", median([r.ready_s for r in drill_warm]),
         READY_TARGET_S, "{:.2f} s"),
        ("<= 1.5 MB, county view, everything received (median)", median([r.http + r.ws for r in county_warm]) / MB,
         BYTES_TARGET / MB, "{:.2f} MB"),
        ("<= 1.5 MB, county view, map only (median)", median([r.map_bytes for r in county_warm]) / MB,
         BYTES_TARGET / MB, "{:.2f} MB"),
        ("<= 1.5 MB, drill-down (median)", median([r.http + r.ws for r in drill_warm]) / MB, BYTES_TARGET / MB,
         "{:.2f} MB"),
        ("filter change <= 300 ms server time, county view (warm, median)", median(server.parts["county"]["total"]),
         RERUN_TARGET_MS, "{:.0f} ms"),
        ("filter change <= 300 ms server time, town view (warm, median)", median(server.parts["town"]["total"]),
         RERUN_TARGET_MS, "{:.0f} ms"),
    ]
    for name, value, limit, fmt in checks:
        print(f"- {name}: {fmt.format(value)} -> {'met' if value <= limit else 'MISSED'}")
    for run in live:
        grown = run.heap.get(args.ticks, float("inf")) - run.heap.get(0, 0.0)
        flat = grown <= LIVE_HEAP_SLACK_MB and run.remounts_mark == 0 and run.iframes_created == 0
        print(f"- live, {run.mode}: remounts {run.remounts_mark}, JS heap {grown:+.1f} MB over {run.ticks} ticks, "
              f"window.feature_group {run.groups.get(args.ticks, '—')} -> "
              f"{'bounded' if flat else 'MISSED (grows)'}")


if __name__ == "__main__":
    raise SystemExit(main())
