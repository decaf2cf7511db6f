"""Supervision visits to stations (督查走访): located, checked, published.

- :func:`record_visit` -- a visit where the visitor stood (a map click or the browser's
  position), its straight-line distance to the station, flagged ``far`` beyond the
  ``GRIDMAP_VISIT_FAR_M`` setting (default 200 m), a checklist result
  (:data:`~gridmap.domain.VISIT_CHECKLIST`) and follow-up items. One audited insert.
- :func:`last_visits` -- per station: the last visit, how many, the last result.
- :func:`visit_age` -- per station: days since the last visit and its class
  (:data:`AGE_CLASSES`) for the map of time since the last visit.
- :func:`town_results` -- the published table: per town, visits, stations visited,
  visits flagged far, checklist items passed, follow-up items.

Who visits: commanders and admins (:data:`~gridmap.access.Op.RECORD_VISIT`). Planners
keep the registry and inspectors check hazards; a supervisor grading the stations they
run themselves would not be supervision.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from gridmap.access import Op, Session
from gridmap.domain import VISIT_CHECKLIST
from gridmap.photos import attach, check_photos
from gridmap.settings import get_settings
from gridmap.spatial.crs import metric_crs, metric_transformer
from gridmap.stations.registry import _point, active_on
from gridmap.store.base import new_id, now
from gridmap.uploads import Upload
from gridmap.workflow.errors import BadInput, RowNotFound, Words

NOTE_LIMIT = 1000
FOLLOW_UP_LIMIT = 20
FOLLOW_UP_LENGTH = 200
# Days since the last visit -> class, for the map (upper bounds, inclusive); "never" beyond.
AGE_CLASSES: tuple[tuple[str, int | None], ...] = (("d30", 30), ("d90", 90), ("d180", 180), ("older", None))
NEVER = "never"


def distance_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Straight-line metres between two WGS84 points, in the metric CRS of the first."""
    crs = metric_crs(lon1)
    x, y = metric_transformer("EPSG:4326", crs).transform([lon1, lon2], [lat1, lat2])
    return float(math.hypot(x[1] - x[0], y[1] - y[0]))


