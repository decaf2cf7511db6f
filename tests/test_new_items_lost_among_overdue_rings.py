"""Issue 9 item 10: the "new since last tick" ring was lost among the red overdue rings.

It was a thin magenta circle marker, like the overdue rings around it, and the legend
did not mention it. New items now get a thick dashed ring in a blue no status uses, a
pulse, and a legend row.
"""

from __future__ import annotations

import re

import folium

from gridmap.access import Session
from gridmap.command import Filters, data_now, load_snapshot
from gridmap.command.view import build_view
from gridmap.maps import OFFLINE, base_map, style


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def test_new_items_stand_apart_from_overdue_rings(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    # "a" is overdue: its red ring and the new ring sit on the same spot.
    view = build_view(session, snapshot, "33032710000101", Filters(), "open_issues", now, tiles=OFFLINE,
                      lang="zh", new_ids={"a"})
    assert view.sent["new"] == 1
    new_group = view.layers[-1]
    fmap = base_map(view.center, zoom=view.zoom, tiles=OFFLINE, check_assets=False)
    for layer in view.layers:
        layer.add_to(fmap)
    html = fmap.get_root().render()
    new_html = html
    signal = {style.OVERDUE_STYLE.fill.upper(), style.OVERDUE_STYLE.stroke.upper(),
              *(c.upper() for c in style.ISSUE_STATUS_COLOURS.values()),
              *(c.upper() for c in style.HAZARD_STATUS_COLOURS.values())}
    markers = [e for e in _walk(new_group) if isinstance(e, folium.GeoJson)]
    assert markers, "the new items are drawn"
    marker = markers[0].marker
    assert isinstance(marker, folium.Marker) and isinstance(marker.icon, folium.DivIcon), \
        "a ring of its own, not another circle marker like the overdue ones"
    ring = marker.icon.options["html"]
    assert "dashed" in ring, "a dashed ring"
    colours = {c.upper() for c in re.findall(r"#[0-9A-Fa-f]{6}", ring)}
    assert colours and not colours & signal, f"new ring colours {colours} are used by statuses or overdue"
    assert re.search(r"border:\s*[4-9]px", ring), "thick"
    assert "@keyframes gm-new-pulse" in new_html, "it pulses"
    legends = [e for e in _walk(new_group) if e._name == "Legend"]
    assert legends and "新增" in legends[0].html, "the legend says what the ring means"
