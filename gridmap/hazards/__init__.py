"""The inspector's hazard page, as a library: filters in the address, places and cycles.

Public names:

- :class:`HazardFilters`, :func:`parse_query`, :func:`to_query`, :func:`select`,
  :class:`FilterProblem`, :class:`ParsedFilters`, :data:`VIEWS`, :data:`MEASURES`,
  :data:`BASES` -- what the page shows, read from and written to URL query
  parameters (:mod:`gridmap.hazards.filters`).
- :func:`places`, :func:`place_table`, :func:`overdue_places`, :func:`recurring`,
  :func:`parse_cycles`, :data:`DEFAULT_CYCLES`, :data:`SAME_PLACE_M` -- which place an
  inspection belongs to, places not inspected within their cycle, hazards that come
  back after rectification (:mod:`gridmap.hazards.places`).
- :data:`PAGE_ROLES` -- who the page is for (:mod:`gridmap.hazards.roles`).
- :mod:`gridmap.hazards.layers` -- the page's own map layers (hexagons, hot-spot bins,
  emerging patterns, the route, a locate button).

The statistics (Gi*, FDR, emerging hot spots, routes, rankings) are in
:mod:`gridmap.hotspots`; the page's widgets in :mod:`gridmap.ui.hazards`.
"""

from gridmap.hazards.filters import (
    BASES,
    MEASURES,
    PARAMETERS,
    VIEWS,
    FilterProblem,
    HazardFilters,
    ParsedFilters,
    parse_query,
    select,
    to_query,
)
from gridmap.hazards.places import (
    DEFAULT_CYCLES,
    DEFAULT_RECURRING_DAYS,
    SAME_PLACE_M,
    CycleProblem,
    overdue_places,
    parse_cycles,
    place_table,
    places,
    recurring,
)
from gridmap.hazards.roles import PAGE_ROLES

__all__ = [
    "BASES",
    "DEFAULT_CYCLES",
    "DEFAULT_RECURRING_DAYS",
    "MEASURES",
    "PAGE_ROLES",
    "PARAMETERS",
    "SAME_PLACE_M",
    "VIEWS",
    "CycleProblem",
    "FilterProblem",
    "HazardFilters",
    "ParsedFilters",
    "overdue_places",
    "parse_cycles",
    "parse_query",
    "place_table",
    "places",
    "recurring",
    "select",
    "to_query",
]
