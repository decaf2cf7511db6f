"""Impact preview: what a draft changes for the people and things on the map, before publishing.

:func:`impact` compares a draft with the current plan (or another version): per changed
unit, before and after, the households, residents, service stations, open issues, open
hazards, staff and daily zero-report duties (the micro-grids whose worker reports every
day), and the points that change micro-grid (for the map). Everything is computed in
memory with :func:`gridmap.spatial.assign.assign`; nothing is written.

The points that move are the ones publishing would move (:func:`gridmap.plan.versions.publish`):
households, stations, and issues and hazards still in their lifecycle; finished ones keep
their unit. "Open" in the counts is :func:`gridmap.workflow.is_open`, as on every page.

:func:`compare` is the pure part (plans and points in, :class:`Impact` out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.access import Op, Session
from gridmap.domain import ASSIGN_COLUMNS, LIFECYCLES, Scope
from gridmap.plan.versions import diff, load_plan
from gridmap.spatial.assign import assign, finished
from gridmap.spatial.crs import STORE_CRS
from gridmap.workflow.clock import is_open

__all__ = ["MEASURES", "MOVING_LAYERS", "Impact", "compare", "impact"]

# The figures of each unit, before and after (columns ``<measure>_before``, ``<measure>_after``).
MEASURES: tuple[str, ...] = ("households", "residents", "stations", "open_issues", "open_hazards", "staff",
                             "zero_reports")
# The point layers whose points may change micro-grid.
MOVING_LAYERS: tuple[str, ...] = ("households", "stations", "issues", "inspections")
_CODE_COLUMNS = tuple(c for c in ASSIGN_COLUMNS if c != "outside")


@dataclass(frozen=True)
class Impact:
    """What publishing a draft would change.

    Attributes:
        before_version: The plan compared against (the current one by default).
        after_version: The draft.
        units: One row per unit that changes (boundary, name, or any figure): ``code``,
            ``name``, ``level``, ``change`` (as :func:`gridmap.plan.versions.diff`, or
            ``"unchanged"`` when only its figures change), and ``<measure>_before`` /
            ``<measure>_after`` for each of :data:`MEASURES` (households and residents
            are missing when the session may not read households).
        moved: The points that change micro-grid: ``layer``, ``id``, ``from_code``,
            ``to_code`` (None: outside every micro-grid) and ``geometry`` (EPSG:4326).
    """

    before_version: int | None
    after_version: int | None
    units: pd.DataFrame
    moved: gpd.GeoDataFrame

    def moved_counts(self) -> dict[str, int]:
        """How many points of each layer change micro-grid."""
        counts = self.moved["layer"].value_counts() if len(self.moved) else pd.Series(dtype=int)
        return {name: int(counts.get(name, 0)) for name in MOVING_LAYERS}


def impact(session: Session, draft_version: int, *, against: int | None = None) -> Impact:
    """The impact of publishing ``draft_version`` instead of ``against`` (default: the current plan).

    Reads the two plans and the points the session may read (households only with
    :data:`~gridmap.access.Op.VIEW_HOUSEHOLDS`); writes nothing.
    """
    before_version = session.current_plan() if against is None else int(against)
    before = load_plan(session, before_version)
    after = load_plan(session, draft_version)
    points: dict[str, gpd.GeoDataFrame | None] = {}
    for name in MOVING_LAYERS:
        if name == "households" and not session.can(Op.VIEW_HOUSEHOLDS):
            points[name] = None
            continue
        columns = ["id", *(["residents"] if name == "households" else []),
                   *(["status"] if name in LIFECYCLES else []), "geometry"]
        points[name] = session.read(name, columns=columns)
    # The plans are compared on the whole county's units (a point may move into a unit
    # outside a narrower session); the figures are shown for the session's units only.
    county = Scope.county(session.scope.county_code)
    full_before = session.store.read("units", county, where={"plan_version": before_version},
                                     columns=["code", "level", "parent_code", "geometry"])
    full_after = session.store.read("units", county, where={"plan_version": int(draft_version)},
                                    columns=["code", "level", "parent_code", "geometry"])
    result = compare(before, after, points, before_version=before_version, after_version=int(draft_version),
                     assign_before=full_before if len(full_before) else None,
                     assign_after=full_after if len(full_after) else None)
    return result


def compare(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame,
            points: Mapping[str, gpd.GeoDataFrame | None], *, before_version: int | None = None,
            after_version: int | None = None, assign_before: gpd.GeoDataFrame | None = None,
            assign_after: gpd.GeoDataFrame | None = None) -> Impact:
    """The pure impact: two plan frames and the points, in memory.

    Args:
        before, after: Plan frames (:data:`gridmap.plan.model.PLAN_COLUMNS`).
        points: Layer name -> its points (``id``, ``geometry``, ``status`` for issues
            and hazards, ``residents`` for households), or None when unknown (not readable).
        before_version, after_version: For the record.
        assign_before, assign_after: The units to assign points to (default: the plans).

    Returns:
        The :class:`Impact`.
    """
    figures_before = _figures(before, points, assign_before if assign_before is not None else before)
    figures_after = _figures(after, points, assign_after if assign_after is not None else after)
    changes = diff(before, after, unchanged=True).set_index("code")
    table = changes.copy()
    for measure in MEASURES:
        table[f"{measure}_before"] = figures_before[measure].reindex(table.index)
        table[f"{measure}_after"] = figures_after[measure].reindex(table.index)
    in_before = table.index.isin(before["code"].astype(str))
    in_after = table.index.isin(after["code"].astype(str))
    for measure in MEASURES:
        known = figures_before[measure].notna().any() or figures_after[measure].notna().any()
        if known:
            table.loc[in_before, f"{measure}_before"] = table.loc[in_before, f"{measure}_before"].fillna(0)
            table.loc[in_after, f"{measure}_after"] = table.loc[in_after, f"{measure}_after"].fillna(0)
    differs = table["change"] != "unchanged"
    for measure in MEASURES:
        a, b = table[f"{measure}_before"], table[f"{measure}_after"]
        differs |= ~((a == b) | (a.isna() & b.isna()))
    units = table[differs].reset_index()
    for measure in MEASURES:
        for side in ("before", "after"):
            units[f"{measure}_{side}"] = units[f"{measure}_{side}"].astype("Int64")
    moved = _moved(points, assign_before if assign_before is not None else before,
                   assign_after if assign_after is not None else after)
    return Impact(before_version=before_version, after_version=after_version, units=units, moved=moved)


def _figures(plan: gpd.GeoDataFrame, points: Mapping[str, gpd.GeoDataFrame | None],
             units: gpd.GeoDataFrame) -> pd.DataFrame:
    """Code -> each measure for every unit of ``plan`` (NaN where the layer is unknown)."""
    codes = pd.Index(plan["code"].astype(str), name="code")
    out = pd.DataFrame(index=codes)
    households = points.get("households")
    if households is None:
        out["households"] = np.nan
        out["residents"] = np.nan
    else:
        assigned = _assigned(households, units)
        out["households"] = _count(assigned, codes)
        residents = pd.to_numeric(assigned["residents"], errors="coerce").fillna(0) if "residents" in assigned \
            else pd.Series(0, index=assigned.index)
        out["residents"] = _count(assigned, codes, residents)
    for measure, name in (("stations", "stations"), ("open_issues", "issues"), ("open_hazards", "inspections")):
        frame = points.get(name)
        if frame is None:
            out[measure] = np.nan
            continue
        if name in LIFECYCLES and len(frame):
            frame = frame[is_open(frame, LIFECYCLES[name]).to_numpy()]
        out[measure] = _count(_assigned(frame, units), codes)
    out["staff"] = [len(s) if isinstance(s, list) else 0 for s in plan["staff"]] if "staff" in plan else 0
    out["zero_reports"] = _micro_counts(plan).reindex(codes).fillna(0).astype(int)
    return out


def _assigned(frame: gpd.GeoDataFrame, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    points = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORE_CRS)
    if points.empty:
        empty = points.copy()
        for column in ASSIGN_COLUMNS:
            empty[column] = pd.Series(dtype=object)
        return empty
    return assign(points, units)


def _count(assigned: pd.DataFrame, codes: pd.Index, weights: pd.Series | None = None) -> pd.Series:
    """How many points (or the sum of ``weights``) lie in each unit of ``codes``, at any level."""
    if assigned.empty:
        return pd.Series(0, index=codes, dtype=float)
    w = weights if weights is not None else pd.Series(1, index=assigned.index)
    total = pd.Series(0.0, index=codes)
    for column in _CODE_COLUMNS:
        sums = w.groupby(assigned[column].to_numpy()).sum()
        total = total.add(sums.reindex(codes).fillna(0), fill_value=0)
    return total


def _micro_counts(plan: gpd.GeoDataFrame) -> pd.Series:
    """Code -> how many micro-grids it is or holds (each reports every day)."""
    parent = dict(zip(plan["code"].astype(str), plan["parent_code"], strict=True))
    counts: dict[str, int] = {}
    for code in plan.loc[plan["level"].astype(str) == "micro", "code"].astype(str):
        node: str | None = code
        for _ in range(8):
            if node is None:
                break
            counts[node] = counts.get(node, 0) + 1
            up = parent.get(node)
            node = str(up) if isinstance(up, str) and up else None
    return pd.Series(counts, dtype=int)


def _moved(points: Mapping[str, gpd.GeoDataFrame | None], before: gpd.GeoDataFrame,
           after: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    parts = []
    for name in MOVING_LAYERS:
        frame = points.get(name)
        if frame is None or frame.empty:
            continue
        if name in LIFECYCLES and "status" in frame.columns:
            frame = frame[~finished(name, frame)]
        if frame.empty:
            continue
        a, b = _assigned(frame, before), _assigned(frame, after)
        old, new = a["micro_code"].to_numpy(dtype=object), b["micro_code"].to_numpy(dtype=object)
        change = old != new
        if change.any():
            parts.append(gpd.GeoDataFrame({"layer": name, "id": frame["id"].to_numpy(dtype=object)[change],
                                           "from_code": old[change], "to_code": new[change]},
                                          geometry=frame.geometry.to_numpy()[change], crs=STORE_CRS))
    if not parts:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ("layer", "id", "from_code", "to_code")},
                                geometry=gpd.GeoSeries([], crs=STORE_CRS))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs=STORE_CRS)
