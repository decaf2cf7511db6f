"""The units layer: people (staff), population counts and risk colours.

Staff roles by level (names are invented):

========  ==============================================================
county    ``commander`` (指挥长), ``deputy_commander``
town      ``town_leader`` (网格工作负责人), ``grid_office`` (网格办)
village   ``village_secretary`` (书记), ``village_grid_worker``
grid      ``grid_leader`` (网格长), ``grid_worker`` (专职网格员)
micro     ``micro_leader`` (微网格长)
========  ==============================================================

Risk colour (三色管理) follows a score per unit: hazards and issues per household in
the last 12 months, open and overdue hazards, and the floating-population share. In
each level the top ~5% are orange, the next ~15% blue, the rest cyan.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gridmap.demo.context import DAY, Context, random_times
from gridmap.demo.names import person_names
from gridmap.domain import LAYERS, Level, RiskColour

ROLES: dict[Level, tuple[str, ...]] = {
    Level.COUNTY: ("commander", "deputy_commander"),
    Level.TOWN: ("town_leader", "grid_office"),
    Level.VILLAGE: ("village_secretary", "village_grid_worker"),
    Level.GRID: ("grid_leader", "grid_worker"),
    Level.MICRO: ("micro_leader",),
}
_ORANGE_SHARE = 0.05
_BLUE_SHARE = 0.15
_CODE_COLUMN: dict[Level, str] = {
    Level.TOWN: "town_code", Level.VILLAGE: "village_code", Level.GRID: "grid_code", Level.MICRO: "micro_code",
}


def assign_staff(ctx: Context) -> None:
    """Give every unit its people (sets ``ctx.staff``)."""
    rng = ctx.rng("staff")
    levels = ctx.units["level"].to_numpy()
    codes = ctx.units["code"].to_numpy()
    staff: dict[str, list[dict[str, str]]] = {}
    for level, roles in ROLES.items():
        rows = np.flatnonzero(levels == str(level))
        names = person_names(rng, len(rows) * len(roles)).reshape(len(rows), len(roles))
        for row, people in zip(rows, names, strict=True):
            staff[codes[row]] = [{"name": str(n), "role": r} for n, r in zip(people, roles, strict=True)]
    ctx.staff = staff


def units_frame(ctx: Context, households: pd.DataFrame, inspections: pd.DataFrame,
                issues: pd.DataFrame) -> pd.DataFrame:
    """The units layer with counts, staff and risk colours, in the layer's columns.

    Args:
        ctx: the run (units with geometry, staff, clock).
        households, inspections, issues: assigned frames (``*_code`` columns).
    """
    units = ctx.units
    rng = ctx.rng("risk")
    out = units[["code", "level", "name", "parent_code"]].copy()
    for column in ("residents", "floating"):
        out[column] = _sum_by_level(units, households, column)
    out["households"] = _sum_by_level(units, households.assign(one=1), "one")
    score = _risk_score(units, out, inspections, issues, rng)
    out["risk_colour"] = _colours(units["level"].to_numpy(), score)
    out["risk_set_at"] = pd.to_datetime(random_times(rng, len(out), ctx.now64 - 90 * DAY, ctx.now64))
    out["staff"] = [[dict(p) for p in ctx.staff[c]] for c in units["code"]]
    out["plan_version"] = 1
    # Only the county outline in the county scale is surveyed (Amap); the rest is built.
    out["approximate"] = ~((units["level"] == str(Level.COUNTY)) & (ctx.scale == "county"))
    out["id"] = "u-" + units["code"].astype(str)
    out["county_code"] = ctx.county_code
    out["geometry"] = units.geometry.to_numpy()
    out = out[[*LAYERS["units"].columns, "geometry"]]
    return out


def _sum_by_level(units: pd.DataFrame, points: pd.DataFrame, column: str) -> np.ndarray:
    """Per unit, the sum of ``column`` over the points assigned inside it."""
    inside = points[~points["outside"].astype(bool)]
    total = np.zeros(len(units), dtype=np.int64)
    levels = units["level"].to_numpy()
    total[levels == str(Level.COUNTY)] = int(inside[column].sum())
    for level, code_column in _CODE_COLUMN.items():
        sums = inside.groupby(code_column)[column].sum()
        rows = np.flatnonzero(levels == str(level))
        total[rows] = sums.reindex(units["code"].to_numpy()[rows]).fillna(0).astype(np.int64).to_numpy()
    return total


def _risk_score(units: pd.DataFrame, counts: pd.DataFrame, inspections: pd.DataFrame, issues: pd.DataFrame,
                rng: np.random.Generator) -> np.ndarray:
    households = np.maximum(counts["households"].to_numpy(), 1)
    hazards = _sum_by_level(units, inspections.assign(one=1), "one") / households
    open_hazards = _sum_by_level(units, inspections.assign(one=inspections["status"].isin(["found", "rectifying", "overdue"]).astype(int)), "one")
    overdue_hazards = _sum_by_level(units, inspections.assign(one=(inspections["status"] == "overdue").astype(int)), "one")
    issue_rate = _sum_by_level(units, issues.assign(one=1), "one") / households
    floating_share = counts["floating"].to_numpy() / np.maximum(counts["residents"].to_numpy() + counts["floating"].to_numpy(), 1)
    return (_standardise(hazards) + _standardise(issue_rate) + _standardise(floating_share)
            + 0.5 * _standardise(open_hazards / households) + 1.5 * (overdue_hazards > 0)
            + rng.normal(0.0, 0.6, len(units)))


def _standardise(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values, dtype=float)


def _colours(levels: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Rank within each level: top share orange, next share blue, the rest cyan."""
    colour = np.full(len(score), str(RiskColour.CYAN), dtype=object)
    for level in np.unique(levels):
        rows = np.flatnonzero(levels == level)
        ranked = rows[np.argsort(-score[rows], kind="stable")]
        n_orange = int(np.floor(len(rows) * _ORANGE_SHARE))
        n_blue = int(np.floor(len(rows) * (_ORANGE_SHARE + _BLUE_SHARE))) - n_orange
        colour[ranked[:n_orange]] = str(RiskColour.ORANGE)
        colour[ranked[n_orange:n_orange + n_blue]] = str(RiskColour.BLUE)
    return colour
