"""Ten commanders signing in at once on one server: time to map ready and the server's memory.

Run::

    python -m gridmap bench load [--db sqlite:///FILE] [--county 330327] [--sessions 10]
        [--bursts 3] [--singles 5] [--live-seconds 3600] [--chromium /usr/bin/chromium] [--keep]

On a copy of the county store (see :mod:`benchmarks.common`) with ``--sessions`` commander
accounts (``bench01`` ...), one ``streamlit run app.py`` and one Chromium, in one run:

1. the first sign-in after the server started (the shared snapshot is loaded then, unless
   the app warms it up at start-up);
2. **one session**: ``--singles`` commanders one after the other, each alone on the server;
3. **N sessions at once**: ``--bursts`` times, ``--sessions`` fresh browser contexts (one
   Chromium) open the app and fill the form, then all click 登录 at the same instant.

Each wait is click -> map ready, clocked inside the page (:mod:`benchmarks.sign_in_timing`);
p50/p95 are nearest-rank over every session of a kind. Server memory: RSS (``VmRSS``) of the
server process and every process it started, sampled every 0.2 s; the peak while the
sessions sign in and the level once they have settled with every session still open, and
after they closed. ``--live-seconds`` (default 3600: no live tick during the run) is the
app's ``GRIDMAP_LIVE_SECONDS``. Nothing is judged against a target: the numbers are printed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PAGE_TIMEOUT_MS,
    PASSWORD,
    bench_run,
    log,
    median,
    parser,
    percentile,
)
from benchmarks.sign_in_timing import (
    Wait,
    click_together,
    close,
    collect,
    open_visitors,
    settle,
)
from tests.harness import StreamlitServer, children, launch_chromium, tree_cpu_s


class RssSampler:
    """The server tree's RSS every ``every_s`` in a thread; peaks and levels by phase."""

    def __init__(self, server: StreamlitServer, every_s: float = 0.2) -> None:
        self.server = server
        self.every_s = every_s
        self.samples: list[tuple[float, int]] = []  # (time.monotonic(), kB)
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            kb, n = self.server.rss_kb()
            self.samples.append((time.monotonic(), kb))
            self.processes = max(self.processes, n)
            self._stop.wait(self.every_s)

    def now_mb(self) -> float:
        """The RSS right now (MB)."""
        return self.server.rss_kb()[0] / 1024

    def peak_mb(self, since: float) -> float:
        """The highest RSS sampled since ``since`` (``time.monotonic()``), MB."""
        return max((kb for t, kb in self.samples if t >= since), default=0) / 1024


@dataclass
class Round:
    """Sessions that clicked 登录 together: their waits, and the server's memory around them (MB)."""

    waits: list[Wait]
    peak_mb: float  # while signing in
    settled_mb: float  # once settled, every session still open
    after_mb: float  # once their contexts were closed
    server_cpu_s: float  # CPU the server used from the click until every page settled
    browser_cpu_s: float  # ... and Chromium (with Playwright's driver)


@dataclass
class Phase:
    """One kind of sign-in over several rounds."""

    label: str
    rounds: list[Round]

    @property
    def waits(self) -> list[Wait]:
        return [w for r in self.rounds for w in r.waits]

    @property
    def ready(self) -> list[float]:
        return [w.ready_s for w in self.waits if w.ready_s is not None]

    @property
    def failed(self) -> list[Wait]:
        return [w for w in self.waits if w.ready_s is None]


def browser_cpu_s(server: StreamlitServer) -> float:
    """CPU seconds used so far by the processes this one started, but the server: Playwright and Chromium."""
    server_pid = server.proc.pid if server.proc is not None else None
    return sum(tree_cpu_s(pid) for pid in children(os.getpid()) if pid != server_pid)


def sign_in_round(browser: object, app: StreamlitServer, rss: RssSampler, users: list[str],
                  timeout_s: float) -> Round:
    """``users`` open the app, click 登录 together and wait for their maps."""
    visitors = open_visitors(browser, app.base_url, users, PASSWORD, PAGE_TIMEOUT_MS)
    try:
        since = time.monotonic()
        server_cpu, chromium_cpu = app.cpu_s(), browser_cpu_s(app)
        at = click_together(visitors)
        waits = collect(visitors, at, timeout_s)
        settle(visitors, PAGE_TIMEOUT_MS)
        server_cpu, chromium_cpu = app.cpu_s() - server_cpu, browser_cpu_s(app) - chromium_cpu
        peak, settled = rss.peak_mb(since), rss.now_mb()
    finally:
        close(visitors)
    time.sleep(2.0)  # let the server notice the closed websockets
    return Round(waits, peak, settled, rss.now_mb(), server_cpu, chromium_cpu)


