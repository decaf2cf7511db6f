"""The households band form on the planner's page (balance tab), run with AppTest on a
copy of the small demo: a good band is stored and used by the checks and the balance;
a bad one gets a message naming the field and stores nothing."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.plan import bands as plan_bands
from gridmap.plan import versions
from tests.test_planner_page import click, new_draft, planner_session, run_page


@pytest.fixture
def planner_db_url(demo_copy_url: str) -> str:
    return demo_copy_url


def _on_a_grid(at: AppTest, db_url: str) -> tuple[int, str]:
    version = int(at.selectbox(key="plan_draft_choice").value)
    plan = versions.load_plan(planner_session(db_url), version)
    grid = str(plan[plan["level"] == "micro"]["parent_code"].iloc[0])
    at.selectbox(key=f"plan_unit_{version}").set_value(grid).run()
    assert not at.exception, [e.value for e in at.exception]
    return version, grid


def _band_problems(at: AppTest) -> int:
    """Rows of the check list about the households band."""
    table = next((df.value for df in at.dataframe if "问题" in map(str, df.value.columns)), None)
    return 0 if table is None else int(table["问题"].astype(str).str.contains("户的范围").sum())


def test_a_band_set_on_the_page_is_stored_and_the_checks_follow(monkeypatch: pytest.MonkeyPatch,
                                                                planner_db_url: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    _, grid = _on_a_grid(at, planner_db_url)
    assert any("默认：20–40" in c.value for c in at.caption)
    at.text_input(key=f"plan_band_low_{grid}").set_value("0")
    at.text_input(key=f"plan_band_high_{grid}").set_value("1")
    click(at, "保存户数范围")
    assert _band_problems(at) >= 1  # every micro-grid of the grid has more than one household
    at.text_input(key=f"plan_band_low_{grid}").set_value("0")
    at.text_input(key=f"plan_band_high_{grid}").set_value("9999")
    click(at, "保存户数范围")
    assert not at.error, [e.value for e in at.error]
    assert any("已保存" in s.value for s in at.success)
    assert plan_bands.read_bands(planner_session(planner_db_url)) == {grid: (0, 9999)}
    assert any("本单元设置：0–9999" in c.value for c in at.caption)
    assert _band_problems(at) == 0
    click(at, "恢复默认")
    assert plan_bands.read_bands(planner_session(planner_db_url)) == {}


@pytest.mark.parametrize(("lang", "low", "high", "words"), [
    ("zh", "三十", "40", "“最少户数”要填整数"),
    ("zh", "40", "20", "不能大于"),
    ("zh", "-3", "20", "不能是负数"),
    ("en", "20", "lots", "“At most” must be a whole number"),
])
def test_a_bad_band_is_refused_in_words_and_nothing_is_stored(monkeypatch: pytest.MonkeyPatch, planner_db_url: str,
                                                             lang: str, low: str, high: str, words: str) -> None:
    at = new_draft(run_page(monkeypatch, planner_db_url))
    _, grid = _on_a_grid(at, planner_db_url)
    if lang == "en":
        at.session_state["lang"] = "en"
        at.run()
    at.text_input(key=f"plan_band_low_{grid}").set_value(low)
    at.text_input(key=f"plan_band_high_{grid}").set_value(high)
    click(at, "保存户数范围" if lang == "zh" else "Save the band")
    assert any(words in e.value for e in at.error), [e.value for e in at.error]
    assert plan_bands.read_bands(planner_session(planner_db_url)) == {}
