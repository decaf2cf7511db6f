"""What the planner's checks look at: :class:`PlanContext`, the plan and its settings.

A context is built once per edit and handed to every check; what several checks need
(the units in view, repaired geometry, the metric CRS, household counts, the band of
each micro-grid) is computed on first use and kept on the context.

*The units in view.* With ``parent_code`` given (the unit whose children the planner
edits), the checked units are its children plus the units of the same level that
touch them (the neighbours an edit may have moved); the *families* are the parent and
the parents of those neighbours (the units whose children must cover them). With
``parent_code=None`` every unit is checked and every unit with children is a family.

Defaults, and where they come from (``/work/shared/design/DOMAIN.md``):

- :data:`DEFAULT_BAND` (20, 40) households per micro-grid: a micro-grid is "about 30
  households" in every article; 20-40 is the band the issue asks for.
- :data:`MAX_HOUSEHOLDS_PER_WORKER` 300: Wuyi has ~150,000 households in 497 grids,
  each with one full-time grid worker (专职网格员): ~302 households per worker. (An
  urban community runs denser: Songshan, 6,223 households in 5 grids, ~1,245; set the
  context's value for such a town.)
- :data:`MIN_SLIVER_M2` 50 m²: smaller than one house; a unit this small is a drawing
  slip, not a place (a one-building micro-grid of 30 households has a footprint of
  several hundred m²).
- :data:`AREA_TOLERANCE_M2` 0.1 m² (about ten cells of the 1e-6° grid): overlaps, gaps
  and parts below it are rounding, not geometry. Float noise in the demo is < 1e-4 m².

Example::

    ctx = PlanContext(plan, parent_code="33032710300101", households=points)
    problems = validate(ctx)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import Level
from gridmap.plan.counts import count_units
from gridmap.plan.errors import PlanError
from gridmap.spatial.crs import metric_area_m2, metric_crs

DEFAULT_BAND: tuple[int, int] = (20, 40)
MAX_HOUSEHOLDS_PER_WORKER = 300
MIN_SLIVER_M2 = 50.0
AREA_TOLERANCE_M2 = 0.1
# The staff role whose load is checked (the demo's and the articles' 专职网格员).
WORKER_ROLE = "grid_worker"

_DEPTH: dict[str, int] = {str(lv): lv.depth for lv in Level}
_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


@dataclass(frozen=True)
class PlanContext:
    """A plan and the settings its checks use.

    Attributes:
        plan: the plan frame (EPSG:4326, :data:`gridmap.plan.model.PLAN_COLUMNS`).
        parent_code: the unit being edited (its children and what touches them are
            checked), or None for the whole plan.
        households: household points (EPSG:4326, with ``residents``) to count from, or
            None to use the plan's ``households``/``residents`` columns.
        bands: households-per-micro-grid band by the code of a micro-grid's ancestor
            (the nearest ancestor listed wins), e.g. ``{"33032710300101": (25, 35)}``.
        default_band: the band where no ancestor is listed.
        max_households_per_worker: the grid worker load above which a grid is flagged.
        min_sliver_m2: a unit smaller than this is flagged as a sliver.
        tolerance_m2: overlaps, gaps and parts at or below this are ignored.
        worker_role: the staff role counted as grid workers.
        only: codes of the units to check (with the units of their level that touch
            them), instead of a parent's children: what
            :func:`gridmap.plan.checks.revalidate` re-checks after an edit. Not
            together with ``parent_code``.

    Raises:
        PlanError: ``parent_code`` is not a unit of the plan, or a band is not
            ``0 <= low <= high``.
    """

    plan: gpd.GeoDataFrame
    parent_code: str | None = None
    households: gpd.GeoDataFrame | None = None
    bands: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    default_band: tuple[int, int] = DEFAULT_BAND
    max_households_per_worker: int = MAX_HOUSEHOLDS_PER_WORKER
    min_sliver_m2: float = MIN_SLIVER_M2
    tolerance_m2: float = AREA_TOLERANCE_M2
    worker_role: str = WORKER_ROLE
    only: frozenset[str] | None = None

    def __post_init__(self) -> None:
        if self.only is not None and self.parent_code is not None:
            raise ValueError("PlanContext: give parent_code or only, not both")
        _check_band(None, self.default_band)
        for code, band in self.bands.items():
            _check_band(code, band)
        if self.parent_code is not None and self.parent_code not in self.row_of:
            raise PlanError("plan.checks.no_such_unit", code=self.parent_code)

    # ------------------------------------------------------------------ the plan as arrays

    @cached_property
    def codes(self) -> np.ndarray:
        """Unit codes (str), in plan row order."""
        return self.plan["code"].astype(str).to_numpy(dtype=object)

    @cached_property
    def row_of(self) -> dict[str, int]:
        """Code -> row position (the first row of a repeated code)."""
        n = len(self.codes)
        return dict(zip(self.codes[::-1], range(n - 1, -1, -1), strict=True))

    @cached_property
    def levels(self) -> np.ndarray:
        return self.plan["level"].astype(str).to_numpy(dtype=object)

    @cached_property
    def depths(self) -> np.ndarray:
        """Depth of each unit's level (county 0 .. micro 4; -1 for an unknown level)."""
        return np.array([_DEPTH.get(lv, -1) for lv in self.levels], dtype=np.intp)

    @cached_property
    def parents(self) -> np.ndarray:
        """Parent code (str) or None, per row."""
        raw = self.plan["parent_code"]
        out = raw.astype(str).to_numpy(dtype=object)
        out[raw.isna().to_numpy()] = None
        return out

    @cached_property
    def parent_rows(self) -> np.ndarray:
        """Row position of each unit's parent, -1 when it has none or it is not in the plan."""
        first = ~pd.Index(self.codes).duplicated()
        found = pd.Index(self.codes[first]).get_indexer(np.where(self.parents == None, "", self.parents))  # noqa: E711
        return np.where(found >= 0, np.flatnonzero(first)[np.maximum(found, 0)], -1).astype(np.intp)

    @cached_property
    def children(self) -> dict[int, np.ndarray]:
        """Parent row -> row positions of its children."""
        rows = np.flatnonzero(self.parent_rows >= 0)
        if len(rows) == 0:
            return {}
        order = rows[np.argsort(self.parent_rows[rows], kind="stable")]
        keys, starts = np.unique(self.parent_rows[order], return_index=True)
        return {int(k): part for k, part in zip(keys, np.split(order, starts[1:]), strict=True)}

    @cached_property
    def names(self) -> np.ndarray:
        """Unit names (str; the code where a unit has none)."""
        raw = self.plan["name"] if "name" in self.plan.columns else pd.Series([None] * len(self.plan))
        text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip().to_numpy(dtype=object)
        return np.where(text == "", self.codes, text)

    def name(self, row: int) -> str:
        """The unit's name, or its code when it has none."""
        return str(self.names[row])

    def unit(self, row: int, prefix: str = "") -> dict[str, str]:
        """``{name, code}`` of a unit for a message, with an optional key prefix."""
        return {f"{prefix}name": self.name(row), f"{prefix}code": self.codes[row]}

    # ------------------------------------------------------------------ geometry

    @cached_property
    def geoms(self) -> np.ndarray:
        """The plan's geometries as given (None for a missing one)."""
        return np.asarray(self.plan.geometry.to_numpy(), dtype=object)

    @cached_property
    def valid(self) -> np.ndarray:
        """True where the geometry is a valid, non-empty (Multi)Polygon."""
        geoms = self.geoms
        out = np.ones(len(geoms), dtype=bool)  # units out of view are not looked at
        view = self.view
        polygonal = np.isin(shapely.get_type_id(geoms[view]), [int(t) for t in _POLYGONAL])
        ok = polygonal & ~shapely.is_empty(geoms[view])
        ok[ok] = shapely.is_valid(geoms[view][ok])
        out[view] = ok
        return out

    @cached_property
    def shapes(self) -> np.ndarray:
        """Polygonal geometry every check can compute with: valid ones as given, invalid
        ones repaired (``make_valid``, polygonal parts only), missing ones empty."""
        out = self.geoms.copy()
        bad = np.flatnonzero(~self.valid)
        for i in bad:
            out[i] = _polygonal(self.geoms[i])
        return out

    @cached_property
    def crs(self) -> str:
        """The metric CRS of the plan."""
        bounds = shapely.total_bounds(self.shapes[~shapely.is_empty(self.shapes)])
        return metric_crs(tuple(bounds)) if np.isfinite(bounds).all() else metric_crs(120.0)

    def area_m2(self, geoms: Any) -> np.ndarray:
        """Areas in m² in the plan's metric CRS."""
        arr = np.asarray(geoms, dtype=object)
        return metric_area_m2(arr, self.crs) if arr.size else np.zeros(0)

    # ------------------------------------------------------------------ the units in view

    @cached_property
    def view(self) -> np.ndarray:
        """Rows whose geometry may be looked at: the parent's children, the units of
        their level whose boxes meet theirs, those units' parents and the parents'
        children (sorted; every row for the whole plan)."""
        if self.only is not None:
            kids = self._only_rows
            near = np.union1d(kids, self._box_neighbours(kids)).astype(np.intp)
            parents = np.union1d(self.parent_rows[near][self.parent_rows[near] >= 0],
                                 [r for r in kids if int(r) in self.children]).astype(np.intp)
            siblings = [self.children[int(p)] for p in parents if int(p) in self.children]
            return np.unique(np.concatenate([near, parents, *siblings])).astype(np.intp)
        if self.parent_code is None:
            return np.arange(len(self.plan))
        parent = self.row_of[self.parent_code]
        kids = self.children.get(parent, np.zeros(0, dtype=np.intp))
        near = np.union1d(kids, self._box_neighbours(kids)).astype(np.intp)
        parents = np.union1d(self.parent_rows[near][self.parent_rows[near] >= 0], [parent]).astype(np.intp)
        siblings = [self.children[int(p)] for p in parents if int(p) in self.children]
        return np.unique(np.concatenate([near, parents, *siblings])).astype(np.intp)

    @cached_property
    def checked(self) -> np.ndarray:
        """Row positions of the checked units (sorted)."""
        if self.only is not None:
            kids = self._only_rows
            return np.union1d(kids, self._neighbours(kids)).astype(np.intp)
        if self.parent_code is None:
            return np.arange(len(self.plan))
        kids = self.children.get(self.row_of[self.parent_code], np.zeros(0, dtype=np.intp))
        return np.union1d(kids, self._neighbours(kids)).astype(np.intp)

    @cached_property
    def edited(self) -> np.ndarray:
        """True per row for the units being edited (the parent's children; every unit
        when the whole plan is checked)."""
        out = np.zeros(len(self.plan), dtype=bool)
        if self.only is not None:
            out[self._only_rows] = True
        elif self.parent_code is None:
            out[:] = True
        else:
            out[self.children.get(self.row_of[self.parent_code], [])] = True
        return out

    @cached_property
    def families(self) -> np.ndarray:
        """Row positions of the parents whose children must cover them (sorted)."""
        if self.only is None and self.parent_code is None:
            return np.array(sorted(self.children), dtype=np.intp)
        parents = {self.row_of[self.parent_code]} if self.parent_code is not None else \
            {int(r) for r in self._only_rows}
        parents.update(int(p) for p in self.parent_rows[self.checked] if p >= 0)
        return np.array(sorted(p for p in parents if p in self.children), dtype=np.intp)

    @cached_property
    def _only_rows(self) -> np.ndarray:
        """Row positions of :attr:`only` (codes not in the plan are left out)."""
        return np.array(sorted({self.row_of[c] for c in self.only or () if c in self.row_of}), dtype=np.intp)

    def _box_neighbours(self, rows: np.ndarray) -> np.ndarray:
        """Units of the same level as ``rows`` whose bounding boxes meet theirs."""
        found: list[np.ndarray] = []
        for level in np.unique(self.levels[rows]):
            same = np.flatnonzero(self.levels == level)
            tree = shapely.STRtree(self.geoms[same])
            _, hit = tree.query(self.geoms[rows[self.levels[rows] == level]])
            found.append(same[hit])
        return np.setdiff1d(np.concatenate(found) if found else np.zeros(0, dtype=np.intp), rows)

    def _neighbours(self, rows: np.ndarray) -> np.ndarray:
        """Units of the same level as ``rows`` whose shapes touch or overlap them."""
        near = np.setdiff1d(self.view, rows)
        found: list[np.ndarray] = []
        for level in np.unique(self.levels[rows]):
            same = near[self.levels[near] == level]
            if len(same) == 0:
                continue
            tree = shapely.STRtree(self.shapes[same])
            mine = rows[self.levels[rows] == level]
            src, hit = tree.query(self.shapes[mine])
            if len(src):
                touching = shapely.intersects(self.shapes[mine][src], self.shapes[same][hit])
                found.append(same[hit[touching]])
        return np.setdiff1d(np.concatenate(found) if found else np.zeros(0, dtype=np.intp), rows)

    # ------------------------------------------------------------------ people and counts

    @cached_property
    def counts(self) -> pd.DataFrame:
        """``households`` and ``residents`` per row (ints), for the units in view.

        From the household points when given (the checked units and the grids among
        the families are counted exactly; other rows keep the plan's values), else
        from the plan's columns (missing = 0).
        """
        if self.households is None:
            return pd.DataFrame({c: _int_column(self.plan, c) for c in ("households", "residents")})
        # The checked units, and the grids among the families (worker_load reads them);
        # not whole neighbouring towns, whose counts no check reads.
        grids = self.families[self.depths[self.families] == Level.GRID.depth]
        view = np.union1d(self.checked, grids).astype(np.intp)
        if self.only is not None:  # re-checking an edit: no check reads the counts of towns or villages
            view = view[self.depths[view] >= Level.GRID.depth]
        return count_units(self.plan, self.households, view, children=self.children,
                           parent_rows=self.parent_rows, depths=self.depths,
                           micro_ok=~shapely.is_empty(self.shapes), shapes=self.shapes)

    def staff(self, row: int) -> list[dict[str, str]]:
        """The unit's people with a name (``[{"name", "role"}]``; JSON text accepted)."""
        return parse_staff(self._staff[row]) if self._staff is not None else []

    @cached_property
    def _staff(self) -> np.ndarray | None:
        return self.plan["staff"].to_numpy(dtype=object) if "staff" in self.plan.columns else None

    @cached_property
    def suspects(self) -> np.ndarray:
        """True per checked row whose level's checked units give it an invalid coverage
        edge (``coverage_invalid_edges``): only these can overlap a sibling."""
        out = np.zeros(len(self.plan), dtype=bool)
        rows = self.checked[~shapely.is_empty(self.shapes[self.checked])]
        for level in np.unique(self.levels[rows]):
            same = rows[self.levels[rows] == level]
            if len(same) > 1:
                out[same] = ~shapely.is_empty(shapely.coverage_invalid_edges(self.shapes[same]))
        return out

    @cached_property
    def family_unions(self) -> dict[int, tuple[shapely.Geometry, bool]]:
        """Per family (parent row): the union of its children and whether the parent
        covers it (no child spills out). Computed once for the gap and outside-parent
        checks."""
        out: dict[int, tuple[shapely.Geometry, bool]] = {}
        for parent in self.families:
            outline = self.shapes[parent]
            kids = self.children[int(parent)]
            kids = kids[~shapely.is_empty(self.shapes[kids])]
            if outline.is_empty or len(kids) == 0:
                continue
            # Children all checked and none a suspect: a valid coverage, no need to test it.
            known_valid = bool(self.edited[kids].all() or np.isin(kids, self.checked).all()) \
                and not self.suspects[kids].any()
            union = union_of(self.shapes[kids], known_valid)
            shapely.prepare(outline)
            out[int(parent)] = (union, bool(shapely.covers(outline, union)))
        return out

    def band(self, row: int) -> tuple[int, int]:
        """The households band for the micro-grid at ``row``: that of its nearest listed
        ancestor, else :attr:`default_band`."""
        return band_for(self.parents[row], self.bands, self.default_band, self.row_of, self.parents)


