"""The PostGIS schema: frozen migrations, one table per layer, append-only audit.

Every table carries ``county_code`` and its primary key starts with it: the shard
key for a future Citus deployment (see :mod:`gridmap.store.postgis`).

Every migration is literal DDL, written once and never edited after release (see
:mod:`gridmap.store.sqlite_schema` for why). Codes and ids use collation "C": the
byte order SQLite uses, and much cheaper index upkeep than a locale collation (COPY of
600k rows took 2.3 s instead of 3.7 s). To change the schema, add the field to its
:class:`~gridmap.domain.LayerSpec` and a new version here and in
:mod:`gridmap.store.sqlite_schema`; :func:`verify_schema` refuses to run when the code
and the database disagree.
"""

from __future__ import annotations

import psycopg

from gridmap.domain import LAYERS
from gridmap.store.errors import StoreError

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
# Key of the advisory lock that serialises concurrent migrations.
MIGRATION_LOCK = 0x67726964  # "grid"


def schema_version(conn: psycopg.Connection) -> int:
    """The newest applied migration, 0 for an empty database."""
    if (conn.execute("SELECT to_regclass('schema_migrations')").fetchone() or (None,))[0] is None:
        return 0
    return int((conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone() or (0,))[0])


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
                         f"without a migration; add one to gridmap/store/pg_schema.py and raise SCHEMA_VERSION")


