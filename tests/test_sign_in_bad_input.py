"""Regressions (issue 8, defect 12): odd user names and long passwords at sign-in.

- A NUL byte in the user name made PostGIS raise an uncaught driver error (the
  generic error box; neither throttled nor audited). A name with a control character
  can never exist: it is now an unknown name (same answer, throttled, audited) on both
  backends; so is a name longer than any account's.
- A password over 256 characters was silently dropped by the form, which then asked
  for "a user name and a password". Pass-phrases up to
  :data:`~gridmap.auth.MAX_PASSWORD_LENGTH` characters work; a longer one is refused
  with a message that names the limit, and is never handed to argon2.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import threading
from typing import Literal

import argon2
import pytest
from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.access import Session
from gridmap.store.base import AuditFilter, Store
from gridmap.ui.auth import AUTH_KEY
from tests.conftest import REPO_ROOT, TEST_PASSWORD
from tests.store_fixtures import SCOPE

T0 = dt.datetime(2026, 11, 23, 9, 0)
PASSPHRASE = "我们的网格 我们的家 " * 30 + "2026"  # 334 characters
TIMEOUT_S = 60


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How many passwords reached argon2 (counted, then checked for real)."""
    calls: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    class CountingHasher(argon2.PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            with lock:
                calls["checked"] += 1
            return super().verify(hash, password)

    monkeypatch.setattr(auth, "_HASHER", CountingHasher())
    return calls


def _failed_targets(store: Store) -> list[str]:
    log = store.audit_log(SCOPE, limit=1000, filters=AuditFilter(action="sign_in_failed"))
    return [str(t) for t in log["target"]]


# --------------------------------------------------------------------------- user names


@pytest.mark.parametrize("name", ["work\x00er", "worker\x00", "\x00", "wor\x07ker", "wor\nker", "wor\x7fker"],
                         ids=["nul-inside", "nul-after", "only-nul", "bell", "newline", "delete"])
def test_control_characters_in_the_user_name_are_an_unknown_name(worker_store: Store, name: str) -> None:
    result = auth.sign_in(worker_store, name, TEST_PASSWORD, clock=lambda: T0)
    assert result.reason == "auth.bad_credentials"  # as for any unknown name; nothing raised
    targets = _failed_targets(worker_store)
    assert len(targets) == 1 and "\x00" not in targets[0]
    assert "U+" in targets[0]  # the invisible character is shown by its code in the audit trail


def test_a_user_name_with_a_nul_byte_is_throttled(worker_store: Store) -> None:
    results = [auth.sign_in(worker_store, "work\x00er", TEST_PASSWORD, clock=lambda: T0)
               for _ in range(auth.MAX_FAILURES + 1)]
    assert [r.reason for r in results] == ["auth.bad_credentials"] * (auth.MAX_FAILURES - 1) + ["auth.locked"] * 2
    assert auth.sign_in(worker_store, "worker", TEST_PASSWORD, clock=lambda: T0).ok  # the real account is untouched


def test_an_overlong_user_name_is_an_unknown_name(worker_store: Store) -> None:
    name = "worker" * 200
    assert auth.sign_in(worker_store, name, TEST_PASSWORD, clock=lambda: T0).reason == "auth.bad_credentials"
    rows = worker_store.read("sign_in_throttle", SCOPE)
    assert len(rows) == 1 and len(rows["id"].iloc[0]) <= auth.MAX_USERNAME_LENGTH


# --------------------------------------------------------------------------- passwords


def test_a_long_pass_phrase_works(worker_store: Store) -> None:
    assert len(PASSPHRASE) > 256
    auth.set_password(Session.system(worker_store, SCOPE), "worker", PASSPHRASE)
    assert auth.sign_in(worker_store, "worker", PASSPHRASE, clock=lambda: T0).ok
    assert not auth.sign_in(worker_store, "worker", PASSPHRASE[:-1], clock=lambda: T0).ok


def test_a_password_over_the_limit_is_refused_with_the_limit(worker_store: Store) -> None:
    too_long = "a1" * (auth.MAX_PASSWORD_LENGTH // 2) + "x"
    with pytest.raises(auth.AuthError) as caught:
        auth.set_password(Session.system(worker_store, SCOPE), "worker", too_long)
    assert caught.value.key == "auth.password_too_long"
    assert f"{auth.MAX_PASSWORD_LENGTH:,}" in str(caught.value)
    assert auth.sign_in(worker_store, "worker", TEST_PASSWORD, clock=lambda: T0).ok  # nothing changed


def test_an_overlong_password_at_sign_in_is_a_failure_without_argon2(
        worker_store: Store, checked: collections.Counter[str]) -> None:
    result = auth.sign_in(worker_store, "worker", "x" * 1_000_000, clock=lambda: T0)
    assert result.reason == "auth.bad_credentials"
    assert checked["checked"] == 0
    row = worker_store.account("worker")
    assert row is not None and row["failed_logins"] == 1
    log = worker_store.audit_log(SCOPE, filters=AuditFilter(action="sign_in_failed"))
    after = log["after"].iloc[0]
    assert (json.loads(after) if isinstance(after, str) else after)["failures"] == 1


# --------------------------------------------------------------------------- the form


def _form(monkeypatch: pytest.MonkeyPatch, url: str, name: str, password: str) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", url)
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.run()
    at.text_input(key="sign_in_user").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_form_signs_in_with_a_long_pass_phrase(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    from gridmap.store import open_store

    with open_store(overview_db_url) as store:
        auth.set_password(Session.system(store, SCOPE), "worker", PASSPHRASE)
    at = _form(monkeypatch, overview_db_url, "worker", PASSPHRASE)
    assert not at.error, [e.value for e in at.error]
    assert at.session_state[AUTH_KEY]["username"] == "worker"


def test_the_form_names_the_limit_of_a_too_long_password(monkeypatch: pytest.MonkeyPatch,
                                                         overview_db_url: str) -> None:
    at = _form(monkeypatch, overview_db_url, "worker", "a1" * auth.MAX_PASSWORD_LENGTH)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "1,024" in errors[0] and "请输入用户名和密码" not in errors[0]
    assert AUTH_KEY not in at.session_state


def test_the_form_names_the_limit_of_a_too_long_user_name(monkeypatch: pytest.MonkeyPatch,
                                                          overview_db_url: str) -> None:
    at = _form(monkeypatch, overview_db_url, "w" * 100, TEST_PASSWORD)
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "64" in errors[0] and "请输入用户名和密码" not in errors[0]
