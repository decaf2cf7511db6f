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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from gridmap.domain import LAYERS, LayerSpec, Scope, layer
from gridmap.store.base import (
    AUDIT_COLUMNS,
    SCHEMA_VERSION,
    Store,
    Transaction,
    check_filter,
    check_spatial_query,
)
from gridmap.store.codec import (
    BBox,
    Frame,
    coerce_geoms,
    column_type,
    encode_column,
    encode_values,
    now,
    scope_column,
)
from gridmap.store.errors import SchemaTooNew, ScopeError, StoreError
from gridmap.store.pg_pool import _conninfo, _db_errors, _first_line, _mask, _Pool
from gridmap.store.pg_schema import (
    _PG_TYPES,
    MIGRATION_LOCK,
    MIGRATIONS,
    SRID,
    require_postgis,
    schema_version,
    verify_schema,
)

_PREDICATES: dict[str, str] = {
    "intersects": "ST_Intersects",
    "within": "ST_Within",
    "contains": "ST_Contains",
}
# Refresh planner statistics after loading at least this many rows in one go, so the
# queries that follow in the same transaction (and right after) get sensible plans.
_ANALYZE_AFTER = 10_000


# --------------------------------------------------------------------------- values


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
    return _finish(column_type(spec, name), pd.Series([value], dtype=object))[0]


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
    values = _finish(column_type(spec, name), col)
    if name == "county_code":
        return [None if v is None else v[:6] for v in values]
    return values


def _ewkb_hex(spec: LayerSpec, geoms: np.ndarray, ids: np.ndarray) -> list[str]:
    """Hex EWKB with SRID 4326, as the geometry type's text input accepts it."""
    geoms = coerce_geoms(spec, np.asarray(geoms, dtype=object), ids)
    return list(shapely.to_wkb(shapely.set_srid(geoms, SRID), hex=True, include_srid=True))


def _copy_rows(cur: psycopg.Cursor, statement: sql.Composed, columns: list[list[Any]]) -> None:
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
    if not scope.whole_county:
        if col is None:  # a county-wide table: nothing of it is inside a smaller jurisdiction
            parts.append(sql.SQL("false"))
            return parts, params
        parts.append(sql.SQL("{}.{} LIKE %s").format(t, sql.Identifier(col)))
        params.append(_like_prefix(scope.prefix))
    return parts, params


