"""QGIS round trip: GeoPackage and assignment CSV in and out (gridmap.plan.transfer)."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from gridmap.plan.cells import _children, cells_for
from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.transfer import export_assignment_csv, export_gpkg, import_assignment_csv, import_gpkg
from tests.plan_fixtures import VILLAGE, box_plan, community
from tests.test_plan_cells import GRID, three_rows

LEVELS = ("county", "town", "village", "grid", "micro")


def _plan() -> gpd.GeoDataFrame:
    """A village of two grids, of 2 and 3 micro-grids::

        +-----+-----+
        | 001 | 001 |
        |-----|-----|
        | 002 | 002 |
        |     |-----|
        |     | 003 |
        +-----+-----+
    """
    return box_plan(0.01, 0.008, [2, 3])


def _layers(data: bytes) -> dict[str, gpd.GeoDataFrame]:
    return {lv: gpd.read_file(io.BytesIO(data), layer=lv) for lv in LEVELS}


def _write(layers: dict[str, gpd.GeoDataFrame], path: Path) -> Path:
    for name, frame in layers.items():
        frame.to_file(path, layer=name, driver="GPKG")
    return path


def _exported(plan: gpd.GeoDataFrame) -> bytes:
    buf = io.BytesIO()
    export_gpkg(plan, buf)
    return buf.getvalue()


def test_round_trip_gives_the_same_codes_and_geometries(tmp_path: Path) -> None:
    plan = _plan()
    export_gpkg(plan, tmp_path / "plan.gpkg")
    layers = _layers((tmp_path / "plan.gpkg").read_bytes())
    assert set(layers) == set(LEVELS)
    assert list(layers["micro"].columns) == ["code", "name", "parent_code", "level", "households", "residents",
                                             "geometry"]
    assert layers["micro"].crs.to_epsg() == 4326
    back, notes = import_gpkg(tmp_path / "plan.gpkg", base_plan=plan)
    assert notes == []
    assert list(back["code"]) == sorted(plan["code"])
    expected = plan.set_index("code").loc[back["code"]]
    assert all(shapely.equals(a, b) and shapely.get_num_coordinates(a) == shapely.get_num_coordinates(b)
               for a, b in zip(back.geometry, expected.geometry, strict=True))
    assert list(back["parent_code"].fillna("")) == list(expected["parent_code"].fillna(""))


@pytest.mark.parametrize("epsg", [4549, 3857])
def test_another_crs_is_reprojected_and_said(tmp_path: Path, epsg: int) -> None:
    plan = _plan()
    layers = {k: v.to_crs(epsg) for k, v in _layers(_exported(plan)).items()}
    back, notes = import_gpkg(_write(layers, tmp_path / "x.gpkg"), base_plan=plan)
    assert any(str(epsg) in n.text("en") for n in notes)
    expected = plan.set_index("code").loc[back["code"]]
    assert all(shapely.equals(a, b) for a, b in zip(back.geometry, expected.geometry, strict=True))


def test_a_layer_without_crs_is_refused(tmp_path: Path) -> None:
    plan = _plan()
    layers = _layers(_exported(plan))
    layers["grid"] = layers["grid"].set_crs(None, allow_override=True)
    with pytest.raises(PlanError) as exc:
        import_gpkg(_write(layers, tmp_path / "x.gpkg"), base_plan=plan)
    assert "grid" in exc.value.text("en")


@pytest.mark.parametrize(("edit", "named"), [
    (lambda ls: ls["micro"].assign(parent_code=["33032710000109", *ls["micro"]["parent_code"][1:]]), "33032710000109"),
    (lambda ls: ls["micro"].assign(code=["33032710000201001", *ls["micro"]["code"][1:]]), "33032710000201001"),
])
def test_broken_nesting_names_the_unit(tmp_path: Path, edit, named: str) -> None:  # type: ignore[no-untyped-def]
    plan = _plan()
    layers = _layers(_exported(plan))
    layers["micro"] = edit(layers)
    with pytest.raises(PlanError) as exc:
        import_gpkg(_write(layers, tmp_path / "x.gpkg"), base_plan=plan)
    assert named in exc.value.text("en") and named in exc.value.text("zh")


def test_a_missing_level_and_a_feature_in_the_wrong_layer(tmp_path: Path) -> None:
    plan = _plan()
    layers = _layers(_exported(plan))
    without = {k: v for k, v in layers.items() if k != "grid"}
    with pytest.raises(PlanError) as exc:
        import_gpkg(_write(without, tmp_path / "a.gpkg"), base_plan=plan)
    assert exc.value.key == "plan.transfer.level_missing"
    layers["grid"] = layers["grid"].assign(level="micro")
    with pytest.raises(PlanError):
        import_gpkg(_write(layers, tmp_path / "b.gpkg"), base_plan=plan)


@pytest.mark.parametrize("data", [b"not a geopackage at all" * 50, b"", b"SQLite format 3\x00" + b"\x00" * 200])
def test_a_garbage_file_is_refused(data: bytes) -> None:
    with pytest.raises(PlanError):
        import_gpkg(data, base_plan=_plan())


def test_an_edited_boundary_comes_back(tmp_path: Path) -> None:
    """Move the border between the two micro-grids of grid 01 south in 'QGIS'."""
    plan = _plan()
    layers = _layers(_exported(plan))
    micro = layers["micro"]
    a, b = micro.geometry.iloc[0], micro.geometry.iloc[1]
    x0, y0, x1, y1 = shapely.bounds(shapely.union(a, b))
    mid = round(y0 + (y1 - y0) * 0.3, 6)
    micro.loc[0, "geometry"] = shapely.multipolygons([shapely.box(x0, mid, x1, y1)])
    micro.loc[1, "geometry"] = shapely.multipolygons([shapely.box(x0, y0, x1, mid)])
    back, _ = import_gpkg(_write(layers, tmp_path / "e.gpkg").read_bytes(), base_plan=plan)
    got = back.set_index("code").geometry
    assert shapely.equals(got[micro["code"].iloc[0]], shapely.box(x0, mid, x1, y1))


# --------------------------------------------------------------------------- assignment CSV


def test_assignment_csv_round_trip() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    data = export_assignment_csv(cells)
    assert data.startswith(b"\xef\xbb\xbfcell_id,micro_code\n")
    same = import_assignment_csv(data, cells, plan, GRID)
    assert not same.changed
    moved = data.decode("utf-8-sig").replace(
        f"{cells.loc[cells['household_ids'].apply(lambda i: 'hh-0004' in i), 'cell_id'].iloc[0]},{GRID}002",
        f"{cells.loc[cells['household_ids'].apply(lambda i: 'hh-0004' in i), 'cell_id'].iloc[0]},{GRID}003")
    result = import_assignment_csv(moved, cells, plan, GRID)
    assert result.changed >= {GRID + "002", GRID + "003"}


def test_household_csv_and_bad_rows() -> None:
    plan, hh = three_rows()
    cells = cells_for(plan, GRID, hh)
    text = ("household_id,micro_code\n"
            f"hh-0004,{GRID}003\n"          # row 2: fine
            f"hh-9999,{GRID}001\n"          # row 3: unknown household
            f"hh-0000,33032710000199001\n"  # row 4: code of another grid
            f"hh-0004,{GRID}003\n"          # row 5: listed twice
            f"hh-0002,{GRID}001\n"          # row 6: fine
            f"hh-0003,{GRID}002\n"          # row 7: splits c/d's building
            f",{GRID}001\n")                # row 8: empty id
    with pytest.raises(BadEdit) as exc:
        import_assignment_csv(text, cells, plan, GRID)
    words = exc.value.text("en")
    for row in ("Row 3", "Row 4", "Row 5", "Row 7", "Row 8"):
        assert row in words
    assert "Row 2:" not in words and "Row 6:" not in words
    assert exc.value.params["count"] == 5
    ok = import_assignment_csv(f"household_id,micro_code\nhh-0004,{GRID}003\n", cells, plan, GRID)
    assert dict(zip(_children(ok.plan, GRID)["code"], _children(ok.plan, GRID)["households"], strict=True))[
        GRID + "003"] == 3


@pytest.mark.parametrize("data", [b"\xff\xfe\x00garbage", "a,b\n1,2\n"])
def test_unreadable_or_wrong_columns_csv(data: bytes | str) -> None:
    plan, hh = three_rows()
    with pytest.raises(PlanError):
        import_assignment_csv(data, cells_for(plan, GRID, hh), plan, GRID)


def test_partition_result_exports_and_imports() -> None:
    from gridmap.plan.partition import auto_partition
    plan, hh = community(300, n_grids=1, seed=9)
    result = auto_partition(plan, VILLAGE + "01", hh)
    back, _ = import_gpkg(_exported(result.plan), base_plan=result.plan)
    assert set(back["code"]) == set(result.plan["code"])
