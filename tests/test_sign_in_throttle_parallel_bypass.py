"""Regression (issue 8, defect 10): parallel guesses bypassed the sign-in throttle.

``sign_in`` read the failure counter before its write transaction and wrote old + 1:
20 parallel wrong guesses left ``failed_logins`` at 1, and bursts of 10 gave 40 guesses
before the lock. Now each attempt is counted inside a transaction that re-reads the
row under a lock *before* the password is checked, so the lock comes after exactly
:data:`~gridmap.auth.MAX_FAILURES` attempts and no attempt beyond them even reaches
argon2. Both backends; unknown user names the same (their counter is in the store).
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from gridmap import auth
from gridmap.store.base import AuditFilter, Store
from tests.conftest import TEST_PASSWORD
from tests.store_fixtures import SCOPE

T0 = dt.datetime(2026, 11, 23, 9, 0)
THREADS = 20


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How many passwords were checked with argon2: ``"account"`` hashes and ``"dummy"``."""
    calls: collections.Counter[str] = collections.Counter()
    real = auth.verify_password
    lock = threading.Lock()

    def counting(password_hash: str, password: str) -> bool:
        with lock:
            calls["dummy" if password_hash == auth._DUMMY_HASH else "account"] += 1
        return real(password_hash, password)

    monkeypatch.setattr(auth, "verify_password", counting)
    return calls


def _at_once(n: int, attempt: Callable[[int], auth.SignIn]) -> list[auth.SignIn]:
    """``attempt(i)`` for i in 0..n-1, all released at the same moment."""
    barrier = threading.Barrier(n)

    def run(i: int) -> auth.SignIn:
        barrier.wait()
        return attempt(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def _reasons(results: list[auth.SignIn]) -> collections.Counter[str | None]:
    return collections.Counter(r.reason for r in results)


def test_parallel_wrong_passwords_lock_after_exactly_max_failures(
        worker_store: Store, checked: collections.Counter[str]) -> None:
    results = _at_once(THREADS, lambda i: auth.sign_in(worker_store, "worker", f"wrong-{i}-pass",
                                                       clock=lambda: T0))
    row = worker_store.account("worker")
    assert row is not None
    until = T0 + dt.timedelta(minutes=auth.LOCK_MINUTES)
    assert row["failed_logins"] == auth.MAX_FAILURES
    assert row["locked_until"] == until
    assert checked["account"] == auth.MAX_FAILURES  # the other 15 never reached argon2
    # The first four are told "wrong", the fifth and every later one "locked until 09:15".
    assert _reasons(results) == {"auth.bad_credentials": auth.MAX_FAILURES - 1,
                                 "auth.locked": THREADS - auth.MAX_FAILURES + 1}
    assert {r.until for r in results if r.reason == "auth.locked"} == {until}
    # And the right password is refused while the lock lasts, again without a check.
    late = auth.sign_in(worker_store, "worker", TEST_PASSWORD, clock=lambda: T0 + dt.timedelta(minutes=1))
    assert late.reason == "auth.locked" and checked["account"] == auth.MAX_FAILURES


def test_parallel_wrong_passwords_below_the_limit_are_each_counted(
        worker_store: Store, checked: collections.Counter[str]) -> None:
    n = auth.MAX_FAILURES - 1
    results = _at_once(n, lambda i: auth.sign_in(worker_store, "worker", f"wrong-{i}-pass", clock=lambda: T0))
    row = worker_store.account("worker")
    assert row is not None and row["failed_logins"] == n and pd.isna(row["locked_until"])
    assert _reasons(results) == {"auth.bad_credentials": n}
    assert checked["account"] == n
    # One more (a fifth) locks it.
    assert auth.sign_in(worker_store, "worker", "wrong-5-pass", clock=lambda: T0).reason == "auth.locked"


def test_parallel_guesses_are_each_audited(worker_store: Store) -> None:
    _at_once(THREADS, lambda i: auth.sign_in(worker_store, "worker", f"wrong-{i}-pass", clock=lambda: T0))

    def count(action: str) -> int:
        log = worker_store.audit_log(SCOPE, limit=1000, filters=AuditFilter(action=action, actor="worker"))
        return int((log["target"] == "worker").sum())

    assert count("sign_in_failed") == auth.MAX_FAILURES
    assert count("sign_in_refused") == THREADS - auth.MAX_FAILURES


def test_parallel_guesses_of_an_unknown_name_are_throttled_the_same(
        worker_store: Store, checked: collections.Counter[str]) -> None:
    known = _at_once(THREADS, lambda i: auth.sign_in(worker_store, "worker", f"wrong-{i}-pass",
                                                     clock=lambda: T0))
    unknown = _at_once(THREADS, lambda i: auth.sign_in(worker_store, "ghost-user", f"wrong-{i}-pass",
                                                       clock=lambda: T0))
    assert _reasons(unknown) == _reasons(known)  # same answers: the name's existence does not show
    assert checked["dummy"] == auth.MAX_FAILURES
    throttle = worker_store.read("sign_in_throttle", SCOPE, where={"id": "ghost-user"})
    assert len(throttle) == 1
    assert throttle["failures"].iloc[0] == auth.MAX_FAILURES
    assert throttle["locked_until"].iloc[0] == T0 + dt.timedelta(minutes=auth.LOCK_MINUTES)
