"""gridmap.maps.layers: what each builder puts on the map, escaping, determinism.

Frames are hand-made (the tiny 2x2 county of ``tests/store_fixtures.py`` and a few
points), so every expected value is visible here.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from streamlit_folium import _get_feature_group_string

from gridmap.maps import (
    OFFLINE,
    LegendEntry,
    base_map,
    hazard_overdue,
    heat_layer,
    inspection_layer,
    issue_layer,
    issue_overdue,
    legend,
    points_per_unit,
    station_layer,
    style,
    tile_source,
    unit_layer,
)
from gridmap.spatial.crs import wgs84_to_gcj02
from gridmap.text import escape_html
from tests.store_fixtures import G1, G2, M1, M2, M3, M4, tiny_issues, tiny_units

AS_OF = dt.datetime(2026, 11, 23, 9, 0)
IMG = "<img src=x onerror=alert(1)>"
TEMPLATE = "`${alert(1)}`"
GAODE = tile_source({"GRIDMAP_TILES": "gaode"})


def micro_units() -> gpd.GeoDataFrame:
    units = tiny_units()
    return units[units["level"] == "micro"].reset_index(drop=True)


def hostile_units() -> gpd.GeoDataFrame:
    units = micro_units()
    units.loc[units["code"] == M1, "name"] = IMG
    units.loc[units["code"] == M2, "name"] = TEMPLATE
    return units


def points(n: int, *, status: str = "in_progress", deadline: dt.datetime | None = None) -> gpd.GeoDataFrame:
    """``n`` issues on a line across the tiny county, ids p0000..."""
    xs = np.linspace(120.401, 120.419, n)
    return gpd.GeoDataFrame({
        "id": [f"p{i:04d}" for i in range(n)],
        "category": "sanitation", "status": status, "description": "垃圾",
        "reported_at": dt.datetime(2026, 11, 20, 8), "deadline": deadline,
        "micro_code": M1, "grid_code": G1,
    }, geometry=gpd.points_from_xy(xs, np.full(n, 27.515)), crs="EPSG:4326")


def render(*groups: folium.FeatureGroup, tiles=OFFLINE) -> str:
    m = base_map((27.51, 120.41), tiles=tiles, check_assets=False)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def st_folium_script(group: folium.FeatureGroup) -> str:
    """The JavaScript st_folium sends for a dynamic feature group."""
    m = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False)
    m.get_root().render()
    return _get_feature_group_string(group, m, 0)


def geojson_children(group: folium.FeatureGroup) -> list[folium.GeoJson]:
    return [c for c in group._children.values() if isinstance(c, folium.GeoJson)]


def all_features(group: folium.FeatureGroup) -> list[dict]:
    return [f for layer in geojson_children(group) for f in layer.data["features"]]


# --------------------------------------------------------------------------- units


def test_unit_features_carry_the_code_and_only_tooltip_properties() -> None:
    group = unit_layer(micro_units(), values={M1: 1, M2: 2, M3: 3}, measure="事件数", tiles=OFFLINE)
    (layer,) = geojson_children(group)
    feats = layer.data["features"]
    assert [f["properties"]["code"] for f in feats] == [M1, M2, M3, M4]
    assert {k for f in feats for k in f["properties"]} == {"code", "n", "v", "h"}
    assert feats[3]["properties"]["v"] == "无数据"
    assert layer.feature_identifier == "feature.properties.code"
    tooltip = next(c for c in layer._children.values() if isinstance(c, folium.GeoJsonTooltip))
    assert tooltip.fields == ["n", "v", "h"] and tooltip.aliases == ["名称", "事件数", "户数"]


def test_unit_colours_follow_the_measure_classes() -> None:
    group = unit_layer(micro_units(), values=pd.Series({M1: 0.0, M2: 5.0, M3: 50.0}), tiles=OFFLINE)
    (layer,) = geojson_children(group)
    colour = {f["properties"]["code"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    assert colour[M4] == style.NO_DATA_COLOUR
    assert colour[M3] == style.SEQUENTIAL[-1], "the largest value gets the darkest colour"
    assert colour[M1] == style.ZERO_COLOUR, "a count of zero is neutral (issue 9)"
    assert colour[M2] != colour[M3] and colour[M2] in style.SEQUENTIAL
    legends = [c for c in group._children.values() if c._name == "Legend"]
    assert len(legends) == 1 and "无数据" in legends[0].html


def test_units_coloured_by_risk() -> None:
    group = unit_layer(micro_units(), colour_by="risk", tiles=OFFLINE, lang="en")
    (layer,) = geojson_children(group)
    by_code = {f["properties"]["code"]: f for f in layer.data["features"]}
    assert layer.style_function(by_code[M3])["fillColor"] == style.RISK_COLOURS["orange"]
    assert by_code[M3]["properties"]["r"] == "Orange (high attention)"
    assert layer.style_function(by_code[M1])["fillColor"] == style.RISK_COLOURS["cyan"]


def test_shares_read_as_percentages_and_good_measures_run_the_other_way() -> None:
    group = unit_layer(micro_units(), values={M1: 0.25, M2: 0.5, M3: 1.0}, scale="share",
                       higher_is_worse=False, tiles=OFFLINE)
    (layer,) = geojson_children(group)
    by_code = {f["properties"]["code"]: f for f in layer.data["features"]}
    assert by_code[M1]["properties"]["v"] == "25%" and by_code[M3]["properties"]["v"] == "100%"
    assert layer.style_function(by_code[M1])["fillColor"] == style.SEQUENTIAL[-1], "the lowest rate is darkest"
    legend_html = next(c for c in group._children.values() if c._name == "Legend").html
    assert "≤ 25%" in legend_html


def test_risk_from_measure_values_overrides_the_column() -> None:
    group = unit_layer(micro_units(), values={M1: "orange"}, colour_by="risk", tiles=OFFLINE)
    (layer,) = geojson_children(group)
    by_code = {f["properties"]["code"]: f for f in layer.data["features"]}
    assert layer.style_function(by_code[M1])["fillColor"] == style.RISK_COLOURS["orange"]
    assert layer.style_function(by_code[M3])["fillColor"] == style.NO_DATA_COLOUR


def test_plain_boundaries_have_no_legend_and_value_needs_values() -> None:
    group = unit_layer(micro_units(), tiles=OFFLINE)
    assert not [c for c in group._children.values() if c._name == "Legend"]
    with pytest.raises(ValueError, match="values"):
        unit_layer(micro_units(), colour_by="value", tiles=OFFLINE)


def test_unit_coordinates_are_rounded_and_single_polygons_unwrapped() -> None:
    units = micro_units()
    units["geometry"] = units.geometry.translate(1.23456789e-6, 0)
    text = json.dumps(all_features(unit_layer(units, tiles=OFFLINE)))
    decimals = [len(d) for d in re.findall(r"\d+\.(\d+)", text)]
    assert max(decimals) <= 5
    assert '"Polygon"' in text and "MultiPolygon" not in text


# --------------------------------------------------------------------------- escaping


def test_hostile_unit_names_are_escaped_in_the_rendered_map() -> None:
    html = render(unit_layer(hostile_units(), tiles=OFFLINE))
    assert IMG not in html and "onerror=alert(1)>" not in html
    assert TEMPLATE not in html and "${alert(1)}" not in html
    # escape_html output, then JSON-escaped by folium's tojson (& -> \u0026)
    assert escape_html(IMG).replace("&", "\\u0026") in html
    assert escape_html(TEMPLATE).replace("&", "\\u0026") in html


def test_hostile_names_are_escaped_in_what_st_folium_sends() -> None:
    script = st_folium_script(unit_layer(hostile_units(), tiles=OFFLINE))
    assert IMG not in script and "${alert(1)}" not in script
    assert escape_html(IMG).replace("&", "\\u0026") in script


def test_hostile_point_text_is_escaped() -> None:
    issues = points(2)
    issues.loc[0, "description"] = IMG
    issues.loc[1, "category"] = TEMPLATE  # an unknown code is shown as itself
    stations = gpd.GeoDataFrame({"id": ["s1"], "name": [IMG], "station_type": [TEMPLATE]},
                                geometry=[shapely.Point(120.41, 27.51)], crs="EPSG:4326")
    html = render(issue_layer(issues, tiles=OFFLINE), station_layer(stations, tiles=OFFLINE),
                  issue_layer(issues, tiles=OFFLINE, aggregate="cluster", key="clustered"))
    assert IMG not in html and "${alert(1)}" not in html
    props = [f["properties"] for f in all_features(issue_layer(issues, tiles=OFFLINE))]
    assert props[0]["d"] == escape_html(IMG) and props[1]["t"] == escape_html(TEMPLATE)


def test_legend_text_is_escaped() -> None:
    box = legend(IMG, [LegendEntry("fill", "#fff", TEMPLATE)])
    assert IMG not in box.html and "${" not in box.html
    assert escape_html(IMG) in box.html


# --------------------------------------------------------------------------- determinism


def build_all(units: gpd.GeoDataFrame) -> str:
    issues = points(5, deadline=dt.datetime(2026, 11, 21))
    return render(unit_layer(units, values={M1: 3, M2: 1}, tiles=OFFLINE),
                  issue_layer(issues, as_of=AS_OF, tiles=OFFLINE),
                  issue_layer(points(30), tiles=OFFLINE, max_markers=10, key="many"),
                  heat_layer(issues, name="热力", tiles=OFFLINE, key="heat"))


def test_same_input_gives_identical_html() -> None:
    first = build_all(micro_units())
    assert build_all(micro_units()) == first
    shuffled = micro_units().sample(frac=1, random_state=3)
    assert build_all(shuffled) == first, "row order does not matter"
    changed = micro_units()
    changed.loc[0, "name"] = "改名"
    assert build_all(changed) != first, "the comparison can fail"


def test_same_input_gives_identical_st_folium_script() -> None:
    a = st_folium_script(unit_layer(micro_units(), values={M1: 3}, tiles=OFFLINE))
    b = st_folium_script(unit_layer(micro_units(), values={M1: 3}, tiles=OFFLINE))
    assert a == b
    assert st_folium_script(unit_layer(micro_units(), values={M1: 4}, tiles=OFFLINE)) != a


def test_base_map_is_the_same_every_time() -> None:
    a = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False).get_root().render()
    b = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False).get_root().render()
    assert a == b
    assert "maxZoom" in a and "preferCanvas" in a
    assert "leaflet.markercluster.js" in a and "leaflet_heat.min.js" in a, "plugins preloaded"
    assert "tile_layer" not in a, "offline: no tile layer at all"


def test_st_folium_renames_every_element_of_a_group() -> None:
    """st_folium rewrites ids by pattern; an id it cannot rewrite breaks the layer's JS."""
    groups = [unit_layer(micro_units(), values={M1: 1}, tiles=OFFLINE),
              station_layer(gpd.GeoDataFrame({"id": ["s"], "name": ["站"], "station_type": ["party_l2"]},
                                             geometry=[shapely.Point(120.41, 27.51)], crs="EPSG:4326"),
                            tiles=OFFLINE),
              issue_layer(points(3, deadline=dt.datetime(2026, 11, 21)), as_of=AS_OF, tiles=OFFLINE),
              issue_layer(points(30), tiles=OFFLINE, max_markers=10, key="many"),
              heat_layer(points(3), name="热", tiles=OFFLINE, key="heat")]
    for group in groups:
        key = group._id
        script = st_folium_script(group)
        assert key not in script, f"{key}: an element kept its own id in st_folium's script"
        assert "feature_group_feature_group_0" in script