def record_visit(session: Session, station_id: str, *, lon: float, lat: float, checklist: Mapping[str, bool],
                 follow_up: Iterable[str] = (), note: str | None = None, at: dt.datetime | None = None,
                 far_m: float | None = None, photos: Sequence[Upload] | None = None) -> dict[str, Any]:
    """Record a supervision visit to a station, located where the visitor stood.

    Args:
        session: The visitor (commanders, admins), inside whose jurisdiction the station is.
        station_id: The station visited; it must be open on the day of the visit.
        lon, lat: The visitor's position (WGS84 degrees).
        checklist: Item of :data:`~gridmap.domain.VISIT_CHECKLIST` -> passed; items left
            out are not counted.
        follow_up: Things to be put right, one per item (empty lines dropped).
        note: A remark.
        at: The time of the visit (default now, Beijing time).
        far_m: The distance beyond which the visit is flagged (default the setting).
        photos: Photos of the visit, each checked by :func:`gridmap.uploads.accept_upload`
            (metadata stripped); stored in the same transaction (:func:`gridmap.photos.attach`).

    Returns:
        The stored visit, with ``distance_m``, ``far`` and ``photos`` (their ids).

    Raises:
        RowNotFound: no such station in the user's view.
        BadInput: a closed station, a wrong position, an unknown checklist item, text too long.
    """
    point = _point(lon, lat)
    pictures = check_photos(photos)
    unknown = sorted(set(checklist) - set(VISIT_CHECKLIST))
    if unknown:
        raise BadInput("stations.bad_checklist", item=unknown[0])
    items = [str(i).strip() for i in follow_up if str(i).strip()]
    if len(items) > FOLLOW_UP_LIMIT or any(len(i) > FOLLOW_UP_LENGTH for i in items):
        raise BadInput("stations.too_many", field=Words("stations.field.follow_up"), limit=FOLLOW_UP_LIMIT,
                       length=FOLLOW_UP_LENGTH)
    text = str(note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise BadInput("workflow.note_too_long", n=len(text), limit=NOTE_LIMIT)
    limit = float(get_settings().visit_far_m if far_m is None else far_m)
    when = (at or now()).replace(microsecond=0)
    session.require(Op.RECORD_VISIT)
    with session.write(Op.RECORD_VISIT) as tx:
        found = tx.read("stations", where={"id": str(station_id)})
        if found.empty:
            raise RowNotFound("stations.not_found", id=str(station_id))
        station = found.iloc[0]
        if not active_on(found, when.date())[0]:
            raise BadInput("stations.visit_closed", name=str(station["name"]))
        spot = station.geometry
        metres = distance_m(point.x, point.y, spot.x, spot.y)
        passed = {k: bool(v) for k, v in checklist.items()}
        row = {"id": new_id(), "station_id": str(station_id), "visited_at": when,
               "visitor": session.user.display_name or session.user.username, "distance_m": round(metres, 1),
               "far": bool(metres > limit), "checklist": passed, "passed": sum(passed.values()),
               "items": len(passed), "follow_up": items, "note": text or None,
               "town_code": station.get("town_code"), "micro_code": station.get("micro_code"),
               "geometry": point}
        tx.insert("station_visits", [row], note=f"visit to {station_id}")
        photo_ids = attach(tx, "station_visits", str(row["id"]), pictures)
    return {**{k: v for k, v in row.items() if k != "geometry"}, "photos": photo_ids}


def last_visits(visits: pd.DataFrame) -> pd.DataFrame:
    """Per ``station_id``: ``last_at``, ``visits``, ``last_far``, ``last_passed``, ``last_items``, ``last_visitor``."""
    columns = ["station_id", "last_at", "visits", "last_far", "last_passed", "last_items", "last_visitor"]
    if visits.empty:
        return pd.DataFrame(columns=columns).set_index("station_id")
    ordered = pd.DataFrame(visits.drop(columns="geometry", errors="ignore")).sort_values(["station_id", "visited_at"])
    last = ordered.groupby("station_id").tail(1).set_index("station_id")
    out = pd.DataFrame({"last_at": pd.to_datetime(last["visited_at"]), "visits": ordered.groupby("station_id").size(),
                        "last_far": last["far"].astype(bool), "last_passed": last["passed"],
                        "last_items": last["items"], "last_visitor": last["visitor"]})
    out.index.name = "station_id"
    return out


def visit_age(station_ids: Iterable[str], visits: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Per station id: ``days`` since the last visit (NaN: never) and its ``age_class``."""
    ids = [str(i) for i in station_ids]
    last = pd.to_datetime(last_visits(visits)["last_at"]).reindex(ids)
    days = (pd.Timestamp(today) - last.dt.normalize()).dt.days
    return pd.DataFrame({"days": days.to_numpy(dtype=float), "age_class": [age_class(d) for d in days]},
                        index=pd.Index(ids, name="station_id"))


def age_class(days: float | None) -> str:
    """The class of ``days`` since the last visit (:data:`AGE_CLASSES`; :data:`NEVER` when missing)."""
    if days is None or (isinstance(days, float) and math.isnan(days)) or pd.isna(days):
        return NEVER
    for name, bound in AGE_CLASSES:
        if bound is None or days <= bound:
            return name
    return AGE_CLASSES[-1][0]


def town_results(visits: pd.DataFrame, stations: pd.DataFrame, towns: Mapping[str, str], *,
                 since: dt.date | None = None, until: dt.date | None = None) -> pd.DataFrame:
    """The published results per town, for visits from ``since`` to ``until`` (inclusive).

    Columns: ``town_code``, ``town``, ``stations`` (open ones), ``visited`` (stations with
    a visit), ``visits``, ``far`` (visits flagged far), ``passed_share`` (checklist items
    passed of those checked, 0-1; NaN without any), ``follow_ups``.
    """
    frame = pd.DataFrame(visits.drop(columns="geometry", errors="ignore")).copy()
    if not frame.empty:
        at = pd.to_datetime(frame["visited_at"])
        keep = np.ones(len(frame), dtype=bool)
        if since is not None:
            keep &= (at >= pd.Timestamp(since)).to_numpy()
        if until is not None:
            keep &= (at < pd.Timestamp(until) + pd.Timedelta(days=1)).to_numpy()
        frame = frame[keep]
    today = until or now().date()
    open_stations = stations[active_on(stations, today)] if len(stations) else stations
    rows = []
    for code, name in sorted(towns.items()):
        mine = frame[frame["town_code"] == code] if not frame.empty else frame
        items = float(pd.to_numeric(mine["items"], errors="coerce").fillna(0).sum()) if len(mine) else 0.0
        passed = float(pd.to_numeric(mine["passed"], errors="coerce").fillna(0).sum()) if len(mine) else 0.0
        n_stations = int((open_stations["town_code"] == code).sum()) if len(open_stations) else 0
        rows.append({"town_code": code, "town": name, "stations": n_stations,
                     "visited": int(mine["station_id"].nunique()) if len(mine) else 0, "visits": len(mine),
                     "far": int(mine["far"].astype(bool).sum()) if len(mine) else 0,
                     "passed_share": passed / items if items else float("nan"),
                     "follow_ups": int(sum(len(f) for f in mine["follow_up"] if isinstance(f, list))) if len(mine)
                     else 0})
    return pd.DataFrame(rows, columns=["town_code", "town", "stations", "visited", "visits", "far", "passed_share",
                                       "follow_ups"])


__all__ = ["AGE_CLASSES", "NEVER", "age_class", "distance_m", "last_visits", "record_visit", "town_results",
           "visit_age"]
