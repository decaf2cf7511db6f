"""The demo county generator: schema, determinism, nested geometry, realism targets."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from gridmap.auth import DEMO_ACCOUNTS
from gridmap.demo import SMALL_TOWN_CODE, generate, load_demo
from gridmap.demo.places import OUTLINE_FILE, load_places
from gridmap.domain import (
    CATEGORIES,
    DATA_LAYERS,
    HAZARD_DEADLINE_DAYS,
    ISSUE_CLOCK_STOPPED,
    ISSUE_TERMINAL,
    ISSUE_TRANSITIONS,
    LAYERS,
    HazardType,
    Level,
    Scope,
    Severity,
    StationType,
    can_transition,
)
from gridmap.spatial.crs import metric_crs
from gridmap.store.base import Store, prepare_rows

TODAY = dt.date(2026, 11, 23)
AS_OF = pd.Timestamp("2026-11-23 15:00:00")
SCOPE = Scope.county("330327")
LEVELS = [str(level) for level in Level]


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate("small", seed=7, today=TODAY)


def _level(units: pd.DataFrame, level: Level) -> gpd.GeoDataFrame:
    return units[units["level"] == str(level)]


# --------------------------------------------------------------------------- schema


def test_every_layer_has_exactly_its_columns(small: dict[str, pd.DataFrame]) -> None:
    assert list(small) == list(DATA_LAYERS)
    for name in DATA_LAYERS:
        spec, frame = LAYERS[name], small[name]
        expected = spec.columns + (["geometry"] if spec.geom else [])
        assert list(frame.columns) == expected, name
        assert frame["id"].is_unique, name
        assert (frame["county_code"] == "330327").all(), name
        if spec.geom:
            assert isinstance(frame, gpd.GeoDataFrame) and frame.crs == "EPSG:4326", name


def test_frames_pass_the_store_validation(small: dict[str, pd.DataFrame]) -> None:
    for name in DATA_LAYERS:
        rows = prepare_rows(LAYERS[name], small[name], SCOPE)
        assert len(rows) == len(small[name]), name


def test_same_seed_same_frames_other_seed_differs(small: dict[str, pd.DataFrame]) -> None:
    again = generate("small", seed=7, today=TODAY)
    for name in DATA_LAYERS:
        if isinstance(small[name], gpd.GeoDataFrame):
            assert_geodataframe_equal(small[name], again[name], check_less_precise=False)
        else:
            pd.testing.assert_frame_equal(small[name], again[name])
    other = generate("small", seed=8, today=TODAY)
    assert not small["households"]["geometry"].geom_equals(other["households"]["geometry"].reindex(
        small["households"].index)).all()


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown demo scale"):
        generate("province", today=TODAY)  # type: ignore[arg-type]


def test_progress_reports_stages_in_order() -> None:
    seen: list[tuple[str, float]] = []
    generate("small", seed=3, progress=lambda stage, fraction: seen.append((stage, fraction)), today=TODAY)
    fractions = [f for _, f in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in stage) for stage, _ in seen)


# --------------------------------------------------------------------------- places and codes


def test_small_scale_counts(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    counts = units["level"].value_counts()
    assert counts["county"] == 1 and counts["town"] == 1
    assert counts["village"] == 35  # every village and community of 宜山镇
    assert 30 <= counts["grid"] <= 120
    assert 250 <= counts["micro"] <= 800
    assert 5_000 <= len(small["households"]) <= 25_000
    assert 2_000 <= len(small["issues"]) <= 15_000
    assert len(small["inspections"]) >= 1_000


def test_codes_names_and_parent_chain(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    code_length = {"county": 12, "town": 12, "village": 12, "grid": 14, "micro": 17}
    assert (units["code"].str.len() == units["level"].map(code_length)).all()
    by_code = units.set_index("code")
    children = units[units["level"] != "county"]
    parents = by_code.loc[children["parent_code"]]
    assert (parents["level"].map(LEVELS.index).to_numpy() == children["level"].map(LEVELS.index).to_numpy() - 1).all()
    deeper = children[children["level"].isin(["grid", "micro"])]
    assert all(c.startswith(p) for c, p in zip(deeper["code"], deeper["parent_code"], strict=True))
    town = _level(units, Level.TOWN).iloc[0]
    assert (town["code"], town["name"]) == (SMALL_TOWN_CODE, "宜山镇")
    villages = _level(units, Level.VILLAGE)
    assert villages["code"].str.startswith("330327103").all()
    assert {"龙头社区", "宜一村", "梁宅村"} <= set(villages["name"])
    micro = _level(units, Level.MICRO).iloc[0]
    assert micro["name"].endswith("微网格") and "第1网格" in micro["name"]


def test_county_places_leave_out_longgang_and_place_every_town() -> None:
    places = load_places("county", np.random.default_rng(0))
    assert len(places.towns) == 18 and len(places.villages) == 681
    assert not places.towns["code"].eq("330327101000").any()
    assert not places.villages["code"].str.startswith("330327101").any()
    inside = shapely.contains_xy(places.area, places.towns["x"], places.towns["y"])
    assert inside.all()
    sources = places.towns.set_index("name")["centre_source"]
    assert sources["南宋镇"] == "placed" and sources["岱岭畲族乡"] == "villages"
    assert shapely.contains_xy(places.area, places.villages["x"], places.villages["y"]).all()


def test_placed_villages_keep_off_their_town_edge() -> None:
    """Regression: the best-candidate placement chose the candidate farthest from the
    other villages, which is often on the town's edge itself (1 m from it). The
    village's region was then a sliver, its households were pulled onto a few square
    metres and rural micro-grids of 30 households came out 2 m² large."""
    places = load_places("county", np.random.default_rng(0))
    villages = places.villages
    region = dict(zip(places.towns["code"], places.town_regions, strict=True))
    edge = shapely.distance(shapely.points(villages["x"], villages["y"]),
                            shapely.boundary(np.array([region[c] for c in villages["town_code"]], dtype=object)))
    placed = (villages["located"] == "placed").to_numpy()
    assert placed.sum() > 500
    assert edge[placed].min() > 100, villages.loc[placed & (edge <= 100), "name"].tolist()


# --------------------------------------------------------------------------- geometry


def test_each_level_is_a_valid_coverage_of_one_piece_units(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    for level in Level:
        geoms = _level(units, level).geometry.to_numpy()
        assert shapely.coverage_is_valid(geoms), level
        assert (shapely.get_num_geometries(geoms) == 1).all(), f"{level}: a unit in several pieces"
        assert shapely.is_valid(geoms).all(), level


def test_children_cover_their_parent_exactly(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    geom_of = dict(zip(units["code"], units.geometry, strict=True))
    for parent_code, kids in units.groupby("parent_code"):
        parent = geom_of[parent_code]
        geoms = kids.geometry.to_numpy()
        assert shapely.coverage_is_valid(geoms), parent_code
        union = shapely.coverage_union_all(geoms)
        assert shapely.symmetric_difference(union, parent).area <= 1e-9 * parent.area, parent_code
        assert shapely.covers(shapely.buffer(parent, 1e-9), geoms).all(), parent_code


def test_demo_area_lies_in_the_cangnan_mainland(small: dict[str, pd.DataFrame]) -> None:
    outline = gpd.read_file(OUTLINE_FILE).geometry.iloc[0]
    mainland = max(shapely.get_parts(outline), key=lambda p: p.area)
    assert len(shapely.get_parts(outline)) == 6  # the five offshore islets are left out
    county = _level(small["units"], Level.COUNTY).geometry.iloc[0]
    assert shapely.covers(shapely.buffer(mainland, 1e-6), county)  # within 10 cm


@pytest.mark.parametrize("layer_name", ["households", "stations", "inspections", "issues"])
def test_assignment_columns_match_the_geometry(small: dict[str, pd.DataFrame], layer_name: str) -> None:
    """Each point lies in the polygon of its micro_code, and the other codes are that
    micro-grid's grid, village and town (by parent_code, not by code prefix)."""
    units, points = small["units"], small[layer_name]
    geom_of = dict(zip(units["code"], units.geometry, strict=True))
    parent_of = dict(zip(units["code"], units["parent_code"], strict=True))
    micro = shapely.intersects(np.array([geom_of[c] for c in points["micro_code"]], dtype=object),
                               points.geometry.to_numpy())
    assert micro.all(), points.loc[~micro, "id"].head().tolist()
    grid = points["micro_code"].map(parent_of)
    village = grid.map(parent_of)
    assert (grid == points["grid_code"]).all() and (village == points["village_code"]).all()
    assert (village.map(parent_of) == points["town_code"]).all()


