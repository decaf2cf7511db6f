"""The walking route: nearest neighbour + 2-opt in the metric CRS, and its GPX/CSV files."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.hotspots import walking_route, write_csv, write_gpx
from gridmap.hotspots.route import MAX_STOPS, route_length, two_opt
from gridmap.spatial.crs import metric_crs, metric_transformer

CRS = metric_crs(120.4)
X0, Y0 = metric_transformer("EPSG:4326", CRS).transform(120.4, 27.5)
GPX = "{http://www.topografix.com/GPX/1/1}"


def _places(xy_m: list[tuple[float, float]], **columns: list[object]) -> gpd.GeoDataFrame:
    """Places at metric offsets (metres east, north of a point near Cangnan), in EPSG:4326."""
    back = metric_transformer(CRS, "EPSG:4326")
    lon, lat = back.transform(np.array([X0 + x for x, _ in xy_m]), np.array([Y0 + y for _, y in xy_m]))
    return gpd.GeoDataFrame(dict(columns), geometry=shapely.points(lon, lat), crs="EPSG:4326")


def test_known_square_is_walked_round_its_sides() -> None:
    # Corners of a 100 m square given in a crossing order: A, C (opposite), B, D.
    places = _places([(0, 0), (100, 100), (100, 0), (0, 100)], id=["A", "C", "B", "D"])
    route = walking_route(places)
    assert route.frame["id"].iloc[0] == "A"
    assert route.length_m == pytest.approx(300.0, abs=0.01)
    assert route.frame["leg_m"].round(2).tolist() == [0.0, 100.0, 100.0, 100.0]
    assert route.frame["walked_m"].iloc[-1] == pytest.approx(route.length_m)
    assert route.frame["stop"].tolist() == [1, 2, 3, 4]
    assert route.crs == CRS


def test_two_opt_untangles_what_nearest_neighbour_zigzags() -> None:
    # From the start at 0 the nearest place alternates sides: +1, -2, +4, -8 ... metres * 10.
    xs = [10.0, -20.0, 40.0, -80.0, 160.0, -320.0]
    start = _places([(0, 0)]).geometry.iloc[0]
    route = walking_route(_places([(x, 0) for x in xs], id=[str(x) for x in xs]), start=start)
    assert route.nearest_neighbour_m > route.length_m
    # The best open path from 0 goes to one end, then sweeps to the other.
    best = min(abs(min(xs)) * 2 + max(xs), max(xs) * 2 + abs(min(xs)))
    assert route.length_m == pytest.approx(best, abs=0.01)


@pytest.mark.parametrize("seed", range(12))
def test_two_opt_is_never_longer_than_nearest_neighbour_and_is_a_local_optimum(seed: int) -> None:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 2000, size=(int(rng.integers(3, 40)), 2))
    route = walking_route(_places([tuple(p) for p in xy]))
    assert route.length_m <= route.nearest_neighbour_m + 1e-9
    assert sorted(route.order.tolist()) == list(range(len(xy)))  # every place exactly once
    # No single reversal (first stop kept) makes it shorter.
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    order = route.order
    base = route_length(order, dist)
    assert base == pytest.approx(route.length_m, abs=0.05)  # projection round trip: centimetres
    for i, k in itertools.combinations(range(1, len(order)), 2):
        flipped = order.copy()
        flipped[i:k + 1] = flipped[i:k + 1][::-1]
        assert route_length(flipped, dist) >= base - 1e-3


def test_two_opt_on_a_tiny_path_is_unchanged() -> None:
    dist = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert two_opt(np.array([0, 1]), dist).tolist() == [0, 1]


def test_start_position_leads_to_the_nearest_place() -> None:
    places = _places([(500, 0), (50, 0), (900, 0)], id=["mid", "near", "far"])
    start = _places([(0, 0)]).geometry.iloc[0]
    route = walking_route(places, start=start)
    assert route.frame["id"].tolist() == ["near", "mid", "far"]
    assert route.frame["leg_m"].iloc[0] == pytest.approx(50.0, abs=0.01)
    assert route.length_m == pytest.approx(900.0, abs=0.01)


def test_bad_shortlists_are_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match="empty"):
        walking_route(_places([]))
    many = _places([(float(i), 0.0) for i in range(MAX_STOPS + 1)])
    with pytest.raises(ValueError, match="too many"):
        walking_route(many)
    mixed = gpd.GeoDataFrame(geometry=[shapely.Point(120.4, 27.5), shapely.box(120.4, 27.5, 120.41, 27.51)],
                             crs="EPSG:4326")
    with pytest.raises(ValueError, match="point position"):
        walking_route(mixed)
    with pytest.raises(ValueError, match="CRS"):
        walking_route(gpd.GeoDataFrame(geometry=[shapely.Point(120.4, 27.5)]))


def test_gpx_is_well_formed_gpx_1_1_with_escaped_text(tmp_path: Path) -> None:
    nasty = 'A & B <c> "d" \x01\x1f end'
    places = _places([(0, 0), (100, 0), (100, 100)], id=["in-1", "in-2", "in-3"],
                     address=[nasty, "东大街 1 号", None])
    route = walking_route(places)
    path = write_gpx(route, tmp_path / "route.gpx", name="巡查 <路线> & 1")
    raw = path.read_bytes()
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    root = ET.fromstring(raw)  # well-formed, or this raises
    assert root.tag == f"{GPX}gpx" and root.get("version") == "1.1" and root.get("creator") == "gridmap"
    children = [child.tag.removeprefix(GPX) for child in root]
    assert children == ["metadata", "wpt", "wpt", "wpt", "rte"]  # the schema's order
    assert root.find(f"{GPX}metadata/{GPX}name").text == "巡查 <路线> & 1"  # type: ignore[union-attr]
    wpts = root.findall(f"{GPX}wpt")
    assert [w.find(f"{GPX}name").text for w in wpts] == ["1. in-1", "2. in-2", "3. in-3"]  # type: ignore[union-attr]
    assert wpts[0].find(f"{GPX}desc").text == 'A & B <c> "d"  end'  # type: ignore[union-attr]
    assert wpts[2].find(f"{GPX}desc") is None
    rtepts = root.findall(f"{GPX}rte/{GPX}rtept")
    assert [(p.get("lat"), p.get("lon")) for p in rtepts] == [(w.get("lat"), w.get("lon")) for w in wpts]
    lon, lat = route.frame.geometry.iloc[1].x, route.frame.geometry.iloc[1].y
    assert float(wpts[1].get("lat")) == pytest.approx(lat, abs=1e-7)  # type: ignore[arg-type]
    assert float(wpts[1].get("lon")) == pytest.approx(lon, abs=1e-7)  # type: ignore[arg-type]


def test_route_csv_keeps_the_order_and_neutralises_formulas(tmp_path: Path) -> None:
    places = _places([(0, 0), (100, 0)], id=["in-1", "in-2"], address=["=HYPERLINK(\"x\")", "-5 号"])
    route = walking_route(places)
    table = pd.read_csv(write_csv(route.frame, tmp_path / "route.csv"), encoding="utf-8-sig")
    assert table["stop"].tolist() == [1, 2]
    assert table["address"].tolist() == ["'=HYPERLINK(\"x\")", "'-5 号"]
    assert "geometry" not in table.columns


def test_shortlist_holds_the_open_hazards_of_the_hot_spot() -> None:
    import datetime as dt

    from gridmap.hotspots import hotspot_shortlist, hotspots_by_unit
    from tests.hotspots_fixtures import lattice, points_for_counts

    counts = np.ones(64, dtype=int)
    block = [r * 8 + c for r in range(2, 5) for c in range(2, 5)]
    counts[block] = 15
    units = lattice(8, 8)
    pts = points_for_counts(units, counts, seed=1)
    pts["status"] = np.where(np.arange(len(pts)) % 3 == 0, "verified", "found")
    pts["deadline"] = pd.Timestamp("2026-11-01")
    result = hotspots_by_unit(units, pts, variable="count", permutations=0)
    hot_units = set(result.hot["code"][result.hot["bin"] >= 2])
    assert units.loc[3 * 8 + 3, "code"] in hot_units
    chosen = hotspot_shortlist(result, pts, now=dt.datetime(2026, 11, 20))
    inside = units["code"].to_numpy()[chosen["unit"].to_numpy()]
    assert set(inside) <= hot_units and (chosen["status"] == "found").all()
    expect = pts[np.isin(units["code"].to_numpy()[pts["unit"].to_numpy()], list(hot_units)) & (pts["status"] == "found")]
    assert len(chosen) == len(expect) > 0
    one = hotspot_shortlist(result, pts, now=None, codes=[units.loc[0, "code"]])
    assert set(one["unit"]) <= {0} and len(one) == int(((pts["unit"] == 0) & (pts["status"] == "found")).sum())
    late = hotspot_shortlist(result, pts, now=dt.datetime(2026, 11, 20), overdue_only=True)
    assert len(late) == len(chosen)  # every open one is past its deadline here
    assert len(hotspot_shortlist(result, pts, now=dt.datetime(2026, 10, 1), overdue_only=True)) == 0
    assert len(walking_route(chosen).frame) == len(chosen)
