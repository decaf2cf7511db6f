"""gridmap.command.view: what one view of the command map sends, on the hand-made store."""

from __future__ import annotations

import re

import folium
import pytest

from gridmap.access import Session
from gridmap.command import Filters, data_now, load_snapshot
from gridmap.command.view import build_view, child_level, fit_zoom, load_points
from gridmap.domain import Level
from gridmap.maps import OFFLINE, base_map, bounded, point_to_display, tile_source
from gridmap.spatial.crs import wgs84_to_gcj02
from gridmap.ui.command import clicked_position


def test_county_view_sends_open_issues_only_and_a_town_below(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    view = build_view(session, snapshot, None, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    assert view.child_level == Level.TOWN
    assert view.sent["units"] == 1 and view.sent["issues"] == 2  # a and c; b is closed
    assert list(view.measure.values.index) == ["330327100000"]
    assert view.measure.values["value"].iloc[0] == 2


def test_a_grid_view_adds_the_closed_issue_of_the_date_range(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    grid = "33032710000101"
    view = build_view(session, snapshot, grid, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    assert view.child_level == Level.MICRO and view.sent["units"] == 2
    assert view.sent["issues"] == 3  # a, c (open) and b (closed on 11-20, inside the last 30 days)
    traffic = build_view(session, snapshot, grid, Filters(categories=("traffic",)), "open_issues", now,
                         tiles=OFFLINE, lang="zh", points=load_points(session, snapshot, grid))
    assert traffic.sent["issues"] == 1


def test_new_items_are_ringed(session: Session) -> None:
    snapshot = load_snapshot(session)
    now = data_now(session)
    view = build_view(session, snapshot, "33032710000101", Filters(), "open_issues", now, tiles=OFFLINE,
                      lang="zh", new_ids={"a"})
    assert view.sent["new"] == 1
    fmap = base_map(view.center, zoom=view.zoom, tiles=OFFLINE)
    for layer in view.layers:
        layer.add_to(fmap)
    assert 'gm-new-icon' in fmap.get_root().render()


def test_child_level_and_zoom() -> None:
    assert child_level("county") == Level.TOWN and child_level("grid") == Level.MICRO
    assert child_level("micro") == Level.MICRO
    county = fit_zoom((120.2, 27.1, 120.9, 27.6))
    village = fit_zoom((120.40, 27.50, 120.42, 27.52))
    assert 8 <= county < village <= 18


def test_bounded_trims_streamlit_folium_feature_groups() -> None:
    groups = [folium.FeatureGroup(name=f"g{i}") for i in range(5)]
    out = bounded(groups)
    assert out[:5] == groups and len(out) == 6
    script = _render(out[-1])
    assert re.search(r"window\.feature_group = \(window\.feature_group \|\| \[\]\)\.slice\(-5\)", script)


def _render(group: folium.FeatureGroup) -> str:
    fmap = folium.Map()
    group.add_to(fmap)
    return fmap.get_root().render()


def test_clicks_on_gaode_tiles_are_shifted_back_to_wgs84(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDMAP_TILES", "gaode")
    tiles = tile_source()
    lon, lat = 120.4012, 27.5043
    glon, glat = wgs84_to_gcj02(lon, lat)
    back = clicked_position({"last_clicked": {"lng": float(glon), "lat": float(glat)}}, tiles)
    assert back is not None and abs(back[0] - lon) < 1e-7 and abs(back[1] - lat) < 1e-7
    dlat, dlon = point_to_display(lat, lon, tiles)
    assert abs(dlon - glon) < 1e-9 and abs(dlat - glat) < 1e-9
    assert clicked_position({"last_clicked": None}, tiles) is None
    offline = clicked_position({"last_clicked": {"lng": lon, "lat": lat}}, OFFLINE)
    assert offline == (lon, lat)


def test_selecting_a_micro_grid_crashed_the_view(session: Session) -> None:
    """A micro-grid is the finest level: selecting one shows that micro-grid, not its children.

    Regression (issue 9, 1): ``build_view`` asked for the children of a micro-grid and
    raised ``ValueError: micro is not below micro``, which took the map page down.
    """
    snapshot = load_snapshot(session)
    now = data_now(session)
    grid = "33032710000101"
    whole = build_view(session, snapshot, grid, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
    for micro in whole.measure.values.index:
        view = build_view(session, snapshot, micro, Filters(), "open_issues", now, tiles=OFFLINE, lang="zh")
        assert view.child_level == Level.MICRO and view.sent["units"] == 1
        assert list(view.measure.values.index) == [micro]
        assert view.measure.values["value"].iloc[0] == whole.measure.values.at[micro, "value"]
    assert whole.measure.values["value"].sum() >= 1  # the figures compared are not all empty
