"""The hazard page (隐患排查) run headless with AppTest: roles, languages, the filters in the
address, recording a hazard and a rectification step (both backends).

The map is an ``st_folium`` component (an UnknownElement here); what it draws is tested in
``tests/browser/test_hazards_page.py`` and the layer builders in ``tests/test_hazard_layers.py``.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.store import Store, open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY
from gridmap.ui.hazards import PICK_KEY, SELECTED_KEY
from tests.conftest import REPO_ROOT
from tests.hazard_fixtures import POINT, session_of
from tests.store_fixtures import M1, M2, M3

pytest_plugins = ["tests.hazard_fixtures"]  # hazard_db_url, hazard_store

PAGE = str(REPO_ROOT / "pages" / "hazards.py")
TIMEOUT_S = 120


def page(monkeypatch: pytest.MonkeyPatch, db_url: str, user: str = "inspector", lang: str = "zh",
         params: dict[str, str] | None = None, state: dict | None = None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.session_state["lang"] = lang
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("user", ["inspector", "commander", "admin", "dept"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_page_runs_for_each_role_that_may_use_it(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str,
                                                     user: str, lang: str) -> None:
    at = page(monkeypatch, hazard_db_url, user, lang)
    assert not at.error, [e.value for e in at.error]
    assert [e.value for e in at.title] == (["隐患排查一张图"] if lang == "zh" else ["Hazard map"])
    found, open_, late, done = (["隐患", "待整改", "超期", "已整改/已复核"] if lang == "zh"
                                else ["Hazards", "Open", "Overdue", "Rectified / verified"])
    assert metrics(at) == {found: "3", open_: "2", late: "1", done: "1"}  # h1-h3 in the last 30 days


@pytest.mark.parametrize(("user", "lang", "words"), [
    ("planner", "zh", ["网格规划员", "不能使用隐患排查页面", "隐患巡查员"]),
    ("planner", "en", ["Planner", "cannot use the hazard page", "Inspector"]),
    ("worker", "zh", ["网格员", "不能使用隐患排查页面"]),
])
def test_a_role_the_page_is_not_for_is_refused_in_words(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str,
                                                        user: str, lang: str, words: list[str]) -> None:
    at = page(monkeypatch, hazard_db_url, user, lang)
    assert len(at.error) == 1
    assert all(w in at.error[0].value for w in words), at.error[0].value
    assert not at.metric and not at.title


def test_the_inspector_lands_on_the_hazard_page() -> None:
    import app
    from gridmap.access import Session, User
    from gridmap.domain import Role

    def first(role: Role) -> str:
        user = User("u", role, "330327000000", "u", "enforcement" if role == Role.DEPARTMENT else None)
        return app.allowed_pages(Session(None, user))[0].file  # type: ignore[arg-type]

    assert first(Role.INSPECTOR) == "hazards.py"
    assert first(Role.COMMANDER) == "command_map.py"
    names = lambda role: [p.file for p in app.allowed_pages(Session(None, User("u", role, "330327000000", "u",  # noqa: E731
                                                                                 None)))]
    assert "hazards.py" in names(Role.ADMIN) and "hazards.py" not in names(Role.PLANNER)


def test_filters_in_the_address_are_applied_and_shown(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str) -> None:
    at = page(monkeypatch, hazard_db_url, params={"type": "flying_wire,gas", "status": "rectifying",
                                                  "view": "heat", "inspector": "李四"})
    assert not at.warning, [w.value for w in at.warning]
    assert at.multiselect(key="hz_types").value == ["flying_wire", "gas"]
    assert at.multiselect(key="hz_statuses").value == ["rectifying"]
    assert at.radio(key="hz_view").value == "heat"
    assert at.selectbox(key="hz_inspector").value == "李四"
    assert metrics(at)["隐患"] == "1"  # h2
    assert any("视觉印象" in c.value for c in at.caption)  # the heat map says what it is
    assert dict(at.query_params) == {"type": "flying_wire,gas", "status": "rectifying", "inspector": "李四",
                                     "view": "heat"}
    assert at.code[0].value == ("/hazards?type=flying_wire%2Cgas&status=rectifying&inspector=%E6%9D%8E%E5%9B%9B"
                                "&view=heat")


def test_a_custom_period_and_a_unit_from_the_address(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str) -> None:
    at = page(monkeypatch, hazard_db_url, params={"period": "2026-08-01..2026-11-20", "unit": M1[:14]})
    assert not at.warning
    assert at.selectbox(key="hz_period").value == "custom"
    assert at.text_input(key="hz_from").value == "2026-08-01"
    assert at.selectbox(key="hz_unit").value == M1[:14]
    assert metrics(at)["隐患"] == "2"  # h1 (M1) and h2 (M2) in grid G1; h4 is in G2


@pytest.mark.parametrize(("params", "named"), [
    ({"type": "fire"}, "type"),
    ({"period": "tomorrow"}, "period"),
    ({"unit": "330327999999"}, "unit"),
    ({"overdue": "yes"}, "overdue"),
    ({"view": "satellite"}, "view"),
    ({"zoom": "12"}, "zoom"),
])
def test_a_malformed_parameter_is_named_and_falls_back(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str,
                                                       params: dict[str, str], named: str) -> None:
    at = page(monkeypatch, hazard_db_url, params={**params, "severity": "high"})
    assert not at.error
    assert len(at.warning) == 1 and f"{named}=" in at.warning[0].value.replace("\\", "")
    assert metrics(at)["隐患"] == "1"  # the good parameter still applies: h1 is the one high hazard
    assert dict(at.query_params) == {"severity": "high"}  # the bad one is gone from the address


def test_a_widget_change_is_written_to_the_address(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str) -> None:
    at = page(monkeypatch, hazard_db_url, lang="en")
    at.toggle(key="hz_overdue").set_value(True).run()
    at.radio(key="hz_view").set_value("units").run()
    assert not at.exception
    assert dict(at.query_params) == {"overdue": "1", "view": "units"}
    assert metrics(at)["Hazards"] == "1"


def test_recording_a_hazard(monkeypatch: pytest.MonkeyPatch, hazard_store: Store) -> None:
    at = page(monkeypatch, hazard_store.url, state={PICK_KEY: (*POINT[M2], "map")})
    at.selectbox(key="hz_rec_place").set_value("rental")
    at.selectbox(key="hz_rec_severity").set_value("medium")
    at.multiselect(key="hz_rec_types").set_value(["flying_wire", "ebike_indoor_charging"])
    at.text_input(key="hz_rec_address").input("古磉路 8 号")
    at.button(key="hz_rec_submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("已登记隐患" in s.value for s in at.success)
    with open_store(hazard_store.url) as store:
        rows = session_of(store, "inspector").read("inspections")
        new = rows[~rows["id"].isin(["h1", "h2", "h3", "h4"])]
        assert len(new) == 1
        row = new.iloc[0]
        assert row["micro_code"] == M2 and row["address"] == "古磉路 8 号" and row["status"] == "found"
        assert sorted(row["hazard_types"]) == ["ebike_indoor_charging", "flying_wire"]
        assert (row["deadline"] - row["found_at"]).days == 3  # medium
        events = session_of(store, "inspector").read("inspection_events", where={"inspection_id": row["id"]})
        assert list(events["to_status"]) == ["found"]


def test_recording_without_a_position_says_so(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str) -> None:
    at = page(monkeypatch, hazard_db_url, lang="en")
    at.multiselect(key="hz_rec_types").set_value(["gas"])
    at.button(key="hz_rec_submit").click().run()
    assert any("No position yet" in e.value for e in at.error)


def test_a_commander_may_not_record(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str) -> None:
    at = page(monkeypatch, hazard_db_url, user="commander")
    assert any("不能登记隐患" in i.value for i in at.info)


def test_a_rectification_step_and_a_stale_one(monkeypatch: pytest.MonkeyPatch, hazard_store: Store) -> None:
    at = page(monkeypatch, hazard_store.url, user="dept", state={SELECTED_KEY: "h1"})
    assert at.selectbox(key="hz_detail_pick").value == "h1"
    assert {b.key for b in at.button if b.key and b.key.startswith("hz_step_")} == {"hz_step_rectifying",
                                                                                     "hz_step_rectified"}
    at.text_input(key="hz_step_note").input("已拆除飞线")
    at.button(key="hz_step_rectifying").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with open_store(hazard_store.url) as store:
        insp = session_of(store, "inspector")
        assert insp.read("inspections", where={"id": "h1"})["status"].iloc[0] == "rectifying"
        events = insp.read("inspection_events", where={"inspection_id": "h1"})
        assert list(events["note"]) == ["已拆除飞线"] and list(events["actor"]) == ["dept"]
    # the inspector looks at h1 ... and someone rectifies it meanwhile: the inspector's
    # "overdue" (escalate) is then an illegal step, refused in words
    at2 = page(monkeypatch, hazard_store.url, user="inspector", state={SELECTED_KEY: "h1"})
    with open_store(hazard_store.url) as store:
        from gridmap.workflow import transition_hazard

        transition_hazard(session_of(store, "dept"), "h1", "rectified", note="整改完毕")
    at2.button(key="hz_step_overdue").click().run()
    assert not at2.exception
    assert any("不能从" in e.value and "已整改" in e.value for e in at2.error), [e.value for e in at2.error]
    with open_store(hazard_store.url) as store:
        assert session_of(store, "inspector").read("inspections", where={"id": "h1"})["status"].iloc[0] == "rectified"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_route_of_the_open_hazards_and_the_rankings(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str,
                                                     lang: str) -> None:
    at = page(monkeypatch, hazard_db_url, lang=lang)
    at.button(key="hz_route_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    summary = [m.value for m in at.markdown if ("路线共" in m.value or "stops, about" in m.value)]
    assert summary and ("2 站" in summary[0] or "2 stops" in summary[0])  # h1 and h2 are open
    route = [d for d in at.dataframe if len(d.value) == 2]
    assert route and list(route[0].value.iloc[:, 1]) in (["h1", "h2"], ["h2", "h1"])
    # the rankings: one row per micro-grid of the county... here the county's towns (one)
    ranks = [d.value for d in at.dataframe if len(d.value) == 1]
    assert ranks, [d.value for d in at.dataframe]


def test_the_commander_ranks_by_rates_the_inspector_cannot(monkeypatch: pytest.MonkeyPatch,
                                                           hazard_db_url: str) -> None:
    commander = page(monkeypatch, hazard_db_url, user="commander", params={"unit": "33032710000101"})
    assert "rate_eb" in commander.selectbox(key="hz_rank_by").options or \
        any("平滑" in o for o in commander.selectbox(key="hz_rank_by").options)
    inspector = page(monkeypatch, hazard_db_url, user="inspector", params={"unit": "33032710000101"})
    options = inspector.selectbox(key="hz_rank_by").options
    assert not any("每百户" in o for o in options), options
    assert any("看不到户数" in c.value for c in inspector.caption)


def test_units_per_100_households_for_a_role_that_sees_households(monkeypatch: pytest.MonkeyPatch,
                                                                  hazard_db_url: str) -> None:
    from gridmap.ui import hazards as ui_hazards
    from gridmap.ui.hazards import HazardData

    at = page(monkeypatch, hazard_db_url, user="commander", params={"view": "units", "measure": "per_100",
                                                                    "unit": "33032710000101"})
    assert not at.error and not any("看不到户数" in c.value for c in at.caption)
    import pandas as pd

    data = HazardData(None, pd.DataFrame(), pd.Series([30.0, 30.0, 45.0], index=[M1, M2, M3]),
                      "330327000000", (0, 0, 1, 1))  # type: ignore[arg-type]
    micro = ui_hazards._households_by(data, pd.DataFrame({"code": [M1, M2]}), ui_hazards.Level.MICRO)
    assert micro.to_dict() == {M1: 30.0, M2: 30.0}
    grids = ui_hazards._households_by(data, pd.DataFrame({"code": ["33032710000101", "33032710000102"]}),
                                      ui_hazards.Level.GRID)
    assert grids.to_dict() == {"33032710000101": 60.0, "33032710000102": 45.0}


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["局部莫兰指数", "不含自身，按行标准化", "错误发现率", "每百户隐患数", "共 4 个微网格", "高-高",
            "低-高（低值异常）"]),
    ("en", ["Local Moran's I", "the unit itself excluded, row-standardised", "false discovery rate",
            "hazards per 100 households", "4 micro-grids analysed", "high-high", "low-high (outliers)"]),
])
def test_local_moran_outliers_in_the_hot_spot_view(monkeypatch: pytest.MonkeyPatch, hazard_db_url: str, lang: str,
                                                   words: list[str]) -> None:
    at = page(monkeypatch, hazard_db_url, "commander", lang, params={"view": "hotspots", "stat": "moran",
                                                                      "period": "2026-08-01..2026-11-20"})
    assert not at.error and not at.warning, [e.value for e in [*at.error, *at.warning]]
    assert at.selectbox(key="hz_stat").value == "moran" and not at.selectbox(key="hz_stat").disabled
    captions = " ".join(c.value for c in at.caption)
    assert all(w in captions for w in words), captions
    assert "Getis-Ord" not in captions  # the Moran method, not Gi*'s
    # back to Gi*: the widget writes the address, and the method changes with it
    at.selectbox(key="hz_stat").set_value("gi").run()
    assert "stat" not in dict(at.query_params)
    assert "Getis-Ord Gi*" in " ".join(c.value for c in at.caption)
