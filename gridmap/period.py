"""Reporting periods a user picks: named presets (近7天, 本月, ...) or two typed days.

Streamlit's date picker shows its own English ("Date range", "Select...") whatever the
interface language, so the pages offer these presets and, for 自定义 (custom), two
text fields read by :func:`parse_day`. No Streamlit here; the widget is
:func:`gridmap.ui.period.period_picker`.

Example::

    preset_range("last_month", dt.date(2026, 3, 15))   # (date(2026, 2, 1), date(2026, 2, 28))
    parse_day("2026-2-3")                                # date(2026, 2, 3)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

PRESETS: tuple[str, ...] = ("last7", "last30", "this_month", "last_month", "custom")
DEFAULT_PRESET = "last30"
DAY_FORMAT = "%Y-%m-%d"
# 2026-11-05, 2026-1-5, 2026/11/05, 2026.11.05, 2026年11月5日 (full-width digits too)
_DAY = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class PeriodProblem:
    """Why a typed period cannot be used: an i18n key and its parameters."""

    key: str
    params: dict[str, str]


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both included) of a named preset, ending no later than ``today``.

    ``custom`` has no range of its own: it starts from the default (the last 30 days).

    Raises:
        KeyError: ``preset`` is not one of :data:`PRESETS`.
    """
    if preset == "last7":
        return today - dt.timedelta(days=6), today
    if preset in ("last30", "custom"):
        return today - dt.timedelta(days=29), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - dt.timedelta(days=1)
        return last.replace(day=1), last
    raise KeyError(preset)


def parse_day(text: str) -> dt.date | None:
    """A day typed as year-month-day (``2026-11-05``, ``2026/11/5``, ``2026年11月5日``); None if it is not one."""
    match = _DAY.match(text.translate(_FULL_WIDTH))
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:  # 2026-02-30
        return None


def custom_range(start_text: str, end_text: str, today: dt.date) -> tuple[dt.date, dt.date] | PeriodProblem:
    """Two typed days as a period, or the first problem with them (bad day, reversed, in the future)."""
    days = []
    for text in (start_text, end_text):
        day = parse_day(text)
        if day is None:
            return PeriodProblem("period.bad_day", {"text": text.strip()[:40], "example": today.strftime(DAY_FORMAT)})
        days.append(day)
    start, end = days
    if start > end:
        return PeriodProblem("period.reversed", {"start": start.strftime(DAY_FORMAT), "end": end.strftime(DAY_FORMAT)})
    if end > today:
        return PeriodProblem("period.future", {"end": end.strftime(DAY_FORMAT), "today": today.strftime(DAY_FORMAT)})
    return start, end


_FULL_WIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")
