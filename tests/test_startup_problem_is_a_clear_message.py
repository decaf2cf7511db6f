"""Regression: a start-up problem showed Streamlit's "This app has encountered an error" (issue 8, defect 8).

Tried as a new user would: starting the app before ``make assets`` gave the redacted
red box on the command map, though the exception carried a good message; the same
for an unreachable store and a store whose schema is newer than the code. Each now
shows one clear page message (``st.error``) in the user's language that says what to
do, and no exception reaches Streamlit.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridmap.store import Store, StoreError
from gridmap.store.base import SCHEMA_VERSION, now
from gridmap.store.sqlite import SqliteStore
from gridmap.ui import AUTH_KEY
from tests.conftest import REPO_ROOT

APP = str(REPO_ROOT / "app.py")
TIMEOUT_S = 90


def _run(monkeypatch: pytest.MonkeyPatch, url: str, lang: str) -> AppTest:
    """The app's first page for a signed-in admin, in ``lang``."""
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": "admin", "signed_in_at": now(), "last_seen": now()}
    at.session_state["lang"] = lang
    at.run()
    return at


def _one_error(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1, [e.value for e in at.error]
    message = str(at.error[0].value)
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize(("lang", "words"), [("zh", ("无法打开数据存储", "Connection refused", "GRIDMAP_DB")),
                                             ("en", ("Cannot open the data store", "Connection refused",
                                                     "GRIDMAP_DB"))])
def test_an_unreachable_store(monkeypatch: pytest.MonkeyPatch, lang: str, words: tuple[str, ...]) -> None:
    message = _one_error(_run(monkeypatch, "postgresql://gridmap@127.0.0.1:1/gridmap", lang))
    assert all(w in message for w in words), message


@pytest.mark.parametrize(("lang", "words"), [("zh", ("结构版本", f"{SCHEMA_VERSION + 1}", "升级")),
                                             ("en", ("schema version", f"{SCHEMA_VERSION + 1}", "upgrade"))])
def test_a_store_newer_than_the_code(monkeypatch: pytest.MonkeyPatch, command_db_url: str, lang: str,
                                     words: tuple[str, ...]) -> None:
    path = command_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (?, '2027-01-01 00:00:00')", [SCHEMA_VERSION + 1])
    message = _one_error(_run(monkeypatch, command_db_url, lang))
    assert all(w in message for w in words), message
    assert "GRIDMAP_DB" not in message  # the setting is right; the program is old


def test_a_store_newer_than_the_code_on_both_backends(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    url = store.url
    newer = SCHEMA_VERSION + 1
    if store.backend == "sqlite":
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute("INSERT INTO schema_migrations VALUES (?, '2027-01-01 00:00:00')", [newer])
    else:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO schema_migrations VALUES (%s, '2027-01-01 00:00:00')", [newer])
    store.close()
    st.cache_resource.clear()  # no handle opened before the bump may answer
    message = _one_error(_run(monkeypatch, url, "en"))
    assert f"schema version {newer}" in message and "Upgrade gridmap" in message, message


@pytest.mark.parametrize(("lang", "words"), [("zh", ("地图", "make assets")), ("en", ("map", "make assets"))])
def test_map_assets_not_installed(monkeypatch: pytest.MonkeyPatch, command_db_url: str, tmp_path: Path,
                                  lang: str, words: tuple[str, ...]) -> None:
    monkeypatch.setenv("GRIDMAP_STATIC_DIR", str(tmp_path / "static"))
    at = _run(monkeypatch, command_db_url, lang)
    message = _one_error(at)
    assert all(w in message for w in words), message


@pytest.mark.parametrize(("lang", "words"), [("zh", ("读取数据时出错", "server closed the connection", "GRIDMAP_DB")),
                                             ("en", ("Reading the data failed", "server closed the connection",
                                                     "GRIDMAP_DB"))])
def test_a_store_that_goes_away_while_the_page_reads_it(monkeypatch: pytest.MonkeyPatch, command_db_url: str,
                                                        lang: str, words: tuple[str, ...]) -> None:
    def gone(*args: object, **kwargs: object) -> None:
        raise StoreError("server closed the connection unexpectedly")

    at = _run(monkeypatch, command_db_url, lang)  # opened and cached while the server was there
    assert not at.exception and not at.error
    monkeypatch.setattr(SqliteStore, "read", gone)
    monkeypatch.setattr(SqliteStore, "count", gone)
    at.run()
    message = _one_error(at)
    assert all(w in message for w in words), message
