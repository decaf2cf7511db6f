"""The hazard page's layer builders: colours by class, legends, escaping, the route and the GPS button."""

from __future__ import annotations

import folium
import geopandas as gpd
import shapely

from gridmap.hazards.layers import (
    BIN_COLOURS,
    LocateButton,
    area_layer,
    count_classes,
    hotspot_classes,
    pick_layer,
    route_layer,
)
from gridmap.maps import TileSource, base_map

TILES = TileSource("none")


def _html(group: folium.FeatureGroup) -> str:
    m = base_map((27.5, 120.4), zoom=12, tiles=TILES, check_assets=False)
    m.add_child(group)
    return m.get_root().render()


def _squares(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [f"c{i}" for i in range(n)], "name": [f"<b>单元{i}</b>" for i in range(n)]},
                            geometry=[shapely.box(120.4 + i * 0.01, 27.5, 120.41 + i * 0.01, 27.51) for i in range(n)],
                            crs="EPSG:4326")


def test_hot_spot_bins_get_arcgis_colours_and_a_legend_hot_99_first() -> None:
    labels = {b: f"bin {b}" for b in range(-3, 4)}
    classes, entries = hotspot_classes([3, 0, -2, 7], labels)
    assert classes == [3, 0, -2, None]  # a value outside -3..3 is no class
    assert [e.text for e in entries] == ["bin 3", "bin 2", "bin 1", "bin 0", "bin -1", "bin -2", "bin -3"]
    frame = _squares(4)
    html = _html(area_layer(frame, classes, BIN_COLOURS, entries, key="hot", name="热点", tooltip=[("name", "名称")],
                            tiles=TILES, legend_title="Gi*"))
    # four encoded features, one row each: palette index, code, tooltip text
    assert html.count('"f":[') == 1 and all(f',"c{i}",' in html for i in range(4))
    for colour in (BIN_COLOURS[3], BIN_COLOURS[0], BIN_COLOURS[-2]):
        assert colour in html
    assert "<b>单元0</b>" not in html and "\\u0026lt;b\\u0026gt;单元0" in html  # names escaped
    assert "gridmapAreas(geo, rows, o)" in html


def test_count_classes_keep_zero_apart() -> None:
    classes, colours, ranges = count_classes([0, 1, 2, 3, 10, None])
    assert classes[0] == 0 and classes[-1] is None
    assert all(c is not None and c >= 1 for c in classes[1:5])
    assert classes[4] == max(c for c in classes if c is not None)  # the largest count, the darkest class
    assert ranges[0] == (0.0, 0.0) and colours[0] == "#FFFFFF"
    assert count_classes([0, 0]) == ([0, 0], {0: "#FFFFFF"}, [(0.0, 0.0)])


def test_the_route_is_numbered_in_walking_order() -> None:
    stops = gpd.GeoDataFrame({"id": ["b", "a", "c"]}, geometry=[shapely.Point(120.40, 27.50),
                                                                shapely.Point(120.41, 27.50),
                                                                shapely.Point(120.42, 27.51)], crs="EPSG:4326")
    html = _html(route_layer(stops, tiles=TILES, name="路线", legend_text="站点"))
    assert html.count("color:#fff;font-size:11px;font-weight:700") == 3
    assert "[[27.5,120.4],[27.5,120.41],[27.51,120.42]]" in html.replace("\n", "").replace(" ", "")


def test_the_locate_button_reports_the_position_as_a_click_and_escapes_its_words() -> None:
    m = base_map((27.5, 120.4), zoom=12, tiles=TILES, check_assets=False)
    m.add_child(LocateButton('定位 "</script>', "不可用"))
    m.add_child(pick_layer(120.4, 27.5, tiles=TILES, name="新隐患"))
    html = m.get_root().render()
    assert "navigator.geolocation.getCurrentPosition" in html and "map.fire('click'" in html
    assert '"</script>' not in html  # tojson escapes the title
