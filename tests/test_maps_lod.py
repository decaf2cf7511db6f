"""gridmap.maps.lod: coverage-preserving simplification, rounding, and the scoped cache."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from gridmap.domain import Level, Scope
from gridmap.maps import lod
from gridmap.spatial.crs import metric_crs, to_metric
from gridmap.store import Store, open_store
from tests.store_fixtures import G1, G2, M1, M2, M3, M4, SCOPE, VILLAGE, tiny_units

TOLERANCE_M = 4.0
TOP = (120.40, 120.41, 120.42, 120.43)
BOTTOM = (120.40, 120.405, 120.415, 120.425, 120.43)


def wiggly_coverage(seed: int = 7, jitter_deg: float = 1e-5, vertices: int = 30) -> gpd.GeoDataFrame:
    """Seven cells in brick bond whose shared edges zig-zag (so simplification has work)::

        27.53  +~~~~~~~+~~~~~~~+~~~~~~~+
               |   A   ~   B   ~   C   |   the lower row is offset by half a cell, so
        27.515 +~~~+~~~+~~~+~~~+~~~+~~~+   the middle line has T-junctions; every edge
               | D ~   E   ~   F   ~ G |   between two nodes is a polyline of 30
        27.50  +~~~+~~~~~~~+~~~~~~~+~~~+   vertices jittered about 1 m across it
             120.40 .405  .415    .425 .43  (fixed seed); both neighbours share them
    """
    rng = np.random.default_rng(seed)

    def edge(p: tuple[float, float], q: tuple[float, float]) -> shapely.LineString:
        t = np.linspace(0.0, 1.0, vertices)
        pts = np.outer(1 - t, p) + np.outer(t, q)
        normal = np.array([p[1] - q[1], q[0] - p[0]]) / np.hypot(q[0] - p[0], q[1] - p[1])
        offsets = np.r_[0.0, rng.uniform(-jitter_deg, jitter_deg, vertices - 2), 0.0]
        return shapely.LineString(pts + np.outer(offsets, normal))

    middle = sorted(set(TOP) | set(BOTTOM))
    edges = [edge((a, y), (b, y)) for xs, y in ((TOP, 27.53), (middle, 27.515), (BOTTOM, 27.50))
             for a, b in itertools.pairwise(xs)]
    edges += [edge((x, 27.515), (x, 27.53)) for x in TOP]
    edges += [edge((x, 27.50), (x, 27.515)) for x in BOTTOM]
    cells = list(shapely.get_parts(shapely.polygonize(edges)))
    cells.sort(key=lambda p: (-round(p.centroid.y, 3), round(p.centroid.x, 3)))
    assert len(cells) == 7, "the fixture draws seven cells"
    return gpd.GeoDataFrame({"code": list("ABCDEFG"), "level": "micro", "name": list("ABCDEFG")},
                            geometry=[shapely.MultiPolygon([c]) for c in cells], crs="EPSG:4326")


@pytest.fixture
def cells() -> gpd.GeoDataFrame:
    frame = wiggly_coverage()
    assert shapely.coverage_is_valid(np.asarray(frame.geometry.values)), "fixture is a valid coverage"
    return frame


# --------------------------------------------------------------------------- pure


def test_simplified_cells_are_still_a_valid_coverage(cells: gpd.GeoDataFrame) -> None:
    out = lod.simplify_units(cells, TOLERANCE_M)
    geoms = np.asarray(out.geometry.values)
    assert shapely.coverage_is_valid(geoms)
    assert shapely.is_valid(geoms).all()
    union = shapely.coverage_union_all(geoms)
    assert shapely.get_num_interior_rings(shapely.get_geometry(union, 0)) == 0, "no gaps between cells"


def test_plain_simplify_breaks_the_same_coverage(cells: gpd.GeoDataFrame) -> None:
    """Guards the test above: the fixture is one where the naive method fails."""
    metric = to_metric(cells.geometry)
    plain = shapely.simplify(np.asarray(metric.values), TOLERANCE_M, preserve_topology=True)
    assert not shapely.coverage_is_valid(plain)


def test_simplification_removes_vertices(cells: gpd.GeoDataFrame) -> None:
    before = shapely.get_num_coordinates(np.asarray(cells.geometry.values)).sum()
    after = shapely.get_num_coordinates(np.asarray(lod.simplify_units(cells, TOLERANCE_M).geometry.values)).sum()
    assert after < 0.8 * before, (before, after)


def test_areas_change_by_less_than_tolerance_times_perimeter(cells: gpd.GeoDataFrame) -> None:
    out = lod.simplify_units(cells, TOLERANCE_M)
    crs = metric_crs(cells)
    before, after = to_metric(cells.geometry, crs), to_metric(out.geometry, crs)
    bound = TOLERANCE_M * before.length.to_numpy()
    change = np.abs(after.area.to_numpy() - before.area.to_numpy())
    assert (change <= bound).all(), (change, bound)
    assert change.max() > 0, "the jitter was actually simplified away"
    assert after.area.sum() == pytest.approx(before.area.sum(), rel=1e-3)


def test_coordinates_are_rounded_to_five_decimals(cells: gpd.GeoDataFrame) -> None:
    coords = shapely.get_coordinates(np.asarray(lod.simplify_units(cells, TOLERANCE_M).geometry.values))
    scaled = coords * 10**lod.DECIMALS
    assert np.abs(scaled - np.round(scaled)).max() < 1e-6
    raw = shapely.get_coordinates(np.asarray(cells.geometry.values)) * 10**lod.DECIMALS
    assert np.abs(raw - np.round(raw)).max() > 1e-3, "the fixture itself is not rounded"


def test_rounding_keeps_a_nearly_touching_ring_valid() -> None:
    """A notch narrower than the rounding grid would make a self-touching ring."""
    notch = shapely.Polygon([(120.4, 27.5), (120.41, 27.5), (120.41, 27.51), (120.405004, 27.51),
                             (120.405002, 27.505), (120.405, 27.51), (120.4, 27.51)])
    assert notch.is_valid
    naive = shapely.transform(notch, lambda xy: np.round(xy, 5))
    assert not naive.is_valid, "plain rounding breaks this ring"
    out = lod.round_geometries(np.array([notch], dtype=object))
    assert shapely.is_valid(out).all()
    assert out[0].area == pytest.approx(notch.area, rel=1e-3)


def test_invalid_coverage_falls_back_without_error(cells: gpd.GeoDataFrame) -> None:
    overlapping = cells.copy()
    overlapping.loc[0, "geometry"] = shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.415, 27.53)])
    out = lod.simplify_units(overlapping, TOLERANCE_M)
    assert len(out) == len(overlapping)
    assert shapely.is_valid(np.asarray(out.geometry.values)).all()


def test_simplify_refuses_a_projected_frame(cells: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="EPSG:4326"):
        lod.simplify_units(to_metric(cells), TOLERANCE_M)
    with pytest.raises(ValueError, match="tolerance"):
        lod.simplify_units(cells, -1)


def test_level_units_picks_one_level_and_its_tolerance() -> None:
    units = tiny_units()
    grids = lod.level_units(units, Level.GRID)
    assert sorted(grids["code"]) == [G1, G2]
    assert set(grids.geometry.geom_type) == {"MultiPolygon"}


# --------------------------------------------------------------------------- cached, scoped


@dataclasses.dataclass
class Reader:
    """The part of gridmap.access.Session that units_at_level uses."""

    store: Store
    scope: Scope
    reads: int = 0

    def read(self, layer_name: str, **kwargs: Any) -> Any:
        self.reads += 1
        return self.store.read(layer_name, self.scope, **kwargs)

    @property
    def store_url(self) -> str:
        return self.store.url

    def current_plan(self) -> int:
        return self.store.current_plan(self.scope.county_code)


@pytest.fixture
def tiny_sqlite(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'tiny.db'}")
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    yield store
    store.close()


def test_units_at_level_reads_only_the_scope(tiny_sqlite: Store) -> None:
    cache = lod.GeometryCache()
    county = lod.units_at_level(Reader(tiny_sqlite, SCOPE), "micro", cache=cache)
    assert county["code"].tolist() == [M1, M2, M3, M4]
    grid = lod.units_at_level(Reader(tiny_sqlite, Scope("330327", G1, Level.GRID)), "micro", cache=cache)
    assert grid["code"].tolist() == [M1, M2]
    assert len(cache) == 2, "one entry per scope prefix"
    assert grid.crs.equals("EPSG:4326")
    assert {"name", "households", "risk_colour"} <= set(grid.columns)


def test_cache_never_returns_rows_of_another_jurisdiction(tiny_sqlite: Store) -> None:
    """Even a poisoned entry under the right key cannot add rows outside the scope."""
    cache = lod.GeometryCache()
    g1 = Reader(tiny_sqlite, Scope("330327", G1, Level.GRID))
    first = lod.units_at_level(g1, "micro", cache=cache)
    key = next(iter(cache._entries))
    fingerprint, geoms = cache._entries[key]
    foreign = lod.units_at_level(Reader(tiny_sqlite, SCOPE), "micro", cache=None)
    poisoned = {**geoms, M3: foreign.set_index("code").geometry[M3], M4: foreign.set_index("code").geometry[M4]}
    cache.put(key, fingerprint, poisoned)
    again = lod.units_at_level(g1, "micro", cache=cache)
    assert again["code"].tolist() == first["code"].tolist() == [M1, M2]
    assert cache.hits == 1


def test_cache_key_has_store_county_plan_level_and_prefix(tiny_sqlite: Store) -> None:
    cache = lod.GeometryCache()
    lod.units_at_level(Reader(tiny_sqlite, Scope("330327", VILLAGE, Level.VILLAGE)), "grid", cache=cache)
    (key,) = cache._entries
    assert key == (tiny_sqlite.url, "330327", 1, "grid", VILLAGE)


def test_cache_hit_then_miss_after_a_boundary_edit(tiny_sqlite: Store) -> None:
    cache = lod.GeometryCache()
    reader = Reader(tiny_sqlite, SCOPE)
    lod.units_at_level(reader, "micro", cache=cache)
    lod.units_at_level(reader, "micro", cache=cache)
    assert (cache.hits, cache.misses) == (1, 1)
    smaller = shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.405, 27.52)])
    with tiny_sqlite.transaction("tester", SCOPE) as tx:
        tx.update("units", f"{M1}:1", {"geometry": smaller})
    after = lod.units_at_level(reader, "micro", cache=cache).set_index("code")
    assert cache.misses == 2, "the edited geometry was recomputed, not served from the cache"
    assert after.geometry[M1].equals(smaller)


def test_units_at_level_follows_the_plan_version(tiny_sqlite: Store) -> None:
    assert lod.units_at_level(Reader(tiny_sqlite, SCOPE), "micro", plan_version=2, cache=None).empty


def test_cache_is_bounded() -> None:
    cache = lod.GeometryCache(max_entries=2)
    for i in range(3):
        cache.put(("u", "330327", 1, "micro", str(i)), "f", {})
    assert len(cache) == 2
    assert cache.get(("u", "330327", 1, "micro", "0"), "f") is None
