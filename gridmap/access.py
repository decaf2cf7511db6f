"""Who may do what, where: roles, the permission matrix, and the scoped session.

- :class:`Op` -- the operations a user can attempt.
- :data:`PERMISSIONS` -- the one table of role x operation -> allowed.
- :class:`User` -- an account's role, jurisdiction and department.
- :class:`Session` -- every read and write of a signed-in user goes through one. It
  carries the user's jurisdiction as a :class:`~gridmap.domain.Scope`, checks the
  matrix before each call, and limits each write to the layers and columns the
  operation needs. Department handlers see only issues routed to their department.

The role decides *what* a user may do; the jurisdiction decides *where*. The scope is
applied in the store's SQL (code prefix), so no page, export, cache or CLI call made
through a session can return or change a row outside it.

Statuses change only through the lifecycles in :mod:`gridmap.workflow`
(:func:`~gridmap.workflow.transition_issue`, ...): a write through a session may not
touch a status column or the times and routing a step sets (:data:`LIFECYCLE_COLUMNS`),
and the unit codes of every point it inserts are derived from the point on the server.

Example::

    session = Session(store, user)
    issues = session.read("issues", where={"status": "reported"})
    with session.write(Op.SET_RISK) as tx:
        tx.update("units", unit_id, {"risk_colour": "orange"})
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from gridmap.domain import ASSIGN_COLUMNS, LIFECYCLES, Level, Lifecycle, Role, Scope, layer
from gridmap.store.base import (
    PLAN_ACTIONS,
    AuditFilter,
    BBox,
    Frame,
    NotFound,
    ScopeError,
    Store,
    StoreError,
    Transaction,
    empty_frame,
)
from gridmap.store.codec import is_missing


class PermissionDenied(StoreError):
    """The user's role does not allow the operation (the message names both)."""


class Op(enum.StrEnum):
    """Operations a user can attempt. Reads are per layer; writes are per task."""

    VIEW_MAP = "view_map"  # units, stations, inspections, issues and their history
    VIEW_HOUSEHOLDS = "view_households"  # addresses and residents: personal data
    VIEW_ZERO_REPORTS = "view_zero_reports"
    VIEW_GROUND_TRUTH = "view_ground_truth"  # the demo's planted hotspots
    VIEW_AUDIT = "view_audit"
    EXPORT = "export"
    IMPORT_POINTS = "import_points"  # households, stations, inspections, issues from files
    EDIT_UNITS = "edit_units"  # boundaries and plans; re-assigns points
    SET_RISK = "set_risk"  # three-colour risk of a unit
    REPORT_ISSUE = "report_issue"
    HANDLE_ISSUE = "handle_issue"  # accept, dispatch, resolve, close, reject
    RECORD_INSPECTION = "record_inspection"
    UPDATE_INSPECTION = "update_inspection"  # rectification, verification
    SUBMIT_ZERO_REPORT = "submit_zero_report"
    EDIT_STATIONS = "edit_stations"
    RECORD_VISIT = "record_visit"  # a located supervision visit to a station (gridmap.stations)
    MANAGE_USERS = "manage_users"
    EDIT_ROUTING = "edit_routing"  # the routing table and deadlines (issue 12): county-wide
    # Issue statistics (gridmap.issue_stats): commanders and admins; handlers for their department.
    VIEW_ISSUE_STATS = "view_issue_stats"
    VIEW_BRIEFING = "view_briefing"  # rankings (量化比评) and town briefs (issue 13)


_EVERYONE_READS = {Op.VIEW_MAP}

# The permission matrix: role -> operations it may perform (inside its jurisdiction).
PERMISSIONS: dict[Role, frozenset[Op]] = {
    Role.COMMANDER: frozenset({*_EVERYONE_READS, Op.VIEW_HOUSEHOLDS, Op.VIEW_ZERO_REPORTS, Op.EXPORT,
                               Op.SET_RISK, Op.REPORT_ISSUE, Op.HANDLE_ISSUE, Op.RECORD_VISIT}),
    Role.PLANNER: frozenset({*_EVERYONE_READS, Op.VIEW_HOUSEHOLDS, Op.EXPORT, Op.EDIT_UNITS,
                             Op.EDIT_STATIONS, Op.IMPORT_POINTS}),
    Role.INSPECTOR: frozenset({*_EVERYONE_READS, Op.VIEW_GROUND_TRUTH, Op.EXPORT, Op.RECORD_INSPECTION,
                               Op.UPDATE_INSPECTION}),
    Role.GRID_WORKER: frozenset({*_EVERYONE_READS, Op.VIEW_HOUSEHOLDS, Op.VIEW_ZERO_REPORTS,
                                 Op.REPORT_ISSUE, Op.HANDLE_ISSUE, Op.RECORD_INSPECTION,
                                 Op.SUBMIT_ZERO_REPORT}),
    Role.DEPARTMENT: frozenset({*_EVERYONE_READS, Op.HANDLE_ISSUE, Op.UPDATE_INSPECTION}),
    Role.ADMIN: frozenset({*_EVERYONE_READS, Op.VIEW_HOUSEHOLDS, Op.VIEW_ZERO_REPORTS,
                           Op.VIEW_GROUND_TRUTH, Op.VIEW_AUDIT, Op.EXPORT, Op.IMPORT_POINTS,
                           Op.EDIT_UNITS, Op.EDIT_STATIONS, Op.MANAGE_USERS, Op.RECORD_VISIT,
                           Op.EDIT_ROUTING}),
}
# Issue statistics (issue 12, item 8): added in a block of its own.
for _role in (Role.COMMANDER, Role.ADMIN, Role.DEPARTMENT):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Op.VIEW_ISSUE_STATS}

