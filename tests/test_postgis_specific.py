"""What only the PostGIS backend has: GiST indexes, SQL-side spatial predicates, COPY
loads, and an audit log the application role cannot rewrite.

The session works in its own freshly created database (dropped at the end), so runs do
not interfere with each other or with the contract suite. Without PostgreSQL/PostGIS
these tests skip locally and fail under ``CI=true``. Each test that writes uses its own
county code, so tests sharing the session database do not see each other's rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from urllib.parse import quote

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest
import shapely
from psycopg import sql

from gridmap.domain import LAYERS, Level, Scope
from gridmap.store import ScopeError, StoreError, open_store, pg_schema
from gridmap.store import postgis as pg
from gridmap.store.base import SCHEMA_VERSION, scope_column
from gridmap.store.postgis import PostgisStore
from tests.conftest import require_service
from tests.store_fixtures import (
    G1,
    G2,
    M1,
    M2,
    M3,
    M4,
    create_database,
    drop_database,
    postgis_url,
    tiny_issues,
    tiny_units,
    with_database,
)

pytestmark = pytest.mark.postgis

BULK = 20_000  # rows: above the store's ANALYZE threshold, small enough for a quick test
GEOM_LAYERS = [s.name for s in LAYERS.values() if s.geom]


# --------------------------------------------------------------------------- helpers


def _connect(url: str) -> psycopg.Connection:
    return psycopg.connect(pg._conninfo(url), autocommit=True, connect_timeout=5)


def _county(code: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The tiny county's rows moved to another county code (same shapes)."""
    out = frame.copy()
    for col in ("id", "code", "parent_code", "town_code", "village_code", "grid_code", "micro_code"):
        if col in out.columns:
            out[col] = out[col].map(lambda v: v.replace("330327", code, 1) if isinstance(v, str) else v)
    return out


