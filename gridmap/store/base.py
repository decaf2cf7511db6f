"""The one store interface, and the behaviour both backends share.

A backend only knows how to talk to its database (placeholders, geometry encoding,
bulk loading, spatial index). Everything the contract promises lives here: scope
checks, column validation, type conversion of frames, and the audit record that each
write appends inside its own transaction.

Usage::

    store = open_store("sqlite:///data/gridmap.db")
    with store.transaction(actor="admin", scope=Scope.county("330327")) as tx:
        tx.insert("households", frame)          # all-or-nothing with the audit row
    frame = store.read("issues", scope, where={"status": "reported"})
"""

from __future__ import annotations

import abc
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pandas as pd
import shapely

from gridmap.domain import LayerSpec, Scope, layer
from gridmap.store.codec import (
    CRS,
    BBox,
    Frame,
    check_row_scope,
    check_value,
    check_values,
    decode_frame,
    decode_record,
    empty_frame,
    encode_values,
    jsonable,
    new_id,
    now,
    prepare_records,
    prepare_rows,
    scope_column,
)
from gridmap.store.errors import NotFound, SchemaTooNew, ScopeError, StoreError

SCHEMA_VERSION = 6

AUDIT_COLUMNS: tuple[str, ...] = ("id", "county_code", "at", "actor", "scope", "action", "layer", "target",
                                  "before", "after")
# What the layer writes record (only the store appends these: Transaction._audit).
WRITE_ACTIONS: frozenset[str] = frozenset({"insert", "replace", "update", "update_many", "delete", "set_meta"})
# What a caller may record through Transaction.audit (sign-in, gridmap/auth.py).
# What the planner records through Transaction.audit (gridmap/plan/versions.py): one row per
# plan event, beside the layer writes the event makes.
PLAN_ACTIONS: frozenset[str] = frozenset({"plan_draft", "plan_save", "plan_publish", "plan_schedule",
                                          "plan_activate", "plan_discard"})
AUDIT_ACTIONS: frozenset[str] = frozenset({"sign_in", "sign_in_failed", "sign_in_refused", "sign_in_token",
                                           "sign_out", *PLAN_ACTIONS})
AUDIT_PAYLOAD_LIMIT = 64 * 1024  # bytes of layer + target + before + after JSON in one audit row
# Rows inserted one by one (prepare_records + INSERT) rather than as a frame (prepare_rows + bulk).
FEW_ROWS = 16
# Columns whose values never reach the audit trail (it is readable by admins).
SECRET_COLUMNS: dict[str, tuple[str, ...]] = {"users": ("password_hash",)}


@dataclass(frozen=True)
class AuditFilter:
    """What an audit-trail reader asks for; every field is optional."""

    actor: str | None = None
    action: str | None = None
    layer: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive


