"""Shared data of the plan-version tests: the tiny county with points, a reshaped draft,
the planner and commander sessions, and the independent check of a published plan.

The tiny county (tests/store_fixtures.py) and the draft "shifted"::

    27.52 +------+--+--------+     current plan (1): M1|M2 edge at 120.41, M3|M4 at 120.41
          |  M1  h2 h1  M2 h3|     draft "shifted":  M1|M2 edge moves west to 120.408
    27.51 +------+--+--------+                       M3|M4 edge moves east to 120.417
          |  M3 h4   i4 k1   |     h1 (120.409): M1 -> M2        h5, s1, i4, k1: M4 -> M3
          |       h5 s1 i2 k2|     i2 closed, k2 verified (in M4, inside the new M3):
    27.50 +----------+-------+       both keep M4 (they are history)
        120.40     120.41  120.42
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access import Session, User
from gridmap.domain import LIFECYCLES, POINT_LAYERS, Role
from gridmap.store import Store
from tests.store_fixtures import COUNTY, G1, G2, M1, M2, M3, M4, SCOPE, tiny_issues, tiny_units

COUNTY_UNIT = f"{COUNTY}000000"
TOWN = "330327100000"
NOW = dt.datetime(2026, 12, 3, 10, 0)


def planner(store: Store, name: str = "planner", unit: str = COUNTY_UNIT) -> Session:
    return Session(store, User(name, Role.PLANNER, unit, name))


def commander(store: Store) -> Session:
    return Session(store, User("commander", Role.COMMANDER, COUNTY_UNIT, "指挥长"))


def _pt(x: float, y: float) -> shapely.Point:
    return shapely.Point(x, y)


def seed(store: Store) -> None:
    """Units (plan 1), households h1-h5, station s1, issues i1-i4, hazards k1-k2."""
    households = gpd.GeoDataFrame({
        "id": ["h1", "h2", "h3", "h4", "h5"], "address": [f"古磉路{i}号" for i in range(1, 6)],
        "residents": [3, 2, 4, 1, 5]},
        geometry=[_pt(120.409, 27.515), _pt(120.403, 27.515), _pt(120.415, 27.515), _pt(120.405, 27.505),
                  _pt(120.416, 27.502)], crs="EPSG:4326")
    stations = gpd.GeoDataFrame({"id": ["s1"], "name": ["党群服务站"], "station_type": ["party_l2"]},
                                geometry=[_pt(120.4163, 27.5015)], crs="EPSG:4326")
    issues = pd.concat([tiny_issues(), gpd.GeoDataFrame({
        "id": ["i4"], "category": ["sanitation"], "status": ["in_progress"], "department": ["enforcement"],
        "reported_at": [dt.datetime(2026, 11, 30, 9)]}, geometry=[_pt(120.416, 27.508)], crs="EPSG:4326")],
        ignore_index=True)
    inspections = gpd.GeoDataFrame({
        "id": ["k1", "k2"], "place_type": ["rental", "shop"], "hazard_types": [["flying_wire"], ["gas"]],
        "severity": ["high", "low"], "status": ["found", "verified"],
        "found_at": [dt.datetime(2026, 11, 29, 9), dt.datetime(2026, 10, 1, 9)]},
        geometry=[_pt(120.4165, 27.503), _pt(120.4162, 27.504)], crs="EPSG:4326")
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    from gridmap.spatial.assign import assign

    units = tiny_units()
    with store.transaction("seed", SCOPE) as tx:
        for name, frame in (("households", households), ("stations", stations), ("issues", issues),
                            ("inspections", inspections)):
            tx.insert(name, assign(gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326"), units))


def _mp(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


SHIFTED = {M1: _mp(120.40, 27.51, 120.408, 27.52), M2: _mp(120.408, 27.51, 120.42, 27.52),
           M3: _mp(120.40, 27.50, 120.417, 27.51), M4: _mp(120.417, 27.50, 120.42, 27.51)}


def shifted(plan: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, set[str]]:
    """The draft "shifted" (see the module picture): a new frame and the changed codes."""
    out = plan.copy()
    for code, geom in SHIFTED.items():
        out.loc[out["code"] == code, "geometry"] = geom
    return out, set(SHIFTED)


def assert_published_plan_is_sound(store: Store) -> None:
    """The independent check after a publish, written with shapely only.

    - Every unit's children cover it with no gap and no overlap.
    - Every household and station, and every unfinished issue and hazard, carries the
      micro-grid of the current plan that contains it (the smallest code on an edge).
    """
    plan = int(store.get_meta(COUNTY, "plan_version") or 1)
    units = store.read("units", SCOPE, where={"plan_version": plan})
    assert len(units) and not units["code"].duplicated().any()
    for parent in units.itertuples():
        children = units[units["parent_code"] == parent.code]
        if children.empty:
            continue
        union = shapely.union_all(children.geometry.to_numpy())
        gap_or_outside = shapely.symmetric_difference(union, parent.geometry).area
        overlap = sum(g.area for g in children.geometry) - union.area
        assert gap_or_outside < 1e-12, f"{parent.code}: children leave a gap or spill over ({gap_or_outside})"
        assert abs(overlap) < 1e-12, f"{parent.code}: children overlap ({overlap})"
    micro = units[units["level"] == "micro"]
    for name in POINT_LAYERS:
        rows = store.read(name, SCOPE)
        for row in rows.itertuples():
            if name in LIFECYCLES and str(row.status) in LIFECYCLES[name].terminal:
                continue
            containing = sorted(micro.loc[micro.geometry.intersects(row.geometry).to_numpy(), "code"])
            want = containing[0] if containing else None
            got = None if row.micro_code is None or (isinstance(row.micro_code, float)
                                                      and np.isnan(row.micro_code)) else row.micro_code
            assert got == want, f"{name} {row.id}: micro_code {got!r}, the plan puts it in {want!r}"


def micro_of(store: Store, layer_name: str) -> dict[str, str | None]:
    rows = store.read(layer_name, SCOPE, columns=["id", "micro_code"])
    return {str(i): (None if c is None else str(c)) for i, c in zip(rows["id"], rows["micro_code"], strict=True)}


__all__ = ["G1", "G2", "M1", "M2", "M3", "M4", "NOW", "SCOPE", "TOWN", "assert_published_plan_is_sound",
           "commander", "micro_of", "planner", "seed", "shifted"]