def test_nothing_happens_after_the_as_of_time(small: dict[str, pd.DataFrame]) -> None:
    """Every recorded moment is at or before as-of; only deadlines may lie ahead."""
    for name, frame in small.items():
        for column in frame.columns:
            if column != "deadline" and pd.api.types.is_datetime64_any_dtype(frame[column]):
                assert (frame[column].dropna() <= AS_OF).all(), (name, column)
    for name, column in (("stations", "opened"), ("zero_reports", "day"), ("planted_hotspots", "start"),
                         ("planted_hotspots", "end")):
        assert (pd.to_datetime(small[name][column]) <= pd.Timestamp(TODAY)).all(), (name, column)
    ins = small["inspections"]
    done = ins["rectified_at"].notna()
    assert (ins.loc[done, "rectified_at"] >= ins.loc[done, "found_at"]).all()


# --------------------------------------------------------------------------- households


def _area_per_household(micro: gpd.GeoDataFrame) -> pd.Series:
    """Square metres of micro-grid per household (a tower's stairwell has about 1-2)."""
    return micro.to_crs(metric_crs(micro)).area / micro["households"]


def test_micro_grids_hold_about_thirty_households(small: dict[str, pd.DataFrame]) -> None:
    micro = _level(small["units"], Level.MICRO)
    share = micro["households"].between(20, 40).mean()
    assert share >= 0.8, f"only {share:.0%} of micro-grids hold 20-40 households"
    per_household = _area_per_household(micro)
    assert per_household.min() >= 1.0, micro.loc[per_household < 1.0, "name"].tolist()  # not piled on a point


