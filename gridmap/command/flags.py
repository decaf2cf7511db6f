"""Row flags shared by the KPIs, the map measures and the live highlights.

Each function takes one point table, a run of its rows (a unit's micro-grids), the
filters and the moment ``now``, and returns boolean arrays over those rows, one per
definition below. Summing a flag gives a KPI; counting it per micro-grid gives a
map measure. Definitions (statuses are the rows' current ones; ``now`` decides what
has happened yet, what is overdue and what "today" is):

"Open" and "overdue" are defined once, in :mod:`gridmap.workflow.clock` (the status
sets of :data:`gridmap.domain.LIFECYCLES` and the rule "on the clock and past the
deadline"); the command map's points and the map layers use the same definitions.

Issues (category and status filters apply to all; rows reported after ``now`` never count):

- ``any``: every issue passing the code filters, reported by ``now`` (any date).
- ``open``: status not final (closed, duplicate, invalid), whatever the date range.
- ``overdue``: status still on the clock (open, and not resolved or verified) and the
  deadline before ``now``, whatever the date range.
- ``closed_today``: status closed, closed between 00:00 today and ``now``.
- ``reported``: reported inside the date range, not duplicate or invalid.
- ``closed_of_reported``: of ``reported``, those now closed. The closure rate
  (办结率) is ``closed_of_reported / reported``: the share of the range's genuine
  reports that are closed by ``now``; it cannot pass 100%.

Hazards (type and status filters apply; a hazard matches a type filter when any of
its types is selected; rows found after ``now`` never count):

- ``any``: every hazard passing the code filters, found by ``now`` (any date).
- ``found``: found inside the date range.
- ``rectified``: status rectified or verified, rectified inside the range (by ``now``).
- ``open``: status found, rectifying or overdue (not rectified yet), whatever the range.
- ``overdue``: open (the clock runs while open) and the deadline before ``now`` (a
  stored ``overdue`` status without a deadline counts too).

Stations (type filter applies): ``active`` when opened by ``now`` (or no date) and
not closed before today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from gridmap.command.filters import Filters
from gridmap.command.snapshot import CODES, PointTable
from gridmap.domain import HAZARD_LIFECYCLE, ISSUE_LIFECYCLE, HazardStatus, IssueStatus
from gridmap.workflow.clock import overdue

_DAY = np.timedelta64(1, "D")
_VOID = (IssueStatus.DUPLICATE, IssueStatus.INVALID)
_RECTIFIED_HAZARD = (HazardStatus.RECTIFIED, HazardStatus.VERIFIED)


@dataclass(frozen=True)
class Clock:
    """``now`` and the filters' date range as numpy times (the range end is exclusive)."""

    now: np.datetime64
    today: np.datetime64
    start: np.datetime64
    end: np.datetime64
    date_from: dt.date
    date_to: dt.date

    @classmethod
    def of(cls, filters: Filters, now: dt.datetime) -> Clock:
        first, last = filters.window(now)
        return cls(np.datetime64(now.replace(microsecond=0), "s"), np.datetime64(now.date(), "s"),
                   np.datetime64(first, "s"), np.datetime64(last, "s") + _DAY, first, last)

    def within(self, times: np.ndarray) -> np.ndarray:
        """Times inside the date range and not after ``now`` (NaT: never)."""
        return (times >= self.start) & (times < self.end) & (times <= self.now)


def lookup(kind: str, codes: Iterable[str] | None) -> np.ndarray:
    """A boolean table over the codes of ``kind`` (plus a last slot for unknown, -1).

    ``codes=None`` allows everything, unknown codes included.
    """
    choices = CODES[kind]
    if codes is None:
        return np.ones(len(choices) + 1, dtype=bool)
    wanted = {str(c) for c in codes}
    return np.array([c in wanted for c in choices] + [False])


def issue_flags(table: PointTable, rows: slice, filters: Filters, clock: Clock) -> dict[str, np.ndarray]:
    """The issue flags (see the module docstring) over ``table[rows]``."""
    status = table["status"][rows]
    reported = table["reported"][rows]
    closed_at = table["closed"][rows]
    base = (lookup("category", filters.categories)[table["category"][rows]]
            & lookup("issue_status", filters.issue_statuses)[status] & (reported <= clock.now))
    is_closed = status == CODES["issue_status"].index(IssueStatus.CLOSED)
    in_range = base & clock.within(reported) & ~lookup("issue_status", _VOID)[status]
    return {
        "any": base,
        "open": base & lookup("issue_status", ISSUE_LIFECYCLE.open)[status],
        "overdue": base & overdue(lookup("issue_status", ISSUE_LIFECYCLE.on_clock)[status], table["deadline"][rows],
                                  clock.now),
        "closed_today": base & is_closed & (closed_at >= clock.today) & (closed_at <= clock.now),
        "reported": in_range,
        "closed_of_reported": in_range & is_closed & (closed_at <= clock.now),
    }


def hazard_flags(table: PointTable, rows: slice, filters: Filters, clock: Clock) -> dict[str, np.ndarray]:
    """The hazard flags (see the module docstring) over ``table[rows]``."""
    status = table["status"][rows]
    base = lookup("hazard_status", filters.hazard_statuses)[status] & (table["found"][rows] <= clock.now)
    if filters.hazard_types is not None:
        wanted = np.uint16(sum(1 << CODES["hazard_type"].index(t) for t in filters.hazard_types))
        base &= (table["hazards"][rows] & wanted) != 0
    marked = status == CODES["hazard_status"].index(HazardStatus.OVERDUE)
    return {
        "any": base,
        "found": base & clock.within(table["found"][rows]),
        "rectified": base & lookup("hazard_status", _RECTIFIED_HAZARD)[status] & clock.within(table["rectified"][rows]),
        "open": base & lookup("hazard_status", HAZARD_LIFECYCLE.open)[status],
        "overdue": base & overdue(lookup("hazard_status", HAZARD_LIFECYCLE.on_clock)[status], table["deadline"][rows],
                                  clock.now, marked),
    }


def station_flags(table: PointTable, rows: slice, filters: Filters, clock: Clock) -> dict[str, np.ndarray]:
    """``active`` stations of the selected types over ``table[rows]``."""
    opened, closes = table["opened"][rows], table["closes"][rows]
    active = ((np.isnat(opened) | (opened <= clock.now)) & (np.isnat(closes) | (closes >= clock.today))
              & lookup("station_type", filters.station_types)[table["type"][rows]])
    return {"active": active}


def zero_reported(first: np.ndarray, is_unit: np.ndarray, clock: Clock) -> np.ndarray:
    """Per micro-grid index (length ``M + 1``): a unit of the plan that reported today by ``now``."""
    reported = np.zeros(len(first), dtype=bool)
    reported[:-1] = is_unit & (first[:-1] <= clock.now)
    return reported
