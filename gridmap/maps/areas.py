"""Many polygons in few bytes: quantised, delta-encoded rings the browser turns back into GeoJSON.

A county's 7,470 micro-grids as folium ``GeoJson`` with a style and five tooltip fields
came to 2.73 MB per map (the hot-spot view), over the 1.5 MB a view may send, and cost
0.35 s to build and render: every feature carried its colour, folium called a style
function and ``json.dumps`` once per feature, and branca compiled the whole script as a
Jinja template. :class:`AreaLayer` sends instead

- the geometry once per layer as integers: coordinates quantised to 1e-5 degrees
  (about a metre, what :mod:`gridmap.maps.lod` rounds to anyway), each vertex written as
  the difference from the one before (one running chain over all rings, so neighbouring
  vertices cost three or four digits), closing vertices left out;
- per feature a short row: a palette index, the code, the tooltip texts (escaped here
  with :func:`gridmap.text.escape_html`, as everywhere);
- the palette, the style and the tooltip labels once.

The browser rebuilds each feature as GeoJSON with properties ``c`` (its fill colour),
``code`` and ``f0``, ``f1``, ... (its tooltip texts), draws it with one ``L.geoJSON``
whose style reads ``c``, and shows a sticky tooltip of label/value rows: the same
features, properties and look as before, so clicks, tooltips and the tests that read the
map's layers see no difference. :func:`encode_geometries` is the expensive half and
depends on the geometry only: callers cache it (a filter change recolours the same units).

The script is added to the page as it is (:class:`_Script`), never compiled as a Jinja
template: the payload holds no user text that was not escaped (no ``{`` or ``}`` left),
and skipping the compilation saves about 50 ms per MB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from gridmap.maps.features import element_id, js_json
from gridmap.maps.lod import DECIMALS
from gridmap.text import escape_html

__all__ = ["AreaLayer", "EncodedGeometries", "encode_geometries", "palette_of"]

SCALE = 10 ** DECIMALS


@dataclass(frozen=True)
class EncodedGeometries:
    """The JSON text of :func:`encode_geometries` and how many features it holds."""

    text: str
    count: int


def encode_geometries(geoms: Sequence[shapely.Geometry] | np.ndarray) -> EncodedGeometries:
    """Polygons and multipolygons (EPSG:4326, already shifted for display) as delta-encoded integers.

    The JSON is ``{"s": SCALE, "f": [feature, ...]}``; a feature is a list of polygons, a
    polygon a list of rings, a ring a flat list ``dx0, dy0, dx1, dy1, ...`` of quantised
    steps from the previous vertex of the chain (the first from ``(0, 0)``), without its
    closing vertex. A missing or empty geometry is an empty list.

    Raises:
        ValueError: for a geometry that is not a polygon or multipolygon.
    """
    features: list[list[list[list[int]]]] = []
    prev = np.zeros(2, dtype=np.int64)
    for geom in geoms:
        polygons: list[list[list[int]]] = []
        if geom is not None and not shapely.is_empty(geom):
            kind = shapely.get_type_id(geom)
            if kind == 3:
                parts = [geom]
            elif kind == 6:
                parts = list(shapely.get_parts(geom))
            else:
                raise ValueError(f"only polygons can be drawn as areas, got {geom.geom_type}")
            for part in parts:
                rings = [shapely.get_exterior_ring(part), *shapely.get_interior_ring(part,
                                                                                       range(shapely.get_num_interior_rings(part)))]
                encoded: list[list[int]] = []
                for ring in rings:
                    q = np.rint(shapely.get_coordinates(ring) * SCALE).astype(np.int64)[:-1]
                    if len(q) < 3:
                        continue
                    steps = np.diff(q, axis=0, prepend=prev[None, :])
                    prev = q[-1]
                    encoded.append(steps.ravel().tolist())
                if encoded:
                    polygons.append(encoded)
        features.append(polygons)
    return EncodedGeometries(js_json({"s": SCALE, "f": features}), len(features))


class _Script(Element):
    """A script added to the page as it is (branca would compile it as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs: Any) -> str:
        return self._text