def test_unit_counts_are_sums_of_assigned_households(small: dict[str, pd.DataFrame]) -> None:
    units, hh = small["units"], small["households"]
    assert not hh["outside"].any()
    for level, column in ((Level.TOWN, "town_code"), (Level.VILLAGE, "village_code"), (Level.GRID, "grid_code"),
                          (Level.MICRO, "micro_code")):
        rows = _level(units, level).set_index("code")
        grouped = hh.groupby(column).agg(n=("id", "size"), residents=("residents", "sum"), floating=("floating", "sum"))
        grouped = grouped.reindex(rows.index).fillna(0)
        assert (rows["households"] == grouped["n"]).all(), level
        assert (rows["residents"] == grouped["residents"]).all(), level
        assert (rows["floating"] == grouped["floating"]).all(), level
    county = _level(units, Level.COUNTY).iloc[0]
    assert county["households"] == len(hh)


def test_household_attributes_are_plausible(small: dict[str, pd.DataFrame]) -> None:
    hh = small["households"]
    assert hh["residents"].between(1, 6).all()
    assert 0.75 <= hh["collected"].mean() <= 0.95
    by_village = hh.groupby("village_code")["collected"].mean()
    assert by_village.max() - by_village.min() > 0.1  # progress differs between villages
    assert ((hh["rooms"] > 0) == hh["rental"]).all()
    assert hh.loc[hh["rental"], "floating"].mean() > hh.loc[~hh["rental"], "floating"].mean()
    assert hh["address"].str.startswith("宜山镇").all()
    assert hh["address"].str.contains("幢").any() and hh["address"].str.contains("组").any()


# --------------------------------------------------------------------------- units


def test_risk_colours_and_staff(small: dict[str, pd.DataFrame]) -> None:
    units = small["units"]
    micro = _level(units, Level.MICRO)
    share = micro["risk_colour"].value_counts(normalize=True)
    assert share["cyan"] > 0.7 and 0 < share["orange"] < share["blue"]
    assert (units["risk_set_at"] <= AS_OF).all()
    for staff in units["staff"]:
        assert staff and all(set(p) == {"name", "role"} and 2 <= len(p["name"]) <= 4 for p in staff)
    grid_roles = {p["role"] for p in _level(units, Level.GRID)["staff"].iloc[0]}
    assert grid_roles == {"grid_leader", "grid_worker"}
    assert _level(units, Level.VILLAGE)["approximate"].all()


# --------------------------------------------------------------------------- stations


