"""Unit polygons of the demo: one Voronoi tessellation, dissolved level by level.

The micro-grid seeds of the whole area are tessellated once
(:func:`gridmap.spatial.tessellate.voronoi_faces`); every detached piece is handed to
a neighbour (:func:`gridmap.spatial.tessellate.repair_contiguity`) so that each town,
village, grid and micro-grid is one connected polygon; then micro-grids are the unions
of their faces, grids the unions of their micro-grids, and so on up to the county. So
every child lies inside its parent, siblings never overlap, and each level is a valid
coverage of the area.

Households are then moved, where needed, into the polygon of the micro-grid they were
grouped into, so that a micro-grid's households are exactly its group.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from gridmap.demo.places import COUNTY_NAME, COUNTY_UNIT_CODE, Places
from gridmap.demo.population import Population
from gridmap.domain import Level
from gridmap.spatial.crs import STORE_CRS
from gridmap.spatial.tessellate import dissolve, face_adjacency, repair_contiguity, voronoi_faces

_PULL_STEPS = (0.85, 0.7, 0.5, 0.3, 0.15, 0.05)


@dataclass
class Hierarchy:
    """Units of all levels (EPSG:4326) and where the households ended up.

    ``units`` has columns code, level, name, parent_code, geometry, plus ``town``,
    ``village`` (row of ``places.villages``, -1 above village level) for the demo's own
    use. ``household_micro`` gives each household's row in ``units``.
    """

    units: gpd.GeoDataFrame
    household_micro: np.ndarray


def build_hierarchy(places: Places, pop: Population) -> Hierarchy:
    """Tessellate, repair, dissolve and name every level; move households inside.

    ``pop.households`` gets its ``x``/``y`` (moved points) and ``micro`` (index among
    surviving micro-grids) updated in place.
    """
    town_of_micro = _town_index(places)[pop.micro_village]
    faces, owner = voronoi_faces(pop.seeds, places.area, town_of_micro, places.town_regions)
    seed_face = _seed_faces(faces, owner, pop.seeds)
    face_micro, (_, micro_village, micro_grid) = _repaired(faces, owner, seed_face, town_of_micro, pop)
    micro_of_household = _survivors(face_micro, seed_face, faces, pop)
    alive = np.bincount(face_micro, minlength=len(pop.seeds)) > 0
    new_index = np.cumsum(alive) - 1
    face_micro = new_index[face_micro]
    micro_village = micro_village[alive]
    micro_grid = micro_grid[alive]
    micro_polys = dissolve(faces, face_micro, int(alive.sum()))
    household_micro = new_index[micro_of_household]
    _pull_households(pop.households, household_micro, micro_polys, pop.seeds[alive])
    pop.households["micro"] = household_micro
    pop.households["village"] = micro_village[household_micro]
    micro_lonlat = shapely.transform(micro_polys, lambda xy: np.column_stack(places.to_store_xy(xy[:, 0], xy[:, 1])))
    units = _unit_table(places, micro_lonlat, micro_village, micro_grid)
    first_micro = int(np.flatnonzero(units["level"].to_numpy() == Level.MICRO)[0])
    return Hierarchy(units, first_micro + household_micro)


# --------------------------------------------------------------------------- geometry


def _seed_faces(faces: np.ndarray, owner: np.ndarray, seeds: np.ndarray) -> np.ndarray:
    """The face that holds each seed (-1 when the seed lies outside the area)."""
    seed_idx, face_idx = shapely.STRtree(faces).query(shapely.points(seeds), predicate="intersects")
    mine = owner[face_idx] == seed_idx
    out = np.full(len(seeds), -1, dtype=np.int64)
    out[seed_idx[mine][::-1]] = face_idx[mine][::-1]
    return out


def _town_index(places: Places) -> np.ndarray:
    """Row of ``places.towns`` for each row of ``places.villages``."""
    return pd.Index(places.towns["code"]).get_indexer(places.villages["town_code"])


def _repaired(faces: np.ndarray, owner: np.ndarray, seed_face: np.ndarray, town_of_micro: np.ndarray,
              pop: Population) -> tuple[np.ndarray, list[np.ndarray]]:
    """Face -> micro-grid, and micro-grid -> town/village/grid, all connected."""
    area = shapely.area(faces)
    weight = 0.5 * area / area.sum()
    group_size = np.bincount(pop.households["micro"].to_numpy(), minlength=len(pop.seeds))
    has = seed_face >= 0
    np.add.at(weight, seed_face[has], group_size[has])
    ancestors = [town_of_micro, pop.micro_village, pop.micro_grid]
    return repair_contiguity(owner, ancestors, face_adjacency(faces), weight)


def _survivors(face_micro: np.ndarray, seed_face: np.ndarray, faces: np.ndarray, pop: Population) -> np.ndarray:
    """Each household's micro-grid, folding micro-grids left without faces into the
    micro-grid that now holds their seed."""
    alive = np.bincount(face_micro, minlength=len(pop.seeds)) > 0
    target = np.arange(len(pop.seeds))
    dead = np.flatnonzero(~alive)
    if len(dead):
        found = shapely.STRtree(faces).query_nearest(shapely.points(pop.seeds[dead]), all_matches=False)
        nearest = np.empty(len(dead), dtype=np.int64)
        nearest[found[0]] = found[1]
        holder = np.where(seed_face[dead] >= 0, seed_face[dead], nearest)
        target[dead] = face_micro[holder]
    return target[pop.households["micro"].to_numpy()]


def _pull_households(households: pd.DataFrame, micro: np.ndarray, polys: np.ndarray, seeds: np.ndarray) -> None:
    """Move households lying outside their micro-grid towards its seed (in place)."""
    shapely.prepare(polys)
    anchor = seeds.copy()
    seed_inside = shapely.contains_xy(polys, seeds[:, 0], seeds[:, 1])
    anchor[~seed_inside] = shapely.get_coordinates(shapely.point_on_surface(polys[~seed_inside]))
    xy = households[["x", "y"]].to_numpy().copy()
    out = np.flatnonzero(~shapely.contains_xy(polys[micro], xy[:, 0], xy[:, 1]))
    original = xy[out].copy()
    for t in _PULL_STEPS:
        if len(out) == 0:
            break
        cand = anchor[micro[out]] + (original - anchor[micro[out]]) * t
        ok = shapely.contains_xy(polys[micro[out]], cand[:, 0], cand[:, 1])
        xy[out[ok]] = cand[ok]
        out, original = out[~ok], original[~ok]
    xy[out] = anchor[micro[out]]
    households["x"], households["y"] = xy[:, 0], xy[:, 1]


# --------------------------------------------------------------------------- table


def _unit_table(places: Places, micro_polys: np.ndarray, micro_village: np.ndarray,
                micro_grid: np.ndarray) -> gpd.GeoDataFrame:
    """Codes, names, parents and dissolved geometry of every level, coarsest first."""
    villages = places.villages
    grid_ids, grid_of_micro = np.unique(micro_grid, return_inverse=True)
    grid_village = np.empty(len(grid_ids), dtype=np.int64)
    grid_village[grid_of_micro] = micro_village
    grid_polys = dissolve(micro_polys, grid_of_micro, len(grid_ids))
    village_ids, village_of_grid = np.unique(grid_village, return_inverse=True)
    village_polys = dissolve(grid_polys, village_of_grid, len(village_ids))
    town_codes = villages["town_code"].to_numpy()[village_ids]
    towns = places.towns[places.towns["code"].isin(town_codes)].reset_index(drop=True)
    town_of_village = pd.Index(towns["code"]).get_indexer(town_codes)
    town_polys = dissolve(village_polys, town_of_village, len(towns))
    town_row = pd.Index(places.towns["code"]).get_indexer(towns["code"])
    county_poly = shapely.coverage_union_all(town_polys)

    grid_no = _rank_within(village_of_grid)
    micro_no = _rank_within(grid_of_micro)
    v_codes = villages["code"].to_numpy()[village_ids]
    v_names = villages["name"].to_numpy()[village_ids]
    g_codes = np.array([f"{v_codes[v]}{k:02d}" for v, k in zip(village_of_grid, grid_no, strict=True)], dtype=object)
    g_names = np.array([f"{v_names[v]}第{k}网格" for v, k in zip(village_of_grid, grid_no, strict=True)], dtype=object)
    m_codes = np.array([f"{g_codes[g]}{k:03d}" for g, k in zip(grid_of_micro, micro_no, strict=True)], dtype=object)
    m_names = np.array([f"{g_names[g]}第{k}微网格" for g, k in zip(grid_of_micro, micro_no, strict=True)], dtype=object)
    frames = [
        _level(Level.COUNTY, [COUNTY_UNIT_CODE], [COUNTY_NAME], np.array([None], dtype=object), [county_poly],
               -1, -1),
        _level(Level.TOWN, towns["code"], towns["name"], [COUNTY_UNIT_CODE] * len(towns), town_polys,
               town_row, -1),
        _level(Level.VILLAGE, v_codes, v_names, towns["code"].to_numpy()[town_of_village], village_polys,
               town_row[town_of_village], village_ids),
        _level(Level.GRID, g_codes, g_names, v_codes[village_of_grid], grid_polys,
               town_row[town_of_village][village_of_grid], village_ids[village_of_grid]),
        _level(Level.MICRO, m_codes, m_names, g_codes[grid_of_micro], micro_polys,
               town_row[town_of_village][village_of_grid][grid_of_micro], micro_village),
    ]
    table = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(table, geometry="geometry", crs=STORE_CRS)


def _level(level: Level, codes: ArrayLike, names: ArrayLike, parents: ArrayLike, geoms: ArrayLike,
           town: ArrayLike, village: ArrayLike) -> pd.DataFrame:
    """The rows of one level; ``town``/``village`` may be scalars (-1: not applicable)."""
    codes = np.asarray(codes, dtype=object)
    n = len(codes)
    return pd.DataFrame({
        "code": codes, "level": str(level), "name": np.asarray(names, dtype=object),
        "parent_code": np.asarray(parents, dtype=object), "geometry": np.asarray(geoms, dtype=object),
        "town": np.broadcast_to(np.asarray(town), (n,)).astype(np.int64),
        "village": np.broadcast_to(np.asarray(village), (n,)).astype(np.int64),
    })


def _rank_within(group: np.ndarray) -> np.ndarray:
    """1-based position of each element among the elements of its group, in order."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, sorted_group)
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - starts + 1
    return rank