def band_for(parent: str | None, bands: Mapping[str, tuple[int, int]], default: tuple[int, int],
             row_of: Mapping[str, int], parents: Sequence[str | None] | np.ndarray) -> tuple[int, int]:
    """The band of a micro-grid whose parent is ``parent``: walk up until a listed code."""
    seen: set[str] = set()
    code = parent
    while code is not None and code not in seen:
        if code in bands:
            return bands[code]
        seen.add(code)
        row = row_of.get(code)
        code = None if row is None else parents[row]
    return default


def union_of(shapes: np.ndarray, known_valid: bool = False) -> shapely.Geometry:
    """Union of a family's children: the fast coverage union when they form a valid
    coverage, the general (noding) union otherwise."""
    if len(shapes) == 1:
        return shapes[0]
    if known_valid or shapely.coverage_is_valid(shapes):
        return shapely.coverage_union_all(shapes)
    return shapely.union_all(shapes)


def parse_staff(value: Any) -> list[dict[str, str]]:
    """People of a ``staff`` value: a list of ``{"name", "role"}``, JSON text of one, or
    missing; entries without a name are dropped."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except json.JSONDecodeError:
            return []
    if not isinstance(value, list | tuple):
        return []
    people = []
    for person in value:
        if isinstance(person, Mapping) and str(person.get("name") or "").strip():
            people.append({"name": str(person["name"]).strip(), "role": str(person.get("role") or "")})
    return people


def _check_band(code: str | None, band: Any) -> None:
    try:
        low, high = band
        ok = bool(0 <= low <= high)
    except (TypeError, ValueError):
        low, high, ok = band, "", False
    if not ok:
        raise PlanError("plan.checks.bad_band", code=code or "-", low=low, high=high)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _int_column(plan: pd.DataFrame, column: str) -> np.ndarray:
    if column not in plan.columns:
        return np.zeros(len(plan), dtype=np.int64)
    return pd.to_numeric(plan[column], errors="coerce").fillna(0).astype(np.int64).to_numpy()


def _polygonal(geom: Any) -> shapely.Geometry:
    """The polygonal parts of ``geom`` made valid (an empty polygon when none)."""
    if geom is None or geom.is_empty:
        return shapely.Polygon()
    fixed = shapely.make_valid(geom) if not geom.is_valid else geom
    parts = [p for p in shapely.get_parts(fixed) if p.geom_type in ("Polygon", "MultiPolygon") and not p.is_empty]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]
