"""Regression: the command map's live panel kept refreshing for a disabled account.

The panel is a ``st.fragment`` that reruns alone every 30 s and on map clicks; those
reruns never passed the sign-in check of a full run, so a wall screen (or a browser left
open) of a disabled user, or one whose password was changed, kept showing live data.
Each tick now calls ``still_signed_in`` first. Idle time is not its business: a timed
rerun must neither end nor extend an idle sign-in.
"""

from __future__ import annotations

import datetime as dt

from streamlit.testing.v1 import AppTest

from gridmap import auth
from gridmap.access import Session
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui.auth import AUTH_KEY


def _script(url: str) -> None:
    import streamlit as st

    from gridmap.store import open_store
    from gridmap.ui.auth import still_signed_in

    st.write("yes" if still_signed_in(open_store(url)) else "no")


def _check(url: str, state: dict[str, object] | None) -> str:
    at = AppTest.from_function(_script, args=(url,), default_timeout=30)
    if state is not None:
        at.session_state[AUTH_KEY] = state
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.markdown[0].value


def _state(user: str, signed_in: dt.datetime, seen: dt.datetime) -> dict[str, object]:
    return {"username": user, "signed_in_at": signed_in, "last_seen": seen}


def test_the_live_tick_ends_for_a_disabled_or_changed_account(overview_db_url: str) -> None:
    store = open_store(overview_db_url)
    admin = Session(store, auth.current_user(store, "admin"))  # type: ignore[arg-type]
    start = now()
    assert _check(overview_db_url, None) == "no"
    assert _check(overview_db_url, _state("worker", start, start)) == "yes"
    # Idle for 2 hours (beyond the 30 minutes) but inside the 12-hour limit: a tick says
    # nothing about idleness; the next full run signs the user out.
    assert _check(overview_db_url, _state("worker", start, start - dt.timedelta(hours=2))) == "yes"

    auth.disable_user(admin, "worker")
    assert _check(overview_db_url, _state("worker", start, start)) == "no"
    auth.disable_user(admin, "worker", disabled=False)
    assert _check(overview_db_url, _state("worker", start, start)) == "yes"
    auth.set_password(admin, "worker", "another-pass-2026")
    assert _check(overview_db_url, _state("worker", start - dt.timedelta(seconds=5), start)) == "no"


def test_the_live_panel_checks_the_sign_in_on_every_tick() -> None:
    """The panel's source calls the check before it draws (a fragment has no other guard)."""
    import inspect

    from gridmap.ui import command

    source = inspect.getsource(command._panel)
    assert source.index("still_signed_in(") < source.index("_tick(args)")
