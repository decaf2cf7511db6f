"""The server store: PostgreSQL + PostGIS, selected by a ``postgresql://`` URL.

- Geometry lives in ``geom geometry(MultiPolygon|Point, 4326)`` columns with a GiST
  index; bounding-box filters (``&&``, then an exact extent test: ``&&`` alone
  compares float4-rounded boxes) and spatial predicates (``ST_Intersects``,
  ``ST_Within``, ``ST_Contains``) run in SQL and use that index.
- Jurisdiction scope is a ``LIKE 'prefix%'`` on the scope column (``units.code``,
  ``micro_code``), backed by a ``text_pattern_ops`` index so it works in any collation.
- Bulk inserts and bulk updates stream rows with ``COPY``; geometry travels as hex EWKB
  (SRID 4326), which the ``geometry`` type parses directly.
- Every table carries ``county_code`` and its primary key starts with it. It is the
  shard key for a future Citus deployment (a province, ~100 counties, beyond one
  server): ``SELECT create_distributed_table('<table>', 'county_code')`` for each
  layer table, ``meta`` and ``audit_log``; every query here filters by county first.
- ``audit_log`` is append-only: a statement trigger raises on UPDATE, DELETE and
  TRUNCATE for everyone, and :meth:`PostgisStore.grant_app_role` gives the application
  role SELECT and INSERT only. Run migrations as the owner, the app as that role
  (its own login, or ``?options=-c%20role%3D<role>`` in the URL); ``migrate()`` runs
  no DDL when the schema is current, so the app role may call it at start-up.
- Connections come from a small thread-safe pool (Streamlit runs sessions in
  threads); a connection is only ever used by one thread at a time. Server-side
  prepared statements are off, so a transaction-mode pgbouncer can sit in between.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.copy import QueuedLibpqWriter
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader

from gridmap.domain import ASSIGN_COLUMNS, LAYERS, LayerSpec, Scope, layer
from gridmap.store.base import (
    SCHEMA_VERSION,
    BBox,
    Frame,
    ScopeError,
    Store,
    StoreError,
    Transaction,
    coerce_geoms,
    decode_frame,
    empty_frame,
    encode_column,
    encode_values,
    now,
    scope_column,
)

SRID = 4326
_PG_TYPES: dict[str, str] = {
    "text": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "date": "date",
    "datetime": "timestamp without time zone",
    "json": "jsonb",
}
_PREDICATES: dict[str, str] = {
    "intersects": "ST_Intersects",
    "within": "ST_Within",
    "contains": "ST_Contains",
}
# Column names the store adds itself; a LayerSpec must not use them for fields.
_RESERVED = ("seq", "geom")
# Refresh planner statistics after loading at least this many rows in one go, so the
# queries that follow in the same transaction (and right after) get sensible plans.
_ANALYZE_AFTER = 10_000
# Key of the advisory lock that serialises concurrent migrations.
_MIGRATION_LOCK = 0x67726964  # "grid"
# A pooled connection idle for longer than this is pinged before it is reused.
_PING_AFTER_S = 30.0
_AUDIT_COLUMNS = ("id", "county_code", "at", "actor", "action", "layer", "target", "before", "after")


# --------------------------------------------------------------------------- connections


def _conninfo(url: str) -> str:
    """A libpq connection URL from a gridmap store URL."""
    for prefix in ("postgresql+psycopg://", "postgres+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url.removeprefix(prefix)
    if url.startswith(("postgresql://", "postgres://")):
        return url
    raise StoreError(f"not a PostgreSQL URL: {_mask(url)!r}; use postgresql://user@host:port/database")


def _mask(url: str) -> str:
    """The URL without its password, for messages and ``repr``."""
    try:
        params = conninfo_to_dict(url.replace("+psycopg", ""))
    except psycopg.ProgrammingError:
        return "postgresql://<unparsable URL>"
    user = f"{params['user']}@" if params.get("user") else ""
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{params.get('host', '')}{port}/{params.get('dbname', '')}"


class _Pool:
    """A few idle connections kept for reuse; each is lent to one thread at a time."""

    def __init__(self, conninfo: str, display: str, max_idle: int = 4) -> None:
        self._conninfo = conninfo
        self._display = display
        self._max_idle = max_idle
        self._idle: list[tuple[psycopg.Connection, float]] = []
        self._lock = threading.Lock()
        self._closed = False

    def _connect(self) -> psycopg.Connection:
        options: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
        if "connect_timeout" not in conninfo_to_dict(self._conninfo):
            options["connect_timeout"] = 10
        try:
            conn = psycopg.connect(self._conninfo, application_name="gridmap", **options)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to PostgreSQL at {self._display}: {_first_line(exc)}") from exc
        # jsonb comes back as its text, exactly like the SQLite backend's TEXT column,
        # so base.decode_frame parses both the same way.
        conn.adapters.register_loader("jsonb", TextLoader)
        return conn

    def _take(self) -> psycopg.Connection:
        while True:
            with self._lock:
                if self._closed:
                    raise StoreError(f"the store {self._display} is closed")
                if not self._idle:
                    break
                conn, since = self._idle.pop()
            if _usable(conn, time.monotonic() - since):
                return conn
            conn.close()
        return self._connect()

    def _give_back(self, conn: psycopg.Connection) -> None:
        healthy = not conn.closed and not conn.broken and conn.info.transaction_status == TransactionStatus.IDLE
        with self._lock:
            if healthy and not self._closed and len(self._idle) < self._max_idle:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        conn = self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


def _usable(conn: psycopg.Connection, idle_s: float) -> bool:
    if conn.closed or conn.broken:
        return False
    if idle_s < _PING_AFTER_S:
        return True
    try:
        conn.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def _db_errors(what: str) -> Iterator[None]:
    """Turn constraint and data errors into a StoreError naming ``what``."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        raise StoreError(f"{what}: {_first_line(exc)} (an id already exists?)") from exc
    except (psycopg.IntegrityError, psycopg.DataError) as exc:
        raise StoreError(f"{what}: {_first_line(exc)}") from exc


