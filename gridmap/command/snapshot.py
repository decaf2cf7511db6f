"""The commander's data in memory: compact arrays that the KPI functions slice.

- :class:`Snapshot` -- everything the numbers need for one scope (built by
  :func:`gridmap.command.load_snapshot`).
- :class:`PointTable` -- one point layer as arrays; :class:`Selection`,
  :class:`Children` -- a unit, and the units of a lower level inside it, as index ranges.

Layout. Every micro-grid has an index into :attr:`Snapshot.micro_codes`, the sorted
micro-grid codes. Codes nest by prefix, so the micro-grids of any unit are one run of
consecutive indices, and points sorted by micro-grid index are one run of consecutive
rows: selecting a unit is two binary searches, not a string scan. Index
``M = len(micro_codes)`` holds the points outside every micro-grid, which only the
whole county sees. Codes (categories, statuses, types) are small integers indexing
the tuples in :data:`CODES`; times are ``datetime64[s]`` with NaT for missing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gridmap.domain import (
    CATEGORIES,
    CODE_PREFIX,
    HAZARD_LIFECYCLE,
    ISSUE_LIFECYCLE,
    HazardStatus,
    HazardType,
    IssueStatus,
    Level,
    Scope,
    Severity,
    StationType,
    code_prefix,
)

# Code tuples: a stored code is kept as its position in one of these (-1: unknown).
CODES: dict[str, tuple[str, ...]] = {
    "category": tuple(CATEGORIES),
    "issue_status": tuple(str(s) for s in IssueStatus),
    "hazard_status": tuple(str(s) for s in HazardStatus),
    "hazard_type": tuple(str(s) for s in HazardType),
    "severity": tuple(str(s) for s in Severity),
    "station_type": tuple(str(s) for s in StationType),
}
# Rows in these statuses can still change; the others are final (the lifecycle lets no
# step out of them) and never re-read. For issues this is exactly "open"; a rectified
# hazard is not open (nothing left to rectify) but still live (it awaits its re-check).
LIVE_ISSUE_STATUSES: tuple[str, ...] = tuple(s for s in ISSUE_LIFECYCLE.statuses if s not in ISSUE_LIFECYCLE.terminal)
LIVE_HAZARD_STATUSES: tuple[str, ...] = tuple(s for s in HAZARD_LIFECYCLE.statuses
                                              if s not in HAZARD_LIFECYCLE.terminal)

_TOP = "\U0010ffff"  # sorts after every character: prefix + _TOP bounds a prefix range


# --------------------------------------------------------------------------- structures


@dataclass(frozen=True, eq=False)
class PointTable:
    """One point layer as arrays, rows sorted by micro-grid index.

    Attributes:
        ids: Row ids (object array of str).
        micro: Micro-grid index of each row (``M`` = outside every micro-grid), ascending.
        columns: Encoded columns by name (codes as int8/uint16, times as datetime64[s]).
        lonlat: ``(n, 2)`` longitude/latitude when loaded ``with_xy``, else None.
    """

    ids: np.ndarray
    micro: np.ndarray
    columns: Mapping[str, np.ndarray]
    lonlat: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def span(self, lo: int, hi: int) -> slice:
        """The rows whose micro-grid index is in ``[lo, hi)``."""
        start, stop = np.searchsorted(self.micro, (lo, hi))
        return slice(int(start), int(stop))

    def take(self, index: np.ndarray) -> PointTable:
        """The rows at ``index`` (positions or a boolean mask), order kept."""
        return PointTable(self.ids[index], self.micro[index], {k: v[index] for k, v in self.columns.items()},
                          None if self.lonlat is None else self.lonlat[index])

    @staticmethod
    def concat(first: PointTable, second: PointTable) -> PointTable:
        """Both tables' rows, sorted by micro-grid index again."""
        micro = np.concatenate([first.micro, second.micro])
        order = np.argsort(micro, kind="stable")
        lonlat = None
        if first.lonlat is not None and second.lonlat is not None:
            lonlat = np.concatenate([first.lonlat, second.lonlat])[order]
        return PointTable(np.concatenate([first.ids, second.ids])[order], micro[order],
                          {k: np.concatenate([v, second.columns[k]])[order] for k, v in first.columns.items()},
                          lonlat)


@dataclass(frozen=True)
class Selection:
    """A unit the commander looks at, resolved against a snapshot.

    Attributes:
        code: The unit's code.
        level: Its level.
        prefix: The code prefix shared by the unit and everything inside it.
        lo: First micro-grid index inside the unit.
        hi: One past the last; for the whole county it includes ``M`` (points outside
            every micro-grid).
    """

    code: str
    level: Level
    prefix: str
    lo: int
    hi: int


