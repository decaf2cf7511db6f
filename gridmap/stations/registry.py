"""The station registry (站点台账): add, edit, move and close stations; which are open.

Every change is one transaction through the user's :class:`~gridmap.access.Session`
(:data:`~gridmap.access.Op.EDIT_STATIONS`: planners and admins), so each is in the audit
trail with the row before and after. Stations are never deleted: closing one sets its
last open day (``closes``) and a note, and its visits stay.

A station is **open on a day** when it has opened by then and its last day
(``closes``) has not passed (:func:`active_on`); temporary types
(:data:`~gridmap.domain.TEMPORARY_STATIONS`, the 助考小站) must have a last day. The
command map, the coverage and the visit forms use only open stations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access import Op, Session
from gridmap.domain import STATION_LEVELS, TEMPORARY_STATIONS, StationType
from gridmap.store.base import new_id
from gridmap.workflow.errors import BadInput, Coded, OutsideJurisdiction, RowNotFound, Words, listed

NAME_LIMIT = 60
TEXT_LIMIT = 200
LIST_LIMIT = 30
FUNDING_LIMIT = 10_000_000
# The columns the registry form edits (geometry moves through move_station).
EDITABLE: tuple[str, ...] = ("name", "station_type", "level", "opened", "closes", "services", "hours", "staff",
                             "funding_yuan")


def active_on(frame: pd.DataFrame, day: dt.date) -> np.ndarray:
    """Per row of a stations frame: open on ``day`` (opened by then, last day not passed)."""
    if frame.empty:
        return np.zeros(0, dtype=bool)
    stamp = pd.Timestamp(day)
    opened = pd.to_datetime(frame["opened"]) if "opened" in frame else pd.Series(pd.NaT, index=frame.index)
    closes = pd.to_datetime(frame["closes"]) if "closes" in frame else pd.Series(pd.NaT, index=frame.index)
    return ((opened.isna() | (opened <= stamp)) & (closes.isna() | (closes >= stamp))).to_numpy()


def check_station(values: Mapping[str, Any]) -> dict[str, Any]:
    """The registry fields of ``values`` cleaned, or :class:`BadInput` naming the first wrong one."""
    out: dict[str, Any] = {}
    if "name" in values:
        name = str(values["name"] or "").strip()
        if not name or len(name) > NAME_LIMIT:
            raise BadInput("stations.bad_name", limit=NAME_LIMIT)
        out["name"] = name
    if "station_type" in values:
        kind = str(values["station_type"])
        if kind not in {str(s) for s in StationType}:
            raise BadInput("stations.bad_choice", field=Words("stations.field.station_type"), value=kind,
                           choices=listed(Coded("station", str(s)) for s in StationType))
        out["station_type"] = kind
    if "level" in values:
        level = values["level"] or None
        if level is not None and str(level) not in STATION_LEVELS:
            raise BadInput("stations.bad_choice", field=Words("stations.field.level"), value=str(level),
                           choices=listed(Coded("level", lv) for lv in STATION_LEVELS))
        out["level"] = None if level is None else str(level)
    for column in ("opened", "closes"):
        if column in values:
            out[column] = _date(values[column], column)
    for column in ("services", "staff"):
        if column in values:
            out[column] = _names(values[column], column)
    if "hours" in values:
        hours = str(values["hours"] or "").strip()
        if len(hours) > TEXT_LIMIT:
            raise BadInput("stations.too_long", field=Words("stations.field.hours"), limit=TEXT_LIMIT)
        out["hours"] = hours or None
    if "funding_yuan" in values:
        out["funding_yuan"] = _funding(values["funding_yuan"])
    return out


def add_station(session: Session, *, lon: float, lat: float, **values: Any) -> dict[str, Any]:
    """Register a new station at a point (a map click); returns the stored row.

    Args:
        session: Who adds it (planners, admins).
        lon, lat: Its position (WGS84 degrees).
        values: Its fields (:data:`EDITABLE`); ``name`` and ``station_type`` are required.

    Raises:
        BadInput: a wrong field, a temporary station without a last day, a last day
            before the first.
        OutsideJurisdiction: the point lies outside the user's jurisdiction.
    """
    clean = check_station({"services": [], "staff": [], **values})
    if "name" not in clean or "station_type" not in clean:
        raise BadInput("stations.bad_name", limit=NAME_LIMIT)
    _check_dates(clean)
    point = _point(lon, lat)
    session.require(Op.EDIT_STATIONS)
    row = {"id": new_id(), "county_code": session.scope.county_code, **clean, "geometry": point}
    with session.write(Op.EDIT_STATIONS) as tx:
        (placed,) = tx.place_records("stations", [row])
        _inside(session, placed.get("micro_code"), point)
        frame = gpd.GeoDataFrame([placed], geometry="geometry", crs="EPSG:4326")
        tx.insert("stations", frame, note="station added")
    return {k: v for k, v in placed.items() if k != "geometry"}


def edit_station(session: Session, station_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Change registry fields of one station (one audited update); returns the row after it."""
    clean = check_station(changes)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise BadInput("stations.bad_choice", field=Words("stations.field.name"), value=", ".join(unknown),
                       choices=listed(EDITABLE))
    with session.write(Op.EDIT_STATIONS) as tx:
        before = _station(tx, station_id)
        _check_dates({**before, **clean})
        return tx.update("stations", station_id, clean)


