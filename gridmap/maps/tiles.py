"""The background map (tile source) is configuration, never code.

``GRIDMAP_TILES`` picks the source:

========================  ==============================================================
``none`` (default)        offline: no tile layer at all, a plain background and the unit
                          boundaries. Works on an intranet with no tile server.
``osm``                   OpenStreetMap's standard tiles (WGS84 / Web Mercator).
``tianditu``              天地图 vector map ``vec_w`` + the ``cva_w`` label overlay;
                          needs a browser key in ``GRIDMAP_TIANDITU_KEY``.
``tianditu_img``          天地图 imagery ``img_w`` + the ``cia_w`` label overlay (the
                          label layer made for imagery); same key.
``gaode``                 高德 road map (``webrd0{1-4}``, ``style=8``). Its tiles are in
                          **GCJ-02**: everything drawn is shifted (see
                          :mod:`gridmap.maps.display`).
``custom``                an intranet tile server: ``GRIDMAP_TILE_URL`` (a Leaflet URL
                          template), ``GRIDMAP_TILE_ATTRIBUTION`` (required),
                          optional ``GRIDMAP_TILE_CRS`` (``wgs84``/``gcj02``),
                          ``GRIDMAP_TILE_SUBDOMAINS``, ``GRIDMAP_TILE_MAX_ZOOM``.
========================  ==============================================================

Setting ``GRIDMAP_TILE_URL`` alone selects ``custom``. The variables are read by
:mod:`gridmap.settings`; :func:`tile_source` takes the parsed settings. A configuration that cannot work
raises :class:`TileConfigError`, whose ``message_key`` is an :mod:`gridmap.i18n` key a
page can show in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import folium

from gridmap.settings import Settings, get_settings, load_settings

CrsKind = Literal["wgs84", "gcj02"]

TILES_ENV = "GRIDMAP_TILES"
TIANDITU_KEY_ENV = "GRIDMAP_TIANDITU_KEY"
TILE_URL_ENV = "GRIDMAP_TILE_URL"
TILE_ATTRIBUTION_ENV = "GRIDMAP_TILE_ATTRIBUTION"
TILE_CRS_ENV = "GRIDMAP_TILE_CRS"
TILE_SUBDOMAINS_ENV = "GRIDMAP_TILE_SUBDOMAINS"
TILE_MAX_ZOOM_ENV = "GRIDMAP_TILE_MAX_ZOOM"

SOURCES: tuple[str, ...] = ("none", "osm", "tianditu", "tianditu_img", "gaode", "custom")
DEFAULT_MAX_ZOOM = 18

OSM_ATTRIBUTION = ('&copy; <a href="https://www.openstreetmap.org/copyright" target="_blank">'
                   'OpenStreetMap</a> contributors')
TIANDITU_ATTRIBUTION = '&copy; <a href="https://www.tianditu.gov.cn/" target="_blank">天地图</a>'
GAODE_ATTRIBUTION = '&copy; <a href="https://www.amap.com/" target="_blank">高德地图</a>'

_TIANDITU = ("https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
             "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
             "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}")
_GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class TileConfigError(ValueError):
    """The tile configuration cannot work.

    Attributes:
        message_key: An i18n key (``map.tiles.error.*``) describing the problem.
        values: The placeholders of that message.
    """

    def __init__(self, message: str, message_key: str, **values: Any) -> None:
        super().__init__(message)
        self.message_key = message_key
        self.values = values


@dataclass(frozen=True)
class TileSource:
    """Where the background map comes from.

    Attributes:
        name: One of :data:`SOURCES`.
        urls: Leaflet URL templates: the base layer first, label overlays after it.
            Empty for the offline source ``none``.
        attribution: HTML shown in the map corner (the provider's required credit).
        crs_kind: ``"wgs84"`` or ``"gcj02"`` (the tiles' datum; decides the display shift).
        max_zoom: The deepest zoom the tiles exist for.
        subdomains: Leaflet ``{s}`` values (e.g. ``"01234567"``), or empty.
    """

    name: str
    urls: tuple[str, ...] = ()
    attribution: str = ""
    crs_kind: CrsKind = "wgs84"
    max_zoom: int = DEFAULT_MAX_ZOOM
    subdomains: str = field(default="")

    @property
    def offline(self) -> bool:
        """True when no tiles are loaded at all."""
        return not self.urls

    @property
    def shifted(self) -> bool:
        """True when data must be shifted WGS84 -> GCJ-02 for display."""
        return self.crs_kind == "gcj02"


OFFLINE = TileSource("none")


def tile_source(settings: Settings | Mapping[str, str] | None = None) -> TileSource:
    """The tile source configured in ``settings``.

    Args:
        settings: the parsed settings (default :func:`gridmap.settings.get_settings`);
            a mapping of environment variables is parsed with
            :func:`gridmap.settings.load_settings` first. See the module docstring.

    Returns:
        The configured :class:`TileSource`.

    Raises:
        TileConfigError: an unknown source, a missing Tianditu key, a custom source
            without URL or attribution, or a conflicting combination.
    """
    if settings is None:
        settings = get_settings()
    elif not isinstance(settings, Settings):
        settings = load_settings(settings)
    name = settings.tiles
    if name not in SOURCES:
        raise TileConfigError(f"{TILES_ENV}={settings.tiles_raw!r} is not a tile source; "
                              f"use one of {', '.join(SOURCES)}",
                              "map.tiles.error.unknown", value=settings.tiles_raw, choices=", ".join(SOURCES))
    if settings.tile_url and name != "custom":
        raise TileConfigError(f"{TILE_URL_ENV} is set but {TILES_ENV}={name!r}; unset one of them "
                              f"(or set {TILES_ENV}=custom)", "map.tiles.error.conflict", source=name)
    if name == "none":
        return OFFLINE
    if name == "osm":
        return TileSource("osm", (_OSM,), OSM_ATTRIBUTION, "wgs84", 19)
    if name in ("tianditu", "tianditu_img"):
        key = settings.tianditu_key
        if not key:
            raise TileConfigError(f"{TILES_ENV}={name} needs a Tianditu browser key in {TIANDITU_KEY_ENV} "
                                  "(apply at https://console.tianditu.gov.cn/), or use another source",
                                  "map.tiles.error.tianditu_key", variable=TIANDITU_KEY_ENV)
        base, labels = ("vec", "cva") if name == "tianditu" else ("img", "cia")
        urls = tuple(_TIANDITU.format(s="{s}", layer=layer, key=key) for layer in (base, labels))
        return TileSource(name, urls, TIANDITU_ATTRIBUTION, "wgs84", 18, "01234567")
    if name == "gaode":
        return TileSource("gaode", (_GAODE,), GAODE_ATTRIBUTION, "gcj02", 18, "1234")
    return _custom(settings)


def _custom(settings: Settings) -> TileSource:
    url = settings.tile_url
    if not url:
        raise TileConfigError(f"{TILES_ENV}=custom needs a URL template in {TILE_URL_ENV}, "
                              "e.g. http://tiles.intranet/{z}/{x}/{y}.png", "map.tiles.error.custom_url",
                              variable=TILE_URL_ENV)
    if not all(p in url for p in ("{x}", "{y}", "{z}")):
        raise TileConfigError(f"{TILE_URL_ENV}={url!r} must contain {{x}}, {{y}} and {{z}}",
                              "map.tiles.error.custom_url", variable=TILE_URL_ENV)
    attribution = settings.tile_attribution
    if not attribution:
        raise TileConfigError(f"a custom tile server needs its credit in {TILE_ATTRIBUTION_ENV} "
                              "(the data owner requires it on the map)", "map.tiles.error.custom_attribution",
                              variable=TILE_ATTRIBUTION_ENV)
    crs = settings.tile_crs or "wgs84"
    if crs not in ("wgs84", "gcj02"):
        raise TileConfigError(f"{TILE_CRS_ENV}={crs!r}: use wgs84 (also CGCS2000, Tianditu, OSM) or gcj02 "
                              "(Gaode, Tencent)", "map.tiles.error.custom_crs", value=crs)
    raw_zoom = settings.tile_max_zoom or str(DEFAULT_MAX_ZOOM)
    if not raw_zoom.isdigit() or not 1 <= int(raw_zoom) <= 22:
        raise TileConfigError(f"{TILE_MAX_ZOOM_ENV}={raw_zoom!r} is not a zoom level 1-22",
                              "map.tiles.error.custom_zoom", value=raw_zoom)
    subdomains = settings.tile_subdomains
    if "{s}" in url and not subdomains:
        subdomains = "abc"
    return TileSource("custom", (url,), attribution, crs, int(raw_zoom), subdomains)  # type: ignore[arg-type]


def tile_layers(source: TileSource) -> list[folium.TileLayer]:
    """folium tile layers for ``source``: none for ``none``, else base then overlays.

    Each layer gets a fixed id, so the base map's JavaScript is identical on every
    run (``st_folium`` remounts the map when it changes).
    """
    layers: list[folium.TileLayer] = []
    for i, url in enumerate(source.urls):
        kwargs: dict[str, Any] = {"subdomains": source.subdomains} if source.subdomains else {}
        layer = folium.TileLayer(
            tiles=url,
            attr=source.attribution if i == 0 else " ",
            name=f"{source.name}-{i}",
            max_zoom=source.max_zoom,
            max_native_zoom=source.max_zoom,
            overlay=i > 0,
            control=False,
            **kwargs,
        )
        layer._id = f"gmtiles{i}"  # letters and digits only: st_folium renames ids by pattern
        layers.append(layer)
    return layers


__all__ = [
    "OFFLINE",
    "SOURCES",
    "TileConfigError",
    "TileSource",
    "tile_layers",
    "tile_source",
]
