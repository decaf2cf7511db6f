"""The commander's briefing: rankings (量化比评) and the one-page town brief.

Public names:

- :func:`rank_units`, :class:`Rankings`, :data:`CRITERIA`, :data:`DEFAULT_WEIGHTS`,
  :func:`criterion_points`, :func:`level_criteria`, :func:`session_rankings` -- units of one level ranked by a
  weighted score of raw and empirical-Bayes smoothed rates (:mod:`gridmap.brief.rankings`).
- :func:`table_bytes` -- a table as CSV or XLSX with formula cells neutralised
  (:mod:`gridmap.brief.export`).
- :func:`brief_data`, :class:`BriefData` -- what a town's brief shows
  (:mod:`gridmap.brief.town`); :func:`brief_html`, :func:`brief_pdf`, :func:`brief_png`
  -- the brief as HTML with inline SVG, PDF (WeasyPrint, Noto CJK embedded) and PNG
  (:mod:`gridmap.brief.render`).

No Streamlit here; :mod:`gridmap.ui.rankings` and :mod:`gridmap.ui.brief` are the widgets.
"""

from gridmap.brief.export import table_bytes
from gridmap.brief.rankings import (
    CRITERIA,
    DEFAULT_WEIGHTS,
    Rankings,
    available_criteria,
    criterion_points,
    level_criteria,
    rank_units,
    session_rankings,
)

__all__ = [
    "CRITERIA",
    "DEFAULT_WEIGHTS",
    "Rankings",
    "available_criteria",
    "criterion_points",
    "level_criteria",
    "rank_units",
    "session_rankings",
    "table_bytes",
]
