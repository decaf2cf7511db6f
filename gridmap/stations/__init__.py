"""Service stations (党群服务站 and kin): the registry, supervision visits, coverage, siting.

- :mod:`gridmap.stations.registry` -- :func:`add_station`, :func:`edit_station`,
  :func:`move_station`, :func:`close_station` (never delete), :func:`active_on`.
- :mod:`gridmap.stations.visits` -- :func:`record_visit` (located, distance-checked),
  :func:`last_visits`, :func:`visit_age`, :func:`town_results`.
- :mod:`gridmap.stations.coverage` -- :func:`household_coverage` within walking distance
  (straight line, metric CRS), :func:`unit_coverage`, :func:`walk_distance`.
- :mod:`gridmap.stations.siting` -- :func:`suggest_sites` (maximal covering: spopt MCLP
  with CBC, greedy fallback), :func:`candidate_sites`, :func:`parse_candidates` (given ones).

No Streamlit here: the page is :mod:`gridmap.ui.stations` (and ``gridmap.ui.stations_*``).
"""

from gridmap.stations.coverage import (
    HouseholdCoverage,
    household_coverage,
    metric_xy,
    unit_coverage,
    walk_distance,
    walk_distances,
)
from gridmap.stations.registry import (
    EDITABLE,
    active_on,
    add_station,
    check_station,
    close_station,
    edit_station,
    move_station,
)
from gridmap.stations.siting import (
    Siting,
    candidate_sites,
    cbc_available,
    greedy_cover,
    parse_candidates,
    suggest_sites,
)
from gridmap.stations.visits import (
    AGE_CLASSES,
    NEVER,
    age_class,
    distance_m,
    last_visits,
    record_visit,
    town_results,
    visit_age,
)

__all__ = [
    "AGE_CLASSES",
    "EDITABLE",
    "NEVER",
    "HouseholdCoverage",
    "Siting",
    "active_on",
    "add_station",
    "age_class",
    "candidate_sites",
    "cbc_available",
    "check_station",
    "close_station",
    "distance_m",
    "edit_station",
    "greedy_cover",
    "household_coverage",
    "last_visits",
    "metric_xy",
    "move_station",
    "parse_candidates",
    "record_visit",
    "suggest_sites",
    "town_results",
    "unit_coverage",
    "visit_age",
    "walk_distance",
    "walk_distances",
]
