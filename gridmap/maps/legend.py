"""Legends that come and go with their feature group.

``st_folium`` swaps feature groups in place on every rerun; a legend added to the map
itself would stay behind. :class:`Legend` is a Leaflet control that its parent feature
group adds when it is added to the map and removes when it is removed. All text is
escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import folium
from folium.template import Template

from gridmap.maps import style
from gridmap.maps.features import element_id
from gridmap.text import escape_html


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a swatch and its (unescaped) text.

    ``kind`` is ``"fill"`` (a square), ``"point"`` (a dot), ``"ring"`` (a ringed dot,
    overdue), ``"diamond"`` / ``"diamond_ring"`` (a hazard, an overdue hazard),
    ``"cluster"`` / ``"cluster_late"`` (a cluster bubble, one with overdue points;
    ``icon="square"`` for the hazards' square bubbles),
    ``"new"`` (the dashed ring around an item new since the last tick), ``"icon"`` (a Font Awesome icon on a coloured disc; ``icon`` names it) or
    ``"gradient"`` (``colour`` is a CSS gradient).
    """

    kind: str
    colour: str
    text: str
    icon: str = ""


class Legend(folium.MacroElement):
    """A legend box shown while its parent (a feature group or the map) is on the map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var owner = {{ this._parent.get_name() }};
            var legend = L.control({position: {{ this.position|tojson }}});
            legend.onAdd = function () {
                var div = L.DomUtil.create('div', 'gridmap-legend');
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            if (owner instanceof L.Map) { legend.addTo(owner); return; }
            owner.on('add', function () { legend.addTo(owner._map); });
            owner.on('remove', function () { legend.remove(); });
            if (owner._map) { legend.addTo(owner._map); }
        })();
        {% endmacro %}
    """)

    def __init__(self, title: str, entries: Sequence[LegendEntry], *, position: str = "bottomright",
                 key: str = "legend") -> None:
        super().__init__()
        self._name = "Legend"
        self._id = element_id(key)
        self.position = position
        self.html = _legend_html(title, entries)


def legend(title: str, entries: Sequence[LegendEntry], *, position: str = "bottomright",
           key: str = "legend") -> Legend:
    """A legend element; add it to a feature group (or the map).

    Args:
        title: The heading (escaped here).
        entries: The rows; their texts are escaped here.
        position: A Leaflet control corner.
        key: A fixed element id, unique on the page.
    """
    return Legend(title, entries, position=position, key=key)


def _legend_html(title: str, entries: Sequence[LegendEntry]) -> str:
    rows = []
    for e in entries:
        colour = escape_html(e.colour)
        if e.kind == "fill":
            swatch = (f'<span style="display:inline-block;width:14px;height:12px;background:{colour};'
                      f'border:1px solid {style.BOUNDARY_COLOUR};opacity:0.85"></span>')
        elif e.kind == "ring":
            o = style.OVERDUE_STYLE
            swatch = (f'<span style="display:inline-block;width:12px;height:12px;border-radius:50%;'
                      f'background:{o.fill};border:3px solid {o.stroke};box-sizing:border-box"></span>')
        elif e.kind in ("diamond", "diamond_ring"):
            o = style.OVERDUE_STYLE
            border = f"3px solid {o.stroke}" if e.kind == "diamond_ring" else "1px solid #fff"
            side = 11 if e.kind == "diamond_ring" else 9
            swatch = (f'<span style="display:inline-block;width:{side}px;height:{side}px;margin:0 2px;'
                      f'background:{colour};border:{border};box-sizing:border-box;transform:rotate(45deg)">'
                      '</span>')
        elif e.kind in ("cluster", "cluster_late"):
            ring = style.OVERDUE_STYLE.fill if e.kind == "cluster_late" else style.CLUSTER_COLOURS["halo"]
            radius = "3px" if e.icon == "square" else "50%"
            swatch = (f'<span style="display:inline-block;width:16px;height:16px;border-radius:{radius};'
                      f'background:{colour};color:{style.CLUSTER_COLOURS["text"]};font-size:9px;'
                      f'line-height:16px;text-align:center;box-shadow:0 0 0 2px {ring};margin:0 2px">n</span>')
        elif e.kind == "new":
            swatch = (f'<span style="display:inline-block;width:14px;height:14px;border-radius:50%;'
                      f'border:3px dashed {colour};box-sizing:border-box"></span>')
        elif e.kind == "icon":
            swatch = (f'<span style="display:inline-block;width:16px;height:16px;border-radius:50%;'
                      f'background:{colour};color:#fff;font-size:9px;line-height:16px;text-align:center">'
                      f'<i class="fa fa-{escape_html(e.icon)}"></i></span>')
        elif e.kind == "gradient":
            swatch = f'<span style="display:inline-block;width:60px;height:10px;background:{colour}"></span>'
        else:
            swatch = (f'<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
                      f'background:{colour};border:1px solid #fff"></span>')
        rows.append(f'<div style="margin:2px 0;white-space:nowrap">{swatch} {escape_html(e.text)}</div>')
    return ('<div style="background:rgba(255,255,255,0.92);padding:6px 8px;border-radius:4px;'
            'box-shadow:0 1px 4px rgba(0,0,0,0.3);font-size:12px;line-height:1.4;max-width:260px">'
            f'<div style="font-weight:600;margin-bottom:3px">{escape_html(title)}</div>{"".join(rows)}</div>')


__all__ = ["Legend", "LegendEntry", "legend"]
