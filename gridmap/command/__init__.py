"""The commander's numbers (指挥一张图): KPIs, map measures and live highlights.

Two steps, so that a filter change costs milliseconds even for a whole county:

1. :func:`load_snapshot` reads, through a jurisdiction-scoped session, only the
   columns the numbers need into compact arrays (a :class:`Snapshot`);
   :func:`refresh_snapshot` brings it up to date on a live tick by re-reading only
   what can have changed. Keep the snapshot in ``st.cache_resource`` keyed by
   ``session.cache_key()`` (store, scope, role and department: what it holds depends
   on all four) and a data version.
2. Pure functions over the snapshot, with ``now`` passed in (the data's as-of time,
   :func:`data_now`), never read from the clock:

   - :func:`kpis` -> :class:`Kpis`: the headline numbers of one unit;
   - :func:`unit_measure` -> :class:`UnitMeasure`: one value per unit of a lower
     level, with its legend, for colouring the map (:data:`MEASURES`);
   - :func:`ranking`: those units worst first (the measure says which end is bad), all of them;
   - :func:`new_since` -> :class:`NewItems`: issues and hazards new since the last tick.

What :class:`Filters` select, and the definitions of every count (open, overdue,
closure rate, zero-report compliance, ...), are in :mod:`gridmap.command.flags` and
:mod:`gridmap.command.kpis`. Labels: i18n keys ``kpi.<field>`` and ``measure.<name>``.
"""

from __future__ import annotations

from gridmap.command.filters import DEFAULT_DAYS, Filters
from gridmap.command.kpis import KPI_FIELDS, Kpis, kpis
from gridmap.command.live import NewItems, new_since
from gridmap.command.load import data_now, load_snapshot, refresh_snapshot
from gridmap.command.measures import MEASURES, MeasureSpec, UnitMeasure, available_measures, unit_measure
from gridmap.command.ranking import ranking
from gridmap.command.snapshot import Selection, Snapshot

__all__ = [
    "DEFAULT_DAYS",
    "KPI_FIELDS",
    "MEASURES",
    "Filters",
    "Kpis",
    "MeasureSpec",
    "NewItems",
    "Selection",
    "Snapshot",
    "UnitMeasure",
    "available_measures",
    "data_now",
    "kpis",
    "load_snapshot",
    "new_since",
    "ranking",
    "refresh_snapshot",
    "unit_measure",
]
