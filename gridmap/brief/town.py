"""What a town's one-page brief shows: :func:`brief_data` -> :class:`BriefData`.

Everything is read through the commander's session (:data:`Op.VIEW_BRIEFING`), narrowed
to the town: its KPIs (:func:`gridmap.command.kpis`), weekly counts of the last
:data:`WEEKS` weeks (issues reported and closed, hazards found), the most overdue open
issues, its villages (or the next level down) ranked by the default weights
(:mod:`gridmap.brief.rankings`), their outlines for the map, and the stations not
visited -- which needs a visits layer; until one exists the brief says that no visits are
recorded. The rendering is in :mod:`gridmap.brief.render`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.access import Op, Session
from gridmap.brief.rankings import Rankings, available_criteria, rank_units
from gridmap.command.filters import Filters
from gridmap.command.flags import Clock, issue_flags, station_flags
from gridmap.command.kpis import Kpis, kpis
from gridmap.command.load import data_now, load_snapshot
from gridmap.command.snapshot import Snapshot
from gridmap.command.view import child_level
from gridmap.domain import Level
from gridmap.maps import units_at_level

WEEKS = 8
TOP_OVERDUE = 8
VISITS_LAYER = "station_visits"  # gridmap.stations.visits


@dataclass(frozen=True, eq=False)
class BriefData:
    """The contents of one unit's brief.

    Attributes:
        code, name, level: The unit (a town, usually).
        county_name: Its county's name (None if not stored).
        now: The data's as-of time.
        kpis: Its headline numbers over the last 30 days.
        weeks: One row per 7-day period (oldest first, the newest ending today): ``week``
            (its first day), ``last`` (its last), ``reported``, ``closed``, ``hazards``.
        overdue: The most overdue open issues: ``id``, ``category``, ``unit``, ``deadline``,
            ``days`` (days past the deadline), ``lon``, ``lat``.
        rankings: Its children ranked by the default weights (None: nothing to rank).
        units: The children's outlines (``code``, ``name``, ``geometry``), for the map.
        outline: The unit's own outline (empty if not stored).
        stations_not_visited: Names of open stations without a visit in the last 30 days;
            None when no visit was ever recorded.
        stations: Stations of the unit open at ``now`` (``id``, ``lon``, ``lat``).
    """

    code: str
    name: str
    level: Level
    county_name: str | None
    now: dt.datetime
    kpis: Kpis
    weeks: pd.DataFrame
    overdue: pd.DataFrame
    rankings: Rankings | None
    units: gpd.GeoDataFrame
    outline: gpd.GeoDataFrame
    stations_not_visited: list[str] | None
    stations: pd.DataFrame


def brief_data(session: Session, code: str, *, now: dt.datetime | None = None) -> BriefData:
    """Collect the brief of ``code`` (a town, or any unit inside the jurisdiction).

    Raises:
        PermissionDenied: the role may not make briefs.
        ScopeError: ``code`` is outside the jurisdiction.
        ValueError: ``code`` is not a unit of the current plan.
    """
    session.require(Op.VIEW_BRIEFING)
    view = session.narrowed(code) if code != session.scope.unit_code else session
    snapshot = load_snapshot(view, with_xy=True)
    now = now or data_now(view)
    sel = snapshot.select(code)
    filters = Filters()
    level = child_level(sel.level)
    rankings = None
    if sel.level != Level.MICRO and available_criteria(snapshot):
        rankings = rank_units(snapshot, code, level, filters, now)
    units = units_at_level(view, level, columns=["name"]) if sel.level != Level.MICRO else \
        gpd.GeoDataFrame({"code": [], "name": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    outline = view.read("units", where={"code": code, "plan_version": view.current_plan()},
                        columns=["code", "geometry"])
    return BriefData(
        code=code, name=str(snapshot.units.at[code, "name"]), level=sel.level, county_name=view.county_name(),
        now=now, kpis=kpis(snapshot, code, filters, now), weeks=weekly_counts(snapshot, code, now),
        overdue=_top_overdue(view, snapshot, code, now), rankings=rankings, units=units, outline=outline,
        stations_not_visited=_not_visited(view, now), stations=_stations(snapshot, filters, now),
    )


def weekly_counts(snapshot: Snapshot, code: str, now: dt.datetime, weeks: int = WEEKS) -> pd.DataFrame:
    """Per 7-day period (the last ``weeks`` of them, the newest ending with the day of
    ``now``, so every bar is a whole week up to ``now``): issues reported, issues closed,
    hazards found inside ``code``. ``week`` is a period's first day, ``last`` its last."""
    sel = snapshot.select(code)
    first = now.date() - dt.timedelta(days=7 * weeks - 1)
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    edges = np.array([np.datetime64(s, "s") for s in starts] + [np.datetime64(now.date() + dt.timedelta(days=1), "s")])
    limit = np.datetime64(now.replace(microsecond=0), "s")
    rows = snapshot.issues.span(sel.lo, sel.hi)
    clock = Clock.of(Filters(), now)
    genuine = issue_flags(snapshot.issues, rows, Filters(), clock)["any"]
    reported = snapshot.issues["reported"][rows][genuine]
    closed = snapshot.issues["closed"][rows][genuine]
    found = snapshot.inspections["found"][snapshot.inspections.span(sel.lo, sel.hi)]

    def per_week(times: np.ndarray) -> np.ndarray:
        times = times[~np.isnat(times) & (times <= limit)]
        return np.histogram(times.astype(np.int64), bins=edges.astype(np.int64))[0]

    return pd.DataFrame({"week": starts, "last": [d + dt.timedelta(days=6) for d in starts],
                         "reported": per_week(reported), "closed": per_week(closed), "hazards": per_week(found)})


