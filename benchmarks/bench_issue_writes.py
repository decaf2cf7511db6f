"""A report's write and twenty writers at once, with issue 12's targets (the loop's first step).

Run::

    python -m gridmap bench issue_writes [--pg postgresql://postgres@127.0.0.1:5432/SCRATCH]
        [--writers 1,20] [--reports 200] [--backends sqlite,postgis] [--keep]

The machinery and the options are :mod:`benchmarks.bench_writes`'s (issue 8; its
:func:`~benchmarks.bench_writes.add_arguments` and :func:`~benchmarks.bench_writes.run_all`;
this file adds issue 12's header and verdicts): a fresh small demo store per
backend and writer count; that many processes, each a grid worker of its own grid, file
``--reports`` reports one after another through :func:`gridmap.workflow.report_issue` --
the whole write of a report: placed on its micro-grid and every ancestor on the server,
routed to its category's department, due by its category's deadline, its first history
row, and the audit rows, in one transaction. Each call is timed in the writer; the store
is counted afterwards (reports kept, history rows, audit rows).

Targets (issue 12): one writer p95 <= 20 ms on SQLite; twenty writers x 200 reports on
both backends: 0 lost, 0 errors, and the p95 reported (issue 8's 250 ms shown beside it).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_writes import ONE_WRITER_P95_MS, Result, add_arguments, first_errors, run_all, table
from benchmarks.common import parser


def verdicts(results: list[Result]) -> list[str]:
    """Issue 12's targets, met or missed, with the numbers."""
    out = []
    for r in results:
        lost = r.reports - r.kept
        complete = lost == 0 and not r.errors and r.events == r.reports and r.audit_rows == 2 * r.reports
        out.append(f"- {r.backend}, {r.writers} writer(s) x {r.reports // max(r.writers, 1)}: {lost} lost, "
                   f"{len(r.errors)} errors, one history row and two audit rows each: "
                   f"{'met' if complete else 'MISSED'}; p95 {r.quantile(0.95):.1f} ms")
        if r.writers == 1 and r.backend == "sqlite":
            p95 = r.quantile(0.95)
            out.append(f"- sqlite, one report's write: p95 {p95:.1f} ms (target <= {ONE_WRITER_P95_MS:.0f} ms): "
                       f"{'met' if p95 <= ONE_WRITER_P95_MS else 'MISSED'}")
    return out


def main() -> int:
    args_parser = parser(__doc__)
    add_arguments(args_parser)
    args = args_parser.parse_args()
    started = time.perf_counter()
    results = run_all(args)
    load = os.getloadavg()
    print(f"# bench_issue_writes: {args.reports} reports per writer through gridmap.workflow.report_issue "
          f"(placing, routing, deadline, history, audit), small demo county; {os.cpu_count()} CPUs, "
          f"load average {load[0]:.1f} at the end; {time.perf_counter() - started:.0f} s in all\n")
    print(table(results))
    print()
    print("\n".join(verdicts(results)))
    if first_errors(results):
        print(first_errors(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
