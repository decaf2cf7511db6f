"""Duplicate suggestions: open reports of the same category, nearby and recent.

Before a report is saved, :func:`duplicate_candidates` offers the reporter the open
issues of the same category within ``radius_m`` metres and reported in the last
``days`` days, nearest first. Distances are measured in the metric CRS of the county
(a CGCS2000 Gauss-Kruger zone, :func:`gridmap.spatial.crs.metric_crs`), never in
degrees. The read is an index-backed box read (the circle's bounding box, with a
margin) in the session's view, then an exact distance test.

Picking one saves the report as 重复 linked to it (:func:`gridmap.workflow.report_issue`
with ``duplicate_of=``); a commander marks an existing one with
:func:`gridmap.workflow.transition_issue` (``duplicate_of=``).

Defaults: ``GRIDMAP_DUPLICATE_METRES`` (50) and ``GRIDMAP_DUPLICATE_DAYS`` (7).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from gridmap.access import Session
from gridmap.domain import ISSUE_LIFECYCLE
from gridmap.settings import get_settings
from gridmap.spatial.crs import metric_crs, metric_transformer
from gridmap.store.base import now
from gridmap.workflow.routing import known_category

_METRES_PER_DEGREE_LAT = 110_574.0
COLUMNS = ["id", "category", "status", "description", "reporter", "reported_at", "deadline", "micro_code",
           "duplicate_of", "geometry"]


def duplicate_candidates(session: Session, category: str, lon: float, lat: float, *,
                         radius_m: float | None = None, days: int | None = None,
                         at: dt.datetime | None = None) -> pd.DataFrame:
    """Open issues of ``category`` within ``radius_m`` of the point, reported in the last ``days``.

    Args:
        session: Whose view to search (a grid worker sees their unit's issues).
        category: The category being reported (refused in words when unknown).
        lon, lat: The report's position (WGS84 degrees).
        radius_m: How near, in metres (default ``GRIDMAP_DUPLICATE_METRES``, 50).
        days: How recent, in days (default ``GRIDMAP_DUPLICATE_DAYS``, 7).
        at: The moment "recent" is counted back from (default now).

    Returns:
        The candidates (``id``, ``status``, ``description``, ``reported_at``, ...,
        ``distance_m``, ``lon``, ``lat``), nearest first; empty when none.
    """
    settings = get_settings()
    radius = float(settings.duplicate_metres if radius_m is None else radius_m)
    window = int(settings.duplicate_days if days is None else days)
    found = known_category(category)
    x, y = float(lon), float(lat)
    dlat = radius / _METRES_PER_DEGREE_LAT * 1.5 + 1e-6
    dlon = dlat / max(math.cos(math.radians(y)), 0.05)
    since = (at or now()).replace(microsecond=0) - dt.timedelta(days=window)
    rows = session.read("issues", where={"category": found.code, "status": sorted(ISSUE_LIFECYCLE.open)},
                        bbox=(x - dlon, y - dlat, x + dlon, y + dlat), columns=COLUMNS)
    empty = pd.DataFrame(columns=[*[c for c in COLUMNS if c != "geometry"], "distance_m", "lon", "lat"])
    if rows.empty:
        return empty
    rows = rows[pd.to_datetime(rows["reported_at"]) >= pd.Timestamp(since)]
    if rows.empty:
        return empty
    distance = distances_m(x, y, rows.geometry.x.to_numpy(), rows.geometry.y.to_numpy())
    out = pd.DataFrame(rows.drop(columns="geometry")).assign(distance_m=distance, lon=rows.geometry.x.to_numpy(),
                                                              lat=rows.geometry.y.to_numpy())
    out = out[out["distance_m"] <= radius].sort_values(["distance_m", "reported_at"])
    return out.reset_index(drop=True)


def distances_m(lon: float, lat: float, lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """Metres from ``(lon, lat)`` to each point, in the metric CRS of ``lon``."""
    transformer = metric_transformer("EPSG:4326", metric_crs(lon))
    x0, y0 = transformer.transform(np.array([float(lon)]), np.array([float(lat)]))
    xs, ys = transformer.transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    return np.hypot(np.asarray(xs) - x0[0], np.asarray(ys) - y0[0])


__all__ = ["distances_m", "duplicate_candidates"]