@dataclass(frozen=True)
class Children:
    """The units of one level inside a selection, with their micro-grid index ranges."""

    level: Level
    codes: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def sum(self, per_micro: np.ndarray) -> np.ndarray:
        """Per child, the sum of a per-micro-grid array (length ``M + 1``) over its range."""
        cumulative = np.concatenate(([0], np.cumsum(per_micro)))
        return cumulative[self.hi] - cumulative[self.lo]


@dataclass(frozen=True, eq=False)
class Snapshot:
    """Everything the commander's numbers need for one scope, in memory.

    Build it with :func:`load_snapshot`; keep it in ``st.cache_resource`` keyed by the
    session's ``cache_key()`` (store, scope, role, department) and a data version.
    Treat it as read-only.

    Attributes:
        scope: The jurisdiction it was read in.
        plan_version: The county's boundary plan the units come from.
        day: The day whose zero-reports it holds.
        as_of: The county's ``as_of`` setting at load time (None when not set).
        units: Units of the current plan in scope, indexed by code (sorted), with
            ``level, name, parent_code, households, residents, floating, risk_colour``.
        micro_codes: Sorted micro-grid codes: the axis of every per-micro-grid array.
        micro_is_unit: Whether each micro-grid code is a unit of the current plan
            (points may carry codes of an older plan).
        issues, inspections, stations: The point layers (see :class:`PointTable`).
        zero_first: Per micro-grid index (length ``M + 1``), the first zero-report
            time on ``day`` (NaT: none); None when the session may not read them.
        households, collected: Per micro-grid index (length ``M + 1``), registered
            households and those with 一标三实 collected; None when not readable.
    """

    scope: Scope
    plan_version: int
    day: dt.date
    as_of: dt.datetime | None
    units: pd.DataFrame
    micro_codes: np.ndarray
    micro_is_unit: np.ndarray
    issues: PointTable
    inspections: PointTable
    stations: PointTable
    zero_first: np.ndarray | None
    households: np.ndarray | None
    collected: np.ndarray | None
    level_codes: Mapping[Level, np.ndarray] = field(repr=False, default_factory=dict)

    @property
    def n_micro(self) -> int:
        """``M``: the number of micro-grid codes (the outside slot is index ``M``)."""
        return len(self.micro_codes)

    @property
    def home_code(self) -> str:
        """The unit of the scope: the county unit for a whole-county scope."""
        if self.scope.whole_county:
            return f"{self.scope.county_code[:6]}000000"
        return str(self.scope.unit_code)

    def select(self, code: str | None = None) -> Selection:
        """Resolve a unit code (None: the scope's own unit) to its micro-grid range.

        Raises:
            ValueError: the code is not a unit of the current plan inside this scope.
        """
        code = self.home_code if code is None else str(code)
        if code in self.units.index:
            level = Level(self.units.at[code, "level"])
        elif code == self.home_code and self.scope.whole_county:
            level = Level.COUNTY  # a county whose county-level unit was never stored
        else:
            raise ValueError(f"{code!r} is not a unit of plan {self.plan_version} inside {self.scope.prefix} "
                             f"(the snapshot's scope)")
        prefix = code_prefix(code, level)
        lo, hi = (int(i) for i in np.searchsorted(self.micro_codes, [prefix, prefix + _TOP]))
        if level == Level.COUNTY:
            lo, hi = 0, self.n_micro + 1
        return Selection(code, level, prefix, lo, hi)

    def children(self, selection: Selection, level: Level | str) -> Children:
        """The units of ``level`` inside ``selection``, in code order.

        ``level`` may be the selection's own level: then the one unit is the selection
        itself (a micro-grid, the finest level, is shown as itself).

        Raises:
            ValueError: ``level`` is above the selection's level.
        """
        level = Level(level)
        if level.depth < selection.level.depth:
            raise ValueError(f"{level.value} is above {selection.level.value} ({selection.code})")
        codes = self.level_codes.get(level, np.array([], dtype=str))
        start, stop = np.searchsorted(codes, [selection.prefix, selection.prefix + _TOP])
        codes = codes[start:stop]
        prefixes = codes.astype(f"U{CODE_PREFIX[level]}")
        lo = np.searchsorted(self.micro_codes, prefixes)
        hi = np.searchsorted(self.micro_codes, np.char.add(prefixes, _TOP))
        return Children(level, codes, lo, hi)

    def ids(self) -> frozenset[str]:
        """Every issue and inspection id held: the "seen" set for the next live tick."""
        return frozenset(self.issues.ids.tolist()) | frozenset(self.inspections.ids.tolist())
