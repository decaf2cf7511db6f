"""GeoJSON features and fixed-id folium elements: the plumbing the layer builders share.

Internal to :mod:`gridmap.maps` (the front door does not export it):

- :func:`feature_collection` -- rounded GeoJSON with only the given properties;
- :func:`feature_group`, :func:`geojson_tooltip`, :func:`element_id` -- folium elements with fixed ids,
  so the same frames always give the same HTML and ``st_folium`` never remounts;
- :func:`compact_json` -- folium's embedded JSON as compact UTF-8;
- ``format_*``, :func:`escaped_text`, :func:`shorten` -- values as tooltips show them; every
  stored text goes through :func:`gridmap.text.escape_html` on its way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.i18n import t
from gridmap.maps.display import to_display
from gridmap.maps.lod import DECIMALS
from gridmap.maps.tiles import TileSource
from gridmap.text import escape_html

_TOOLTIP_STYLE = "font-size: 12px;"


_DESCRIPTION_CHARS = 60


def compact_json() -> None:
    """Make folium write its embedded JSON compactly (idempotent, process-wide).

    folium's templates embed data with Jinja's ``tojson``: ASCII-only (each Chinese
    character becomes a 6-byte ``\\uXXXX``) with a space after every comma. Writing
    UTF-8 without spaces cuts the county's 7,470 micro-grids from 2.96 MB to 2.51 MB.
    Key order stays sorted (deterministic output) and ``<``, ``>``, ``&``, ``'``
    stay escaped, so the JSON remains safe inside ``<script>``.
    """
    folium.GeoJson._template.environment.policies["json.dumps_kwargs"] = dict(_COMPACT_JSON)


_COMPACT_JSON = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}


# --------------------------------------------------------------------------- elements


def element_id(name: str) -> str:
    """A fixed element id: ``gm`` + letters and digits only.

    ``st_folium`` renames folium's variables with the pattern ``_[a-z0-9]+``, written
    for folium's random hex ids; an id with an underscore or capital would leave some
    references unrenamed and break the layer's JavaScript.
    """
    return "gm" + re.sub(r"[^a-z0-9]", "", name.lower())


def feature_group(key: str, name: str) -> folium.FeatureGroup:
    """A feature group with the fixed id ``gm<key>`` and a (translated) layer name.

    Raises:
        ValueError: ``key`` is not lower-case letters and digits.
    """
    compact_json()
    if not re.fullmatch(r"[a-z][a-z0-9]*", key):
        raise ValueError(f"layer key {key!r}: use lower-case letters and digits only (e.g. 'issues2')")
    group = folium.FeatureGroup(name=escape_html(name), control=True)
    group._id = element_id(key)
    return group


def geojson_tooltip(fields: list[str], aliases: list[str], key: str) -> folium.GeoJsonTooltip:
    """A sticky tooltip showing ``fields`` under the (escaped) ``aliases``; values must be escaped."""
    tip = folium.GeoJsonTooltip(fields=fields, aliases=[escape_html(a) for a in aliases], sticky=True,
                                style=_TOOLTIP_STYLE)
    tip._id = element_id(key)
    return tip


def feature_collection(geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``geoms`` (rounded) with exactly ``props``."""
    return json_collection([geometry_json(g) for g in geoms], props)


def json_collection(geometries: list[dict[str, Any]], props: list[dict[str, Any]]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of geometries already in GeoJSON, with exactly ``props``."""
    features = [{"type": "Feature", "properties": p, "geometry": g} for g, p in zip(geometries, props, strict=True)]
    return {"type": "FeatureCollection", "features": features}


def geometry_json(geom: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON of ``geom`` rounded to :data:`DECIMALS`; a one-part multipolygon as a polygon."""
    if shapely.get_type_id(geom) == 6 and shapely.get_num_geometries(geom) == 1:
        geom = shapely.get_geometry(geom, 0)
    geom = shapely.transform(geom, lambda xy: np.round(xy, DECIMALS))
    return geom.__geo_interface__


# --------------------------------------------------------------------------- frames


def prepare_points(frame: gpd.GeoDataFrame, tiles: TileSource) -> gpd.GeoDataFrame:
    """Rows with a point geometry, sorted by id, shifted for display."""
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        raise ValueError(f"points are in {frame.crs.to_string()}; expected EPSG:4326")
    rows = sort_by(frame, "id")
    rows = rows[has_geometry(rows)]
    return to_display(rows, tiles)


def split_by(frame: pd.DataFrame, keys: pd.Series, order: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """Rows split by ``keys``, in ``order`` first and then any unknown key sorted."""
    seen = set(keys)
    ordered = [k for k in order if k in seen] + sorted(seen - set(order))
    return [(k, frame[(keys == k).to_numpy()]) for k in ordered]


def sort_by(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    """``frame`` sorted by ``column`` (stable), when it has that column: deterministic output."""
    if column in frame.columns:
        return frame.sort_values(column, kind="stable")
    return frame


def has_geometry(frame: gpd.GeoDataFrame) -> np.ndarray:
    """True for rows with a non-empty geometry."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    return np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)


def row_ids(rows: pd.DataFrame) -> list[str]:
    """The rows' ``id`` values, escaped (or the index when there is no ``id``)."""
    if "id" in rows.columns:
        return [escaped_text(v) for v in rows["id"]]
    return [str(i) for i in rows.index]


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise ValueError naming the ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: the frame has no column(s) {', '.join(missing)}; "
                         f"read it with those columns (it has {', '.join(map(str, frame.columns))})")


def by_code(values: Mapping[str, Any] | pd.Series | None, *, numeric: bool = True) -> pd.Series:
    """``values`` as a Series indexed by unit code (str); numbers (NaN if not) unless ``numeric=False``."""
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(dict(values or {}), dtype=object)
    series.index = series.index.astype(str)
    return pd.to_numeric(series, errors="coerce") if numeric else series


# --------------------------------------------------------------------------- values


def number(value: Any) -> float | None:
    """``value`` as a finite float, or None."""
    if not present(value):
        return None
    v = float(value)
    return v if np.isfinite(v) else None


def format_number(value: Any, lang: str) -> str:
    """``1,234`` or ``1.5``; "no data" in ``lang`` for a missing value."""
    if not present(value):
        return t("map.legend.no_data", lang)
    v = float(value)
    if not np.isfinite(v):
        return t("map.legend.no_data", lang)
    if v.is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def format_value(value: Any, scale: str, lang: str) -> str:
    """A measure value as the legend and tooltip show it (shares as percentages)."""
    if scale == "share" and number(value) is not None:
        return f"{float(value) * 100:.1f}".rstrip("0").rstrip(".") + "%"
    if scale == "per_100" and number(value) is not None:
        return f"{float(value):,.1f}".rstrip("0").rstrip(".")
    return format_number(value, lang)


def format_time(value: Any) -> str:
    """``YYYY-MM-DD HH:MM``, or empty for a missing time."""
    if not present(value):
        return ""
    try:
        return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return escape_html(value)


def shorten(text: Any) -> str:
    """``text`` on one line, cut to the tooltip's length with an ellipsis (not escaped)."""
    if not present(text):
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= _DESCRIPTION_CHARS else s[: _DESCRIPTION_CHARS - 1] + "…"


def escaped_text(value: Any) -> str:
    """``value`` escaped for HTML; empty for a missing value."""
    return "" if not present(value) else escape_html(value)


def present(value: Any) -> bool:
    """False for None, NA, NaT and NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    return not (isinstance(value, float) and np.isnan(value))


def js_json(value: Any) -> str:
    """JSON that is also safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Points reaching heat_layer from _status_points are already shifted for display.