# Issue 13, the commander's briefing: rankings (量化比评) and one-page town briefs, for
# commanders and admins.
for _role in (Role.COMMANDER, Role.ADMIN):
    PERMISSIONS[_role] = PERMISSIONS[_role] | {Op.VIEW_BRIEFING}

# Which operation a read of each layer needs.
READ_OP: dict[str, Op] = {
    "units": Op.VIEW_MAP,
    "stations": Op.VIEW_MAP,
    "inspections": Op.VIEW_MAP,
    "issues": Op.VIEW_MAP,
    "issue_events": Op.VIEW_MAP,
    "inspection_events": Op.VIEW_MAP,
    "households": Op.VIEW_HOUSEHOLDS,
    "zero_reports": Op.VIEW_ZERO_REPORTS,
    "planted_hotspots": Op.VIEW_GROUND_TRUTH,
    "users": Op.MANAGE_USERS,
    "sign_in_throttle": Op.MANAGE_USERS,
    # Plan versions are county-wide (gridmap.plan.versions reads them for the county).
    "plans": Op.VIEW_MAP,
    "plan_saves": Op.VIEW_MAP,
    # The routing table is county-wide and public to every user of the county (issue 12).
    "routing_tables": Op.VIEW_MAP,
    # Photos of issues and hazards: seen by whoever sees their owner (gridmap.photos).
    "photos": Op.VIEW_MAP,
    # Supervision visits are published results (督查结果公示): every map reader sees them.
    "station_visits": Op.VIEW_MAP,
}

# Columns of a readable layer that need an operation of their own: a session without it
# gets them back empty (missing) and may not filter on them. Unit totals of households
# and residents are the 一标三实 figures, personal-data territory like the households.
COLUMN_OPS: dict[str, dict[str, Op]] = {
    "units": {c: Op.VIEW_HOUSEHOLDS for c in ("households", "residents", "floating")},
}

# Columns only a lifecycle step changes (gridmap.workflow): the status, the times a step
# sets (closed_at, rectified_at) and the routing (the issue's department).
LIFECYCLE_COLUMNS: dict[str, frozenset[str]] = {name: lc.columns for name, lc in LIFECYCLES.items()}
# History layer -> the lifecycle whose steps it records.
HISTORY_OF: dict[str, Lifecycle] = {lc.history: lc for lc in LIFECYCLES.values()}

ALL = None  # every column may change


@dataclass(frozen=True)
class WriteRule:
    """What one operation may do to one layer."""

    insert: bool = False
    delete: bool = False
    columns: frozenset[str] | None = frozenset()  # updatable columns; ALL (None) = any
    steps: bool = False  # the status may change, through the layer's lifecycle only


_ASSIGNED = frozenset(ASSIGN_COLUMNS)
_POINTS_IMPORT = WriteRule(insert=True, delete=True, columns=ALL)

