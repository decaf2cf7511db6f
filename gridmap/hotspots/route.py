"""A walking route through a shortlist of places: nearest neighbour, then 2-opt.

:func:`hotspot_shortlist` picks the places: the open (or overdue) hazards inside the
significant hot spots of a result, or inside the units or cells the user picked.

:func:`walking_route` orders points (the open or overdue places of a hot spot, or of the
current filter) into an open path: from the start (a given position, or the first point)
it always walks to the nearest place not yet visited, then improves the order with 2-opt
(reverse a stretch of the route whenever that makes it shorter, until no reversal
helps). Distances are **straight lines** in the metric CRS
(:func:`gridmap.spatial.crs.metric_crs`), not along streets: the page says so. 2-opt
only ever accepts a shorter route, so the result is never longer than nearest neighbour
alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.spatial.crs import STORE_CRS, metric_crs

if TYPE_CHECKING:
    from gridmap.hotspots.analysis import HotspotResult

__all__ = ["MAX_STOPS", "Route", "hotspot_shortlist", "route_length", "two_opt", "walking_route"]

MAX_STOPS = 2000  # a day's round has tens of stops; the distance matrix grows with the square


@dataclass(frozen=True)
class Route:
    """A walking order.

    Attributes:
        frame: The points in walking order, with ``stop`` (1, 2, ...), ``leg_m`` (straight
            line from the previous stop, or from the start for stop 1) and ``walked_m``
            (cumulative), geometry in EPSG:4326.
        order: Positions into the input points, in walking order.
        length_m: The whole route, start to last stop (metres, straight lines).
        nearest_neighbour_m: The length before 2-opt.
        start: The start position given (EPSG:4326), or None (the route starts at a stop).
        crs: The metric CRS the distances were measured in.
    """

    frame: gpd.GeoDataFrame
    order: np.ndarray
    length_m: float
    nearest_neighbour_m: float
    start: shapely.Point | None
    crs: str


def route_length(order: np.ndarray, dist: np.ndarray) -> float:
    """Length of the open path visiting ``order`` (positions into ``dist``)."""
    if len(order) < 2:
        return 0.0
    return float(dist[order[:-1], order[1:]].sum())


def _nearest_neighbour(dist: np.ndarray, first: int) -> np.ndarray:
    n = len(dist)
    visited = np.zeros(n, dtype=bool)
    order = np.empty(n, dtype=np.int64)
    here = first
    for step in range(n):
        order[step] = here
        visited[here] = True
        if step == n - 1:
            break
        row = np.where(visited, np.inf, dist[here])
        here = int(np.argmin(row))
    return order


def two_opt(order: np.ndarray, dist: np.ndarray, fixed_first: bool = True, max_rounds: int = 1000) -> np.ndarray:
    """Improve an open path by 2-opt; the first node stays first when ``fixed_first``.

    Reversing ``order[i..k]`` replaces the edges ``(a, b) = (order[i-1], order[i])`` and
    ``(c, d) = (order[k], order[k+1])`` by ``(a, c)`` and ``(b, d)``; at the open end
    (``k`` the last position) there is no ``d`` and only ``(a, b)`` becomes ``(a, c)``.
    Each round applies the best reversal for each ``i``; it stops when nothing shortens the
    route by more than a millimetre.
    """
    route = np.array(order, dtype=np.int64)
    n = len(route)
    if n < 3:
        return route
    lo = 1 if fixed_first else 0
    for _ in range(max_rounds):
        improved = False
        for i in range(lo, n - 1):
            ks = np.arange(i + 1, n)
            b, c = route[i], route[ks]
            removed = np.where(ks < n - 1, dist[c, route[np.minimum(ks + 1, n - 1)]], 0.0)
            added = np.where(ks < n - 1, dist[b, route[np.minimum(ks + 1, n - 1)]], 0.0)
            if i > 0:
                a = route[i - 1]
                removed = removed + dist[a, b]
                added = added + dist[a, c]
            # (i == 0, not fixed: reversing a prefix only swaps (c, d) for (b, d).)
            gain = removed - added
            best = int(np.argmax(gain))
            if gain[best] > 1e-3:
                k = int(ks[best])
                route[i:k + 1] = route[i:k + 1][::-1].copy()
                improved = True
        if not improved:
            break
    return route


def walking_route(points: gpd.GeoDataFrame, *, start: shapely.Point | None = None) -> Route:
    """Order ``points`` into a walking route (see the module docstring).

    Args:
        points: The places to visit (points in EPSG:4326; any columns, kept).
        start: Where the walk starts (EPSG:4326), e.g. the inspector's position or station;
            without it the route starts at the first point.

    Raises:
        ValueError: when there are no points, a geometry is missing or not a point, there
            are more than :data:`MAX_STOPS`, or the frame has no CRS.
    """
    if not isinstance(points, gpd.GeoDataFrame) or len(points) == 0:
        raise ValueError("no places to route: the shortlist is empty")
    if len(points) > MAX_STOPS:
        raise ValueError(f"{len(points)} places are too many for one route (at most {MAX_STOPS}); "
                         "narrow the filter or pick a hot spot")
    if points.crs is None:
        raise ValueError(f"the places have no CRS (expected {STORE_CRS})")
    pts = points.reset_index(drop=True)
    pts = pts if pts.crs.equals(STORE_CRS) else pts.to_crs(STORE_CRS)
    geoms = pts.geometry.to_numpy()
    bad = [i for i, g in enumerate(geoms) if g is None or g.is_empty or g.geom_type != "Point"]
    if bad:
        raise ValueError(f"{len(bad)} place(s) without a point position (first at row {bad[0]})")
    crs = metric_crs(tuple(pts.total_bounds))
    xy = shapely.get_coordinates(pts.to_crs(crs).geometry.to_numpy())
    if start is not None:
        sxy = shapely.get_coordinates(gpd.GeoSeries([start], crs=STORE_CRS).to_crs(crs).to_numpy())
        xy = np.vstack([sxy, xy])
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    nn = _nearest_neighbour(dist, 0)
    nn_len = route_length(nn, dist)
    best = two_opt(nn, dist, fixed_first=True)
    length = route_length(best, dist)
    if length > nn_len:  # cannot happen (2-opt only accepts gains); kept as a guard
        best, length = nn, nn_len
    legs = np.concatenate([[0.0], dist[best[:-1], best[1:]]])
    if start is not None:
        order = best[1:] - 1
        legs = legs[1:]
    else:
        order = best
    frame = pts.iloc[order].reset_index(drop=True)
    frame.insert(0, "stop", np.arange(1, len(order) + 1))
    frame["leg_m"] = legs
    frame["walked_m"] = np.cumsum(legs)
    return Route(frame=frame, order=order, length_m=length, nearest_neighbour_m=nn_len, start=start, crs=crs)


def hotspot_shortlist(result: HotspotResult, points: gpd.GeoDataFrame, *, now: dt.datetime | None,
                      min_bin: int = 2, codes: Sequence[str] | None = None, overdue_only: bool = False,
                      ) -> gpd.GeoDataFrame:
    """The open (or only the overdue) hazards inside the hot spots of ``result``: the places to visit.

    Args:
        result: From :func:`~gridmap.hotspots.hotspots_by_unit` or ``hotspots_by_h3``.
        points: Inspections (``status``, ``deadline``; the unit code columns or points).
        now: When to judge "overdue" (:func:`gridmap.workflow.clock.hazard_overdue`).
        min_bin: The weakest confidence bin that counts as hot (2: 95 %).
        codes: Only these units or cells of the result (e.g. the hot spot the user picked);
            default every significant hot spot with ``bin >= min_bin``.
        overdue_only: Keep only the overdue hazards (else every open one).
    """
    from gridmap.domain import HAZARD_LIFECYCLE
    from gridmap.hotspots.analysis import unit_positions
    from gridmap.hotspots.hexagons import h3_cells
    from gridmap.workflow.clock import hazard_overdue, is_open

    frame = result.frame
    hot = frame["significant"].to_numpy() & (frame["bin"].to_numpy() >= min_bin)
    if codes is not None:
        hot = frame["code"].isin([str(c) for c in codes]).to_numpy()
    chosen = set(frame.loc[hot, "code"].astype(str))
    if not chosen or len(points) == 0:
        return points.iloc[0:0]
    if result.method.level == "h3":
        where = h3_cells(points, result.method.resolution).astype(object)
    else:
        units = frame[["code", "geometry"]].copy()
        if result.method.level:
            units["level"] = result.method.level
        pos = unit_positions(units, points)
        code_arr = frame["code"].astype(str).to_numpy(dtype=object)
        named = code_arr[np.maximum(pos, 0)]
        named[pos < 0] = None
        where = pd.Series(named, index=points.index, dtype=object)
    keep = where.isin(chosen).to_numpy()
    wanted = hazard_overdue(points, now).to_numpy() if overdue_only else is_open(points, HAZARD_LIFECYCLE).to_numpy()
    return points[keep & wanted]
