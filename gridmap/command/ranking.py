"""The child ranking beside the command map: worst first, every unit, the selection marked.

:func:`ranking` orders a :class:`~gridmap.command.measures.UnitMeasure` by what needs
attention, as the measure defines it (:attr:`MeasureSpec.higher_is_worse`): the most open
or overdue issues first, the LOWEST closure or zero-report rate first; for the three-colour
risk, orange before blue before cyan. Units without a value (nothing to divide by) come
last; ties keep code order. Nothing is cut: the page shows every row (scrolling).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gridmap.command.measures import UnitMeasure

RANKING_COLUMNS = ("rank", "name", "value", "selected")


def ranking(measure: UnitMeasure, selected: str | None = None) -> pd.DataFrame:
    """Every unit of ``measure``, worst first.

    Args:
        measure: From :func:`~gridmap.command.measures.unit_measure`.
        selected: The unit the user has selected; its row gets ``selected=True``.

    Returns:
        Indexed by unit code, columns ``rank`` (1 = needs attention most; units without
        a value have no rank, ``<NA>``), ``name``, ``value`` and ``selected``.
    """
    values = measure.values
    key = _badness(measure)
    order = np.lexsort((np.arange(len(values)), -key))  # worst first; ties in code order
    order = np.concatenate([order[np.isfinite(key[order])], order[~np.isfinite(key[order])]])
    table = values.iloc[order][["name", "value"]].copy()
    ranked = np.isfinite(key[order])
    table.insert(0, "rank", pd.array(np.where(ranked, np.arange(1, len(order) + 1), 0), dtype="Int64"))
    table.loc[~ranked, "rank"] = pd.NA
    table["selected"] = table.index.astype(str) == selected if selected is not None else False
    return table[list(RANKING_COLUMNS)]


def _badness(measure: UnitMeasure) -> np.ndarray:
    """Per unit, a number that grows with how much it needs attention (NaN: no value)."""
    raw = measure.values["value"].to_numpy(dtype=object)
    if measure.kind == "categorical":
        worst_first = list(measure.categories) if measure.higher_is_worse else list(measure.categories)[::-1]
        rank = {c: len(worst_first) - i for i, c in enumerate(worst_first)}
        return np.array([float(rank.get(str(v), np.nan)) if v is not None else np.nan for v in raw])
    numbers = pd.to_numeric(pd.Series(raw), errors="coerce").to_numpy(dtype=np.float64)
    return numbers if measure.higher_is_worse else -numbers