# Operation -> layer -> rule. A write outside these rules is refused, whatever the role.
WRITES: dict[Op, dict[str, WriteRule]] = {
    Op.IMPORT_POINTS: {n: _POINTS_IMPORT for n in ("households", "stations", "inspections", "issues")},
    # Boundaries and plans (gridmap.plan.versions): the units of every version, the plan
    # rows and their save lists, and the re-assignment of points (and of the history rows'
    # micro-grid) when a plan is published.
    Op.EDIT_UNITS: {"units": WriteRule(insert=True, delete=True, columns=ALL),
                    "plans": WriteRule(insert=True, columns=ALL),
                    "plan_saves": WriteRule(insert=True),
                    **{n: WriteRule(columns=_ASSIGNED)
                       for n in ("households", "stations", "inspections", "issues")},
                    **{n: WriteRule(columns=frozenset({"micro_code"}))
                       for n in ("issue_events", "inspection_events")}},
    Op.SET_RISK: {"units": WriteRule(columns=frozenset({"risk_colour", "risk_set_at"}))},
    # A new issue or hazard starts in its lifecycle's first status; every later status
    # change is a step (gridmap.workflow). History rows written directly are notes.
    # Photos come with a report or a step (gridmap.photos), checked through their owner.
    # REPORT_ISSUE steps: only the reporter's own 重复 at creation (gridmap.workflow.report_issue,
    # duplicate_of=); HANDLE_ISSUE's escalated_at: the overdue escalation (gridmap.workflow.escalation).
    Op.REPORT_ISSUE: {"issues": WriteRule(insert=True, steps=True), "issue_events": WriteRule(insert=True),
                      "photos": WriteRule(insert=True)},
    Op.HANDLE_ISSUE: {"issues": WriteRule(steps=True, columns=frozenset({"escalated_at"})),
                      "issue_events": WriteRule(insert=True), "photos": WriteRule(insert=True)},
    Op.RECORD_INSPECTION: {"inspections": WriteRule(insert=True), "inspection_events": WriteRule(insert=True),
                           "photos": WriteRule(insert=True)},
    Op.UPDATE_INSPECTION: {"inspections": WriteRule(steps=True), "inspection_events": WriteRule(insert=True),
                           "photos": WriteRule(insert=True)},
    Op.SUBMIT_ZERO_REPORT: {"zero_reports": WriteRule(insert=True)},
    # Stations are closed (``closes``, ``closed_note``), never deleted: their visits keep history.
    Op.EDIT_STATIONS: {"stations": WriteRule(insert=True, columns=ALL)},
    # A visit is a record: written once, never changed (gridmap.stations.visits).
    Op.RECORD_VISIT: {"station_visits": WriteRule(insert=True), "photos": WriteRule(insert=True)},
    Op.MANAGE_USERS: {"users": WriteRule(insert=True, columns=ALL)},
    # A new version of the routing table is a new row; no row is ever changed (issue 12).
    Op.EDIT_ROUTING: {"routing_tables": WriteRule(insert=True)},
}


def allowed(role: Role | str, op: Op | str) -> bool:
    """Whether ``role`` may perform ``op`` (inside its jurisdiction)."""
    return Op(op) in PERMISSIONS[Role(role)]


def level_of_code(code: str) -> Level:
    """The level of a unit code: 17 digits micro, 14 grid, 12 village/town/county."""
    code = str(code)
    if len(code) == 17:
        return Level.MICRO
    if len(code) == 14:
        return Level.GRID
    if len(code) != 12 or not code.isdigit():
        raise ValueError(f"{code!r} is not a unit code (12, 14 or 17 digits)")
    if code[6:] == "000000":
        return Level.COUNTY
    if code[9:] == "000":
        return Level.TOWN
    return Level.VILLAGE


@dataclass(frozen=True)
class User:
    """A signed-in person: what they do (role) and where (jurisdiction unit)."""

    username: str
    role: Role
    unit_code: str
    display_name: str = ""
    department: str | None = None
    system: bool = field(default=False, repr=False)  # the operator's CLI, not a person

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))
        level_of_code(self.unit_code)  # validates
        if self.role == Role.DEPARTMENT and not self.department:
            raise ValueError(f"user {self.username!r}: a department handler needs a department")

    @property
    def scope(self) -> Scope:
        """The jurisdiction as a store scope."""
        return Scope(self.unit_code[:6], self.unit_code, level_of_code(self.unit_code))

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> User:
        """A user from a ``users`` row (as the store returns it)."""
        department = row.get("department")
        return cls(username=str(row["id"]), role=Role(row["role"]), unit_code=str(row["unit_code"]),
                   display_name=str(row.get("display_name") or row["id"]),
                   department=department if isinstance(department, str) and department else None)


