"""Rankings by hazards per 100 households, rectification and overdue, and their CSV/XLSX files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from gridmap.hotspots import describe_ranking, rank_units, write_csv, write_xlsx
from gridmap.workflow.clock import hazard_overdue
from tests.hotspots_fixtures import lattice, points_for_counts

NOW = dt.datetime(2026, 11, 20, 12, 0)


def _scene() -> tuple[object, object]:
    """A 3 x 3 lattice: unit 0 has three households and one hazard, the others 30-38."""
    households = np.array([3, 30, 31, 32, 33, 34, 35, 36, 38])
    counts = np.array([1, 2, 9, 3, 0, 4, 6, 1, 12])
    units = lattice(3, 3, households=households)
    units["name"] = [f"unit {i}" for i in range(9)]
    pts = points_for_counts(units, counts, seed=2)
    n = len(pts)
    statuses = np.array(["verified", "rectified", "found", "rectifying", "overdue"])[np.arange(n) % 5]
    deadline = np.where(np.arange(n) % 2 == 0, np.datetime64("2026-11-01"), np.datetime64("2026-12-30"))
    pts["status"] = statuses
    pts["deadline"] = pd.to_datetime(deadline)
    pts["micro_code"] = units["code"].to_numpy()[pts["unit"].to_numpy()]
    return units, pts


def test_every_measure_by_hand() -> None:
    units, pts = _scene()
    ranking = rank_units(units, pts, now=NOW, by="hazards")  # type: ignore[arg-type]
    frame = ranking.frame.set_index("code")
    late = hazard_overdue(pts, NOW)  # type: ignore[arg-type]
    for i, code in enumerate(units["code"]):  # type: ignore[index]
        mine = pts[pts["unit"] == i]  # type: ignore[index]
        row = frame.loc[code]
        assert row["hazards"] == len(mine)
        assert row["rectified"] == int(mine["status"].isin(["rectified", "verified"]).sum())
        assert row["open"] == int(mine["status"].isin(["found", "rectifying", "overdue"]).sum())
        assert row["overdue"] == int(late[mine.index].sum())
        assert row["rate"] == pytest.approx(100 * len(mine) / units["households"].iloc[i])  # type: ignore[index]
        if len(mine):
            assert row["rectification_rate"] == pytest.approx(100 * row["rectified"] / len(mine))
        else:
            assert np.isnan(row["rectification_rate"])
    assert ranking.frame["code"].iloc[0] == units["code"].iloc[8]  # type: ignore[index]  # 12 hazards
    assert ranking.frame["rank"].tolist()[:3] == [1, 2, 3]


def test_three_households_top_the_raw_rate_but_not_the_smoothed() -> None:
    units, pts = _scene()
    raw = rank_units(units, pts, now=NOW, by="rate")  # type: ignore[arg-type]
    smooth = rank_units(units, pts, now=NOW, by="rate_eb")  # type: ignore[arg-type]
    small = units["code"].iloc[0]  # type: ignore[index]
    assert raw.frame["code"].iloc[0] == small  # 33 per 100 households
    assert smooth.frame["code"].iloc[0] != small
    row = smooth.frame.set_index("code").loc[small]
    overall = smooth.method.overall_rate
    assert abs(row["rate_eb"] - overall) < 0.5 * abs(row["rate"] - overall)  # pulled most of the way


def test_rectification_rate_lowest_first_and_no_hazards_last() -> None:
    units, pts = _scene()
    ranking = rank_units(units, pts, now=NOW, by="rectification_rate")  # type: ignore[arg-type]
    rates = ranking.frame["rectification_rate"].to_numpy()
    finite = rates[np.isfinite(rates)]
    assert (np.diff(finite) >= 0).all()
    assert np.isnan(rates[-1]) and ranking.frame["rank"].isna().iloc[-1]
    assert ranking.frame["code"].iloc[-1] == units["code"].iloc[4]  # type: ignore[index]  # no hazards


def test_method_words_in_both_languages() -> None:
    units, pts = _scene()
    method = rank_units(units, pts, now=NOW).method  # type: ignore[arg-type]
    assert method.by == "rate_eb" and method.units == 9
    assert method.overall_rate == pytest.approx(100 * 38 / 272)
    assert "empirical" in describe_ranking(method, "en") and "13.97" not in describe_ranking(method, "en")
    assert "14.0" in describe_ranking(method, "en") and "经验贝叶斯" in describe_ranking(method, "zh")


def test_unknown_order_is_refused() -> None:
    units, pts = _scene()
    with pytest.raises(ValueError, match="rank by one of"):
        rank_units(units, pts, now=NOW, by="beauty")  # type: ignore[arg-type]


def test_csv_and_xlsx_neutralise_formula_cells(tmp_path: Path) -> None:
    units, pts = _scene()
    units["name"] = ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2", "\tx", "ok", "普通", "7", "8"]  # type: ignore[index]
    table = rank_units(units, pts, now=NOW).frame  # type: ignore[arg-type]
    csv = pd.read_csv(write_csv(table, tmp_path / "rank.csv"), encoding="utf-8-sig", dtype={"name": str})
    names = set(csv["name"])
    assert {"'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2"} <= names
    book = load_workbook(write_xlsx(table, tmp_path / "rank.xlsx", sheet="排名/rank"))
    ws = book.active
    assert ws.title == "排名rank"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["rank", "code", "name"]
    cells = [row[2] for row in ws.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)  # text, never a formula
    assert {"'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)"} <= {c.value for c in cells}
    numbers = [row[4].value for row in ws.iter_rows(min_row=2)]  # hazards stay numbers
    assert all(isinstance(v, int) for v in numbers)
    rates = [row[8].value for row in ws.iter_rows(min_row=2)]  # rectification rate: NaN -> empty
    assert rates.count(None) == 1  # the unit without hazards has no rectification rate


def test_xlsx_headers_must_match_columns(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="headings"):
        write_xlsx(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx", headers=["a", "b"])
