"""Twenty writers at once (the write half of "Load", issue 8): reports kept, errors, latency.

Run::

    python -m gridmap bench writes [--pg postgresql://postgres@127.0.0.1:5432/SCRATCH]
        [--writers 1,20] [--reports 200] [--backends sqlite,postgis] [--keep]

For each backend and each writer count: a fresh store with the small demo county
(宜山镇, ``gridmap.demo.load_demo("small")``), then that many processes, each a grid worker
of its own grid, file ``--reports`` issues one after another through the public write
path :func:`gridmap.workflow.report_issue` (placed on the server, routed, with its first
history row and two audit rows, one transaction each). The processes start together at a
barrier. Every call is timed in the writer (``perf_counter`` around ``report_issue``);
an exception counts as an error and is kept for the report.

Afterwards the store is counted: issues and history rows filed by the writers, and
their audit rows (two per report). The table: backend, writers, reports kept (of
writers x reports), errors, p50/p95/max latency, and reports per second over the run.

``--pg`` names a scratch database: its gridmap tables are DROPPED and rebuilt (default
``GRIDMAP_BENCH_PG``, else ``GRIDMAP_TEST_PG``; without either, PostGIS is left out).
SQLite stores are files in ``data/bench/run-PID/`` (removed unless ``--keep``).

Targets (issue 8): one writer p95 <= 20 ms on SQLite; twenty writers p95 <= 250 ms and
max <= 2 s on both backends, with all reports kept and no error.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEMO_SEED, DEMO_TODAY, log, parser, run_dir

ONE_WRITER_P95_MS = 20.0
MANY_P95_MS = 250.0
MANY_MAX_MS = 2000.0
COUNTY = "330327"


@dataclass
class Result:
    """One backend x writer-count run."""

    backend: str
    writers: int
    reports: int  # asked for, in all
    kept: int
    events: int
    audit_rows: int
    errors: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0

    def quantile(self, q: float) -> float:
        """The ``q`` quantile of the latencies (nearest rank), NaN when there are none."""
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def writer_places(url: str, writers: int) -> list[tuple[str, float, float]]:
    """One (grid code, lon, lat) per writer: a point inside a micro-grid of a distinct grid."""
    from gridmap.domain import Scope
    from gridmap.store import open_store

    store = open_store(url, migrate=False)
    try:
        scope = Scope.county(COUNTY)
        plan = store.current_plan(COUNTY)
        micro = store.read("units", scope, where={"level": "micro", "plan_version": plan},
                           columns=["code", "parent_code", "geometry"])
    finally:
        store.close()
    micro = micro.sort_values("code").drop_duplicates("parent_code")
    if len(micro) < writers:
        raise SystemExit(f"the demo has only {len(micro)} grids; ask for at most that many writers")
    out = []
    for row in micro.head(writers).itertuples():
        point = row.geometry.representative_point()
        out.append((str(row.parent_code), float(point.x), float(point.y)))
    return out


def _write(url: str, number: int, place: tuple[str, float, float], reports: int, barrier: Any,
           results: Any) -> None:
    """One writer process: ``reports`` reports at its point, each timed."""
    from gridmap.access import Session, User
    from gridmap.domain import Role
    from gridmap.store import open_store
    from gridmap.workflow import report_issue

    grid, lon, lat = place
    store = open_store(url, migrate=False)
    session = Session(store, User(f"writer{number:02d}", Role.GRID_WORKER, grid, f"写入者{number}"))
    latencies: list[float] = []
    errors: list[str] = []
    barrier.wait()
    for i in range(reports):
        started = time.perf_counter()
        try:
            report_issue(session, category="sanitation", lon=lon, lat=lat, description=f"bench {number} {i}")
        except Exception as exc:  # counted and reported, never hidden
            errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
        latencies.append((time.perf_counter() - started) * 1000)
    store.close()
    results.put((latencies, errors))


def fresh_store(backend: str, workdir: Path, pg_url: str | None, label: str) -> str:
    """A new store with the small demo county; returns its URL."""
    from gridmap.demo import load_demo
    from gridmap.store import open_store

    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'writes-{label}.db'}"
    else:
        assert pg_url is not None
        from tests.store_fixtures import reset_postgis

        reset_postgis(pg_url)
        url = pg_url
    store = open_store(url)
    try:
        load_demo(store, "small", seed=DEMO_SEED, today=DEMO_TODAY)
    finally:
        store.close()
    return url


def measure(url: str, backend: str, writers: int, reports: int) -> Result:
    """Start ``writers`` writer processes together, collect what they measured, count the store."""
    from gridmap.domain import Scope
    from gridmap.store import open_store
    from gridmap.store.base import AuditFilter

    places = writer_places(url, writers)
    ctx = mp.get_context("fork")  # the children inherit the imports; each opens its own store
    barrier = ctx.Barrier(writers + 1)
    results = ctx.Queue()
    procs = [ctx.Process(target=_write, args=(url, n, places[n], reports, barrier, results))
             for n in range(writers)]
    for proc in procs:
        proc.start()
    barrier.wait()
    started = time.perf_counter()
    collected = [results.get() for _ in procs]
    wall = time.perf_counter() - started
    for proc in procs:
        proc.join()
    result = Result(backend, writers, writers * reports, 0, 0, 0, wall_s=wall)
    for latencies, errors in collected:
        result.latencies_ms += latencies
        result.errors += errors
    store = open_store(url, migrate=False)
    try:
        scope = Scope.county(COUNTY)
        names = [f"writer{n:02d}" for n in range(writers)]
        filed = store.read("issues", scope, where={"description": [f"bench {n} {i}" for n in range(writers)
                                                                   for i in range(reports)]}, columns=["id"])
        result.kept = len(filed)
        result.events = store.count("issue_events", scope, where={"issue_id": filed["id"].tolist()}) \
            if len(filed) else 0
        log_rows = store.audit_log(scope, limit=10 * writers * reports + 100, filters=AuditFilter(action="insert"))
        result.audit_rows = int(log_rows["actor"].isin(names).sum())
    finally:
        store.close()
    return result


def table(results: list[Result]) -> str:
    """The markdown table of the runs."""
    lines = ["| backend | writers | reports kept | history rows | audit rows | errors | p50 ms | p95 ms | max ms "
             "| reports/s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.backend} | {r.writers} | {r.kept:,} of {r.reports:,} | {r.events:,} | {r.audit_rows:,} "
                     f"| {len(r.errors)} | {r.quantile(0.5):.1f} | {r.quantile(0.95):.1f} "
                     f"| {max(r.latencies_ms, default=float('nan')):.1f} | {r.kept / r.wall_s:.0f} |")
    return "\n".join(lines)


def verdicts(results: list[Result]) -> list[str]:
    """One line per target: met or missed, with the number."""
    out = []
    for r in results:
        complete = r.kept == r.reports and not r.errors and r.audit_rows == 2 * r.reports
        out.append(f"- {r.backend}, {r.writers} writer(s): all kept, no error, 2 audit rows per report: "
                   f"{'yes' if complete else 'NO'}")
        if r.writers == 1 and r.backend == "sqlite":
            out.append(f"- {r.backend}, 1 writer: p95 {r.quantile(0.95):.1f} ms (target <= {ONE_WRITER_P95_MS:.0f}): "
                       f"{'met' if r.quantile(0.95) <= ONE_WRITER_P95_MS else 'MISSED'}")
        if r.writers > 1:
            p95, top = r.quantile(0.95), max(r.latencies_ms, default=float("inf"))
            out.append(f"- {r.backend}, {r.writers} writers: p95 {p95:.0f} ms (target <= {MANY_P95_MS:.0f}), "
                       f"max {top:.0f} ms (target <= {MANY_MAX_MS:.0f}): "
                       f"{'met' if p95 <= MANY_P95_MS and top <= MANY_MAX_MS else 'MISSED'}")
    return out


def add_arguments(args_parser: argparse.ArgumentParser) -> None:
    """The options of a writers run (this benchmark's and ``bench_issue_writes``'s)."""
    args_parser.add_argument("--pg", default=os.environ.get("GRIDMAP_BENCH_PG") or os.environ.get("GRIDMAP_TEST_PG"),
                             help="scratch PostgreSQL+PostGIS database (its gridmap tables are dropped)")
    args_parser.add_argument("--writers", default="1,20", help="writer counts, comma-separated")
    args_parser.add_argument("--reports", type=int, default=200, help="reports per writer")
    args_parser.add_argument("--backends", default="sqlite,postgis")


def run_all(args: argparse.Namespace) -> list[Result]:
    """One run per backend and writer count of ``args`` (:func:`add_arguments`), each on a fresh store."""
    counts = [int(w) for w in args.writers.split(",")]
    backends = [b for b in args.backends.split(",") if b]
    if "postgis" in backends and not args.pg:
        log("no --pg (nor GRIDMAP_BENCH_PG / GRIDMAP_TEST_PG): PostGIS left out")
        backends.remove("postgis")
    results: list[Result] = []
    with run_dir(args.keep) as workdir:
        for backend in backends:
            for writers in counts:
                label = f"{backend}-{writers}"
                log(f"{label}: loading the small demo")
                url = fresh_store(backend, workdir, args.pg, label)
                log(f"{label}: {writers} writer(s) x {args.reports} reports")
                result = measure(url, backend, writers, args.reports)
                log(f"{label}: kept {result.kept} of {result.reports}, {len(result.errors)} errors, "
                    f"p95 {result.quantile(0.95):.1f} ms, max {max(result.latencies_ms, default=float('nan')):.1f} ms")
                results.append(result)
    return results


def first_errors(results: list[Result]) -> str:
    """The first few errors of the runs, or nothing."""
    errors = [e for r in results for e in r.errors]
    return f"\nfirst errors: {errors[:3]}" if errors else ""


def main() -> int:
    args_parser = parser(__doc__)
    add_arguments(args_parser)
    args = args_parser.parse_args()
    started = time.perf_counter()
    results = run_all(args)
    load = os.getloadavg()
    print(f"# bench_writes: {args.reports} reports per writer through gridmap.workflow.report_issue, "
          f"small demo county; {os.cpu_count()} CPUs, load average {load[0]:.1f} at the end; "
          f"{time.perf_counter() - started:.0f} s in all\n")
    print(table(results))
    print()
    print("\n".join(verdicts(results)))
    if first_errors(results):
        print(first_errors(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
