"""gridmap.maps.assets: every script and stylesheet of the map is served locally.

The rendered-HTML checks run everywhere (they only need the URLs). The checks of the
installed files need ``make assets``: locally they skip when ``static/vendor`` is
missing; under ``CI=true`` that fails the run.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import branca.colormap
import folium
import folium.plugins
import geopandas as gpd
import pytest
import shapely

from gridmap.maps import (
    OFFLINE,
    AssetsMissing,
    base_map,
    heat_layer,
    inspection_layer,
    issue_layer,
    missing_assets,
    offsite_assets,
    station_layer,
    tile_source,
    unit_layer,
    use_local_assets,
)
from gridmap.maps.assets import ASSETS, PLUGINS, REPO_ROOT, static_dir
from gridmap.settings import reset_settings
from tests.conftest import require_service
from tests.store_fixtures import tiny_issues, tiny_units

AS_OF = dt.datetime(2026, 11, 23, 9, 0)
# Any absolute URL, or a protocol-relative one where the browser would load it.
URL = re.compile(r"""https?://[^\s"'<>\\)]+|(?:src|href)\s*=\s*\\?["']//[^"'\\]+|url\(\s*["']?//[^)"']+""")


def every_layer_map(tiles=OFFLINE, *, check: bool = False) -> folium.Map:
    """A base map with every kind of layer the library builds (markers, cluster, heat, draw)."""
    units = tiny_units()
    issues = tiny_issues()
    stations = gpd.GeoDataFrame({"id": ["s1"], "name": ["站"], "station_type": ["party_l2"]},
                                geometry=[shapely.Point(120.405, 27.505)], crs="EPSG:4326")
    inspections = gpd.GeoDataFrame({"id": ["h1"], "status": ["overdue"], "severity": ["high"],
                                    "place_type": ["rental"], "hazard_types": [["gas"]]},
                                   geometry=[shapely.Point(120.415, 27.515)], crs="EPSG:4326")
    m = base_map((27.51, 120.41), tiles=tiles, check_assets=check)
    for group in (
        unit_layer(units[units["level"] == "micro"], values={"330327100001010011": 1}, tiles=tiles),
        station_layer(stations, tiles=tiles),
        issue_layer(issues, as_of=AS_OF, tiles=tiles),
        issue_layer(issues, as_of=AS_OF, tiles=tiles, aggregate="cluster", key="issuecluster"),
        inspection_layer(inspections, as_of=AS_OF, tiles=tiles, aggregate="heat"),
        heat_layer(issues, name="热力", tiles=tiles, key="heat2"),
    ):
        group.add_to(m)
    folium.plugins.Draw().add_to(m)
    return m


def offsite_urls(html: str) -> list[str]:
    return sorted(set(URL.findall(html)))


# --------------------------------------------------------------------------- URLs


def test_no_plugin_class_points_off_site_after_the_override() -> None:
    use_local_assets(check=False)
    assert offsite_assets() == []
    assert offsite_assets([folium.plugins.FastMarkerCluster]) == [], "subclasses inherit the local files"
    use_local_assets(check=False)  # idempotent
    assert offsite_assets() == []


def test_offsite_assets_finds_a_cdn_link() -> None:
    """The checker can fail: a plugin gridmap does not use still points at its CDN."""
    found = offsite_assets([folium.plugins.Geocoder])
    assert found and all(url.startswith("https://") for _, _, url in found)


def test_offsite_assets_flags_a_colormap_in_a_map() -> None:
    """st_folium adds d3 from a CDN for any branca colormap: the library must not use one."""
    use_local_assets(check=False)
    m = base_map((27.5, 120.4), tiles=OFFLINE, check_assets=False)
    assert offsite_assets(m) == []
    branca.colormap.LinearColormap(["red", "blue"]).add_to(m)
    assert any("d3" in name for _, name, _ in offsite_assets(m))


def test_offline_map_html_loads_nothing_from_another_host() -> None:
    html = every_layer_map().get_root().render()
    assert offsite_urls(html) == []
    assert "/app/static/vendor/leaflet/dist/leaflet.js" in html
    assert "L.heatLayer" in html and "markerClusterGroup" in html, "the plugins really are in the page"


def test_offline_map_walked_like_st_folium_is_local() -> None:
    m = every_layer_map()
    m.get_root().render()
    assert offsite_assets(m) == []