# --------------------------------------------------------------------------- values


def _column_type(spec: LayerSpec, name: str) -> str:
    """The domain field type of any stored column, including id and assignment columns."""
    f = spec.field(name)
    if f is not None:
        return f.type
    return "bool" if name == "outside" else "text"


def _finish(ftype: str, values: pd.Series) -> list[Any]:
    """Python values psycopg dumps quickly and exactly, None for every kind of missing.

    Whatever dtype pandas gave the column (NaN in ints, Timestamp/NaT in datetimes,
    numpy scalars), the result is plain Python values. Conversions are vectorised:
    per-value Python checks cost seconds at county scale, and psycopg dumps a plain
    ``datetime`` several times faster than a pandas ``Timestamp``.
    """
    if ftype == "datetime":
        stamps = pd.to_datetime(values) if len(values) else values.astype("datetime64[ns]")
        return stamps.to_numpy(dtype="datetime64[us]").astype(object).tolist()
    if ftype == "int":
        return pd.array(values.astype(object), dtype="Int64").to_numpy(dtype=object, na_value=None).tolist()
    arr = values.to_numpy(dtype=object, copy=True)
    missing = pd.isna(arr)
    if ftype == "float":
        arr = pd.to_numeric(values).to_numpy(dtype=float).astype(object)
    elif ftype == "date":
        arr = np.array([v.date() if isinstance(v, dt.datetime) else v for v in arr], dtype=object)
    else:
        want = {"bool": ("boolean", bool), "text": ("string", str), "json": ("string", str)}.get(ftype)
        if want is not None and pd.api.types.infer_dtype(arr, skipna=True) not in (want[0], "empty"):
            arr = np.array([want[1](v) for v in arr], dtype=object)
    arr[missing] = None
    return arr.tolist()


def _param(spec: LayerSpec, name: str, value: Any) -> Any:
    """One value for a query parameter on column ``name``."""
    if spec.field(name) is not None:
        value = encode_values(spec, {name: value})[name]
    return _finish(_column_type(spec, name), pd.Series([value], dtype=object))[0]


def _copy_column(spec: LayerSpec, name: str, col: pd.Series, *, encoded: bool) -> list[Any]:
    """A column as Python values for COPY (None = NULL).

    Args:
        spec: The layer.
        name: The stored column.
        col: The values.
        encoded: True when ``col`` went through :func:`prepare_rows` (fields already
            encoded), False for a raw frame (as ``update_many`` passes it).
    """
    f = spec.field(name)
    if f is not None and not encoded:
        col = encode_column(f.type, col)
    values = _finish(_column_type(spec, name), col)
    if name == "county_code":
        return [None if v is None else v[:6] for v in values]
    return values


