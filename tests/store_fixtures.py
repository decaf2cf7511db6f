"""Data for the store fixtures (in conftest.py): one tiny county, both backends.

The tiny county (codes under 330327, near Lingxi)::

    27.52 +---------+---------+
          |  M1     |  M2     |     village V (330327100001)
          |         |         |       grid G1 = M1 + M2 (row 27.51-27.52)
    27.51 +---------+---------+       grid G2 = M3 + M4 (row 27.50-27.51)
          |  M3     |  M4     |
          |         |         |
    27.50 +---------+---------+
        120.40    120.41    120.42
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from urllib.parse import quote, urlsplit

import geopandas as gpd
import shapely

from gridmap.domain import Scope

COUNTY = "330327"
SCOPE = Scope.county(COUNTY)
VILLAGE = "330327100001"
G1, G2 = VILLAGE + "01", VILLAGE + "02"
M1, M2, M3, M4 = G1 + "001", G1 + "002", G2 + "001", G2 + "002"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/gridmap_test"


def _box(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


def tiny_units() -> gpd.GeoDataFrame:
    rows = [
        ("330327000000", "county", "苍南县", None, _box(120.40, 27.50, 120.42, 27.52)),
        ("330327100000", "town", "灵溪镇", "330327000000", _box(120.40, 27.50, 120.42, 27.52)),
        (VILLAGE, "village", "古磉居委会", "330327100000", _box(120.40, 27.50, 120.42, 27.52)),
        (G1, "grid", "第1网格", VILLAGE, _box(120.40, 27.51, 120.42, 27.52)),
        (G2, "grid", "第2网格", VILLAGE, _box(120.40, 27.50, 120.42, 27.51)),
        (M1, "micro", "第1微网格", G1, _box(120.40, 27.51, 120.41, 27.52)),
        (M2, "micro", "第2微网格", G1, _box(120.41, 27.51, 120.42, 27.52)),
        (M3, "micro", "第3微网格", G2, _box(120.40, 27.50, 120.41, 27.51)),
        (M4, "micro", "第4微网格", G2, _box(120.41, 27.50, 120.42, 27.51)),
    ]
    return gpd.GeoDataFrame(
        {
            "id": [f"{r[0]}:1" for r in rows],
            "code": [r[0] for r in rows],
            "level": [r[1] for r in rows],
            "name": [r[2] for r in rows],
            "parent_code": [r[3] for r in rows],
            "households": [120, 120, 120, 60, 60, 30, 30, 30, 30],
            "residents": [300] * 9,
            "floating": [10] * 9,
            "risk_colour": ["cyan", "cyan", "blue", "blue", "orange", "cyan", "cyan", "orange", "cyan"],
            "risk_set_at": [dt.datetime(2026, 11, 1, 9, 30)] * 9,
            "staff": [[{"name": "张三", "role": "grid_leader"}]] * 9,
            "plan_version": [1] * 9,
            "approximate": [True] * 9,
        },
        geometry=[r[4] for r in rows],
        crs="EPSG:4326",
    )


def tiny_issues() -> gpd.GeoDataFrame:
    """Three issues: one in M1, one in M4, one outside every unit."""
    return gpd.GeoDataFrame(
        {
            "id": ["i1", "i2", "i3"],
            "category": ["sanitation", "traffic", "dispute"],
            "description": ["垃圾堆放", "路灯损坏 <b>", "邻里纠纷"],
            "channel": ["citizen_photo", "grid_patrol", "hotline"],
            "reporter": ["李四", "王五", "赵六"],
            "department": ["enforcement", "traffic_police", "justice"],
            "status": ["reported", "closed", "in_progress"],
            "reported_at": [dt.datetime(2026, 11, 20, 8, 0), dt.datetime(2026, 11, 1, 10, 0),
                            dt.datetime(2026, 11, 21, 15, 30)],
            "deadline": [dt.datetime(2026, 11, 21, 8, 0), dt.datetime(2026, 11, 3, 10, 0), None],
            "closed_at": [None, dt.datetime(2026, 11, 2, 10, 0), None],
            "town_code": ["330327100000", "330327100000", None],
            "village_code": [VILLAGE, VILLAGE, None],
            "grid_code": [G1, G2, None],
            "micro_code": [M1, M4, None],
            "outside": [False, False, True],
        },
        geometry=[shapely.Point(120.405, 27.515), shapely.Point(120.415, 27.505), shapely.Point(120.5, 27.6)],
        crs="EPSG:4326",
    )


def reset_postgis(url: str) -> None:
    """Drop every gridmap table in the test database (PostGIS itself stays)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'spatial_ref_sys'"
        ).fetchall()
        for (name,) in rows:
            conn.execute(f'DROP TABLE IF EXISTS "{name}" CASCADE')


def postgis_url() -> str:
    return os.environ.get("GRIDMAP_TEST_PG", PG_DEFAULT)


def with_database(url: str, dbname: str, **query: str) -> str:
    """``url`` pointing at another database, with extra query parameters."""
    parts = urlsplit(url)
    extra = "&".join(f"{k}={quote(v)}" for k, v in query.items())
    joined = "&".join(q for q in (parts.query, extra) if q)
    return parts._replace(path=f"/{dbname}", query=joined).geturl()


def create_database(base_url: str, label: str) -> str:
    """A new, uniquely named database beside ``base_url``'s; returns its name."""
    import psycopg
    from psycopg import sql

    name = f"gridmap_{label}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_database(base_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
