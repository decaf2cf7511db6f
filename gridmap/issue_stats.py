"""Issue statistics (量化比评) per unit, department or reporter: :func:`issue_stats`.

One row per group, over the issues reported in a period (whole days, both ends
included), plus the "now" figures of every open issue of the group:

==================  ===========================================================================
column              definition
==================  ===========================================================================
``reported``        issues reported in the period (every status)
``genuine``         of those, not duplicate or invalid (the command map's "reported" KPI)
``closed``          of the genuine ones, closed (结案) by ``now``
``closure_rate``    ``closed / genuine`` (None when nothing genuine was reported)
``median_hours``    median hours from report to closure over ``closed`` (None when none)
``on_time``         of ``closed`` with a deadline, those resolved by the handler (the last
                    已办结 step; the clock stops there) at or before the deadline
``on_time_share``   ``on_time`` / closed issues with a deadline (None when none)
``open_now``        issues of the group open at ``now`` (any report date)
``overdue_now``     of those, overdue at ``now`` (:func:`gridmap.workflow.clock.issue_overdue`)
``per_day``         ``reported`` / days in the period (reporting frequency)
==================  ===========================================================================

Groups: a unit at any level (the issues carry their town, village, grid and micro-grid
codes; every unit of that level in the session's scope gets a row, zeros included; at
county scope issues in no unit get a row of their own), a department (every department
the session sees), or a reporter. The session decides what is counted: its jurisdiction
and, for a department handler, its department only. :func:`compute_stats` is the pure
computation behind it, for frames already in hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from gridmap.access import Op, Session
from gridmap.domain import DEPARTMENTS, ISSUE_LIFECYCLE, IssueStatus, Level, Role, beijing_now
from gridmap.workflow.clock import issue_overdue

GroupBy = Literal["unit", "department", "reporter"]
STAT_COLUMNS: tuple[str, ...] = ("reported", "genuine", "closed", "closure_rate", "median_hours", "on_time",
                                 "on_time_share", "open_now", "overdue_now", "per_day")
# The key of the row that holds issues in no unit (county scope only) and of issues without a reporter.
OUTSIDE_KEY = "(outside)"
NO_REPORTER_KEY = "(none)"
_NOT_GENUINE = frozenset({str(IssueStatus.DUPLICATE), str(IssueStatus.INVALID)})
_LEVEL_COLUMN = {Level.TOWN: "town_code", Level.VILLAGE: "village_code", Level.GRID: "grid_code",
                 Level.MICRO: "micro_code"}
_ISSUE_COLUMNS = ["id", "county_code", "status", "reported_at", "deadline", "closed_at", "department", "reporter",
                  *_LEVEL_COLUMN.values()]


def issue_stats(session: Session, *, by: GroupBy | str = "unit", level: Level | str = Level.TOWN,
                first_day: dt.date, last_day: dt.date, now: dt.datetime | None = None) -> pd.DataFrame:
    """The statistics table of the issues ``session`` may see.

    Args:
        session: Who asks (needs ``view_issue_stats``); scope and department apply.
        by: ``"unit"``, ``"department"`` or ``"reporter"``.
        level: For ``by="unit"``, the level whose units are the rows.
        first_day, last_day: The period, both days included (Beijing dates).
        now: The moment for closed-by, open and overdue (default: Beijing time now).

    Returns:
        ``key``, ``name`` and :data:`STAT_COLUMNS`, one row per group, worst closure
        rate first (then most reported), groups without any issue last.

    Raises:
        PermissionDenied: the role may not view issue statistics.
        ValueError: an unknown grouping or level, or a period that ends before it starts.
    """
    session.require(Op.VIEW_ISSUE_STATS)
    if by not in ("unit", "department", "reporter"):
        raise ValueError(f"by must be 'unit', 'department' or 'reporter', got {by!r}")
    if last_day < first_day:
        raise ValueError(f"the period ends ({last_day}) before it starts ({first_day})")
    clock = now or beijing_now()
    issues = pd.DataFrame(session.read("issues", columns=_ISSUE_COLUMNS))
    resolved = _resolved_at(session)
    names: Mapping[str, str] = {}
    keys: list[str] = []
    if by == "unit":
        lvl = Level(level)
        groups, names, keys = _unit_groups(session, issues, lvl)
    elif by == "department":
        groups = issues["department"].astype(object).where(issues["department"].notna(), None)
        own = session.user.department if session.user.role == Role.DEPARTMENT and not session.user.system else None
        keys = [d for d in DEPARTMENTS if own is None or d == own]
    else:
        groups = issues["reporter"].astype(object).where(issues["reporter"].notna(), NO_REPORTER_KEY)
    table = compute_stats(issues, groups, first_day=first_day, last_day=last_day, now=clock, resolved=resolved,
                          keys=keys)
    table.insert(1, "name", [names.get(k, k) for k in table["key"]])
    return table


def compute_stats(issues: pd.DataFrame, groups: pd.Series, *, first_day: dt.date, last_day: dt.date,
                  now: dt.datetime, resolved: pd.Series | None = None, keys: list[str] | None = None) -> pd.DataFrame:
    """:data:`STAT_COLUMNS` per group of ``issues``.

    Args:
        issues: Rows with ``id``, ``status``, ``reported_at``, ``deadline``, ``closed_at``.
        groups: Per row (same index), its group key; None leaves the row out.
        first_day, last_day: The period (both days included).
        now: The moment for closed-by, open and overdue.
        resolved: Issue id -> when its handler last resolved it; without it (or for
            issues missing from it) the closure time stands in.
        keys: Groups to list even without any issue (zeros), in this order first.
    """
    frame = pd.DataFrame({
        "key": groups.to_numpy(dtype=object),
        "status": issues["status"].astype(str).to_numpy(),
        "reported_at": pd.to_datetime(issues["reported_at"]).to_numpy(dtype="datetime64[s]"),
        "deadline": pd.to_datetime(issues["deadline"]).to_numpy(dtype="datetime64[s]"),
        "closed_at": pd.to_datetime(issues["closed_at"]).to_numpy(dtype="datetime64[s]"),
    })
    done_at = frame["closed_at"]
    if resolved is not None and len(issues):
        mapped = pd.to_datetime(issues["id"].astype(str).map(resolved)).to_numpy(dtype="datetime64[s]")
        done_at = pd.Series(np.where(np.isnat(mapped), frame["closed_at"].to_numpy(), mapped), index=frame.index)
    start = np.datetime64(dt.datetime.combine(first_day, dt.time()), "s")
    end = np.datetime64(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()), "s")
    stamp = np.datetime64(now.replace(microsecond=0), "s")
    in_period = (frame["reported_at"] >= start) & (frame["reported_at"] < end) & (frame["reported_at"] <= stamp)
    genuine = in_period & ~frame["status"].isin(_NOT_GENUINE)
    closed = genuine & (frame["status"] == str(IssueStatus.CLOSED)) & (frame["closed_at"] <= stamp)
    has_deadline = closed & frame["deadline"].notna()
    on_time = has_deadline & (pd.to_datetime(done_at) <= frame["deadline"])
    open_now = frame["status"].isin(ISSUE_LIFECYCLE.open) & (frame["reported_at"] <= stamp)
    overdue = open_now & issue_overdue(issues.set_axis(frame.index), now).to_numpy()
    hours = (frame["closed_at"] - frame["reported_at"]).dt.total_seconds() / 3600.0
    flags = pd.DataFrame({"key": frame["key"], "reported": in_period, "genuine": genuine, "closed": closed,
                          "with_deadline": has_deadline, "on_time": on_time, "open_now": open_now,
                          "overdue_now": overdue, "hours": hours.where(closed)})
    flags = flags[flags["key"].notna()]
    counted = ["reported", "genuine", "closed", "with_deadline", "on_time", "open_now", "overdue_now"]
    grouped = flags.groupby("key", sort=False)
    sums = grouped[counted].sum().astype(int)
    sums["median_hours"] = grouped["hours"].median()
    order = list(dict.fromkeys([*(keys or []), *sums.index]))
    sums = sums.reindex(order)
    sums[counted] = sums[counted].fillna(0).astype(int)
    days = (last_day - first_day).days + 1
    out = pd.DataFrame({"key": sums.index.astype(str)})
    for column in ("reported", "genuine", "closed"):
        out[column] = sums[column].to_numpy()
    # Rates and the median stay None (not NaN) where there is nothing to divide: object columns.
    out["closure_rate"] = pd.Series(_share(sums["closed"], sums["genuine"]), dtype=object)
    out["median_hours"] = pd.Series([None if pd.isna(v) else round(float(v), 1) for v in sums["median_hours"]],
                                    dtype=object)
    out["on_time"] = sums["on_time"].to_numpy()
    out["on_time_share"] = pd.Series(_share(sums["on_time"], sums["with_deadline"]), dtype=object)
    out["open_now"] = sums["open_now"].to_numpy()
    out["overdue_now"] = sums["overdue_now"].to_numpy()
    out["per_day"] = [round(int(n) / days, 2) for n in sums["reported"]]
    return _ranked(out)


def total_row(table: pd.DataFrame, *, days: int) -> dict[str, Any]:
    """The counts of ``table`` summed (rates recomputed; the median cannot be summed: None)."""
    sums = {c: int(table[c].sum()) for c in ("reported", "genuine", "closed", "on_time", "open_now", "overdue_now")}
    return {**sums, "closure_rate": sums["closed"] / sums["genuine"] if sums["genuine"] else None,
            "median_hours": None, "per_day": round(sums["reported"] / max(days, 1), 2)}


# --------------------------------------------------------------------------- helpers


def _share(part: pd.Series, whole: pd.Series) -> list[float | None]:
    return [None if int(w) == 0 else round(int(p) / int(w), 4) for p, w in zip(part, whole, strict=True)]


def _ranked(table: pd.DataFrame) -> pd.DataFrame:
    """Worst closure rate first, then most reported; groups with nothing reported last."""
    rate = pd.to_numeric(table["closure_rate"], errors="coerce")
    order = np.lexsort((table["key"].to_numpy(), -table["reported"].to_numpy(),
                        rate.fillna(2.0).to_numpy(), (table["reported"] == 0).to_numpy()))
    return table.iloc[order].reset_index(drop=True)


def _resolved_at(session: Session) -> pd.Series:
    """Issue id -> the time of its last 已办结 (resolved) step."""
    events = session.read("issue_events", where={"to_status": str(IssueStatus.RESOLVED)},
                          columns=["issue_id", "at"])
    if events.empty:
        return pd.Series(dtype="datetime64[ns]")
    return pd.to_datetime(events["at"]).groupby(events["issue_id"].astype(str)).max()


def _unit_groups(session: Session, issues: pd.DataFrame, level: Level) -> tuple[pd.Series, dict[str, str],
                                                                                 list[str]]:
    units = session.read("units", where={"plan_version": session.current_plan(), "level": level.value},
                         columns=["code", "name"]).sort_values("code")
    names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
    if level == Level.COUNTY:
        groups = pd.Series(issues["county_code"].astype(str).str[:6] + "000000", index=issues.index, dtype=object)
    else:
        column = issues[_LEVEL_COLUMN[level]]
        groups = column.astype(object).where(column.notna(), None)
    if session.scope.whole_county and level != Level.COUNTY:
        outside = issues[_LEVEL_COLUMN[Level.MICRO]].isna()
        groups = groups.where(~outside, OUTSIDE_KEY)
    return groups, names, list(names)


__all__ = ["NO_REPORTER_KEY", "OUTSIDE_KEY", "STAT_COLUMNS", "compute_stats", "issue_stats", "total_row"]
