"""Deadlines, and what "open" and "overdue" mean: defined once, used by every page.

- :func:`issue_deadline`, :func:`hazard_deadline` -- when a new row is due.
- :func:`overdue` -- the one rule: **on the clock and past its deadline**. A hazard
  marked ``overdue`` (escalated) without a deadline counts too.
- :func:`issue_overdue`, :func:`hazard_overdue`, :func:`is_open` -- the same rule and
  the open sets over a frame of rows (status strings).

The status sets come from :data:`gridmap.domain.LIFECYCLES`:

========  =====================================================  ============================
layer     open (KPI "未办结事件" / "待整改隐患", the county map)     on the clock (can be overdue)
========  =====================================================  ============================
issues    every status that is not final (closed, duplicate,     open, minus resolved and
          invalid): resolved and verified are still open         verified (the handler is done)
hazards   found, rectifying, overdue (not rectified yet)          the same as open
========  =====================================================  ============================

The command KPIs (:mod:`gridmap.command.flags`, integer-coded arrays), the map's point
layers (:mod:`gridmap.maps.points`) and the command map's point reads
(:mod:`gridmap.command.view`) all take these sets and this rule, so they agree.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from gridmap.domain import (
    CATEGORIES,
    HAZARD_DEADLINE_DAYS,
    HAZARD_LIFECYCLE,
    ISSUE_LIFECYCLE,
    HazardStatus,
    Lifecycle,
    Severity,
)


def issue_deadline(category: str, reported_at: dt.datetime) -> dt.datetime:
    """When an issue of ``category`` reported at ``reported_at`` is due (the category's hours)."""
    return reported_at + dt.timedelta(hours=CATEGORIES[category].deadline_hours)


def hazard_deadline(severity: str, found_at: dt.datetime) -> dt.datetime:
    """When a hazard of ``severity`` found at ``found_at`` must be rectified."""
    return found_at + dt.timedelta(days=HAZARD_DEADLINE_DAYS[Severity(severity)])


def overdue(on_clock: np.ndarray, deadline: np.ndarray, now: np.datetime64 | dt.datetime,
            marked: np.ndarray | None = None) -> np.ndarray:
    """Overdue: on the clock, and the deadline before ``now`` (or marked so without one).

    Args:
        on_clock: Per row, whether its status keeps the deadline running.
        deadline: Per row, the deadline as ``datetime64`` (NaT: none).
        now: The moment to judge at.
        marked: Per row, whether its stored status says "overdue" (hazards); such a row
            without a deadline is overdue while on the clock.
    """
    deadline = np.asarray(deadline, dtype="datetime64[s]")
    past = deadline < np.asarray(now, dtype="datetime64[s]")  # NaT compares False
    if marked is not None:
        past = past | (np.isnat(deadline) & np.asarray(marked, dtype=bool))
    return np.asarray(on_clock, dtype=bool) & past


def is_open(frame: pd.DataFrame, lifecycle: Lifecycle = ISSUE_LIFECYCLE) -> pd.Series:
    """Whether each row's status counts as open (see the module docstring)."""
    return frame["status"].astype(str).isin(lifecycle.open)


def issue_overdue(issues: pd.DataFrame, now: dt.datetime | None) -> pd.Series:
    """Whether each issue is overdue at ``now`` (False for every row when ``now`` is None)."""
    return _frame_overdue(issues, now, ISSUE_LIFECYCLE, marked_status=None)


def hazard_overdue(inspections: pd.DataFrame, now: dt.datetime | None) -> pd.Series:
    """Whether each hazard is overdue at ``now``; without ``now`` the stored ``overdue`` status only."""
    return _frame_overdue(inspections, now, HAZARD_LIFECYCLE, marked_status=str(HazardStatus.OVERDUE))


def _frame_overdue(frame: pd.DataFrame, now: dt.datetime | None, lifecycle: Lifecycle,
                   marked_status: str | None) -> pd.Series:
    status = frame["status"].astype(str)
    marked = (status == marked_status).to_numpy() if marked_status else None
    if now is None or "deadline" not in frame.columns:
        stored = marked if marked is not None else np.zeros(len(frame), dtype=bool)
        return pd.Series(stored, index=frame.index, dtype=bool)
    deadline = pd.to_datetime(frame["deadline"]).to_numpy(dtype="datetime64[s]")
    on_clock = status.isin(lifecycle.on_clock).to_numpy()
    return pd.Series(overdue(on_clock, deadline, now, marked), index=frame.index, dtype=bool)


__all__ = ["hazard_deadline", "hazard_overdue", "is_open", "issue_deadline", "issue_overdue", "overdue"]
