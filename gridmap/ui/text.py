"""Text helpers for Streamlit elements (pure functions, no Streamlit import)."""

from __future__ import annotations

import datetime as dt
import re

# Characters with a meaning in Streamlit markdown: CommonMark punctuation plus
# ``:`` (emoji and colour directives) and ``$`` (LaTeX).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")


def escape_markdown(text: object) -> str:
    """``text`` with every markdown-active character backslash-escaped.

    Use it for stored or user-supplied text placed in ``st.markdown``, ``st.caption``,
    metric labels and the like, so a name such as ``[点我](javascript:...)`` shows as
    typed instead of becoming a link.

    Args:
        text: Any value; ``None`` becomes an empty string.

    Returns:
        The escaped text, on one line.
    """
    if text is None:
        return ""
    one_line = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line)


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