def _households(county: str, n: int, seed: int = 7) -> gpd.GeoDataFrame:
    """``n`` assigned households spread over the tiny county's four micro-grids."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(120.40, 120.42, n)
    y = rng.uniform(27.50, 27.52, n)
    micro = np.where(y >= 27.51, np.where(x < 120.41, M1, M2), np.where(x < 120.41, M3, M4))
    micro = np.array([m.replace("330327", county, 1) for m in micro], dtype=object)
    residents = pd.array(rng.integers(1, 6, n), dtype="Int64")
    residents[::97] = pd.NA
    return gpd.GeoDataFrame(
        {
            "id": [f"h{i}" for i in range(n)],
            "address": [f"灵溪镇\t人民路{i}号\\{i}\n" if i % 50 == 0 else f"灵溪镇人民路{i}号" for i in range(n)],
            "residents": residents,
            "floating": rng.integers(0, 3, n),
            "rental": rng.random(n) < 0.2,
            "rooms": [None if i % 11 == 0 else int(i % 7) for i in range(n)],
            "collected": [None if i % 13 == 0 else bool(i % 2) for i in range(n)],
            "town_code": [m[:9] + "000" for m in micro],
            "village_code": [m[:12] for m in micro],
            "grid_code": [m[:14] for m in micro],
            "micro_code": micro,
            "outside": np.zeros(n, dtype=bool),
        },
        geometry=shapely.points(x, y),
        crs="EPSG:4326",
    )


def _plan(store: PostgisStore, query: str, params: list | None = None) -> str:
    with _connect(store.url) as conn:
        return "\n".join(r[0] for r in conn.execute(query, params).fetchall())


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def base_url() -> str:
    url = postgis_url()
    try:
        with _connect(url):
            pass
    except psycopg.Error as exc:
        require_service("PostgreSQL", f"{PostgisStore(url)!r}: {exc}")
    return url


@pytest.fixture(scope="session")
def pg_url(base_url: str) -> Iterator[str]:
    """A fresh database for this test session."""
    try:
        name = create_database(base_url, "test")
    except psycopg.Error as exc:
        require_service("PostgreSQL", f"cannot create a test database: {exc}")
    try:
        yield with_database(base_url, name)
    finally:
        drop_database(base_url, name)


@pytest.fixture(scope="session")
def store(pg_url: str) -> Iterator[PostgisStore]:
    s = PostgisStore(pg_url)
    try:
        s.migrate()
    except StoreError as exc:
        s.close()
        require_service("PostGIS", str(exc))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="session")
def bulk_store(store: PostgisStore) -> PostgisStore:
    """County 330399: the tiny units plus BULK households, loaded once with COPY."""
    scope = Scope.county("330399")
    with store.transaction("loader", scope) as tx:
        tx.insert("units", _county("330399", tiny_units()))
        tx.insert("households", _households("330399", BULK))
    return store


# --------------------------------------------------------------------------- schema


def test_migrations_are_versioned_and_idempotent(store: PostgisStore) -> None:
    assert store.migrate() == SCHEMA_VERSION
    assert store.migrate() == SCHEMA_VERSION
    with _connect(store.url) as conn:
        rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
        assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute("SELECT extname FROM pg_extension WHERE extname = 'postgis'").fetchone()


def test_a_newer_schema_is_refused(store: PostgisStore) -> None:
    with _connect(store.url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, applied_at) VALUES (%s, now())",
                     [SCHEMA_VERSION + 1])
        try:
            with pytest.raises(StoreError, match="newer than this program"):
                store.migrate()
        finally:
            conn.execute("DELETE FROM schema_migrations WHERE version = %s", [SCHEMA_VERSION + 1])


def test_a_missing_column_is_reported_as_a_missing_migration(store: PostgisStore) -> None:
    with _connect(store.url) as conn:
        conn.execute("ALTER TABLE stations RENAME COLUMN funding_yuan TO funding_old")
        try:
            with pytest.raises(StoreError, match=r"stations\.funding_yuan.*migration"):
                store.migrate()
        finally:
            conn.execute("ALTER TABLE stations RENAME COLUMN funding_old TO funding_yuan")


@pytest.mark.parametrize("name", GEOM_LAYERS)
def test_geometry_column_is_typed_and_has_a_gist_index(store: PostgisStore, name: str) -> None:
    with _connect(store.url) as conn:
        row = conn.execute("SELECT type, srid FROM geometry_columns WHERE f_table_name = %s "
                           "AND f_geometry_column = 'geom'", [name]).fetchone()
        assert row == (LAYERS[name].geom.upper(), 4326)
        indexes = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                                              [name]).fetchall()]
    assert any("USING gist (geom)" in d for d in indexes), indexes


@pytest.mark.parametrize("name", list(LAYERS))
def test_every_table_is_keyed_by_county_first(store: PostgisStore, name: str) -> None:
    """county_code leads the primary key: the Citus distribution column."""
    with _connect(store.url) as conn:
        key = conn.execute(
            "SELECT array_agg(a.attname ORDER BY k.ord) FROM pg_index i "
            "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary", [name]).fetchone()[0]
        indexes = [r[0] for r in conn.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s",
                                              [name]).fetchall()]
    assert key == ["county_code", "id"]
    col = scope_column(LAYERS[name])
    if col is not None:
        assert any(f"{col} text_pattern_ops" in d for d in indexes), indexes
    for extra in LAYERS[name].extra_indexes:
        assert any(f"(county_code, {extra}" in d for d in indexes), (extra, indexes)


def test_column_types_follow_the_domain(store: PostgisStore) -> None:
    expected = {"text": "text", "int": "bigint", "float": "double precision", "bool": "boolean",
                "date": "date", "datetime": "timestamp without time zone", "json": "jsonb"}
    with _connect(store.url) as conn:
        rows = conn.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema()").fetchall()
    types = {(t, c): d for t, c, d in rows}
    for spec in LAYERS.values():
        for f in spec.fields:
            assert types[(spec.name, f.name)] == expected[f.type], (spec.name, f.name)
        if spec.assigned:
            assert types[(spec.name, "outside")] == "boolean"
    assert types[("audit_log", "before")] == "jsonb"


# --------------------------------------------------------------------------- spatial SQL


def test_intersecting_runs_in_sql_on_the_gist_index(bulk_store: PostgisStore) -> None:
    scope = Scope.county("330399")
    probe = shapely.box(120.4000, 27.5000, 120.4020, 27.5020)  # ~1% of the households
    plan = bulk_store.explain("households", scope, probe)
    assert "households_geom_gist" in plan, plan
    assert "st_intersects" in plan.lower(), plan

    found = bulk_store.intersecting("households", scope, probe)
    everything = bulk_store.read("households", scope)
    expected = everything[shapely.intersects(everything.geometry.to_numpy(), probe)]
    assert 0 < len(found) < len(everything)
    assert set(found["id"]) == set(expected["id"])
    assert list(found.columns) == [*LAYERS["households"].columns, "geometry"]


@pytest.mark.parametrize("predicate", ["within", "contains"])
def test_other_predicates_also_use_the_index(bulk_store: PostgisStore, predicate: str) -> None:
    probe = shapely.box(120.4000, 27.5000, 120.4020, 27.5020)
    assert "households_geom_gist" in bulk_store.explain("households", Scope.county("330399"), probe, predicate)


def test_bbox_filter_is_an_index_backed_overlap(bulk_store: PostgisStore) -> None:
    scope = Scope.county("330399")
    box = (120.405, 27.505, 120.407, 27.507)
    found = bulk_store.read("households", scope, bbox=box)
    everything = bulk_store.read("households", scope, columns=["id", "geometry"])
    inside = shapely.intersects(everything.geometry.to_numpy(), shapely.box(*box))
    assert set(found["id"]) == set(everything.loc[inside, "id"])
    plan = _plan(bulk_store, "EXPLAIN SELECT id FROM households t WHERE t.county_code = %s AND "
                 "t.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", ["330399", *box])
    assert "households_geom_gist" in plan, plan


def test_scope_prefix_filter_can_use_the_pattern_index(bulk_store: PostgisStore) -> None:
    with _connect(bulk_store.url) as conn:
        conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT id FROM households t WHERE t.county_code = %s AND t.micro_code LIKE %s",
            ["330399", "33039910000101%"]).fetchall())
    assert "households_micro_code_prefix_idx" in plan, plan
    grid = Scope("330399", G1.replace("330327", "330399"), Level.GRID)
    seen = bulk_store.read("households", grid, columns=["micro_code"])
    assert len(seen) > 0 and seen["micro_code"].str.startswith(grid.prefix).all()


# --------------------------------------------------------------------------- COPY loads


def test_copy_load_round_trips_values_types_and_order(bulk_store: PostgisStore) -> None:
    sent = _households("330399", BULK)
    got = bulk_store.read("households", Scope.county("330399"))
    assert list(got["id"]) == list(sent["id"])  # insertion order, like SQLite's rowid
    assert str(got["residents"].dtype) == "Int64" and got["residents"].isna().sum() == sent["residents"].isna().sum()
    assert got["address"].tolist() == sent["address"].tolist()  # tabs, newlines, backslashes survive COPY
    assert got["rooms"].isna().sum() == sent["rooms"].isna().sum() > 0
    assert str(got["collected"].dtype) == "boolean"
    assert got["collected"].isna().sum() == sent["collected"].isna().sum() > 0
    assert (got["rooms"].dropna() == sent["rooms"].dropna().astype(int)).all()
    assert shapely.equals(got.geometry.to_numpy(), sent.geometry.to_numpy()).all()
    with _connect(bulk_store.url) as conn:
        srid, kind = conn.execute("SELECT DISTINCT ST_SRID(geom), GeometryType(geom) FROM households "
                                  "WHERE county_code = '330399'").fetchone()
        analysed = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'households'").fetchone()[0]
    assert (srid, kind) == (4326, "POINT")
    assert analysed >= BULK * 0.9  # statistics refreshed after the load


def test_json_and_dates_are_stored_natively(store: PostgisStore) -> None:
    scope = Scope.county("330311")
    units = _county("330311", tiny_units())
    store.insert("units", units, actor="t", scope=scope)
    with _connect(store.url) as conn:
        kind, name, at = conn.execute(
            "SELECT jsonb_typeof(staff), staff -> 0 ->> 'name', risk_set_at FROM units "
            "WHERE county_code = '330311' LIMIT 1").fetchone()
    assert (kind, name, at) == ("array", "张三", dt.datetime(2026, 11, 1, 9, 30))
    assert store.read("units", scope)["staff"].iloc[0] == [{"name": "张三", "role": "grid_leader"}]


def test_polygon_update_is_stored_as_multipolygon(store: PostgisStore) -> None:
    scope = Scope.county("330312")
    store.insert("units", _county("330312", tiny_units()), actor="t", scope=scope)
    row_id = "330312100001:1"
    new = shapely.box(120.40, 27.50, 120.43, 27.53)
    store.update("units", row_id, {"geometry": new}, actor="planner", scope=scope)
    got = store.read("units", scope, where={"id": row_id}).geometry.iloc[0]
    assert got.geom_type == "MultiPolygon" and got.equals(new)


def test_failed_bulk_transaction_leaves_no_rows_and_no_audit(store: PostgisStore) -> None:
    scope = Scope.county("330313")
    with pytest.raises(RuntimeError), store.transaction("loader", scope) as tx:
        tx.insert("units", _county("330313", tiny_units()))
        tx.insert("households", _households("330313", BULK))
        raise RuntimeError("import aborted")
    assert store.count("units", scope) == 0
    assert store.count("households", scope) == 0
    assert store.audit_log(scope).empty


def test_a_refused_insert_can_be_caught_inside_the_transaction(store: PostgisStore) -> None:
    """The COPY runs in a savepoint, so a caller may catch the error and carry on."""
    scope = Scope.county("330314")
    issues = _county("330314", tiny_issues())
    with store.transaction("t", scope) as tx:
        tx.insert("issues", issues)
        with pytest.raises(StoreError, match="already exists"):
            tx.insert("issues", issues.iloc[[0]])
        tx.update("issues", issues["id"].iloc[0], {"status": "accepted"})
    assert store.count("issues", scope) == 3
    assert list(store.audit_log(scope)["action"]) == ["update", "insert"]


def test_update_many_uses_copy_and_respects_the_scope(store: PostgisStore) -> None:
    county = "330315"
    scope = Scope.county(county)
    store.insert("households", _households(county, 2_000), actor="t", scope=scope)
    frame = pd.DataFrame({"id": [f"h{i}" for i in range(2_000)], "collected": True, "rooms": 3})
    with store.transaction("t", scope) as tx:
        assert tx.update_many("households", frame, ["collected", "rooms"]) == 2_000
    got = store.read("households", scope, columns=["collected", "rooms"])
    assert got["collected"].all() and (got["rooms"] == 3).all()

    grid = Scope(county, G1.replace("330327", county), Level.GRID)
    outside = store.read("households", scope, columns=["id", "micro_code"])
    outside = outside[~outside["micro_code"].str.startswith(grid.prefix)]
    with pytest.raises(ScopeError), store.transaction("worker", grid) as tx:
        tx.update_many("households", outside.head(5).assign(rooms=9), ["rooms"])
    moving = store.read("households", grid, columns=["id"]).head(5)
    with pytest.raises(ScopeError), store.transaction("worker", grid) as tx:
        tx.update_many("households", moving.assign(micro_code=M4.replace("330327", county)), ["micro_code"])
    assert store.count("households", scope, where={"rooms": 9}) == 0
    assert store.count("households", grid) == len(store.read("households", grid, columns=["id"]))


def test_update_many_on_issue_history_in_scope(store: PostgisStore) -> None:
    """issue_events carry their issue's micro-grid: a grid-scoped caller updates its own."""
    county = "330318"
    m1 = M1.replace("330327", county)
    events = pd.DataFrame({"id": ["e1", "e2"], "issue_id": ["i1", "i1"],
                           "at": [dt.datetime(2026, 11, 20, 8), dt.datetime(2026, 11, 20, 9)],
                           "actor": "网格员", "to_status": ["accepted", "dispatched"],
                           "micro_code": [m1, m1]})
    grid = Scope(county, G1.replace("330327", county), Level.GRID)
    store.insert("issue_events", events, actor="t", scope=grid)
    with store.transaction("t", grid) as tx:
        assert tx.update_many("issue_events", events.assign(note="已核实"), ["note"]) == 2
    assert store.read("issue_events", grid)["note"].tolist() == ["已核实", "已核实"]
    other = Scope(county, G2.replace("330327", county), Level.GRID)
    assert store.read("issue_events", other).empty


