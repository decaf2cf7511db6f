"""Hot spots of hazards (no Streamlit): Getis-Ord Gi*, emerging hot spots, rankings, routes.

Public names:

- :func:`hotspots_by_unit` -- Gi* on units (micro-grids or any level), queen contiguity.
- :func:`hotspots_by_h3` -- Gi* on every H3 cell of a study area (zero cells too), k-ring.
- :class:`HotspotResult`, :class:`Method` -- one row per unit or cell, and what was
  computed (variable, neighbours, permutations, correction) for the page to say.
- :func:`emerging_hotspots`, :class:`EmergingResult`, :data:`PATTERNS` -- the space-time
  cube, Mann-Kendall trends and ArcGIS's eight patterns (:mod:`gridmap.hotspots.emerging`).
- :func:`warm_up`, :func:`is_warm`, :func:`start_background` -- esda's permutation code
  compiled once per process, in the background (:mod:`gridmap.hotspots.warm`).
- :func:`h3_cells`, :func:`h3_resolution_for_zoom`, :func:`study_area_cells`,
  :func:`cell_polygons` -- helpers for the hexagon view.
- :func:`gi_star`, :func:`confidence_bins` -- the statistic itself on any weights.
- :func:`unit_neighbours`, :func:`h3_neighbours`, :class:`Neighbours` -- the weights.

Modules: ``weights``, ``gistar``, ``analysis``, ``emerging``, ``hexagons``, ``warm``;
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
from gridmap.hotspots.emerging import PATTERNS, EmergingMethod, EmergingResult, classify, emerging_hotspots
from gridmap.hotspots.gistar import CONFIDENCE_LEVELS, GiStar, confidence_bins, gi_star
from gridmap.hotspots.hexagons import cell_polygons, h3_cells, h3_resolution_for_zoom, study_area_cells
from gridmap.hotspots.warm import is_warm, start_background, warm_up
from gridmap.hotspots.weights import Neighbours, h3_neighbours, unit_neighbours

__all__ = [
    "CONFIDENCE_LEVELS",
    "PATTERNS",
    "VARIABLES",
    "EmergingMethod",
    "EmergingResult",
    "GiStar",
    "HotspotResult",
    "Method",
    "Neighbours",
    "cell_polygons",
    "classify",
    "confidence_bins",
    "count_per_unit",
    "emerging_hotspots",
    "gi_star",
    "h3_cells",
    "h3_neighbours",
    "h3_resolution_for_zoom",
    "hotspots_by_h3",
    "hotspots_by_unit",
    "is_warm",
    "start_background",
    "study_area_cells",
    "unit_neighbours",
    "warm_up",
]
