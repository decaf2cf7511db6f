"""The embedded store: one SQLite file, WAL, zero set-up.

- Writes run under ``BEGIN IMMEDIATE`` with a busy timeout, so concurrent writers
  queue instead of failing (FINDINGS.md: plain ``BEGIN`` lost most transactions).
- Before ``BEGIN IMMEDIATE`` a writer takes an exclusive ``flock`` on ``FILE-writer``
  beside the database (:class:`_WriterLock`), so gridmap's writers, in any process or
  thread, wait in the kernel and are woken the moment the lock is free. SQLite's own
  busy handler sleeps up to 100 ms between tries, and under 20 writers that queue was
  unfair: p95 2.1 s, max 20-31 s, a few "database is locked" (issue 8, defect 14).
- Geometry is WKB in a BLOB column with its bounding box beside it (no SpatiaLite).
  Polygon layers are indexed by an R*Tree virtual table kept in step by triggers;
  point layers by a covering B-tree on (county, x, y), which loads 3-6x faster.
- Each thread gets its own connection (Streamlit runs sessions in threads).
- ``audit_log`` is append-only: triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import shapely

from gridmap.domain import LayerSpec, Scope, layer
from gridmap.store.base import (
    SCHEMA_VERSION,
    Store,
    Transaction,
    check_filter,
    check_spatial_query,
)
from gridmap.store.codec import (
    BBox,
    Frame,
    column_type,
    encode_column,
    now,
    scope_column,
)
from gridmap.store.errors import SchemaTooNew, ScopeError, StoreError
from gridmap.store.sqlite_schema import MIGRATIONS, verify_schema


def _upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _scope_sql(spec: LayerSpec, scope: Scope, alias: str = "") -> tuple[str, list[Any]]:
    sql = f"{alias}county_code = ?"
    params: list[Any] = [scope.county_code[:6]]
    col = scope_column(spec)
    if not scope.whole_county:
        if col is None:  # a county-wide table: nothing of it is inside a smaller jurisdiction
            return sql + " AND 0 = 1", params
        sql += f" AND {alias}{col} >= ? AND {alias}{col} < ?"
        params += [scope.prefix, _upper_bound(scope.prefix)]
    return sql, params


def _where_sql(spec: LayerSpec, where: Mapping[str, Any]) -> tuple[str, list[Any]]:
    check_filter(spec, where, None)
    parts: list[str] = []
    params: list[Any] = []
    for name, value in where.items():
        ftype = column_type(spec, name)
        if isinstance(value, list | tuple | set | frozenset | np.ndarray | pd.Series):
            values = [_to_sql(ftype, v) for v in value]
            if not values:
                parts.append("0")
                continue
            parts.append(f"{name} IN ({','.join('?' * len(values))})")
            params += values
        elif value is None:
            parts.append(f"{name} IS NULL")
        else:
            parts.append(f"{name} = ?")
            params.append(_to_sql(ftype, value))
    return " AND ".join(parts), params


def _to_sql(ftype: str, value: Any) -> Any:
    if value is None:
        return None
    if ftype == "bool" or isinstance(value, bool | np.bool_):
        return int(bool(value))
    if ftype in ("datetime", "date"):
        if isinstance(value, dt.date) and not isinstance(value, pd.Timestamp):
            return _value_to_sql(value.date() if ftype == "date" and isinstance(value, dt.datetime) else value)
        return _time_text(ftype, pd.Series([value], dtype=object))[0]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _value_to_sql(value: Any) -> Any:
    """One encoded value (:func:`gridmap.store.codec.encode_value`) for sqlite3: times as sortable text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _time_text(ftype: str, col: pd.Series) -> list[str | None]:
    """ISO text that sorts like the time: 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD' (vectorised)."""
    ts = pd.to_datetime(col.astype(object).where(col.notna(), None)).dt.floor("s")
    unit: Literal["s", "D"] = "s" if ftype == "datetime" else "D"
    text = np.char.replace(np.datetime_as_string(ts.to_numpy(dtype="datetime64[s]"), unit=unit), "T", " ")
    out = text.astype(object)
    out[ts.isna().to_numpy()] = None
    return list(out)


def _column_to_sql(ftype: str, col: pd.Series) -> list[Any]:
    """Encode a prepared column (Python objects, None for missing) for sqlite3."""
    if ftype in ("datetime", "date"):
        return _time_text(ftype, col)
    if ftype == "bool":
        return [None if v is None else int(v) for v in col]
    return col.tolist()


