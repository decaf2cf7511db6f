"""Accounts: hashing, sign-in and its throttle, session expiry, management, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from gridmap import auth
from gridmap.access import PermissionDenied, Session
from gridmap.domain import Role, Scope
from gridmap.store import open_store
from gridmap.store.base import AuditFilter, ScopeError, Store
from tests.conftest import TEST_PASSWORD, run_cli
from tests.store_fixtures import G1, G2, M1, SCOPE, tiny_units

T0 = dt.datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def accounts(store: Store) -> Store:
    """The tiny county with an admin (county) and a grid worker (G1)."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    system = Session.system(store, SCOPE)
    auth.add_user(system, "admin", TEST_PASSWORD, role=Role.ADMIN, unit_code="330327000000")
    auth.add_user(system, "worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1, display_name="王网格员")
    return store


def clock(at: dt.datetime):  # type: ignore[no-untyped-def]
    return lambda: at


def test_hash_is_argon2id_and_verifies() -> None:
    hashed = auth.hash_password("correct horse 1")
    assert hashed.startswith("$argon2id$")
    assert auth.verify_password(hashed, "correct horse 1")
    assert not auth.verify_password(hashed, "correct horse 2")
    assert not auth.verify_password("not a hash", "x")


@pytest.mark.parametrize(("password", "key"), [("short1", "auth.password_too_short"),
                                                ("onlyletterslong", "auth.password_too_simple"),
                                                ("12345678901", "auth.password_too_simple")])
def test_weak_passwords_are_refused(password: str, key: str) -> None:
    with pytest.raises(auth.AuthError) as caught:
        auth.hash_password(password)
    assert caught.value.key == key


def test_sign_in_succeeds_and_records_it(accounts: Store) -> None:
    result = auth.sign_in(accounts, "worker", TEST_PASSWORD, clock=clock(T0))
    assert result.ok and result.user is not None
    assert result.user.role == Role.GRID_WORKER and result.user.scope.prefix == G1
    row = accounts.account("worker")
    assert row is not None and row["last_login_at"] == T0
    assert not accounts.audit_log(SCOPE, filters=AuditFilter(action="sign_in", actor="worker")).empty


def test_wrong_name_and_wrong_password_look_the_same(accounts: Store) -> None:
    wrong_password = auth.sign_in(accounts, "worker", "nope-nope-1", clock=clock(T0))
    no_such_user = auth.sign_in(accounts, "nobody-here", "nope-nope-1", clock=clock(T0))
    assert wrong_password.reason == no_such_user.reason == "auth.bad_credentials"


def test_five_failures_lock_the_account_even_for_the_right_password(accounts: Store) -> None:
    for i in range(auth.MAX_FAILURES):
        result = auth.sign_in(accounts, "worker", f"wrong-{i}-pass", clock=clock(T0 + dt.timedelta(seconds=i)))
    assert result.reason == "auth.locked" and result.until is not None
    assert result.until >= T0 + dt.timedelta(minutes=auth.LOCK_MINUTES)
    locked = auth.sign_in(accounts, "worker", TEST_PASSWORD, clock=clock(T0 + dt.timedelta(minutes=1)))
    assert not locked.ok and locked.reason == "auth.locked"
    later = auth.sign_in(accounts, "worker", TEST_PASSWORD, clock=clock(result.until + dt.timedelta(seconds=1)))
    assert later.ok
    assert accounts.account("worker")["failed_logins"] == 0  # type: ignore[index]


def test_unknown_names_are_throttled_too(accounts: Store) -> None:
    results = [auth.sign_in(accounts, "ghost-user", "x-wrong-1", clock=clock(T0)) for _ in range(auth.MAX_FAILURES + 1)]
    assert results[-1].reason == "auth.locked"


def test_disabled_account_cannot_sign_in(accounts: Store) -> None:
    admin = Session(accounts, auth.current_user(accounts, "admin"))  # type: ignore[arg-type]
    auth.disable_user(admin, "worker")
    assert auth.sign_in(accounts, "worker", TEST_PASSWORD, clock=clock(T0)).reason == "auth.disabled"
    assert auth.current_user(accounts, "worker") is None
    with pytest.raises(auth.AuthError):
        auth.disable_user(admin, "admin")  # not yourself


def test_session_expiry_rules(accounts: Store) -> None:
    policy = auth.SessionPolicy(idle_minutes=30, max_hours=12)
    at = auth.now()
    assert auth.session_problem(accounts, "worker", at, at, at, policy) is None
    assert auth.session_problem(accounts, "worker", at, at, at + dt.timedelta(minutes=31), policy) == "auth.expired_idle"
    assert auth.session_problem(accounts, "worker", at - dt.timedelta(hours=13), at, at, policy) == "auth.expired_max"
    admin = Session(accounts, auth.current_user(accounts, "admin"))  # type: ignore[arg-type]
    signed_in = auth.now() - dt.timedelta(seconds=5)
    auth.set_password(admin, "worker", "brand-new-pass-2")
    assert auth.session_problem(accounts, "worker", signed_in, signed_in, auth.now(), policy) == "auth.password_changed"


def test_admin_manages_only_inside_their_jurisdiction(accounts: Store) -> None:
    system = Session.system(accounts, SCOPE)
    auth.add_user(system, "g1admin", TEST_PASSWORD, role=Role.ADMIN, unit_code=G1)
    g1admin = Session(accounts, auth.current_user(accounts, "g1admin"))  # type: ignore[arg-type]
    auth.add_user(g1admin, "m1worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=M1)
    with pytest.raises(ScopeError):
        auth.add_user(g1admin, "g2worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G2)
    with pytest.raises(ScopeError):
        auth.add_user(g1admin, "countyboss", TEST_PASSWORD, role=Role.ADMIN, unit_code="330327000000")
    assert set(auth.list_users(g1admin)["id"]) == {"worker", "g1admin", "m1worker"}
    with pytest.raises(auth.AuthError, match="已存在"):
        auth.add_user(system, "worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)
    worker = Session(accounts, auth.current_user(accounts, "worker"))  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied):
        auth.add_user(worker, "sneaky", TEST_PASSWORD, role=Role.ADMIN, unit_code=G1)


def test_password_hashes_never_reach_listings_or_the_audit_trail(accounts: Store) -> None:
    admin = Session(accounts, auth.current_user(accounts, "admin"))  # type: ignore[arg-type]
    assert "password_hash" not in auth.list_users(admin).columns
    auth.set_password(admin, "worker", "another-pass-3")
    log = accounts.audit_log(SCOPE, limit=1000)
    text = " ".join(str(v) for v in [*log["before"], *log["after"]])
    assert "$argon2" not in text
    assert '"password_hash": "***"' in text


def test_demo_passwords_are_detected_until_changed(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path}/d.db") as store:
        with store.transaction("seed", SCOPE) as tx:
            tx.insert("units", tiny_units())
        names = auth.create_demo_accounts(store, "330327")
        assert sorted(auth.demo_passwords_in_use(store)) == sorted(names)
        assert {r.value for r in Role} == {a.role.value for a in auth.DEMO_ACCOUNTS}
        admin = Session.system(store, SCOPE)
        auth.set_password(admin, "commander", "a-real-secret-9")
        assert "commander" not in auth.demo_passwords_in_use(store)
        assert auth.sign_in(store, "planner", "demo-planner-2026").ok


# --------------------------------------------------------------------------- CLI


def test_cli_users_add_list_set_password_disable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    with open_store(url) as store, store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    add = run_cli("users", "add", "li", "--role", "grid_worker", "--unit", G1, "--name", "李网格员",
                  "--password-stdin", "--db", url, stdin="first-pass-11\n")
    assert add.returncode == 0, add.stderr
    weak = run_cli("users", "add", "zhao", "--role", "admin", "--unit", "330327000000", "--password-stdin",
                   "--db", url, stdin="123\n")
    assert weak.returncode == 2 and "密码太短" in weak.stderr and "Traceback" not in weak.stderr
    listing = run_cli("users", "list", "--db", url)
    assert "li" in listing.stdout and "grid_worker" in listing.stdout and "李网格员" in listing.stdout
    assert "argon2" not in listing.stdout
    reset = run_cli("users", "set-password", "li", "--password-stdin", "--db", url, stdin="second-pass-22\n")
    assert reset.returncode == 0, reset.stderr
    disable = run_cli("users", "disable", "li", "--db", url)
    assert disable.returncode == 0 and "disabled" in disable.stdout
    with open_store(url) as store:
        assert auth.sign_in(store, "li", "second-pass-22").reason == "auth.disabled"


def test_cli_as_user_applies_role_and_jurisdiction(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/as.db"
    with open_store(url) as store:
        with store.transaction("seed", SCOPE) as tx:
            tx.insert("units", tiny_units())
        from tests.store_fixtures import tiny_issues

        with store.transaction("seed", SCOPE) as tx:
            tx.insert("issues", tiny_issues())
        system = Session.system(store, SCOPE)
        auth.add_user(system, "worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)
        auth.add_user(system, "boss", TEST_PASSWORD, role=Role.COMMANDER, unit_code="330327000000")
    # The grid worker may not export; the commander exports the whole county.
    denied = run_cli("export", "issues", "--format", "csv", "-o", str(tmp_path / "w.csv"), "--as", "worker",
                     "--db", url)
    assert denied.returncode == 2 and "may not export" in denied.stderr
    ok = run_cli("export", "issues", "--format", "csv", "-o", str(tmp_path / "c.csv"), "--as", "boss", "--db", url)
    assert ok.returncode == 0, ok.stderr
    assert "exported 3 rows" in ok.stdout
    info = run_cli("info", "--json", "--as", "worker", "--db", url)
    counts = json.loads(info.stdout)
    assert counts["layers"]["issues"] == 1  # i1 in M1 (G1); i2 is in G2, i3 outside every unit
    assert counts["layers"]["households"] == 0 and counts["layers"]["planted_hotspots"] is None
    nobody = run_cli("info", "--as", "nobody", "--db", url)
    assert nobody.returncode == 2 and "no such active user" in nobody.stderr


def test_scope_of_a_user_is_their_unit() -> None:
    user = auth.User("x", Role.INSPECTOR, G1)
    assert user.scope == Scope("330327", G1, "grid")
