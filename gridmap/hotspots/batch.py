"""The batch hot-spot run behind ``python -m gridmap hotspots``: read, filter, analyse.

:func:`run_batch` reads a point layer (inspections, or issues) through the user's
session (scope and role apply), keeps the rows of the filter (:class:`BatchFilter`:
period, hazard types, statuses, severities, categories), and runs
:func:`~gridmap.hotspots.hotspots_by_unit` on the units of one level, or
:func:`~gridmap.hotspots.hotspots_by_h3` on the H3 cells of the jurisdiction, exactly
as the hazard page does. :func:`batch_table` is the CSV's table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from gridmap.access import Session
from gridmap.domain import CATEGORIES, HazardStatus, HazardType, IssueStatus, Level, Severity
from gridmap.hotspots.analysis import HotspotResult, hotspots_by_h3, hotspots_by_unit

__all__ = ["BATCH_COLUMNS", "BATCH_LAYERS", "BATCH_LEVELS", "BatchFilter", "batch_table", "filter_points",
           "run_batch"]

BATCH_LAYERS: dict[str, str] = {"inspections": "found_at", "issues": "reported_at"}  # layer -> its time column
BATCH_LEVELS: tuple[str, ...] = (str(Level.MICRO), str(Level.GRID), str(Level.VILLAGE), str(Level.TOWN))
BATCH_COLUMNS: tuple[str, ...] = ("code", "name", "count", "households", "rate", "rate_eb", "z", "p", "p_sim",
                                  "significant", "bin")


@dataclass(frozen=True)
class BatchFilter:
    """Which rows count: every given list narrows (empty: no condition).

    ``start``/``end`` are days, both included, on the layer's time column.
    """

    start: dt.date | None = None
    end: dt.date | None = None
    hazard_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def check(self, layer: str) -> None:
        """Raise ValueError naming a value that does not belong to ``layer``'s filter."""
        if layer not in BATCH_LAYERS:
            raise ValueError(f"layer {layer!r}: hot spots are computed for {', '.join(BATCH_LAYERS)}")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"the period starts ({self.start}) after it ends ({self.end})")
        statuses = [str(s) for s in (HazardStatus if layer == "inspections" else IssueStatus)]
        _known("status", self.statuses, statuses)
        if layer == "inspections":
            _known("hazard type", self.hazard_types, [str(h) for h in HazardType])
            _known("severity", self.severities, [str(s) for s in Severity])
            if self.categories:
                raise ValueError("--category applies to issues, not to inspections")
        else:
            _known("category", self.categories, list(CATEGORIES))
            if self.hazard_types or self.severities:
                raise ValueError("--hazard and --severity apply to inspections, not to issues")


def _known(what: str, given: Sequence[str], allowed: Sequence[str]) -> None:
    for value in given:
        if value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; one of: {', '.join(allowed)}")


def filter_points(points: gpd.GeoDataFrame, layer: str, flt: BatchFilter) -> gpd.GeoDataFrame:
    """The rows of ``points`` (a layer's frame) that the filter keeps."""
    flt.check(layer)
    keep = pd.Series(True, index=points.index)
    when = pd.to_datetime(points[BATCH_LAYERS[layer]], errors="coerce")
    if flt.start is not None:
        keep &= when >= pd.Timestamp(flt.start)
    if flt.end is not None:
        keep &= when < pd.Timestamp(flt.end) + pd.Timedelta(days=1)
    if flt.statuses:
        keep &= points["status"].astype(str).isin(flt.statuses)
    if flt.hazard_types:
        wanted = set(flt.hazard_types)
        keep &= points["hazard_types"].map(lambda v: isinstance(v, list | tuple) and bool(wanted & set(v)))
    if flt.severities:
        keep &= points["severity"].astype(str).isin(flt.severities)
    if flt.categories:
        keep &= points["category"].astype(str).isin(flt.categories)
    return points[keep.to_numpy()]


def _study_area(units: gpd.GeoDataFrame) -> shapely.Geometry:
    """The jurisdiction's outline: the union of its units of the coarsest level present."""
    depth = units["level"].map(lambda v: Level(v).depth)
    top = units[depth == depth.min()]
    return shapely.union_all(top.geometry.to_numpy())


def run_batch(session: Session, *, layer: str = "inspections", level: str | None = str(Level.MICRO),
              h3_resolution: int | None = None, flt: BatchFilter | None = None, variable: str | None = None,
              permutations: int = 999, alpha: float = 0.05, fdr: bool = True, seed: int = 0) -> HotspotResult:
    """Gi* for a layer, level (or H3 resolution), period and filter, in ``session``'s scope.

    Args:
        session: Whose view: the rows and units the session may read.
        layer: ``inspections`` or ``issues``.
        level: Unit level (micro, grid, village, town); ignored with ``h3_resolution``.
        h3_resolution: Analyse H3 cells of this resolution instead of units.
        flt: The filter (default: every row).
        variable: ``count``, ``rate`` or ``rate_eb`` (default ``rate_eb`` on units, ``count`` on H3).
        permutations, alpha, fdr, seed: As :func:`~gridmap.hotspots.hotspots_by_unit`.

    Raises:
        ValueError: naming the bad argument, or when the jurisdiction has no such units.
    """
    flt = flt or BatchFilter()
    flt.check(layer)
    points = filter_points(session.read(layer), layer, flt)
    if h3_resolution is not None:
        units = session.read("units", columns=["code", "level", "geometry"])
        if units.empty:
            raise ValueError("no units in this jurisdiction: the study area is empty")
        households = session.read("households", columns=["id", "geometry"]) if (variable or "count") != "count" \
            else None
        return hotspots_by_h3(points, resolution=h3_resolution, study_area=_study_area(units), households=households,
                              variable=variable or "count", permutations=permutations, alpha=alpha, fdr=fdr,
                              seed=seed)
    if level not in BATCH_LEVELS:
        raise ValueError(f"level {level!r}: one of {', '.join(BATCH_LEVELS)}")
    units = session.read("units", where={"level": level})
    if units.empty:
        raise ValueError(f"no {level} units in this jurisdiction")
    return hotspots_by_unit(units, points, variable=variable or "rate_eb", permutations=permutations, alpha=alpha,
                            fdr=fdr, seed=seed)


def batch_table(result: HotspotResult, names: pd.Series | None = None) -> pd.DataFrame:
    """The CSV's table: :data:`BATCH_COLUMNS` (``name`` from ``names`` by code, else empty)."""
    frame = pd.DataFrame(result.frame.drop(columns="geometry"))
    frame["name"] = frame["code"].map(names) if names is not None else ""
    return frame[list(BATCH_COLUMNS)]
