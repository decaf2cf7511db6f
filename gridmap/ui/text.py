"""Text helpers for Streamlit elements (pure functions, no Streamlit import)."""

from __future__ import annotations

import datetime as dt

from gridmap.text import escape_html, escape_markdown

__all__ = ["escape_html", "escape_markdown", "fmt_count", "fmt_datetime"]

def fmt_count(n: int | None) -> str:
    """A count with thousands separators (``12,345``); ``—`` for None."""
    return "—" if n is None else f"{int(n):,}"


def fmt_datetime(value: object) -> str:
    """A stored date-time as ``YYYY-MM-DD HH:MM``; text that is no date-time comes back as is."""
    if value is None:
        return "—"
    try:
        stamp = dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        return str(value)
    return stamp.strftime("%Y-%m-%d %H:%M")
