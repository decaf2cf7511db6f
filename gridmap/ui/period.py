"""The period picker: 近7天 / 近30天 / 本月 / 上月 / 自定义, in the interface's language.

It replaces ``st.date_input``, whose calendar says "Date range", "Select..." and
"Choose a date range" in English whatever the language (Streamlit 1.67 has no locale
setting). Presets are a select box; 自定义 (custom) adds two text fields read as
year-month-day (:mod:`gridmap.period`), with a message naming the problem when a day
cannot be used. The choice and the typed days survive reruns and page switches (they
are kept in the session, not only in the widgets, which Streamlit forgets when a page
does not draw them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from gridmap.i18n import t
from gridmap.period import DAY_FORMAT, DEFAULT_PRESET, PRESETS, PeriodProblem, custom_range, preset_range


def period_picker(label: str, key: str, lang: str, today: dt.date, container: Any = None) -> tuple[dt.date, dt.date]:
    """The chosen period's first and last day (both included); the widgets go in ``container``.

    Widget keys: ``{key}_preset`` (a select box over :data:`gridmap.period.PRESETS`),
    and for ``custom`` ``{key}_from`` / ``{key}_to`` (text). A custom period that
    cannot be used shows why and counts the default period (the last 30 days) instead.
    """
    box = container if container is not None else st
    preset_key, from_key, to_key = f"{key}_preset", f"{key}_from", f"{key}_to"
    default_from, default_to = preset_range(DEFAULT_PRESET, today)
    kept: dict[str, str] = st.session_state.setdefault(f"{key}_kept", {
        preset_key: DEFAULT_PRESET, from_key: default_from.strftime(DAY_FORMAT), to_key: default_to.strftime(DAY_FORMAT)})
    for widget_key, value in kept.items():
        if widget_key not in st.session_state:
            st.session_state[widget_key] = value
    preset = str(box.selectbox(label, PRESETS, key=preset_key, format_func=lambda p: t(f"period.{p}", lang)))
    kept[preset_key] = preset
    if preset != "custom":
        start, end = preset_range(preset, today)
        # 自定义 starts from the days shown last
        kept[from_key] = st.session_state[from_key] = start.strftime(DAY_FORMAT)
        kept[to_key] = st.session_state[to_key] = end.strftime(DAY_FORMAT)
        box.caption(t("period.range", lang, start=kept[from_key], end=kept[to_key]))
        return start, end
    placeholder = t("period.placeholder", lang, example=today.strftime(DAY_FORMAT))
    start_text = box.text_input(t("period.from", lang), key=from_key, placeholder=placeholder, max_chars=40)
    end_text = box.text_input(t("period.to", lang), key=to_key, placeholder=placeholder, max_chars=40)
    kept[from_key], kept[to_key] = start_text, end_text
    result = custom_range(start_text, end_text, today)
    if isinstance(result, PeriodProblem):
        box.error(t(result.key, lang, **result.params) + " " + t(
            "period.fallback", lang, start=default_from.strftime(DAY_FORMAT), end=default_to.strftime(DAY_FORMAT)),
            icon=":material/event_busy:")
        return default_from, default_to
    return result
