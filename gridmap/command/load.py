"""Reading the commander's data: once per scope, then only what changed on each tick.

- :func:`load_snapshot` -- read the columns the KPIs and map measures need, through a
  jurisdiction-scoped session, into a :class:`~gridmap.command.snapshot.Snapshot`.
- :func:`refresh_snapshot` -- the live tick: re-read only the rows that can have
  changed (open issues, unfinished hazards, today's zero-reports, stations, risk colours).
- :func:`data_now` -- the moment the data describe (the county's ``as_of`` setting).

Every read goes through the session (:class:`gridmap.access.Session`), never the
store: the session's scope and role filters (a department sees its own issues) hold
for everything computed from the snapshot. Nothing here reads the wall clock except
:func:`data_now` when the store has no ``as_of`` setting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from gridmap.command.encode import (
    first_report,
    level_codes,
    micro_axis,
    per_micro,
    point_table,
    unknown_micro,
)
from gridmap.command.snapshot import CODES, LIVE_HAZARD_STATUSES, LIVE_ISSUE_STATUSES, PointTable, Snapshot
from gridmap.domain import Level, Scope, beijing_now

UNIT_COLUMNS = ("code", "level", "name", "parent_code", "households", "residents", "floating", "risk_colour")
ISSUE_COLUMNS = ("id", "category", "status", "reported_at", "deadline", "closed_at", "micro_code")
INSPECTION_COLUMNS = ("id", "hazard_types", "severity", "status", "found_at", "deadline", "rectified_at",
                      "micro_code")
STATION_COLUMNS = ("id", "station_type", "opened", "closes", "micro_code")
_ID_CHUNK = 500  # ids per IN (...) query


class ScopedReader(Protocol):
    """What the snapshot needs from :class:`gridmap.access.Session`."""

    scope: Scope

    def read(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: Any = None,
             columns: Sequence[str] | None = None, limit: int | None = None) -> pd.DataFrame: ...

    def count(self, layer_name: str, *, where: Mapping[str, Any] | None = None) -> int: ...

    def meta(self, key: str) -> str | None: ...


# --------------------------------------------------------------------------- loading


def data_now(session: ScopedReader) -> dt.datetime:
    """The moment the data describe: the county's ``as_of`` setting, else the wall clock.

    The demo stores ``as_of`` (15:00 on its last day); a live system has none and
    uses the current Beijing time. Pass the result as ``now`` to the KPI functions.
    """
    return _as_of(session) or beijing_now().replace(microsecond=0)


def load_snapshot(session: ScopedReader, *, today: dt.date | None = None, with_xy: bool = False) -> Snapshot:
    """Read what the commander's numbers need, in ``session``'s scope, once.

    Reads only the needed columns, without geometry (unless ``with_xy``): units of the
    current plan, issues, inspections, stations, the zero-reports of ``today`` and the
    households reduced to per-micro-grid counts. Every read goes through ``session``,
    so a department handler's snapshot holds its department's issues only. Layers the
    session may not read (households, zero-reports for some roles) are left out
    (None) and the numbers that need them come out as None.

    Args:
        session: A :class:`gridmap.access.Session` (or anything with its read API).
        today: The day whose zero-reports to hold; default the day of :func:`data_now`.
        with_xy: Also keep each point's longitude/latitude (for highlighting).

    Returns:
        The snapshot.
    """
    as_of = _as_of(session)
    day = today or (as_of or beijing_now()).date()
    plan = _plan_version(session)
    units = _read_units(session, plan)
    frames = {
        "issues": session.read("issues", columns=_cols(ISSUE_COLUMNS, with_xy)),
        "inspections": session.read("inspections", columns=_cols(INSPECTION_COLUMNS, with_xy)),
        "stations": session.read("stations", columns=_cols(STATION_COLUMNS, with_xy)),
    }
    zero = _read_zero_reports(session, day)
    homes = _read_households(session)
    micro_codes = micro_axis(units, [*frames.values(), *(f for f in (zero, homes) if f is not None)])
    tables = {name: point_table(name, frame, micro_codes) for name, frame in frames.items()}
    codes_by_level = level_codes(units)
    return Snapshot(
        scope=session.scope, plan_version=plan, day=day, as_of=as_of, units=units, micro_codes=micro_codes,
        micro_is_unit=np.isin(micro_codes, codes_by_level[Level.MICRO]),
        issues=tables["issues"], inspections=tables["inspections"], stations=tables["stations"],
        zero_first=None if zero is None else first_report(zero, micro_codes, day),
        households=None if homes is None else per_micro(homes, micro_codes, None),
        collected=None if homes is None else per_micro(homes, micro_codes, "collected"),
        level_codes=codes_by_level,
    )


def refresh_snapshot(session: ScopedReader, snapshot: Snapshot, *, today: dt.date | None = None) -> Snapshot:
    """The snapshot brought up to date by re-reading only what can have changed.

    There is no ``updated_at`` column, so the refresh relies on final statuses being
    final: closed, duplicate and invalid issues and verified hazards never change. It
    re-reads the issues and hazards in a live status (a few hundred of 125,000 in the
    demo county) plus, by id, the ones that were live and have since left that
    status; today's zero-reports; the stations; and the units' risk colours. A count
    check per layer catches what this misses (a row added and finished between two
    ticks, a deleted row): that layer is then read in full. A changed boundary plan,
    a point in an unknown micro-grid or a different scope reloads everything.

    Args:
        session: The same user's session the snapshot was loaded with.
        snapshot: The previous snapshot (not changed).
        today: The zero-report day; default the day of :func:`data_now`.

    Returns:
        A new snapshot sharing the unchanged arrays with the old one.
    """
    as_of = _as_of(session)
    day = today or (as_of or beijing_now()).date()
    with_xy = snapshot.issues.lonlat is not None
    if session.scope.cache_key() != snapshot.scope.cache_key() or _plan_version(session) != snapshot.plan_version:
        return load_snapshot(session, today=day, with_xy=with_xy)
    micro_codes = snapshot.micro_codes
    try:
        issues = _refresh_layer(session, "issues", snapshot.issues, micro_codes, LIVE_ISSUE_STATUSES,
                                CODES["issue_status"], _cols(ISSUE_COLUMNS, with_xy))
        inspections = _refresh_layer(session, "inspections", snapshot.inspections, micro_codes,
                                     LIVE_HAZARD_STATUSES, CODES["hazard_status"], _cols(INSPECTION_COLUMNS, with_xy))
        stations = _known("stations", session.read("stations", columns=_cols(STATION_COLUMNS, with_xy)), micro_codes)
        zero = _read_zero_reports(session, day)
        if zero is not None and unknown_micro([zero], micro_codes):
            raise _Reload
    except _Reload:
        return load_snapshot(session, today=day, with_xy=with_xy)
    risk = session.read("units", where={"plan_version": snapshot.plan_version}, columns=["code", "risk_colour"])
    units = snapshot.units.copy()
    units["risk_colour"] = risk.set_index("code")["risk_colour"].reindex(units.index).to_numpy(dtype=object)
    return replace(snapshot, day=day, as_of=as_of, units=units, issues=issues, inspections=inspections,
                   stations=stations, zero_first=None if zero is None else first_report(zero, micro_codes, day))


class _Reload(Exception):
    """A row names a micro-grid the snapshot does not know (a new plan?): read everything."""


def _refresh_layer(session: ScopedReader, layer_name: str, table: PointTable, micro_codes: np.ndarray,
                   live: tuple[str, ...], statuses: tuple[str, ...], columns: list[str]) -> PointTable:
    """``table`` with its live rows re-read, or the whole layer when the count disagrees."""
    fresh = session.read(layer_name, where={"status": list(live)}, columns=columns)
    was_live = np.isin(table["status"], [statuses.index(s) for s in live])
    previous = pd.Index(table.ids[was_live])
    gone = previous[~previous.isin(fresh["id"].astype(str))].to_numpy(dtype=object)
    parts = [fresh, *(session.read(layer_name, where={"id": gone[i:i + _ID_CHUNK].tolist()}, columns=columns)
                      for i in range(0, len(gone), _ID_CHUNK))]
    changed = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else fresh
    # Final rows never change, so every row that changed was live before or is new.
    # A row added and finished between two ticks, a deleted row, or a final row that
    # came back to life makes the count differ: then the layer is read in full.
    merged = PointTable.concat(table.take(~was_live), _known(layer_name, changed, micro_codes))
    if session.count(layer_name) == len(merged):
        return merged
    return _known(layer_name, session.read(layer_name, columns=columns), micro_codes)


def _known(layer_name: str, frame: pd.DataFrame, micro_codes: np.ndarray) -> PointTable:
    """The frame as a point table on the snapshot's micro-grid axis (:class:`_Reload` if off it)."""
    if unknown_micro([frame], micro_codes):
        raise _Reload
    return point_table(layer_name, frame, micro_codes)


