"""Inspected places: which are due for another visit, and where hazards come back.

An inspection is a visit to a *place*. Two inspections are at **the same place** when
they carry the same address (trimmed, NFKC-normalised, case and spaces ignored), or,
when either has no address, when they are of the same place type and lie within
:data:`SAME_PLACE_M` (30 m, measured in the metric CRS of
:func:`gridmap.spatial.crs.metric_crs`) of each other -- chained, so a row of shops
30 m apart along one street is one place only if each is within 30 m of the next:
with the default radius that is rare (a building's GNSS fixes scatter by 5-15 m).

- :func:`places` -- each inspection's place id (and one row per place: where, what,
  the last visit).
- :func:`overdue_places` -- places not inspected within their cycle: the last visit
  is more than the place type's cycle (:data:`DEFAULT_CYCLES`, days; configurable by
  ``GRIDMAP_INSPECTION_CYCLES``, :func:`parse_cycles`) before ``now``.
- :func:`recurring` -- hazards found again at a place within ``days`` after a hazard
  there was rectified (the earlier hazard's ``rectified_at``, the later one's
  ``found_at``).

No Streamlit; plain frames in, frames out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from gridmap.domain import PlaceType
from gridmap.spatial.crs import metric_crs

SAME_PLACE_M = 30.0
# Days between visits, by place type: rental houses and the "three small" venues
# (三小场所) monthly, workshops monthly, shops and open ground floors every two months,
# homes and public places every quarter.
DEFAULT_CYCLES: dict[str, int] = {
    str(PlaceType.RENTAL): 30,
    str(PlaceType.SMALL_VENUE): 30,
    str(PlaceType.WORKSHOP): 30,
    str(PlaceType.SHOP): 60,
    str(PlaceType.GROUND_FLOOR): 60,
    str(PlaceType.RESIDENTIAL): 90,
    str(PlaceType.PUBLIC): 90,
}
DEFAULT_RECURRING_DAYS = 90


@dataclass(frozen=True)
class CycleProblem:
    """One entry of ``GRIDMAP_INSPECTION_CYCLES`` that could not be used (its default stays)."""

    entry: str
    key: str


def parse_cycles(text: str | None) -> tuple[dict[str, int], tuple[CycleProblem, ...]]:
    """The cycle of every place type: the defaults, overridden by ``place=days`` entries.

    Args:
        text: ``GRIDMAP_INSPECTION_CYCLES`` as written, e.g. ``"rental=14, shop=45"``
            (commas or semicolons between entries); empty or None: the defaults.

    Returns:
        Place type -> days (every place type), and the entries that were refused: an
        unknown place type, or days that are not a whole number from 1 to 3650.
    """
    cycles = dict(DEFAULT_CYCLES)
    problems: list[CycleProblem] = []
    for entry in re.split(r"[,;，；]", text or ""):
        entry = entry.strip()
        if not entry:
            continue
        place, sep, days = (part.strip() for part in entry.partition("="))
        if not sep or place not in cycles:
            problems.append(CycleProblem(entry, "hazards.cycle.bad_place"))
            continue
        if not days.isdigit() or not 1 <= int(days) <= 3650:
            problems.append(CycleProblem(entry, "hazards.cycle.bad_days"))
            continue
        cycles[place] = int(days)
    return cycles, tuple(problems)


def places(inspections: gpd.GeoDataFrame, *, radius_m: float = SAME_PLACE_M) -> pd.Series:
    """Each inspection's place: a small whole number, the same for the same place.

    Args:
        inspections: Rows with a point geometry (EPSG:4326), ``place_type`` and,
            optionally, ``address``.
        radius_m: Rows of one place type without a shared address join within this
            distance (chained).

    Returns:
        Place ids (0, 1, ...) indexed like ``inspections``; numbered in order of first
        appearance, so the same rows give the same ids.
    """
    n = len(inspections)
    if n == 0:
        return pd.Series([], index=inspections.index, dtype=int)
    left_parts: list[np.ndarray] = []
    right_parts: list[np.ndarray] = []
    addresses = np.asarray(_addresses(inspections), dtype=object)
    named = np.flatnonzero(addresses != "")
    if len(named):
        first = pd.Series(named).groupby(addresses[named]).transform("min").to_numpy()
        left_parts.append(named)
        right_parts.append(first)
    geoms = np.asarray(inspections.geometry.values, dtype=object)
    valid = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    if valid.any():
        metric = gpd.GeoSeries(geoms[valid], crs=inspections.crs or "EPSG:4326")
        metric = metric.to_crs(metric_crs(tuple(metric.total_bounds)))
        index = np.flatnonzero(valid)
        points = np.asarray(metric.values, dtype=object)
        left, right = shapely.STRtree(points).query(points, predicate="dwithin", distance=radius_m)
        a, b = index[left], index[right]
        kinds = inspections["place_type"].astype(str).to_numpy()
        keep = (a < b) & (kinds[a] == kinds[b]) & ~((addresses[a] != "") & (addresses[b] != ""))
        left_parts.append(a[keep])
        right_parts.append(b[keep])
    rows = np.concatenate(left_parts) if left_parts else np.empty(0, dtype=int)
    cols = np.concatenate(right_parts) if right_parts else np.empty(0, dtype=int)
    graph = coo_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n, n))
    _count, labels = connected_components(graph, directed=False)
    # number the places in order of first appearance
    _uniq, first_seen = np.unique(labels, return_index=True)
    order = np.empty(len(first_seen), dtype=int)
    order[np.argsort(first_seen)] = np.arange(len(first_seen))
    return pd.Series(order[labels], index=inspections.index, dtype=int)


def overdue_places(inspections: gpd.GeoDataFrame, now: dt.datetime, *,
                   cycles: Mapping[str, int] | None = None, radius_m: float = SAME_PLACE_M) -> gpd.GeoDataFrame:
    """Places whose last visit is older than their place type's cycle, longest overdue first.

    Args:
        inspections: Every inspection that counts as a visit (all statuses), with
            ``found_at``, ``place_type``, optional ``address``, ``micro_code`` and a point.
        now: The day to judge at.
        cycles: Place type -> days (default :data:`DEFAULT_CYCLES`); a place type
            without a cycle is never due.
        radius_m: See :func:`places`.

    Returns:
        One row per overdue place: ``place`` (id), ``place_type``, ``address``,
        ``micro_code``, ``last_visit``, ``cycle_days``, ``due`` (last visit + cycle),
        ``days_over`` (whole days past due), ``visits``, and the geometry of its last
        visit.
    """
    table = place_table(inspections, radius_m=radius_m)
    if table.empty:
        return table
    cycle_days = table["place_type"].map(dict(cycles or DEFAULT_CYCLES))
    table = table.assign(cycle_days=cycle_days)
    table = table[table["cycle_days"].notna()].copy()
    table["cycle_days"] = table["cycle_days"].astype(int)
    table["due"] = table["last_visit"] + pd.to_timedelta(table["cycle_days"], unit="D")
    late = table["due"] < pd.Timestamp(now)
    table = table[late].copy()
    table["days_over"] = ((pd.Timestamp(now) - table["due"]).dt.total_seconds() // 86400).astype(int)
    return table.sort_values(["days_over", "place"], ascending=[False, True]).reset_index(drop=True)


def place_table(inspections: gpd.GeoDataFrame, *, radius_m: float = SAME_PLACE_M) -> gpd.GeoDataFrame:
    """One row per place: its id, place type, address, micro-grid, last visit, visits, last point."""
    columns = ["place", "place_type", "address", "micro_code", "last_visit", "visits", "geometry"]
    if inspections.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry="geometry", crs="EPSG:4326")
    frame = inspections.assign(place=places(inspections, radius_m=radius_m).to_numpy(),
                               found=pd.to_datetime(inspections["found_at"]))
    if "address" not in frame.columns:
        frame["address"] = None
    frame = frame.sort_values(["place", "found"])
    last = frame.groupby("place", sort=True).tail(1).set_index("place")
    visits = frame.groupby("place", sort=True).size()
    out = gpd.GeoDataFrame({
        "place": last.index.to_numpy(),
        "place_type": last["place_type"].astype(str).to_numpy(),
        "address": last["address"].to_numpy(),
        "micro_code": last["micro_code"].to_numpy() if "micro_code" in last.columns else None,
        "last_visit": last["found"].to_numpy(),
        "visits": visits.reindex(last.index).to_numpy(),
    }, geometry=list(last.geometry.values), crs=inspections.crs or "EPSG:4326")
    return out


def recurring(inspections: gpd.GeoDataFrame, *, days: int = DEFAULT_RECURRING_DAYS,
              radius_m: float = SAME_PLACE_M) -> pd.DataFrame:
    """Hazards found again at a place within ``days`` after a hazard there was rectified.

    Args:
        inspections: Rows with ``id``, ``found_at``, ``rectified_at``, ``place_type``,
            optional ``address``, and a point.
        days: The window after a rectification (whole days, at least 1).
        radius_m: See :func:`places`.

    Returns:
        One row per recurrence, latest first: ``place``, ``earlier_id``,
        ``rectified_at`` (of the earlier hazard), ``later_id``, ``found_at`` (of the
        later one), ``days_after`` (fractional days from the rectification to the new
        finding). A later hazard is paired with the most recent rectification before it.
    """
    if days < 1:
        raise ValueError(f"recurring: days must be at least 1, got {days}")
    columns = ["place", "earlier_id", "rectified_at", "later_id", "found_at", "days_after"]
    if inspections.empty:
        return pd.DataFrame({c: [] for c in columns})
    frame = pd.DataFrame({
        "place": places(inspections, radius_m=radius_m).to_numpy(),
        "id": inspections["id"].astype(str).to_numpy(),
        "found": pd.to_datetime(inspections["found_at"]).to_numpy(),
        "rectified": pd.to_datetime(inspections["rectified_at"]).to_numpy(),
    })
    window = pd.Timedelta(days=days)
    later = frame.sort_values("found")
    fixed = frame[frame["rectified"].notna()].rename(columns={"id": "earlier_id", "rectified": "rectified_at"})
    fixed = fixed[["place", "earlier_id", "rectified_at"]].sort_values("rectified_at")
    if fixed.empty:
        return pd.DataFrame({c: [] for c in columns})
    # each finding with the latest rectification at its place at or before it
    paired = pd.merge_asof(later, fixed, left_on="found", right_on="rectified_at", by="place",
                           direction="backward", allow_exact_matches=True)
    paired = paired[paired["earlier_id"].notna() & (paired["earlier_id"] != paired["id"])]
    gap = paired["found"] - paired["rectified_at"]
    paired = paired[(gap >= pd.Timedelta(0)) & (gap <= window)]
    out = pd.DataFrame({"place": paired["place"].astype(int), "earlier_id": paired["earlier_id"].astype(str),
                        "rectified_at": paired["rectified_at"], "later_id": paired["id"].astype(str),
                        "found_at": paired["found"],
                        "days_after": (paired["found"] - paired["rectified_at"]).dt.total_seconds() / 86400})
    return out.sort_values(["found_at", "later_id"], ascending=[False, True]).reset_index(drop=True)[columns]


def _addresses(inspections: pd.DataFrame) -> list[str]:
    if "address" not in inspections.columns:
        return [""] * len(inspections)
    out = []
    for value in inspections["address"].tolist():
        if not isinstance(value, str):
            out.append("")
            continue
        text = unicodedata.normalize("NFKC", value).casefold()
        out.append(re.sub(r"\s+", "", text))
    return out


__all__ = [
    "DEFAULT_CYCLES",
    "DEFAULT_RECURRING_DAYS",
    "SAME_PLACE_M",
    "CycleProblem",
    "overdue_places",
    "parse_cycles",
    "place_table",
    "places",
    "recurring",
]