# Version 1: one table per layer, meta, and the append-only audit log.
_V1: tuple[str, ...] = (
    """CREATE TABLE "units" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "code" text COLLATE "C" NOT NULL,
        "level" text NOT NULL,
        "name" text NOT NULL,
        "parent_code" text COLLATE "C",
        "households" bigint,
        "residents" bigint,
        "floating" bigint,
        "risk_colour" text,
        "risk_set_at" timestamp without time zone,
        "staff" jsonb,
        "plan_version" bigint NOT NULL,
        "approximate" boolean,
        geom geometry(MultiPolygon, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "units".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "units_code_prefix_idx" ON "units" (county_code, "code" text_pattern_ops)""",
    """CREATE INDEX "units_parent_code_idx" ON "units" (county_code, "parent_code")""",
    """CREATE INDEX "units_level_idx" ON "units" (county_code, "level")""",
    """CREATE INDEX "units_geom_gist" ON "units" USING gist (geom)""",
    """CREATE TABLE "households" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "address" text NOT NULL,
        "residents" bigint,
        "floating" bigint,
        "rental" boolean,
        "rooms" bigint,
        "collected" boolean,
        "town_code" text COLLATE "C",
        "village_code" text COLLATE "C",
        "grid_code" text COLLATE "C",
        "micro_code" text COLLATE "C",
        outside boolean NOT NULL DEFAULT false,
        geom geometry(Point, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "households".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "households_micro_code_prefix_idx" ON "households" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "households_geom_gist" ON "households" USING gist (geom)""",
    """CREATE TABLE "stations" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "name" text NOT NULL,
        "station_type" text NOT NULL,
        "opened" date,
        "closes" date,
        "services" jsonb,
        "funding_yuan" bigint,
        "town_code" text COLLATE "C",
        "village_code" text COLLATE "C",
        "grid_code" text COLLATE "C",
        "micro_code" text COLLATE "C",
        outside boolean NOT NULL DEFAULT false,
        geom geometry(Point, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "stations".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "stations_micro_code_prefix_idx" ON "stations" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "stations_geom_gist" ON "stations" USING gist (geom)""",
    """CREATE TABLE "inspections" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "place_type" text NOT NULL,
        "hazard_types" jsonb NOT NULL,
        "severity" text NOT NULL,
        "status" text NOT NULL,
        "found_at" timestamp without time zone NOT NULL,
        "deadline" timestamp without time zone,
        "rectified_at" timestamp without time zone,
        "inspector" text,
        "town_code" text COLLATE "C",
        "village_code" text COLLATE "C",
        "grid_code" text COLLATE "C",
        "micro_code" text COLLATE "C",
        outside boolean NOT NULL DEFAULT false,
        geom geometry(Point, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "inspections".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "inspections_micro_code_prefix_idx" ON "inspections" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "inspections_status_idx" ON "inspections" (county_code, "status")""",
    """CREATE INDEX "inspections_found_at_idx" ON "inspections" (county_code, "found_at")""",
    """CREATE INDEX "inspections_geom_gist" ON "inspections" USING gist (geom)""",
    """CREATE TABLE "issues" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "category" text NOT NULL,
        "description" text,
        "channel" text,
        "reporter" text,
        "department" text,
        "status" text NOT NULL,
        "reported_at" timestamp without time zone NOT NULL,
        "deadline" timestamp without time zone,
        "closed_at" timestamp without time zone,
        "town_code" text COLLATE "C",
        "village_code" text COLLATE "C",
        "grid_code" text COLLATE "C",
        "micro_code" text COLLATE "C",
        outside boolean NOT NULL DEFAULT false,
        geom geometry(Point, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "issues".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "issues_micro_code_prefix_idx" ON "issues" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "issues_status_idx" ON "issues" (county_code, "status")""",
    """CREATE INDEX "issues_reported_at_idx" ON "issues" (county_code, "reported_at")""",
    """CREATE INDEX "issues_geom_gist" ON "issues" USING gist (geom)""",
    """CREATE TABLE "issue_events" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "issue_id" text COLLATE "C" NOT NULL,
        "at" timestamp without time zone NOT NULL,
        "actor" text NOT NULL,
        "from_status" text,
        "to_status" text NOT NULL,
        "note" text,
        "micro_code" text COLLATE "C",
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "issue_events".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "issue_events_micro_code_prefix_idx" ON "issue_events" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "issue_events_issue_id_idx" ON "issue_events" (county_code, "issue_id")""",
    """CREATE TABLE "zero_reports" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "micro_code" text COLLATE "C" NOT NULL,
        "day" date NOT NULL,
        "reporter" text NOT NULL,
        "note" text,
        "reported_at" timestamp without time zone,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "zero_reports".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "zero_reports_micro_code_prefix_idx" ON "zero_reports" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "zero_reports_day_idx" ON "zero_reports" (county_code, "day")""",
    """CREATE TABLE "planted_hotspots" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "layer" text NOT NULL,
        "hazard_type" text,
        "radius_m" double precision NOT NULL,
        "start" date NOT NULL,
        "end" date NOT NULL,
        "pattern" text NOT NULL,
        "extra_points" bigint,
        geom geometry(Point, 4326) NOT NULL,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "planted_hotspots".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "planted_hotspots_geom_gist" ON "planted_hotspots" USING gist (geom)""",
    """CREATE TABLE meta (
        county_code text COLLATE "C" NOT NULL,
        key text NOT NULL,
        value text,
        PRIMARY KEY (county_code, key)
    )""",
    """CREATE TABLE audit_log (
        seq bigint GENERATED ALWAYS AS IDENTITY,
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        at timestamp without time zone NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        layer text,
        target text,
        before jsonb,
        after jsonb,
        PRIMARY KEY (county_code, seq),
        UNIQUE (county_code, id)
    )""",
    "COMMENT ON TABLE audit_log IS 'Append-only: who changed what, when, before and after. A trigger refuses UPDATE, DELETE and TRUNCATE.'",
    "CREATE OR REPLACE FUNCTION gridmap_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP; END $$",
    "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION gridmap_audit_log_append_only()",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC",
)

# Version 2: local user accounts, and the scope each audit row was written in.
_V2: tuple[str, ...] = (
    """CREATE TABLE "users" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "display_name" text NOT NULL,
        "role" text NOT NULL,
        "unit_code" text COLLATE "C" NOT NULL,
        "department" text,
        "password_hash" text NOT NULL,
        "password_set_at" timestamp without time zone,
        "disabled" boolean,
        "failed_logins" bigint,
        "locked_until" timestamp without time zone,
        "last_login_at" timestamp without time zone,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "users".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "users_unit_code_prefix_idx" ON "users" (county_code, "unit_code" text_pattern_ops)""",
    """CREATE INDEX "users_role_idx" ON "users" (county_code, "role")""",
    'ALTER TABLE audit_log ADD COLUMN scope text COLLATE "C"',
    "CREATE INDEX audit_log_scope_idx ON audit_log (county_code, scope text_pattern_ops, seq)",
)

