"""Units must nest: parents, levels, codes, containment and sibling overlaps.

The tiny county of ``tests/store_fixtures.py`` (one town, one village, grids G1 and G2,
micro-grids M1..M4) is valid; each case breaks one rule::

    27.52 +---------+---------+
          |  M1     |  M2     |   G1
    27.51 +---------+---------+
          |  M3     |  M4     |   G2
    27.50 +---------+---------+
        120.40    120.41    120.42
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from gridmap.io import ImportRejected, check_nesting, read_layer_file, write_frame
from tests.store_fixtures import G1, G2, M1, M2, M3, VILLAGE, tiny_units

Edit = Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]


def _box(x0: float, y0: float, x1: float, y1: float) -> shapely.MultiPolygon:
    return shapely.MultiPolygon([shapely.box(x0, y0, x1, y1)])


def _set(unit: str, /, **values: object) -> Edit:
    def edit(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        units = units.copy()
        row = units.index[units["code"] == unit][0]
        for column, value in values.items():
            units.at[row, column] = value
        return units
    return edit


def _add(code: str, level: str, parent: str, geom: shapely.Geometry) -> Edit:
    def edit(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        extra = units.iloc[[-1]].copy()
        extra[["id", "code", "level", "parent_code"]] = [f"{code}:1", code, level, parent]
        extra = extra.set_geometry([geom], crs=units.crs)
        return gpd.GeoDataFrame(pd.concat([units, extra], ignore_index=True), crs=units.crs)
    return edit


BROKEN: list[tuple[str, Edit, str, tuple[str, ...]]] = [
    ("micro-grid sticks 200 m out of its grid", _set(M1, geometry=_box(120.398, 27.51, 120.41, 27.52)), M1,
     ("超出上级单元", G1)),
    ("siblings overlap", _set(M2, geometry=_box(120.408, 27.51, 120.42, 27.52)), M1, ("重叠", M2)),
    ("parent is two levels up", _set(M3, parent_code=VILLAGE), M3, ("其上级应为网格", "村(社区)")),
    ("code does not start with the parent's prefix", _add("33032710000102009", "micro", G1,
                                                          _box(120.401, 27.511, 120.402, 27.512)),
     "33032710000102009", ("编码前缀", G1)),
    ("code of the wrong length", _set(M3, code="3303271000010200"), "3303271000010200", ("17 位数字",)),
    ("duplicate code", _set(M3, code=M1), M1, ("编码重复",)),
]


@pytest.mark.parametrize(("name", "edit", "code", "words"), BROKEN, ids=[b[0] for b in BROKEN])
def test_units_that_do_not_nest_are_rejected_naming_the_codes(name: str, edit: Edit, code: str,
                                                              words: tuple[str, ...]) -> None:
    problems = check_nesting(edit(tiny_units()))
    matching = [p for p in problems if p.feature == code and all(w in p.message for w in words)]
    assert matching, [p.message for p in problems]
    assert matching[0].message.startswith(f"单元 {code}：")


def test_tiny_county_nests() -> None:
    assert check_nesting(tiny_units()) == []


def test_noise_within_a_metre_is_tolerated() -> None:
    # M1 sticks 0.4 m west out of G1 and overlaps M2 by 0.4 m: surveying noise, not an error.
    units = _set(M1, geometry=_box(120.399996, 27.51, 120.410004, 27.52))(tiny_units())
    assert check_nesting(units) == []


def test_small_unit_outside_by_less_than_a_metre_is_tolerated_by_the_buffer() -> None:
    # 10 m x 10 m, 0.5 m of it outside G1: 5% of its area, but within the 1 m tolerance.
    small = _box(120.399995, 27.511, 120.4000952, 27.51109)
    units = _add("33032710000101003", "micro", G1, small)(tiny_units())
    assert [p for p in check_nesting(units) if "超出" in p.message] == []


def test_parent_missing_is_an_error_only_when_the_store_is_known() -> None:
    grids_only = tiny_units().loc[lambda u: u["level"].isin(["grid", "micro"])]
    assert check_nesting(grids_only) == []
    problems = check_nesting(grids_only, existing=tiny_units().iloc[:0])
    assert {p.feature for p in problems} == {G1, G2}
    assert all("既不在文件中也不在库中" in p.message for p in problems)


def test_parents_and_siblings_are_found_among_stored_units() -> None:
    stored = tiny_units().loc[lambda u: u["code"] != M3]
    m3 = tiny_units().loc[lambda u: u["code"] == M3]
    assert check_nesting(m3, existing=stored) == []
    overlapping = _set(M3, geometry=_box(120.40, 27.50, 120.415, 27.51))(m3)
    problems = check_nesting(overlapping, existing=stored)
    assert [p.feature for p in problems] == [M3] and "33032710000102002" in problems[0].message


def test_read_layer_file_checks_nesting(tmp_path: Path) -> None:
    broken = _set(M2, geometry=_box(120.408, 27.51, 120.42, 27.52))(tiny_units())
    path = write_frame(broken, tmp_path / "units.geojson", "geojson", "units")
    with pytest.raises(ImportRejected, match=f"单元 {M1}：与同级单元 {M2} 重叠"):
        read_layer_file("units", path)
