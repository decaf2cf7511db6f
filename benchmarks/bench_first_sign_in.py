"""What the first commander waits after the server starts, against the next one (cold vs warm).

Run::

    python -m gridmap bench first_sign_in [--db sqlite:///FILE] [--county 330327] [--starts 3]
        [--waits 0,10] [--chromium /usr/bin/chromium] [--keep]

On a copy of the county store (see :mod:`benchmarks.common`), ``--starts`` times for each
pause in ``--waits``: start a new ``streamlit run app.py``; as soon as ``/_stcore/health``
answers, a first commander opens the app (fresh browser context) and fills the form, pauses
that many seconds (0: a script; 10: a person typing a name and password), and clicks 登录;
then a second commander does the same on the now warm server, without the pause. Each wait
is click -> map ready, clocked in the page (:mod:`benchmarks.sign_in_timing`). Also printed:
process start -> health answered, and open the app -> sign-in form drawn (the first visitor
runs the app's imports).

A warm-up of the shared snapshot at start-up shows as the first commander's wait coming down
to the second's once the pause is longer than the warm-up. Nothing is judged against a
target: the numbers are printed.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PAGE_TIMEOUT_MS,
    PASSWORD,
    USER,
    bench_run,
    log,
    median,
    parser,
)
from benchmarks.sign_in_timing import Wait, click_together, close, collect, open_visitors
from tests.harness import StreamlitServer, launch_chromium


@dataclass
class Start:
    """One server start: its start-up time and what the first and the second commander waited."""

    pause_s: float
    health_s: float
    first: Wait
    second: Wait
    first_cpu_s: float  # CPU the server used from the first commander's click to the map
    second_cpu_s: float


def one_sign_in(browser: object, app: StreamlitServer, pause_s: float) -> tuple[Wait, float]:
    """A fresh commander opens the app, fills the form, pauses ``pause_s`` and clicks 登录.

    Returns the wait and the CPU seconds the server used from just before the click until the map.
    """
    visitors = open_visitors(browser, app.base_url, [USER], PASSWORD, PAGE_TIMEOUT_MS)
    try:
        time.sleep(pause_s)
        cpu = app.cpu_s()
        at = click_together(visitors, lead_s=0.2)
        wait = collect(visitors, at, PAGE_TIMEOUT_MS / 1000)[0]
        return wait, app.cpu_s() - cpu
    finally:
        close(visitors)


def main(argv: list[str] | None = None) -> int:
    args_parser = parser(__doc__)
    args_parser.add_argument("--starts", type=int, default=3, help="server starts per pause (default 3)")
    args_parser.add_argument("--waits", default="0,10",
                             help="seconds between the form drawn and the first click, comma-separated (default 0,10)")
    args = args_parser.parse_args(argv)
    pauses = [float(w) for w in args.waits.split(",") if w.strip()]
    from playwright.sync_api import sync_playwright

    with bench_run(args) as run:
        starts: list[Start] = []
        with sync_playwright() as manager:
            browser = launch_chromium(manager, args.chromium)
            for pause in pauses:
                for i in range(args.starts):
                    log(f"server start {i + 1} of {args.starts}, first click {pause:g} s after the form")
                    with StreamlitServer(run.url, run.workdir, {"GRIDMAP_LIVE_SECONDS": "3600"}) as app:
                        assert app.healthy_at is not None and app.started_at is not None
                        first, first_cpu = one_sign_in(browser, app, pause)
                        second, second_cpu = one_sign_in(browser, app, 0.0)
                        starts.append(Start(pause, app.healthy_at - app.started_at, first, second, first_cpu,
                                            second_cpu))
                        errors = app.errors()
                        if errors:
                            log(f"server logged {len(errors)} traceback(s): {errors[0]!r}")
            browser.close()
        print(run.header(args.chromium))
        report(starts, pauses)
    return 0


def report(starts: list[Start], pauses: list[float]) -> None:
    def med(values: list[float | None]) -> str:
        known = [v for v in values if v is not None]
        return f"{median(known):.2f}" if known else "—"

    print("Click on 登录 -> map ready (clocked in the page), median over the server starts, seconds.\n")
    print("| first click, after the form was drawn | server starts | first commander (cold) "
          "| second commander (warm) | first - second | server CPU s, first / second "
          "| process start -> health | open app -> form, first / second |")
    print("|---|---:|---:|---:|---:|---|---:|---|")
    for pause in pauses:
        these = [s for s in starts if s.pause_s == pause]
        diffs = [s.first.ready_s - s.second.ready_s for s in these
                 if s.first.ready_s is not None and s.second.ready_s is not None]
        print(f"| {pause:g} s | {len(these)} | {med([s.first.ready_s for s in these])} "
              f"| {med([s.second.ready_s for s in these])} | {med(list(diffs))} "
              f"| {med([s.first_cpu_s for s in these])} / {med([s.second_cpu_s for s in these])} "
              f"| {med([s.health_s for s in these])} | {med([s.first.form_s for s in these])} / "
              f"{med([s.second.form_s for s in these])} |")
    print()
    for s in starts:
        line = (f"- pause {s.pause_s:g} s: health {s.health_s:.1f} s; server CPU {s.first_cpu_s:.1f} / "
                f"{s.second_cpu_s:.1f} s; first "
                + (f"{s.first.ready_s:.2f} s" if s.first.ready_s is not None else f"FAILED ({s.first.problem})")
                + ", second "
                + (f"{s.second.ready_s:.2f} s" if s.second.ready_s is not None else f"FAILED ({s.second.problem})"))
        print(line)


if __name__ == "__main__":
    raise SystemExit(main())