def move_station(session: Session, station_id: str, *, lon: float, lat: float) -> dict[str, Any]:
    """Move a station to a point; its unit codes follow the point (audited)."""
    point = _point(lon, lat)
    with session.write(Op.EDIT_STATIONS) as tx:
        _station(tx, station_id)
        (placed,) = tx.place_records("stations", [{"id": station_id, "geometry": point}])
        _inside(session, placed.get("micro_code"), point)
        return tx.update("stations", station_id, {"geometry": point})


def close_station(session: Session, station_id: str, *, last_day: dt.date, note: str | None = None) -> dict[str, Any]:
    """Close a station after ``last_day`` (its last open day); the row and its visits stay."""
    day = _date(last_day, "closes")
    text = str(note or "").strip()
    if len(text) > TEXT_LIMIT:
        raise BadInput("stations.too_long", field=Words("stations.field.closed_note"), limit=TEXT_LIMIT)
    with session.write(Op.EDIT_STATIONS) as tx:
        before = _station(tx, station_id)
        _check_dates({**before, "closes": day})
        return tx.update("stations", station_id, {"closes": day, "closed_note": text or None})


# --------------------------------------------------------------------------- helpers


def _station(tx: Any, station_id: str) -> dict[str, Any]:
    found = tx.read("stations", where={"id": str(station_id)}, for_update=True)
    if found.empty:
        raise RowNotFound("stations.not_found", id=str(station_id))
    return dict(found.iloc[0].drop(labels="geometry", errors="ignore"))


def _check_dates(row: Mapping[str, Any]) -> None:
    opened, closes = _date(row.get("opened"), "opened"), _date(row.get("closes"), "closes")
    if row.get("station_type") in {str(t) for t in TEMPORARY_STATIONS} and closes is None:
        raise BadInput("stations.temporary_needs_end", type=Coded("station", str(row["station_type"])))
    if opened is not None and closes is not None and closes < opened:
        raise BadInput("stations.end_before_start", opened=opened.isoformat(), closes=closes.isoformat())


def _date(value: Any, column: str) -> dt.date | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadInput("stations.bad_date", field=Words(f"stations.field.{column}"), value=str(value)) from None


def _names(value: Any, column: str) -> list[str]:
    items: Iterable[Any]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        items = []
    elif isinstance(value, str):
        items = value.replace("，", ",").replace("、", ",").split(",")
    else:
        items = value
    out = [str(i.get("name", "") if isinstance(i, Mapping) else i).strip() for i in items]
    out = list(dict.fromkeys(i for i in out if i))
    if len(out) > LIST_LIMIT or any(len(i) > NAME_LIMIT for i in out):
        raise BadInput("stations.too_many", field=Words(f"stations.field.{column}"), limit=LIST_LIMIT,
                       length=NAME_LIMIT)
    return out


def _funding(value: Any) -> int | None:
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return None
    try:
        amount = int(str(value).strip())
    except ValueError:
        raise BadInput("stations.bad_funding", value=str(value), limit=FUNDING_LIMIT) from None
    if not 0 <= amount <= FUNDING_LIMIT:
        raise BadInput("stations.bad_funding", value=str(value), limit=FUNDING_LIMIT)
    return amount


def _point(lon: Any, lat: Any) -> shapely.Point:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise BadInput("workflow.bad_position", lon=str(lon), lat=str(lat)) from None
    if not (np.isfinite(x) and np.isfinite(y)) or abs(x) > 180 or abs(y) > 90:
        raise BadInput("workflow.bad_position", lon=str(lon), lat=str(lat))
    return shapely.Point(x, y)


def _inside(session: Session, micro: Any, point: shapely.Point) -> None:
    scope = session.scope
    if micro is None and scope.whole_county:
        return
    if micro is not None and str(micro).startswith(scope.prefix):
        return
    where = Words("workflow.where_outside") if micro is None else Words("workflow.where_unit", (("code", str(micro)),))
    raise OutsideJurisdiction("workflow.outside_jurisdiction", lon=f"{point.x:.6f}", lat=f"{point.y:.6f}",
                              where=where, unit=scope.unit_code or scope.county_code)


__all__ = ["EDITABLE", "active_on", "add_station", "check_station", "close_station", "edit_station",
           "move_station"]
