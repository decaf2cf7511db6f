"""The stations page (服务站点) run headless with AppTest, in both languages, for each kind
of role: editors (planner, admin) get the registry forms, visitors (commander, admin) the
visit form, readers (grid worker, inspector, department) neither; a signed-out visitor is
refused. An editor adds a station and a commander records a visit through the page's own
widgets. The map itself is tested in ``tests/browser/test_stations_visit.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from gridmap.ui.stations import PICK_KEY
from tests.conftest import REPO_ROOT, add_test_users
from tests.stations_fixtures import lonlat, seed_stations
from tests.store_fixtures import SCOPE

PAGE = str(REPO_ROOT / "pages" / "stations.py")
TIMEOUT_S = 120
TITLES = {"zh": "服务站点", "en": "Service stations"}
ADD = {"zh": "在选定位置新增站点", "en": "Add the station at the picked point"}
VISIT = {"zh": "在选定位置登记督查", "en": "Record the visit at the picked point"}


@pytest.fixture
def stations_db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'stations.db'}"
    with open_store(url) as store:
        seed_stations(store)
        add_test_users(store, {"dept": ("department", "330327000000")})
    return url


def run_page(monkeypatch: pytest.MonkeyPatch, db_url: str, user: str | None, lang: str = "zh",
             pick: tuple[float, float] | None = None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[LANG_KEY] = lang
    if user is not None:
        at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    if pick is not None:
        at.session_state[PICK_KEY] = pick
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("user", "edits", "visits"), [
    ("planner", True, False), ("admin", True, True), ("commander", False, True),
    ("worker", False, False), ("inspector", False, False), ("dept", False, False)])
def test_each_role_sees_what_it_may_do(monkeypatch: pytest.MonkeyPatch, stations_db_url: str, user: str,
                                       edits: bool, visits: bool, lang: str) -> None:
    at = run_page(monkeypatch, stations_db_url, user, lang)
    assert [t.value for t in at.title] == [TITLES[lang]]
    assert not at.error
    labels = _buttons(at)
    assert (ADD[lang] in labels) is edits
    assert (VISIT[lang] in labels) is visits
    tables = [df.value for df in at.dataframe]
    assert tables and len(tables[0]) == 4  # the registry: A, B, C and E (closed ones listed too)
    other = "zh" if lang == "en" else "en"
    assert TITLES[other] not in [t.value for t in at.title]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_signed_out_visitor_is_refused(monkeypatch: pytest.MonkeyPatch, stations_db_url: str, lang: str) -> None:
    at = run_page(monkeypatch, stations_db_url, None, lang)
    assert not at.title and at.warning  # "sign in first", nothing of the page
    assert not at.dataframe


def test_a_planner_adds_a_station_at_the_picked_point(monkeypatch: pytest.MonkeyPatch, stations_db_url: str) -> None:
    at = run_page(monkeypatch, stations_db_url, "planner", pick=lonlat(100, 100))
    at.text_input(key="st_add_name").input("古磉新站")
    at.selectbox(key="st_add_type").set_value("happiness")
    at.text_input(key="st_add_funding").input("3000")
    next(b for b in at.button if b.label == ADD["zh"]).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("古磉新站" in s.value for s in at.success)
    with open_store(stations_db_url) as store:
        row = store.read("stations", SCOPE, where={"name": "古磉新站"})
        assert len(row) == 1 and int(row["funding_yuan"].iloc[0]) == 3000
        log = store.audit_log(SCOPE, limit=5)
        assert (log["actor"] == "planner").any() and (log["layer"] == "stations").any()


def test_a_bad_field_is_named_and_nothing_is_written(monkeypatch: pytest.MonkeyPatch, stations_db_url: str) -> None:
    at = run_page(monkeypatch, stations_db_url, "planner", lang="en", pick=lonlat(100, 100))
    at.text_input(key="st_add_name").input("New")
    at.text_input(key="st_add_funding").input("lots")
    next(b for b in at.button if b.label == ADD["en"]).click().run()
    assert not at.exception
    assert any("funding" in e.value for e in at.error)
    with open_store(stations_db_url) as store:
        assert store.count("stations", SCOPE) == 4


def test_a_commander_records_a_visit(monkeypatch: pytest.MonkeyPatch, stations_db_url: str) -> None:
    at = run_page(monkeypatch, stations_db_url, "commander", pick=lonlat(0, 300))
    at.selectbox(key="st_visit_pick").set_value("A").run()
    assert any("300" in w.value for w in at.warning)  # 300 m: over 200 m, flagged before saving
    at.checkbox(key="st_check_open_on_time").check()
    at.text_area(key="st_follow").input("更新公示栏")
    next(b for b in at.button if b.label == VISIT["zh"]).click().run()
    assert not at.exception and not at.error
    with open_store(stations_db_url) as store:
        visits = store.read("station_visits", SCOPE)
    assert len(visits) == 1 and bool(visits["far"].iloc[0]) and visits["follow_up"].iloc[0] == ["更新公示栏"]
    assert any("站点A" in s.value for s in at.success)
