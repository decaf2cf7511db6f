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
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import ASSIGN_COLUMNS, LayerSpec, Scope, layer

SCHEMA_VERSION = 4
CRS = "EPSG:4326"

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame


class StoreError(Exception):
    """A store operation was refused; the message says why, in words for a user."""


class SchemaTooNew(StoreError):
    """The store was migrated by a newer gridmap: its schema version is above :data:`SCHEMA_VERSION`."""

    def __init__(self, where: str, found: int, supported: int) -> None:
        super().__init__(f"{where} has schema version {found}, newer than this program ({supported}); "
                         "upgrade gridmap")
        self.found = found
        self.supported = supported


class ScopeError(StoreError):
    """A row or query reaches outside the caller's jurisdiction."""


class NotFound(StoreError):
    """No row with that key in the caller's scope."""


BBox: TypeAlias = tuple[float, float, float, float]

AUDIT_COLUMNS: tuple[str, ...] = ("id", "county_code", "at", "actor", "scope", "action", "layer", "target",
                                  "before", "after")
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

    def insert(self, layer_name: str, frame: Frame, *, note: str | None = None) -> int:
        """Insert rows; ids are generated where missing. Returns the row count."""
        spec = layer(layer_name)
        rows = prepare_rows(spec, frame, self.scope)
        if rows.empty:
            return 0
        self._insert_rows(spec, rows)
        self.audit("insert", spec.name, target=f"{len(rows)} rows", after={"count": len(rows), "note": note})
        return len(rows)

    def replace(self, layer_name: str, frame: Frame, *, where: Mapping[str, Any] | None = None,
                note: str | None = None) -> int:
        """Delete the layer's rows in scope (matching ``where``) and insert ``frame``."""
        spec = layer(layer_name)
        rows = prepare_rows(spec, frame, self.scope)
        removed = self._delete_where(spec, self.scope, where or {})
        if not rows.empty:
            self._insert_rows(spec, rows)
        self.audit("replace", spec.name, target=json.dumps(dict(where or {}), default=str),
                   before={"count": removed}, after={"count": len(rows), "note": note})
        return len(rows)

    def update(self, layer_name: str, row_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some columns of one row in scope; returns the row after the change."""
        spec = layer(layer_name)
        bad = [c for c in changes if (c not in spec.columns and c != "geometry") or c in ("id", "county_code")]
        if bad:
            raise StoreError(f"{spec.name}: cannot change column(s) {', '.join(bad)}")
        for name, value in changes.items():
            check_values(spec, name, pd.Series([value], dtype=object), [row_id])
        before = self._get(spec, row_id)
        after = {**before, **changes}
        check_row_scope(spec, after, self.scope)
        self._update_row(spec, row_id, encode_values(spec, dict(changes)))
        self.audit("update", spec.name, target=row_id, before=jsonable(before), after=jsonable(after))
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
        self.audit("update_many", spec.name, target=f"{n} rows", after={"columns": list(columns), "count": n})
        return n

    def delete(self, layer_name: str, ids: Iterable[str]) -> int:
        spec = layer(layer_name)
        ids = list(ids)
        before = [jsonable(self._get(spec, i)) for i in ids]
        n = self._delete_ids(spec, ids)
        self.audit("delete", spec.name, target=",".join(ids[:20]), before={"rows": before[:100]})
        return n

    def audit(self, action: str, layer_name: str, *, target: str = "", before: Any = None,
              after: Any = None) -> None:
        self._append_audit({
            "id": new_id(),
            "county_code": self.scope.county_code,
            "at": now(),
            "actor": self.actor,
            "scope": self.scope.prefix,
            "action": action,
            "layer": layer_name,
            "target": target,
            "before": _audit_json(layer_name, before),
            "after": _audit_json(layer_name, after),
        })

    def set_meta(self, key: str, value: str) -> None:
        """Set a county setting (``plan_version`` switches the current plan, ``as_of`` the
        data's time), audited like every other write."""
        before = self.get_meta(key)
        self._set_meta(self.scope.county_code, key, str(value))
        self.audit("set_meta", "meta", target=key, before={"value": before}, after={"value": str(value)})

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

    @abc.abstractmethod
    def _read(self, conn: Any, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None,
              bbox: BBox | None = None, columns: Sequence[str] | None = None, limit: int | None = None,
              for_update: bool = False) -> Frame:
        """:meth:`read` on ``conn`` (a transaction's connection), or on any when None."""

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

    @abc.abstractmethod
    def _get_meta(self, conn: Any, county_code: str, key: str) -> str | None: ...

    @abc.abstractmethod
    def counties(self) -> list[str]:
        """County codes that have any unit stored."""

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

    @abc.abstractmethod
    def _read_audit(self, scope: Scope, limit: int, filters: AuditFilter) -> pd.DataFrame: ...

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

    @abc.abstractmethod
    def _account_counties(self, username: str) -> list[str]:
        """The counties that have a ``users`` row named ``username``."""

    @abc.abstractmethod
    def has_accounts(self) -> bool:
        """Whether any user account exists (the sign-in page explains how to create one)."""

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


def _audit_json(layer_name: str, value: Any) -> str | None:
    """``value`` as audit JSON, with secret columns (password hashes) masked."""
    if value is None:
        return None
    return json.dumps(_mask_secrets(value, SECRET_COLUMNS.get(layer_name, ())), ensure_ascii=False, default=str)


def _mask_secrets(value: Any, secret: tuple[str, ...]) -> Any:
    if not secret:
        return value
    if isinstance(value, dict):
        return {k: ("***" if k in secret and v is not None else _mask_secrets(v, secret)) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_secrets(v, secret) for v in value]
    return value


def audit_scope_matches(row_scope: str | None, scope: Scope) -> bool:
    """Whether an audit row written in ``row_scope`` is visible to ``scope``."""
    if row_scope is None:
        return scope.whole_county
    return str(row_scope).startswith(scope.prefix)


def new_id() -> str:
    return uuid.uuid4().hex[:16]


def now() -> dt.datetime:
    """Beijing time, without zone: the product stores local time (UTC+8, no DST)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=8)


def scope_column(spec: LayerSpec) -> str | None:
    """The column whose code prefix decides whether a row is inside a scope."""
    if spec.name == "units":
        return "code"
    if spec.name == "users":
        return "unit_code"
    if spec.assigned:
        return "micro_code"
    if "micro_code" in spec.columns:
        return "micro_code"
    return None


def check_row_scope(spec: LayerSpec, row: Mapping[str, Any], scope: Scope) -> None:
    if str(row.get("county_code", ""))[:6] != scope.county_code[:6]:
        raise ScopeError(f"{spec.name}: row {row.get('id')!r} belongs to county "
                         f"{row.get('county_code')!r}, outside {scope.county_code}")
    col = scope_column(spec)
    if scope.whole_county:
        return
    if col is None:
        raise ScopeError(f"{spec.name}: a county-wide table; only a whole-county jurisdiction may write it")
    value = row.get(col)
    if not isinstance(value, str) or not value.startswith(scope.prefix):
        raise ScopeError(f"{spec.name}: row {row.get('id')!r} ({col}={value!r}) is outside "
                         f"your jurisdiction {scope.unit_code}")


def check_values(spec: LayerSpec, name: str, col: pd.Series, ids: Sequence[str]) -> None:
    """Refuse a missing required value or a value outside the field's choices."""
    f = spec.field(name)
    if f is None:
        return
    missing = col.isna().to_numpy()
    if f.required and missing.any():
        raise StoreError(f"{spec.name}: row {ids[int(np.flatnonzero(missing)[0])]!r} has no {f.name!r}")
    if f.choices is not None:
        wrong = ~missing & ~col.astype(str).isin(f.choices).to_numpy()
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise StoreError(f"{spec.name}: row {ids[i]!r} has {f.name}={col.iloc[i]!r}; "
                             f"expected one of {', '.join(f.choices)}")


def prepare_rows(spec: LayerSpec, frame: Frame, scope: Scope) -> pd.DataFrame:
    """Validate and encode a frame for insertion; raises StoreError naming the problem."""
    df = pd.DataFrame(frame).copy()
    if "county_code" not in df.columns:
        df["county_code"] = scope.county_code[:6]
    df["county_code"] = df["county_code"].astype(str).str[:6]
    if "id" not in df.columns:
        df["id"] = [new_id() for _ in range(len(df))]
    else:
        missing = df["id"].isna()
        if missing.any():
            df.loc[missing, "id"] = [new_id() for _ in range(int(missing.sum()))]
        df["id"] = df["id"].astype(str)
    if df["id"].duplicated().any():
        dup = df.loc[df["id"].duplicated(), "id"].iloc[0]
        raise StoreError(f"{spec.name}: id {dup!r} appears twice")
    if spec.assigned:
        absent = [c for c in ASSIGN_COLUMNS if c not in df.columns]
        if absent:
            raise StoreError(f"{spec.name}: rows are not assigned to units (missing {', '.join(absent)}); "
                             "run gridmap.spatial.assign first")
    for f in spec.fields:
        if f.name not in df.columns:
            if f.required:
                raise StoreError(f"{spec.name}: required column {f.name!r} is missing")
            df[f.name] = None
        elif f.required and df[f.name].isna().any():
            bad = df.loc[df[f.name].isna(), "id"].iloc[0]
            raise StoreError(f"{spec.name}: row {bad!r} has no {f.name!r}")
        if f.choices is not None:
            present = df[f.name].dropna()
            wrong = present[~present.astype(str).isin(f.choices)]
            if len(wrong):
                raise StoreError(f"{spec.name}: row {df.loc[wrong.index[0], 'id']!r} has {f.name}="
                                 f"{wrong.iloc[0]!r}; expected one of {', '.join(f.choices)}")
    if spec.geom is not None:
        if "geometry" not in df.columns:
            raise StoreError(f"{spec.name}: rows have no geometry")
        geoms = np.asarray(df["geometry"].values, dtype=object)
        if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None and not frame.crs.equals(CRS):
            raise StoreError(f"{spec.name}: geometry is in {frame.crs.to_string()}, the store takes {CRS}")
        df["geometry"] = coerce_geoms(spec, geoms, df["id"].to_numpy())
    wrong_county = df["county_code"].astype(str).str[:6] != scope.county_code[:6]
    if wrong_county.any():
        raise ScopeError(f"{spec.name}: row {df.loc[wrong_county, 'id'].iloc[0]!r} belongs to another county")
    col = scope_column(spec)
    if col is not None and not scope.whole_county:
        inside = df[col].astype("string").str.startswith(scope.prefix).fillna(False)
        if not inside.all():
            raise ScopeError(f"{spec.name}: row {df.loc[~inside, 'id'].iloc[0]!r} is outside your "
                             f"jurisdiction {scope.unit_code}")
    keep = spec.columns + (["geometry"] if spec.geom else [])
    df = df[keep]
    for f in spec.fields:
        df[f.name] = encode_column(f.type, df[f.name])
    if spec.assigned:
        df["outside"] = df["outside"].fillna(False).astype(bool)
    return df.reset_index(drop=True)


def coerce_geoms(spec: LayerSpec, geoms: np.ndarray, ids: np.ndarray) -> np.ndarray:
    if len(geoms) == 0:
        return geoms
    is_geom = np.array([isinstance(g, shapely.Geometry) for g in geoms])
    if not is_geom.all():
        raise StoreError(f"{spec.name}: row {ids[~is_geom][0]!r} has no geometry")
    types = shapely.get_type_id(geoms)
    if spec.geom == "Point":
        ok = types == 0
        want = "Point"
    else:
        polys = types == 3
        if polys.any():
            geoms = geoms.copy()
            geoms[polys] = np.array([shapely.MultiPolygon([g]) for g in geoms[polys]], dtype=object)
        ok = shapely.get_type_id(geoms) == 6
        want = "Polygon/MultiPolygon"
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise StoreError(f"{spec.name}: row {ids[i]!r} has a {shapely.get_type_id(geoms[i])} geometry "
                         f"({geoms[i].geom_type}); expected {want}")
    empty = shapely.is_empty(geoms)
    if empty.any():
        raise StoreError(f"{spec.name}: row {ids[np.flatnonzero(empty)[0]]!r} has an empty geometry")
    coords = shapely.get_coordinates(geoms)
    if not np.isfinite(coords).all():
        raise StoreError(f"{spec.name}: a geometry has NaN or infinite coordinates")
    if len(coords) and (np.abs(coords[:, 0]).max() > 180 or np.abs(coords[:, 1]).max() > 90):
        raise StoreError(f"{spec.name}: coordinates outside longitude/latitude range; the store takes {CRS}")
    return geoms


def _json_text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str):  # text is taken as JSON already encoded: it must parse
        try:
            json.loads(v)
        except ValueError:
            raise ValueError(f"{v[:40]!r} is not valid JSON text") from None
        return v
    return json.dumps(jsonable(v), ensure_ascii=False)


def _to_int(v: Any) -> int:
    if isinstance(v, float | np.floating) and not float(v).is_integer():
        raise ValueError(f"{v!r} is not a whole number")
    return int(v)


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool | np.bool_) or (isinstance(v, int | float | np.number) and v in (0, 1)):
        return bool(v)
    raise ValueError(f"{v!r} is not true/false")


