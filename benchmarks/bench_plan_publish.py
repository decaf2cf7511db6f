"""Publishing a plan that reshapes a whole town, against ``reassign_all`` alone, on both backends.

Run::

    python benchmarks/bench_plan_publish.py [--rounds 3] [--town CODE]
        [--pg postgresql://postgres@127.0.0.1:5432/gridmap_bench_plans]

The small demo county (``gridmap.demo``, seed 7, 2026-11-23) is loaded into a fresh
SQLite file and, with ``--pg``, into that PostgreSQL database (its gridmap tables are
dropped first). The draft: in every grid of the town with the most households, the
micro-grids' boundaries are rotated (micro-grid i takes the outline of micro-grid i+1),
so the coverage stays valid and nearly every household, station, open issue and hazard of
the town changes micro-grid on publishing.

Timed per round, on each backend:

* ``publish``: :func:`gridmap.plan.versions.publish` of a fresh draft (alternately the
  rotated plan and the original plan, so every round moves the town's points): plan rows,
  meta, re-assignment of the four point layers with their history, the audit rows.
* ``reassign_all`` (the baseline): the county setting switched to the other plan (not
  timed), then :func:`gridmap.spatial.assign.reassign_all` alone (which moves closed
  issues too).
* ``impact``: :func:`gridmap.plan.impact.impact` of the rotated draft (reads, nothing written).

Prints a markdown table: median and best seconds, the median's ratio to the baseline's
median on the same backend, and the rows moved.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gridmap.access import Session
from gridmap.demo import load_demo
from gridmap.domain import Scope
from gridmap.plan import versions
from gridmap.plan.impact import impact
from gridmap.spatial.assign import reassign_all
from gridmap.store import Store, open_store

COUNTY = "330327"
SCOPE = Scope.county(COUNTY)
TODAY = dt.date(2026, 11, 23)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _biggest_town(store: Store) -> str:
    households = store.read("households", SCOPE, columns=["town_code"])
    return str(households["town_code"].value_counts().index[0])


def _rotated_draft(session: Session, town: str) -> tuple[int, int]:
    """A draft of the current plan with the town's micro-grids rotated inside each grid."""
    info = versions.create_draft(session, "bench rotated")
    plan = versions.load_plan(session, info.version)
    micro = plan[(plan["level"] == "micro") & plan["code"].astype(str).str.startswith(town[:9])]
    changed: set[str] = set()
    for _grid, group in micro.groupby("parent_code"):
        if len(group) < 2:
            continue
        index = list(group.index)
        geoms = plan.loc[index, "geometry"].tolist()
        plan.loc[index, "geometry"] = geoms[1:] + geoms[:1]
        changed |= set(group["code"].astype(str))
    versions.save_draft(session, info.version, plan, changed=changed, removed=set(),
                        expected_revision=info.revision)
    return info.version, len(changed)


def _timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def bench_backend(store: Store, label: str, rounds: int, town: str | None) -> list[dict[str, object]]:
    session = Session.system(store, SCOPE, actor="bench")
    town = town or _biggest_town(store)
    original = store.current_plan(COUNTY)
    households = store.count("households", SCOPE, where={"town_code": town})
    log(f"{label}: town {town} ({households:,} households)")
    rotated, changed = _rotated_draft(session, town)
    log(f"{label}: rotated draft {rotated} ({changed} micro-grids)")
    times: dict[str, list[float]] = {"publish": [], "reassign_all": [], "impact": []}
    moved: dict[str, int] = {}
    for i in range(rounds):
        t, result = _timed(lambda: impact(session, rotated, against=original))
        times["impact"].append(t)
        moved["impact"] = int(result.moved_counts()["households"])  # type: ignore[attr-defined]
        source = rotated if i % 2 == 0 else original
        other = original if i % 2 == 0 else rotated
        draft = versions.create_draft(session, f"bench round {i}", from_version=source)
        before = store.read("households", SCOPE, columns=["id", "micro_code"])
        t, _ = _timed(lambda d=draft.version: versions.publish(session, d))
        after = store.read("households", SCOPE, columns=["id", "micro_code"])
        moved["publish"] = int((before["micro_code"].to_numpy() != after["micro_code"].to_numpy()).sum())
        times["publish"].append(t)
        log(f"{label} round {i}: publish {t:.2f} s ({moved['publish']:,} households moved)")
        # the baseline: switch the setting back to the other plan, then re-assign only
        with store.transaction("bench", SCOPE) as tx:
            tx.set_meta("plan_version", str(other))
        t, counts = _timed(lambda: reassign_all(store, SCOPE, "bench"))
        moved["reassign_all"] = int(counts["households"])  # type: ignore[index]
        times["reassign_all"].append(t)
        log(f"{label} round {i}: reassign_all {t:.2f} s ({counts})")
        # publish the plan that is current again so the next draft starts from it
        with store.transaction("bench", SCOPE) as tx:
            tx.set_meta("plan_version", str(draft.version))
        reassign_all(store, SCOPE, "bench")
    base = statistics.median(times["reassign_all"])
    return [{"backend": label, "operation": name, "median": statistics.median(v), "best": min(v),
             "ratio": statistics.median(v) / base, "moved": moved.get(name, 0), "households": households}
            for name, v in times.items()]


def _reset_pg(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                    "AND tablename <> 'spatial_ref_sys'").fetchall():
            conn.execute(f'DROP TABLE IF EXISTS "{name}" CASCADE')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--town", default=None, help="town code (default: the one with the most households)")
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL to benchmark too (its tables are dropped)")
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("sqlite", f"sqlite:///{Path(tmp) / 'plans.db'}")]
        if args.pg:
            _reset_pg(args.pg)
            targets.append(("postgis", args.pg))
        for label, url in targets:
            with open_store(url) as store:
                started = time.perf_counter()
                load_demo(store, "small", seed=7, today=TODAY)
                log(f"{label}: small demo loaded in {time.perf_counter() - started:.0f} s")
                rows += bench_backend(store, label, args.rounds, args.town)
    print(f"\nPublish with re-assignment of a whole town (small demo, {rows[0]['households']:,} households in "
          f"the town), {args.rounds} rounds\n")
    print("| backend | operation | median s | best s | ratio to reassign_all (median) | households moved (impact: would move) |")
    print("|---|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['backend']} | {r['operation']} | {r['median']:.2f} | {r['best']:.2f} | "
              f"{r['ratio']:.2f}x | {r['moved']:,} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