def main(argv: list[str] | None = None) -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--sessions", type=int, default=10, help="commanders signing in at once (default 10)")
    args_parser.add_argument("--bursts", type=int, default=3, help="how many times they do (default 3)")
    args_parser.add_argument("--singles", type=int, default=5, help="commanders alone, one after the other")
    args_parser.add_argument("--live-seconds", default="3600", help="GRIDMAP_LIVE_SECONDS of the app")
    args_parser.add_argument("--timeout", type=float, default=300.0,
                             help="seconds after the click a map may take before it counts as failed (default 300)")
    args = args_parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    users = [f"bench{i:02d}" for i in range(1, args.sessions + 1)]
    with bench_run(args, users) as run:
        with sync_playwright() as manager:
            browser = launch_chromium(manager, args.chromium)
            with StreamlitServer(run.url, run.workdir, {"GRIDMAP_LIVE_SECONDS": args.live_seconds}) as app, \
                    RssSampler(app) as rss:
                time.sleep(1.0)
                idle_mb = rss.now_mb()
                log("the first sign-in after the server started")
                phases = [Phase("first sign-in after the server started", [sign_in_round(browser, app, rss,
                                                                                         users[:1], args.timeout)])]
                log(f"one session at a time, {args.singles} times")
                phases.append(Phase("1 session alone", [sign_in_round(browser, app, rss, [users[i % len(users)]], args.timeout)
                                                        for i in range(args.singles)]))
                rounds = []
                for i in range(args.bursts):
                    log(f"{args.sessions} sessions at once, burst {i + 1} of {args.bursts}")
                    rounds.append(sign_in_round(browser, app, rss, users, args.timeout))
                phases.append(Phase(f"{args.sessions} sessions at once", rounds))
                processes, errors = rss.processes, app.errors()
            browser.close()
        print(run.header(args.chromium, f"GRIDMAP_LIVE_SECONDS={args.live_seconds}"))
        report(phases, idle_mb, processes, errors, args.bursts)
    return 0


def report(phases: list[Phase], idle_mb: float, processes: int, errors: list[str], bursts: int) -> None:
    print("Time from the click on 登录 to the map ready (clocked in each page); server RSS = the "
          f"streamlit process and its children ({processes} process(es)), MB = 2^20 bytes.\n")
    print("| sign-in | sessions measured | map ready p50 s | p95 s | max s | failed | click -> map iframe p50 s "
          "| server RSS MB: peak while signing in | settled, sessions open (median) | after the last closed "
          "| CPU s per sign-in: server / browser |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for phase in phases:
        ready = phase.ready
        peak = max(r.peak_mb for r in phase.rounds)
        settled = median([r.settled_mb for r in phase.rounds])
        iframe = [w.iframe_s for w in phase.waits if w.iframe_s is not None]
        n = max(len(phase.waits), 1)
        server_cpu = sum(r.server_cpu_s for r in phase.rounds) / n
        browser_cpu = sum(r.browser_cpu_s for r in phase.rounds) / n
        print(f"| {phase.label} | {len(phase.waits)} | {median(ready):.2f} | {percentile(ready, 95):.2f} "
              f"| {max(ready, default=float('nan')):.2f} | {len(phase.failed)} | {median(iframe):.2f} | {peak:.0f} "
              f"| {settled:.0f} | {phase.rounds[-1].after_mb:.0f} | {server_cpu:.2f} / {browser_cpu:.2f} |")
    print(f"\n- server RSS when idle after start (no session yet): {idle_mb:.0f} MB")
    many = phases[-1]
    if bursts:
        print(f"- {many.label}: {bursts} burst(s); clicks fired within "
              f"{max(w.click_late_ms for w in many.waits):.0f} ms of the agreed instant; "
              f"page visibility {sorted({w.visibility for w in many.waits})}")
    alone = median(phases[1].ready)
    if alone == alone and many.ready:  # not NaN
        print(f"- p50 with {many.label} / alone: {median(many.ready) / alone:.1f}x; "
              f"p95: {percentile(many.ready, 95) / percentile(phases[1].ready, 95):.1f}x")
    for phase in phases:
        for wait in phase.failed:
            print(f"- FAILED ({phase.label}, {wait.user}): {wait.problem}")
    if errors:
        print(f"- server logged {len(errors)} traceback(s): {errors[0]!r}")


if __name__ == "__main__":
    raise SystemExit(main())
