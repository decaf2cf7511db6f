"""Issue 9 item 9: with no background map a commander could not find their place.

The map did not zoom to fit the selection (the zoom a page passed was computed for a
900 x 560 map, and streamlit-folium ignores a zoom equal to the one it last applied),
and the generated polygons carried no names. Now the units' group fits the map to the
selection once per selection (a live tick keeps the user's zoom) and names the units
of the level shown.
"""

from __future__ import annotations

import re

import folium

from gridmap.access import Session
from gridmap.command import Filters, data_now, load_snapshot
from gridmap.command.view import build_view
from gridmap.maps import OFFLINE, base_map, tile_source, unit_layer
from gridmap.text import escape_html
from tests.store_fixtures import tiny_units

IMG = "<img src=x onerror=alert(1)>"



def render(*groups: folium.FeatureGroup) -> str:
    m = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def test_the_map_fits_the_selection_once(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    grid = build_view(session, snapshot, "33032710000101", Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    county = build_view(session, snapshot, None, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    html = render(grid.layers[0])
    assert "fitBounds" in html, "the units' group fits the map to the selection"
    minx, miny, maxx, maxy = grid.bounds
    numbers = [float(x) for x in re.findall(r"-?\d+\.\d+", html[html.index("fitBounds") - 400:])[:40]]
    for v in (miny, minx, maxy, maxx):
        assert any(abs(v - n) < 1e-5 for n in numbers), f"bound {v} not in the fit"
    assert "__gmFitted" in html, "once per selection: a live tick must not undo the user's zoom"
    assert render(county.layers[0]) != html
    again = build_view(session, snapshot, "33032710000101", Filters(), "open_issues", now, tiles=OFFLINE,
                       lang="zh")
    assert render(again.layers[0]) == html, "the same selection gives the same script"


def test_the_units_shown_are_named_on_the_map(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    view = build_view(session, snapshot, "33032710000101", Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    labels = [c for c in view.layers[0]._children.values() if c._name == "UnitLabels"]
    assert len(labels) == 1, "the units' group carries their names"
    script = render(view.layers[0])
    names = view.measure.values["name"].tolist()
    assert names and len(labels[0].labels) == len(names)
    for name in names:
        assert escape_html(name) in script, f"{name} is not labelled"
    assert "interactive: false" in render(view.layers[0]), "a label never takes a click meant for its unit"


def test_labels_are_escaped_and_shifted_with_the_units() -> None:
    units = tiny_units()
    micro = units[units["level"] == "micro"].reset_index(drop=True)
    micro.loc[0, "name"] = IMG
    html = render(unit_layer(micro, labels=True, tiles=OFFLINE))
    assert (IMG not in html and escape_html(IMG).replace("&", "\\u0026") in html) or escape_html(IMG) in html
    gaode = render(unit_layer(micro, labels=True, tiles=tile_source({"GRIDMAP_TILES": "gaode"})))
    assert gaode != html, "labels move with GCJ-02 tiles"


def test_labels_drop_the_selection_name_in_front() -> None:
    from gridmap.command.view import _short_names

    units = tiny_units()
    micro = units[units["level"] == "micro"].reset_index(drop=True)
    micro["name"] = ["严处村第1网格第3微网格", "严处村第1网格", "东跳村", "严处村第1网格第4微网格"]
    short = _short_names(micro, "严处村第1网格")
    assert list(short.values()) == ["第3微网格", "严处村第1网格", "东跳村", "第4微网格"]
    group = unit_layer(micro, labels=short, tiles=OFFLINE)
    (labels,) = [c for c in group._children.values() if c._name == "UnitLabels"]
    assert sorted(row[2] for row in labels.labels) == sorted(escape_html(n) for n in short.values())
