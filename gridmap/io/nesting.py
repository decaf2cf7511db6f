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
from gridmap.io.problems import Problem, problem
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
        if parent is None and code and level in _LEVELS and Level(level) != Level.COUNTY:
            derived = ancestor_code(code, Level(level).parent)
            parents.iloc[i] = derived
            notes.append(problem(i + 1, f"未填上级编码，已按编码推定为 {derived}", field="parent_code",
                                 key=keys[i], severity="repaired"))
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
    errors += _check_overlaps(units, pool, metric.to_numpy(), areas)
    return errors


def _check_codes(units: gpd.GeoDataFrame) -> list[Problem]:
    errors = []
    codes = units["code"]
    for code in sorted(set(codes[codes.duplicated()])):
        rows = "、".join(str(i + 1) for i in np.flatnonzero(codes.to_numpy() == code)[:10])
        errors.append(problem(code, f"编码重复（第 {rows} 个要素）", field="code"))
    for code, level in zip(codes, units["level"], strict=True):
        want = CODE_LENGTH[Level(level)]
        if not (code.isdigit() and len(code) == want):
            errors.append(problem(code, f"{level} 级编码应为 {want} 位数字，实际为 {len(code)} 位", field="code"))
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
                errors.append(problem(code, f"上级单元 {parent} 既不在文件中也不在库中；请先导入上级单元",
                                      field="parent_code"))
            continue
        parent_level = Level(level_of[parent])
        if parent_level.child != lvl:
            errors.append(problem(code, f"层级为 {lvl}，其上级应为 {lvl.parent} 级，但上级 {parent} 是 {parent_level} 级",
                                  field="level"))
        elif not code.startswith(code_prefix(parent, parent_level)):
            errors.append(problem(code, f"编码不以上级 {parent} 的编码前缀 {code_prefix(parent, parent_level)} 开头",
                                  field="code"))
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
    return [problem(codes[child[j]], f"超出上级单元 {codes[parent[j]]} 的范围 {outside[j]:.0f} 平方米"
                                     f"（占本单元面积 {outside[j] / max(areas[child[j]], 1e-9):.1%}）",
                    field="geometry") for j in np.flatnonzero(~ok)]


def _check_overlaps(units: gpd.GeoDataFrame, pool: gpd.GeoDataFrame, metric: np.ndarray,
                    areas: np.ndarray) -> list[Problem]:
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
    return [problem(codes[left[j]], f"与同级单元 {codes[right[j]]} 重叠 {overlap[j]:.0f} 平方米"
                                    f"（占较小者面积 {overlap[j] / max(smaller[j], 1e-9):.1%}）", field="geometry")
            for j in np.flatnonzero(bad)]

