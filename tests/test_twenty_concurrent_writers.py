"""Twenty writers at once keep every report, with no error (issue 8, defect 14).

Twenty processes (processes, not threads: on SQLite each has its own file handle and
lock, as twenty app servers would) each file :data:`REPORTS` issues through the public
write path, :func:`gridmap.workflow.report_issue`. Every report must be kept, with its
history row and its two audit rows, and none may fail.

SQLite runs with a 3 s busy timeout rather than 30 s: before the fix the lock queue was
unfair (SQLite's busy handler sleeps up to 100 ms between tries, so some writers waited
20-30 s while others went on writing) and a shorter timeout turned that into
"database is locked" errors. Writers now wait their turn on a lock file in the kernel.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from typing import Any

from gridmap.access import Session, User
from gridmap.domain import Role
from gridmap.store import Store
from gridmap.store.base import AuditFilter
from tests.store_fixtures import G1, SCOPE

WRITERS = 20
REPORTS = 15
BUSY_TIMEOUT_MS = 3000


def _open(backend: str, url: str) -> Store:
    if backend == "sqlite":
        from gridmap.store.sqlite import SqliteStore

        return SqliteStore(url, busy_timeout_ms=BUSY_TIMEOUT_MS)
    from gridmap.store import open_store

    return open_store(url, migrate=False)


def _writer(backend: str, url: str, number: int, barrier: Any, results: Any) -> None:
    from gridmap.workflow import report_issue

    store = _open(backend, url)
    session = Session(store, User(f"writer{number:02d}", Role.GRID_WORKER, G1, f"写入者{number}"))
    errors: list[str] = []
    slowest = 0.0
    barrier.wait()
    for i in range(REPORTS):
        started = time.perf_counter()
        try:
            report_issue(session, category="sanitation", lon=120.405, lat=27.515, description=f"w{number} r{i}")
        except Exception as exc:  # the test counts them
            errors.append(f"{type(exc).__name__}: {exc}")
        slowest = max(slowest, time.perf_counter() - started)
    store.close()
    results.put((errors, slowest))


def test_twenty_writer_processes_keep_every_report_without_error(tiny_store: Store) -> None:
    before = tiny_store.count("issues", SCOPE)
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(WRITERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(tiny_store.backend, tiny_store.url, n, barrier, results))
             for n in range(WRITERS)]
    for proc in procs:
        proc.start()
    outcome = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    errors = [e for errs, _ in outcome for e in errs]
    slowest = max(s for _, s in outcome)
    assert not errors, f"{len(errors)} of {WRITERS * REPORTS} reports failed, e.g. {errors[:3]}"
    assert tiny_store.count("issues", SCOPE) == before + WRITERS * REPORTS
    filed = tiny_store.read("issues", SCOPE, where={"reporter": [f"写入者{n}" for n in range(WRITERS)]},
                            columns=["id"])
    assert len(filed) == WRITERS * REPORTS
    assert tiny_store.count("issue_events", SCOPE, where={"issue_id": filed["id"].tolist()}) == WRITERS * REPORTS
    audit = tiny_store.audit_log(SCOPE, limit=10_000, filters=AuditFilter(action="insert"))
    writers = audit[audit["actor"].str.startswith("writer")]
    assert len(writers) == 2 * WRITERS * REPORTS  # the issue and its history row, one audit row each
    assert sorted(writers["layer"].unique()) == ["issue_events", "issues"]
    assert slowest < BUSY_TIMEOUT_MS / 1000, f"a report waited {slowest:.1f} s"