class Transaction(abc.ABC):
    """Writes inside one database transaction. Every write appends an audit row."""

    def __init__(self, store: Store, conn: Any, actor: str, scope: Scope) -> None:
        self.store = store
        self.actor = actor
        self.scope = scope
        self._connection = conn

    # -- public writes ------------------------------------------------------------

    def insert(self, layer_name: str, frame: Frame | Sequence[Mapping[str, Any]], *,
               note: str | None = None) -> int:
        """Insert rows; ids are generated where missing. Returns the row count.

        Up to :data:`FEW_ROWS` rows (a report: one issue and one history row) take the
        light path: checked and encoded value by value (:func:`prepare_records`) and
        written with a plain ``INSERT``; larger frames are prepared column-wise and
        bulk-loaded. ``frame`` may also be a list of dicts.
        """
        spec = layer(layer_name)
        if len(frame) <= FEW_ROWS:
            records = prepare_records(spec, frame, self.scope)
            if not records:
                return 0
            self._insert_records(spec, records)
            n = len(records)
        else:
            rows = prepare_rows(spec, pd.DataFrame(frame) if not isinstance(frame, pd.DataFrame) else frame,
                                self.scope)
            self._insert_rows(spec, rows)
            n = len(rows)
        self._audit("insert", spec.name, target=f"{n} rows", after={"count": n, "note": note})
        return n

    def replace(self, layer_name: str, frame: Frame, *, where: Mapping[str, Any] | None = None,
                note: str | None = None) -> int:
        """Delete the layer's rows in scope (matching ``where``) and insert ``frame``."""
        spec = layer(layer_name)
        rows = prepare_rows(spec, frame, self.scope)
        removed = self._delete_where(spec, self.scope, where or {})
        if not rows.empty:
            self._insert_rows(spec, rows)
        self._audit("replace", spec.name, target=json.dumps(dict(where or {}), default=str),
                   before={"count": removed}, after={"count": len(rows), "note": note})
        return len(rows)

    def update(self, layer_name: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some columns of one row in scope; returns the row after the change."""
        spec = layer(layer_name)
        bad = [c for c in changes if (c not in spec.columns and c != "geometry") or c in ("id", "county_code")]
        if bad:
            raise StoreError(f"{spec.name}: cannot change column(s) {', '.join(bad)}")
        for name, value in changes.items():
            check_value(spec, name, value, row_id)
        before = self._get(spec, row_id)
        after = {**before, **changes}
        check_row_scope(spec, after, self.scope)
        self._update_row(spec, row_id, encode_values(spec, dict(changes)))
        self._audit("update", spec.name, target=row_id, before=jsonable(before), after=jsonable(after))
        return after

    def update_many(self, layer_name: str, frame: Frame, columns: Sequence[str]) -> int:
        """Set ``columns`` for the rows whose ids are in ``frame`` (one audit row).

        Every listed row must be in the caller's scope before and after the change;
        otherwise ScopeError and nothing changes.
        """
        spec = layer(layer_name)
        bad = [c for c in columns if c not in spec.columns or c in ("id", "county_code")]
        if bad:
            raise StoreError(f"{spec.name}: cannot change column(s) {', '.join(bad)}")
        if frame.empty:
            return 0
        data = pd.DataFrame({c: frame[c] for c in ["id", *columns]})
        ids = data["id"].astype(str)
        if ids.duplicated().any():
            raise StoreError(f"{spec.name}: id {ids[ids.duplicated()].iloc[0]!r} appears twice")
        for c in columns:
            check_values(spec, c, data[c], ids.tolist())
        n = self._update_rows(spec, data, list(columns))
        if n < len(ids):
            found = set(self.read(spec.name, columns=["id"])["id"])
            missing = [i for i in ids if i not in found]
            raise NotFound(f"{spec.name}: {len(missing)} of the rows are not in your jurisdiction "
                           f"(e.g. {missing[0] if missing else '?'!r}); nothing was changed")
        self._audit("update_many", spec.name, target=f"{n} rows", after={"columns": list(columns), "count": n})
        return n

    def delete(self, layer_name: str, ids: Iterable[str]) -> int:
        spec = layer(layer_name)
        ids = list(ids)
        before = [jsonable(self._get(spec, i)) for i in ids]
        n = self._delete_ids(spec, ids)
        self._audit("delete", spec.name, target=",".join(ids[:20]), before={"rows": before[:100]})
        return n

    def audit(self, action: str, layer_name: str, *, target: str = "", before: Any = None,
              after: Any = None) -> None:
        """Append one audit row for something done outside the layer writes (a sign-in).

        ``action`` must be one of :data:`AUDIT_ACTIONS`; the layer writes (insert,
        update, ...) append their own rows and cannot be claimed here, so no caller can
        forge a ``delete`` that never happened. ``before`` and ``after`` together are at
        most :data:`AUDIT_PAYLOAD_LIMIT` bytes of JSON.

        Raises:
            StoreError: an unknown or reserved action, or a payload over the limit.
        """
        if action not in AUDIT_ACTIONS:
            raise StoreError(f"audit action {action!r} is not one the store records by request; use one of "
                             f"{', '.join(sorted(AUDIT_ACTIONS))} (layer writes audit themselves)")
        before_text, after_text = _audit_json(layer_name, before), _audit_json(layer_name, after)
        size = sum(len(t.encode()) for t in (str(layer_name), str(target), before_text or "", after_text or ""))
        if size > AUDIT_PAYLOAD_LIMIT:
            raise StoreError(f"audit row of {size:,} bytes refused: at most {AUDIT_PAYLOAD_LIMIT:,} bytes "
                             f"({AUDIT_PAYLOAD_LIMIT // 1024} KiB) of layer, target, before and after")
        self._audit(action, layer_name, target=target, before=before, after=after)

    def _audit(self, action: str, layer_name: str, *, target: str = "", before: Any = None,
               after: Any = None) -> None:
        """Append the audit row of a write (any action of :data:`WRITE_ACTIONS` or :data:`AUDIT_ACTIONS`)."""
        if action not in WRITE_ACTIONS and action not in AUDIT_ACTIONS:
            raise StoreError(f"unknown audit action {action!r}")
        layer_text, target_text = str(layer_name), str(target)
        before_text, after_text = _audit_json(layer_name, before), _audit_json(layer_name, after)
        self._append_audit({
            "id": new_id(),
            "county_code": self.scope.county_code,
            "at": now(),
            "actor": self.actor,
            "scope": self.scope.prefix,
            "action": action,
            "layer": layer_text,
            "target": target_text,
            "before": before_text,
            "after": after_text,
        })

    def set_meta(self, key: str, value: str) -> None:
        """Set a county setting (``plan_version`` switches the current plan, ``as_of`` the
        data's time), audited like every other write."""
        before = self.get_meta(key)
        self._set_meta(self.scope.county_code, key, str(value))
        self._audit("set_meta", "meta", target=key, before={"value": before}, after={"value": str(value)})

    # -- reads inside the transaction -------------------------------------------------

    def read(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: BBox | None = None,
             columns: Sequence[str] | None = None, limit: int | None = None, for_update: bool = False,
             scope: Scope | None = None) -> Frame:
        """Rows of a layer as this transaction sees them (its own writes included).

        Runs on the transaction's own connection, so a row inserted a moment ago is
        there on both backends, and nothing another writer has not committed is.

        Args:
            layer_name, where, bbox, columns, limit: As :meth:`Store.read`.
            for_update: Lock the rows read until the transaction ends, so that a
                read-then-write (a status step, a counter) cannot interleave with another
                writer's (PostgreSQL ``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already
                serialises writers).
            scope: Read in another scope of the same county (library code that needs
                the whole county's units); default the transaction's scope.
        """
        scope = scope or self.scope
        if scope.county_code != self.scope.county_code:
            raise ScopeError(f"a transaction in county {self.scope.county_code} cannot read county "
                             f"{scope.county_code}")
        return self.store._read(self._connection, layer_name, scope, where=where, bbox=bbox,
                                columns=columns, limit=limit, for_update=for_update)

    def records(self, layer_name: str, *, where: Mapping[str, Any] | None = None, bbox: BBox | None = None,
                columns: Sequence[str] | None = None, limit: int | None = None,
                scope: Scope | None = None) -> list[dict[str, Any]]:
        """:meth:`read` as a list of dicts (geometry as shapely), without building a frame.

        For the light write path (placing one report reads a handful of units); values
        have the Python types of :func:`gridmap.store.codec.decode_record`.
        """
        scope = scope or self.scope
        if scope.county_code != self.scope.county_code:
            raise ScopeError(f"a transaction in county {self.scope.county_code} cannot read county "
                             f"{scope.county_code}")
        return self.store._records(self._connection, layer_name, scope, where=where, bbox=bbox,
                                   columns=columns, limit=limit)

    def get_meta(self, key: str) -> str | None:
        """A county setting of this transaction's county as the transaction sees it."""
        return self.store._get_meta(self._connection, self.scope.county_code, key)

    def current_plan(self) -> int:
        """The county's boundary plan version as this transaction sees it."""
        value = self.get_meta("plan_version")
        return int(value) if value else 1

    def lock(self, key: str) -> None:
        """Serialise this transaction with every other one that locks ``key``, until it ends.

        For a read-then-insert on a row that may not exist yet (a first failed sign-in
        of a name). PostgreSQL takes an advisory transaction lock; SQLite needs nothing,
        because ``BEGIN IMMEDIATE`` already lets one writer in at a time.
        """
        self._lock(str(key))

    def _get(self, spec: LayerSpec, row_id: str) -> dict[str, Any]:
        found = self.read(spec.name, where={"id": row_id})
        if found.empty:
            raise NotFound(f"{spec.name}: no row {row_id!r} in your jurisdiction")
        return found.iloc[0].to_dict()

    # -- backend hooks --------------------------------------------------------------

    @abc.abstractmethod
    def _lock(self, key: str) -> None:
        """Take a transaction-long lock on ``key`` (a no-op where writers are serialised)."""

    @abc.abstractmethod
    def _insert_rows(self, spec: LayerSpec, rows: pd.DataFrame) -> None:
        """Insert encoded rows (columns = spec.columns + optional 'geometry' as shapely)."""

    @abc.abstractmethod
    def _insert_records(self, spec: LayerSpec, records: list[dict[str, Any]]) -> None:
        """Insert a few rows from :func:`prepare_records` (a plain INSERT, no bulk machinery)."""

    @abc.abstractmethod
    def _update_row(self, spec: LayerSpec, row_id: str, values: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def _update_rows(self, spec: LayerSpec, data: pd.DataFrame, columns: list[str]) -> int: ...

    @abc.abstractmethod
    def _delete_where(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any]) -> int: ...

    @abc.abstractmethod
    def _delete_ids(self, spec: LayerSpec, ids: list[str]) -> int: ...

    @abc.abstractmethod
    def _append_audit(self, record: dict[str, Any]) -> None: ...

    @abc.abstractmethod
    def _set_meta(self, county_code: str, key: str, value: str) -> None: ...


class Store(abc.ABC):
    """Persistence for every layer in :data:`gridmap.domain.LAYERS`."""

    backend: str
    url: str

    # -- lifecycle ------------------------------------------------------------------

    @abc.abstractmethod
    def migrate(self, target: int | None = None) -> int:
        """Bring the schema to :data:`SCHEMA_VERSION` (or to ``target``, for tests of old
        stores); returns the version reached. A failing statement rolls back everything
        and raises :class:`StoreError` naming the migration."""

    @abc.abstractmethod
    def close(self) -> None: ...

    @abc.abstractmethod
    @contextmanager
    def transaction(self, actor: str, scope: Scope) -> Iterator[Transaction]:
        """One write transaction: commits on success, rolls back everything on error."""

    # -- reads ----------------------------------------------------------------------

    def read(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None,
             bbox: BBox | None = None, columns: Sequence[str] | None = None,
             limit: int | None = None) -> Frame:
        """Rows of a layer inside ``scope``, as committed (outside any transaction).

        ``where`` maps a column to a value (equality) or to a list/tuple/set (IN).
        ``bbox`` (minx, miny, maxx, maxy) keeps rows whose geometry's bounding box
        meets it (index-backed in both backends). Geometry layers come back as a
        GeoDataFrame in EPSG:4326 with a ``geometry`` column. Inside a transaction use
        :meth:`Transaction.read`, which sees the transaction's own writes.
        """
        return self._read(None, layer_name, scope, where=where, bbox=bbox, columns=columns, limit=limit)

    def _read(self, conn: Any, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None,
              bbox: BBox | None = None, columns: Sequence[str] | None = None, limit: int | None = None,
              for_update: bool = False) -> Frame:
        """:meth:`read` on ``conn`` (a transaction's connection), or on any when None."""
        spec, want = _wanted(layer_name, columns)
        names, rows = self._fetch(conn, spec, scope, want, where=where, bbox=bbox, limit=limit,
                                  for_update=for_update)
        return self._frame(spec, want, names, rows)

    @staticmethod
    def _frame(spec: LayerSpec, want: list[str], names: list[str], rows: list[tuple[Any, ...]]) -> Frame:
        """Fetched rows as the frame :meth:`read` returns."""
        if not rows:
            return empty_frame(spec, want)
        df = pd.DataFrame.from_records(rows, columns=names)
        geometry = shapely.from_wkb(df.pop("geom").to_numpy()) if "geom" in names else None
        return decode_frame(spec, df, geometry)

    def _records(self, conn: Any, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None,
                 bbox: BBox | None = None, columns: Sequence[str] | None = None,
                 limit: int | None = None) -> list[dict[str, Any]]:
        """:meth:`_read` as decoded dicts (see :meth:`Transaction.records`)."""
        spec, want = _wanted(layer_name, columns)
        names, rows = self._fetch(conn, spec, scope, want, where=where, bbox=bbox, limit=limit, for_update=False)
        return [decode_record(spec, names, row) for row in rows]

    @abc.abstractmethod
    def _fetch(self, conn: Any, spec: LayerSpec, scope: Scope, want: list[str], *,
               where: Mapping[str, Any] | None, bbox: BBox | None, limit: int | None,
               for_update: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The raw rows of ``want`` (checked columns) in ``scope``, in insertion order.

        Returns:
            The column names (``geom`` last, as WKB, when ``geometry`` is wanted) and the
            rows as the driver gives them.
        """

    @abc.abstractmethod
    def count(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None) -> int: ...

    @abc.abstractmethod
    def intersecting(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                     predicate: str = "intersects") -> Frame:
        """Rows whose geometry satisfies ``predicate`` ('intersects', 'within',
        'contains') against ``geom``. PostGIS evaluates it in SQL; SQLite narrows with
        its R*Tree index and tests exactly with shapely."""

    def get_meta(self, county_code: str, key: str) -> str | None:
        """A county setting (``plan_version``, ``as_of``) as committed."""
        return self._get_meta(None, county_code, key)

    def _get_meta(self, conn: Any, county_code: str, key: str) -> str | None:
        p = self._placeholder
        rows = self._query(conn, f"SELECT value FROM meta WHERE county_code = {p} AND key = {p}",
                           [county_code[:6], key])
        return rows[0][0] if rows else None

    def counties(self) -> list[str]:
        """County codes that have any unit stored."""
        return [r[0] for r in self._query(None, "SELECT DISTINCT county_code FROM units ORDER BY county_code", [])]

    # -- what a backend provides for the plain SQL reads above and below ----------------

    _placeholder: str  # the driver's parameter marker ("?" or "%s")

    @abc.abstractmethod
    def _query(self, conn: Any, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one plain SELECT on ``conn`` (or any connection when None); all rows."""

    @abc.abstractmethod
    def _prefix_sql(self, column: str, prefix: str) -> tuple[str, list[Any]]:
        """A condition "``column`` starts with ``prefix``" that the column's index serves."""

    def _time_param(self, value: dt.datetime) -> Any:
        """A time as a query parameter (SQLite compares ISO text; PostgreSQL takes a datetime)."""
        return value

    def audit_log(self, scope: Scope, *, limit: int = 200, filters: AuditFilter | None = None) -> pd.DataFrame:
        """The newest audit rows written inside ``scope`` (newest first).

        A row belongs to the scope its transaction ran in: a town's admin sees what was
        done in the town and below, not what the county office did. Rows from before
        schema version 2 carry no scope and are shown to whole-county callers only.

        Args:
            scope: The caller's jurisdiction.
            limit: At most this many rows.
            filters: Optional actor / action / layer / time-range filter.
        """
        return self._read_audit(scope, int(limit), filters or AuditFilter())

    def _read_audit(self, scope: Scope, limit: int, filters: AuditFilter) -> pd.DataFrame:
        p = self._placeholder
        clauses, params = [f"county_code = {p}"], [scope.county_code[:6]]
        if not scope.whole_county:
            prefix_sql, prefix_params = self._prefix_sql("scope", scope.prefix)
            clauses.append(prefix_sql)
            params += prefix_params
        for column in ("actor", "action", "layer"):
            value = getattr(filters, column)
            if value:
                clauses.append(f"{column} = {p}")
                params.append(value)
        if filters.since is not None:
            clauses.append(f"at >= {p}")
            params.append(self._time_param(filters.since))
        if filters.until is not None:
            clauses.append(f"at < {p}")
            params.append(self._time_param(filters.until))
        rows = self._query(None, f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log WHERE {' AND '.join(clauses)} "
                                 f"ORDER BY seq DESC LIMIT {p}", [*params, limit])
        df = pd.DataFrame.from_records(rows, columns=list(AUDIT_COLUMNS))
        df["at"] = pd.to_datetime(df["at"], format="ISO8601")  # stored text may lack the fraction
        for column in ("before", "after"):  # jsonb comes back decoded; keep the text form of SQLite
            df[column] = [v if v is None or isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                          for v in df[column]]
        return df

    def account(self, username: str) -> dict[str, Any] | None:
        """The ``users`` row named ``username`` in any county, or None.

        Only sign-in uses this: it must find a user before it knows their county.
        Everything else reads users through a scope like any other layer.
        """
        found = [self.read("users", Scope.county(c), where={"id": str(username)})
                 for c in self._account_counties(str(username))]
        rows = [f.iloc[0].to_dict() for f in found if not f.empty]
        if len(rows) > 1:
            raise StoreError(f"user name {username!r} exists in {len(rows)} counties; sign-in needs it unique")
        return rows[0] if rows else None

    def _account_counties(self, username: str) -> list[str]:
        """The counties that have a ``users`` row named ``username``."""
        return [r[0] for r in self._query(
            None, f"SELECT DISTINCT county_code FROM users WHERE id = {self._placeholder}", [username])]

    def has_accounts(self) -> bool:
        """Whether any user account exists (the sign-in page explains how to create one)."""
        return bool(self._query(None, "SELECT 1 FROM users LIMIT 1", []))

    # -- convenience: single-statement writes --------------------------------------

    def insert(self, layer_name: str, frame: Frame, *, actor: str, scope: Scope) -> int:
        with self.transaction(actor, scope) as tx:
            return tx.insert(layer_name, frame)

    def update(self, layer_name: str, row_id: str, changes: Mapping[str, Any], *, actor: str,
               scope: Scope) -> dict[str, Any]:
        with self.transaction(actor, scope) as tx:
            return tx.update(layer_name, row_id, changes)

    def current_plan(self, county_code: str) -> int:
        value = self.get_meta(county_code[:6], "plan_version")
        return int(value) if value else 1

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- helpers


PREDICATES: tuple[str, ...] = ("intersects", "within", "contains")


def check_filter(spec: LayerSpec, where: Mapping[str, Any] | None, bbox: BBox | None) -> None:
    """Refuse a filter on a column the layer does not have, or an area filter without geometry."""
    for name in where or {}:
        if name not in spec.columns:
            raise StoreError(f"{spec.name}: unknown column {name!r} in filter")
    if bbox is not None and spec.geom is None:
        raise StoreError(f"{spec.name} has no geometry to filter by area")


def check_spatial_query(layer_name: str, geom: Any, predicate: str) -> LayerSpec:
    """The layer of an :meth:`Store.intersecting` query, once predicate, layer and geometry are checked."""
    if predicate not in PREDICATES:
        raise StoreError(f"unknown spatial predicate {predicate!r}; use one of {', '.join(PREDICATES)}")
    spec = layer(layer_name)
    if spec.geom is None:
        raise StoreError(f"{spec.name} has no geometry to test against")
    if not isinstance(geom, shapely.Geometry) or geom.is_empty:
        raise StoreError("the query geometry is empty or not a geometry")
    return spec


def _wanted(layer_name: str, columns: Sequence[str] | None) -> tuple[LayerSpec, list[str]]:
    """The layer and the columns a read asks for (default all), refused if unknown."""
    spec = layer(layer_name)
    want = list(columns) if columns else [*spec.columns, *(["geometry"] if spec.geom else [])]
    unknown = [c for c in want if c not in spec.columns and c != "geometry"]
    if unknown:
        raise StoreError(f"{spec.name}: unknown column(s) {', '.join(map(str, unknown))}")
    if "geometry" in want and spec.geom is None:
        raise StoreError(f"{spec.name} has no geometry")
    return spec, want


def _audit_json(layer_name: str, value: Any) -> str | None:
    """``value`` as audit JSON, with secret columns (password hashes) masked."""
    if value is None:
        return None
    try:
        return json.dumps(_mask_secrets(jsonable(value), SECRET_COLUMNS.get(layer_name, ())), ensure_ascii=False,
                          default=str)
    except (RecursionError, ValueError) as exc:
        raise StoreError(f"audit payload cannot be written as JSON: {exc}") from None


def _mask_secrets(value: Any, secret: tuple[str, ...]) -> Any:
    if not secret:
        return value
    if isinstance(value, dict):
        return {k: ("***" if k in secret and v is not None else _mask_secrets(v, secret)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_secrets(v, secret) for v in value]
    return value


# The codec's names that library code and tests import from here (gridmap.store.codec is their home).
__all__ = [
    "AUDIT_ACTIONS",
    "AUDIT_COLUMNS",
    "AUDIT_PAYLOAD_LIMIT",
    "CRS",
    "FEW_ROWS",
    "PLAN_ACTIONS",
    "PREDICATES",
    "SCHEMA_VERSION",
    "SECRET_COLUMNS",
    "WRITE_ACTIONS",
    "AuditFilter",
    "BBox",
    "Frame",
    "NotFound",
    "SchemaTooNew",
    "ScopeError",
    "Store",
    "StoreError",
    "Transaction",
    "empty_frame",
    "jsonable",
    "new_id",
    "now",
    "prepare_records",
    "prepare_rows",
    "scope_column",
]
