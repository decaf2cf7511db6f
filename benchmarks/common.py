"""What the benchmarks share: the county store they run on, the commander, the filter sets,
the command line, the run directory and the way numbers are printed.

The store: ``--db`` (a SQLite URL; copied, never written to), else ``data/bench/county.db``,
built on first use like ``python -m gridmap demo --scale county --seed 7 --today 2026-11-23``
and reused. Each run works on a copy in ``data/bench/run-PID/`` (removed at the end unless
``--keep``) that gets the commander accounts the benchmark signs in with.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import math
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gridmap.access import Session
from gridmap.auth import add_user, current_user
from gridmap.command import Filters
from gridmap.domain import Scope
from gridmap.store import open_store

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_STORE = REPO_ROOT / "data" / "bench" / "county.db"
DEMO_TODAY = dt.date(2026, 11, 23)
DEMO_SEED = 7
USER, PASSWORD = "bench", "bench-map-2026"
MB = 1_000_000
PAGE_TIMEOUT_MS = 120_000  # per browser step, on a loaded 2-CPU machine
READY_TARGET_S = 2.0
BYTES_TARGET = 1_500_000
RERUN_TARGET_MS = 300.0


def log(message: str) -> None:
    """Progress on stderr (the tables go to stdout)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- command line and run directory


def parser(doc: str | None) -> argparse.ArgumentParser:
    """A parser with the options every benchmark takes: ``--db``, ``--county``, ``--chromium``, ``--keep``."""
    out = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    out.add_argument("--db", default=None, help=f"SQLite store URL (copied; default {DEFAULT_STORE}, "
                                                "built on first use)")
    out.add_argument("--county", default="330327")
    out.add_argument("--chromium", default=os.environ.get("GRIDMAP_CHROMIUM") or "/usr/bin/chromium")
    out.add_argument("--keep", action="store_true", help="keep data/bench/run-PID/ (store copy, logs)")
    return out


@contextlib.contextmanager
def run_dir(keep: bool) -> Iterator[Path]:
    """``data/bench/run-PID/``, removed at the end unless ``keep``; SIGTERM unwinds like Ctrl-C.

    Servers and browsers are opened in ``with`` blocks inside it, so they stop on any exit.
    """
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = REPO_ROOT / "data" / "bench" / f"run-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        yield workdir
    finally:
        if keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class Run:
    """One benchmark run: its directory, its copy of the store and the first commander's session."""

    workdir: Path
    url: str  # the copy's
    source_url: str
    built_s: float | None  # seconds it took to build the source; None when reused
    session: Session
    county: str
    started: float = field(default_factory=time.perf_counter)

    def towns(self) -> list[str]:
        """The county's towns, the one with the most micro-grids first (see :func:`pick_towns`)."""
        return pick_towns(self.session)

    def header(self, chromium: str | None, extra: str = "") -> str:
        """The report's first lines (see :func:`header`)."""
        return header(self.source_url, self.built_s, store_counts(self.session, self.county), chromium,
                      time.perf_counter() - self.started, extra)


@contextlib.contextmanager
def bench_run(args: argparse.Namespace, users: Sequence[str] = (USER,)) -> Iterator[Run]:
    """The run directory and the store copy with commanders ``users``, from the options of :func:`parser`."""
    with run_dir(args.keep) as workdir:
        started = time.perf_counter()
        url, source_url, built_s = prepare_store(args.db, args.county, workdir, users)
        yield Run(workdir, url, source_url, built_s, commander(url, users[0]), args.county, started)


# --------------------------------------------------------------------------- the store


def prepare_store(db: str | None, county: str, workdir: Path,
                  users: Sequence[str] = (USER,)) -> tuple[str, str, float | None]:
    """A private copy of the store with commander accounts ``users`` (password :data:`PASSWORD`).

    Returns (the copy's URL, the source URL, seconds it took to build the source, None if reused).
    """
    built_s: float | None = None
    if db is None:
        source = DEFAULT_STORE
        if not source.exists():
            source.parent.mkdir(parents=True, exist_ok=True)
            from gridmap.demo import load_demo

            log(f"building the county demo into {source} (once; a few minutes)")
            started = time.perf_counter()
            load_demo(open_store(f"sqlite:///{source}"), "county", seed=DEMO_SEED, today=DEMO_TODAY)
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
    system = Session.system(store, scope, actor="bench")
    for name in users:
        if store.account(name) is None:
            add_user(system, name, PASSWORD, role="commander", unit_code=f"{county}000000",
                     display_name=f"{name} commander")
    return url, source_url, built_s


def commander(url: str, username: str = USER) -> Session:
    """The session of the benchmark's commander ``username`` on the store at ``url``."""
    store = open_store(url)
    user = current_user(store, username)
    if user is None:
        raise SystemExit(f"no user {username} in {url}")
    return Session(store, user)


def store_counts(session: Session, county: str) -> dict[str, int]:
    """What the store holds, for the report's first line."""
    scope = Scope.county(county)
    return {"micro-grids": session.count("units", where={"level": "micro"}),
            **{name: session.store.count(name, scope) for name in ("issues", "inspections", "stations")}}


def pick_towns(session: Session) -> list[str]:
    """Towns by number of micro-grids, largest first (the drill-down target is the first clickable)."""
    plan = int(session.meta("plan_version") or 1)
    units = session.read("units", where={"plan_version": plan}, columns=["code", "level"])
    micro = units.loc[units["level"] == "micro", "code"].str[:9]
    towns = units.loc[units["level"] == "town", "code"]
    counts = micro.value_counts()
    return sorted(towns, key=lambda c: (-int(counts.get(c[:9], 0)), c))


def filter_cycle(today: dt.date) -> list[Filters]:
    """Distinct filter sets, as a commander clicks through them."""
    return [
        Filters(),
        Filters(categories=("sanitation", "traffic")),
        Filters.last_days(7, today),
        Filters(hazard_types=("flying_wire", "ebike_indoor_charging")),
        Filters(issue_statuses=("reported", "accepted", "dispatched", "in_progress", "returned")),
        Filters.last_days(90, today, categories=["fire_safety", "public_order", "dispute"]),
        Filters(hazard_statuses=("found", "rectifying", "overdue")),
    ]


# --------------------------------------------------------------------------- printing


def header(source_url: str, built_s: float | None, counts: dict[str, int], chromium: str | None,
           total_s: float, extra: str = "") -> str:
    """The report's first lines: the store, the versions, the machine, how long the run took."""
    import folium

    built = f"built by this run in {built_s:.0f} s, " if built_s is not None else ""
    versions = [f"python {platform.python_version()}", f"folium {folium.__version__}"]
    if chromium is not None:
        from importlib.metadata import version

        shown = subprocess.run([chromium, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        versions += [f"playwright {version('playwright')}", shown.splitlines()[0] if shown else chromium]
    return (f"store {source_url} ({built}copied): " + ", ".join(f"{n:,} {name}" for name, n in counts.items())
            + (f"; {extra}" if extra else "") + "\n"
            + ", ".join(versions) + f", {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            f"whole run {total_s:.0f} s\n")


def verdict(ok: bool) -> str:
    return "met" if ok else "**MISSED**"


def fmt_mb(n: float) -> str:
    return f"{n / MB:.2f}"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank ``p``-th percentile (p95 of 10 values is the largest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]