def test_nested_transactions_on_one_thread_are_refused(store: PostgisStore) -> None:
    scope = Scope.county("330319")
    with store.transaction("t", scope), pytest.raises(StoreError, match="already open"), \
            store.transaction("t", scope):
        pass
    with store.transaction("t", scope) as tx:  # the flag is cleared afterwards
        tx.set_meta("k", "v")
    assert store.get_meta("330319", "k") == "v"


# --------------------------------------------------------------------------- audit log


@pytest.mark.parametrize(("county", "statement"), [("330316", "UPDATE audit_log SET actor = 'x'"),
                                                    ("330326", "DELETE FROM audit_log"),
                                                    ("330336", "TRUNCATE audit_log")])
def test_audit_log_is_append_only_even_for_the_owner(store: PostgisStore, county: str, statement: str) -> None:
    scope = Scope.county(county)
    store.insert("issues", _county(county, tiny_issues()), actor="t", scope=scope)
    with _connect(store.url) as conn, pytest.raises(psycopg.errors.RaiseException, match="append-only"):
        conn.execute(statement)
    assert len(store.audit_log(scope)) == 1


def test_app_role_writes_through_the_store_but_cannot_change_audit_rows(store: PostgisStore) -> None:
    role = f"gridmap_app_{uuid.uuid4().hex[:8]}"
    with _connect(store.url) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    try:
        store.grant_app_role(role)
        # Connect as the test user but act as the app role for the whole session.
        app = PostgisStore(f"{store.url}{'&' if '?' in store.url else '?'}options={quote(f'-c role={role}')}")
        try:
            assert app.migrate() == SCHEMA_VERSION  # open_store() migrates: must work for the app role
            scope = Scope.county("330317")
            with app.transaction("worker", scope) as tx:
                tx.insert("issues", _county("330317", tiny_issues()))
                tx.update("issues", "i1", {"status": "accepted"})
                tx.update_many("issues", pd.DataFrame({"id": ["i2"], "status": ["closed"]}), ["status"])
                tx.set_meta("plan_version", "1")
            assert app.count("issues", scope) == 3
            assert len(app.audit_log(scope)) == 4  # insert, update, update_many, set_meta
            with _connect(app.url) as conn:
                assert conn.execute("SELECT current_user").fetchone()[0] == role
                for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                                  "TRUNCATE audit_log"):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege):
                        conn.execute(statement)
        finally:
            app.close()
    finally:
        with _connect(store.url) as conn:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


