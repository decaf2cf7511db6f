"""Regression: stored text with ``{{``, ``{%`` or ``{#`` took the command map down (issue 8, defect 9).

One grid worker's issue description such as ``垃圾堆放 {{ 请尽快处理`` made the map page
fail with ``jinja2.TemplateSyntaxError`` for every role that saw the row: branca wraps
each rendered script in a new element whose constructor compiles it as a Jinja
template, and :func:`gridmap.text.escape_html` left braces alone. The same through
unit and station names, station and hazard types and imports. Now braces become
character references in the one escaping module, so every builder is covered.
"""

from __future__ import annotations

import datetime as dt
import html
import sqlite3

import folium
import geopandas as gpd
import jinja2
import pytest
import shapely
from streamlit_folium import _get_feature_group_string

from gridmap import auth
from gridmap.access import Session
from gridmap.command import Filters, data_now, load_snapshot
from gridmap.command.view import build_view, load_points
from gridmap.maps import (
    OFFLINE,
    LegendEntry,
    base_map,
    inspection_layer,
    issue_layer,
    legend,
    station_layer,
    unit_layer,
)
from gridmap.store import open_store
from gridmap.text import escape_html
from tests.store_fixtures import G1, M1, M2, tiny_units

PAYLOADS = ["垃圾堆放 {{ 请尽快处理", "{% if %}", "{# x", "}} {%- raw %} {{ 7*7 }}", "{{ config }}"]
GRID = "33032710000101"


@pytest.mark.parametrize("text", PAYLOADS)
def test_escape_html_leaves_no_braces_and_shows_as_typed(text: str) -> None:
    escaped = escape_html(text)
    assert "{" not in escaped and "}" not in escaped
    assert html.unescape(escaped) == text
    jinja2.Template(f"<script>var x = '{escaped}';</script>").render()  # compiles: nothing to parse


def _render(*groups: folium.FeatureGroup) -> str:
    m = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def _st_folium_script(group: folium.FeatureGroup) -> str:
    m = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False)
    m.get_root().render()
    return _get_feature_group_string(group, m, 0)


@pytest.mark.parametrize("text", PAYLOADS)
def test_every_layer_builder_renders_text_with_braces(text: str) -> None:
    units = tiny_units()
    units = units[units["level"] == "micro"].reset_index(drop=True)
    units.loc[units["code"] == M1, "name"] = text
    point = [shapely.Point(120.405, 27.515)]
    issues = gpd.GeoDataFrame({"id": [f"id {text}"], "category": [text], "status": ["reported"],
                               "description": [text], "reported_at": [dt.datetime(2026, 11, 20, 8)],
                               "deadline": [None], "micro_code": [M1], "grid_code": [G1]},
                              geometry=point, crs="EPSG:4326")
    hazards = gpd.GeoDataFrame({"id": ["h1"], "status": ["found"], "place_type": [text], "severity": [text],
                                "hazard_types": [[text, "fire"]], "found_at": [dt.datetime(2026, 11, 20, 8)],
                                "deadline": [None], "micro_code": [M2]}, geometry=point, crs="EPSG:4326")
    stations = gpd.GeoDataFrame({"id": ["s1"], "name": [text], "station_type": [text]}, geometry=point,
                                crs="EPSG:4326")
    groups = [unit_layer(units, values={M1: 3}, tiles=OFFLINE), issue_layer(issues, tiles=OFFLINE),
              issue_layer(issues, tiles=OFFLINE, aggregate="cluster", key="clustered"),
              inspection_layer(hazards, tiles=OFFLINE), station_layer(stations, tiles=OFFLINE)]
    page = _render(*groups)
    assert escape_html(text).replace("&", "\\u0026") in page  # drawn, escaped
    for group in groups:
        _st_folium_script(group)  # what st_folium sends on each live tick renders too
    box = legend(text, [LegendEntry("fill", "#fff", text)])
    _render(box)


def test_the_command_view_renders_with_braces_in_the_store(command_db_url: str) -> None:
    path = command_db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # as an import or a report would have stored them
        conn.execute("UPDATE issues SET description = ?", [PAYLOADS[0]])
        conn.execute("UPDATE units SET name = ? WHERE level = 'micro'", [PAYLOADS[1]])
        conn.execute("UPDATE units SET name = ? WHERE level = 'grid'", [PAYLOADS[2]])
    store = open_store(command_db_url)
    user = auth.current_user(store, "admin")
    assert user is not None
    session = Session(store, user)
    snapshot = load_snapshot(session)
    now = data_now(session)
    for code in (None, GRID):
        view = build_view(session, snapshot, code, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh",
                          points=load_points(session, snapshot, code) if code else None)
        fmap = base_map(view.center, zoom=view.zoom, tiles=OFFLINE, check_assets=False)
        for layer in view.layers:
            layer.add_to(fmap)
        page = fmap.get_root().render()
        if code == GRID:
            assert escape_html(PAYLOADS[0]).replace("&", "\\u0026") in page
            assert escape_html(PAYLOADS[1]).replace("&", "\\u0026") in page
        for layer in view.layers:  # and what st_folium sends of each group on a live tick
            _st_folium_script(layer)



@pytest.mark.parametrize("unit", [None, GRID])
def test_the_command_page_stays_up(monkeypatch: pytest.MonkeyPatch, command_db_url: str, unit: str | None) -> None:
    from streamlit.testing.v1 import AppTest

    from gridmap.store.base import now as wall_clock
    from gridmap.ui import AUTH_KEY
    from gridmap.ui.command import UNIT_KEY
    from tests.conftest import REPO_ROOT

    with sqlite3.connect(command_db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE issues SET description = ?", [PAYLOADS[0]])
        conn.execute("UPDATE units SET name = ? WHERE level IN ('micro', 'town')", [PAYLOADS[1]])
    monkeypatch.setenv("GRIDMAP_DB", command_db_url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "command_map.py"), default_timeout=90)
    at.session_state[AUTH_KEY] = {"username": "admin", "signed_in_at": wall_clock(), "last_seen": wall_clock()}
    if unit:
        at.session_state[UNIT_KEY] = unit
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.metric) == 8
