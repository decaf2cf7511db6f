"""Do imported units nest? Parents, levels, codes, containment and sibling overlaps.

Rules, each checked for every imported unit and reported with its code:

- codes are unique, all digits, and as long as their level's codes (12/12/12/14/17);
- a unit below county level has a parent (``parent_code``; when left empty it is
  derived from the code and reported), found in the file or among the stored units;
- the unit's level is the level right below its parent's, and its code starts with
  the parent's code prefix (scopes are code prefixes, so this is what keeps a
  village's data inside its town's jurisdiction);
- the unit lies within its parent: at most 0.1 % of its area outside, or nothing
  farther out than :data:`CONTAINMENT_TOLERANCE_M`;
- siblings (same parent) do not overlap by more than :data:`OVERLAP_TOLERANCE_M2` and
  0.1 % of the smaller one's area.

Slivers and vertex mismatches along shared edges are tolerated here (real surveyed
boundaries have them); ``gridmap.spatial.coverage`` is the place that cleans them.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import CODE_LENGTH, Level, ancestor_code, code_prefix
from gridmap.io.problems import Message, Problem, problem
from gridmap.spatial.crs import metric_crs

# Containment: a child may stick out of its parent by this much (surveying noise).
CONTAINMENT_TOLERANCE_M = 1.0
CONTAINMENT_AREA_FRACTION = 0.001
# Siblings may overlap by slivers up to this area and this fraction of the smaller one.
OVERLAP_TOLERANCE_M2 = 1.0
OVERLAP_AREA_FRACTION = 0.001
_LEVELS = frozenset(level.value for level in Level)


def derive_parents(units: pd.DataFrame, keys: list[str | None]) -> tuple[pd.Series, list[Problem]]:
    """``parent_code`` with empty values below county level filled from the code.

    Returns:
        The parent codes and one "repaired" note per derived parent.
    """
    parents = units["parent_code"].copy()
    notes = []
    for i, (code, level, parent) in enumerate(zip(units["code"], units["level"], parents, strict=True)):
        above = Level(level).parent if level in _LEVELS else None
        if parent is None and code and above is not None:
            derived = ancestor_code(code, above)
            parents.iloc[i] = derived
            notes.append(problem(i + 1, "io.unit.parent_derived", field="parent_code", ref=keys[i],
                                 severity="repaired", parent=derived))
    return parents, notes


def check_nesting(units: gpd.GeoDataFrame, existing: gpd.GeoDataFrame | None = None) -> list[Problem]:
    """Problems with how ``units`` nest into each other and into ``existing``.

    Args:
        units: the imported units in EPSG:4326 (``code``, ``level``, ``parent_code``,
            geometry), already checked one by one (valid geometry, known level).
        existing: the stored units they join (same plan version), or None when the
            store is not known: then parents missing from the file are not reported.

    Returns:
        Errors naming the unit codes concerned.
    """
    errors = _check_codes(units)
    if errors:
        return errors
    pool = _pool(units, existing)
    errors += _check_parents(units, pool, known_store=existing is not None)
    if errors or units.empty:
        return errors
    crs = metric_crs(tuple(pool.total_bounds))
    metric = pool.geometry.to_crs(crs) if len(pool) else pool.geometry
    areas = shapely.area(metric.to_numpy())
    errors += _check_containment(units, pool, metric.to_numpy(), areas)
    errors += _check_overlaps(pool, metric.to_numpy(), areas)
    return errors


def _check_codes(units: gpd.GeoDataFrame) -> list[Problem]:
    errors = []
    codes = units["code"]
    for code in sorted(set(codes[codes.duplicated()])):
        rows = [int(i) + 1 for i in np.flatnonzero(codes.to_numpy() == code)[:10]]
        errors.append(problem(code, "io.unit.duplicate_code", field="code", rows=rows))
    for code, level in zip(codes, units["level"], strict=True):
        want = CODE_LENGTH[Level(level)]
        if not (code.isdigit() and len(code) == want):
            errors.append(problem(code, "io.unit.code_length", field="code", level=_level(level), want=want,
                                  length=len(code)))
    return errors


def _pool(units: gpd.GeoDataFrame, existing: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """File units first, then stored units whose codes the file does not repeat."""
    cols = ["code", "level", "parent_code", "geometry"]
    frames = [units[cols].assign(imported=True)]
    if existing is not None and len(existing):
        kept = existing.loc[~existing["code"].isin(units["code"]), cols]
        frames.append(kept.assign(imported=False))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def _check_parents(units: gpd.GeoDataFrame, pool: gpd.GeoDataFrame, known_store: bool) -> list[Problem]:
    level_of = dict(zip(pool["code"], pool["level"], strict=True))
    errors = []
    for code, level, parent in zip(units["code"], units["level"], units["parent_code"], strict=True):
        lvl = Level(level)
        if lvl == Level.COUNTY:
            continue
        if parent not in level_of:
            if known_store:
                errors.append(problem(code, "io.unit.parent_missing", field="parent_code", parent=parent))
            continue
        parent_level = Level(level_of[parent])
        if parent_level.child != lvl:
            errors.append(problem(code, "io.unit.level_mismatch", field="level", level=_level(lvl),
                                  want=_level(lvl.parent), parent=parent, parent_level=_level(parent_level)))
        elif not code.startswith(code_prefix(parent, parent_level)):
            errors.append(problem(code, "io.unit.prefix", field="code", parent=parent,
                                  prefix=code_prefix(parent, parent_level)))
    return errors


def _check_containment(units: gpd.GeoDataFrame, pool: gpd.GeoDataFrame, metric: np.ndarray,
                       areas: np.ndarray) -> list[Problem]:
    row_of = {c: i for i, c in enumerate(pool["code"])}
    pairs = [(row_of[c], row_of[p]) for c, p in zip(units["code"], units["parent_code"], strict=True)
             if p in row_of]
    if not pairs:
        return []
    child, parent = (np.array(x, dtype=int) for x in zip(*pairs, strict=True))
    outside = shapely.area(shapely.difference(metric[child], metric[parent]))
    ok = outside <= CONTAINMENT_AREA_FRACTION * areas[child]
    unsure = np.flatnonzero(~ok)
    if unsure.size:
        ok[unsure] = shapely.within(metric[child[unsure]],
                                    shapely.buffer(metric[parent[unsure]], CONTAINMENT_TOLERANCE_M))
    codes = pool["code"].to_numpy()
    return [problem(codes[child[j]], "io.unit.outside_parent", field="geometry", parent=codes[parent[j]],
                    area=f"{outside[j]:.0f}", share=f"{outside[j] / max(areas[child[j]], 1e-9):.1%}")
            for j in np.flatnonzero(~ok)]


def _check_overlaps(pool: gpd.GeoDataFrame, metric: np.ndarray, areas: np.ndarray) -> list[Problem]:
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    imported = pool["imported"].to_numpy()
    parents = pool["parent_code"].to_numpy(dtype=object)
    levels = pool["level"].to_numpy(dtype=object)
    keep = (left < right) & (imported[left] | imported[right]) & (levels[left] == levels[right])
    keep &= np.array([a == b and a is not None for a, b in zip(parents[left], parents[right], strict=True)],
                     dtype=bool)
    left, right = left[keep], right[keep]
    if left.size == 0:
        return []
    overlap = shapely.area(shapely.intersection(metric[left], metric[right]))
    smaller = np.minimum(areas[left], areas[right])
    bad = (overlap > OVERLAP_TOLERANCE_M2) & (overlap > OVERLAP_AREA_FRACTION * smaller)
    codes = pool["code"].to_numpy()
    return [problem(codes[left[j]], "io.unit.overlap", field="geometry", other=codes[right[j]],
                    area=f"{overlap[j]:.0f}", share=f"{overlap[j] / max(smaller[j], 1e-9):.1%}")
            for j in np.flatnonzero(bad)]


def _level(level: str | Level | None) -> Message | str:
    """A level's label in the message's language (``微网格`` / ``Micro-grid``), or the code as given."""
    return Message(f"level.{Level(level).value}") if level in _LEVELS or isinstance(level, Level) else str(level)