_CONVERTERS: dict[str, Any] = {"int": _to_int, "float": float, "bool": _to_bool}


def _to_timestamps(col: pd.Series) -> pd.Series:
    """Naive Beijing-time timestamps, whole seconds, NaT for missing (vectorised)."""
    try:
        ts = pd.to_datetime(col.astype(object).where(col.notna(), None))
    except (ValueError, TypeError) as exc:
        raise StoreError(f"column {col.name!r}: not a date/time ({exc})") from None
    if ts.dt.tz is not None:
        ts = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return ts.dt.floor("s")


def encode_column(ftype: str, col: pd.Series) -> pd.Series:
    """To Python values a DB-API driver accepts (None for missing), as an object Series.

    Built from arrays/lists, not with ``Series.map``: ``map`` re-infers the dtype,
    which turned ints with a missing value into floats and NaN, and datetimes into
    Timestamp/NaT (SQLite then stored the text 'NaT'). Times keep whole seconds in
    both backends.
    """
    if ftype in ("datetime", "date"):
        ts = _to_timestamps(col)
        values = ts.to_numpy().astype("datetime64[us]").astype(object) if ftype == "datetime" \
            else ts.dt.date.to_numpy(dtype=object)
        out = np.where(ts.isna().to_numpy(), None, np.asarray(values, dtype=object))
        return pd.Series(out, index=col.index, dtype=object)
    try:
        if ftype == "json":
            out = [_json_text(v) for v in col.astype(object)]
        else:
            convert = _CONVERTERS.get(ftype, str)
            out = [None if v is None else convert(v) for v in col.astype(object).where(col.notna(), None)]
    except (TypeError, ValueError) as exc:
        raise StoreError(f"column {col.name!r}: {exc}") from None
    return pd.Series(out, index=col.index, dtype=object)