def _top_overdue(view: Session, snapshot: Snapshot, code: str, now: dt.datetime) -> pd.DataFrame:
    sel = snapshot.select(code)
    rows = snapshot.issues.span(sel.lo, sel.hi)
    flags = issue_flags(snapshot.issues, rows, Filters(), Clock.of(Filters(), now))
    index = np.flatnonzero(flags["overdue"])
    deadline = snapshot.issues["deadline"][rows][index]
    order = index[np.argsort(deadline, kind="stable")][:TOP_OVERDUE]
    ids = snapshot.issues.ids[rows][order].tolist()
    columns = ["id", "category", "deadline", "micro_code"]
    if not ids:
        return pd.DataFrame({c: [] for c in [*columns, "unit", "days", "lon", "lat"]})
    found = pd.DataFrame(view.read("issues", where={"id": ids}, columns=columns)).set_index("id").reindex(ids)
    names = snapshot.units["name"]
    lonlat = snapshot.issues.lonlat[rows][order] if snapshot.issues.lonlat is not None else np.full((len(ids), 2),
                                                                                                     np.nan)
    deadlines = pd.to_datetime(found["deadline"])
    return pd.DataFrame({
        "id": ids, "category": found["category"].to_numpy(dtype=object),
        "unit": [str(names.get(str(m), m or "")) for m in found["micro_code"]],
        "deadline": deadlines.to_numpy(),
        "days": ((pd.Timestamp(now) - deadlines).dt.total_seconds() / 86400).round(1).to_numpy(),
        "lon": lonlat[:, 0], "lat": lonlat[:, 1],
    })


def _stations(snapshot: Snapshot, filters: Filters, now: dt.datetime) -> pd.DataFrame:
    """The stations open at ``now`` (a temporary 助考小站 only in its season, a closed one not
    at all), as the command map draws them."""
    table = snapshot.stations
    if table.lonlat is None or not len(table):
        return pd.DataFrame({"id": [], "lon": [], "lat": []})
    active = station_flags(table, slice(0, len(table)), filters, Clock.of(filters, now))["active"]
    return pd.DataFrame({"id": np.asarray(table.ids)[active], "lon": table.lonlat[active, 0],
                         "lat": table.lonlat[active, 1]})


def _not_visited(view: Session, now: dt.datetime) -> list[str] | None:
    """Names of the stations open now without a supervision visit in the last 30 days
    (:mod:`gridmap.stations`); None when no visit was ever recorded in the view."""
    visits = view.read(VISITS_LAYER, columns=["station_id", "visited_at"])
    if visits.empty:
        return None
    stations = view.read("stations", columns=["id", "name", "opened", "closes"])
    today = pd.Timestamp(now).normalize()
    opened = pd.to_datetime(stations["opened"], errors="coerce")
    closes = pd.to_datetime(stations["closes"], errors="coerce")
    open_now = ((opened.isna() | (opened <= today)) & (closes.isna() | (closes >= today))).to_numpy()
    recent = pd.to_datetime(visits["visited_at"]) >= pd.Timestamp(now - dt.timedelta(days=30))
    seen = set(visits.loc[recent.to_numpy(), "station_id"].astype(str))
    names = zip(stations["id"].astype(str)[open_now], stations["name"][open_now], strict=True)
    return [str(n) for i, n in names if i not in seen]