class AreaLayer(MacroElement):
    """The polygons of :func:`encode_geometries`, filled by class, with a sticky tooltip; add it to a feature group.

    Args:
        geometry: The encoded geometries (cached by the caller).
        classes: One palette index per feature (None: no data).
        palette: The fill colours, by index; ``no_data`` for None.
        codes: One code per feature (escaped here), or None.
        texts: Tooltip columns: one sequence of values per label, each as long as the features
            (escaped here).
        labels: The tooltip labels (escaped here).
        key: A fixed element id (lower-case letters and digits).
        stroke: Boundary colour; ``weight``, ``opacity``, ``fill_opacity`` as in Leaflet.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.script_text() }}{% endmacro %}")

    def __init__(self, geometry: EncodedGeometries, classes: Sequence[int | None], palette: Sequence[str], *,
                 codes: Sequence[object] | None, texts: Sequence[Sequence[object]], labels: Sequence[str], key: str,
                 no_data: str, stroke: str, weight: float = 0.6, opacity: float = 0.7,
                 fill_opacity: float = 0.7) -> None:
        super().__init__()
        if len(classes) != geometry.count or (codes is not None and len(codes) != geometry.count) \
                or any(len(column) != geometry.count for column in texts):
            raise ValueError(f"{geometry.count} geometries need as many classes, codes and texts")
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} tooltip columns for {len(labels)} labels")
        self._name = "AreaLayer"
        self._id = element_id(key)
        colours = [*palette, no_data]
        missing = len(palette)
        code_texts = [escape_html(c) for c in codes] if codes is not None else None
        columns = [[escape_html("" if v is None else v) for v in column] for column in texts]
        rows = []
        for i, cls in enumerate(classes):
            row: list[object] = [missing if cls is None else int(cls), code_texts[i] if code_texts is not None else None]
            row.extend(column[i] for column in columns)
            rows.append(row)
        self.geometry = geometry
        self.rows = js_json(rows)
        self.options = js_json({"colours": colours, "labels": [escape_html(label) for label in labels],
                                "stroke": stroke, "weight": weight, "opacity": opacity,
                                "fillOpacity": fill_opacity, "codes": codes is not None})

    def script_text(self) -> str:
        parent = self._parent.get_name() if self._parent is not None else "null"
        return (f"(function () {{\nvar owner = {parent};\nvar geo = {self.geometry.text};\n"
                f"var rows = {self.rows};\nvar o = {self.options};\n{_DECODE}\n"
                f"var {self.get_name()} = gridmapAreas(geo, rows, o).addTo(owner);\n}})();")

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise ValueError("an AreaLayer must be inside a folium map before it is rendered")
        figure.script.add_child(_Script(self.script_text()), name=self.get_name())
        return ""


# The decoder: rings back to [lng, lat] arrays, features to GeoJSON, one L.geoJSON.
_DECODE = """function gridmapAreas(geo, rows, o) {
  var x = 0, y = 0, s = geo.s, features = [];
  function ring(a) {
    var out = [];
    for (var i = 0; i < a.length; i += 2) { x += a[i]; y += a[i + 1]; out.push([x / s, y / s]); }
    out.push(out[0]);
    return out;
  }
  for (var i = 0; i < geo.f.length; i++) {
    var polys = geo.f[i].map(function (p) { return p.map(ring); });
    if (!polys.length) continue;
    var r = rows[i], props = {c: o.colours[r[0]]};
    if (o.codes) props.code = r[1];
    for (var k = 2; k < r.length; k++) props['f' + (k - 2)] = r[k];
    features.push({type: 'Feature', properties: props,
      geometry: polys.length === 1 ? {type: 'Polygon', coordinates: polys[0]}
                                   : {type: 'MultiPolygon', coordinates: polys}});
  }
  var layer = L.geoJSON({type: 'FeatureCollection', features: features}, {
    style: function (f) { return {fillColor: f.properties.c, color: o.stroke, weight: o.weight,
                                  opacity: o.opacity, fillOpacity: o.fillOpacity, fill: true}; }
  });
  if (o.labels.length) {
    layer.bindTooltip(function (l) {
      var p = l.feature.properties, html = '<table style="font-size:12px">';
      for (var k = 0; k < o.labels.length; k++) {
        html += '<tr><th style="text-align:left;padding-right:6px">' + o.labels[k] + '</th><td>' + p['f' + k] + '</td></tr>';
      }
      return html + '</table>';
    }, {sticky: true, className: 'gridmap-area-tooltip'});
  }
  return layer;
}"""


def palette_of(classes: Sequence[int | None], colours: Mapping[int, str]) -> tuple[list[int | None], list[str]]:
    """Classes mapped to palette indices, and the palette (the colours in class order)."""
    keys = sorted(colours)
    index = {k: i for i, k in enumerate(keys)}
    return [index.get(c) if c is not None else None for c in classes], [colours[k] for k in keys]