def encode_values(spec: LayerSpec, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in values.items():
        f = spec.field(name)
        if name == "geometry":
            if spec.geom is None:
                raise StoreError(f"{spec.name} has no geometry")
            out[name] = coerce_geoms(spec, np.array([value], dtype=object), np.array(["(update)"]))[0]
        elif f is None:
            out[name] = value
        else:
            out[name] = encode_column(f.type, pd.Series([value], dtype=object, name=name)).iloc[0]
    return out


def decode_frame(spec: LayerSpec, df: pd.DataFrame, geometry: np.ndarray | None) -> Frame:
    """Give both backends' results the same pandas types."""
    for f in spec.fields:
        if f.name not in df.columns:
            continue
        col = df[f.name]
        if f.type == "int":
            df[f.name] = pd.array(pd.to_numeric(col), dtype="Int64")
        elif f.type == "float":
            df[f.name] = pd.to_numeric(col).astype(float)
        elif f.type == "bool":
            df[f.name] = col.map(lambda v: None if v is None or v is pd.NA else bool(v)).astype("boolean")
        elif f.type == "datetime":
            df[f.name] = pd.to_datetime(col).astype("datetime64[ns]")
        elif f.type == "date":
            df[f.name] = pd.to_datetime(col).dt.date.where(col.notna(), None)
        elif f.type == "json":
            df[f.name] = col.map(lambda v: json.loads(v) if isinstance(v, str) else v)
        else:
            df[f.name] = col.astype(object)
    if "outside" in df.columns:
        df["outside"] = df["outside"].astype(bool)
    if geometry is None:
        return df
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, index=df.index, crs=CRS), crs=CRS)


def empty_frame(spec: LayerSpec, columns: Sequence[str] | None = None) -> Frame:
    cols = list(columns) if columns else spec.columns
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    geometry = np.array([], dtype=object) if spec.geom else None
    return decode_frame(spec, df, geometry)


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: numpy scalars, times, geometry (WKT), NA -> None."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=7)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
