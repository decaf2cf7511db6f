"""Streamlit helpers shared by the pages. The only part of gridmap that imports Streamlit.

- :func:`current_language`, :func:`language_switch` -- the 中文 / English choice.
- :func:`cached_store`, :func:`store_or_stop` -- one store handle per URL, or a clear
  error on the page.
- :func:`county_picker` -- which county a page shows.
- :func:`escape_markdown` -- stored text made safe for Streamlit markdown.
- :func:`fmt_count`, :func:`fmt_datetime` -- numbers and times as the pages show them.
"""

from gridmap.ui.context import (
    LANG_KEY,
    cached_store,
    county_picker,
    current_language,
    language_switch,
    store_or_stop,
)
from gridmap.ui.text import escape_markdown, fmt_count, fmt_datetime

__all__ = [
    "LANG_KEY",
    "cached_store",
    "county_picker",
    "current_language",
    "escape_markdown",
    "fmt_count",
    "fmt_datetime",
    "language_switch",
    "store_or_stop",
]
