"""Types shared by the planner's modules: the plan frame, problems, the coordinate grid.

A plan frame is a GeoDataFrame (EPSG:4326) with :data:`PLAN_COLUMNS`: one row per unit
of one plan version, ``code`` unique. Geometry is snapped to :data:`PRECISION` (the
6 decimals Leaflet returns), so that a vertex the browser sends back unchanged matches
the stored one exactly and neighbours share identical vertices.

Example::

    plan = snap_frame(units)            # units read from the store, any precision
    problems = validate(plan, ...)      # gridmap.plan.checks
    [p.text("zh") for p in problems if p.severity == "error"]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from gridmap.i18n import t

# Degrees: Leaflet (and so the browser's edits) round coordinates to 6 decimals (~0.1 m).
PRECISION = 1e-6

# The columns a plan frame carries (those of the ``units`` layer the planner works with).
PLAN_COLUMNS: tuple[str, ...] = ("code", "level", "name", "parent_code", "households", "residents",
                                 "staff", "plan_version", "geometry")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One finding of a check on a plan, for the list and the map.

    Attributes:
        check: the check's name (``"overlap"``, ``"gap"``, ``"households_band"``, ...).
        severity: ``"error"`` blocks publishing; ``"warning"`` is shown while drafting.
        unit_code: the unit it concerns (None: the plan as a whole).
        key: i18n key of the sentence; ``params`` its values.
        where: the geometry to highlight and zoom to (EPSG:4326), or None.
    """

    check: str
    severity: Severity
    unit_code: str | None
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    where: shapely.Geometry | None = None

    def text(self, lang: str | None = None) -> str:
        """The finding in ``lang``."""
        return t(self.key, lang, **dict(self.params))


@dataclass(frozen=True)
class EditResult:
    """What one edit (or an auto-partition) did to a plan.

    Attributes:
        plan: the whole new plan frame (the input frame is never modified).
        changed: codes whose geometry changed, neighbours that followed included.
        added: codes that are new in ``plan``.
        removed: codes that are gone from ``plan``.
        renamed: old code -> new code, for units re-coded under a new parent.
        key: i18n key of a one-line description of the edit (for the undo list);
            ``params`` its values.
    """

    plan: gpd.GeoDataFrame
    changed: frozenset[str] = frozenset()
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    renamed: Mapping[str, str] = field(default_factory=dict)
    key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        """The edit described in ``lang``."""
        return t(self.key, lang, **dict(self.params)) if self.key else ""


def snap(geoms: Any) -> Any:
    """Geometry on the :data:`PRECISION` grid, valid, polygonal parts only."""
    try:
        return shapely.set_precision(geoms, PRECISION, mode="valid_output")
    except shapely.errors.GEOSException:
        # GEOS can fail on a shape whose rounding folds a hole onto its shell ("unable to
        # assign free hole to a shell"): round that one point by point and repair it.
        if isinstance(geoms, shapely.Geometry):
            return _snap_one(geoms)
        return np.asarray([_snap_one(g) for g in np.asarray(geoms, dtype=object)], dtype=object)


def _snap_one(geom: shapely.Geometry) -> shapely.Geometry:
    try:
        return shapely.set_precision(geom, PRECISION, mode="valid_output")
    except shapely.errors.GEOSException:
        rounded = shapely.make_valid(shapely.set_precision(geom, PRECISION, mode="pointwise"))
        polygons = [p for p in shapely.get_parts(rounded) if p.geom_type == "Polygon"]
        return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def snap_frame(units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``units`` with its geometry on the :data:`PRECISION` grid."""
    out = units.copy()
    out["geometry"] = snap(out.geometry.to_numpy())
    return out