# --------------------------------------------------------------------------- set-up errors


def test_missing_postgis_gives_the_install_command(base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    name = create_database(base_url, "nogis")
    try:
        monkeypatch.setattr(pg_schema, "_postgis_available", lambda conn: False)
        with PostgisStore(with_database(base_url, name)) as s, pytest.raises(StoreError) as info:
            s.migrate()
        assert str(info.value) == (f"PostGIS is not installed in database {name}: apt-get install "
                                   f"postgresql-{_server_major(base_url)}"
                                   "-postgis-3 and CREATE EXTENSION postgis")
    finally:
        drop_database(base_url, name)


def _server_major(url: str) -> int:
    with _connect(url) as conn:
        return conn.info.server_version // 10000


def test_url_forms_and_errors(pg_url: str) -> None:
    psycopg_url = pg_url.replace("postgresql://", "postgresql+psycopg://", 1)
    with open_store(psycopg_url) as s:
        assert s.backend == "postgis"
        assert s.count("units", Scope.county("330398")) == 0
    secret = PostgisStore("postgresql://app:s3cret@db.example:5432/gridmap")
    assert "s3cret" not in repr(secret) and "db.example:5432/gridmap" in repr(secret)
    with pytest.raises(StoreError, match="cannot connect"):
        PostgisStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2").counties()
    with pytest.raises(StoreError, match="not a PostgreSQL URL"):
        PostgisStore("mysql://x@y/z")
