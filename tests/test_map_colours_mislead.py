"""Issue 9 item 3: colours and legends that misled a commander.

- a unit with 0 open issues was painted orange when there was only one class;
- count legends showed fractional, overlapping bounds ("≤ 8.8 / 8.8–17", "0–1 / 1–2");
- cluster bubbles were green/yellow/orange by size, with no legend (a green "42" read as fine);
- the legend listed statuses that share one colour as if they were distinct;
- issues and hazards used the same dot style.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import re

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pytest

from gridmap.i18n import label
from gridmap.maps import OFFLINE, base_map, inspection_layer, issue_layer, style, unit_layer
from tests.store_fixtures import M1, M2, M3, tiny_units

AS_OF = dt.datetime(2026, 11, 23, 9, 0)


def micro_units(n: int = 4) -> gpd.GeoDataFrame:
    units = tiny_units()
    micro = units[units["level"] == "micro"].reset_index(drop=True)
    if n <= len(micro):
        return micro.iloc[:n].reset_index(drop=True)
    # More units: copies of the tiny ones, shifted east, with codes of their own.
    parts = []
    for i in range(-(-n // len(micro))):
        part = micro.copy()
        part["geometry"] = part.geometry.translate(0.03 * i, 0)
        part["code"] = [f"{c}{i:02d}" for c in micro["code"]]
        parts.append(part)
    return gpd.GeoDataFrame(np.concatenate([p.to_numpy() for p in parts])[:n], columns=micro.columns,
                            geometry="geometry", crs="EPSG:4326")


def legend_rows(group: folium.FeatureGroup) -> list[str]:
    box = next(c for c in group._children.values() if c._name == "Legend")
    return [re.sub(r"<[^>]+>", "", row).strip() for row in re.findall(r"</span>(.*?)</div>", box.html)]


def fills(group: folium.FeatureGroup) -> dict[str, str]:
    layer = next(c for c in group._children.values() if isinstance(c, folium.GeoJson))
    return {f["properties"]["code"]: layer.style_function(f)["fillColor"] for f in layer.data["features"]}


VALUE_SETS = {
    "all zeros": [0, 0, 0, 0],
    "single class": [3, 3, 3],
    "zero and one value": [0, 0, 4],
    "max 1": [0, 1, 1, 0, 1],
    "max 2": [0, 1, 2, 2],
    "max 17": [0, 0, 1, 2, 3, 5, 8, 9, 12, 17],
    "wide": [0, 1, 1, 2, 4, 7, 11, 30, 55, 140, 141, 900],
}


@pytest.mark.parametrize("values", list(VALUE_SETS.values()), ids=list(VALUE_SETS))
def test_count_legends_are_integer_and_do_not_overlap(values: list[int]) -> None:
    units = micro_units(len(values))
    group = unit_layer(units, values=dict(zip(units["code"], values, strict=True)), measure="未办结事件",
                       scale="count", tiles=OFFLINE)
    rows = [r for r in legend_rows(group) if r != "无数据"]
    assert rows, "a legend"
    covered: list[int] = []
    for row in rows:
        m = re.fullmatch(r"(\d+)(?:\s*–\s*(\d+))?", row)
        assert m, f"legend row {row!r} is not an integer or an integer range"
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        assert lo <= hi
        covered.extend(range(lo, hi + 1))
    assert covered == sorted(set(covered)), f"classes overlap: {rows}"
    assert covered == list(range(covered[0], covered[-1] + 1)), f"classes leave gaps: {rows}"
    assert covered[0] == 0 and covered[-1] == max(values), rows
    box = next(c for c in group._children.values() if c._name == "Legend").html
    swatches = re.findall(r"background:(#[0-9A-Fa-f]{6})", box)
    assert len(swatches) == len(set(swatches)), f"two classes share a colour: {rows} {swatches}"
    colour = fills(group)
    assert len({colour[c] for c, v in zip(units["code"], values, strict=True) if v == 0}) <= 1


@pytest.mark.parametrize("values", [[0, 0, 0], [0, 0, 4], [0, 1, 17]], ids=["all zeros", "one class", "max 17"])
def test_zero_gets_a_neutral_colour(values: list[int]) -> None:
    units = micro_units(3)
    group = unit_layer(units, values=dict(zip(units["code"], values, strict=True)), scale="count", tiles=OFFLINE)
    colour = fills(group)
    zero = colour[M1]
    assert zero == style.ZERO_COLOUR
    assert zero not in style.SEQUENTIAL and zero != style.NO_DATA_COLOUR
    r, g, b = (int(zero[i:i + 2], 16) / 255 for i in (1, 3, 5))
    assert colorsys.rgb_to_hsv(r, g, b)[1] < 0.1, "zero is not a colour of alarm"
    for code, v in zip(units["code"], values, strict=True):
        if v > 0:
            assert colour[code] in style.SEQUENTIAL
    assert "0" in legend_rows(group)


def test_shares_keep_their_ramp_for_zero() -> None:
    """A closure rate of 0 % is the worst value, not a neutral one."""
    group = unit_layer(micro_units(3), values={M1: 0.0, M2: 0.5, M3: 1.0}, scale="share",
                       higher_is_worse=False, tiles=OFFLINE)
    assert fills(group)[M1] == style.SEQUENTIAL[-1]


def issues(statuses: list[str], *, late: int = 0) -> gpd.GeoDataFrame:
    n = len(statuses)
    xs = np.linspace(120.401, 120.419, n)
    deadlines = [dt.datetime(2026, 11, 21) if i < late else dt.datetime(2026, 12, 30) for i in range(n)]
    return gpd.GeoDataFrame({
        "id": [f"p{i:04d}" for i in range(n)], "category": "sanitation", "status": statuses,
        "description": "垃圾", "reported_at": dt.datetime(2026, 11, 20, 8), "deadline": deadlines,
        "place_type": "shop", "hazard_types": [["fire"]] * n, "severity": "general",
        "found_at": dt.datetime(2026, 11, 20, 8),
    }, geometry=gpd.points_from_xy(xs, np.full(n, 27.515)), crs="EPSG:4326")


def test_statuses_sharing_a_colour_are_one_legend_row() -> None:
    group = issue_layer(issues(["dispatched", "in_progress", "reported", "accepted", "returned"]), as_of=AS_OF,
                        tiles=OFFLINE)
    rows = legend_rows(group)
    same = [r for r in rows if label("issue_status", "dispatched") in r]
    assert len(same) == 1 and label("issue_status", "in_progress") in same[0], rows
    assert sum(label("issue_status", "reported") in r or label("issue_status", "accepted") in r for r in rows) == 1
    assert len(rows) == 3, rows
    box = next(c for c in group._children.values() if c._name == "Legend").html
    colours = re.findall(r"background:(#[0-9A-Fa-f]{6})", box)
    assert len(colours) == len(set(colours)), "every colour once in the legend"


def render(*groups: folium.FeatureGroup) -> str:
    m = base_map((27.51, 120.41), tiles=OFFLINE, check_assets=False)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


@pytest.mark.parametrize("aggregate", ["markers", "cluster"])
def test_issues_and_hazards_have_different_marker_shapes(aggregate: str) -> None:
    points = issues(["in_progress", "dispatched", "reported"], late=1)
    hazards = issues(["found", "rectifying", "found"], late=1)
    issue_html = render(issue_layer(points, as_of=AS_OF, tiles=OFFLINE, aggregate=aggregate))  # type: ignore[arg-type]
    hazard_html = render(inspection_layer(hazards, as_of=AS_OF, tiles=OFFLINE, aggregate=aggregate))  # type: ignore[arg-type]
    circle = re.compile(r"L\.circleMarker\(|L\.CircleMarker\b|new L\.CircleMarker|circle_marker")
    assert circle.search(issue_html), "issues are dots"
    assert not circle.search(hazard_html), "hazards must not be the same dots as issues"
    assert "gm-hazard" in hazard_html, "hazards are diamonds"
    box = render(inspection_layer(hazards, as_of=AS_OF, tiles=OFFLINE))
    assert "rotate(45deg)" in box, "the hazard legend shows the diamond too"


def cluster_function(group: folium.FeatureGroup) -> str:
    def walk(element):
        yield element
        for child in element._children.values():
            yield from walk(child)
    cluster = next(e for e in walk(group) if isinstance(e, folium.plugins.MarkerCluster))
    return str(cluster.options.get("icon_create_function") or cluster.icon_create_function)


def _hue_is_signal(hex_colour: str) -> bool:
    r, g, b = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, _v = colorsys.rgb_to_hsv(r, g, b)
    return s > 0.35 and (h < 0.2 or h > 0.9 or 0.2 <= h <= 0.45)  # red, orange, yellow, green


def test_cluster_bubbles_carry_no_good_or_bad_colour() -> None:
    group = issue_layer(issues(["in_progress"] * 12), as_of=AS_OF, tiles=OFFLINE, aggregate="cluster")
    js = cluster_function(group)
    assert "marker-cluster-small" not in js and "marker-cluster-medium" not in js \
        and "marker-cluster-large" not in js, "the default classes paint green/yellow/orange"
    bubble = [c for c in re.findall(r"#[0-9A-Fa-f]{6}", js) if c.upper() != style.OVERDUE_STYLE.fill.upper()]
    assert bubble and not any(_hue_is_signal(c) for c in bubble), bubble
    rows = legend_rows(group)
    assert any("数字" in r for r in rows), f"the legend explains the bubbles: {rows}"