def _ewkb_hex(spec: LayerSpec, geoms: np.ndarray, ids: np.ndarray) -> list[str]:
    """Hex EWKB with SRID 4326, as the geometry type's text input accepts it."""
    geoms = coerce_geoms(spec, np.asarray(geoms, dtype=object), ids)
    return list(shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True))


def _copy_rows(cur: psycopg.Cursor, statement: sql.Composable, columns: list[list[Any]]) -> None:
    """Stream rows (given column-wise) through COPY.

    A writer thread sends while this thread formats, so the server's index work
    overlaps the Python side.
    """
    with cur.copy(statement, writer=QueuedLibpqWriter(cur)) as copy:
        for row in zip(*columns, strict=True):
            copy.write_row(row)


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _geom_param() -> sql.Composable:
    return sql.SQL("ST_GeomFromWKB(%s, {})").format(sql.Literal(SRID))


# --------------------------------------------------------------------------- query parts


def _scope_filter(spec: LayerSpec, scope: Scope, alias: str = "t") -> tuple[list[sql.Composable], list[Any]]:
    t = sql.Identifier(alias)
    parts: list[sql.Composable] = [sql.SQL("{}.county_code = %s").format(t)]
    params: list[Any] = [scope.county_code[:6]]
    col = scope_column(spec)
    if col is not None and not scope.whole_county:
        parts.append(sql.SQL("{}.{} LIKE %s").format(t, sql.Identifier(col)))
        params.append(_like_prefix(scope.prefix))
    return parts, params


def _where_filter(spec: LayerSpec, where: Mapping[str, Any]) -> tuple[list[sql.Composable], list[Any]]:
    parts: list[sql.Composable] = []
    params: list[Any] = []
    for name, value in where.items():
        if name not in spec.columns:
            raise StoreError(f"{spec.name}: unknown column {name!r} in filter")
        col = sql.SQL("t.{}").format(sql.Identifier(name))
        if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series | pd.Index):
            values = [_param(spec, name, v) for v in value]
            if not values:
                parts.append(sql.SQL("FALSE"))
                continue
            cast = sql.SQL(_PG_TYPES[_column_type(spec, name)])
            parts.append(sql.SQL("{} = ANY(%s::{}[])").format(col, cast))
            params.append(values)
        elif value is None:
            parts.append(sql.SQL("{} IS NULL").format(col))
        else:
            parts.append(sql.SQL("{} = %s").format(col))
            params.append(_param(spec, name, value))
    return parts, params


def _check_columns(spec: LayerSpec, want: Sequence[str]) -> None:
    unknown = [c for c in want if c not in spec.columns and c != "geometry"]
    if unknown:
        raise StoreError(f"{spec.name}: unknown column(s) {', '.join(map(str, unknown))}")
    if "geometry" in want and spec.geom is None:
        raise StoreError(f"{spec.name} has no geometry")


# --------------------------------------------------------------------------- transaction