def test_online_tiles_are_the_only_remote_urls() -> None:
    tiles = tile_source({"GRIDMAP_TILES": "tianditu", "GRIDMAP_TIANDITU_KEY": "k"})
    urls = offsite_urls(every_layer_map(tiles).get_root().render())
    assert urls, "the tile templates are there"
    for url in urls:
        assert "tianditu.gov.cn" in url, f"{url} is neither a configured tile template nor its credit"
    assert any("/vec_w/wmts" in u for u in urls) and any("/cva_w/wmts" in u for u in urls)


def test_static_url_prefix_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDMAP_STATIC_URL", "/gridmap/app/static/")
    try:
        use_local_assets(check=False)
        assert dict(folium.Map.default_js)["leaflet"] == "/gridmap/app/static/vendor/leaflet/dist/leaflet.js"
    finally:
        monkeypatch.delenv("GRIDMAP_STATIC_URL")
        reset_settings()
        use_local_assets(check=False)
    assert dict(folium.Map.default_js)["leaflet"] == "/app/static/vendor/leaflet/dist/leaflet.js"


def test_missing_files_name_make_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(AssetsMissing, match="make assets"):
        use_local_assets(root=tmp_path)
    monkeypatch.setenv("GRIDMAP_STATIC_DIR", str(tmp_path))
    reset_settings()
    assert "leaflet/dist/leaflet.js" in missing_assets()
    with pytest.raises(AssetsMissing, match="make assets"):
        base_map((27.5, 120.4), tiles=OFFLINE)


# --------------------------------------------------------------------------- installed files


@pytest.fixture(scope="module")
def vendor() -> Path:
    root = static_dir() / "vendor"
    missing = missing_assets()
    if missing:
        require_service("map assets", f"{len(missing)} files missing under {root} (e.g. {missing[0]}); "
                                      "run `make assets`")
    return root


def test_every_served_file_is_installed(vendor: Path) -> None:
    assert missing_assets() == []
    for asset in ASSETS:
        assert (vendor / asset.path).stat().st_size > 500, asset.path


def test_every_url_in_the_served_css_resolves(vendor: Path) -> None:
    """Font Awesome's webfonts and the marker sprites are referenced relatively."""
    checked = 0
    for asset in ASSETS:
        if asset.kind != "css":
            continue
        css = (vendor / asset.path).read_text(errors="replace")
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css):
            if ref.startswith(("data:", "#")):
                continue
            assert not re.match(r"(?:https?:)?//", ref), f"{asset.path} loads {ref} from another host"
            target = (vendor / asset.path).parent / ref.split("?")[0].split("#")[0]
            assert target.is_file(), f"{asset.path} references {ref}, not installed"
            checked += 1
    assert checked >= 10, "the webfonts and sprites were checked"


def test_no_served_script_loads_from_a_cdn(vendor: Path) -> None:
    for asset in ASSETS:
        if asset.kind == "js":
            text = (vendor / asset.path).read_text(errors="replace")
            assert "cdn.jsdelivr.net" not in text and "cdnjs.cloudflare.com" not in text, asset.path


def test_package_lock_pins_what_package_json_asks() -> None:
    package = json.loads((REPO_ROOT / "web" / "package.json").read_text())
    lock = json.loads((REPO_ROOT / "web" / "package-lock.json").read_text())
    for name, version in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name}: pin an exact version, not {version!r}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
    assert package["dependencies"]["leaflet"] == "1.9.4"
    npm_sources = {a.source.split(":", 1)[1].split("/dist/")[0] for a in ASSETS if a.source.startswith("npm:")}
    for source in npm_sources:
        package_name = "/".join(source.split("/")[:2]) if source.startswith("@") else source.split("/")[0]
        assert package_name in package["dependencies"], f"{package_name} is served but not pinned"


def test_every_plugin_class_has_local_files() -> None:
    assert folium.Map in PLUGINS and folium.plugins.MarkerCluster in PLUGINS and folium.plugins.HeatMap in PLUGINS
    names = {cls: {n for n, _ in [*cls.default_js, *cls.default_css]} for cls in PLUGINS}
    for cls, (js, css) in PLUGINS.items():
        assert names[cls] == {a.name for a in (*js, *css)}
