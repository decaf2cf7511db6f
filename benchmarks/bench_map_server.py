"""The command map's server time per view at county scale, against the naive page's (no browser).

Run::

    python -m gridmap bench map_server [--db sqlite:///FILE] [--county 330327] [--town CODE]
        [--rounds 5] [--skip-naive] [--keep]

In-process, on a copy of the county store (see :mod:`benchmarks.common`):

- **ours**: ``load_snapshot`` (once per server and jurisdiction), ``load_points`` at county
  view and at the town view (once per selection and live tick), and a *warm filter change* =
  ``kpis`` + ``build_view`` (points cached, as the page's ``_points`` cache) + the base map +
  the JavaScript ``st_folium`` generates on every run (streamlit-folium's own
  ``_get_map_string``, ``_get_feature_group_string``, ``_get_layer_control_string``),
  ``--rounds`` times over 7 filter sets, at county view and at ``--town`` (default: the
  town with the most micro-grids);
- **naive** (same run): reading every micro-grid and every point from the store, and
  ``folium.GeoJson`` + ``Map.get_root().render()`` of the page with every point and of the
  page with the micro-grids only (:mod:`benchmarks.naive_page`).

Target: a warm filter change <= 300 ms (median). A missed target prints as MISSED; the exit
status is non-zero only on errors.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium

from benchmarks.common import (
    RERUN_TARGET_MS,
    bench_run,
    filter_cycle,
    fmt_mb,
    log,
    median,
    parser,
    verdict,
)
from benchmarks.naive_page import NaiveHtml, naive_pages
from gridmap.access import Session
from gridmap.command import Filters, data_now, kpis, load_snapshot
from gridmap.command.view import build_view, load_points
from gridmap.maps import OFFLINE, base_map, bounded

CENTER = (27.5, 120.45)


@dataclass
class ServerTimes:
    """In-process timings (ms lists) and sizes."""

    snapshot_s: float = 0.0
    points_s: dict[str, float] = field(default_factory=dict)
    first_view_ms: dict[str, float] = field(default_factory=dict)
    parts: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    js_bytes: dict[str, int] = field(default_factory=dict)
    sent: dict[str, dict[str, int]] = field(default_factory=dict)


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


def time_reruns(session: Session, town: str, rounds: int) -> ServerTimes:
    """kpis + build_view + base map + st_folium's JS, warm, at county view and at ``town``."""
    out = ServerTimes()
    started = time.perf_counter()
    snapshot = load_snapshot(session)
    out.snapshot_s = time.perf_counter() - started
    now = data_now(session)
    cycle = filter_cycle(now.date())
    for name, code in {"county": snapshot.home_code, "town": town}.items():
        started = time.perf_counter()
        points = load_points(session, snapshot, code)
        out.points_s[name] = time.perf_counter() - started
        started = time.perf_counter()
        view = build_view(session, snapshot, code, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh",
                          points=points)
        out.js_bytes[name] = st_folium_js(base_map(CENTER, zoom=10, tiles=OFFLINE), bounded(view.layers))
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
            st_folium_js(base_map(CENTER, zoom=10, tiles=OFFLINE), bounded(view.layers))
            t3 = time.perf_counter()
            for key, value in (("kpis", t1 - t0), ("build_view", t2 - t1), ("st_folium JS", t3 - t2),
                               ("total", t3 - t0)):
                parts[key].append(value * 1000)
        out.parts[name] = parts
    return out


def main(argv: list[str] | None = None) -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--town", default=None, help="town view (default: the town with the most micro-grids)")
    args_parser.add_argument("--rounds", type=int, default=5, help="rounds over the 7 filter sets (default 5)")
    args_parser.add_argument("--skip-naive", action="store_true", help="no naive baseline")
    args = args_parser.parse_args(argv)
    with bench_run(args) as run:
        town = args.town or run.towns()[0]
        naive = [] if args.skip_naive else naive_pages(run.session, run.workdir)
        log(f"ours: warm filter changes at county view and town {town}")
        server = time_reruns(run.session, town, args.rounds)
        print(run.header(None, f"town view {town}"))
        report(naive, server, town)
    return 0


def report(naive: list[NaiveHtml], server: ServerTimes, town: str) -> None:
    print("| step | ms (median) | best ms | JS/HTML MB | naive render / ours | target <= 300 ms |")
    print("|---|---:|---:|---:|---:|---|")
    for page in naive:
        print(f"| {page.label}: read from the store | {page.read_s * 1000:.0f} | — | — | — | — |")
        print(f"| {page.label}: folium GeoJson + Map.get_root().render() | {page.render_s * 1000:.0f} | — "
              f"| {fmt_mb(page.html_bytes)} | — | {verdict(page.render_s * 1000 <= RERUN_TARGET_MS)} |")
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
        ratio = " / ".join(f"{h.render_s * 1000 / total:.0f}x" for h in naive) or "—"
        print(f"| **ours: warm filter change, {label}** ({len(parts['total'])} runs) | **{total:.0f}** "
              f"| {min(parts['total']):.0f} | {fmt_mb(server.js_bytes[name])} | {ratio} "
              f"| {verdict(total <= RERUN_TARGET_MS)} |")
    print()
    for name in ("county", "town"):
        print(f"- sent at {name} view (no filter): " + ", ".join(f"{k} {v:,}" for k, v in server.sent[name].items()))
    for name in ("county", "town"):
        total = median(server.parts[name]["total"])
        print(f"- target: filter change <= 300 ms server time, {name} view (warm, median): {total:.0f} ms -> "
              f"{'met' if total <= RERUN_TARGET_MS else 'MISSED'}")


if __name__ == "__main__":
    raise SystemExit(main())