class Session:
    """A user's view of the store: every call is checked and scoped.

    Args:
        store: The open store.
        user: Who acts.
        scope: Optional narrower scope (a drill-down); must lie inside the user's
            jurisdiction, otherwise :class:`~gridmap.store.ScopeError`.
    """

    def __init__(self, store: Store, user: User, scope: Scope | None = None) -> None:
        self.store = store
        self.user = user
        home = user.scope
        if scope is not None and not _inside(scope, home):
            raise ScopeError(f"{scope.prefix} is outside the jurisdiction of {user.username} ({home.prefix})")
        self.scope = scope or home

    @classmethod
    def system(cls, store: Store, scope: Scope, actor: str = "system") -> Session:
        """The operator's session (CLI without ``--as``, loaders, tests): every operation."""
        unit = scope.unit_code or f"{scope.county_code[:6]}000000"
        return cls(store, User(actor, Role.ADMIN, unit, actor, system=True))

    def __repr__(self) -> str:
        return f"Session({self.user.username!r}, {self.user.role.value}, {self.scope.prefix})"

    def cache_key(self) -> str:
        """Everything that decides what this session may see: store, scope, role, department.

        Any cache shared by sessions (``st.cache_*``) that returns jurisdiction data is
        keyed by this, so two users share a cached value only when the store would
        give both of them exactly the same rows.
        """
        role = "system" if self.user.system else self.user.role.value
        return "|".join((self.store.url, self.scope.cache_key(), role, self.user.department or ""))

    # -- permissions ----------------------------------------------------------------

    def can(self, op: Op | str) -> bool:
        """Whether this session may perform ``op``."""
        return self.user.system or allowed(self.user.role, op)

    def require(self, op: Op | str) -> None:
        """Raise :class:`PermissionDenied` unless this session may perform ``op``."""
        if not self.can(op):
            raise PermissionDenied(f"{self.user.username} ({self.user.role.value}) may not {Op(op).value}")

    def narrowed(self, unit_code: str) -> Session:
        """The same user looking at ``unit_code`` (inside the jurisdiction) only."""
        scope = Scope(self.scope.county_code, unit_code, level_of_code(unit_code))
        return Session(self.store, self.user, scope)

    # -- reads ----------------------------------------------------------------------

    def read(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: BBox | None = None,
             columns: Sequence[str] | None = None, limit: int | None = None) -> Frame:
        """Rows of a layer inside this session's scope (see :meth:`Store.read`).

        Columns the role may not read (:data:`COLUMN_OPS`) come back empty (missing).
        """
        where = self._where(layer_name, where)
        hidden = self.hidden_columns(layer_name)
        if where is None:
            return empty_frame(layer(layer_name), columns)
        want, fetch = _split_columns(layer_name, columns, hidden)
        found = self.store.read(layer_name, self.scope, where=where, bbox=bbox, columns=fetch, limit=limit)
        return _blanked(found, want, hidden)

    def count(self, layer_name: str, *, where: Mapping[str, Any] | None = None) -> int:
        """How many rows of a layer are inside this session's scope."""
        where = self._where(layer_name, where)
        return 0 if where is None else self.store.count(layer_name, self.scope, where=where)

    def intersecting(self, layer_name: str, geom: shapely.Geometry, predicate: str = "intersects") -> Frame:
        """Rows of a layer in scope whose geometry meets ``geom`` (see :meth:`Store.intersecting`)."""
        where = self._where(layer_name, None)
        found = self.store.intersecting(layer_name, self.scope, geom, predicate)
        if where:
            for column, value in where.items():
                keep = found[column].isin(value if isinstance(value, list | tuple | set) else [value])
                found = found[keep.to_numpy()]
        return _blanked(found, None, self.hidden_columns(layer_name))

    def hidden_columns(self, layer_name: str) -> frozenset[str]:
        """The columns of ``layer_name`` this session reads as missing (:data:`COLUMN_OPS`)."""
        return frozenset(c for c, op in COLUMN_OPS.get(layer(layer_name).name, {}).items() if not self.can(op))

    def meta(self, key: str) -> str | None:
        """A setting of this session's county (as-of time, plan version), for a map reader.

        Raises:
            PermissionDenied: the role may not view the map.
        """
        self.require(Op.VIEW_MAP)
        return self.store.get_meta(self.scope.county_code, key)

    def current_plan(self) -> int:
        """The boundary plan version of this session's county (the units a map shows).

        Raises:
            PermissionDenied: the role may not read units.
        """
        self.require(READ_OP["units"])
        return self.store.current_plan(self.scope.county_code)

    def counties(self) -> list[str]:
        """The county codes the store holds (codes only, no rows), for a map reader."""
        self.require(Op.VIEW_MAP)
        return self.store.counties()

    def county_name(self) -> str | None:
        """The name of this session's county in its current plan, if stored.

        A county's name is public: every user of the county sees it, whatever their
        jurisdiction, so this reads the county unit even for a narrower scope.
        """
        self.require(READ_OP["units"])
        county = self.scope.county_code[:6]
        found = self.store.read("units", Scope.county(county), columns=["name"], limit=1,
                                where={"level": Level.COUNTY.value, "plan_version": self.store.current_plan(county)})
        if found.empty:
            return None
        name = found["name"].iloc[0]
        return str(name) if name is not None else None

    @property
    def store_url(self) -> str:
        """The URL of the store (unmasked: mask it before showing it)."""
        return self.store.url

    @property
    def backend(self) -> str:
        """The store's backend name (``sqlite`` or ``postgis``)."""
        return self.store.backend

    def audit_log(self, *, limit: int = 200, filters: AuditFilter | None = None) -> pd.DataFrame:
        """The audit trail of writes made inside this session's scope."""
        self.require(Op.VIEW_AUDIT)
        return self.store.audit_log(self.scope, limit=limit, filters=filters)

    def _where(self, layer_name: str, where: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """``where`` plus the row filters of the user's role; None means "nothing visible".

        A department handler sees the issues routed to its department, their history and
        their photos: each carries ``department``, so each is one indexed filter in the
        store's SQL.
        """
        spec = layer(layer_name)
        self.require(READ_OP[spec.name])
        merged = dict(where or {})
        hidden = sorted(self.hidden_columns(spec.name) & set(merged))
        if hidden:
            raise PermissionDenied(f"{self.user.username} ({self.user.role.value}) may not filter "
                                   f"{spec.name} by {', '.join(hidden)}")
        dept = self.user.department if self.user.role == Role.DEPARTMENT and not self.user.system else None
        if dept is not None and spec.name in ("issues", "issue_events", "photos"):
            return _narrow(merged, "department", dept)
        return merged

    # -- writes ---------------------------------------------------------------------

    @contextmanager
    def write(self, op: Op | str) -> Iterator[GuardedTransaction]:
        """One transaction for ``op``: only the layers and columns ``op`` needs, in scope.

        Raises:
            PermissionDenied: the role may not perform ``op``.
        """
        op = Op(op)
        self.require(op)
        if op not in WRITES:
            raise PermissionDenied(f"{op.value} does not write")
        with self.store.transaction(self.user.username, self.scope) as tx:
            yield GuardedTransaction(self, tx, op)


class GuardedTransaction:
    """A store transaction limited to what one operation may change.

    - Only the layers, actions and columns of :data:`WRITES` for the operation.
    - Never a lifecycle column (:data:`LIFECYCLE_COLUMNS`): statuses change through
      :mod:`gridmap.workflow`, which calls :meth:`_step` after checking the step.
    - Every inserted point gets its unit codes from its geometry on the server
      (:func:`gridmap.workflow.place.place`); supplied codes are ignored.
    - A history row (``issue_events``, ``inspection_events``) is checked through its
      issue or hazard: it must be visible to the session (scope, department), it gets
      the row's ``micro_code`` (and ``department``), and written directly it is a note on
      the current status, never a step.
    - New issues and hazards start in their lifecycle's first status (imports excepted:
      they load recorded data).
    """

    def __init__(self, session: Session, tx: Transaction, op: Op) -> None:
        self.session = session
        self.op = op
        self._tx = tx
        self._rules = WRITES[op]

    def insert(self, layer_name: str, frame: Frame, *, note: str | None = None) -> int:
        self._rule(layer_name, "insert")
        rows = self.place(layer_name, frame)
        self._check_new_rows(layer_name, rows)
        rows = self._through_parent(layer_name, rows, steps=False)
        return self._tx.insert(layer_name, rows, note=note)

    def replace(self, layer_name: str, frame: Frame, *, where: Mapping[str, Any] | None = None,
                note: str | None = None) -> int:
        self._rule(layer_name, "insert")
        self._rule(layer_name, "delete")
        rows = self._through_parent(layer_name, self.place(layer_name, frame), steps=False)
        return self._tx.replace(layer_name, rows, where=where, note=note)

    def update(self, layer_name: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        self._refuse_lifecycle_columns(layer_name, changes)
        self._rule(layer_name, "update", changes)
        self._visible(layer_name, [row_id])
        return self._tx.update(layer_name, row_id, self._codes_follow_point(layer_name, changes))

    def update_many(self, layer_name: str, frame: Frame, columns: Sequence[str]) -> int:
        self._refuse_lifecycle_columns(layer_name, columns)
        self._rule(layer_name, "update", columns)
        self._codes_follow_point(layer_name, dict.fromkeys(columns))
        self._visible(layer_name, frame["id"].astype(str).tolist())
        return self._tx.update_many(layer_name, frame, columns)

    def delete(self, layer_name: str, ids: Iterable[str]) -> int:
        self._rule(layer_name, "delete")
        ids = [str(i) for i in ids]
        self._visible(layer_name, ids)
        return self._tx.delete(layer_name, ids)

    def set_meta(self, key: str, value: str) -> None:
        if self.op not in (Op.EDIT_UNITS, Op.IMPORT_POINTS, Op.EDIT_ROUTING) or not self.session.scope.whole_county:
            raise PermissionDenied(f"{self.op.value} may not change county settings")
        self._tx.set_meta(key, value)

    def lock(self, key: str) -> None:
        """Serialise this transaction with every other one that locks ``key`` (see
        :meth:`gridmap.store.base.Transaction.lock`)."""
        self._tx.lock(key)

    def get_meta(self, key: str) -> str | None:
        """A setting of the session's county as this transaction sees it."""
        return self._tx.get_meta(key)

    def current_plan(self) -> int:
        """The county's current plan version as this transaction sees it."""
        return self._tx.current_plan()

    def record_plan_event(self, action: str, version: int, *, before: Any = None, after: Any = None) -> None:
        """Append the audit row of a plan event (:data:`gridmap.store.base.PLAN_ACTIONS`).

        Only :mod:`gridmap.plan.versions` calls this, beside the layer writes of the event
        (which audit themselves); only :data:`Op.EDIT_UNITS` may, and only plan actions.
        """
        if self.op != Op.EDIT_UNITS or action not in PLAN_ACTIONS:
            raise PermissionDenied(f"{self.op.value} may not record {action!r}")
        self._tx.audit(action, "plans", target=str(int(version)), before=before, after=after)

    def read(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: BBox | None = None,
             columns: Sequence[str] | None = None, limit: int | None = None,
             for_update: bool = False) -> Frame:
        """Read on this transaction's connection (its own writes included), with the
        same role and scope checks as :meth:`Session.read`."""
        narrowed = self.session._where(layer_name, where)
        if narrowed is None:
            return empty_frame(layer(layer_name), columns)
        hidden = self.session.hidden_columns(layer_name)
        want, fetch = _split_columns(layer_name, columns, hidden)
        found = self._tx.read(layer_name, where=narrowed, bbox=bbox, columns=fetch, limit=limit,
                              for_update=for_update)
        return _blanked(found, want, hidden)

    def place(self, layer_name: str, frame: Frame) -> Frame:
        """``frame`` as :meth:`insert` would store it: for an assigned layer, every unit
        code and ``outside`` derived from the point against the county's current plan."""
        if not layer(layer_name).assigned:
            return frame
        from gridmap.workflow.place import place

        return place(self._tx, frame)

    def place_records(self, layer_name: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """:meth:`place` for a few rows as dicts (the light path of one report)."""
        if not layer(layer_name).assigned:
            return records
        from gridmap.workflow.place import place_records

        return place_records(self._tx, records)

    # -- the lifecycle's door (gridmap.workflow only) ----------------------------------

    def _step(self, lifecycle: Lifecycle, row_id: str, changes: Mapping[str, Any],
              event: Mapping[str, Any]) -> dict[str, Any]:
        """Apply one checked step: the row's status (and times, routing) plus its history row.

        Only :mod:`gridmap.workflow` calls this, after reading the row ``for_update`` and
        checking the step and the role. The history row gets the row's ``micro_code``
        (and department); a change of department is carried to every history row of it.
        """
        rule = self._rules.get(lifecycle.layer)
        if rule is None or not rule.steps:
            raise PermissionDenied(f"{self.op.value} may not step {lifecycle.layer}")
        after = self._tx.update(lifecycle.layer, row_id, changes)
        history = pd.DataFrame([{**event, lifecycle.key: row_id, "micro_code": after.get("micro_code"),
                                 **({lifecycle.routing: after.get(lifecycle.routing)} if lifecycle.routing else {})}])
        self._tx.insert(lifecycle.history, history,
                        note=f"{event.get('from_status')} -> {event.get('to_status')}")
        routing = lifecycle.routing
        if routing and routing in changes:
            self._reroute_history(lifecycle, row_id, after.get(routing))
        return after

    def _create(self, lifecycle: Lifecycle, rows: Frame | list[dict[str, Any]], event: Mapping[str, Any]) -> None:
        """Insert one new, already placed row in its first status, with its first history row.

        ``rows`` may be a one-row frame or a list of one dict (the light path: no frame is
        built for a report).
        """
        self._rule(lifecycle.layer, "insert")
        self._check_new_rows(lifecycle.layer, rows)
        self._tx.insert(lifecycle.layer, rows)
        row = rows[0] if isinstance(rows, list) else rows.iloc[0].to_dict()
        history = [{**event, lifecycle.key: str(row["id"]), "micro_code": row.get("micro_code"),
                    **({lifecycle.routing: row.get(lifecycle.routing)} if lifecycle.routing else {})}]
        self._tx.insert(lifecycle.history, history, note=f"-> {event.get('to_status')}")

    # -- imported lifecycle rows with their history (gridmap.io.open311) -----------------

    def _load(self, lifecycle: Lifecycle, rows: Frame, events: pd.DataFrame, *, note: str | None = None) -> Frame:
        """Insert imported rows of a lifecycle layer (recorded data: any status) and their history.

        Only :data:`Op.IMPORT_POINTS`. The rows are placed on the server like every insert;
        each history row names one of them (``lifecycle.key``) and gets its ``micro_code``
        (and department) from it. Returns the placed rows.
        """
        if self.op != Op.IMPORT_POINTS:
            raise PermissionDenied(f"{self.op.value} may not load {lifecycle.layer} with history")
        self._rule(lifecycle.layer, "insert")
        placed = self.place(lifecycle.layer, rows)
        self._tx.insert(lifecycle.layer, placed, note=note)
        if len(events):
            by_id = pd.DataFrame(placed).set_index(placed["id"].astype(str))
            keys = events[lifecycle.key].astype(str)
            unknown = sorted(set(keys) - set(by_id.index))
            if unknown:
                raise StoreError(f"{lifecycle.history}: no imported {lifecycle.layer} row {unknown[0]!r}")
            history = events.copy()
            history["micro_code"] = keys.map(by_id["micro_code"]).to_numpy(dtype=object)
            if lifecycle.routing:
                history[lifecycle.routing] = keys.map(by_id[lifecycle.routing]).to_numpy(dtype=object)
            if "actor" not in history.columns:
                history["actor"] = self.session.user.username
            self._tx.insert(lifecycle.history, history, note=note)
        return placed

    def _reroute_history(self, lifecycle: Lifecycle, row_id: str, value: Any) -> None:
        assert lifecycle.routing is not None
        events = self._tx.read(lifecycle.history, where={lifecycle.key: row_id}, columns=["id", lifecycle.routing])
        stale = events[events[lifecycle.routing].astype(object).where(events[lifecycle.routing].notna(), None)
                       != value]
        if len(stale):
            self._tx.update_many(lifecycle.history, pd.DataFrame({"id": stale["id"], lifecycle.routing: value}),
                                 [lifecycle.routing])
        # The row's photos follow too: the new department sees the photos taken before.
        photos = self._tx.read("photos", where={"owner_layer": lifecycle.layer, "owner_id": row_id},
                               columns=["id", "department"])
        moved = photos[photos["department"].astype(object).where(photos["department"].notna(), None) != value]
        if len(moved):
            self._tx.update_many("photos", pd.DataFrame({"id": moved["id"], "department": value}), ["department"])

    # -- checks -----------------------------------------------------------------------

    def _rule(self, layer_name: str, action: str, columns: Iterable[str] = ()) -> None:
        rule = self._rules.get(layer(layer_name).name)
        if rule is None:
            raise PermissionDenied(f"{self.op.value} may not write {layer_name}")
        if (action == "insert" and not rule.insert) or (action == "delete" and not rule.delete):
            raise PermissionDenied(f"{self.op.value} may not {action} {layer_name}")
        if action == "update":
            bad = [c for c in columns if rule.columns is not ALL and c not in rule.columns]
            if bad or rule.columns == frozenset():
                raise PermissionDenied(f"{self.op.value} may not change {layer_name}.{', '.join(bad) or '*'}")

    def _refuse_lifecycle_columns(self, layer_name: str, columns: Iterable[str]) -> None:
        touched = sorted(LIFECYCLE_COLUMNS.get(layer(layer_name).name, frozenset()) & set(columns))
        if touched:
            from gridmap.workflow.errors import StepNotPermitted

            raise StepNotPermitted("workflow.lifecycle_only", layer=layer_name, columns=", ".join(touched))

    def _codes_follow_point(self, layer_name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """``changes`` with the unit codes re-derived when the point moves; codes set by
        hand are refused (only re-assignment after a boundary change sets them)."""
        spec = layer(layer_name)
        if not spec.assigned:
            return dict(changes)
        if set(changes) & set(ASSIGN_COLUMNS) and self.op != Op.EDIT_UNITS:
            from gridmap.workflow.errors import StepNotPermitted

            raise StepNotPermitted("workflow.codes_follow_point", layer=layer_name)
        if "geometry" not in changes:
            return dict(changes)
        import geopandas as gpd

        moved = self.place(layer_name, gpd.GeoDataFrame({"id": ["(update)"]}, geometry=[changes["geometry"]],
                                                        crs="EPSG:4326"))
        return {**changes, **{c: moved[c].iloc[0] for c in ASSIGN_COLUMNS}}

    def _check_new_rows(self, layer_name: str, rows: Frame | list[dict[str, Any]]) -> None:
        """A new issue or hazard starts in its first status, with none of a step's times."""
        lifecycle = LIFECYCLES.get(layer(layer_name).name)
        if lifecycle is None or self.op in (Op.IMPORT_POINTS,) or not len(rows):
            return
        from gridmap.workflow.errors import Coded, StepNotPermitted, Words

        stamps = {c for stamps in lifecycle.stamps.values() for c in stamps}
        if isinstance(rows, list):
            bad = [r for r in rows if "status" in r and (str(r["status"]) != lifecycle.initial or any(
                not is_missing(r.get(c)) for c in stamps))]
            status = str(bad[0]["status"]) if bad else None
        else:
            if "status" not in rows.columns:
                return
            wrong = rows["status"].astype(str) != lifecycle.initial
            for column in sorted(stamps & set(rows.columns)):
                wrong |= rows[column].notna()
            status = str(rows.loc[wrong, "status"].iloc[0]) if wrong.any() else None
        if status is not None:
            raise StepNotPermitted("workflow.new_row_status", thing=Words(f"workflow.thing.{lifecycle.layer}"),
                                   initial=Coded(lifecycle.label_kind, lifecycle.initial),
                                   status=Coded(lifecycle.label_kind, status))

    def _through_parent(self, layer_name: str, rows: Frame, *, steps: bool) -> Frame:
        """History rows checked through their issue or hazard (see the class docstring)."""
        if layer(layer_name).name == "photos":
            return self._photos_through_owner(rows)
        lifecycle = HISTORY_OF.get(layer(layer_name).name)
        if lifecycle is None or not len(rows):
            return rows
        from gridmap.workflow.errors import Coded, RowNotFound, StepNotPermitted, Words

        thing = Words(f"workflow.thing.{lifecycle.layer}")
        if lifecycle.key not in rows.columns or rows[lifecycle.key].isna().any():
            raise StoreError(f"{layer_name}: every row needs {lifecycle.key}")
        ids = rows[lifecycle.key].astype(str)
        columns = ["id", "status", "micro_code", *([lifecycle.routing] if lifecycle.routing else [])]
        parents = self.read(lifecycle.layer, where={"id": sorted(set(ids))}, columns=columns).set_index("id")
        missing = [i for i in ids.unique() if i not in parents.index]
        if missing:
            raise RowNotFound("workflow.not_found", thing=thing, id=missing[0])
        out = rows.copy()
        out["micro_code"] = ids.map(parents["micro_code"]).to_numpy(dtype=object)
        if lifecycle.routing:
            out[lifecycle.routing] = ids.map(parents[lifecycle.routing]).to_numpy(dtype=object)
        if not steps:
            current = ids.map(parents["status"]).astype(str)
            before = out["from_status"] if "from_status" in out.columns else pd.Series(None, index=out.index)
            after = out["to_status"].astype(str) if "to_status" in out.columns else current
            step = (after != current) | (before.notna() & (before.astype(str) != current))
            if step.any():
                i = int(np.flatnonzero(step.to_numpy())[0])
                raise StepNotPermitted("workflow.history_note_only", thing=thing, id=ids.iloc[i],
                                       status=Coded(lifecycle.label_kind, current.iloc[i]))
        return out

    def _photos_through_owner(self, rows: Frame) -> Frame:
        """Photos checked through the row they belong to: an owner layer the operation
        writes, a row the session sees; its ``micro_code`` and ``department`` copied."""
        if not len(rows):
            return rows
        from gridmap.workflow.errors import RowNotFound, Words

        for column in ("owner_layer", "owner_id"):
            if column not in rows.columns or rows[column].isna().any():
                raise StoreError(f"photos: every row needs {column}")
        out = rows.copy()
        for owner_layer, group in rows.groupby(rows["owner_layer"].astype(str)):
            if owner_layer not in self._rules:
                raise PermissionDenied(f"{self.op.value} may not add photos to {owner_layer}")
            ids = group["owner_id"].astype(str)
            routing = "department" if "department" in layer(owner_layer).columns else None
            columns = ["id", "micro_code", *([routing] if routing else [])]
            owners = self.read(owner_layer, where={"id": sorted(set(ids))}, columns=columns).set_index("id")
            missing = [i for i in ids.unique() if i not in owners.index]
            if missing:
                raise RowNotFound("workflow.not_found", thing=Words(f"workflow.thing.{owner_layer}"), id=missing[0])
            out.loc[group.index, "micro_code"] = ids.map(owners["micro_code"]).to_numpy(dtype=object)
            out.loc[group.index, "department"] = (ids.map(owners[routing]).to_numpy(dtype=object) if routing
                                                  else None)
        return out

    def _visible(self, layer_name: str, ids: list[str]) -> None:
        """Department handlers may only touch rows they can see (their department's issues)."""
        if self.session.user.role != Role.DEPARTMENT or self.session.user.system or not ids:
            return
        seen = set(self.read(layer_name, where={"id": ids}, columns=["id"])["id"])
        hidden = [i for i in ids if i not in seen]
        if hidden:
            raise NotFound(f"{layer_name}: no row {hidden[0]!r} for {self.session.user.department}")


def _split_columns(layer_name: str, columns: Sequence[str] | None,
                   hidden: frozenset[str]) -> tuple[list[str] | None, list[str] | None]:
    """(the columns asked for, the columns to fetch): the hidden ones are not fetched."""
    if not hidden:
        return (list(columns) if columns else None), (list(columns) if columns else None)
    spec = layer(layer_name)
    want = list(columns) if columns else [*spec.columns, *(["geometry"] if spec.geom else [])]
    fetch = [c for c in want if c not in hidden]
    return want, fetch or ["id"]


def _blanked(frame: Frame, want: list[str] | None, hidden: frozenset[str]) -> Frame:
    """``frame`` with the hidden columns present but empty (missing), in the order asked."""
    if not hidden:
        return frame
    out = frame.copy()
    for column in hidden:
        if want is None or column in want:
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
    return out[want] if want is not None else out


def _inside(inner: Scope, outer: Scope) -> bool:
    return inner.county_code == outer.county_code and inner.prefix.startswith(outer.prefix)


def _narrow(where: dict[str, Any], column: str, allowed_values: Any) -> dict[str, Any] | None:
    """``where`` with ``column`` limited to ``allowed_values``; None when nothing remains."""
    allowed_set = set(allowed_values) if isinstance(allowed_values, list) else {allowed_values}
    asked = where.get(column)
    if asked is None:
        keep = allowed_set
    else:
        asked_set = set(asked) if isinstance(asked, list | tuple | set) else {asked}
        keep = asked_set & allowed_set
    if not keep:
        return None
    where[column] = sorted(keep) if len(keep) != 1 else next(iter(keep))
    return where


__all__ = [
    "PERMISSIONS",
    "READ_OP",
    "WRITES",
    "GuardedTransaction",
    "Op",
    "PermissionDenied",
    "Session",
    "User",
    "WriteRule",
    "allowed",
    "level_of_code",
]
