"""Shared pytest fixtures and hooks.

Sections:

1. Services, ordering and the demo store (app and browser harness).
2. Store fixtures (both backends).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import geopandas as gpd
import pytest
import shapely

from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.settings import reset_settings
from gridmap.store import Store, open_store
from tests.store_fixtures import (
    G1,
    SCOPE,
    create_database,
    drop_database,
    postgis_url,
    reset_postgis,
    tiny_issues,
    tiny_units,
    with_database,
)

# =============================================================================
# 1. Services, ordering and the demo store
# =============================================================================

REPO_ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
DEMO_SEED_TIMEOUT_S = 900


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    """Each test reads the settings from its own environment (``gridmap.settings`` caches them per process).

    A test that changes the environment after the settings were first read calls
    :func:`gridmap.settings.reset_settings` itself.
    """
    reset_settings()
    yield
    reset_settings()


def require_service(name: str, reason: str) -> NoReturn:
    """Give up on a test because ``name`` is not available.

    Locally the test is skipped with ``reason``. Under ``CI=true`` it fails: PostGIS,
    Chromium and the demo data are mandatory there, and a silent skip would pass a
    run that tested nothing.

    Args:
        name: What is missing, e.g. ``"PostGIS"`` or ``"chromium"``.
        reason: Why, with the detail a reader needs to fix it.
    """
    message = f"{name} unavailable: {reason}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: PostGIS, browser and demo tests are mandatory)", pytrace=False)
    pytest.skip(message)


def _rank(item: pytest.Item) -> int:
    """Run order: quick unit tests first, the ones that start servers or browsers last."""
    path = Path(str(item.fspath))
    if "browser" in path.parts or item.get_closest_marker("browser"):
        return 4
    if path.name.startswith("test_app"):
        return 3
    if item.get_closest_marker("postgis"):
        return 2
    if item.get_closest_marker("slow"):
        return 1
    return 0


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly how the store contract fared on each backend (CI readers look for it)."""
    tally: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if "test_store_contract.py" not in nodeid or getattr(report, "when", "call") not in ("call", "setup"):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            backend = "postgis" if "[postgis" in nodeid or "-postgis" in nodeid else "sqlite"
            counts = tally.setdefault(backend, {})
            counts[outcome] = counts.get(outcome, 0) + 1
    if tally:
        terminalreporter.section("store contract by backend")
        for backend in ("sqlite", "postgis"):
            counts = tally.get(backend, {})
            terminalreporter.write_line(
                f"{backend:8s} " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) if counts
                else f"{backend:8s} did not run")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests under ``tests/browser`` as ``browser`` and put the slow groups last."""
    for item in items:
        if "browser" in Path(str(item.fspath)).parts and not item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
    items.sort(key=_rank)  # stable: file order is kept inside each group


def run_cli(*args: str, timeout: float = 120, env: dict[str, str] | None = None,
            stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m gridmap ARGS`` from the repository root, capturing its output."""
    return subprocess.run(
        [sys.executable, "-m", "gridmap", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **(env or {})},
        **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="session")
