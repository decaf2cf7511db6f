"""Regression: migration 1 was generated from today's ``LAYERS``.

Adding a field plus the obvious ``ALTER TABLE ... ADD COLUMN`` migration then made a
fresh store fail with "duplicate column name", because version 1 already created the
column. Every migration is now literal DDL; these tests build a store at each past
schema version, put rows in it, migrate it and compare it with a fresh store, on both
backends.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from pathlib import Path

import pytest

from gridmap.domain import LAYERS
from gridmap.store import Store, StoreError, open_store
from gridmap.store.base import SCHEMA_VERSION
from tests.store_fixtures import SCOPE, reset_postgis, tiny_issues, tiny_units


def _columns(store: Store) -> dict[str, list[str]]:
    """Table -> column names in order, and index names, as the database reports them."""
    if store.backend == "sqlite":
        conn = store._connect()  # type: ignore[attr-defined]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'")]
        out = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
        out["<indexes>"] = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN "
                                                             "('index', 'trigger') AND sql IS NOT NULL"))
        return out
    with store._pool.connection() as conn:  # type: ignore[attr-defined]
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns WHERE "
                            "table_schema = current_schema() AND table_name NOT IN ('spatial_ref_sys', "
                            "'schema_migrations', 'geometry_columns', 'geography_columns') "
                            "ORDER BY table_name, ordinal_position").fetchall()
        out: dict[str, list[str]] = {}
        for table, column in rows:
            out.setdefault(table, []).append(column)
        out["<indexes>"] = sorted(r[0] for r in conn.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").fetchall())
        return out


def _fresh(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if backend == "sqlite":
        return open_store(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}", migrate=False)
    url = request.getfixturevalue("pg_session_url")
    if url is None:
        pytest.skip("PostgreSQL unavailable")
    reset_postgis(url)
    return open_store(url, migrate=False)


@pytest.mark.parametrize("version", range(0, SCHEMA_VERSION + 1))
def test_a_store_at_every_past_version_migrates_to_the_fresh_schema(store: Store, version: int,
                                                                    tmp_path: Path,
                                                                    request: pytest.FixtureRequest) -> None:
    fresh = _columns(store)  # the fixture's store: migrated from nothing in one go
    backend = store.backend
    store.close()
    old = _fresh(backend, tmp_path, request)
    try:
        assert old.migrate(target=version) == version
        if version >= 1:  # an old store holds data: the later migrations must keep it
            with old.transaction("tester", SCOPE) as tx:
                tx._insert_rows(LAYERS["units"], _v1_rows(tiny_units()))
        assert old.migrate() == SCHEMA_VERSION
        assert _columns(old) == fresh
        if version >= 1:
            assert len(old.read("units", SCOPE)) == len(tiny_units())
    finally:
        old.close()


def _v1_rows(frame):
    from gridmap.store.base import prepare_rows

    return prepare_rows(LAYERS["units"], frame, SCOPE)


def test_every_layer_field_exists_after_migrating(store: Store) -> None:
    columns = _columns(store)
    for spec in LAYERS.values():
        assert set(spec.columns) <= set(columns[spec.name]), spec.name


def test_issue_events_get_their_issue_department_when_migrated_to_version_3(tmp_path: Path,
                                                                             store: Store,
                                                                             request: pytest.FixtureRequest) -> None:
    backend = store.backend
    store.close()
    old = _fresh(backend, tmp_path, request)
    try:
        old.migrate(target=2)
        issues = tiny_issues()
        with old.transaction("tester", SCOPE) as tx:
            tx._insert_rows(LAYERS["units"], _v1_rows(tiny_units()))
            from gridmap.store.base import prepare_rows

            # The issues as version 2 stored them (without the columns of version 8).
            v2_issues = dataclasses.replace(LAYERS["issues"], fields=tuple(
                f for f in LAYERS["issues"].fields if f.name not in ("duplicate_of", "escalated_at")))
            tx._insert_rows(v2_issues, prepare_rows(v2_issues, issues, SCOPE))
        _insert_v2_event(old, "e1", "i1")
        old.migrate()
        events = old.read("issue_events", SCOPE)
        assert events.set_index("id").loc["e1", "department"] == "enforcement"
    finally:
        old.close()


def _insert_v2_event(store: Store, event_id: str, issue_id: str) -> None:
    """An issue_events row as schema version 2 stored it (no department column yet)."""
    values = [event_id, "330327", issue_id, dt.datetime(2026, 11, 20, 9).isoformat(sep=" "), "tester",
              None, "reported", "上报", None]
    columns = "id, county_code, issue_id, at, actor, from_status, to_status, note, micro_code"
    if store.backend == "sqlite":
        conn = store._connect()  # type: ignore[attr-defined]
        conn.execute(f"INSERT INTO issue_events ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)
        return
    with store._pool.connection() as conn:  # type: ignore[attr-defined]
        conn.execute(f"INSERT INTO issue_events ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                     values)


def test_a_failing_migration_names_itself_and_changes_nothing(store: Store, monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path,
                                                              request: pytest.FixtureRequest) -> None:
    backend = store.backend
    store.close()
    module = "gridmap.store.sqlite_schema" if backend == "sqlite" else "gridmap.store.pg_schema"
    import importlib

    schema = importlib.import_module(module)
    broken = {**schema.MIGRATIONS, SCHEMA_VERSION: (*schema.MIGRATIONS[SCHEMA_VERSION], "CREATE TABLE units (x int)")}
    monkeypatch.setattr(f"gridmap.store.{'sqlite' if backend == 'sqlite' else 'postgis'}.MIGRATIONS", broken)
    old = _fresh(backend, tmp_path, request)
    try:
        old.migrate(target=SCHEMA_VERSION - 1)
        with pytest.raises(StoreError, match=rf"migration {SCHEMA_VERSION} .*failed at statement"):
            old.migrate()
        monkeypatch.undo()
        assert old.migrate() == SCHEMA_VERSION  # the failed attempt left version N-1 intact
    finally:
        old.close()


def test_migration_5_registers_the_current_plan_as_published(tmp_path: Path, store: Store,
                                                              request: pytest.FixtureRequest) -> None:
    """A store of schema version 4 whose county is on plan 3 gets one published plan row, version 3."""
    backend = store.backend
    store.close()
    old = _fresh(backend, tmp_path, request)
    try:
        old.migrate(target=4)
        units = tiny_units()
        units["plan_version"] = 3
        with old.transaction("tester", SCOPE) as tx:
            tx._insert_rows(LAYERS["units"], _v1_rows(units))
            tx.set_meta("plan_version", "3")
        old.migrate()
        plans = old.read("plans", SCOPE)
        assert plans[["version", "status", "revision"]].values.tolist() == [[3, "published", 1]]
        assert old.read("plan_saves", SCOPE).empty
    finally:
        old.close()
