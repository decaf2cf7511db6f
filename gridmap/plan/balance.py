"""The balance panel: households (and residents) of a unit's children against the ideal.

Pure tables; the chart is the page's job.

*The ideal.* For micro-grids it is the middle of their band (30 for the default
20-40): the standard is absolute ("about 30 households", DOMAIN.md), and a grid whose
micro-grids all hold 50 is not balanced just because they are even -- it needs more
micro-grids, which :attr:`BalanceSummary.suggested` says. For the children of other
levels (villages, grids) there is no such standard: the ideal is the mean, the
parent's households over the number of children. ``within_band`` is the micro-grid
band test; it is missing (``<NA>``) for other levels, which have no band.

Example::

    table = balance(plan, "33032710300101", households=points)
    summary = balance_summary(table)
    summary.max_abs_deviation_pct, summary.out_of_band
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.domain import Level
from gridmap.plan.context import DEFAULT_BAND, PlanContext

BALANCE_COLUMNS: tuple[str, ...] = ("code", "name", "level", "households", "residents", "ideal", "deviation",
                                    "deviation_pct", "low", "high", "within_band")


@dataclass(frozen=True)
class BalanceSummary:
    """The balance panel's headline.

    Attributes:
        children: number of child units.
        households, residents: their totals.
        ideal: the ideal households per child (see the module docstring); NaN when
            there are no children.
        max_abs_deviation_pct: the largest ``|deviation %|`` (NaN when undefined).
        out_of_band: micro-grids outside their band (0 for other levels).
        suggested: for micro-grids, ``round(households / ideal)`` (at least 1): how
            many micro-grids the households call for; None for other levels.
    """

    children: int
    households: int
    residents: int
    ideal: float
    max_abs_deviation_pct: float
    out_of_band: int
    suggested: int | None


def balance(plan: gpd.GeoDataFrame, parent_code: str, households: gpd.GeoDataFrame | None = None, *,
            bands: Mapping[str, tuple[int, int]] | None = None,
            default_band: tuple[int, int] = DEFAULT_BAND) -> pd.DataFrame:
    """Households and residents of each child of ``parent_code`` against the ideal.

    Args:
        plan: the plan frame.
        parent_code: the unit whose children are compared.
        households: household points to count from (as :func:`gridmap.plan.checks.recount`),
            or None to use the plan's columns.
        bands: households bands by ancestor code (as :class:`PlanContext`).
        default_band: the band where no ancestor is listed.

    Returns:
        One row per child, by code, with :data:`BALANCE_COLUMNS`: ``ideal`` (float),
        ``deviation`` = households - ideal, ``deviation_pct`` = 100 * deviation / ideal
        (NaN when the ideal is 0), ``low``/``high`` the band (micro-grids; <NA>
        otherwise) and ``within_band`` (boolean; <NA> for other levels).

    Raises:
        PlanError: ``parent_code`` is not in the plan, or a band is invalid.
    """
    ctx = PlanContext(plan, parent_code=parent_code, households=households, bands=dict(bands or {}),
                      default_band=default_band)
    kids = np.sort(ctx.children.get(ctx.row_of[parent_code], np.zeros(0, dtype=np.intp)))
    counts = ctx.counts
    table = pd.DataFrame({
        "code": pd.Series(ctx.codes[kids], dtype=object),
        "name": pd.Series([ctx.name(int(r)) for r in kids], dtype=object),
        "level": pd.Series(ctx.levels[kids], dtype=object),
        "households": counts["households"].to_numpy()[kids].astype(np.int64),
        "residents": counts["residents"].to_numpy()[kids].astype(np.int64),
    })
    micro = (ctx.depths[kids] == Level.MICRO.depth)
    bands_of = [ctx.band(int(r)) if m else (None, None) for r, m in zip(kids, micro, strict=True)]
    table["low"] = pd.array([b[0] for b in bands_of], dtype="Int64")
    table["high"] = pd.array([b[1] for b in bands_of], dtype="Int64")
    mean = table["households"].sum() / len(table) if len(table) else math.nan
    middle = (table["low"].astype("Float64") + table["high"].astype("Float64")) / 2
    table["ideal"] = np.where(micro, middle.fillna(0).to_numpy(dtype=float), mean).astype(float)
    table["deviation"] = table["households"] - table["ideal"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(table["ideal"] > 0, 100 * table["deviation"] / table["ideal"], np.nan)
    table["deviation_pct"] = pct.astype(float)
    inside = (table["households"] >= table["low"]) & (table["households"] <= table["high"])
    table["within_band"] = pd.array(inside, dtype="boolean")
    table = table.sort_values("code", kind="stable").reset_index(drop=True)
    return table[list(BALANCE_COLUMNS)]


def balance_summary(table: pd.DataFrame) -> BalanceSummary:
    """The headline of a :func:`balance` table."""
    children = len(table)
    total = int(table["households"].sum())
    micro = bool(children) and bool((table["level"] == str(Level.MICRO)).all())
    ideal = float(table["ideal"].mean()) if children else math.nan
    pct = table["deviation_pct"].abs()
    max_pct = float(pct.max()) if pct.notna().any() else math.nan
    out_of_band = int((table["within_band"] == False).sum())  # noqa: E712 (<NA> counts as neither)
    suggested = max(1, round(total / ideal)) if micro and ideal > 0 else None
    return BalanceSummary(children=children, households=total, residents=int(table["residents"].sum()),
                          ideal=ideal, max_abs_deviation_pct=max_pct, out_of_band=out_of_band, suggested=suggested)


__all__ = ["BALANCE_COLUMNS", "BalanceSummary", "balance", "balance_summary"]
