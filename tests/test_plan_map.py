"""The planner's editable map (gridmap.maps.plan): what it draws and what it reads back.

The browser half (dragging a vertex in Leaflet.draw) is tests/browser/test_planner.py.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from gridmap.maps import OFFLINE
from gridmap.maps.plan import EditView, geometry_changed, plan_map, read_drawings

#  27.52 +----+----+
#        | A  | B  |      two micro-grids of one grid, 0.01 degrees each
#  27.51 +----+----+
#      120.40 120.41 120.42
A, B = "33032710000101001", "33032710000101002"


def _children() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [A, B], "name": ["第1微网格", "<b>{{x}}</b>"], "households": [30, None]},
                            geometry=[shapely.box(120.40, 27.51, 120.41, 27.52),
                                      shapely.box(120.41, 27.51, 120.42, 27.52)], crs="EPSG:4326")


def _html(lang: str = "zh") -> str:
    m = plan_map(_children(), _children().iloc[:0], view=EditView(27.515, 120.41, 14), tiles=OFFLINE, lang=lang)
    return m.get_root().render()


def test_each_editable_shape_carries_its_code_and_the_toolbar_speaks_chinese() -> None:
    html = _html()
    assert f'"code": "{A}"' in html.replace('"code":"', '"code": "')
    assert "L.Control.Draw" in html
    assert "调整边界" in html and "保存" in html  # Leaflet.draw's words, localised
    assert "Edit layers" not in html
    assert "draw:edited" in html  # the view stamp


def test_unit_names_are_escaped_on_the_map() -> None:
    html = _html()
    assert "<b>{{x}}</b>" not in html
    assert "&lt;b&gt;" in html


def test_english_toolbar_when_english_is_selected() -> None:
    assert "Reshape boundaries" in _html("en")


def _feature(geom: shapely.Geometry, **props: object) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}


def test_read_drawings_sorts_reshapes_lines_and_new_polygons() -> None:
    moved = shapely.Polygon([(120.40, 27.51), (120.4105, 27.51), (120.41, 27.52), (120.40, 27.52)])
    value = [
        _feature(moved, code=A, gridmap_view={"lat": 27.5, "lng": 120.4, "zoom": 15, "seq": 2}),
        _feature(shapely.LineString([(120.405, 27.505), (120.405, 27.525)]),
                 gridmap_view={"lat": 27.6, "lng": 120.5, "zoom": 13, "seq": 1}),
        _feature(shapely.box(120.401, 27.511, 120.402, 27.512)),
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[["x", 1]]]}},  # garbage: dropped
        "not a feature",
    ]
    got = read_drawings(value, OFFLINE)
    assert got is not None
    assert set(got.shapes) == {A}
    assert len(got.lines) == 1 and len(got.polygons) == 1
    assert got.view == EditView(27.5, 120.4, 15)  # the newest stamp wins
    assert read_drawings(value, OFFLINE).digest == got.digest
    assert read_drawings(None, OFFLINE) is None


def test_geometry_changed_ignores_leaflet_rounding_only() -> None:
    box = shapely.box(120.40, 27.51, 120.41, 27.52)
    noisy = shapely.box(120.4000000004, 27.51, 120.41, 27.5200000003)
    assert not geometry_changed(box, noisy)
    assert geometry_changed(box, shapely.box(120.40, 27.51, 120.4102, 27.52))


def test_every_unit_looked_edited_because_leaflet_sends_polygons() -> None:
    """Regression (browser test, issue 10): units are stored as MultiPolygons and Leaflet
    returns Polygons, so every returned unit compared as changed and the page reshaped
    the first one in the list, not the one the planner dragged."""
    box = shapely.box(120.40, 27.51, 120.41, 27.52)
    assert not geometry_changed(shapely.MultiPolygon([box]), box)


def test_leaflet_rounding_left_slivers_against_untouched_neighbours() -> None:
    """Regression (browser test, issue 10): Leaflet rounds every coordinate to 6 decimals,
    so an edited unit came back with *every* vertex moved by up to ~5 cm, and the edit
    left overlaps of several square metres with units of the next village that share
    its edge. Vertices the planner did not move are put back exactly."""
    from gridmap.maps.plan import restore_vertices

    stored = shapely.Polygon([(120.400000123456789, 27.510000987654321), (120.410000555555555, 27.510000444444444),
                              (120.410000333333333, 27.520000222222222), (120.400000777777777, 27.520000111111111)])
    rounded = [(round(x, 6), round(y, 6)) for x, y in stored.exterior.coords[:-1]]
    rounded[2] = (120.4105, 27.5203)  # the one vertex the planner dragged
    back = restore_vertices(stored, shapely.Polygon(rounded))
    got = list(back.exterior.coords)[:-1]
    want = list(stored.exterior.coords)[:-1]
    assert got[:2] == want[:2] and got[3] == want[3]  # exactly the stored floats
    assert got[2] == (120.4105, 27.5203)


def test_a_unit_in_several_pieces_is_shown_but_not_offered_for_editing() -> None:
    """Leaflet.draw edits one ring per shape: an exclave's other pieces would be lost."""
    two = shapely.MultiPolygon([shapely.box(120.40, 27.51, 120.405, 27.52), shapely.box(120.406, 27.51, 120.41, 27.52)])
    children = _children()
    children.loc[0, "geometry"] = two
    html = plan_map(children, children.iloc[:0], view=EditView(27.515, 120.41, 14), tiles=OFFLINE).get_root().render()
    assert f'"code": "{B}"' in html.replace('"code":"', '"code": "')  # B stays editable
    assert html.replace('"code":"', '"code": "').count(f'"code": "{A}"') == 1  # A only in the shown layer
    assert "由几块组成" in html


def test_units_the_draft_changes_are_outlined_in_the_diff_colour() -> None:
    from gridmap.maps.plan import MOVED_COLOUR

    m = plan_map(_children(), _children().iloc[:0], view=EditView(27.515, 120.41, 14), tiles=OFFLINE,
                 changed=frozenset({A}))
    html = m.get_root().render()
    plain = plan_map(_children(), _children().iloc[:0], view=EditView(27.515, 120.41, 14), tiles=OFFLINE)
    assert MOVED_COLOUR in html and "与现行方案不同" in html
    assert MOVED_COLOUR not in plain.get_root().render()