# Version 3: the department on each history event, and the sign-in throttle
# for names that have no account (see gridmap/store/sqlite_schema.py).
_V3: tuple[str, ...] = (
    'ALTER TABLE "issue_events" ADD COLUMN "department" text',
    'UPDATE "issue_events" AS e SET "department" = i."department" FROM "issues" AS i '
    "WHERE i.county_code = e.county_code AND i.id = e.\"issue_id\"",
    'CREATE INDEX "issue_events_department_idx" ON "issue_events" (county_code, "department")',
    """CREATE TABLE "sign_in_throttle" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "failures" bigint NOT NULL,
        "locked_until" timestamp without time zone,
        "last_failure_at" timestamp without time zone,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "sign_in_throttle".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
)

# Version 4: the history of each hazard's lifecycle (see gridmap/store/sqlite_schema.py).
_V4: tuple[str, ...] = (
    """CREATE TABLE "inspection_events" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "inspection_id" text COLLATE "C" NOT NULL,
        "at" timestamp without time zone NOT NULL,
        "actor" text NOT NULL,
        "from_status" text,
        "to_status" text NOT NULL,
        "note" text,
        "micro_code" text COLLATE "C",
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "inspection_events".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "inspection_events_micro_code_prefix_idx" ON "inspection_events" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "inspection_events_inspection_id_idx" ON "inspection_events" (county_code, "inspection_id")""",
)

# Version 5: versioned boundary plans and the per-save change lists of drafts; the current
# plan of a store that holds units is registered as published (see sqlite_schema.py).
_V5: tuple[str, ...] = (
    """CREATE TABLE "plans" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "version" bigint NOT NULL,
        "name" text NOT NULL,
        "parent_version" bigint,
        "author" text,
        "status" text NOT NULL,
        "effective_at" timestamp without time zone,
        "created_at" timestamp without time zone,
        "updated_at" timestamp without time zone,
        "published_at" timestamp without time zone,
        "published_by" text,
        "revision" bigint NOT NULL,
        "note" text,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "plans".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE UNIQUE INDEX "plans_version_idx" ON "plans" (county_code, "version")""",
    """CREATE INDEX "plans_status_idx" ON "plans" (county_code, "status")""",
    """CREATE TABLE "plan_saves" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "version" bigint NOT NULL,
        "revision" bigint NOT NULL,
        "author" text NOT NULL,
        "saved_at" timestamp without time zone NOT NULL,
        "changed" jsonb,
        "removed" jsonb,
        "note" text,
        PRIMARY KEY (county_code, id)
    )""",
    """COMMENT ON COLUMN "plan_saves".county_code IS '6-digit county code; shard key for Citus (create_distributed_table by county_code)'""",
    """CREATE INDEX "plan_saves_version_idx" ON "plan_saves" (county_code, "version")""",
    """INSERT INTO "plans" (id, county_code, "version", "name", "parent_version", "author", "status",
        "effective_at", "created_at", "updated_at", "published_at", "published_by", "revision", "note")
    SELECT 'plan-' || c.version, c.county_code, c.version, '现行方案', NULL, 'migration', 'published',
        c.at, c.at, c.at, c.at, 'migration', 1, 'registered by schema migration 5'
    FROM (SELECT u.county_code AS county_code,
                 coalesce((SELECT m.value::bigint FROM meta m
                           WHERE m.county_code = u.county_code AND m.key = 'plan_version'), 1) AS version,
                 date_trunc('second', (now() AT TIME ZONE 'UTC') + interval '8 hours') AS at
          FROM "units" u GROUP BY u.county_code) c""",
)

# Version 6: photos of issues and hazards (see sqlite_schema.py).
_V6: tuple[str, ...] = (
    """CREATE TABLE "photos" (
        seq bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000),
        id text COLLATE "C" NOT NULL,
        county_code text COLLATE "C" NOT NULL,
        "owner_layer" text NOT NULL,
        "owner_id" text COLLATE "C" NOT NULL,
        "event_id" text COLLATE "C",
        "name" text,
        "media_type" text NOT NULL,
        "width" bigint,
        "height" bigint,
        "size_bytes" bigint NOT NULL,
        "data" text NOT NULL,
        "taken_lon" double precision,
        "taken_lat" double precision,
        "uploaded_by" text NOT NULL,
        "uploaded_at" timestamp without time zone NOT NULL,
        "micro_code" text COLLATE "C",
        "department" text,
        PRIMARY KEY (county_code, id)
    )""",
    """CREATE INDEX "photos_micro_code_prefix_idx" ON "photos" (county_code, "micro_code" text_pattern_ops)""",
    """CREATE INDEX "photos_owner_id_idx" ON "photos" (county_code, "owner_id")""",
    """CREATE INDEX "photos_department_idx" ON "photos" (county_code, "department")""",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6}