class PostgisTransaction(Transaction):
    """Writes on one connection inside one PostgreSQL transaction."""

    def _insert_rows(self, spec: LayerSpec, rows: pd.DataFrame) -> None:
        names = list(spec.columns)
        data = [_copy_column(spec, name, rows[name], encoded=True) for name in names]
        targets = [sql.Identifier(n) for n in names]
        if spec.geom:
            data.append(_ewkb_hex(spec, rows["geometry"].to_numpy(), rows["id"].to_numpy()))
            targets.append(sql.Identifier("geom"))
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(spec.name), sql.SQL(", ").join(targets))
        # A savepoint keeps a refused load from poisoning the caller's transaction.
        with _db_errors(spec.name), self._connection.transaction(), self._connection.cursor() as cur:
            _copy_rows(cur, statement, data)
            if len(rows) >= _ANALYZE_AFTER:
                cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(spec.name)))

    def _update_row(self, spec: LayerSpec, row_id: str, values: dict[str, Any]) -> None:
        sets: list[sql.Composable] = []
        params: list[Any] = []
        for name, value in values.items():
            if name == "geometry":
                geom = coerce_geoms(spec, np.array([value], dtype=object), np.array([row_id]))[0]
                sets.append(sql.SQL("geom = {}").format(_geom_param()))
                params.append(shapely.to_wkb(geom))
            else:
                sets.append(sql.SQL("{} = %s").format(sql.Identifier(name)))
                params.append(_param(spec, name, value))
        if not sets:
            return
        where, where_params = _scope_filter(spec, self.scope)
        statement = sql.SQL("UPDATE {} AS t SET {} WHERE {} AND t.id = %s").format(
            sql.Identifier(spec.name), sql.SQL(", ").join(sets), sql.SQL(" AND ").join(where))
        with _db_errors(spec.name), self._connection.transaction():
            self._connection.execute(statement, [*params, *where_params, str(row_id)])

    def _update_rows(self, spec: LayerSpec, data: pd.DataFrame, columns: list[str]) -> int:
        bad = [c for c in columns if (c not in spec.columns and c != "geometry") or c in ("id", "county_code")]
        if bad:
            raise StoreError(f"{spec.name}: cannot change column(s) {', '.join(map(str, bad))}")
        if spec.geom is None and "geometry" in columns:
            raise StoreError(f"{spec.name} has no geometry")
        stored = ["geom" if c == "geometry" else c for c in columns]
        ids = data["id"].astype(str).to_numpy()
        values = [list(ids)]
        for c in columns:
            if c == "geometry":
                values.append(_ewkb_hex(spec, data[c].to_numpy(), ids))
            else:
                values.append(_copy_column(spec, c, data[c], encoded=False))
        table = sql.Identifier(spec.name)
        staging = sql.Identifier("gridmap_update")
        cols = sql.SQL(", ").join(sql.Identifier(c) for c in ["id", *stored])
        sets = sql.SQL(", ").join(sql.SQL("{} = s.{}").format(sql.Identifier(c), sql.Identifier(c)) for c in stored)
        where, params = _scope_filter(spec, self.scope)
        conn = self._connection
        with _db_errors(spec.name), conn.transaction(), conn.cursor() as cur:
            cur.execute(sql.SQL("CREATE TEMP TABLE {} ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA")
                        .format(staging, cols, table))
            _copy_rows(cur, sql.SQL("COPY {} ({}) FROM STDIN").format(staging, cols), values)
            cur.execute(sql.SQL("UPDATE {} AS t SET {} FROM {} AS s WHERE {} AND t.id = s.id").format(
                table, sets, staging, sql.SQL(" AND ").join(where)), params)
            changed = cur.rowcount
            if not self.scope.whole_county and scope_column(spec) is not None:
                self._refuse_rows_outside_scope(cur, spec, staging)
            cur.execute(sql.SQL("DROP TABLE {}").format(staging))
        return changed

    def _refuse_rows_outside_scope(self, cur: psycopg.Cursor, spec: LayerSpec, staging: sql.Identifier) -> None:
        """Raise if any listed row of the county lies outside the scope after the update.

        That covers rows the caller may not touch (left unchanged by the scoped
        UPDATE) and rows the update would move out of the caller's jurisdiction.
        """
        col = sql.Identifier(str(scope_column(spec)))
        cur.execute(
            sql.SQL("SELECT count(*) FROM {} AS t JOIN {} AS s ON t.id = s.id "
                    "WHERE t.county_code = %s AND NOT coalesce(t.{} LIKE %s, FALSE)").format(
                sql.Identifier(spec.name), staging, col),
            [self.scope.county_code[:6], _like_prefix(self.scope.prefix)],
        )
        outside = cur.fetchone()[0]
        if outside:
            raise ScopeError(f"{spec.name}: {outside} rows would be outside your jurisdiction "
                             f"{self.scope.unit_code}")

    def _delete_where(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any]) -> int:
        parts, params = _scope_filter(spec, scope)
        wparts, wparams = _where_filter(spec, where)
        statement = sql.SQL("DELETE FROM {} AS t WHERE {}").format(
            sql.Identifier(spec.name), sql.SQL(" AND ").join(parts + wparts))
        return self._connection.execute(statement, params + wparams).rowcount

    def _delete_ids(self, spec: LayerSpec, ids: list[str]) -> int:
        parts, params = _scope_filter(spec, self.scope)
        statement = sql.SQL("DELETE FROM {} AS t WHERE {} AND t.id = ANY(%s::text[])").format(
            sql.Identifier(spec.name), sql.SQL(" AND ").join(parts))
        return self._connection.execute(statement, [*params, [str(i) for i in ids]]).rowcount

    def _append_audit(self, record: dict[str, Any]) -> None:
        values = [record.get(c) for c in _AUDIT_COLUMNS]
        values[1] = str(values[1])[:6]
        self._connection.execute(
            "INSERT INTO audit_log (id, county_code, at, actor, action, layer, target, before, after) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)",
            values,
        )

    def _set_meta(self, county_code: str, key: str, value: str) -> None:
        self._connection.execute(
            "INSERT INTO meta (county_code, key, value) VALUES (%s, %s, %s) "
            "ON CONFLICT (county_code, key) DO UPDATE SET value = excluded.value",
            [county_code[:6], key, value],
        )


