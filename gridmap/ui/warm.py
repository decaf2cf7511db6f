"""The start-up warm-up: the commanders' snapshots loaded in the background.

Loading a county's snapshot takes seconds, and without a warm-up the first commander
after a server start waits for it at sign-in. :func:`start_warm_up` starts one
background thread per store and process (an ``st.cache_resource`` guard) as soon as
the first page of the app runs, usually the sign-in page; the thread loads the
snapshot of every commander jurisdiction into the shared caches of
:mod:`gridmap.ui.command`, keyed by each commander's own
:meth:`~gridmap.access.Session.cache_key`, so the first commander finds it there (or
waits for the load already under way instead of starting a second one).

Failure-safe: a warm-up error is logged, never shown; the user's own request then
loads the snapshot as it would without a warm-up.

The same start also starts the hot-spot statistics' warm-up (esda's permutation code,
:mod:`gridmap.hotspots.warm`), once per process, in a thread of its own.
"""

from __future__ import annotations

import logging
import threading
import time

import streamlit as st

from gridmap.access import Session, User
from gridmap.domain import Role, Scope
from gridmap.settings import get_settings
from gridmap.store import Store
from gridmap.ui import command

log = logging.getLogger(__name__)

MAX_SNAPSHOTS = 8  # jurisdictions warmed per store (the snapshot cache holds 32)


def commander_sessions(store: Store, limit: int = MAX_SNAPSHOTS) -> list[Session]:
    """One session per distinct commander cache key, as each commander's own session would be.

    Built from the stored commander accounts (enabled ones), so every key is exactly
    the one their sign-in produces: store, scope, role and department.
    """
    sessions: dict[str, Session] = {}
    for county in store.counties():
        rows = Session.system(store, Scope.county(county)).read(
            "users", where={"role": Role.COMMANDER.value}, columns=["id", "display_name", "role", "unit_code", "department", "disabled"])
        for row in rows.to_dict("records"):
            if row.get("disabled") is True:
                continue
            try:
                session = Session(store, User.from_row(row))
            except ValueError:  # a broken account row: its owner cannot sign in either
                continue
            sessions.setdefault(session.cache_key(), session)
            if len(sessions) >= limit:
                return list(sessions.values())
    return list(sessions.values())


def warm_up(store: Store) -> int:
    """Load every commander jurisdiction's snapshot into the shared caches; returns how many."""
    sessions = commander_sessions(store)
    for session in sessions:
        command.warm_snapshot(session)
    return len(sessions)


def _run(store: Store) -> None:
    started = time.monotonic()
    try:
        n = warm_up(store)
    except Exception:  # never shown: the first request loads what the warm-up could not
        log.warning("gridmap warm-up failed for %s", store.backend, exc_info=True)
        return
    log.info("gridmap warm-up: %d snapshot(s) loaded in %.1f s", n, time.monotonic() - started)


def _warm_hotspots() -> None:
    try:
        if not get_settings().hotspots_warm:  # GRIDMAP_HOTSPOTS_WARM=off: analytic only
            log.info("gridmap hot-spot warm-up switched off (GRIDMAP_HOTSPOTS_WARM)")
            return
        from gridmap.hotspots import start_background

        start_background()
    except Exception:  # never shown: the hot-spot views stay analytic-only
        log.warning("gridmap hot-spot warm-up could not start", exc_info=True)


@st.cache_resource(show_spinner=False, max_entries=8)
def start_warm_up(url: str, _store: Store) -> threading.Thread:
    """Start the warm-up thread for the store at ``url``, once per process.

    Args:
        url: The store's URL (the guard's key).
        _store: The open store (not hashed).

    Returns:
        The started (daemon) thread; join it to wait for the warm-up.
    """
    # Hot spots: esda's permutation code, once per process. Even the import (esda, libpysal:
    # seconds) happens in that thread, so the first page does not wait for it.
    threading.Thread(target=_warm_hotspots, name="gridmap-hotspots-import", daemon=True).start()
    thread = threading.Thread(target=_run, args=(_store,), name="gridmap-warm-up", daemon=True)
    thread.start()
    return thread
