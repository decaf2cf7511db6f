"""Routing as data: which department handles an issue, and by when (按职能归类交办).

A county's **routing table** is stored, versioned, in the ``routing_tables`` layer (one
row per version; the county setting ``routing_version`` names the one in force; older
rows are kept and never changed). Each version holds:

- **rules** -- ``category x unit -> department``. A rule with no unit is the county-wide
  rule of its category; a rule naming a unit (a town, village, grid or micro-grid code)
  applies to issues inside that unit, and the most specific unit holding the issue
  wins. So "sanitation in town X goes to X's enforcement squad" is one row, and a level
  of the hierarchy is covered by naming its units.
- **deadlines** -- per category, hours from the report, or **same-day** (日清日结: due at
  the end of the day it was reported, 23:59:59 Beijing time).

A county that never saved a table uses :data:`DEFAULT_TABLE`, built from
:data:`gridmap.domain.CATEGORIES` (the values the product always had): version 1. The
first save stores that default as version 1 too, so the history starts where the
county did. :func:`save_table` is the only writer (admins, whole county), one
transaction with its audit rows; :func:`route` decides for one report.

A commander may still route an issue elsewhere when dispatching
(:func:`gridmap.workflow.transition_issue` with ``department=``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gridmap.access import Op, Session, level_of_code
from gridmap.domain import CATEGORIES, DEPARTMENTS, Category, Scope
from gridmap.store.base import new_id, now
from gridmap.workflow.errors import BadInput, Coded, listed

ROUTING_META = "routing_version"  # the county setting naming the version in force
MAX_DEADLINE_HOURS = 24 * 90  # a deadline longer than a quarter is a typing error


@dataclass(frozen=True)
class Rule:
    """``category`` (inside ``unit_code``, or county-wide when None) goes to ``department``."""

    category: str
    department: str
    unit_code: str | None = None


@dataclass(frozen=True)
class Deadline:
    """How long a category's issues may take: ``hours``, or the same day (日清日结)."""

    hours: int
    same_day: bool = False

    def due(self, reported_at: dt.datetime) -> dt.datetime:
        """The deadline of an issue reported at ``reported_at``."""
        if self.same_day:
            return dt.datetime.combine(reported_at.date(), dt.time(23, 59, 59))
        return reported_at + dt.timedelta(hours=self.hours)


@dataclass(frozen=True)
class RoutingTable:
    """One version of a county's routing table (see the module docstring)."""

    version: int
    rules: tuple[Rule, ...]
    deadlines: Mapping[str, Deadline]
    author: str = "default"
    created_at: dt.datetime | None = None
    note: str | None = None
    stored: bool = field(default=False, compare=False)  # False: the built-in default

    def department(self, category: str, codes: Iterable[str | None] = ()) -> str:
        """The department for ``category`` at a point whose unit codes are ``codes``."""
        inside = [c for c in codes if c]
        best: tuple[int, str] | None = None  # (specificity, department); county-wide is 0
        for rule in self.rules:
            if rule.category != category:
                continue
            if rule.unit_code is None:
                rank = 0
            elif any(code.startswith(_prefix(rule.unit_code)) for code in inside):
                rank = len(_prefix(rule.unit_code))
            else:
                continue
            if best is None or rank > best[0]:
                best = (rank, rule.department)
        return best[1] if best is not None else CATEGORIES[category].department

    def deadline(self, category: str) -> Deadline:
        found = self.deadlines.get(category)
        return found if found is not None else Deadline(CATEGORIES[category].deadline_hours)

    def as_row(self) -> dict[str, Any]:
        """The ``routing_tables`` row of this version (without ``id``/``county_code``)."""
        return {"version": self.version,
                "rules": [{"category": r.category, "unit_code": r.unit_code, "department": r.department}
                          for r in self.rules],
                "deadlines": {c: {"hours": d.hours, "same_day": d.same_day} for c, d in self.deadlines.items()},
                "author": self.author, "created_at": self.created_at, "note": self.note}


@dataclass(frozen=True)
class Routed:
    """The routing of one report: its category, department and deadline."""

    code: str
    department: str
    deadline: dt.datetime


DEFAULT_TABLE = RoutingTable(
    version=1,
    rules=tuple(Rule(c.code, c.department) for c in CATEGORIES.values()),
    deadlines={c.code: Deadline(c.deadline_hours) for c in CATEGORIES.values()},
    author="default",
    note=None,
)


def known_category(category: str) -> Category:
    """The category, refused in words when unknown."""
    found = CATEGORIES.get(str(category))
    if found is None:
        raise BadInput("workflow.unknown_category", category=str(category),
                       choices=listed(Coded("category", c) for c in CATEGORIES))
    return found


def route(category: str, codes: Iterable[str | None] = (), *, table: RoutingTable | None = None,
          at: dt.datetime | None = None) -> Routed:
    """The department and deadline of a report of ``category`` (refused when unknown).

    Args:
        category: A category of :data:`gridmap.domain.CATEGORIES`.
        codes: The unit codes of the report's point (micro-grid and ancestors), for the
            rules that name a unit.
        table: The routing table in force (default :data:`DEFAULT_TABLE`).
        at: When it was reported (default now).
    """
    found = known_category(category)
    table = table or DEFAULT_TABLE
    reported = at or now().replace(microsecond=0)
    return Routed(found.code, table.department(found.code, codes), table.deadline(found.code).due(reported))


def current_table(session: Session) -> RoutingTable:
    """The routing table in force in ``session``'s county (the default when none is stored).

    The table is public to every user of the county (a grid worker's report is routed by
    it), so it is read county-wide whatever the session's jurisdiction.
    """
    session.require(Op.VIEW_MAP)
    county = session.scope.county_code
    value = session.store.get_meta(county, ROUTING_META)
    if not value:
        return DEFAULT_TABLE
    return _stored_version(session.store.url, county, int(value), session)