def test_stations_of_every_type(small: dict[str, pd.DataFrame]) -> None:
    st = small["stations"]
    assert set(st["station_type"]) == {str(t) for t in StationType}
    assert not st["outside"].any()
    assert (st["station_type"] == "governance_centre").sum() == 2  # the town and the county
    exam = st[st["station_type"] == "exam_help"]
    assert exam["closes"].notna().all() and (exam["opened"] < exam["closes"]).all()
    assert (exam["closes"] < TODAY).sum() >= len(exam) / 2
    party = st[st["station_type"].isin(["party_l2", "party_l3", "happiness"])]
    assert (party["funding_yuan"] == 3000).all()
    assert all(isinstance(s, list) and s for s in st["services"])
    assert (st["station_type"] == "party_l2").sum() == (small["units"]["level"] == "grid").sum()


# --------------------------------------------------------------------------- inspections


def test_inspection_status_and_deadlines(small: dict[str, pd.DataFrame]) -> None:
    ins = small["inspections"]
    assert (ins["found_at"] >= AS_OF - pd.Timedelta(days=365)).all() and (ins["found_at"] <= AS_OF).all()
    days = ins["severity"].map({str(k): v for k, v in HAZARD_DEADLINE_DAYS.items()})
    assert (ins["deadline"] - ins["found_at"] == pd.to_timedelta(days, unit="D")).all()
    share = ins["status"].value_counts(normalize=True)
    assert share["verified"] > 0.85 and 0 < share["overdue"] < 0.05
    overdue = ins[ins["status"] == "overdue"]
    assert (overdue["deadline"] < AS_OF).all() and overdue["rectified_at"].isna().all()
    done = ins[ins["status"].isin(["rectified", "verified"])]
    assert done["rectified_at"].notna().all() and (done["rectified_at"] <= AS_OF).all()
    valid = {str(h) for h in HazardType}
    assert all(1 <= len(t) <= 3 and len(set(t)) == len(t) and set(t) <= valid for t in ins["hazard_types"])
    assert set(ins["severity"]) == {str(s) for s in Severity}


def test_planted_hotspots_are_recorded_and_their_points_lie_inside(small: dict[str, pd.DataFrame]) -> None:
    spots, ins = small["planted_hotspots"], small["inspections"]
    assert len(spots) >= 4
    assert {"persistent", "new", "intensifying", "diminishing"} <= set(spots["pattern"])
    crs = metric_crs(spots)
    centres = spots.to_crs(crs).geometry
    points = ins.to_crs(crs).geometry
    for (_, spot), centre in zip(spots.iterrows(), centres, strict=True):
        near = points.distance(centre) <= spot["radius_m"]
        of_type = ins["hazard_types"].map(lambda t, h=spot["hazard_type"]: t[0] == h)
        start = pd.Timestamp(spot["start"])
        end = pd.Timestamp(spot["end"]) + pd.Timedelta(days=1)
        in_time = ins["found_at"].between(start, end)
        assert (near & of_type & in_time).sum() >= spot["extra_points"], spot["id"]
        if spot["pattern"] == "new":
            assert start >= AS_OF - pd.Timedelta(days=91)


# --------------------------------------------------------------------------- issues


def test_issue_events_follow_the_transitions(small: dict[str, pd.DataFrame]) -> None:
    ev, issues = small["issue_events"], small["issues"]
    first = ev.groupby("issue_id").head(1)
    assert first["from_status"].isna().all() and (first["to_status"] == "reported").all()
    assert len(first) == len(issues)
    same_issue = ev["issue_id"].to_numpy()[1:] == ev["issue_id"].to_numpy()[:-1]
    prev_to = ev["to_status"].to_numpy()[:-1][same_issue]
    this = ev.iloc[1:][same_issue]
    assert (this["from_status"].to_numpy() == prev_to).all()
    pairs = set(zip(this["from_status"], this["to_status"], strict=True))
    assert all(can_transition(a, b, ISSUE_TRANSITIONS) for a, b in pairs)
    assert (np.diff(ev["at"].to_numpy().astype("int64"))[same_issue] >= 0).all()
    last = ev.groupby("issue_id").tail(1).set_index("issue_id").loc[issues["id"]]
    assert (last["to_status"].to_numpy() == issues["status"].to_numpy()).all()
    assert (ev["at"] <= AS_OF).all()
    terminal = issues["status"].isin([str(s) for s in ISSUE_TERMINAL]).to_numpy()
    assert (issues["closed_at"].to_numpy()[terminal] == last["at"].to_numpy()[terminal]).all()
    assert issues["closed_at"][~terminal].isna().all()
    assert {"returned", "duplicate", "invalid"} <= set(ev["to_status"])