# --------------------------------------------------------------------------- store


class PostgisStore(Store):
    """PostgreSQL + PostGIS behind the store interface. See the module docstring.

    Args:
        url: ``postgresql://user[:password]@host:port/database`` (``postgres://`` and
            ``postgresql+psycopg://`` are accepted too).
        max_idle: Connections kept open for reuse between operations.
    """

    backend = "postgis"

    def __init__(self, url: str, *, max_idle: int = 4) -> None:
        self.url = url
        self._display = _mask(url)
        self._pool = _Pool(_conninfo(url), self._display, max_idle=max_idle)
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"PostgisStore({self._display!r})"

    def close(self) -> None:
        self._pool.close()

    @contextmanager
    def _connection(self, conn: psycopg.Connection | None = None) -> Iterator[psycopg.Connection]:
        if conn is not None:
            yield conn
            return
        with self._pool.connection() as pooled:
            yield pooled

    @contextmanager
    def transaction(self, actor: str, scope: Scope) -> Iterator[PostgisTransaction]:
        # A second transaction on the same thread would run on another connection and
        # could wait forever for rows the first one holds; refuse it, as SQLite does.
        if getattr(self._local, "in_transaction", False):
            raise StoreError("a transaction is already open on this thread")
        self._local.in_transaction = True
        try:
            with self._pool.connection() as conn:
                try:
                    with conn.transaction():
                        yield PostgisTransaction(self, conn, actor, scope)
                except psycopg.Error as exc:
                    raise StoreError(f"the database refused the change: {_first_line(exc)}") from exc
        finally:
            self._local.in_transaction = False

    # -- schema ---------------------------------------------------------------------

    def migrate(self) -> int:
        """Create PostGIS if missing and bring the schema to :data:`SCHEMA_VERSION`.

        Concurrent callers (several app processes starting at once) are serialised by an
        advisory lock; each version's DDL and its ``schema_migrations`` row commit together.
        """
        with self._pool.connection() as conn:
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", [_MIGRATION_LOCK])
                    current = _schema_version(conn)
                    if current > SCHEMA_VERSION:
                        raise StoreError(f"the database {self._display} has schema version {current}, newer "
                                         f"than this program ({SCHEMA_VERSION}); upgrade gridmap")
                    if current < SCHEMA_VERSION:  # DDL only when needed: the app role may not create
                        _require_postgis(conn)
                        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer "
                                     "PRIMARY KEY, applied_at timestamp without time zone NOT NULL)")
                    for version in range(current + 1, SCHEMA_VERSION + 1):
                        for statement in _MIGRATIONS[version]():
                            conn.execute(statement)
                        conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                                     [version, now()])
                    _verify_schema(conn)
            except psycopg.Error as exc:
                raise StoreError(f"cannot migrate {self._display}: {_first_line(exc)}") from exc
        return SCHEMA_VERSION

    def grant_app_role(self, role: str) -> None:
        """Give a database role what the app needs, and no more.

        Read and write on the layers and ``meta``; only SELECT and INSERT on
        ``audit_log``. Run as the schema owner after :meth:`migrate`; then run the app
        as ``role``. ``role`` is an operator-supplied name, always quoted as an identifier.

        Args:
            role: An existing PostgreSQL role.
        """
        r = sql.Identifier(role)
        writable = sql.SQL(", ").join(sql.Identifier(n) for n in [*LAYERS, "meta"])
        with self._pool.connection() as conn, conn.transaction():
            schema = conn.execute("SELECT current_schema()").fetchone()[0]
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), r))
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(writable, r))
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON audit_log TO {}").format(r))
            conn.execute(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {}").format(r))
            conn.execute(sql.SQL("GRANT SELECT ON schema_migrations TO {}").format(r))

    # -- reads ----------------------------------------------------------------------

    def read(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None,
             bbox: BBox | None = None, columns: Sequence[str] | None = None,
             limit: int | None = None, _conn: Any = None) -> Frame:
        spec = layer(layer_name)
        want = list(columns) if columns else [*spec.columns, *(["geometry"] if spec.geom else [])]
        _check_columns(spec, want)
        parts, params = self._filter(spec, scope, where, bbox)
        return self._select(spec, want, parts, params, limit, _conn)

    def count(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None) -> int:
        spec = layer(layer_name)
        parts, params = self._filter(spec, scope, where, None)
        statement = sql.SQL("SELECT count(*) FROM {} AS t WHERE {}").format(
            sql.Identifier(spec.name), sql.SQL(" AND ").join(parts))
        with self._connection() as conn:
            return int(conn.execute(statement, params).fetchone()[0])

    def intersecting(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                     predicate: str = "intersects") -> Frame:
        spec, parts, params = self._spatial_filter(layer_name, scope, geom, predicate)
        return self._select(spec, [*spec.columns, "geometry"], parts, params, None, None)

    def explain(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                predicate: str = "intersects") -> str:
        """The query plan PostgreSQL chooses for :meth:`intersecting` (for diagnostics).

        Returns:
            The ``EXPLAIN`` output, one plan line per text line.
        """
        spec, parts, params = self._spatial_filter(layer_name, scope, geom, predicate)
        statement = sql.SQL("EXPLAIN SELECT t.id FROM {} AS t WHERE {}").format(
            sql.Identifier(spec.name), sql.SQL(" AND ").join(parts))
        with self._connection() as conn:
            return "\n".join(r[0] for r in conn.execute(statement, params).fetchall())

    def get_meta(self, county_code: str, key: str) -> str | None:
        with self._connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE county_code = %s AND key = %s",
                               [county_code[:6], key]).fetchone()
        return row[0] if row else None

    def counties(self) -> list[str]:
        with self._connection() as conn:
            rows = conn.execute("SELECT DISTINCT county_code FROM units ORDER BY county_code").fetchall()
        return [r[0] for r in rows]

    def _read_audit(self, scope: Scope, limit: int) -> pd.DataFrame:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT id, county_code, at, actor, action, layer, target, before, after FROM audit_log "
                "WHERE county_code = %s ORDER BY seq DESC LIMIT %s", [scope.county_code[:6], int(limit)],
            ).fetchall()
        df = pd.DataFrame.from_records(rows, columns=list(_AUDIT_COLUMNS))
        df["at"] = pd.to_datetime(df["at"])
        return df

    # -- query building -------------------------------------------------------------

    def _filter(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any] | None,
                bbox: BBox | None) -> tuple[list[sql.Composable], list[Any]]:
        parts, params = _scope_filter(spec, scope)
        if where:
            wparts, wparams = _where_filter(spec, where)
            parts, params = parts + wparts, params + wparams
        if bbox is not None:
            if spec.geom is None:
                raise StoreError(f"{spec.name} has no geometry to filter by area")
            minx, miny, maxx, maxy = (float(v) for v in bbox)
            # && compares float4-rounded boxes (so does the GiST index): it finds the
            # candidates; the exact double-precision extent test then decides.
            parts.append(sql.SQL("t.geom && ST_MakeEnvelope(%s, %s, %s, %s, {}) AND ST_XMax(t.geom) >= %s "
                                 "AND ST_XMin(t.geom) <= %s AND ST_YMax(t.geom) >= %s AND ST_YMin(t.geom) <= %s")
                         .format(sql.Literal(SRID)))
            params += [minx, miny, maxx, maxy, minx, maxx, miny, maxy]
        return parts, params

    def _spatial_filter(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                        predicate: str) -> tuple[LayerSpec, list[sql.Composable], list[Any]]:
        if predicate not in _PREDICATES:
            raise StoreError(f"unknown spatial predicate {predicate!r}; use one of {', '.join(_PREDICATES)}")
        spec = layer(layer_name)
        if spec.geom is None:
            raise StoreError(f"{spec.name} has no geometry to test against")
        if not isinstance(geom, shapely.Geometry) or geom.is_empty:
            raise StoreError("the query geometry is empty or not a geometry")
        parts, params = _scope_filter(spec, scope)
        parts.append(sql.SQL("{}(t.geom, {})").format(sql.SQL(_PREDICATES[predicate]), _geom_param()))
        params.append(shapely.to_wkb(geom))
        return spec, parts, params

    def _select(self, spec: LayerSpec, want: list[str], parts: list[sql.Composable], params: list[Any],
                limit: int | None, conn: psycopg.Connection | None) -> Frame:
        attrs = [c for c in want if c != "geometry"]
        with_geom = spec.geom is not None and "geometry" in want
        select = [sql.SQL("t.{}").format(sql.Identifier(c)) for c in attrs]
        if with_geom:
            select.append(sql.SQL("ST_AsBinary(t.geom)"))
        statement = sql.SQL("SELECT {} FROM {} AS t WHERE {} ORDER BY t.seq").format(
            sql.SQL(", ").join(select or [sql.SQL("t.id")]), sql.Identifier(spec.name),
            sql.SQL(" AND ").join(parts))
        if limit is not None:
            statement = sql.SQL("{} LIMIT {}").format(statement, sql.Literal(int(limit)))
        with self._connection(conn) as c, c.cursor() as cur:
            cur.execute(statement, params)
            rows = cur.fetchall()
        if not rows:
            return empty_frame(spec, want)
        names = [*attrs, *(["geom"] if with_geom else [])] if select else ["id"]
        df = pd.DataFrame.from_records(rows, columns=names)
        geometry = shapely.from_wkb(df.pop("geom").to_numpy()) if with_geom else None
        return decode_frame(spec, df, geometry)


