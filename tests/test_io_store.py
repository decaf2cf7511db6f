"""import_layer / export_layer against a real SQLite store: all or nothing.

The tiny county of ``tests/store_fixtures.py``; files are written with
:func:`write_frame` or the builders, then imported and read back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shapely

from gridmap.access import Session
from gridmap.io import ImportRejected, export_layer, import_layer, read_layer_file, write_frame
from gridmap.store import Store, StoreError, open_store
from gridmap.store.sqlite import SqliteTransaction
from tests.fixtures.io.builders import INSIDE_M1, INSIDE_M4, OUTSIDE, household, point, write_geojson
from tests.store_fixtures import M1, M4, SCOPE, tiny_issues, tiny_units

COUNTS = ("units", "households", "issues")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(f"sqlite:///{tmp_path}/t.db")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def county(store: Store, tmp_path: Path) -> Store:
    """The tiny county's units imported from a GeoPackage."""
    import_layer(Session.system(store, SCOPE, "tester"), "units",
                 write_frame(tiny_units(), tmp_path / "units.gpkg", "gpkg", "units"))
    return store


def _counts(store: Store) -> dict[str, int]:
    return {name: store.count(name, SCOPE) for name in COUNTS}


def _households(tmp_path: Path, *points: tuple[float, float]) -> Path:
    return write_geojson(tmp_path / "households.geojson",
                         [household(point(*p), n=i + 1, id=f"h{i + 1}") for i, p in enumerate(points)])


def test_import_households_then_read_back(county: Store, tmp_path: Path) -> None:
    stages: list[str] = []
    report = import_layer(Session.system(county, SCOPE, "tester"), "households",
                          _households(tmp_path, INSIDE_M1, INSIDE_M4, OUTSIDE),
                          progress=lambda stage, f: stages.append(stage))
    assert (report.read, report.written, report.outside, report.repaired) == (3, 3, 1, 0)
    rows = county.read("households", SCOPE).sort_values("id")
    assert list(rows["address"]) == ["灵溪镇人民路1号", "灵溪镇人民路2号", "灵溪镇人民路3号"]
    assert list(rows["micro_code"].fillna("-")) == [M1, M4, "-"]
    assert list(rows["outside"]) == [False, False, True]
    assert shapely.equals_exact(rows.geometry.iloc[0], shapely.Point(*INSIDE_M1), tolerance=1e-9)
    assert stages[0] == "read" and {"validate", "assign", "write"} <= set(stages)
    assert "读取 3 条，写入 3 条" in str(report) and "不在任何微网格内 1 条" in str(report)


def test_import_is_audited_with_the_file_name(county: Store, tmp_path: Path) -> None:
    import_layer(Session.system(county, SCOPE, "alice"), "households", _households(tmp_path, INSIDE_M1))
    audit = county.audit_log(SCOPE)
    row = audit.loc[audit["layer"] == "households"].iloc[0]
    assert row["actor"] == "alice" and "households.geojson" in row["after"]


def test_repairs_are_counted_in_the_report(county: Store, tmp_path: Path) -> None:
    path = write_geojson(tmp_path / "h.geojson", [household(point(*INSIDE_M1, 8.0), n=1),
                                                 household(point(*INSIDE_M4, 9.0), n=2)])
    report = import_layer(Session.system(county, SCOPE, "tester"), "households", path)
    assert report.repaired == 2 and len(report.repairs) == 2


def _bad_geometry(tmp: Path) -> Path:
    return write_geojson(tmp / "h.geojson", [household(n=1), household(point(27.5, 120.4), n=2)])


def _bad_value(tmp: Path) -> Path:
    return write_geojson(tmp / "h.geojson", [household(n=1), household(n=2, residents="many")])


def _other_county(tmp: Path) -> Path:
    return write_geojson(tmp / "h.geojson", [household(n=1), household(n=2, county_code="330328")])


BAD_FILES: list[tuple[str, Callable[[Path], Path], str]] = [
    ("swapped coordinates in one feature", _bad_geometry, "第 2 个要素"),
    ("unconvertible value in one feature", _bad_value, "residents"),
    ("a row of another county", _other_county, "不属于本县"),
]