def _where_filter(spec: LayerSpec, where: Mapping[str, Any]) -> tuple[list[sql.Composable], list[Any]]:
    check_filter(spec, where, None)
    parts: list[sql.Composable] = []
    params: list[Any] = []
    for name, value in where.items():
        col = sql.SQL("t.{}").format(sql.Identifier(name))
        if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series | pd.Index):
            values = [_param(spec, name, v) for v in value]
            if not values:
                parts.append(sql.SQL("FALSE"))
                continue
            cast = sql.SQL(_PG_TYPES[column_type(spec, name)])
            parts.append(sql.SQL("{} = ANY(%s::{}[])").format(col, cast))
            params.append(values)
        elif value is None:
            parts.append(sql.SQL("{} IS NULL").format(col))
        else:
            parts.append(sql.SQL("{} = %s").format(col))
            params.append(_param(spec, name, value))
    return parts, params


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

    def _insert_records(self, spec: LayerSpec, records: list[dict[str, Any]]) -> None:
        names = list(spec.columns)
        targets = [sql.Identifier(n) for n in names]
        casts: list[sql.Composable] = [sql.SQL("%s::{}").format(sql.SQL(_PG_TYPES[column_type(spec, n)])) for n in names]
        if spec.geom:
            targets.append(sql.Identifier("geom"))
            casts.append(_geom_param())
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            sql.Identifier(spec.name), sql.SQL(", ").join(targets), sql.SQL(", ").join(casts))
        rows = [[r[n] for n in names] + ([shapely.to_wkb(r["geometry"])] if spec.geom else []) for r in records]
        with _db_errors(spec.name), self._connection.transaction(), self._connection.cursor() as cur:
            if len(rows) == 1:
                cur.execute(statement, rows[0])
            else:
                cur.executemany(statement, rows)

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
        outside = (cur.fetchone() or (0,))[0]
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
        values = [record.get(c) for c in AUDIT_COLUMNS]
        values[1] = str(values[1])[:6]
        self._connection.execute(
            "INSERT INTO audit_log (id, county_code, at, actor, scope, action, layer, target, before, after) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)",
            values,
        )

    def _lock(self, key: str) -> None:
        self._connection.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])

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

    def migrate(self, target: int | None = None) -> int:
        """Create PostGIS if missing and bring the schema to :data:`SCHEMA_VERSION`.

        Concurrent callers (several app processes starting at once) are serialised by an
        advisory lock; each version's DDL and its ``schema_migrations`` row commit together.
        """
        target = SCHEMA_VERSION if target is None else int(target)
        with self._pool.connection() as conn:
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
                    current = schema_version(conn)
                    if current > SCHEMA_VERSION:
                        raise SchemaTooNew(f"the database {self._display}", current, SCHEMA_VERSION)
                    if current < SCHEMA_VERSION:  # DDL only when needed: the app role may not create
                        require_postgis(conn)
                        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer "
                                     "PRIMARY KEY, applied_at timestamp without time zone NOT NULL)")
                    for version in range(current + 1, target + 1):
                        for number, statement in enumerate(MIGRATIONS[version], 1):
                            try:
                                conn.execute(statement.encode())  # literal DDL, no parameters
                            except psycopg.Error as exc:
                                raise StoreError(
                                    f"migration {version} of {self._display} failed at statement {number} "
                                    f"({statement.split('(')[0].strip()[:60]}): {_first_line(exc)}; nothing "
                                    "was changed") from exc
                        conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (%s, %s)",
                                     [version, now()])
                    if target == SCHEMA_VERSION:
                        verify_schema(conn)
            except psycopg.Error as exc:
                raise StoreError(f"cannot migrate {self._display}: {_first_line(exc)}") from exc
        return max(current, target)

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
            schema = (conn.execute("SELECT current_schema()").fetchone() or ("public",))[0]
            conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), r))
            conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON {} TO {}").format(writable, r))
            conn.execute(sql.SQL("GRANT SELECT, INSERT ON audit_log TO {}").format(r))
            conn.execute(sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {}").format(r))
            conn.execute(sql.SQL("GRANT SELECT ON schema_migrations TO {}").format(r))

    # -- reads ----------------------------------------------------------------------

    def _fetch(self, conn: Any, spec: LayerSpec, scope: Scope, want: list[str], *,
               where: Mapping[str, Any] | None, bbox: BBox | None, limit: int | None,
               for_update: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
        parts, params = self._filter(spec, scope, where, bbox)
        return self._select(spec, want, parts, params, limit, conn, for_update=for_update)

    def count(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None) -> int:
        spec = layer(layer_name)
        parts, params = self._filter(spec, scope, where, None)
        statement = sql.SQL("SELECT count(*) FROM {} AS t WHERE {}").format(
            sql.Identifier(spec.name), sql.SQL(" AND ").join(parts))
        with self._connection() as conn:
            return int((conn.execute(statement, params).fetchone() or (0,))[0])

    def intersecting(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                     predicate: str = "intersects") -> Frame:
        spec, parts, params = self._spatial_filter(layer_name, scope, geom, predicate)
        want = [*spec.columns, "geometry"]
        names, rows = self._select(spec, want, parts, params, None, None, for_update=False)
        return self._frame(spec, want, names, rows)

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

    # -- plain SQL for the shared reads (Store._read_audit, account, meta) ------------------

    _placeholder = "%s"

    def _query(self, conn: Any, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        with self._connection(conn) as c:
            return c.execute(statement.encode(), list(params)).fetchall()

    def _prefix_sql(self, column: str, prefix: str) -> tuple[str, list[Any]]:
        return f"{column} LIKE %s", [_like_prefix(prefix)]

    # -- query building -------------------------------------------------------------

    def _filter(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any] | None,
                bbox: BBox | None) -> tuple[list[sql.Composable], list[Any]]:
        parts, params = _scope_filter(spec, scope)
        if where:
            wparts, wparams = _where_filter(spec, where)
            parts, params = parts + wparts, params + wparams
        if bbox is not None:
            check_filter(spec, None, bbox)
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
        spec = check_spatial_query(layer_name, geom, predicate)
        parts, params = _scope_filter(spec, scope)
        parts.append(sql.SQL("{}(t.geom, {})").format(sql.SQL(_PREDICATES[predicate]), _geom_param()))
        params.append(shapely.to_wkb(geom))
        return spec, parts, params

    def _select(self, spec: LayerSpec, want: list[str], parts: list[sql.Composable], params: list[Any],
                limit: int | None, conn: psycopg.Connection | None, *,
                for_update: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
        names = [c for c in want if c != "geometry"] + (["geom"] if "geometry" in want else [])
        select = [sql.SQL("ST_AsBinary(t.geom)") if c == "geom" else sql.SQL("t.{}").format(sql.Identifier(c))
                  for c in names]
        statement = sql.SQL("SELECT {} FROM {} AS t WHERE {} ORDER BY t.seq").format(
            sql.SQL(", ").join(select), sql.Identifier(spec.name), sql.SQL(" AND ").join(parts))
        if limit is not None:
            statement = sql.SQL("{} LIMIT {}").format(statement, sql.Literal(int(limit)))
        if for_update:
            statement = sql.SQL("{} FOR UPDATE OF t").format(statement)
        with self._connection(conn) as c, c.cursor() as cur:
            cur.execute(statement, params)
            return names, cur.fetchall()


__all__ = ["PostgisStore", "PostgisTransaction"]
