"""Regression (issue 8, defect 12): sign-in attempts were missing from the audit trail.

Attempts on a locked account and every attempt with an unknown user name left no
audit row (the README says every attempt is there), and the unknown-name counter
lived in one process's memory, so two app processes counted separately. Now every
attempt is audited in the county it concerns, and unknown names are counted in the
store's ``sign_in_throttle`` layer. Both backends.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap

import geopandas as gpd
import pytest

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import Role, Scope
from gridmap.store.base import Store
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.store_fixtures import G1, SCOPE, tiny_units

T0 = dt.datetime(2026, 11, 23, 9, 0)
LATER = T0 + dt.timedelta(minutes=1)


@pytest.fixture
def accounts(store: Store) -> Store:
    """The tiny county with two grid workers, ``worker`` and ``other``."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    system = Session.system(store, SCOPE)
    for name in ("worker", "other"):
        auth.add_user(system, name, TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)
    return store


def _attempts(store: Store, scope: Scope = SCOPE) -> list[tuple[str, str, str, object]]:
    """(action, layer, target, reason or failures) of each sign-in audit row, oldest first."""
    log = store.audit_log(scope, limit=1000)
    out = []
    for r in log.iloc[::-1].itertuples():
        if str(r.action).startswith("sign_in"):
            after = (json.loads(r.after) if isinstance(r.after, str) else r.after) or {}
            out.append((str(r.action), str(r.layer), str(r.target), after.get("reason", after.get("failures"))))
    return out


def test_every_kind_of_attempt_is_audited(accounts: Store) -> None:
    assert auth.sign_in(accounts, "worker", TEST_PASSWORD, clock=lambda: T0).ok
    assert auth.sign_in(accounts, "worker", "wrong-pass-1", clock=lambda: T0).reason == "auth.bad_credentials"
    assert auth.sign_in(accounts, "nobody-here", "wrong-pass-1", clock=lambda: T0).reason == "auth.bad_credentials"
    admin = Session.system(accounts, SCOPE)
    auth.disable_user(admin, "other")
    assert auth.sign_in(accounts, "other", TEST_PASSWORD, clock=lambda: T0).reason == "auth.disabled"
    assert auth.sign_in(accounts, "other", "wrong-pass-1", clock=lambda: T0).reason == "auth.bad_credentials"
    assert _attempts(accounts) == [
        ("sign_in", "users", "worker", None),
        ("sign_in_failed", "users", "worker", 1),
        ("sign_in_failed", "sign_in_throttle", "nobody-here", 1),
        ("sign_in_refused", "users", "other", "disabled"),
        ("sign_in_failed", "users", "other", 1),
    ]


def test_attempts_on_a_locked_account_or_name_are_audited(accounts: Store) -> None:
    for name in ("worker", "nobody-here"):
        for i in range(auth.MAX_FAILURES):
            auth.sign_in(accounts, name, f"wrong-{i}-pass", clock=lambda: T0)
        locked = auth.sign_in(accounts, name, TEST_PASSWORD, clock=lambda: LATER)
        assert locked.reason == "auth.locked"
    attempts = _attempts(accounts)
    assert attempts.count(("sign_in_refused", "users", "worker", "locked")) == 1
    assert attempts.count(("sign_in_refused", "sign_in_throttle", "nobody-here", "locked")) == 1
    for layer_name, name in (("users", "worker"), ("sign_in_throttle", "nobody-here")):
        failed = [a for a in attempts if a[:3] == ("sign_in_failed", layer_name, name)]
        assert [a[3] for a in failed] == list(range(1, auth.MAX_FAILURES + 1))