# --------------------------------------------------------------------------- schema


def _schema_version(conn: psycopg.Connection) -> int:
    """The newest applied migration, 0 for an empty database."""
    if conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])


def _require_postgis(conn: psycopg.Connection) -> None:
    """Make sure the postgis extension exists, creating it when allowed."""
    if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    db, user = conn.info.dbname, conn.info.user
    if not _postgis_available(conn):
        major = conn.info.server_version // 10000
        raise StoreError(f"PostGIS is not installed in database {db}: apt-get install "
                         f"postgresql-{major}-postgis-3 and CREATE EXTENSION postgis")
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.errors.InsufficientPrivilege as exc:
        raise StoreError(f"PostGIS is not installed in database {db}, and user {user} may not create it: "
                         f"ask a superuser to run CREATE EXTENSION postgis in {db}") from exc


def _postgis_available(conn: psycopg.Connection) -> bool:
    return conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'").fetchone() is not None


def _verify_schema(conn: psycopg.Connection) -> None:
    """Refuse to run when a table lacks a column of the domain schema (a missing migration)."""
    rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns "
                        "WHERE table_schema = current_schema()").fetchall()
    present = {(t, c) for t, c in rows}
    missing = [f"{spec.name}.{c}" for spec in LAYERS.values()
               for c in [*spec.columns, *(["geom"] if spec.geom else [])] if (spec.name, c) not in present]
    if missing:
        raise StoreError(f"the database schema lacks {', '.join(missing[:10])}: the domain changed "
                         f"without a migration; add one to gridmap/store/postgis.py and raise SCHEMA_VERSION")


