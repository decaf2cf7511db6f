"""Regression: the command map's shared snapshot was cached across roles (issue 8, defect 1).

The snapshot cache (``gridmap.ui.command._shared``) was keyed by (store URL, scope,
department), but what a snapshot holds depends on the role: zero-reports and
households are left out when the role may not read them. Whichever role opened the
map first decided what every role of that jurisdiction saw: after a commander an
inspector saw the zero-report rate and the household total it has no right to; after
an inspector the commander saw "—". Every ``st.cache_*`` that returns jurisdiction
data is now keyed by :meth:`gridmap.access.Session.cache_key` (store, scope, role,
department).

Two users of different roles run the page in ONE process (the caches are shared, as
on a server), in both orders; each sees exactly the figures they see alone. The
household and resident totals agree between the command map and the overview.
"""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY
from tests.conftest import REPO_ROOT, add_test_users

COMMAND = str(REPO_ROOT / "pages" / "command_map.py")
OVERVIEW = str(REPO_ROOT / "pages" / "overview.py")
TIMEOUT_S = 90
COUNTY_UNIT = "330327000000"

ZERO = "今日零报告率"
HOUSEHOLDS = "覆盖户数"
OPEN = "未办结事件"

# What each role sees when it is alone (command_db_url: 2 micro-grids, no zero-reports
# today, no unit totals, issues a and c open, none routed to a department).
ALONE = {
    "boss": {ZERO: "0.0%", HOUSEHOLDS: "0", OPEN: "2"},  # commander: every figure
    "insp": {ZERO: "—", HOUSEHOLDS: "—", OPEN: "2"},  # inspector: no zero-reports, no households
    "dept": {ZERO: "—", HOUSEHOLDS: "—", OPEN: "0"},  # department handler: its own issues only
}


@pytest.fixture
def roles_db_url(command_db_url: str) -> str:
    """The command store plus a county commander and a county inspector."""
    with open_store(command_db_url) as store:
        add_test_users(store, {"boss": ("commander", COUNTY_UNIT), "insp": ("inspector", COUNTY_UNIT)})
    return command_db_url


def _figures(monkeypatch: pytest.MonkeyPatch, url: str, user: str, page: str = COMMAND) -> dict[str, str]:
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(page, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("order", [("boss", "insp", "dept"), ("insp", "boss", "dept"), ("dept", "insp", "boss"),
                                   ("insp", "dept", "boss")], ids="-then-".join)
def test_each_role_sees_its_own_figures_whoever_opened_the_map_first(
        monkeypatch: pytest.MonkeyPatch, roles_db_url: str, order: tuple[str, ...]) -> None:
    st.cache_resource.clear()
    st.cache_data.clear()
    for user in order:
        got = _figures(monkeypatch, roles_db_url, user)
        assert {k: got[k] for k in ALONE[user]} == ALONE[user], user
    for user in reversed(order):  # and again, now that every cache is warm
        got = _figures(monkeypatch, roles_db_url, user)
        assert {k: got[k] for k in ALONE[user]} == ALONE[user], user


@pytest.mark.parametrize("user", ["boss", "insp", "dept"])
def test_command_map_and_overview_agree_on_households(monkeypatch: pytest.MonkeyPatch, roles_db_url: str,
                                                      user: str) -> None:
    st.cache_resource.clear()
    command = _figures(monkeypatch, roles_db_url, user)[HOUSEHOLDS]
    overview = _figures(monkeypatch, roles_db_url, user, OVERVIEW)["实有房屋"]
    masked = user != "boss"
    assert (command == "—") is masked and (overview == "—") is masked, (command, overview)