def demo_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An SQLite store seeded once per session with the small demo county.

    Seeded through the command line (``python -m gridmap demo --scale small --db URL``),
    as a user would. Read-only for tests: copy it before writing.
    """
    path = tmp_path_factory.mktemp("demo") / "gridmap.db"
    url = f"sqlite:///{path}"
    try:
        proc = run_cli("demo", "--scale", "small", "--db", url, timeout=DEMO_SEED_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"seeding the small demo took longer than {DEMO_SEED_TIMEOUT_S} s", pytrace=False)
    if proc.returncode != 0:
        pytest.fail(f"`python -m gridmap demo --scale small` failed ({proc.returncode}):\n"
                    f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}", pytrace=False)
    return url


@pytest.fixture
def demo_copy_url(demo_db_url: str, tmp_path: Path) -> str:
    """A private, writable copy of the small demo store (SQLite's backup API: WAL-safe)."""
    import sqlite3

    target = tmp_path / "demo-copy.db"
    with sqlite3.connect(demo_db_url.removeprefix("sqlite:///")) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


@pytest.fixture
def empty_db_url(tmp_path: Path) -> str:
    """The URL of a new, empty SQLite store file (created on first open)."""
    return f"sqlite:///{tmp_path / 'empty' / 'gridmap.db'}"


OVERVIEW_COUNTY = "330327"
OVERVIEW_AS_OF = "2026-11-20 18:00"


def seed_overview_county(store: Store) -> None:
    """Load a hand-drawn county whose counts the overview tests know exactly::

        27.52 +-------+-------+   county 330327 = town T = village V = grid G
              |  M1   |  M2   |   micro-grids M1 and M2; households h1 (M1), h2 (M2)
        27.50 +-------+-------+   plus an older plan (version 1) of the same county
            120.40  120.41  120.42   that the counts must leave out (current plan: 2)
    """
    village, grid = "330327100001", "33032710000101"
    m1, m2 = grid + "001", grid + "002"
    whole = shapely.box(120.40, 27.50, 120.42, 27.52)
    rows = [
        ("330327000000", "county", "苍南县", None, whole),
        ("330327100000", "town", "灵溪镇", "330327000000", whole),
        (village, "village", "古磉居委会", "330327100000", whole),
        (grid, "grid", "第1网格", village, whole),
        (m1, "micro", "第1微网格", grid, shapely.box(120.40, 27.50, 120.41, 27.52)),
        (m2, "micro", "第2微网格", grid, shapely.box(120.41, 27.50, 120.42, 27.52)),
    ]

    def units(plan: int) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({
            "id": [f"{r[0]}:{plan}" for r in rows],
            "code": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "name": [r[2] for r in rows],
            "parent_code": [r[3] for r in rows],
            "plan_version": plan,
            "approximate": [r[1] in ("town", "village") for r in rows],
        }, geometry=[r[4] for r in rows], crs="EPSG:4326")

    households = gpd.GeoDataFrame({
        "id": ["h1", "h2"],
        "address": ["灵溪镇古磉路1号", "灵溪镇古磉路2号"],
        "town_code": "330327100000",
        "village_code": village,
        "grid_code": grid,
        "micro_code": [m1, m2],
        "outside": False,
    }, geometry=[shapely.Point(120.405, 27.51), shapely.Point(120.415, 27.51)], crs="EPSG:4326")
    with store.transaction("tester", Scope.county(OVERVIEW_COUNTY)) as tx:
        tx.insert("units", units(1))
        tx.insert("units", units(2))
        tx.insert("households", households)
        tx.set_meta("plan_version", "2")
        tx.set_meta("as_of", OVERVIEW_AS_OF)
    add_test_users(store, {"admin": ("admin", "330327000000"), "worker": ("grid_worker", grid),
                           "dept": ("department", "330327000000")})


TEST_PASSWORD = "test-pass-2026"


@pytest.fixture
def command_db_url(tmp_path: Path) -> str:
    """The overview county plus three issues whose KPIs are known (as of 2026-11-20 18:00)::

        a  sanitation  reported 11-20 08:00, deadline 11-20 12:00, still open  -> open, overdue
        b  sanitation  reported 11-19 09:00, closed 11-20 10:00                -> closed today
        c  traffic     reported 09-01, deadline 12-01, in progress            -> open, outside 30 days
    """
    url = f"sqlite:///{tmp_path / 'command' / 'gridmap.db'}"
    grid = "33032710000101"
    micro = grid + "001"
    at = dt.datetime
    with open_store(url) as store:
        seed_overview_county(store)
        issues = gpd.GeoDataFrame({
            "id": ["a", "b", "c"],
            "category": ["sanitation", "sanitation", "traffic"],
            "status": ["reported", "closed", "in_progress"],
            "reported_at": [at(2026, 11, 20, 8), at(2026, 11, 19, 9), at(2026, 9, 1, 9)],
            "deadline": [at(2026, 11, 20, 12), at(2026, 11, 21, 9), at(2026, 12, 1, 9)],
            "closed_at": [None, at(2026, 11, 20, 10), None],
            "town_code": "330327100000", "village_code": "330327100001", "grid_code": grid,
            "micro_code": micro, "outside": False,
        }, geometry=[shapely.Point(120.405, 27.51)] * 3, crs="EPSG:4326")
        with store.transaction("tester", Scope.county(OVERVIEW_COUNTY)) as tx:
            tx.insert("issues", issues)
    return url


def add_test_users(store: Store, users: dict[str, tuple[str, str]]) -> None:
    """Accounts ``name -> (role, unit code)`` with :data:`TEST_PASSWORD` (department: 城管)."""
    from gridmap.access import Session
    from gridmap.auth import DEMO_DEPARTMENT, add_user

    for name, (role, unit) in users.items():
        add_user(Session.system(store, Scope.county(unit[:6])), name, TEST_PASSWORD, role=role, unit_code=unit,
                 department=DEMO_DEPARTMENT if role == "department" else None)


@pytest.fixture
def overview_db_url(tmp_path: Path) -> str:
    """An SQLite store holding :func:`seed_overview_county`."""
    url = f"sqlite:///{tmp_path / 'overview' / 'gridmap.db'}"
    with open_store(url) as store:
        seed_overview_county(store)
    return url


# =============================================================================
# 2. Store fixtures (both backends)
# =============================================================================


@pytest.fixture(scope="session")
def pg_session_url() -> Iterator[str | None]:
    """A database of this test session's own (so parallel runs never collide), or None."""
    base = postgis_url()
    try:
        name = create_database(base, "contract")
    except Exception as exc:  # any failure means the service is not usable
        yield None
        require_service("PostgreSQL", f"{base}: {exc}")
        return
    yield with_database(base, name)
    drop_database(base, name)


@pytest.fixture(params=["sqlite", "postgis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, migrated, empty store of each backend."""
    if request.param == "sqlite":
        s = open_store(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}")
    else:
        url = request.getfixturevalue("pg_session_url")
        if url is None:
            require_service("PostgreSQL", f"cannot create a test database at {postgis_url()}")
        try:
            reset_postgis(url)
            s = open_store(url)
        except Exception as exc:  # any failure means the service is not usable
            require_service("PostGIS", f"{url}: {exc}")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def tiny_store(store: Store) -> Store:
    """The tiny county loaded: units and three issues."""
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.insert("issues", tiny_issues())
        tx.set_meta("plan_version", "1")
    return store


@pytest.fixture
def worker_store(store: Store) -> Store:
    """The tiny county's units and one grid worker account, ``worker`` in grid G1."""
    from gridmap import auth
    from gridmap.domain import Role

    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
    auth.add_user(Session.system(store, SCOPE), "worker", TEST_PASSWORD, role=Role.GRID_WORKER, unit_code=G1)
    return store


@pytest.fixture
def session(command_db_url: str) -> Iterator[Session]:
    """The admin's session on :func:`command_db_url` (the county whose KPIs are known)."""
    from gridmap import auth

    store = open_store(command_db_url)
    user = auth.current_user(store, "admin")
    assert user is not None
    yield Session(store, user)
    store.close()
