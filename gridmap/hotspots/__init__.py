"""Hot spots of hazards (no Streamlit): Getis-Ord Gi*, emerging hot spots, rankings, routes.

Public names:

- :func:`hotspots_by_unit` -- Gi* on units (micro-grids or any level), queen contiguity.
- :func:`hotspots_by_h3` -- Gi* on every H3 cell of a study area (zero cells too), k-ring.
- :class:`HotspotResult`, :class:`Method` -- one row per unit or cell, and what was
  computed (variable, neighbours, permutations, correction) for the page to say.
- :func:`emerging_hotspots`, :class:`EmergingResult`, :data:`PATTERNS` -- the space-time
  cube, Mann-Kendall trends and ArcGIS's eight patterns (:mod:`gridmap.hotspots.emerging`);
  :func:`weeks_of_period`, :class:`WeekWindow` -- the whole weeks of a filter's period.
- :func:`warm_up`, :func:`is_warm`, :func:`start_background` -- esda's permutation code
  compiled once per process, in the background (:mod:`gridmap.hotspots.warm`).
- :func:`h3_cells`, :func:`h3_resolution_for_zoom`, :func:`study_area_cells`,
  :func:`cell_polygons` -- helpers for the hexagon view.
- :func:`local_moran`, :class:`OutlierResult` -- Local Moran's I: clusters and outliers
  (high among low ``HL``, low among high ``LH``).
- :func:`gi_star`, :func:`confidence_bins` -- the statistic itself on any weights.
- :func:`clear_caches` -- forget the cached weights and results (they are kept per process).
- :func:`unit_neighbours`, :func:`h3_neighbours`, :class:`Neighbours` -- the weights.
- :func:`rank_units`, :class:`Ranking`, :class:`RankingMethod`, :data:`RANK_BY` -- units
  ranked by hazards per 100 households (raw and smoothed), rectification rate, overdue.
- :func:`hotspot_shortlist` -- the open or overdue hazards inside the hot spots (or the
  units/cells picked); :func:`walking_route`, :class:`Route` -- a shortlist ordered into
  a walking route (nearest neighbour + 2-opt, straight lines in the metric CRS).
- :func:`write_csv`, :func:`write_xlsx`, :func:`write_gpx` -- the files (cells neutralised
  as the layer export does; GPX 1.1).
- :func:`describe_method`, :func:`describe_emerging`, :func:`describe_ranking`,
  :func:`describe_route`, :func:`bin_label`, :func:`pattern_label`, :func:`pattern_help`
  -- the page's sentences in Chinese or English (:mod:`gridmap.i18n.hotspots`).

Modules: ``weights``, ``gistar``, ``analysis``, ``emerging``, ``hexagons``, ``warm``,
``moran``, ``ranking``, ``route``, ``export``, ``words``, ``batch`` (``python -m gridmap hotspots``);
rates per household are in :mod:`gridmap.stats`. The method is described in words in
``docs/hotspots.md``.
"""

from gridmap.hotspots.analysis import (
    VARIABLES,
    HotspotResult,
    Method,
    count_per_unit,
    hotspots_by_h3,
    hotspots_by_unit,
)
from gridmap.hotspots.emerging import (
    PATTERNS,
    EmergingMethod,
    EmergingResult,
    WeekWindow,
    classify,
    emerging_hotspots,
    weeks_of_period,
)
from gridmap.hotspots.export import write_csv, write_gpx, write_xlsx
from gridmap.hotspots.gistar import CONFIDENCE_LEVELS, GiStar, clear_results, confidence_bins, gi_star
from gridmap.hotspots.hexagons import cell_polygons, h3_cells, h3_resolution_for_zoom, study_area_cells
from gridmap.hotspots.moran import OutlierResult, local_moran
from gridmap.hotspots.ranking import RANK_BY, Ranking, RankingMethod, rank_units
from gridmap.hotspots.route import Route, hotspot_shortlist, walking_route
from gridmap.hotspots.warm import is_warm, start_background, warm_up
from gridmap.hotspots.weights import Neighbours, clear_cache, h3_neighbours, unit_neighbours
from gridmap.hotspots.words import (
    bin_label,
    describe_emerging,
    describe_method,
    describe_ranking,
    describe_route,
    pattern_help,
    pattern_label,
)


def clear_caches() -> None:
    """Forget the per-process caches of weights and Gi* results."""
    clear_cache()
    clear_results()


__all__ = [
    "CONFIDENCE_LEVELS",
    "PATTERNS",
    "RANK_BY",
    "VARIABLES",
    "EmergingMethod",
    "EmergingResult",
    "GiStar",
    "HotspotResult",
    "Method",
    "Neighbours",
    "OutlierResult",
    "Ranking",
    "RankingMethod",
    "Route",
    "WeekWindow",
    "bin_label",
    "cell_polygons",
    "classify",
    "clear_caches",
    "confidence_bins",
    "count_per_unit",
    "describe_emerging",
    "describe_method",
    "describe_ranking",
    "describe_route",
    "emerging_hotspots",
    "gi_star",
    "h3_cells",
    "h3_neighbours",
    "h3_resolution_for_zoom",
    "hotspot_shortlist",
    "hotspots_by_h3",
    "hotspots_by_unit",
    "is_warm",
    "local_moran",
    "pattern_help",
    "pattern_label",
    "rank_units",
    "start_background",
    "study_area_cells",
    "unit_neighbours",
    "walking_route",
    "warm_up",
    "weeks_of_period",
    "write_csv",
    "write_gpx",
    "write_xlsx",
]
