"""Issue 9, item 6: any reload signed the user out (a wall screen died on F5).

A sign-in now survives a reload in a signed cookie (:func:`gridmap.auth.issue_token`);
these tests pin the token's checks on both backends (valid, expired, tampered, signed
with another key, revoked by a password change, a disabled account, signing out) and,
with AppTest, that a new browser session carrying the cookie is signed in again, while
a forged or signed-out one is not. The browser round trip (sign in, reload, still
signed in; a deep link kept through the sign-in) is in
``tests/browser/test_reload_keeps_sign_in.py``.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import Role
from gridmap.settings import load_settings
from gridmap.store import open_store
from gridmap.store.base import AuditFilter, Store, now
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.store_fixtures import G1, SCOPE, tiny_units

SECRET = b"k" * 32
POLICY = auth.SessionPolicy(idle_minutes=30, max_hours=12)


@pytest.fixture
def accounts(store: Store) -> Store:
    """The tiny county with an admin and a grid worker."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    system = Session.system(store, SCOPE)
    auth.add_user(system, "admin", TEST_PASSWORD, role=Role.ADMIN, unit_code="330327000000")
    auth.add_user(system, "worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)
    return store


def token_for(user: str = "worker", *, minutes_ago: float = 0, seen_minutes_ago: float = 0,
              keep: bool = False) -> auth.SessionToken:
    """A token of a sign-in ``minutes_ago``, last active ``seen_minutes_ago``."""
    at = now()
    return auth.SessionToken(user, auth.new_session_id(), at - dt.timedelta(minutes=minutes_ago),
                             at - dt.timedelta(minutes=seen_minutes_ago), keep)


def test_a_valid_token_signs_in_again_and_is_audited(accounts: Store) -> None:
    token = token_for()
    value = auth.issue_token(SECRET, token)
    ms = {"signed_in_at": token.signed_in_at, "seen_at": token.seen_at}
    assert auth.read_token(SECRET, value) == dataclasses.replace(
        token, **{k: v.replace(microsecond=v.microsecond // 1000 * 1000) for k, v in ms.items()})
    assert TEST_PASSWORD not in value and "argon2" not in value
    result = auth.resume_session(accounts, SECRET, value, now(), POLICY)
    assert result.ok and result.user is not None and result.user.username == "worker"
    log = accounts.audit_log(SCOPE, filters=AuditFilter(action="sign_in_token", actor="worker"))
    assert len(log) == 1 and token.sid in str(log["after"].iloc[0])


@pytest.mark.parametrize(("minutes_ago", "seen_minutes_ago", "keep", "reason"), [
    (31, 31, False, "auth.expired_idle"),
    (12 * 60 + 1, 1, False, "auth.expired_max"),
    (12 * 60 + 1, 12 * 60, True, "auth.expired_max"),
], ids=["idle", "max", "keep-max"])
def test_an_expired_token_is_refused(accounts: Store, minutes_ago: float, seen_minutes_ago: float, keep: bool,
                                     reason: str) -> None:
    token = token_for(minutes_ago=minutes_ago, seen_minutes_ago=seen_minutes_ago, keep=keep)
    result = auth.resume_session(accounts, SECRET, auth.issue_token(SECRET, token), now(), POLICY)
    assert not result.ok and result.reason == reason
    assert not accounts.audit_log(SCOPE, filters=AuditFilter(action="sign_in_refused", actor="worker")).empty


def test_keep_signed_in_has_no_idle_expiry(accounts: Store) -> None:
    token = auth.SessionToken("worker", auth.new_session_id(), now(), now(), keep=True)
    later = now() + dt.timedelta(hours=3)  # three idle hours on a wall screen
    assert auth.resume_session(accounts, SECRET, auth.issue_token(SECRET, token), later, POLICY).ok
    plain = dataclasses.replace(token, keep=False)
    assert auth.resume_session(accounts, SECRET, auth.issue_token(SECRET, plain), later, POLICY).reason == \
        "auth.expired_idle"


def _tampered(value: str, **changes: object) -> str:
    version, payload, signature = value.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(changes)
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{version}.{forged}.{signature}"


def test_a_tampered_or_foreign_token_is_refused(accounts: Store) -> None:
    value = auth.issue_token(SECRET, auth.SessionToken("worker", "s1", now(), now()))
    forged = [
        _tampered(value, u="admin"),  # another user under the worker's signature
        _tampered(value, k=True),  # "keep signed in" added afterwards
        value[:-2] + ("AA" if not value.endswith("AA") else "BB"),  # a changed signature
        auth.issue_token(b"another key" * 3, auth.SessionToken("admin", "s2", now(), now())),
        "", "garbage", "v1..", "v2." + value[3:], "v1.%%%.%%%", "x" * 5000,
    ]
    for bad in forged:
        assert auth.read_token(SECRET, bad) is None, bad
        result = auth.resume_session(accounts, SECRET, bad, now(), POLICY)
        assert not result.ok and result.reason == "auth.token_invalid"
    assert accounts.audit_log(SCOPE, filters=AuditFilter(action="sign_in_token")).empty


def test_a_password_change_or_disabling_revokes_the_token(accounts: Store) -> None:
    admin = Session(accounts, auth.current_user(accounts, "admin"))  # type: ignore[arg-type]
    value = auth.issue_token(SECRET, auth.SessionToken("worker", "s1", now(), now()))
    assert auth.resume_session(accounts, SECRET, value, now(), POLICY).ok
    time.sleep(1.05)  # SQLite keeps password_set_at in whole seconds
    auth.set_password(admin, "worker", "a new pass-phrase 2")
    assert auth.resume_session(accounts, SECRET, value, now(), POLICY).reason == "auth.password_changed"

    value = auth.issue_token(SECRET, auth.SessionToken("worker", "s2", now(), now()))
    assert auth.resume_session(accounts, SECRET, value, now(), POLICY).ok
    auth.disable_user(admin, "worker")
    assert auth.resume_session(accounts, SECRET, value, now(), POLICY).reason == "auth.disabled"


def test_signing_out_revokes_that_session_only(accounts: Store) -> None:
    first = auth.issue_token(SECRET, auth.SessionToken("worker", "s1", now(), now()))
    second = auth.issue_token(SECRET, auth.SessionToken("worker", "s2", now(), now()))
    auth.revoke_session(accounts, "worker", "s1", now(), POLICY)
    assert auth.resume_session(accounts, SECRET, first, now(), POLICY).reason == "auth.token_revoked"
    assert auth.resume_session(accounts, SECRET, second, now(), POLICY).ok
    assert not accounts.audit_log(SCOPE, filters=AuditFilter(action="sign_out", actor="worker")).empty
    # a live session signed out in another tab ends at its next click
    assert auth.session_problem(accounts, "worker", now(), now(), now(), POLICY, sid="s1") == "auth.token_revoked"
    # the list of signed-out ids forgets those that have expired anyway
    auth.revoke_session(accounts, "worker", "s3", now() + dt.timedelta(hours=13), POLICY)
    kept = json.loads(accounts.get_meta("330327", auth.REVOKED_META_PREFIX + "worker") or "{}")
    assert sorted(kept) == ["s3"]


def test_the_secret_is_kept_in_the_data_directory_not_the_store(tmp_path: Path) -> None:
    settings = load_settings({"GRIDMAP_DATA": str(tmp_path)})
    key = auth.session_secret(settings)
    assert len(key) == 32 and auth.session_secret(settings) == key
    path = tmp_path / auth.SECRET_FILE
    assert path.stat().st_mode & 0o077 == 0  # readable by the server's user only
    assert auth.session_secret(load_settings({"GRIDMAP_SECRET": "s" * 40})) == b"s" * 40


# --------------------------------------------------------------------------- AppTest

APP = str(REPO_ROOT / "app.py")


def _app_with_cookie(monkeypatch: pytest.MonkeyPatch, db_url: str, data: Path, cookie: str | None) -> AppTest:
    """A fresh browser session (a reload) whose first request carried ``cookie``."""
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    monkeypatch.setenv("GRIDMAP_DATA", str(data))
    monkeypatch.setattr("gridmap.ui.auth.browser_cookie", lambda: cookie)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_reload_with_the_cookie_stays_signed_in(monkeypatch: pytest.MonkeyPatch, overview_db_url: str,
                                                  tmp_path: Path) -> None:
    secret = auth.session_secret(load_settings({"GRIDMAP_DATA": str(tmp_path)}))
    good = auth.issue_token(secret, auth.SessionToken("admin", "sid-1", now(), now()))
    at = _app_with_cookie(monkeypatch, overview_db_url, tmp_path, good)
    assert [b.label for b in at.sidebar.button] == ["退出登录"], "a reload signed the user out"
    assert "登录网格一张图" not in [e.value for e in at.title]

    at = _app_with_cookie(monkeypatch, overview_db_url, tmp_path, _tampered(good, u="worker"))
    assert [e.value for e in at.title] == ["登录网格一张图"]

    with open_store(overview_db_url) as store:
        auth.revoke_session(store, "admin", "sid-1", now(), POLICY)
    at = _app_with_cookie(monkeypatch, overview_db_url, tmp_path, good)
    assert [e.value for e in at.title] == ["登录网格一张图"]
    assert any("已在别处退出" in w.value for w in at.warning)
