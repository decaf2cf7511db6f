"""What the commander has selected: a date range and code filters, as one hashable value.

:class:`Filters` is a frozen dataclass of dates and sorted tuples, so it can key a cache
(``st.cache_data``) and compare equal whatever order a widget returned the codes in.

Conventions:

- ``None`` means *no filter* (every code). An empty tuple means *nothing*: a page whose
  multiselect was cleared should pass ``None`` if it means "all".
- The date range is inclusive, in Beijing days. A missing end is the day of ``now``;
  a missing start is :data:`DEFAULT_DAYS` days back from the end (30 days in all), so
  ``Filters()`` is "the last 30 days up to now".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from gridmap.domain import CATEGORIES, HazardStatus, HazardType, IssueStatus, StationType

DEFAULT_DAYS = 30

Codes = tuple[str, ...] | None

# The codes each filter field accepts (validated on construction).
_CHOICES: dict[str, tuple[str, ...]] = {
    "categories": tuple(CATEGORIES),
    "issue_statuses": tuple(IssueStatus),
    "hazard_types": tuple(HazardType),
    "hazard_statuses": tuple(HazardStatus),
    "station_types": tuple(StationType),
}


@dataclass(frozen=True)
class Filters:
    """A selection of issues, hazards and stations; hashable and order-insensitive.

    Attributes:
        date_from: First day of the range (inclusive); None: ``DEFAULT_DAYS`` before the end.
        date_to: Last day of the range (inclusive); None: the day of ``now``.
        categories: Issue categories (:data:`gridmap.domain.CATEGORIES`); None: all.
        issue_statuses: Issue statuses (:class:`~gridmap.domain.IssueStatus`); None: all.
        hazard_types: Hazard types; a hazard matches when any of its types is listed.
        hazard_statuses: Hazard statuses (:class:`~gridmap.domain.HazardStatus`).
        station_types: Service-station types (:class:`~gridmap.domain.StationType`).

    Raises:
        ValueError: a code that the domain does not know, or ``date_from`` after ``date_to``.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    categories: Codes = None
    issue_statuses: Codes = None
    hazard_types: Codes = None
    hazard_statuses: Codes = None
    station_types: Codes = None

    def __post_init__(self) -> None:
        for name, choices in _CHOICES.items():
            object.__setattr__(self, name, _normalise(name, getattr(self, name), choices))
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            if isinstance(value, dt.datetime):
                object.__setattr__(self, name, value.date())
            elif value is not None and not isinstance(value, dt.date):
                raise ValueError(f"Filters.{name} must be a date, got {value!r}")
        if self.date_from is not None and self.date_to is not None and self.date_from > self.date_to:
            raise ValueError(f"Filters: date_from {self.date_from} is after date_to {self.date_to}")

    @classmethod
    def last_days(cls, days: int, today: dt.date, **codes: Iterable[str] | None) -> Filters:
        """The ``days`` days ending on ``today`` (inclusive), with optional code filters.

        Args:
            days: How many days, at least 1.
            today: The last day of the range.
            **codes: Any of the code fields (``categories=...`` etc.).

        Returns:
            The filters, with both dates set.
        """
        if days < 1:
            raise ValueError(f"Filters.last_days: days must be at least 1, got {days}")
        return cls(today - dt.timedelta(days=days - 1), today, **codes)  # type: ignore[arg-type]

    def window(self, now: dt.datetime) -> tuple[dt.date, dt.date]:
        """The date range resolved against ``now``: ``(first day, last day)``, inclusive."""
        last = self.date_to or now.date()
        first = self.date_from or last - dt.timedelta(days=DEFAULT_DAYS - 1)
        return first, last


def _normalise(name: str, value: Iterable[str] | str | None, choices: tuple[str, ...]) -> Codes:
    """``value`` as a sorted tuple of known codes (None stays None)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = (value,)
    codes = tuple(sorted({str(v) for v in value}))
    unknown = [c for c in codes if c not in choices]
    if unknown:
        raise ValueError(f"Filters.{name}: unknown code(s) {', '.join(map(repr, unknown))}; "
                         f"expected some of {', '.join(choices)}")
    return codes