def test_unknown_name_counter_is_shared_between_app_processes(accounts: Store) -> None:
    """Three failures in another process and two here lock the name (5 in all)."""
    child = textwrap.dedent(f"""
        from gridmap import auth
        from gridmap.store import open_store
        with open_store({accounts.url!r}) as store:
            for i in range(3):
                print(auth.sign_in(store, "ghost-user", f"wrong-{{i}}-pass").reason)
    """)
    done = subprocess.run([sys.executable, "-c", child], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["auth.bad_credentials"] * 3
    assert auth.sign_in(accounts, "ghost-user", "wrong-3-pass").reason == "auth.bad_credentials"
    assert auth.sign_in(accounts, "ghost-user", "wrong-4-pass").reason == "auth.locked"
    assert auth.sign_in(accounts, "ghost-user", "wrong-5-pass").reason == "auth.locked"


def _second_county(code: str) -> gpd.GeoDataFrame:
    units = tiny_units()
    for column in ("code", "parent_code", "id"):
        units[column] = units[column].str.replace("330327", code, n=1)
    return units


def test_unknown_names_in_a_store_of_several_counties_use_the_fallback_county(accounts: Store) -> None:
    with accounts.transaction("seed", Scope.county("330328")) as tx:
        tx.insert("units", _second_county("330328"))
    assert auth.sign_in(accounts, "nobody-here", "wrong-pass-1", clock=lambda: T0).reason == "auth.bad_credentials"
    fallback = Scope.county(auth.UNKNOWN_NAME_COUNTY)
    assert _attempts(accounts, fallback) == [("sign_in_failed", "sign_in_throttle", "nobody-here", 1)]
    assert _attempts(accounts, SCOPE) == [] and _attempts(accounts, Scope.county("330328")) == []
    # A known name is still audited in its own county.
    auth.sign_in(accounts, "worker", "wrong-pass-1", clock=lambda: T0)
    assert _attempts(accounts, SCOPE) == [("sign_in_failed", "users", "worker", 1)]


def test_an_attempt_on_an_empty_store_is_audited_and_raises_nothing(store: Store) -> None:
    assert auth.sign_in(store, "admin", "wrong-pass-1", clock=lambda: T0).reason == "auth.bad_credentials"
    fallback = Scope.county(auth.UNKNOWN_NAME_COUNTY)
    assert _attempts(store, fallback) == [("sign_in_failed", "sign_in_throttle", "admin", 1)]


def test_the_throttle_of_an_unknown_name_starts_again_after_a_quiet_day(accounts: Store) -> None:
    for i in range(auth.MAX_FAILURES - 1):
        auth.sign_in(accounts, "ghost-user", f"wrong-{i}-pass", clock=lambda: T0)
    next_day = T0 + auth.THROTTLE_FORGET_AFTER + dt.timedelta(minutes=1)
    assert auth.sign_in(accounts, "ghost-user", "wrong-x-pass", clock=lambda: next_day).reason \
        == "auth.bad_credentials"
    row = accounts.read("sign_in_throttle", SCOPE, where={"id": "ghost-user"})
    assert row["failures"].tolist() == [1]


def test_stale_throttle_rows_are_removed_as_new_names_arrive(accounts: Store) -> None:
    """The layer does not grow without bound: each new name clears rows quiet for a day."""
    old = [f"old-name-{i}" for i in range(auth.THROTTLE_SWEEP + 2)]
    for name in old:
        auth.sign_in(accounts, name, "wrong-pass-1", clock=lambda: T0)
    recent = T0 + auth.THROTTLE_FORGET_AFTER - dt.timedelta(hours=1)
    auth.sign_in(accounts, "recent-name", "wrong-pass-1", clock=lambda: recent)
    assert len(accounts.read("sign_in_throttle", SCOPE)) == len(old) + 1
    next_day = T0 + auth.THROTTLE_FORGET_AFTER + dt.timedelta(minutes=1)
    auth.sign_in(accounts, "new-name", "wrong-pass-1", clock=lambda: next_day)
    left = set(accounts.read("sign_in_throttle", SCOPE)["id"])
    assert left == {*old[auth.THROTTLE_SWEEP:], "recent-name", "new-name"}  # the oldest went first
    auth.sign_in(accounts, "another-name", "wrong-pass-1", clock=lambda: next_day)
    left = set(accounts.read("sign_in_throttle", SCOPE)["id"])
    assert left == {"recent-name", "new-name", "another-name"}  # failed less than a day ago: kept
