"""Regression (issue 9, item 4): the date picker spoke English in the Chinese interface.

``st.date_input``'s calendar says "Date range", "Select..." and "Choose date range"
whatever the language (Streamlit 1.67 has no locale setting). The command map and the
audit trail now offer presets (近7天 / 近30天 / 本月 / 上月 / 自定义) and, for 自定义,
two typed days (:mod:`gridmap.period`, :mod:`gridmap.ui.period`). The browser check of
the words on screen is ``tests/browser/test_streamlit_chrome_in_chinese.py``.
"""

from __future__ import annotations

import ast
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.period import PRESETS, PeriodProblem, custom_range, parse_day, preset_range
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY
from tests.conftest import REPO_ROOT

SCANNED = sorted([*REPO_ROOT.glob("pages/*.py"), REPO_ROOT / "app.py", *REPO_ROOT.glob("gridmap/ui/*.py")])
AUDIT = str(REPO_ROOT / "pages" / "audit.py")


def test_no_page_uses_streamlit_s_date_picker() -> None:
    found = [f"{path.relative_to(REPO_ROOT)}:{node.lineno}" for path in SCANNED
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and node.attr in ("date_input", "time_input")]
    assert not found, found


@pytest.mark.parametrize(("preset", "today", "want"), [
    ("last7", dt.date(2026, 3, 3), (dt.date(2026, 2, 25), dt.date(2026, 3, 3))),
    ("last30", dt.date(2026, 3, 3), (dt.date(2026, 2, 2), dt.date(2026, 3, 3))),
    ("custom", dt.date(2026, 3, 3), (dt.date(2026, 2, 2), dt.date(2026, 3, 3))),
    ("this_month", dt.date(2026, 3, 1), (dt.date(2026, 3, 1), dt.date(2026, 3, 1))),
    ("last_month", dt.date(2026, 3, 31), (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ("last_month", dt.date(2028, 3, 1), (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),  # leap year
    ("last_month", dt.date(2026, 1, 15), (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),  # across the year
])
def test_presets(preset: str, today: dt.date, want: tuple[dt.date, dt.date]) -> None:
    assert preset_range(preset, today) == want
    assert preset in PRESETS


def test_an_unknown_preset_is_an_error() -> None:
    with pytest.raises(KeyError):
        preset_range("yesterday", dt.date(2026, 3, 3))


@pytest.mark.parametrize(("text", "want"), [
    ("2026-11-05", dt.date(2026, 11, 5)), (" 2026-1-5 ", dt.date(2026, 1, 5)), ("2026/11/05", dt.date(2026, 11, 5)),
    ("2026.11.05", dt.date(2026, 11, 5)), ("2026年11月5日", dt.date(2026, 11, 5)),
    ("２０２６－１１－０５", dt.date(2026, 11, 5)), ("2024-02-29", dt.date(2024, 2, 29)),
    ("2026-02-29", None), ("2026-13-01", None), ("2026-00-10", None), ("11/05/2026", None), ("20261105", None),
    ("", None), ("昨天", None), ("2026-11-05; DROP TABLE", None), ("0000-01-01", None),
])
def test_typed_days(text: str, want: dt.date | None) -> None:
    assert parse_day(text) == want


def test_custom_range_names_each_problem() -> None:
    today = dt.date(2026, 11, 20)
    assert custom_range("2026-11-01", "2026-11-20", today) == (dt.date(2026, 11, 1), dt.date(2026, 11, 20))
    assert custom_range("2026-11-20", "2026-11-20", today) == (today, today)
    bad = custom_range("2026-11-31", "2026-11-20", today)
    assert isinstance(bad, PeriodProblem) and bad.key == "period.bad_day" and bad.params["text"] == "2026-11-31"
    assert isinstance(r := custom_range("2026-11-10", "2026-11-01", today), PeriodProblem) and r.key == "period.reversed"
    assert isinstance(r := custom_range("2026-11-10", "2026-11-21", today), PeriodProblem) and r.key == "period.future"
    assert isinstance(r := custom_range("x" * 500, "2026-11-01", today), PeriodProblem) and len(r.params["text"]) == 40


def _audit(monkeypatch: pytest.MonkeyPatch, db_url: str, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    at = AppTest.from_file(AUDIT, default_timeout=60)
    at.session_state[AUTH_KEY] = {"username": "admin", "signed_in_at": now(), "last_seen": now()}
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_audit_filter_defaults_to_30_days_and_keeps_a_custom_period(monkeypatch: pytest.MonkeyPatch,
                                                                      overview_db_url: str) -> None:
    at = _audit(monkeypatch, overview_db_url)
    picker = at.selectbox(key="audit_dates_preset")
    assert picker.value == "last30" and picker.options == ["近7天", "近30天", "本月", "上月", "自定义"]
    today = now().date()
    assert f"{today - dt.timedelta(days=29):%Y-%m-%d} 至 {today:%Y-%m-%d}" in [c.value for c in at.caption]

    picker.set_value("custom").run()
    start = at.text_input(key="audit_dates_from")
    assert start.value == f"{today - dt.timedelta(days=29):%Y-%m-%d}"  # starts from the days shown
    start.input("2026-02-30").run()
    assert [e.value for e in at.error] == [
        f"“2026-02-30”不是有效的日期，请按 年-月-日 填写，例如 {today:%Y-%m-%d}。 "
        f"暂按近30天（{today - dt.timedelta(days=29):%Y-%m-%d} 至 {today:%Y-%m-%d}）统计。"]

    at.text_input(key="audit_dates_from").input("2000-01-01").run()
    assert not at.error
    at.text_input(key="audit_actor").input("admin").run()  # another filter: the period stays
    assert at.selectbox(key="audit_dates_preset").value == "custom"
    assert at.text_input(key="audit_dates_from").value == "2000-01-01"


def test_the_picker_speaks_english_in_english(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = _audit(monkeypatch, overview_db_url, lang="en")
    assert at.selectbox(key="audit_dates_preset").options == [
        "Last 7 days", "Last 30 days", "This month", "Last month", "Custom"]