def test_no_popups_anywhere() -> None:
    groups = [unit_layer(micro_units(), tiles=OFFLINE), issue_layer(points(3), tiles=OFFLINE),
              station_layer(gpd.GeoDataFrame({"id": ["s"], "name": ["站"], "station_type": ["happiness"]},
                                             geometry=[shapely.Point(120.41, 27.51)], crs="EPSG:4326"),
                            tiles=OFFLINE)]

    def walk(element):
        yield element
        for child in element._children.values():
            yield from walk(child)

    for group in groups:
        assert not [e for e in walk(group) if isinstance(e, folium.Popup | folium.GeoJsonPopup)]


# --------------------------------------------------------------------------- points


def test_issue_overdue_rule() -> None:
    issues = pd.DataFrame({
        "status": ["in_progress", "in_progress", "resolved", "closed", "reported"],
        "deadline": [dt.datetime(2026, 11, 22), dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 1),
                     dt.datetime(2026, 11, 1), None],
    })
    assert issue_overdue(issues, AS_OF).tolist() == [True, False, False, False, False]
    assert not issue_overdue(issues, None).any()


def test_hazard_overdue_rule() -> None:
    """Same definition as gridmap.command.flags: open and past the deadline."""
    inspections = pd.DataFrame({
        "status": ["overdue", "found", "rectifying", "rectified", "found", "overdue"],
        "deadline": [None, dt.datetime(2026, 11, 22), dt.datetime(2026, 11, 22), dt.datetime(2026, 11, 1),
                     dt.datetime(2026, 11, 30), dt.datetime(2026, 11, 30)],
    })
    assert hazard_overdue(inspections, AS_OF).tolist() == [True, True, True, False, False, False]
    assert hazard_overdue(inspections, None).tolist() == [True, False, False, False, False, True]