# --------------------------------------------------------------------------- readers


def _as_of(session: ScopedReader) -> dt.datetime | None:
    value = session.meta("as_of")
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=None)
    except ValueError:
        return None


def _plan_version(session: ScopedReader) -> int:
    value = session.meta("plan_version")
    return int(value) if value else 1


def _cols(columns: tuple[str, ...], with_xy: bool) -> list[str]:
    return [*columns, "geometry"] if with_xy else list(columns)


def _read_units(session: ScopedReader, plan: int) -> pd.DataFrame:
    """The plan's units; population figures the role may not read stay missing (NA)."""
    units = session.read("units", where={"plan_version": plan}, columns=list(UNIT_COLUMNS))
    units = pd.DataFrame(units).astype({"code": str}).set_index("code").sort_index()
    hidden: frozenset[str] = getattr(session, "hidden_columns", lambda _name: frozenset())("units")
    for column in ("households", "residents", "floating"):
        values = pd.to_numeric(units[column])
        units[column] = values.astype("Int64") if column in hidden else values.fillna(0).astype(np.int64)
    return units


def _may_read(session: ScopedReader, layer_name: str) -> bool:
    """Whether the session's role may read a layer (sessions without ``can``: yes)."""
    can = getattr(session, "can", None)
    if can is None:
        return True
    from gridmap.access import READ_OP

    return bool(can(READ_OP[layer_name]))


def _read_zero_reports(session: ScopedReader, day: dt.date) -> pd.DataFrame | None:
    if not _may_read(session, "zero_reports"):
        return None
    return session.read("zero_reports", where={"day": day}, columns=["micro_code", "reported_at"])


def _read_households(session: ScopedReader) -> pd.DataFrame | None:
    if not _may_read(session, "households"):
        return None
    return session.read("households", columns=["micro_code", "collected"])


