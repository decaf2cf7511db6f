"""A department's work queue at county scale: its open issues sorted by deadline, warm.

Run::

    python -m gridmap bench queue [--db sqlite:///data/bench/county.db] [--repeats 9]
        [--pg postgresql://postgres@127.0.0.1:5432/SCRATCH] [--reuse-pg] [--backends sqlite,postgis] [--keep]

The county demo (``data/bench/county.db``, ~125,000 issues, built on first use; see
:mod:`benchmarks.common`). For every department, a department handler's
:class:`~gridmap.access.Session` (county jurisdiction: the session narrows every read of
issues to the department) runs **the queue's query**: the issues in an open status
(:data:`gridmap.domain.ISSUE_LIFECYCLE.open`), the columns a queue row shows (id,
category, status, channel, reported and deadline times, unit codes, the point), sorted by
deadline, most urgent first; and **the page's own call**,
:func:`gridmap.workflow.work_queue` (``"department"``: the same read of the open issues,
the overdue and escalated flags, the department's statuses, the deadline order) at the
demo's as-of time.

Each department: one cold call, then ``--repeats`` warm calls (median, max) of each. The
baseline, in the same run: the same columns of **all** the department's issues, filtered
and sorted in pandas (what a queue would cost without the status filter in SQL); the
table gives the ratio. With ``--pg`` (default ``GRIDMAP_BENCH_PG``, else
``GRIDMAP_TEST_PG``) the county is loaded into that scratch database (its gridmap tables
are dropped) and measured too; ``--reuse-pg`` keeps a county a previous run loaded there
(the county scale, the as-of time and the issue count) instead of loading it again. A last table puts
the two backends side by side (PostGIS / SQLite).

Target (issue 12): <= 300 ms warm for the queue of a department at county scale.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from benchmarks.common import DEMO_SEED, DEMO_TODAY, log, parser, prepare_store, run_dir
from gridmap.access import Session, User
from gridmap.domain import DEPARTMENTS, ISSUE_LIFECYCLE, Role, Scope
from gridmap.store import Store, open_store
from gridmap.workflow import work_queue

TARGET_MS = 300.0
QUEUE_COLUMNS = ["id", "category", "status", "channel", "reported_at", "deadline", "micro_code", "grid_code",
                 "village_code", "outside", "geometry"]
OPEN = sorted(ISSUE_LIFECYCLE.open)
AS_OF = dt.datetime.combine(DEMO_TODAY, dt.time(15, 0))  # the county demo's as-of time


def queue(session: Session) -> pd.DataFrame:
    """The queue's query: the department's open issues, most urgent deadline first."""
    rows = session.read("issues", where={"status": OPEN}, columns=QUEUE_COLUMNS)
    return rows.sort_values(["deadline", "reported_at"], na_position="last", kind="stable")


def naive(session: Session) -> pd.DataFrame:
    """The baseline: every issue of the department, filtered and sorted in pandas."""
    rows = session.read("issues", columns=QUEUE_COLUMNS)
    rows = rows[rows["status"].isin(OPEN)]
    return rows.sort_values(["deadline", "reported_at"], na_position="last", kind="stable")


@dataclass
class Row:
    backend: str
    department: str
    issues: int
    open: int
    cold_ms: float
    warm_ms: float
    warm_max_ms: float
    naive_ms: float
    page_rows: int = 0
    page_warm_ms: float = float("nan")


def _timed(fn: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000, out


def measure(store: Store, backend: str, county: str, repeats: int) -> list[Row]:
    rows = []
    for department in DEPARTMENTS:
        session = Session(store, User(f"bench-{department}", Role.DEPARTMENT, f"{county}000000",
                                      department=department))
        cold, first = _timed(partial(queue, session))
        warm = [_timed(partial(queue, session))[0] for _ in range(repeats)]
        base = [_timed(partial(naive, session))[0] for _ in range(max(3, repeats // 3))]
        page_rows = len(work_queue(session, "department", AS_OF))
        page = [_timed(partial(work_queue, session, "department", AS_OF))[0] for _ in range(repeats)]
        rows.append(Row(backend, department, session.count("issues"), len(first), cold, statistics.median(warm),
                        max(warm), statistics.median(base), page_rows, statistics.median(page)))
        log(f"{backend} {department}: {len(first)} open, warm {statistics.median(warm):.1f} ms, "
            f"work_queue {statistics.median(page):.1f} ms")
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| backend | department | its issues | open (query rows) | cold ms | warm ms (median) | warm max ms "
             "| baseline ms | query / baseline | work_queue rows | work_queue warm ms |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.backend} | {r.department} | {r.issues:,} | {r.open:,} | {r.cold_ms:.1f} | {r.warm_ms:.1f} "
                     f"| {r.warm_max_ms:.1f} | {r.naive_ms:.1f} | {r.warm_ms / r.naive_ms:.2f} | {r.page_rows:,} "
                     f"| {r.page_warm_ms:.1f} |")
    return "\n".join(lines)


def side_by_side(rows: list[Row]) -> str:
    """PostGIS next to SQLite per department (warm medians), with the ratio."""
    lite = {r.department: r for r in rows if r.backend == "sqlite"}
    pg = {r.department: r for r in rows if r.backend == "postgis"}
    lines = ["| department | query sqlite ms | query postgis ms | postgis / sqlite | work_queue sqlite ms "
             "| work_queue postgis ms | postgis / sqlite |", "|---|---:|---:|---:|---:|---:|---:|"]
    for department in (d for d in DEPARTMENTS if d in lite and d in pg):
        a, b = lite[department], pg[department]
        lines.append(f"| {department} | {a.warm_ms:.1f} | {b.warm_ms:.1f} | {b.warm_ms / a.warm_ms:.2f} "
                     f"| {a.page_warm_ms:.1f} | {b.page_warm_ms:.1f} | {b.page_warm_ms / a.page_warm_ms:.2f} |")
    return "\n".join(lines)


def _pg_county(url: str, county: str, reuse: bool, issues: int) -> Store:
    """The county demo in the scratch database ``url``: loaded, or with ``reuse`` kept when
    a previous run loaded the same one (scale, as-of time and issue count)."""
    from gridmap.demo import load_demo
    from tests.store_fixtures import reset_postgis

    if reuse:
        try:
            store = open_store(url)
        except Exception as exc:  # an empty or foreign database: load it below
            log(f"cannot reuse {url}: {exc}")
        else:
            same = (store.get_meta(county, "demo_scale") == "county"
                    and store.get_meta(county, "as_of") == AS_OF.isoformat()
                    and store.count("issues", Scope.county(county)) == issues)
            if same:
                log("reusing the county demo already loaded in PostGIS")
                return store
            store.close()
    reset_postgis(url)
    store = open_store(url)
    log("loading the county demo into PostGIS (a few minutes)")
    started = time.perf_counter()
    load_demo(store, "county", seed=DEMO_SEED, today=DEMO_TODAY)
    log(f"loaded in {time.perf_counter() - started:.0f} s")
    return store


def main() -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--repeats", type=int, default=9)
    args_parser.add_argument("--pg", default=os.environ.get("GRIDMAP_BENCH_PG") or os.environ.get("GRIDMAP_TEST_PG"),
                             help="PostGIS: a scratch database (its gridmap tables are dropped)")
    args_parser.add_argument("--reuse-pg", action="store_true",
                             help="keep the county a previous run loaded into --pg (same scale, as-of, issues)")
    args_parser.add_argument("--backends", default="sqlite,postgis")
    args = args_parser.parse_args()
    backends = [b for b in args.backends.split(",") if b]
    if "postgis" in backends and not args.pg:
        log("no --pg (nor GRIDMAP_BENCH_PG / GRIDMAP_TEST_PG): PostGIS left out")
        backends.remove("postgis")
    results: list[Row] = []
    with run_dir(args.keep) as workdir:
        url, source, _ = prepare_store(args.db, args.county, workdir)
        store = open_store(url)
        total = store.count("issues", Scope.county(args.county))
        if "sqlite" in backends:
            results += measure(store, "sqlite", args.county, args.repeats)
        store.close()
        if "postgis" in backends:
            pg = _pg_county(args.pg, args.county, args.reuse_pg, total)
            results += measure(pg, "postgis", args.county, args.repeats)
            pg.close()
    print(f"# bench_queue: a department's open issues sorted by deadline, through a department handler's "
          f"Session; {source}, {total:,} issues; {args.repeats} warm calls per department\n")
    print(table(results))
    print()
    if {r.backend for r in results} == {"sqlite", "postgis"}:
        print(side_by_side(results))
        print()
    for backend in dict.fromkeys(r.backend for r in results):
        worst = max((r for r in results if r.backend == backend), key=lambda r: r.warm_ms)
        verdict = "met" if worst.warm_ms <= TARGET_MS else "MISSED"
        print(f"- {backend}: slowest department queue warm {worst.warm_ms:.1f} ms ({worst.department}, "
              f"{worst.open:,} rows; target <= {TARGET_MS:.0f} ms): {verdict}")
        page = max((r for r in results if r.backend == backend), key=lambda r: r.page_warm_ms)
        print(f"- {backend}: slowest work_queue(department) warm {page.page_warm_ms:.1f} ms ({page.department}, "
              f"{page.page_rows:,} rows; target <= {TARGET_MS:.0f} ms): "
              f"{'met' if page.page_warm_ms <= TARGET_MS else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