def test_overdue_issues_stand_out() -> None:
    issues = pd.concat([points(3, deadline=dt.datetime(2026, 11, 21)),
                        points(2, status="reported", deadline=dt.datetime(2026, 11, 30)).assign(id=["q1", "q2"])])
    group = issue_layer(issues, as_of=AS_OF, tiles=OFFLINE)
    layers = {layer._id: layer for layer in geojson_children(group)}
    late = layers["gmissueslate"]
    assert [f["properties"]["id"] for f in late.data["features"]] == ["p0000", "p0001", "p0002"]
    assert late.marker.options["radius"] == style.OVERDUE_STYLE.radius
    assert late.marker.options["fillColor"] == style.OVERDUE_STYLE.fill
    others = [layer for key, layer in layers.items() if key != "gmissueslate"]
    assert [f["properties"]["id"] for layer in others for f in layer.data["features"]] == ["q1", "q2"]
    assert others[0].marker.options["fillColor"] == style.ISSUE_STATUS_COLOURS["reported"]
    assert others[0].marker.options["radius"] < style.OVERDUE_STYLE.radius


def test_too_many_points_are_clustered_and_overdue_clusters_marked() -> None:
    few = issue_layer(points(10), tiles=OFFLINE, max_markers=10)
    assert geojson_children(few) and not _clusters(few)
    many = issue_layer(points(11, deadline=dt.datetime(2026, 11, 21)), as_of=AS_OF, tiles=OFFLINE, max_markers=10)
    assert not geojson_children(many)
    (cluster,) = _clusters(many)
    assert len(cluster.data) == 11
    assert all(row[2] == row[2] and isinstance(row[2], int) for row in cluster.data)
    assert "gridmapLate" in cluster.callback and "box-shadow" in cluster.icon_create_function