def _is_code(name: str) -> bool:
    """Codes and ids compare byte-wise (collation "C").

    That is the order SQLite uses (BINARY), and memcmp makes the primary key and code
    indexes much cheaper to maintain than locale collation: COPY of 600k rows took
    2.3 s instead of 3.7 s on the test machine.
    """
    return name in ("id", "code") or name.endswith(("_code", "_id"))


def _layer_ddl(spec: LayerSpec) -> list[sql.Composable]:
    """CREATE TABLE and indexes for one layer, from its spec."""
    clash = [f.name for f in spec.fields if f.name in _RESERVED]
    if clash:
        raise StoreError(f"{spec.name}: field name(s) {', '.join(clash)} are reserved by the store")
    t = sql.Identifier(spec.name)
    cols: list[sql.Composable] = [
        # insertion order, like SQLite's rowid: reads return rows in this order
        sql.SQL("seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000)"),
        sql.SQL("id text COLLATE \"C\" NOT NULL"),
        sql.SQL("county_code text COLLATE \"C\" NOT NULL"),
    ]
    for f in spec.fields:
        cols.append(sql.SQL("{} {}{}{}").format(
            sql.Identifier(f.name), sql.SQL(_PG_TYPES[f.type]),
            sql.SQL(' COLLATE "C"' if f.type == "text" and _is_code(f.name) else ""),
            sql.SQL(" NOT NULL" if f.required else "")))
    if spec.assigned:
        cols += [sql.SQL('{} text COLLATE "C"').format(sql.Identifier(c)) for c in ASSIGN_COLUMNS if c != "outside"]
        cols.append(sql.SQL("outside boolean NOT NULL DEFAULT false"))
    if spec.geom:
        cols.append(sql.SQL("geom geometry({}, {}) NOT NULL").format(sql.SQL(spec.geom), sql.Literal(SRID)))
    # The primary key leads with county_code: it serves every county filter (so no
    # separate county index) and is what Citus requires of a table distributed by it.
    cols.append(sql.SQL("PRIMARY KEY (county_code, id)"))
    stmts: list[sql.Composable] = [
        sql.SQL("CREATE TABLE {} ({})").format(t, sql.SQL(", ").join(cols)),
        sql.SQL("COMMENT ON COLUMN {}.county_code IS {}").format(t, sql.Literal(
            "6-digit county code; shard key for Citus (create_distributed_table by county_code)")),
    ]
    scope_col = scope_column(spec)
    if scope_col is not None:
        # text_pattern_ops lets LIKE 'prefix%' use the index whatever the collation.
        stmts.append(sql.SQL("CREATE INDEX {} ON {} (county_code, {} text_pattern_ops)").format(
            sql.Identifier(f"{spec.name}_{scope_col}_prefix_idx"), t, sql.Identifier(scope_col)))
    for name in spec.extra_indexes:
        if name == scope_col:
            continue  # the prefix index above serves equality too
        stmts.append(sql.SQL("CREATE INDEX {} ON {} (county_code, {})").format(
            sql.Identifier(f"{spec.name}_{name}_idx"), t, sql.Identifier(name)))
    if spec.geom:
        stmts.append(sql.SQL("CREATE INDEX {} ON {} USING gist (geom)").format(
            sql.Identifier(f"{spec.name}_geom_gist"), t))
    return stmts


