"""The commander's headline numbers for one unit: :func:`kpis` -> :class:`Kpis`.

The definitions of the issue, hazard and station counts are in
:mod:`gridmap.command.flags`. The others:

- zero-report compliance today (每日零报告): the share of the unit's micro-grids
  (current plan) with a ``zero_reports`` row for the day of ``now``, reported by
  ``now``. Only that row counts: it is the daily check signed by the micro-grid's
  leader, made "even when there is nothing to report"; an issue reported in the
  micro-grid the same day (often by a citizen or the hotline) is not that check.
  None when the snapshot holds another day's reports or the session may not read them.
- households and residents covered: the unit's own figures in the units layer (the
  official counts each unit carries); for a unit without them, the sum over its
  micro-grids. None when the session's role may not read them (as on every page).

At the whole county, issues and hazards outside every micro-grid count too (the
county sees them on its map); no smaller unit includes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from gridmap.command.filters import Filters
from gridmap.command.flags import Clock, hazard_flags, issue_flags, station_flags, zero_reported
from gridmap.command.snapshot import Selection, Snapshot
from gridmap.domain import Level

# The i18n key that names each KPI (``kpi.<field>``); the page shows them in this order.
KPI_FIELDS: tuple[str, ...] = (
    "open_issues", "overdue_issues", "closed_today", "reported", "closure_rate",
    "hazards_found", "hazards_rectified", "hazards_open", "hazards_overdue",
    "zero_report_rate", "households", "residents", "stations",
)


@dataclass(frozen=True)
class Kpis:
    """The headline numbers of one unit under one set of filters at one moment.

    Attributes:
        unit_code: The unit.
        level: Its level.
        date_from, date_to: The date range used (inclusive), resolved from the filters.
        open_issues: Issues not closed, duplicate or invalid (any date).
        overdue_issues: Issues still on the clock whose deadline has passed (any date).
        closed_today: Issues closed today, up to ``now``.
        reported: Genuine issues (not duplicate/invalid) reported in the range.
        closed_of_reported: Of those, the ones closed by ``now``.
        closure_rate: ``closed_of_reported / reported`` (None when nothing was reported).
        hazards_found: Hazards found in the range.
        hazards_rectified: Hazards rectified in the range.
        hazards_open: Hazards found, being rectified or overdue (any date).
        hazards_overdue: Open hazards past their deadline (any date).
        micro_grids: Micro-grids of the current plan in the unit.
        zero_reported: Of those, the ones with today's zero-report (None: unknown).
        zero_report_rate: ``zero_reported / micro_grids`` (None: unknown or no micro-grids).
        households: Households covered (the unit's figure; None: the role may not read it).
        residents: Residents covered (the unit's figure; None likewise).
        stations: Service stations of the selected types open today.
    """

    unit_code: str
    level: Level
    date_from: dt.date
    date_to: dt.date
    open_issues: int
    overdue_issues: int
    closed_today: int
    reported: int
    closed_of_reported: int
    closure_rate: float | None
    hazards_found: int
    hazards_rectified: int
    hazards_open: int
    hazards_overdue: int
    micro_grids: int
    zero_reported: int | None
    zero_report_rate: float | None
    households: int | None
    residents: int | None
    stations: int

    def as_dict(self) -> dict[str, object]:
        """Plain values (level as its code, dates as ISO text), ready for JSON."""
        out = asdict(self)
        out["level"] = self.level.value
        out["date_from"], out["date_to"] = self.date_from.isoformat(), self.date_to.isoformat()
        return out


def kpis(snapshot: Snapshot, selection: str | None, filters: Filters, now: dt.datetime) -> Kpis:
    """The headline numbers of one unit.

    Pure and vectorised: a unit's rows are one slice of each sorted table, so this
    costs a few milliseconds even for the whole demo county (125,000 issues).

    Args:
        snapshot: From :func:`~gridmap.command.load_snapshot`.
        selection: A unit code at any level inside the snapshot's scope; None for the
            scope's own unit.
        filters: The commander's filters.
        now: The moment to measure at (the data's as-of time, see
            :func:`~gridmap.command.data_now`); never the wall clock.

    Returns:
        The numbers.

    Raises:
        ValueError: ``selection`` is not a unit in the snapshot.
    """
    sel = snapshot.select(selection)
    clock = Clock.of(filters, now)
    issues = issue_flags(snapshot.issues, snapshot.issues.span(sel.lo, sel.hi), filters, clock)
    hazards = hazard_flags(snapshot.inspections, snapshot.inspections.span(sel.lo, sel.hi), filters, clock)
    stations = station_flags(snapshot.stations, snapshot.stations.span(sel.lo, sel.hi), filters, clock)
    micro_grids = int(snapshot.micro_is_unit[sel.lo:min(sel.hi, snapshot.n_micro)].sum())
    zero = _zero_reported(snapshot, sel, clock, now)
    reported, closed = int(issues["reported"].sum()), int(issues["closed_of_reported"].sum())
    households, residents = _covered(snapshot, sel)
    return Kpis(
        unit_code=sel.code, level=sel.level, date_from=clock.date_from, date_to=clock.date_to,
        open_issues=int(issues["open"].sum()), overdue_issues=int(issues["overdue"].sum()),
        closed_today=int(issues["closed_today"].sum()), reported=reported, closed_of_reported=closed,
        closure_rate=closed / reported if reported else None,
        hazards_found=int(hazards["found"].sum()), hazards_rectified=int(hazards["rectified"].sum()),
        hazards_open=int(hazards["open"].sum()), hazards_overdue=int(hazards["overdue"].sum()),
        micro_grids=micro_grids, zero_reported=zero,
        zero_report_rate=zero / micro_grids if zero is not None and micro_grids else None,
        households=households, residents=residents, stations=int(stations["active"].sum()),
    )


def _zero_reported(snapshot: Snapshot, sel: Selection, clock: Clock, now: dt.datetime) -> int | None:
    if snapshot.zero_first is None or snapshot.day != now.date():
        return None
    return int(zero_reported(snapshot.zero_first, snapshot.micro_is_unit, clock)[sel.lo:sel.hi].sum())


def _covered(snapshot: Snapshot, sel: Selection) -> tuple[int | None, int | None]:
    """The unit's own households and residents, else the sum over its micro-grids."""
    units = snapshot.units
    if units["households"].isna().any():  # read as missing: the role may not see them
        return None, None
    if sel.code in units.index and units.at[sel.code, "households"] > 0:
        return int(units.at[sel.code, "households"]), int(units.at[sel.code, "residents"])
    micro = units[(units["level"] == Level.MICRO.value) & units.index.str.startswith(sel.prefix)]
    return int(micro["households"].sum()), int(micro["residents"].sum())