class _WriterLock:
    """An exclusive ``flock`` on a file beside the database, one open file per connection.

    Each connection (one per thread) opens the file itself, so threads of one process
    exclude each other as processes do. A free lock is taken at once; a held one is
    waited for in the kernel (woken on release, no polling) by a helper thread, so the
    wait can end with a StoreError after ``timeout_s`` like SQLite's busy timeout.
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, timeout_s: float) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        got, state = threading.Event(), {"abandoned": False}
        guard = threading.Lock()

        def wait() -> None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            with guard:
                if state["abandoned"]:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                else:
                    got.set()

        threading.Thread(target=wait, name="gridmap-sqlite-writer-lock", daemon=True).start()
        if got.wait(timeout_s):
            return
        with guard:
            if got.is_set():
                return
            state["abandoned"] = True
        raise StoreError(f"the store is busy: another writer held it for more than {timeout_s:.0f} s; "
                         "nothing was written, try again")

    def release(self) -> None:
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        os.close(self._fd)


class SqliteTransaction(Transaction):
    """Writes on one connection inside one `BEGIN IMMEDIATE` transaction."""

    def _insert_rows(self, spec: LayerSpec, rows: pd.DataFrame) -> None:
        cols = list(spec.columns)
        data: list[list[Any]] = [rows["id"].tolist(), rows["county_code"].astype(str).tolist()]
        for name in cols[2:]:
            f = spec.field(name)
            data.append(_column_to_sql(f.type if f else ("bool" if name == "outside" else "text"), rows[name]))
        if spec.geom:
            geoms = rows["geometry"].to_numpy()
            bounds = shapely.bounds(geoms)
            data.append(list(shapely.to_wkb(geoms)))
            for k in range(4):
                data.append(bounds[:, k].tolist())
            cols = [*cols, "geom", "minx", "miny", "maxx", "maxy"]
        sql = f"INSERT INTO {spec.name} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
        try:
            self._connection.executemany(sql, zip(*data, strict=True))
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{spec.name}: {exc} (an id already exists?)") from exc

    def _insert_records(self, spec: LayerSpec, records: list[dict[str, Any]]) -> None:
        cols = list(spec.columns)
        rows: list[list[Any]] = []
        for record in records:
            values = [_value_to_sql(record[c]) for c in cols]
            if spec.geom:
                geom = record["geometry"]
                values += [shapely.to_wkb(geom), *shapely.bounds(geom).tolist()]
            rows.append(values)
        if spec.geom:
            cols = [*cols, "geom", "minx", "miny", "maxx", "maxy"]
        sql = f"INSERT INTO {spec.name} ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})"
        try:
            self._connection.executemany(sql, rows)
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{spec.name}: {exc} (an id already exists?)") from exc

    def _update_row(self, spec: LayerSpec, row_id: str, values: dict[str, Any]) -> None:
        if not values:
            return
        sets, params = self._set_clause(spec, values)
        self._connection.execute(
            f"UPDATE {spec.name} SET {sets} WHERE county_code = ? AND id = ?",
            [*params, self.scope.county_code[:6], row_id],
        )

    def _update_rows(self, spec: LayerSpec, data: pd.DataFrame, columns: list[str]) -> int:
        encoded = []
        for c in columns:
            f = spec.field(c)
            values = encode_column(f.type, data[c]) if f else data[c].astype(object).where(data[c].notna(), None)
            encoded.append(_column_to_sql(column_type(spec, c), values))
        county = self.scope.county_code[:6]
        sets = ", ".join(f"{c} = ?" for c in columns)
        rows = [(*vals, county, rid) for *vals, rid in zip(*encoded, data["id"].tolist(), strict=True)]
        scope_sql, scope_params = _scope_sql(spec, self.scope)
        ids_json = pd.Series(data["id"]).to_json(orient="values")
        before = self._count_outside(spec, ids_json, scope_sql, scope_params)
        cur = self._connection.executemany(
            f"UPDATE {spec.name} SET {sets} WHERE {scope_sql} AND id = ?",
            [(*vals, *scope_params, rid) for *vals, _county, rid in rows],
        )
        after = self._count_outside(spec, ids_json, scope_sql, scope_params)
        if before or after:
            raise ScopeError(f"{spec.name}: {max(before, after)} of the rows are outside your jurisdiction "
                             f"{self.scope.unit_code}; nothing was changed")
        return cur.rowcount

    def _count_outside(self, spec: LayerSpec, ids_json: str, scope_sql: str, scope_params: list[Any]) -> int:
        if self.scope.whole_county:
            return 0
        return int(self._connection.execute(
            f"SELECT COUNT(*) FROM {spec.name} WHERE county_code = ? AND id IN "
            f"(SELECT value FROM json_each(?)) AND NOT coalesce(({scope_sql}), 0)",
            [self.scope.county_code, ids_json, *scope_params],
        ).fetchone()[0])

    def _set_clause(self, spec: LayerSpec, values: dict[str, Any]) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for name, value in values.items():
            if name == "geometry":
                geom = value
                parts += ["geom = ?", "minx = ?", "miny = ?", "maxx = ?", "maxy = ?"]
                params += [shapely.to_wkb(geom), *shapely.bounds(geom).tolist()]
                continue
            f = spec.field(name)
            parts.append(f"{name} = ?")
            params.append(_to_sql(f.type if f else "text", value))
        return ", ".join(parts), params

    def _delete_where(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any]) -> int:
        sql, params = _scope_sql(spec, scope)
        if where:
            wsql, wparams = _where_sql(spec, where)
            sql, params = f"{sql} AND {wsql}", params + wparams
        return self._connection.execute(f"DELETE FROM {spec.name} WHERE {sql}", params).rowcount

    def _delete_ids(self, spec: LayerSpec, ids: list[str]) -> int:
        sql, params = _scope_sql(spec, self.scope)
        return self._connection.executemany(
            f"DELETE FROM {spec.name} WHERE {sql} AND id = ?", [(*params, i) for i in ids]
        ).rowcount

    def _append_audit(self, record: dict[str, Any]) -> None:
        # Always with the fraction: isoformat() drops it when it is zero, and a column of
        # mixed formats broke the audit page's time parsing (1 row in a million).
        record = {**record, "at": record["at"].isoformat(sep=" ", timespec="microseconds")}
        cols = list(record)
        self._connection.execute(
            f"INSERT INTO audit_log ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
            list(record.values()),
        )

    def _lock(self, key: str) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already holds the database's one write lock."""

    def _set_meta(self, county_code: str, key: str, value: str) -> None:
        self._connection.execute(
            "INSERT INTO meta (county_code, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (county_code, key) DO UPDATE SET value = excluded.value",
            [county_code[:6], key, value],
        )


