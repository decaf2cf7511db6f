"""What only the embedded backend has: WAL, the R*Tree index, append-only triggers."""

from __future__ import annotations

import sqlite3

import pytest

from gridmap.store import StoreError, open_store
from gridmap.store.sqlite import SqliteStore
from tests.store_fixtures import SCOPE, tiny_issues, tiny_units


@pytest.fixture
def sqlite_store(tmp_path) -> SqliteStore:
    s = open_store(f"sqlite:///{tmp_path / 'g.db'}")
    assert isinstance(s, SqliteStore)
    with s.transaction("t", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.insert("issues", tiny_issues())
    yield s
    s.close()


def test_wal_and_rtree(sqlite_store: SqliteStore) -> None:
    conn = sqlite3.connect(sqlite_store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM units_rtree").fetchone()[0] == 9
    plan = conn.execute("EXPLAIN QUERY PLAN SELECT id FROM issues WHERE county_code = '330327' "
                        "AND minx BETWEEN 120 AND 121 AND miny BETWEEN 27 AND 28").fetchall()
    assert "issues_xy_idx" in str(plan)


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_audit_log_cannot_be_changed(sqlite_store: SqliteStore, statement: str) -> None:
    conn = sqlite3.connect(sqlite_store.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(statement)
    assert conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == 2


def test_newer_schema_is_refused(sqlite_store: SqliteStore) -> None:
    conn = sqlite3.connect(sqlite_store.path)
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'later')")
    conn.commit()
    with pytest.raises(StoreError, match="newer than this program"):
        open_store(sqlite_store.url)


@pytest.mark.parametrize("url", ["mysql://x", "sqlite:///", "bogus"])
def test_bad_urls_are_explained(url: str) -> None:
    with pytest.raises(StoreError):
        open_store(url)
