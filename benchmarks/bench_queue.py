"""A department's work queue at county scale: its open issues sorted by deadline, warm.

Run::

    python -m gridmap bench queue [--db sqlite:///data/bench/county.db] [--repeats 9]
        [--pg postgresql://postgres@127.0.0.1:5432/SCRATCH] [--keep]

The county demo (``data/bench/county.db``, ~125,000 issues, built on first use; see
:mod:`benchmarks.common`). For every department, a department handler's
:class:`~gridmap.access.Session` (county jurisdiction: the session narrows every read of
issues to the department) runs **the queue's query**: the issues in an open status
(:data:`gridmap.domain.ISSUE_LIFECYCLE.open`), the columns a queue row shows (id,
category, status, channel, reported and deadline times, unit codes, the point), sorted by
deadline, most urgent first. The work-queue module of issue 12 is being written on
another branch (``rflow``) at the same time; this measures the store query such a queue
runs through a Session, which is where the time goes at county scale.

Each department: one cold call, then ``--repeats`` warm calls (median, max). The
baseline, in the same run: the same columns of **all** the department's issues, filtered
and sorted in pandas (what a queue would cost without the status filter in SQL); the
table gives the ratio. With ``--pg`` the county is loaded into that scratch database (its
gridmap tables are dropped) and measured too.

Target (issue 12): <= 300 ms warm for the queue of a department at county scale.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd

from benchmarks.common import DEMO_SEED, DEMO_TODAY, log, parser, prepare_store, run_dir
from gridmap.access import Session, User
from gridmap.domain import DEPARTMENTS, ISSUE_LIFECYCLE, Role, Scope
from gridmap.store import Store, open_store

TARGET_MS = 300.0
QUEUE_COLUMNS = ["id", "category", "status", "channel", "reported_at", "deadline", "micro_code", "grid_code",
                 "village_code", "outside", "geometry"]
OPEN = sorted(ISSUE_LIFECYCLE.open)


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


def _timed(fn: Callable[[], pd.DataFrame]) -> tuple[float, pd.DataFrame]:
    started = time.perf_counter()
    out = fn()
    return (time.perf_counter() - started) * 1000, out


def measure(store: Store, backend: str, county: str, repeats: int) -> list[Row]:
    rows = []
    for department in DEPARTMENTS:
        session = Session(store, User(f"bench-{department}", Role.DEPARTMENT, f"{county}000000",
                                      department=department))
        cold, first = _timed(lambda s=session: queue(s))
        warm = [_timed(lambda s=session: queue(s))[0] for _ in range(repeats)]
        base = [_timed(lambda s=session: naive(s))[0] for _ in range(max(3, repeats // 3))]
        rows.append(Row(backend, department, session.count("issues"), len(first), cold, statistics.median(warm),
                        max(warm), statistics.median(base)))
        log(f"{backend} {department}: {len(first)} open, warm {statistics.median(warm):.1f} ms")
    return rows


def table(rows: list[Row]) -> str:
    lines = ["| backend | department | its issues | open (queue rows) | cold ms | warm ms (median) | warm max ms "
             "| baseline ms | queue / baseline |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r.backend} | {r.department} | {r.issues:,} | {r.open:,} | {r.cold_ms:.1f} | {r.warm_ms:.1f} "
                     f"| {r.warm_max_ms:.1f} | {r.naive_ms:.1f} | {r.warm_ms / r.naive_ms:.2f} |")
    return "\n".join(lines)


def _pg_county(url: str) -> Store:
    from gridmap.demo import load_demo
    from tests.store_fixtures import reset_postgis

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
    args_parser.add_argument("--pg", default=None, help="also PostGIS: a scratch database (its tables are dropped)")
    args = args_parser.parse_args()
    results: list[Row] = []
    with run_dir(args.keep) as workdir:
        url, source, _ = prepare_store(args.db, args.county, workdir)
        store = open_store(url)
        total = store.count("issues", Scope.county(args.county))
        results += measure(store, "sqlite", args.county, args.repeats)
        store.close()
        if args.pg:
            pg = _pg_county(args.pg)
            results += measure(pg, "postgis", args.county, args.repeats)
            pg.close()
    print(f"# bench_queue: a department's open issues sorted by deadline, through a department handler's "
          f"Session; {source}, {total:,} issues; {args.repeats} warm calls per department\n")
    print(table(results))
    print()
    for backend in dict.fromkeys(r.backend for r in results):
        worst = max((r for r in results if r.backend == backend), key=lambda r: r.warm_ms)
        verdict = "met" if worst.warm_ms <= TARGET_MS else "MISSED"
        print(f"- {backend}: slowest department queue warm {worst.warm_ms:.1f} ms ({worst.department}, "
              f"{worst.open:,} rows; target <= {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
