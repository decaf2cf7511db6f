"""Regression: the first sign-in after a server start waited for the snapshot (issue 8, warm-up).

The first commander after a start waited 3.5 s for the map against 1.8 s warm: their
sign-in loaded the county snapshot. The first run of the app (the sign-in page) now
starts a background thread that loads every commander jurisdiction's snapshot and
home points into the shared caches, keyed by the commander's own
``Session.cache_key()``. Here the loaders are made to fail after the warm-up: the
commander's page still runs, so it found both in the cache.
"""

from __future__ import annotations

import logging
import time

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridmap.store import Store, open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, cached_store, warm
from gridmap.ui import command as ui_command
from tests.conftest import REPO_ROOT, add_test_users

APP = str(REPO_ROOT / "app.py")
COMMAND = str(REPO_ROOT / "pages" / "command_map.py")
TIMEOUT_S = 90


@pytest.fixture
def warm_db_url(command_db_url: str) -> str:
    with open_store(command_db_url) as store:
        add_test_users(store, {"boss": ("commander", "330327000000"), "insp": ("inspector", "330327000000")})
    return command_db_url


def _no_more_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("loaded after the warm-up: the cache missed")

    monkeypatch.setattr(ui_command, "load_snapshot", refuse)
    monkeypatch.setattr(ui_command, "load_points", refuse)


def _command_page(monkeypatch: pytest.MonkeyPatch, url: str, user: str) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(COMMAND, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.run()
    return at


def test_the_sign_in_page_warms_the_commanders_snapshot(monkeypatch: pytest.MonkeyPatch, warm_db_url: str) -> None:
    st.cache_resource.clear()
    started: list[str] = []
    run = warm._run

    def recorded(store: Store) -> None:
        started.append(store.url)
        run(store)

    monkeypatch.setattr(warm, "_run", recorded)
    monkeypatch.setenv("GRIDMAP_DB", warm_db_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.run()  # signed out: the sign-in page, as after a server start
    assert not at.exception, [e.value for e in at.exception]
    for _ in range(50):
        if started:
            break
        time.sleep(0.1)
    assert started == [warm_db_url], "the app's first run starts the warm-up"
    thread = warm.start_warm_up(warm_db_url, cached_store(warm_db_url))  # the same thread, not a new one
    thread.join(TIMEOUT_S)
    assert not thread.is_alive() and started == [warm_db_url]
    _no_more_loading(monkeypatch)
    at = _command_page(monkeypatch, warm_db_url, "boss")
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["未办结事件"] == "2"


def test_the_warmed_entry_is_the_commanders_own(monkeypatch: pytest.MonkeyPatch, warm_db_url: str) -> None:
    st.cache_resource.clear()
    store = cached_store(warm_db_url)
    assert warm.warm_up(store) == 1  # one commander jurisdiction: the county
    _no_more_loading(monkeypatch)
    at = _command_page(monkeypatch, warm_db_url, "insp")  # another role: not warmed, so it must load
    assert at.exception  # the refusing loader ran (the message itself is redacted by Streamlit)


def test_a_failing_warm_up_is_logged_not_raised(caplog: pytest.LogCaptureFixture, warm_db_url: str) -> None:
    class Broken:
        backend = "sqlite"

        def counties(self) -> list[str]:
            raise OSError("disk gone")

    with caplog.at_level(logging.WARNING, logger="gridmap.ui.warm"):
        warm._run(Broken())  # type: ignore[arg-type]
    assert "warm-up failed" in caplog.text and "disk gone" in caplog.text
