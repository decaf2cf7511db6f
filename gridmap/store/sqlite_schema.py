"""The SQLite schema: frozen migrations, and the check that the code and the file agree.

Every migration is literal DDL, written once and never edited after release: a
migration generated from today's :data:`gridmap.domain.LAYERS` would change under an
old store the moment a field is added (the ``ALTER TABLE ... ADD COLUMN`` of the new
version would then fail with "duplicate column name" on a fresh store). To change the
schema, add a field to its :class:`~gridmap.domain.LayerSpec` *and* a new version
here (and in :mod:`gridmap.store.pg_schema`), and raise ``SCHEMA_VERSION``;
:func:`verify_schema` refuses to run when the two disagree.
"""

from __future__ import annotations

import sqlite3

from gridmap.domain import LAYERS
from gridmap.store.errors import StoreError

# Version 1: one table per layer, meta, and the append-only audit log.
_V1: tuple[str, ...] = (
    """CREATE TABLE units (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        code TEXT NOT NULL,
        level TEXT NOT NULL,
        name TEXT NOT NULL,
        parent_code TEXT,
        households INTEGER,
        residents INTEGER,
        floating INTEGER,
        risk_colour TEXT,
        risk_set_at TEXT,
        staff TEXT,
        plan_version INTEGER NOT NULL,
        approximate INTEGER,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX units_code_idx ON units (county_code, code)",
    "CREATE INDEX units_county_idx ON units (county_code)",
    "CREATE INDEX units_level_idx ON units (county_code, level)",
    "CREATE INDEX units_parent_code_idx ON units (county_code, parent_code)",
    "CREATE VIRTUAL TABLE units_rtree USING rtree(id, minx, maxx, miny, maxy)",
    "CREATE TRIGGER units_rt_ins AFTER INSERT ON units BEGIN INSERT INTO units_rtree VALUES (new.rowid, new.minx, new.maxx, new.miny, new.maxy); END",
    "CREATE TRIGGER units_rt_del AFTER DELETE ON units BEGIN DELETE FROM units_rtree WHERE id = old.rowid; END",
    "CREATE TRIGGER units_rt_upd AFTER UPDATE OF minx, miny, maxx, maxy ON units BEGIN UPDATE units_rtree SET minx = new.minx, maxx = new.maxx, miny = new.miny, maxy = new.maxy WHERE id = new.rowid; END",
    """CREATE TABLE households (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        address TEXT NOT NULL,
        residents INTEGER,
        floating INTEGER,
        rental INTEGER,
        rooms INTEGER,
        collected INTEGER,
        town_code TEXT,
        village_code TEXT,
        grid_code TEXT,
        micro_code TEXT,
        outside INTEGER NOT NULL DEFAULT 0,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX households_county_idx ON households (county_code)",
    "CREATE INDEX households_micro_code_idx ON households (county_code, micro_code)",
    "CREATE INDEX households_xy_idx ON households (county_code, minx, miny)",
    """CREATE TABLE stations (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        name TEXT NOT NULL,
        station_type TEXT NOT NULL,
        opened TEXT,
        closes TEXT,
        services TEXT,
        funding_yuan INTEGER,
        town_code TEXT,
        village_code TEXT,
        grid_code TEXT,
        micro_code TEXT,
        outside INTEGER NOT NULL DEFAULT 0,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX stations_county_idx ON stations (county_code)",
    "CREATE INDEX stations_micro_code_idx ON stations (county_code, micro_code)",
    "CREATE INDEX stations_xy_idx ON stations (county_code, minx, miny)",
    """CREATE TABLE inspections (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        place_type TEXT NOT NULL,
        hazard_types TEXT NOT NULL,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        found_at TEXT NOT NULL,
        deadline TEXT,
        rectified_at TEXT,
        inspector TEXT,
        town_code TEXT,
        village_code TEXT,
        grid_code TEXT,
        micro_code TEXT,
        outside INTEGER NOT NULL DEFAULT 0,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX inspections_county_idx ON inspections (county_code)",
    "CREATE INDEX inspections_found_at_idx ON inspections (county_code, found_at)",
    "CREATE INDEX inspections_micro_code_idx ON inspections (county_code, micro_code)",
    "CREATE INDEX inspections_status_idx ON inspections (county_code, status)",
    "CREATE INDEX inspections_xy_idx ON inspections (county_code, minx, miny)",
    """CREATE TABLE issues (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        category TEXT NOT NULL,
        description TEXT,
        channel TEXT,
        reporter TEXT,
        department TEXT,
        status TEXT NOT NULL,
        reported_at TEXT NOT NULL,
        deadline TEXT,
        closed_at TEXT,
        town_code TEXT,
        village_code TEXT,
        grid_code TEXT,
        micro_code TEXT,
        outside INTEGER NOT NULL DEFAULT 0,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX issues_county_idx ON issues (county_code)",
    "CREATE INDEX issues_micro_code_idx ON issues (county_code, micro_code)",
    "CREATE INDEX issues_reported_at_idx ON issues (county_code, reported_at)",
    "CREATE INDEX issues_status_idx ON issues (county_code, status)",
    "CREATE INDEX issues_xy_idx ON issues (county_code, minx, miny)",
    """CREATE TABLE issue_events (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        issue_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT NOT NULL,
        note TEXT,
        micro_code TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX issue_events_county_idx ON issue_events (county_code)",
    "CREATE INDEX issue_events_issue_id_idx ON issue_events (county_code, issue_id)",
    "CREATE INDEX issue_events_micro_code_idx ON issue_events (county_code, micro_code)",
    """CREATE TABLE zero_reports (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        micro_code TEXT NOT NULL,
        day TEXT NOT NULL,
        reporter TEXT NOT NULL,
        note TEXT,
        reported_at TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX zero_reports_county_idx ON zero_reports (county_code)",
    "CREATE INDEX zero_reports_day_idx ON zero_reports (county_code, day)",
    "CREATE INDEX zero_reports_micro_code_idx ON zero_reports (county_code, micro_code)",
    """CREATE TABLE planted_hotspots (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        layer TEXT NOT NULL,
        hazard_type TEXT,
        radius_m REAL NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        pattern TEXT NOT NULL,
        extra_points INTEGER,
        geom BLOB NOT NULL,
        minx REAL NOT NULL,
        miny REAL NOT NULL,
        maxx REAL NOT NULL,
        maxy REAL NOT NULL,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX planted_hotspots_county_idx ON planted_hotspots (county_code)",
    "CREATE INDEX planted_hotspots_xy_idx ON planted_hotspots (county_code, minx, miny)",
    """CREATE TABLE meta (
        county_code TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT,
        PRIMARY KEY (county_code, key)
    )""",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        county_code TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        layer TEXT,
        target TEXT,
        before TEXT,
        after TEXT
    )""",
    "CREATE INDEX audit_county_idx ON audit_log (county_code, seq)",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
)

# Version 2: local user accounts, and the scope each audit row was written in.
_V2: tuple[str, ...] = (
    """CREATE TABLE users (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        unit_code TEXT NOT NULL,
        department TEXT,
        password_hash TEXT NOT NULL,
        password_set_at TEXT,
        disabled INTEGER,
        failed_logins INTEGER,
        locked_until TEXT,
        last_login_at TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX users_county_idx ON users (county_code)",
    "CREATE INDEX users_role_idx ON users (county_code, role)",
    "CREATE INDEX users_unit_code_idx ON users (county_code, unit_code)",
    "ALTER TABLE audit_log ADD COLUMN scope TEXT",
    "CREATE INDEX audit_scope_idx ON audit_log (county_code, scope, seq)",
)

# Version 3: the department on each history event (so a department's reads of
# the history are one indexed filter), and the sign-in throttle for names that have no
# account (kept in the store so every app process sees it).
_V3: tuple[str, ...] = (
    "ALTER TABLE issue_events ADD COLUMN department TEXT",
    "UPDATE issue_events SET department = (SELECT i.department FROM issues i "
    "WHERE i.county_code = issue_events.county_code AND i.id = issue_events.issue_id)",
    "CREATE INDEX issue_events_department_idx ON issue_events (county_code, department)",
    """CREATE TABLE sign_in_throttle (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        failures INTEGER NOT NULL,
        locked_until TEXT,
        last_failure_at TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX sign_in_throttle_county_idx ON sign_in_throttle (county_code)",
)

# Version 4: the history of each hazard's lifecycle (one row per step), as issue_events
# is for issues.
_V4: tuple[str, ...] = (
    """CREATE TABLE inspection_events (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        inspection_id TEXT NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT NOT NULL,
        note TEXT,
        micro_code TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX inspection_events_county_idx ON inspection_events (county_code)",
    "CREATE INDEX inspection_events_inspection_id_idx ON inspection_events (county_code, inspection_id)",
    "CREATE INDEX inspection_events_micro_code_idx ON inspection_events (county_code, micro_code)",
)

# Version 5: versioned boundary plans (one row per plan version of a county) and the
# per-save change lists of drafts. A store that already holds units gets its current plan
# (meta plan_version, else 1) registered as a published plan, revision 1.
_V5: tuple[str, ...] = (
    """CREATE TABLE plans (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        version INTEGER NOT NULL,
        name TEXT NOT NULL,
        parent_version INTEGER,
        author TEXT,
        status TEXT NOT NULL,
        effective_at TEXT,
        created_at TEXT,
        updated_at TEXT,
        published_at TEXT,
        published_by TEXT,
        revision INTEGER NOT NULL,
        note TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX plans_county_idx ON plans (county_code)",
    "CREATE UNIQUE INDEX plans_version_idx ON plans (county_code, version)",
    "CREATE INDEX plans_status_idx ON plans (county_code, status)",
    """CREATE TABLE plan_saves (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        version INTEGER NOT NULL,
        revision INTEGER NOT NULL,
        author TEXT NOT NULL,
        saved_at TEXT NOT NULL,
        changed TEXT,
        removed TEXT,
        note TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX plan_saves_county_idx ON plan_saves (county_code)",
    "CREATE INDEX plan_saves_version_idx ON plan_saves (county_code, version)",
    """INSERT INTO plans (id, county_code, version, name, parent_version, author, status, effective_at,
        created_at, updated_at, published_at, published_by, revision, note)
    SELECT 'plan-' || c.version, c.county_code, c.version, '现行方案', NULL, 'migration', 'published',
        c.at, c.at, c.at, c.at, 'migration', 1, 'registered by schema migration 5'
    FROM (SELECT u.county_code AS county_code,
                 COALESCE((SELECT CAST(m.value AS INTEGER) FROM meta m
                           WHERE m.county_code = u.county_code AND m.key = 'plan_version'), 1) AS version,
                 strftime('%Y-%m-%d %H:%M:%S', 'now', '+8 hours') AS at
          FROM units u GROUP BY u.county_code) c""",
)

# Version 6: photos of issues and hazards (and of their steps), base64 text; micro-grid
# and department copied from the owner so that scope filters them like the owner.
_V6: tuple[str, ...] = (
    """CREATE TABLE photos (
        id TEXT NOT NULL,
        county_code TEXT NOT NULL,
        owner_layer TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        event_id TEXT,
        name TEXT,
        media_type TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        size_bytes INTEGER NOT NULL,
        data TEXT NOT NULL,
        taken_lon REAL,
        taken_lat REAL,
        uploaded_by TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        micro_code TEXT,
        department TEXT,
        UNIQUE (county_code, id)
    )""",
    "CREATE INDEX photos_county_idx ON photos (county_code)",
    "CREATE INDEX photos_owner_id_idx ON photos (county_code, owner_id)",
    "CREATE INDEX photos_micro_code_idx ON photos (county_code, micro_code)",
    "CREATE INDEX photos_department_idx ON photos (county_code, department)",
)

MIGRATIONS: dict[int, tuple[str, ...]] = {1: _V1, 2: _V2, 3: _V3, 4: _V4, 5: _V5, 6: _V6}


def verify_schema(conn: sqlite3.Connection, path: object) -> None:
    """Refuse to run when a table lacks a column of the domain schema (a missing migration)."""
    missing: list[str] = []
    for spec in LAYERS.values():
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({spec.name})")}
        wanted = [*spec.columns, *(["geom", "minx", "miny", "maxx", "maxy"] if spec.geom else [])]
        missing += [f"{spec.name}.{c}" for c in wanted if c not in present]
    if missing:
        raise StoreError(f"the store {path} lacks {', '.join(missing[:10])}: the domain changed without a "
                         "migration; add one to gridmap/store/sqlite_schema.py and raise SCHEMA_VERSION")