_VERSIONS: dict[tuple[str, str, int], RoutingTable] = {}


def _stored_version(url: str, county: str, version: int, session: Session) -> RoutingTable:
    """A stored version (rows never change, so each is read once per process)."""
    key = (url, county, version)
    found = _VERSIONS.get(key)
    if found is None:
        rows = session.store.read("routing_tables", Scope.county(county), where={"version": version})
        if rows.empty:
            return DEFAULT_TABLE
        found = table_from_row(rows.iloc[0].to_dict())
        if len(_VERSIONS) > 256:
            _VERSIONS.clear()
        _VERSIONS[key] = found
    return found


def versions(session: Session) -> list[RoutingTable]:
    """Every stored version of the county's table, newest first (empty: only the default)."""
    session.require(Op.VIEW_MAP)
    rows = session.store.read("routing_tables", Scope.county(session.scope.county_code))
    tables = [table_from_row(r) for r in rows.to_dict("records")]
    return sorted(tables, key=lambda tb: tb.version, reverse=True)


def table_from_row(row: Mapping[str, Any]) -> RoutingTable:
    """A :class:`RoutingTable` from a ``routing_tables`` row."""
    rules = tuple(Rule(str(r["category"]), str(r["department"]), r.get("unit_code") or None)
                  for r in (row.get("rules") or []))
    deadlines = {str(c): Deadline(int(d.get("hours") or 24), bool(d.get("same_day")))
                 for c, d in (row.get("deadlines") or {}).items()}
    created = row.get("created_at")
    return RoutingTable(int(row["version"]), rules, deadlines, str(row.get("author") or ""),
                        None if created is None or pd.isna(created) else pd.Timestamp(created).to_pydatetime(),
                        row.get("note") if isinstance(row.get("note"), str) else None, stored=True)


def save_table(session: Session, rules: Iterable[Rule], deadlines: Mapping[str, Deadline], *,
               note: str | None = None) -> RoutingTable:
    """Store a new version of the county's routing table and put it in force.

    One transaction: the new row (and, at the first save, the default as version 1), the
    ``routing_version`` setting, and their audit rows. Nothing is changed in place.

    Raises:
        PermissionDenied: the role may not edit routing, or the jurisdiction is not the
            whole county.
        BadInput: an unknown category or department, a unit code that is not one, a
            category without a county-wide rule, two rules for the same category and
            unit, a deadline that is not 1 .. 2160 hours.
    """
    session.require(Op.EDIT_ROUTING)
    checked_rules = _checked_rules(rules)
    checked_deadlines = _checked_deadlines(deadlines)
    text = None if note is None else (str(note).strip()[:500] or None)
    with session.write(Op.EDIT_ROUTING) as tx:
        tx.lock(f"routing:{session.scope.county_code}")
        value = tx.get_meta(ROUTING_META)
        at = now().replace(microsecond=0)
        rows = []
        if not value:
            rows.append({**DEFAULT_TABLE.as_row(), "created_at": at})
            current = DEFAULT_TABLE.version
        else:
            current = int(value)
        new = RoutingTable(current + 1, checked_rules, checked_deadlines, session.user.username, at, text,
                           stored=True)
        rows.append(new.as_row())
        frame = pd.DataFrame([{"id": new_id(), "county_code": session.scope.county_code, **r} for r in rows])
        tx.insert("routing_tables", frame, note=f"routing version {new.version}")
        tx.set_meta(ROUTING_META, str(new.version))
    return new


def _checked_rules(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    out: list[Rule] = []
    seen: set[tuple[str, str | None]] = set()
    for rule in rules:
        known_category(rule.category)
        if rule.department not in DEPARTMENTS:
            raise BadInput("workflow.unknown_department", department=str(rule.department),
                           choices=listed(Coded("department", d) for d in DEPARTMENTS))
        unit = (str(rule.unit_code).strip() or None) if rule.unit_code is not None else None
        if unit is not None:
            try:
                level_of_code(unit)
            except ValueError:
                raise BadInput("routing.bad_unit", unit=unit) from None
        key = (rule.category, unit)
        if key in seen:
            raise BadInput("routing.twice", category=Coded("category", rule.category), unit=unit or "—")
        seen.add(key)
        out.append(Rule(rule.category, rule.department, unit))
    missing = [c for c in CATEGORIES if (c, None) not in seen]
    if missing:
        raise BadInput("routing.county_rule_missing", categories=listed(Coded("category", c) for c in missing))
    return tuple(out)


def _checked_deadlines(deadlines: Mapping[str, Deadline]) -> dict[str, Deadline]:
    out: dict[str, Deadline] = {}
    for category, deadline in deadlines.items():
        known_category(category)
        try:
            hours = int(deadline.hours)
        except (TypeError, ValueError):
            hours = 0
        if not 1 <= hours <= MAX_DEADLINE_HOURS:
            raise BadInput("routing.bad_hours", category=Coded("category", category), hours=str(deadline.hours),
                           limit=MAX_DEADLINE_HOURS)
        out[category] = Deadline(hours, bool(deadline.same_day))
    for category, spec in CATEGORIES.items():
        out.setdefault(category, Deadline(spec.deadline_hours))
    return {c: out[c] for c in CATEGORIES}


def _prefix(code: str) -> str:
    from gridmap.domain import code_prefix

    return code_prefix(code, level_of_code(code))


__all__ = [
    "DEFAULT_TABLE",
    "ROUTING_META",
    "Deadline",
    "Routed",
    "RoutingTable",
    "Rule",
    "current_table",
    "known_category",
    "route",
    "save_table",
    "table_from_row",
    "versions",
]
