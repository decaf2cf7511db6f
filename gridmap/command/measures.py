"""Per-unit numbers for colouring the map: :func:`unit_measure` -> :class:`UnitMeasure`.

A measure is a plain function ``(snapshot, children, filters, clock) -> (value,
numerator, denominator)`` registered in :data:`MEASURES` with what its legend needs.
The counts behind each one are defined in :mod:`gridmap.command.flags`:

=================  ============  ==========================================================
measure            kind          value per unit
=================  ============  ==========================================================
risk               categorical   the unit's three-colour risk (三色管理: orange, blue, cyan)
open_issues        sequential    open issues
overdue_issues     sequential    overdue issues
closure_rate       sequential    closed / genuine issues reported in the range (share)
hazards_per_100    sequential    hazards found in the range per 100 households
zero_report        sequential    share of micro-grids with today's zero-report
collection         sequential    share of registered households with 一标三实 collected
=================  ============  ==========================================================

A share is NaN for a unit with nothing to divide by (no households, no reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gridmap.command.filters import Filters
from gridmap.command.flags import Clock, hazard_flags, issue_flags, zero_reported
from gridmap.command.snapshot import Children, PointTable, Selection, Snapshot
from gridmap.domain import Level, RiskColour

Values = tuple[np.ndarray, np.ndarray | None, np.ndarray | None]
Compute = Callable[[Snapshot, Selection, Children, Filters, Clock], Values]


@dataclass(frozen=True)
class MeasureSpec:
    """A registered measure.

    Attributes:
        name: Its code; the page labels it with the i18n key ``measure.<name>``.
        kind: ``categorical`` (colour per category) or ``sequential`` (a colour ramp).
        scale: ``count``, ``share`` (0-1, shown as %) or ``per_100`` (per 100 households).
        higher_is_worse: Whether the ramp should run towards alarm as values grow.
        needs: The snapshot attribute that must be loaded (None: always available).
        compute: The function that computes it.
        categories: For categorical measures, the categories in legend order.
    """

    name: str
    kind: Literal["categorical", "sequential"]
    scale: Literal["category", "count", "share", "per_100"]
    higher_is_worse: bool
    needs: str | None
    compute: Compute
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class UnitMeasure:
    """One measure for the units of one level inside a selection, with its legend.

    Attributes:
        measure: The measure's name (i18n key ``measure.<name>``).
        selection: The unit whose children these are.
        level: The children's level.
        kind, scale, higher_is_worse, categories: From the :class:`MeasureSpec`.
        values: Indexed by unit code (code order), columns ``name``, ``value``,
            ``numerator`` and ``denominator`` (NaN where they do not apply).
        vmin, vmax: The legend's range: 0-1 for shares, else the values' range
            (None when there is no value).
    """

    measure: str
    selection: str
    level: Level
    kind: str
    scale: str
    higher_is_worse: bool
    categories: tuple[str, ...]
    values: pd.DataFrame
    vmin: float | None
    vmax: float | None

    @property
    def label_key(self) -> str:
        """The i18n key of the measure's name."""
        return f"measure.{self.measure}"


def unit_measure(snapshot: Snapshot, selection: str | None, child_level: Level | str, measure: str,
                 filters: Filters, now: dt.datetime) -> UnitMeasure:
    """A measure for every unit of ``child_level`` inside ``selection``.

    Args:
        snapshot: From :func:`~gridmap.command.load_snapshot`.
        selection: A unit code inside the snapshot's scope; None for the scope's unit.
        child_level: The selection's level or any level below it (towns of the county,
            micro-grids of a village, a micro-grid itself).
        measure: A name in :data:`MEASURES`.
        filters: The commander's filters.
        now: The moment to measure at (the data's as-of time); never the wall clock.

    Returns:
        The values and their legend.

    Raises:
        ValueError: an unknown measure, a level above the selection, a unit not in
            the snapshot, or a measure whose data this session may not read.
    """
    spec = MEASURES.get(measure)
    if spec is None:
        raise ValueError(f"unknown measure {measure!r}; known measures: {', '.join(MEASURES)}")
    if spec.needs is not None and getattr(snapshot, spec.needs) is None:
        raise ValueError(f"measure {measure!r} needs the {spec.needs!r} data, which this session may not read")
    sel = snapshot.select(selection)
    children = snapshot.children(sel, child_level)
    value, numerator, denominator = spec.compute(snapshot, sel, children, filters, Clock.of(filters, now))
    frame = pd.DataFrame({
        "name": snapshot.units["name"].reindex(children.codes).to_numpy(dtype=object),
        "value": value,
        "numerator": np.nan if numerator is None else numerator,
        "denominator": np.nan if denominator is None else denominator,
    }, index=pd.Index(children.codes.astype(object), name="code"))
    vmin, vmax = _range(spec, value)
    return UnitMeasure(measure, sel.code, children.level, spec.kind, spec.scale, spec.higher_is_worse,
                       spec.categories, frame, vmin, vmax)