_AUDIT_DDL: tuple[str, ...] = (
    'CREATE TABLE meta (county_code text COLLATE "C" NOT NULL, key text NOT NULL, value text, '
    "PRIMARY KEY (county_code, key))",
    'CREATE TABLE audit_log (seq bigint GENERATED ALWAYS AS IDENTITY, id text COLLATE "C" NOT NULL, '
    'county_code text COLLATE "C" NOT NULL, at timestamp without time zone NOT NULL, actor text NOT NULL, '
    "action text NOT NULL, layer text, target text, before jsonb, after jsonb, "
    "PRIMARY KEY (county_code, seq), UNIQUE (county_code, id))",
    "COMMENT ON TABLE audit_log IS 'Append-only: who changed what, when, before and after. "
    "A trigger refuses UPDATE, DELETE and TRUNCATE.'",
    "CREATE OR REPLACE FUNCTION gridmap_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION gridmap_audit_log_append_only()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
)


def _migration_1() -> list[sql.Composable]:
    """The initial schema: one table per layer, meta, and the append-only audit log."""
    stmts: list[sql.Composable] = []
    for spec in LAYERS.values():
        stmts += _layer_ddl(spec)
    stmts += [sql.SQL(s) for s in _AUDIT_DDL]  # literal DDL, no user input
    return stmts


# Version -> statements. A later version appends ALTER statements here; version 1 is
# never edited once deployed (the schema check in migrate() catches a forgotten one).
_MIGRATIONS: dict[int, Callable[[], list[sql.Composable]]] = {1: _migration_1}

__all__ = ["PostgisStore", "PostgisTransaction"]