class SqliteStore(Store):
    """One SQLite file holds a county. See the module docstring."""

    backend = "sqlite"

    def __init__(self, url: str, *, busy_timeout_ms: int = 30_000) -> None:
        self.url = url
        path = url.removeprefix("sqlite:///")
        if not path:
            raise StoreError("SQLite URL has no file path: use sqlite:///path/to/gridmap.db")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Households and reports are personal data: the file (and the -wal/-shm files
            # SQLite creates with the same mode) is readable by its owner only.
            self.path.touch(mode=0o600)
        self._busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._writers: list[_WriterLock] = []
        self._lock = threading.Lock()

    # -- connections ----------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                       timeout=self._busy_timeout_ms / 1000)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open the SQLite store {self.path}: {exc}") from exc
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -131072")  # 128 MiB page cache: bulk loads touch many index pages
            self._local.conn = conn
            self._local.writer = _WriterLock(self.path.with_name(self.path.name + "-writer"))
            with self._lock:
                self._all.append(conn)
                self._writers.append(self._local.writer)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
            for lock in self._writers:
                lock.close()
            self._writers.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self, actor: str, scope: Scope) -> Iterator[SqliteTransaction]:
        conn = self._connect()
        if conn.in_transaction:
            raise StoreError("a transaction is already open on this thread")
        with self._write_lock():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self, conn, actor, scope)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """This thread's turn to write (:class:`_WriterLock`), for as long as the block runs."""
        self._connect()
        writer: _WriterLock = self._local.writer
        writer.acquire(self._busy_timeout_ms / 1000)
        try:
            yield
        finally:
            writer.release()

    # -- schema ---------------------------------------------------------------------

    def migrate(self, target: int | None = None) -> int:
        target = SCHEMA_VERSION if target is None else int(target)
        conn = self._connect()
        with self._write_lock():
            return self._migrate(conn, target)

    def _migrate(self, conn: sqlite3.Connection, target: int) -> int:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                         "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")
            current = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise SchemaTooNew(f"the store {self.path}", current, SCHEMA_VERSION)
            for version in range(current + 1, target + 1):
                for number, statement in enumerate(MIGRATIONS[version], 1):
                    try:
                        conn.execute(statement)
                    except sqlite3.Error as exc:
                        raise StoreError(f"migration {version} of {self.path} failed at statement {number} "
                                         f"({statement.split('(')[0].strip()[:60]}): {exc}; nothing was "
                                         "changed") from exc
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?)",
                             [version, now().isoformat(sep=" ")])
            if target == SCHEMA_VERSION:
                verify_schema(conn, self.path)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return max(current, target)

    # -- reads ----------------------------------------------------------------------

    def _fetch(self, conn: Any, spec: LayerSpec, scope: Scope, want: list[str], *,
               where: Mapping[str, Any] | None, bbox: BBox | None, limit: int | None,
               for_update: bool) -> tuple[list[str], list[tuple[Any, ...]]]:
        # for_update needs nothing: a transaction holds SQLite's write lock from BEGIN IMMEDIATE.
        names = [c for c in want if c != "geometry"] + (["geom"] if "geometry" in want else [])
        sql, params = self._filter_sql(spec, scope, where, bbox)
        # Rows come back in insertion order. With a filter, "+t.rowid" keeps SQLite from
        # walking the county index just to avoid a sort: the filter's own index is used
        # (the open issues of a county: 46 ms -> 0.4 ms among 125,000; benchmarks/bench_queue.py).
        order = "+t.rowid" if where else "t.rowid"
        query = f"SELECT {', '.join(names)} FROM {spec.name} t WHERE {sql} ORDER BY {order}"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        return names, (conn or self._connect()).execute(query, params).fetchall()

    def _filter_sql(self, spec: LayerSpec, scope: Scope, where: Mapping[str, Any] | None,
                    bbox: BBox | None) -> tuple[str, list[Any]]:
        sql, params = _scope_sql(spec, scope, "t.")
        if where:
            wsql, wparams = _where_sql(spec, where)
            sql, params = f"{sql} AND {wsql}", params + wparams
        if bbox is not None:
            check_filter(spec, None, bbox)
            minx, miny, maxx, maxy = (float(v) for v in bbox)
            if spec.geom == "Point":
                sql += " AND t.minx BETWEEN ? AND ? AND t.miny BETWEEN ? AND ?"
                params += [minx, maxx, miny, maxy]
            else:
                # the R*Tree keeps float32 boxes: narrow with it, then test exactly
                sql += (f" AND t.rowid IN (SELECT id FROM {spec.name}_rtree "
                        "WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?)"
                        " AND t.maxx >= ? AND t.minx <= ? AND t.maxy >= ? AND t.miny <= ?")
                params += [minx, maxx, miny, maxy] * 2
        return sql, params

    def count(self, layer_name: str, scope: Scope, *, where: Mapping[str, Any] | None = None) -> int:
        spec = layer(layer_name)
        sql, params = self._filter_sql(spec, scope, where, None)
        return int(self._connect().execute(f"SELECT COUNT(*) FROM {spec.name} t WHERE {sql}",
                                           params).fetchone()[0])

    def intersecting(self, layer_name: str, scope: Scope, geom: shapely.Geometry,
                     predicate: str = "intersects") -> Frame:
        check_spatial_query(layer_name, geom, predicate)
        candidates = self.read(layer_name, scope, bbox=tuple(shapely.bounds(geom).tolist()))
        if candidates.empty:
            return candidates
        test = getattr(shapely, predicate)
        keep = test(candidates.geometry.to_numpy(), geom)
        return candidates[np.asarray(keep, dtype=bool)].reset_index(drop=True)

    # -- plain SQL for the shared reads (Store._read_audit, account, meta) ------------------

    _placeholder = "?"

    def _query(self, conn: Any, statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return (conn or self._connect()).execute(statement, list(params)).fetchall()

    def _prefix_sql(self, column: str, prefix: str) -> tuple[str, list[Any]]:
        return f"{column} >= ? AND {column} < ?", [prefix, _upper_bound(prefix)]

    def _time_param(self, value: dt.datetime) -> Any:
        return value.isoformat(sep=" ")
