"""量化比评: units of one level ranked by a weighted score of criteria the commander weighs.

Each criterion is counted per unit from the commander's snapshot
(:mod:`gridmap.command.flags` defines the counts) and divided by its base:

==================  ==========================================  =================  ============
criterion           count                                       base               good is
==================  ==========================================  =================  ============
``issue_rate``      genuine issues reported in the date range   100 households     low
``hazard_rate``     hazards found in the date range             100 households     low
``overdue_rate``    issues overdue now                          100 households     low
``zero_report``     micro-grids with today's zero-report        its micro-grids    high
``on_time``         issues of the range closed by the deadline  issues of the      high
                                                                range
==================  ==========================================  =================  ============

Every criterion is shown raw and empirical-Bayes smoothed (:func:`gridmap.stats.eb_rate`,
rates per 100 households, shares per 1), and the score uses the smoothed value, so a
micro-grid of eight households with two issues does not come out worst on chance alone.

**Score.** For each criterion the units get points from 0 (the worst unit's smoothed value)
to 100 (the best one's), in a straight line between the two; all units level: 100 each.
A unit's score is the weighted mean of its points, ``sum(w_c * p_c) / sum(w_c)`` over the
criteria with weight above zero that it has a value for (a unit without households has no
rate). The table is ordered by :func:`gridmap.command.ranking` -- the lowest score first
(rank 1 needs attention most), as the command map's ranking beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridmap.access import Op, Session
from gridmap.command.filters import Filters
from gridmap.command.flags import Clock, hazard_flags, issue_flags, zero_reported
from gridmap.command.load import data_now, load_snapshot
from gridmap.command.measures import UnitMeasure
from gridmap.command.ranking import ranking
from gridmap.command.snapshot import Children, Selection, Snapshot
from gridmap.domain import Level
from gridmap.stats import eb_rate, raw_rate


@dataclass(frozen=True)
class Criterion:
    """One thing units are compared on.

    Attributes:
        name: Its code (i18n key ``rank.crit.<name>``).
        per: 100 for a rate per 100 households, 1 for a share.
        higher_is_better: Whether a larger value earns more points.
        needs: The snapshot attribute it needs (None: always there).
    """

    name: str
    per: float
    higher_is_better: bool
    needs: str | None = None


CRITERIA: dict[str, Criterion] = {c.name: c for c in (
    Criterion("issue_rate", 100, False, "households"),
    Criterion("hazard_rate", 100, False, "households"),
    Criterion("overdue_rate", 100, False, "households"),
    Criterion("zero_report", 1, True, "zero_first"),
    Criterion("on_time", 1, True),
)}
DEFAULT_WEIGHTS: dict[str, float] = {"issue_rate": 1.0, "hazard_rate": 1.0, "overdue_rate": 2.0,
                                     "zero_report": 1.0, "on_time": 1.0}


@dataclass(frozen=True, eq=False)
class Rankings:
    """The ranked units and what the ranking was made of.

    Attributes:
        selection: The unit whose children are ranked.
        level: Their level.
        weights: The weights used (criteria this snapshot cannot compute left out).
        table: Indexed by unit code, worst first: ``rank`` (1 = needs attention most),
            ``name``, ``score`` (0-100), ``households``, and per criterion ``<c>_count``,
            ``<c>_base``, ``<c>_raw``, ``<c>_smoothed`` and ``<c>_points``.
    """

    selection: str
    level: Level
    weights: Mapping[str, float]
    table: pd.DataFrame


def available_criteria(snapshot: Snapshot) -> tuple[str, ...]:
    """The criteria this snapshot can compute (households and zero-reports need a role that reads them)."""
    return tuple(n for n, c in CRITERIA.items() if c.needs is None or getattr(snapshot, c.needs) is not None)


def rank_units(snapshot: Snapshot, selection: str | None, level: Level | str, filters: Filters,
               now: dt.datetime, weights: Mapping[str, float] | None = None) -> Rankings:
    """Rank the units of ``level`` inside ``selection`` by the weighted score.

    Args:
        snapshot: From :func:`gridmap.command.load_snapshot`.
        selection: A unit code inside the snapshot's scope (None: the scope's unit).
        level: The level of the units to rank (the selection's or any below it).
        filters: The date range and codes that the counts use.
        now: The data's as-of time.
        weights: Criterion name -> weight (0 leaves it out); default :data:`DEFAULT_WEIGHTS`.

    Returns:
        The rankings.

    Raises:
        ValueError: an unknown criterion, a negative weight, all weights zero, or a
            selection or level the snapshot does not hold.
    """
    weights = dict(DEFAULT_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {', '.join(unknown)}; known: {', '.join(CRITERIA)}")
    if any(not np.isfinite(w) or w < 0 for w in weights.values()):
        raise ValueError(f"weights must be zero or more, got {weights}")
    usable = set(available_criteria(snapshot))
    weights = {n: float(w) for n, w in weights.items() if n in usable and w > 0}
    if not weights:
        raise ValueError("give at least one criterion a weight above zero")
    sel = snapshot.select(selection)
    children = snapshot.children(sel, level)
    counts = _counts(snapshot, sel, children, filters, Clock.of(filters, now))
    table = pd.DataFrame({"name": snapshot.units["name"].reindex(children.codes).to_numpy(dtype=object)},
                         index=pd.Index(children.codes.astype(object), name="code"))
    table["households"] = counts["households"]
    points_sum = np.zeros(len(children))
    weight_sum = np.zeros(len(children))
    for name in CRITERIA:
        if name not in usable:
            continue
        criterion = CRITERIA[name]
        count, base = counts[f"{name}_count"], counts[f"{name}_base"]
        table[f"{name}_count"], table[f"{name}_base"] = count, base
        table[f"{name}_raw"] = raw_rate(count, base, per=criterion.per)
        smoothed = np.where(base > 0, eb_rate(count, base, per=criterion.per), np.nan)  # no base: no rate
        table[f"{name}_smoothed"] = smoothed
        points = criterion_points(smoothed, criterion.higher_is_better)
        table[f"{name}_points"] = points
        if name in weights:
            has = np.isfinite(points)
            points_sum[has] += weights[name] * points[has]
            weight_sum[has] += weights[name]
    with np.errstate(invalid="ignore", divide="ignore"):
        score = np.where(weight_sum > 0, points_sum / np.where(weight_sum > 0, weight_sum, 1), np.nan)
    table["score"] = score
    order = ranking(_score_measure(sel.code, children.level, table))
    ranked = table.loc[order.index]
    ranked.insert(0, "rank", order["rank"])
    return Rankings(sel.code, children.level, weights, ranked)


def criterion_points(values: np.ndarray, higher_is_better: bool) -> np.ndarray:
    """0 for the worst value, 100 for the best, linear between; 100 each when all are level.

    NaN values (no base) stay NaN and do not decide the best or the worst.
    """
    values = np.asarray(values, dtype=np.float64)
    out = np.full(len(values), np.nan)
    has = np.isfinite(values)
    if not has.any():
        return out
    lo, hi = float(values[has].min()), float(values[has].max())
    if _level(lo, hi):
        out[has] = 100.0
        return out
    scaled = (values[has] - lo) / (hi - lo)
    out[has] = 100.0 * (scaled if higher_is_better else 1.0 - scaled)
    return out


def level_criteria(ranked: Rankings) -> dict[str, float]:
    """The weighted criteria whose raw rates differ but whose smoothed rates are all the same
    (so each unit gets 100 points and the criterion does not separate them), with that value.

    This is what empirical Bayes does when the units differ no more than chance would make
    them (the between-unit variance is estimated as 0: every rate is pulled all the way to the
    overall rate); the page says so rather than leave a column of equal numbers next to
    unequal raw ones unexplained. Nothing is listed when fewer than two units have data.
    """
    out: dict[str, float] = {}
    for name in ranked.weights:
        if f"{name}_smoothed" not in ranked.table:
            continue
        smoothed = ranked.table[f"{name}_smoothed"].to_numpy(dtype=np.float64)
        has = np.isfinite(smoothed)
        raw = ranked.table[f"{name}_raw"].to_numpy(dtype=np.float64)[has]
        smoothed = smoothed[has]
        if len(smoothed) > 1 and _level(float(smoothed.min()), float(smoothed.max())) \
                and not _level(float(raw.min()), float(raw.max())):
            out[name] = float(smoothed.mean())
    return out


def _level(lo: float, hi: float) -> bool:
    return hi - lo <= 1e-12 * max(1.0, abs(hi))


def _score_measure(code: str, level: Level, table: pd.DataFrame) -> UnitMeasure:
    """The score as a measure, so :func:`gridmap.command.ranking` orders it (lowest first)."""
    frame = pd.DataFrame({"name": table["name"], "value": table["score"], "numerator": np.nan,
                          "denominator": np.nan}, index=table.index)
    finite = table["score"].dropna()
    return UnitMeasure("score", code, level, "sequential", "score", False, (), frame,
                       float(finite.min()) if len(finite) else None, float(finite.max()) if len(finite) else None)


def _counts(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters,
            clock: Clock) -> dict[str, np.ndarray]:
    """Per child: each criterion's count and base, and the households."""
    m = snapshot.n_micro
    rows = snapshot.issues.span(sel.lo, sel.hi)
    flags = issue_flags(snapshot.issues, rows, filters, clock)
    micro = snapshot.issues.micro[rows]

    def per_child(mask: np.ndarray, table_micro: np.ndarray) -> np.ndarray:
        return children.sum(np.bincount(table_micro[mask], minlength=m + 1)).astype(np.float64)

    closed = snapshot.issues["closed"][rows]
    deadline = snapshot.issues["deadline"][rows]
    on_time = flags["closed_of_reported"] & (np.isnat(deadline) | (closed <= deadline))
    out: dict[str, np.ndarray] = {
        "on_time_count": per_child(on_time, micro),
        "on_time_base": per_child(flags["reported"], micro),
    }
    if snapshot.households is not None:
        households = _households(snapshot, children)
        out["households"] = households
        out["issue_rate_count"], out["issue_rate_base"] = per_child(flags["reported"], micro), households
        out["overdue_rate_count"], out["overdue_rate_base"] = per_child(flags["overdue"], micro), households
        hrows = snapshot.inspections.span(sel.lo, sel.hi)
        found = hazard_flags(snapshot.inspections, hrows, filters, clock)["found"]
        out["hazard_rate_count"] = per_child(found, snapshot.inspections.micro[hrows])
        out["hazard_rate_base"] = households
    else:
        out["households"] = np.full(len(children), np.nan)
    if snapshot.zero_first is not None:
        units = np.zeros(m + 1, dtype=np.int64)
        units[:-1] = snapshot.micro_is_unit
        total = children.sum(units).astype(np.float64)
        if clock.today == np.datetime64(snapshot.day, "s"):
            done = children.sum(zero_reported(snapshot.zero_first, snapshot.micro_is_unit, clock).astype(np.int64))
            out["zero_report_count"] = done.astype(np.float64)
        else:
            out["zero_report_count"] = np.zeros(len(children))
            total = np.zeros(len(children))  # another day's reports: no value
        out["zero_report_base"] = total
    return out


def _households(snapshot: Snapshot, children: Children) -> np.ndarray:
    """Per child, its households: the unit's own figure, else the sum of its micro-grids' points."""
    own = pd.to_numeric(snapshot.units["households"].reindex(children.codes), errors="coerce")
    own_values = own.fillna(0).to_numpy(dtype=np.float64)
    assert snapshot.households is not None
    counted = children.sum(snapshot.households).astype(np.float64)
    return np.where(own_values > 0, own_values, counted)


def session_rankings(session: Session, code: str, level: Level | str, *, filters: Filters | None = None,
                     weights: Mapping[str, float] | None = None, snapshot: Snapshot | None = None,
                     now: dt.datetime | None = None) -> Rankings:
    """:func:`rank_units` for a signed-in user: checks :data:`Op.VIEW_BRIEFING` and the scope.

    Args:
        session: The user's session.
        code: The unit whose children are ranked (inside the jurisdiction, else
            :class:`~gridmap.store.ScopeError`).
        level: The level to rank.
        filters: Default the last 30 days.
        weights: Default :data:`DEFAULT_WEIGHTS`.
        snapshot: The session's snapshot if already loaded (else read for ``code`` only).
        now: Default the data's as-of time.

    Raises:
        PermissionDenied: the role may not see rankings.
    """
    session.require(Op.VIEW_BRIEFING)
    if snapshot is None:
        view = session.narrowed(code) if code != session.scope.unit_code else session
        snapshot = load_snapshot(view)
    return rank_units(snapshot, code, level, filters or Filters(), now or data_now(session), weights)
