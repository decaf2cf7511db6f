"""The hazard page's filters and view, as one value that lives in the page's address.

:class:`HazardFilters` is what the inspector has chosen: hazard types, statuses,
severities, place types, a period, a unit at any level, an inspector, "overdue only",
and how the map shows it (the view, the measure the units are coloured by, the unit
of the hot-spot analysis). :func:`to_query` writes it as URL query parameters (only
what differs from the default, so a plain address is the default view), and
:func:`parse_query` reads them back: copying the address gives a colleague the same
view. A parameter that cannot be used is named in a :class:`FilterProblem` and falls
back to its default; the others still apply. :func:`select` applies the filters to a
frame of inspections. No Streamlit here (``gridmap.ui.hazards`` binds it to
``st.query_params``).

The parameters (lists are comma-separated codes)::

    type=ebike_indoor,flying_wire   hazard types (any of them)     default: all
    status=found,overdue            hazard statuses                default: all
    severity=high                   severities                     default: all
    place=rental,shop               place types                    default: all
    period=last7 | last30 | this_month | last_month | 2026-11-01..2026-11-30
                                                                   default: last30
    unit=330327103006               a unit code of any level       default: the jurisdiction
    inspector=王超光                 who found it (exact name)      default: anyone
    overdue=1                       overdue only (0/1)             default: 0
    view=points | heat | hex | units | hotspots | emerging | cycle default: points
    measure=count | open | overdue | per_100 | rectified_share     default: count
    basis=micro | h3                hot spots on micro-grids or H3 default: micro
    stat=gi | moran                 hot spots: Gi* or Local Moran  default: gi

Example::

    parsed = parse_query({"type": "flying_wire", "period": "last7"}, today=dt.date(2026, 12, 4))
    parsed.filters.hazard_types        # ('flying_wire',)
    to_query(parsed.filters)           # {'type': 'flying_wire', 'period': 'last7'}
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from gridmap.access import level_of_code
from gridmap.domain import HazardStatus, HazardType, PlaceType, Severity, code_prefix
from gridmap.period import DAY_FORMAT, DEFAULT_PRESET, PRESETS, custom_range, parse_day, preset_range
from gridmap.workflow.clock import hazard_overdue

VIEWS: tuple[str, ...] = ("points", "heat", "hex", "units", "hotspots", "emerging", "cycle")
MEASURES: tuple[str, ...] = ("count", "open", "overdue", "per_100", "rectified_share")
BASES: tuple[str, ...] = ("micro", "h3")
STATISTICS: tuple[str, ...] = ("gi", "moran")  # the hot-spot view: Getis-Ord Gi* or Local Moran's I
DEFAULT_VIEW, DEFAULT_MEASURE, DEFAULT_BASIS, DEFAULT_STATISTIC = "points", "count", "micro", "gi"
PERIOD_SEPARATOR = ".."
INSPECTOR_LIMIT = 64  # characters of an inspector's name in the address

# Parameter name -> the filter field it fills (list parameters) and the codes it accepts.
_LISTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "type": ("hazard_types", tuple(str(h) for h in HazardType)),
    "status": ("statuses", tuple(str(s) for s in HazardStatus)),
    "severity": ("severities", tuple(str(s) for s in Severity)),
    "place": ("place_types", tuple(str(p) for p in PlaceType)),
}
_CHOICES: dict[str, tuple[str, tuple[str, ...]]] = {
    "view": ("view", VIEWS),
    "measure": ("measure", MEASURES),
    "basis": ("basis", BASES),
    "stat": ("statistic", STATISTICS),
}
PARAMETERS: tuple[str, ...] = (*_LISTS, "period", "unit", "inspector", "overdue", *_CHOICES)

Codes = tuple[str, ...] | None


@dataclass(frozen=True)
class HazardFilters:
    """What the hazard page shows; hashable, order-insensitive, and the default when empty.

    Attributes:
        hazard_types: A hazard matches when any of its types is listed; None: all.
        statuses, severities, place_types: Codes to keep; None: all.
        period: A preset of :data:`gridmap.period.PRESETS` (``custom`` with
            ``date_from``/``date_to``), applied to the day a hazard was found.
        date_from, date_to: The custom period's first and last day (inclusive).
        unit: A unit code of any level (its hazards and its descendants'); None: the
            whole jurisdiction.
        inspector: Only the hazards this person found (exact name); None: anyone.
        overdue_only: Only the overdue ones (:func:`gridmap.workflow.clock.hazard_overdue`).
        view: How the map shows them (:data:`VIEWS`).
        measure: What the units view colours by (:data:`MEASURES`).
        basis: The hot-spot units: micro-grids or H3 cells (:data:`BASES`).
        statistic: The hot-spot view's statistic: ``gi`` (Getis-Ord Gi*, hot and cold
            spots) or ``moran`` (Local Moran's I, clusters and outliers; micro-grids only).
    """

    hazard_types: Codes = None
    statuses: Codes = None
    severities: Codes = None
    place_types: Codes = None
    period: str = DEFAULT_PRESET
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str | None = None
    inspector: str | None = None
    overdue_only: bool = False
    view: str = DEFAULT_VIEW
    measure: str = DEFAULT_MEASURE
    basis: str = DEFAULT_BASIS
    statistic: str = DEFAULT_STATISTIC

    def __post_init__(self) -> None:
        for name, (attr, choices) in _LISTS.items():
            object.__setattr__(self, attr, _codes(name, getattr(self, attr), choices))
        if self.period not in PRESETS:
            raise ValueError(f"HazardFilters.period must be one of {', '.join(PRESETS)}, not {self.period!r}")
        if self.period == "custom":
            if self.date_from is None or self.date_to is None or self.date_from > self.date_to:
                raise ValueError("HazardFilters: a custom period needs date_from <= date_to")
        elif self.date_from is not None or self.date_to is not None:
            raise ValueError("HazardFilters: date_from/date_to belong to period='custom' only")
        for name, (attr, choices) in _CHOICES.items():
            if getattr(self, attr) not in choices:
                raise ValueError(f"HazardFilters.{attr} must be one of {', '.join(choices)}, not "
                                 f"{getattr(self, attr)!r} ({name}=)")
        if self.unit is not None:
            level_of_code(self.unit)  # raises ValueError for a string that is no unit code
        if self.inspector is not None and not self.inspector:
            object.__setattr__(self, "inspector", None)

    def window(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The period as its first and last day (inclusive), ending no later than ``today``."""
        if self.period == "custom":
            assert self.date_from is not None and self.date_to is not None
            return self.date_from, self.date_to
        return preset_range(self.period, today)

    def with_view(self, view: str) -> HazardFilters:
        """The same filters in another view."""
        return replace(self, view=view)


@dataclass(frozen=True)
class FilterProblem:
    """A parameter in the address that could not be used: which, what it said, and why.

    ``key`` is an i18n key of :mod:`gridmap.i18n.hazards`; ``params`` fill it.
    """

    parameter: str
    value: str
    key: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedFilters:
    """The filters read from an address, and what in it was refused (and replaced by defaults)."""

    filters: HazardFilters
    problems: tuple[FilterProblem, ...] = ()


def parse_query(params: Mapping[str, str | Sequence[str]], *, today: dt.date,
                known_units: Iterable[str] | None = None) -> ParsedFilters:
    """Read the filters from URL query parameters; never raises on what a user typed.

    Args:
        params: ``st.query_params`` or any mapping of name -> value (the last value of
            a repeated parameter counts).
        today: The day the preset periods end on (and the latest day a custom period may).
        known_units: The unit codes the user may select; a code not among them is a
            problem (None: any well-formed code).

    Returns:
        The filters, each unusable parameter at its default, and one problem per such
        parameter (unknown parameter names too), in the order they appear.
    """
    values: dict[str, Any] = {}
    problems: list[FilterProblem] = []
    units = None if known_units is None else frozenset(str(u) for u in known_units)
    for name, raw in params.items():
        text = _last(raw)
        if name in _LISTS:
            attr, choices = _LISTS[name]
            codes = [c.strip() for c in text.split(",") if c.strip()]
            unknown = [c for c in codes if c not in choices]
            if unknown or not codes:
                problems.append(FilterProblem(name, text, "hazards.url.bad_codes",
                                              {"codes": ", ".join(unknown) or text, "choices": ", ".join(choices)}))
                continue
            values[attr] = tuple(codes)
        elif name == "period":
            period = _period(text, today)
            if isinstance(period, FilterProblem):
                problems.append(period)
                continue
            values.update(period)
        elif name == "unit":
            problem = _unit_problem(text, units)
            if problem is not None:
                problems.append(problem)
                continue
            values["unit"] = text
        elif name == "inspector":
            name_text = unicodedata.normalize("NFKC", text).strip()
            if not name_text or len(name_text) > INSPECTOR_LIMIT or any(
                    unicodedata.category(ch) in ("Cc", "Cf") for ch in name_text):
                problems.append(FilterProblem(name, text[:INSPECTOR_LIMIT], "hazards.url.bad_inspector",
                                              {"limit": str(INSPECTOR_LIMIT)}))
                continue
            values["inspector"] = name_text
        elif name == "overdue":
            if text not in ("0", "1"):
                problems.append(FilterProblem(name, text, "hazards.url.bad_switch", {}))
                continue
            values["overdue_only"] = text == "1"
        elif name in _CHOICES:
            attr, choices = _CHOICES[name]
            if text not in choices:
                problems.append(FilterProblem(name, text, "hazards.url.bad_choice", {"choices": ", ".join(choices)}))
                continue
            values[attr] = text
        else:
            problems.append(FilterProblem(str(name), text, "hazards.url.unknown_parameter",
                                          {"known": ", ".join(PARAMETERS)}))
    return ParsedFilters(HazardFilters(**values), tuple(problems))


def to_query(filters: HazardFilters) -> dict[str, str]:
    """The filters as URL query parameters: only what differs from the default, in a fixed order."""
    out: dict[str, str] = {}
    for name, (attr, _choices) in _LISTS.items():
        codes = getattr(filters, attr)
        if codes is not None:
            out[name] = ",".join(codes)
    if filters.period == "custom":
        assert filters.date_from is not None and filters.date_to is not None
        out["period"] = (f"{filters.date_from.strftime(DAY_FORMAT)}{PERIOD_SEPARATOR}"
                         f"{filters.date_to.strftime(DAY_FORMAT)}")
    elif filters.period != DEFAULT_PRESET:
        out["period"] = filters.period
    if filters.unit is not None:
        out["unit"] = filters.unit
    if filters.inspector is not None:
        out["inspector"] = filters.inspector
    if filters.overdue_only:
        out["overdue"] = "1"
    for name, default in (("view", DEFAULT_VIEW), ("measure", DEFAULT_MEASURE), ("basis", DEFAULT_BASIS),
                          ("stat", DEFAULT_STATISTIC)):
        value = getattr(filters, _CHOICES[name][0])
        if value != default:
            out[name] = value
    return out


def select(inspections: pd.DataFrame, filters: HazardFilters, now: dt.datetime, *,
           period: bool = True) -> pd.Series:
    """Which inspections the filters keep (a boolean per row, same index).

    Args:
        inspections: Rows with ``hazard_types`` (lists), ``status``, ``severity``,
            ``place_type``, ``found_at``, ``deadline``, ``inspector`` and the assigned
            codes (``micro_code`` ...).
        filters: The filters.
        now: "Now" for the overdue rule and for the preset periods.
        period: False leaves the period out (the emerging hot spots look at many weeks).
    """
    keep = np.ones(len(inspections), dtype=bool)
    if filters.hazard_types is not None:
        wanted = set(filters.hazard_types)
        keep &= np.fromiter((isinstance(v, list | tuple | np.ndarray) and bool(wanted.intersection(map(str, v)))
                             for v in inspections["hazard_types"]), dtype=bool, count=len(inspections))
    for attr, column in (("statuses", "status"), ("severities", "severity"), ("place_types", "place_type")):
        codes = getattr(filters, attr)
        if codes is not None:
            keep &= inspections[column].astype(str).isin(codes).to_numpy()
    if period:
        first, last = filters.window(now.date())
        found = pd.to_datetime(inspections["found_at"])
        keep &= ((found >= pd.Timestamp(first)) & (found < pd.Timestamp(last + dt.timedelta(days=1)))).to_numpy()
    if filters.unit is not None:
        prefix = code_prefix(filters.unit, level_of_code(filters.unit))
        keep &= inspections["micro_code"].fillna("").astype(str).str.startswith(prefix).to_numpy()
    if filters.inspector is not None:
        keep &= (inspections["inspector"].astype(str) == filters.inspector).to_numpy()
    if filters.overdue_only:
        keep &= hazard_overdue(inspections, now).to_numpy()
    return pd.Series(keep, index=inspections.index, dtype=bool)


# --------------------------------------------------------------------------- helpers


def _codes(name: str, value: Iterable[str] | str | None, choices: tuple[str, ...]) -> Codes:
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    codes = tuple(sorted({str(v) for v in value}))
    unknown = [c for c in codes if c not in choices]
    if unknown or not codes:
        raise ValueError(f"HazardFilters ({name}=): unknown or no code(s) {unknown!r}; expected some of "
                         f"{', '.join(choices)}")
    return codes


def _last(raw: str | Sequence[str]) -> str:
    if isinstance(raw, str):
        return raw.strip()
    items = list(raw)
    return str(items[-1]).strip() if items else ""


def _period(text: str, today: dt.date) -> dict[str, Any] | FilterProblem:
    if text in PRESETS and text != "custom":
        return {"period": text}
    if PERIOD_SEPARATOR in text:
        start, _, end = text.partition(PERIOD_SEPARATOR)
        if parse_day(start) is not None and parse_day(end) is not None:
            result = custom_range(start, end, today)
            if isinstance(result, tuple):
                return {"period": "custom", "date_from": result[0], "date_to": result[1]}
            return FilterProblem("period", text, result.key, dict(result.params))
    return FilterProblem("period", text, "hazards.url.bad_period",
                         {"presets": ", ".join(p for p in PRESETS if p != "custom"),
                          "example": f"{today.strftime(DAY_FORMAT)}{PERIOD_SEPARATOR}{today.strftime(DAY_FORMAT)}"})


def _unit_problem(text: str, units: frozenset[str] | None) -> FilterProblem | None:
    try:
        level_of_code(text)
    except ValueError:
        return FilterProblem("unit", text, "hazards.url.bad_unit", {})
    if units is not None and text not in units:
        return FilterProblem("unit", text, "hazards.url.unknown_unit", {})
    return None


__all__ = [
    "BASES",
    "MEASURES",
    "PARAMETERS",
    "VIEWS",
    "FilterProblem",
    "HazardFilters",
    "ParsedFilters",
    "parse_query",
    "select",
    "to_query",
]
