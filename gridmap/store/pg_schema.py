"""The PostGIS schema: versioned migrations, one table per layer, append-only audit.

Every table carries ``county_code`` and its primary key starts with it: the shard
key for a future Citus deployment (see :mod:`gridmap.store.postgis`).
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
from psycopg import sql

from gridmap.domain import ASSIGN_COLUMNS, LAYERS, V1_LAYERS, LayerSpec
from gridmap.store.base import StoreError, scope_column

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
# Column names the store adds itself; a LayerSpec must not use them for fields.
_RESERVED = ("seq", "geom")
# Key of the advisory lock that serialises concurrent migrations.
MIGRATION_LOCK = 0x67726964  # "grid"


def schema_version(conn: psycopg.Connection) -> int:
    """The newest applied migration, 0 for an empty database."""
    if conn.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
        return 0
    return int(conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0])


def require_postgis(conn: psycopg.Connection) -> None:
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


def verify_schema(conn: psycopg.Connection) -> None:
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
    for spec in (LAYERS[name] for name in V1_LAYERS):
        stmts += _layer_ddl(spec)
    stmts += [sql.SQL(s) for s in _AUDIT_DDL]  # literal DDL, no user input
    return stmts


# Version -> statements. A later version appends ALTER statements here; version 1 is
# never edited once deployed (the schema check in migrate() catches a forgotten one).
def _migration_2() -> list[sql.Composable]:
    """Local user accounts, and the scope each audit row was written in."""
    return [
        *_layer_ddl(LAYERS["users"]),
        sql.SQL('ALTER TABLE audit_log ADD COLUMN scope text COLLATE "C"'),
        sql.SQL("CREATE INDEX audit_log_scope_idx ON audit_log (county_code, scope text_pattern_ops, seq)"),
    ]


MIGRATIONS: dict[int, Callable[[], list[sql.Composable]]] = {1: _migration_1, 2: _migration_2}