@pytest.mark.parametrize(("name", "build", "words"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
@pytest.mark.parametrize("mode", ["append", "replace"])
def test_failing_import_leaves_the_store_unchanged(county: Store, tmp_path: Path, name: str,
                                                   build: Callable[[Path], Path], words: str, mode: str) -> None:
    import_layer(Session.system(county, SCOPE, "t"), "households", _households(tmp_path, INSIDE_M1, INSIDE_M4))
    before = _counts(county)
    audit_before = len(county.audit_log(SCOPE))
    with pytest.raises(ImportRejected, match=words):
        import_layer(Session.system(county, SCOPE, "t"), "households", build(tmp_path), mode=mode)  # type: ignore[arg-type]
    assert _counts(county) == before
    assert len(county.audit_log(SCOPE)) == audit_before


def test_store_refusal_mid_transaction_rolls_back_the_replace(county: Store, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """``replace`` deletes first; when the insert then fails, the deleted rows come back."""
    import_layer(Session.system(county, SCOPE, "t"), "households", _households(tmp_path, INSIDE_M1, INSIDE_M4))
    before = county.read("households", SCOPE)

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError("households: disk full")

    monkeypatch.setattr(SqliteTransaction, "_insert_rows", refuse)
    path = write_geojson(tmp_path / "h2.geojson", [household(n=7, id="fresh")])
    with pytest.raises(ImportRejected, match="已全部回滚：households: disk full"):
        import_layer(Session.system(county, SCOPE, "t"), "households", path, mode="replace")
    monkeypatch.undo()
    after = county.read("households", SCOPE)
    assert sorted(after["id"]) == sorted(before["id"]) == ["h1", "h2"]


def test_replace_mode_replaces_the_layer_in_scope(county: Store, tmp_path: Path) -> None:
    import_layer(Session.system(county, SCOPE, "t"), "households", _households(tmp_path, INSIDE_M1, INSIDE_M4))
    path = write_geojson(tmp_path / "new.geojson", [household(n=9, id="h9")])
    report = import_layer(Session.system(county, SCOPE, "t"), "households", path, mode="replace")
    assert report.written == 1 and list(county.read("households", SCOPE)["id"]) == ["h9"]


def test_points_without_units_are_kept_as_outside(store: Store, tmp_path: Path) -> None:
    report = import_layer(Session.system(store, SCOPE, "t"), "households", _households(tmp_path, INSIDE_M1))
    assert report.outside == 1 and any("还没有微网格" in n.text() for n in report.notes)
    assert list(store.read("households", SCOPE)["outside"]) == [True]


def test_units_append_twice_is_refused_naming_the_codes(county: Store, tmp_path: Path) -> None:
    before = _counts(county)
    path = write_frame(tiny_units(), tmp_path / "again.geojson", "geojson", "units")
    with pytest.raises(ImportRejected, match=f"单元 {M1}：已存在于第 1 版规划中"):
        import_layer(Session.system(county, SCOPE, "t"), "units", path)
    assert _counts(county) == before
    report = import_layer(Session.system(county, SCOPE, "t"), "units", path, mode="replace")
    assert report.written == 9 and county.count("units", SCOPE) == 9


def test_units_nest_into_stored_parents(store: Store, tmp_path: Path) -> None:
    units = tiny_units()
    upper = units.loc[units["level"].isin(["county", "town", "village"])]
    lower = units.loc[units["level"].isin(["grid", "micro"])].drop(columns=["id", "parent_code"])
    import_layer(Session.system(store, SCOPE, "t"), "units", write_frame(upper, tmp_path / "upper.gpkg", "gpkg", "units"))
    path = write_frame(lower, tmp_path / "lower.csv", "csv", "units")
    report = import_layer(Session.system(store, SCOPE, "t"), "units", path)
    assert report.written == 6 and report.repaired == 6  # parent codes derived from the codes
    stored = store.read("units", SCOPE, where={"code": M4})
    assert stored["parent_code"].iloc[0] == M4[:14] and stored["id"].iloc[0] == f"{M4}:1"


def test_units_with_a_missing_parent_are_refused(store: Store, tmp_path: Path) -> None:
    lower = tiny_units().loc[lambda u: u["level"] == "micro"]
    path = write_frame(lower, tmp_path / "micro.geojson", "geojson", "units")
    with pytest.raises(ImportRejected, match="既不在文件中也不在库中"):
        import_layer(Session.system(store, SCOPE, "t"), "units", path)
    assert store.count("units", SCOPE) == 0


def test_units_of_another_county_are_refused(store: Store, tmp_path: Path) -> None:
    other = tiny_units().iloc[:1].copy()
    other["code"] = "330328000000"
    path = write_frame(other, tmp_path / "other.geojson", "geojson", "units")
    with pytest.raises(ImportRejected, match="330328000000 不属于本县 330327"):
        import_layer(Session.system(store, SCOPE, "t"), "units", path)


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "shp", "csv"])
def test_export_then_import_into_a_fresh_store(county: Store, tmp_path: Path, fmt: str) -> None:
    with county.transaction("t", SCOPE) as tx:
        tx.insert("issues", tiny_issues())
    n, _ = export_layer(Session.system(county, SCOPE), "issues", tmp_path / f"issues.{fmt}", fmt=fmt)  # type: ignore[arg-type]
    assert n == 3
    written = next(tmp_path.glob("issues.*"))
    fresh = open_store(f"sqlite:///{tmp_path}/fresh.db")
    try:
        import_layer(Session.system(fresh, SCOPE, "t"), "units", tmp_path / "units.gpkg")
        report = import_layer(Session.system(fresh, SCOPE, "t"), "issues", written)
        assert report.written == 3 and report.outside == 1
        original = county.read("issues", SCOPE).sort_values("id").reset_index(drop=True)
        copied = fresh.read("issues", SCOPE).sort_values("id").reset_index(drop=True)
        for column in ("id", "description", "status", "reported_at", "micro_code", "outside"):
            assert original[column].astype(str).tolist() == copied[column].astype(str).tolist(), column
    finally:
        fresh.close()


def test_export_units_writes_the_current_plan_only(county: Store, tmp_path: Path) -> None:
    newer = tiny_units()
    newer["plan_version"] = 2
    newer["id"] = newer["code"] + ":2"
    with county.transaction("t", SCOPE) as tx:
        tx.insert("units", newer)
        tx.set_meta("plan_version", "2")
    n, _ = export_layer(Session.system(county, SCOPE), "units", tmp_path / "u.gpkg", fmt="gpkg")
    frame = read_layer_file("units", tmp_path / "u.gpkg").frame
    assert n == 9 and set(frame["plan_version"]) == {2}


def test_import_validates_mode(county: Store, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode must be"):
        import_layer(Session.system(county, SCOPE, "t"), "households", _households(tmp_path, INSIDE_M1),
                     mode="upsert")  # type: ignore[arg-type]
