"""Issue 9 item 2: the first click on a unit was often ignored.

Cause (seen in Chromium, ``tests/browser/test_command_map_clicks.py``): a click in the
moment the map is redrawn (the new units added, the map moving to the new selection)
reaches Leaflet's map but not the unit's layer. streamlit-folium then sends the new
``last_clicked`` with the OLD ``last_active_drawing`` (the unit clicked before, or
nothing in a fresh session), and the page drilled only on ``last_active_drawing``: the
click did nothing. The page now takes the unit under the click position.

Tiny fixture, two units side by side (lon 0-2, lat 0-1)::

    +-------+-------+
    |   a   |   b   |
    +-------+-------+
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.command.view import unit_at
from gridmap.maps.tiles import OFFLINE
from gridmap.ui import command

UNITS = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)],
                         crs="EPSG:4326")


class Rerun(Exception):
    """Stands in for ``st.rerun()``."""


@pytest.fixture
def fake_st(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    def rerun() -> None:
        raise Rerun

    st = SimpleNamespace(session_state={}, rerun=rerun)
    monkeypatch.setattr(command, "st", st)
    return st


def _view() -> Any:
    values = pd.DataFrame({"value": [1, 2]}, index=pd.Index(["a", "b"], name="code"))
    return SimpleNamespace(units=UNITS, measure=SimpleNamespace(values=values))


def _result(lon: float, lat: float, drawing: str | None, count: int = 1) -> dict[str, Any]:
    return {"last_clicked": {"lat": lat, "lng": lon}, "last_object_clicked_count": count,
            "last_active_drawing": None if drawing is None else {"properties": {"code": drawing}}}


def test_unit_at_finds_the_unit_under_a_point() -> None:
    assert unit_at(UNITS, 0.5, 0.5) == "a"
    assert unit_at(UNITS, 1.5, 0.5) == "b"
    assert unit_at(UNITS, 1.0, 0.5) == "a"  # on the shared edge: the lowest code
    assert unit_at(UNITS, 5.0, 0.5) is None
    assert unit_at(None, 0.5, 0.5) is None


def test_a_click_the_layer_missed_still_drills_in_a_fresh_session(fake_st: SimpleNamespace) -> None:
    # Only the map got the click: no drawing at all yet.
    with pytest.raises(Rerun):
        command._handle_click(_result(1.5, 0.5, None, count=0), _view(), OFFLINE, "top")
    assert fake_st.session_state[command.UNIT_KEY] == "b"


def test_a_click_with_a_stale_drawing_drills_into_the_unit_under_it(fake_st: SimpleNamespace) -> None:
    # last_active_drawing still names the unit clicked before ("a"); the click is in "b".
    with pytest.raises(Rerun):
        command._handle_click(_result(1.5, 0.5, "a"), _view(), OFFLINE, "top")
    assert fake_st.session_state[command.UNIT_KEY] == "b"


def test_the_same_click_counts_once(fake_st: SimpleNamespace) -> None:
    result = _result(0.5, 0.5, "a")
    with pytest.raises(Rerun):
        command._handle_click(result, _view(), OFFLINE, "top")
    fake_st.session_state[command.UNIT_KEY] = "top"  # the user went back up the breadcrumb
    command._handle_click(result, _view(), OFFLINE, "top")  # the component keeps its value
    assert fake_st.session_state[command.UNIT_KEY] == "top"
    # A second click on the very same spot is a new layer click (the count went up): it counts.
    with pytest.raises(Rerun):
        command._handle_click(_result(0.5, 0.5, "a", count=2), _view(), OFFLINE, "top")
    assert fake_st.session_state[command.UNIT_KEY] == "a"


def test_a_click_outside_every_unit_does_nothing(fake_st: SimpleNamespace) -> None:
    command._handle_click(_result(9.0, 9.0, None), _view(), OFFLINE, "top")
    assert command.UNIT_KEY not in fake_st.session_state
