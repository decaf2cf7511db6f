"""The command map page (指挥一张图) run headless with AppTest: KPIs, filters, drill-down state.

The map itself is an ``st_folium`` component (an UnknownElement in AppTest); what it
draws is tested in ``tests/browser/test_command_map.py`` and the layer builders in
``tests/test_maps_*.py``. Here: the page runs for every role, its numbers match a
hand-made store, and the filters and the selected unit change them.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.store.base import now
from gridmap.ui import AUTH_KEY
from gridmap.ui.command import UNIT_KEY
from tests.conftest import REPO_ROOT

PAGE = str(REPO_ROOT / "pages" / "command_map.py")
TIMEOUT_S = 90


def run_page(monkeypatch: pytest.MonkeyPatch, db_url: str, user: str = "admin",
             unit: str | None = None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    if unit is not None:
        at.session_state[UNIT_KEY] = unit
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_kpis_match_the_known_store(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url)
    assert [e.value for e in at.title] == ["指挥一张图"]
    got = metrics(at)
    assert got["未办结事件"] == "2"  # a and c
    assert got["超期事件"] == "1"  # a
    assert got["今日办结"] == "1"  # b
    assert got["办结率"] == "50.0%"  # of a and b (reported in the last 30 days), b is closed
    assert got["覆盖户数"] == "—" or got["覆盖户数"].replace(",", "").isdigit()
    assert not at.error


def test_a_category_filter_changes_the_kpis(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url)
    at.multiselect(key="cmd_categories").set_value(["traffic"]).run()
    assert not at.exception
    got = metrics(at)
    assert got["未办结事件"] == "1"  # c only
    assert got["超期事件"] == "0"
    assert got["今日办结"] == "0"
    assert got["办结率"] == "—"  # nothing of that category was reported in the range


def test_a_wider_date_range_counts_older_reports(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url)
    at.selectbox(key="cmd_dates_preset").set_value("custom").run()
    at.text_input(key="cmd_dates_from").input("2026-08-01")
    at.text_input(key="cmd_dates_to").input("2026-11-20").run()
    assert not at.error
    assert metrics(at)["办结率"] == "33.3%"  # a, b and c reported; b closed


def test_selecting_a_grid_shows_its_numbers(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url, unit="33032710000101")
    breadcrumb = [b.label for b in at.button if b.key and b.key.startswith("crumb_")]
    assert breadcrumb == ["苍南县 ›", "灵溪镇 ›", "古磉居委会 ›", "第1网格"]
    assert metrics(at)["未办结事件"] == "2"


def test_the_grid_worker_sees_only_their_grid(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url, user="worker", unit="330327000000")
    crumbs = [b for b in at.button if b.key and b.key.startswith("crumb_")]
    assert [b.key for b in crumbs] == ["crumb_33032710000101"]  # a county code is not theirs: reset home


@pytest.mark.parametrize("user", ["admin", "worker", "dept"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_runs_for_each_role_and_language(monkeypatch: pytest.MonkeyPatch, command_db_url: str,
                                                  user: str, lang: str) -> None:
    monkeypatch.setenv("GRIDMAP_DB", command_db_url)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.metric) == 8


def test_a_bad_tile_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, command_db_url: str) -> None:
    monkeypatch.setenv("GRIDMAP_DB", command_db_url)
    monkeypatch.setenv("GRIDMAP_TILES", "tianditu")
    monkeypatch.delenv("GRIDMAP_TIANDITU_KEY", raising=False)
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": "admin", "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception
    assert len(at.error) == 1 and "天地图" in at.error[0].value and "TIANDITU" in at.error[0].value
