"""Issue 9 item 8: the child ranking was always sorted descending and cut at 15 rows, so for
closure rate and zero-report rate the worst units fell off the list.

:func:`gridmap.command.ranking.ranking` now puts the worst first as the measure defines it
(``higher_is_worse``), keeps every unit, puts units without a value last and marks the
selected one; the page shows all of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gridmap.command import MEASURES, UnitMeasure
from gridmap.command.ranking import ranking
from gridmap.domain import Level
from tests.test_command_page import run_page

TOWN = "330327103000"


def _measure(name: str, values: list[object]) -> UnitMeasure:
    spec = MEASURES[name]
    codes = [f"u{i:02d}" for i in range(len(values))]
    frame = pd.DataFrame({"name": [f"单元{i}" for i in range(len(values))], "value": values,
                          "numerator": np.nan, "denominator": np.nan}, index=pd.Index(codes, name="code"))
    return UnitMeasure(name, "top", Level.VILLAGE, spec.kind, spec.scale, spec.higher_is_worse, spec.categories,
                       frame, 0.0, 1.0)


def test_a_measure_where_lower_is_worse_lists_the_lowest_first_and_keeps_every_unit() -> None:
    rates = [0.9 - i * 0.01 for i in range(20)] + [np.nan]  # u19 is lowest, u20 has no reports
    table = ranking(_measure("closure_rate", rates))
    assert len(table) == 21  # more than the 15 rows the old ranking kept
    assert list(table.index[:3]) == ["u19", "u18", "u17"]
    assert table.index[-1] == "u20" and pd.isna(table["rank"].iloc[-1])
    assert list(table["rank"].iloc[:3]) == [1, 2, 3]


def test_a_measure_where_higher_is_worse_lists_the_highest_first() -> None:
    table = ranking(_measure("open_issues", [3, 0, 7, 7, 1]))
    assert list(table.index) == ["u02", "u03", "u00", "u04", "u01"]  # ties keep code order


@pytest.mark.parametrize("name", [n for n, spec in MEASURES.items() if spec.kind == "sequential"])
def test_every_sequential_measure_puts_its_bad_end_first(name: str) -> None:
    table = ranking(_measure(name, [0.2, 0.8, 0.5]))
    first = table["value"].iloc[0]
    assert first == (0.8 if MEASURES[name].higher_is_worse else 0.2)


def test_risk_ranks_orange_before_blue_before_cyan() -> None:
    table = ranking(_measure("risk", ["cyan", "orange", None, "blue"]))
    assert list(table["value"]) == ["orange", "blue", "cyan", None]


def test_the_selected_unit_is_marked() -> None:
    table = ranking(_measure("open_issues", [1, 2, 3]), selected="u01")
    assert table["selected"].tolist() == [False, True, False]
    assert ranking(_measure("open_issues", [1, 2]))["selected"].tolist() == [False, False]


def _value(text: str) -> float:
    return float("nan") if text == "—" else float(text.rstrip("%"))


def test_the_page_lists_every_village_lowest_closure_rate_first(monkeypatch: pytest.MonkeyPatch,
                                                                demo_db_url: str) -> None:
    at = run_page(monkeypatch, demo_db_url, unit=TOWN)
    at.selectbox(key="cmd_measure").set_value("closure_rate").run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert list(table.columns) == ["名次", "单元", "数值"]
    assert len(table) > 15, "every village of the town is listed, not the first 15"
    values = [_value(v) for v in table["数值"]]
    known = [v for v in values if v == v]
    assert known == sorted(known), "the lowest closure rate comes first"
    assert all(v != v for v in values[len(known):]), "units without reports come last"


def test_the_page_marks_the_selected_micro_grid_among_its_siblings(monkeypatch: pytest.MonkeyPatch,
                                                                   demo_db_url: str) -> None:
    at = run_page(monkeypatch, demo_db_url, unit="33032710300101001")
    table = at.dataframe[0].value
    marked = [u for u in table["单元"] if u.startswith("▶ ")]
    assert marked == ["▶ 球山社区第1网格第1微网格"]
    assert len(table) > 1  # its grid's micro-grids, not the micro-grid alone
