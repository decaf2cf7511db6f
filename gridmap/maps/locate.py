"""The locate button: the browser's GPS position, reported to the page as a map click.

streamlit-folium reports map clicks (``last_clicked``); firing Leaflet's ``click``
event at the position ``navigator.geolocation`` returns makes the page receive the
fix exactly like a click, with no extra component. The hazard page (a new hazard's
spot) and the report page (a report's position) both use it.

Browsers give a position only on HTTPS or localhost, and after the user allows it; a
refusal or a timeout is shown as the button's tooltip. The fix is WGS84: on GCJ-02
tiles (Gaode) it is shifted to GCJ-02 in the browser before the click is fired
(:data:`GCJ02_JS`, the formula of :func:`gridmap.spatial.crs.wgs84_to_gcj02`), so the
page's usual GCJ-02 -> WGS84 conversion of a click (:func:`gridmap.maps.from_display`)
gives the fix back.
"""

from __future__ import annotations

import folium
from folium.template import Template

from gridmap.maps.features import element_id
from gridmap.maps.tiles import TileConfigError, TileSource, tile_source

# WGS84 (lon, lat) -> GCJ-02 [lon, lat]; unchanged outside the conventional box. The same
# terms as gridmap.spatial.crs (Krasovsky ellipsoid); tests compare the two.
GCJ02_JS = """function (lon, lat) {
  if (lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271) { return [lon, lat]; }
  var PI = Math.PI, A = 6378245.0, EE = 0.00669342162296594323;
  var x = lon - 105.0, y = lat - 35.0;
  var common = (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0;
  var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x)) + common
    + (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0
    + (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
  var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x)) + common
    + (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0
    + (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
  var s = Math.sin(lat * PI / 180.0), w = 1.0 - EE * s * s, sw = Math.sqrt(w);
  var meridian = A * (1.0 - EE) / (w * sw), prime = A / sw;
  return [lon + dLon * 180.0 / (prime * Math.cos(lat * PI / 180.0) * PI), lat + dLat * 180.0 / (meridian * PI)];
}"""


class LocateButton(folium.MacroElement):
    """A button on the map (top left): the browser's position, reported as a click there.

    Args:
        title: The button's tooltip ("use this device's position").
        unavailable: The tooltip after the browser gave no position (followed by its reason).
        tiles: The map's tile source; GCJ-02 tiles get the fix shifted to their datum.
            Default: the configured one (:func:`gridmap.maps.tile_source`), which is
            what the map pages draw on.
        key: A fixed id for the element (lower-case letters and digits).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var toDisplay = {{ this.shift_js }};
            var control = L.control({position: 'topleft'});
            control.onAdd = function () {
                var a = L.DomUtil.create('a', 'gm-locate leaflet-bar');
                a.href = '#'; a.title = {{ this.title|tojson }};
                a.setAttribute('role', 'button'); a.setAttribute('aria-label', {{ this.title|tojson }});
                a.innerHTML = '<i class="fa-solid fa-location-crosshairs"></i>';
                a.style.cssText = 'display:block;width:30px;height:30px;line-height:30px;text-align:center;'
                    + 'font-size:16px;background:#fff;color:#333;text-decoration:none';
                L.DomEvent.disableClickPropagation(a);
                L.DomEvent.on(a, 'click', function (e) {
                    L.DomEvent.preventDefault(e);
                    if (!navigator.geolocation) { a.title = {{ this.unavailable|tojson }}; return; }
                    navigator.geolocation.getCurrentPosition(function (pos) {
                        var shown = toDisplay(pos.coords.longitude, pos.coords.latitude);
                        var ll = L.latLng(shown[1], shown[0]);
                        map.setView(ll, Math.max(map.getZoom(), 17));
                        map.fire('click', {latlng: ll, layerPoint: map.latLngToLayerPoint(ll),
                                           containerPoint: map.latLngToContainerPoint(ll)});
                    }, function (err) { a.title = {{ this.unavailable|tojson }} + ' (' + err.message + ')'; },
                    {enableHighAccuracy: true, timeout: 15000});
                });
                return a;
            };
            control.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, unavailable: str, tiles: TileSource | None = None, key: str = "locate") -> None:
        super().__init__()
        self._name = "LocateButton"
        self._id = element_id(key)
        self.title = title
        self.unavailable = unavailable
        self.shift_js = GCJ02_JS if _shifted(tiles) else "function (lon, lat) { return [lon, lat]; }"


def _shifted(tiles: TileSource | None) -> bool:
    if tiles is None:
        try:
            tiles = tile_source()
        except TileConfigError:  # the page has said so already; the fix is drawn unshifted
            return False
    return tiles.shifted


__all__ = ["GCJ02_JS", "LocateButton"]