def test_heat_is_an_option() -> None:
    group = issue_layer(points(20), tiles=OFFLINE, aggregate="heat")
    (heat,) = [c for c in group._children.values() if isinstance(c, folium.plugins.HeatMap)]
    assert len(heat.data) == 20
    with pytest.raises(ValueError, match="aggregate"):
        issue_layer(points(2), tiles=OFFLINE, aggregate="hexagons")  # type: ignore[arg-type]


def _clusters(group: folium.FeatureGroup) -> list[folium.plugins.FastMarkerCluster]:
    return [c for c in group._children.values() if isinstance(c, folium.plugins.FastMarkerCluster)]


def test_stations_get_one_icon_per_type() -> None:
    stations = gpd.GeoDataFrame({
        "id": ["a", "b", "c"], "name": ["一", "二", "三"],
        "station_type": ["police_post", "happiness", "police_post"],
    }, geometry=gpd.points_from_xy([120.401, 120.402, 120.403], [27.51] * 3), crs="EPSG:4326")
    layers = geojson_children(station_layer(stations, tiles=OFFLINE))
    icons = [(layer.marker.icon.options["icon"], len(layer.data["features"])) for layer in layers]
    assert icons == [("heart", 1), ("shield-halved", 2)]
    assert all(layer.marker.icon.options["prefix"] == "fa" for layer in layers)