def available_measures(snapshot: Snapshot) -> tuple[str, ...]:
    """The measures this snapshot can compute (some need layers a role may not read)."""
    return tuple(name for name, spec in MEASURES.items() if spec.needs is None or getattr(snapshot, spec.needs) is not None)


# --------------------------------------------------------------------------- the measures


def _per_child(table: PointTable, sel: Selection, children: Children, flags: dict[str, np.ndarray],
               name: str, n_micro: int) -> np.ndarray:
    """Per child, how many rows of ``table`` inside ``sel`` have flag ``name``."""
    micro = table.micro[table.span(sel.lo, sel.hi)]
    return children.sum(np.bincount(micro[flags[name]], minlength=n_micro + 1))


def _issue_count(flag: str) -> Compute:
    def compute(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters, clock: Clock) -> Values:
        flags = issue_flags(snapshot.issues, snapshot.issues.span(sel.lo, sel.hi), filters, clock)
        return _per_child(snapshot.issues, sel, children, flags, flag, snapshot.n_micro), None, None

    return compute


def _closure_rate(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters, clock: Clock) -> Values:
    flags = issue_flags(snapshot.issues, snapshot.issues.span(sel.lo, sel.hi), filters, clock)
    closed = _per_child(snapshot.issues, sel, children, flags, "closed_of_reported", snapshot.n_micro)
    reported = _per_child(snapshot.issues, sel, children, flags, "reported", snapshot.n_micro)
    return _share(closed, reported), closed, reported


def _hazards_per_100(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters,
                     clock: Clock) -> Values:
    flags = hazard_flags(snapshot.inspections, snapshot.inspections.span(sel.lo, sel.hi), filters, clock)
    found = _per_child(snapshot.inspections, sel, children, flags, "found", snapshot.n_micro)
    households = snapshot.units["households"].reindex(children.codes).fillna(0).to_numpy(dtype=np.float64)
    return 100.0 * _share(found, households), found, households


def _zero_report(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters, clock: Clock) -> Values:
    units = np.zeros(snapshot.n_micro + 1, dtype=np.int64)
    units[:-1] = snapshot.micro_is_unit
    total = children.sum(units)
    if snapshot.zero_first is None or clock.today != np.datetime64(snapshot.day, "s"):
        return np.full(len(children), np.nan), np.full(len(children), np.nan), total
    done = children.sum(zero_reported(snapshot.zero_first, snapshot.micro_is_unit, clock).astype(np.int64))
    return _share(done, total), done, total


def _collection(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters, clock: Clock) -> Values:
    assert snapshot.households is not None and snapshot.collected is not None  # checked by ``needs``
    done, total = children.sum(snapshot.collected), children.sum(snapshot.households)
    return _share(done, total), done, total


def _risk(snapshot: Snapshot, sel: Selection, children: Children, filters: Filters, clock: Clock) -> Values:
    return snapshot.units["risk_colour"].reindex(children.codes).to_numpy(dtype=object), None, None


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def _range(spec: MeasureSpec, value: np.ndarray) -> tuple[float | None, float | None]:
    if spec.kind == "categorical":
        return None, None
    if spec.scale == "share":
        return 0.0, 1.0
    numbers = np.asarray(value, dtype=np.float64)
    if not np.isfinite(numbers).any():
        return None, None
    return float(np.nanmin(numbers)), float(np.nanmax(numbers))


MEASURES: dict[str, MeasureSpec] = {
    spec.name: spec
    for spec in (
        MeasureSpec("risk", "categorical", "category", True, None, _risk, tuple(str(c) for c in RiskColour)),
        MeasureSpec("open_issues", "sequential", "count", True, None, _issue_count("open")),
        MeasureSpec("overdue_issues", "sequential", "count", True, None, _issue_count("overdue")),
        MeasureSpec("closure_rate", "sequential", "share", False, None, _closure_rate),
        MeasureSpec("hazards_per_100", "sequential", "per_100", True, None, _hazards_per_100),
        MeasureSpec("zero_report", "sequential", "share", False, "zero_first", _zero_report),
        MeasureSpec("collection", "sequential", "share", False, "households", _collection),
    )
}
