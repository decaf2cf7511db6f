"""Helpers for the closed loop's page and browser tests (issue 12), on the small demo.

- :func:`run_page` -- a page under AppTest as a signed-in demo user, in a language.
- :func:`worker_spot` -- a point inside the demo grid worker's first micro-grid.
- :func:`session_of` -- a demo user's :class:`~gridmap.access.Session` on a store URL.
"""

from __future__ import annotations

import shapely
from streamlit.testing.v1 import AppTest

from gridmap.access import Session, User
from gridmap.domain import Scope
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from tests.conftest import REPO_ROOT

TIMEOUT_S = 120
COUNTY = "330327"


def run_page(monkeypatch: object, db_url: str, page: str, user: str, lang: str = "zh",
             query: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", db_url)  # type: ignore[attr-defined]
    monkeypatch.setenv("GRIDMAP_TILES", "none")  # type: ignore[attr-defined]
    at = AppTest.from_file(str(REPO_ROOT / "pages" / f"{page}.py"), default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.session_state[LANG_KEY] = lang
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def session_of(db_url: str, username: str) -> Session:
    store = open_store(db_url)
    row = store.account(username)
    assert row is not None
    return Session(store, User.from_row(row))


def worker_spot(db_url: str, user: str = "gridworker") -> tuple[float, float, str]:
    """(lon, lat, micro_code): a point well inside the first micro-grid of ``user``'s unit."""
    session = session_of(db_url, user)
    try:
        micro = session.read("units", where={"level": "micro", "plan_version": session.current_plan()},
                             columns=["code", "geometry"]).sort_values("code").iloc[0]
        point = shapely.Point(micro.geometry.representative_point())
        return float(point.x), float(point.y), str(micro["code"])
    finally:
        session.store.close()


def whole_county() -> Scope:
    return Scope.county(COUNTY)


__all__ = ["TIMEOUT_S", "run_page", "session_of", "whole_county", "worker_spot"]