def test_most_issues_are_closed_and_some_are_overdue(small: dict[str, pd.DataFrame]) -> None:
    issues = small["issues"]
    terminal = issues["status"].isin([str(s) for s in ISSUE_TERMINAL]).mean()
    assert 0.98 <= terminal < 1.0
    assert issues["status"].eq("closed").mean() > 0.95
    stopped = issues["status"].isin([str(s) for s in ISSUE_CLOCK_STOPPED])
    assert ((issues["deadline"] < AS_OF) & ~stopped).sum() >= 1
    hours = issues["category"].map({k: c.deadline_hours for k, c in CATEGORIES.items()})
    assert (issues["deadline"] - issues["reported_at"] == pd.to_timedelta(hours, unit="h")).all()
    assert (issues["department"] == issues["category"].map({k: c.department for k, c in CATEGORIES.items()})).all()
    assert issues["description"].notna().all() and issues["reporter"].notna().all()


# --------------------------------------------------------------------------- zero reports


def test_zero_reports_cover_sixty_days_with_gaps(small: dict[str, pd.DataFrame]) -> None:
    zr, units = small["zero_reports"], small["units"]
    micro = _level(units, Level.MICRO)
    days = pd.to_datetime(zr["day"])
    assert days.min() == pd.Timestamp(TODAY) - pd.Timedelta(days=59) and days.max() == pd.Timestamp(TODAY)
    past = zr[days < pd.Timestamp(TODAY)]
    rate = past.groupby("micro_code").size().reindex(micro["code"]).fillna(0) / 59
    assert rate.median() > 0.9 and (rate < 0.85).any()
    today = (days == pd.Timestamp(TODAY)).sum()
    assert 0 < today < len(micro)  # the day is not over yet
    assert not zr.duplicated(["micro_code", "day"]).any()
    leader = {code: staff[0]["name"] for code, staff in zip(micro["code"], micro["staff"], strict=True)}
    assert (zr["reporter"] == zr["micro_code"].map(leader)).all()
    assert (zr["reported_at"] <= AS_OF).all()


# --------------------------------------------------------------------------- store


def test_load_demo_writes_everything_in_one_transaction(tmp_path: object, small: dict[str, pd.DataFrame]) -> None:
    from gridmap.store import open_store

    store: Store = open_store(f"sqlite:///{tmp_path}/t.db")
    try:
        stages: list[float] = []
        counts = load_demo(store, "small", seed=7, progress=lambda s, f: stages.append(f), today=TODAY)
        assert counts == {**{name: len(small[name]) for name in DATA_LAYERS}, "users": len(DEMO_ACCOUNTS)}
        assert sorted(store.read("users", SCOPE)["role"]) == sorted(a.role.value for a in DEMO_ACCOUNTS)
        assert store.count("households", SCOPE) == len(small["households"])
        micro = store.read("units", SCOPE, where={"level": "micro"})
        assert len(micro) == (small["units"]["level"] == "micro").sum()
        assert store.get_meta("330327", "plan_version") == "1"
        assert store.get_meta("330327", "demo_scale") == "small"
        assert store.get_meta("330327", "as_of") == "2026-11-23T15:00:00"
        assert stages[-1] == 1.0
        assert len(store.audit_log(SCOPE)) >= len(DATA_LAYERS)
    finally:
        store.close()


# --------------------------------------------------------------------------- county scale


@pytest.mark.slow
def test_county_scale_meets_the_targets() -> None:
    frames = generate("county", seed=7, today=TODAY)  # its run time is for the benchmark, not a test
    units = frames["units"]
    counts = units["level"].value_counts()
    assert counts["town"] == 18 and counts["village"] >= 250
    assert counts["grid"] >= 500 and counts["micro"] >= 5_000
    assert len(frames["households"]) >= 150_000
    assert len(frames["stations"]) >= 300
    assert len(frames["issues"]) >= 100_000
    assert len(frames["inspections"]) >= 50_000
    assert len(frames["planted_hotspots"]) >= 8
    for level in Level:
        geoms = _level(units, level).geometry.to_numpy()
        assert shapely.coverage_is_valid(geoms), level
        assert (shapely.get_num_geometries(geoms) == 1).all(), level
    micro = _level(units, Level.MICRO)
    assert micro["households"].between(20, 40).mean() >= 0.8
    assert _area_per_household(micro).min() >= 0.5  # no micro-grid is a pile of households on a point
    assert not frames["households"]["outside"].any()