def test_inspections_by_status() -> None:
    inspections = gpd.GeoDataFrame({
        "id": ["a", "b", "c"], "status": ["found", "rectified", "overdue"], "severity": "high",
        "place_type": "rental", "hazard_types": [["gas", "flying_wire"]] * 3,
    }, geometry=gpd.points_from_xy([120.401, 120.402, 120.403], [27.51] * 3), crs="EPSG:4326")
    layers = geojson_children(inspection_layer(inspections, as_of=AS_OF, tiles=OFFLINE))
    fills = [re.search(r"background:(#[0-9A-F]{6})", layer.marker.icon.options["html"]).group(1)
             for layer in layers]  # hazards are diamonds (DivIcons), not dots
    assert fills == [style.HAZARD_STATUS_COLOURS["found"], style.HAZARD_STATUS_COLOURS["rectified"],
                     style.OVERDUE_STYLE.fill]
    assert layers[0].data["features"][0]["properties"]["z"] == "燃气使用隐患、飞线充电"


def test_empty_frames_give_empty_groups() -> None:
    assert not geojson_children(unit_layer(micro_units().iloc[:0], tiles=OFFLINE))
    assert not issue_layer(points(0), tiles=OFFLINE)._children
    render(unit_layer(micro_units().iloc[:0], tiles=OFFLINE), issue_layer(points(0), tiles=OFFLINE))


def test_layer_keys_must_be_plain() -> None:
    with pytest.raises(ValueError, match="letters and digits"):
        unit_layer(micro_units(), tiles=OFFLINE, key="units_1")


def test_missing_columns_are_named() -> None:
    with pytest.raises(ValueError, match="status"):
        issue_layer(points(1).drop(columns="status"), tiles=OFFLINE)


def test_points_per_unit() -> None:
    counts = points_per_unit(tiny_issues(), "grid")
    assert counts.to_dict() == {G1: 1, G2: 1}
    with pytest.raises(ValueError):
        points_per_unit(tiny_issues(), "county")


# --------------------------------------------------------------------------- GCJ-02


def test_gaode_tiles_shift_what_is_drawn() -> None:
    (layer,) = geojson_children(unit_layer(micro_units().iloc[:1], tiles=GAODE))
    ring = np.array(layer.data["features"][0]["geometry"]["coordinates"][0])
    expected = np.column_stack(wgs84_to_gcj02(np.array([120.41, 120.41, 120.40, 120.40, 120.41]),
                                              np.array([27.51, 27.52, 27.52, 27.51, 27.51])))
    ring_set = {tuple(p) for p in np.round(ring, 5)}
    assert ring_set == {tuple(p) for p in np.round(expected, 5)}
    (dots,) = geojson_children(issue_layer(points(1), tiles=GAODE))
    x, y = dots.data["features"][0]["geometry"]["coordinates"]
    gx, gy = wgs84_to_gcj02(120.401, 27.515)
    assert (x, y) == pytest.approx((gx, gy), abs=1e-5)


def test_base_map_centre_is_shifted_for_gaode() -> None:
    m = base_map((27.5, 120.4), tiles=GAODE, check_assets=False)
    gx, gy = wgs84_to_gcj02(120.4, 27.5)
    assert m.location == pytest.approx([gy, gx], abs=1e-6)
    assert "webrd0{s}.is.autonavi.com" in m.get_root().render()


def test_embedded_json_is_compact_utf8() -> None:
    html = render(unit_layer(micro_units(), tiles=OFFLINE))
    assert '"n":"第1微网格"' in html, "names as UTF-8, no spaces after separators"
    assert "\\u7b2c" not in html
