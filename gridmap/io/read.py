"""Read and validate one input file for a layer: :func:`read_layer_file`.

The recipe: refuse an oversize file before opening it; open it (zips unpacked safely);
check the geometries one by one (a vertex limit among them); settle the source CRS;
check the coordinate ranges; transform to EPSG:4326 (and from GCJ-02 when asked);
check that each feature lies in China and is no larger than a county; round the
coordinates to 7 decimals; repair invalid polygons where the repair is safe; orient
rings by RFC 7946; convert and check the attributes; for units, check that they nest.
Every error is collected, then all are raised together with the repairs made so far,
so a user fixes a file in one round instead of one error at a time.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.domain import LAYERS, LayerSpec
from gridmap.io import geometry as geo
from gridmap.io.archive import check_size
from gridmap.io.fields import convert_attributes, match_columns
from gridmap.io.nesting import check_nesting, derive_parents
from gridmap.io.problems import ImportRejected, ImportResult, Message, Problem, reject
from gridmap.io.sources import RawLayer, open_source

SourceDatum = Literal["wgs84", "gcj02"]
Progress = Callable[[str, float], None]
DEFAULT_MAX_BYTES = 200 * 2**20
DEFAULT_MAX_VERTICES = geo.DEFAULT_MAX_VERTICES
DEFAULT_MAX_EXTENT_DEG = geo.DEFAULT_MAX_EXTENT_DEG


def read_layer_file(layer: str, path: Path | str, *, crs: str | None = None, source_crs: SourceDatum = "wgs84",
                    max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
                    defaults: Mapping[str, Any] | None = None, existing_units: gpd.GeoDataFrame | None = None,
                    raise_on_error: bool = True, max_vertices: int = DEFAULT_MAX_VERTICES,
                    max_extent_deg: float = DEFAULT_MAX_EXTENT_DEG, source_layer: str | None = None) -> ImportResult:
    """Read a GeoJSON, GeoPackage, Shapefile (.zip or .shp) or CSV file for ``layer``.

    Args:
        layer: an importable layer of :data:`gridmap.domain.LAYERS`, e.g. ``"households"``.
        path: the file.
        crs: the CRS of the coordinates when the file has none or a wrong one
            (``"EPSG:4549"``). A shapefile without .prj is refused unless this is given.
        source_crs: ``"gcj02"`` for longitude/latitude copied from Gaode/Amap or
            Tencent maps; converted to WGS84.
        max_bytes: files (and a zip's unpacked content) above this are refused unread.
        progress: called as ``progress(stage, fraction)`` with stages ``"read"`` and
            ``"validate"`` and fractions from 0 to 1.
        defaults: values for fields the file leaves out or empty, e.g.
            ``{"plan_version": 3}``.
        existing_units: for ``layer="units"``, the stored units the file joins (same
            plan version); parents are looked up there too, and a parent found in
            neither place is an error. Without it, such parents are not checked.
        raise_on_error: when False, return the errors in ``ImportResult.problems`` (and
            only the rows without errors) instead of raising: for previews.
        max_vertices: the most vertices one feature may have
            (:data:`DEFAULT_MAX_VERTICES`, 20,000).
        max_extent_deg: the most degrees of longitude or latitude one polygon may
            span (:data:`DEFAULT_MAX_EXTENT_DEG`, 3; about 300 km).
        source_layer: the GeoPackage layer (or zip member) to read when it is not
            named after ``layer`` (the planner's export has one layer per level).

    Returns:
        The rows in EPSG:4326 with the layer's columns, and the repairs and notes.

    Raises:
        ImportRejected: listing every error, each naming the feature (1-based number
            and code/id), the field and the problem, and the repairs made so far.
        ValueError: for an unknown or not importable layer, or a bad ``source_crs``.
    """
    spec = _importable(layer)
    if source_crs not in ("wgs84", "gcj02"):
        raise ValueError(f"source_crs must be 'wgs84' or 'gcj02', got {source_crs!r}")
    report = progress or _silent
    path = Path(path)
    report("read", 0.0)
    check_size(path, max_bytes)
    with tempfile.TemporaryDirectory(prefix="gridmap-import-") as workdir:
        raw = open_source(path, source_layer or spec.name, Path(workdir), max_bytes)
    if len(raw.geometry) == 0:
        raise reject("io.file.no_features", name=path.name)
    report("validate", 0.5)
    result = _validate(raw, spec, crs=crs, source_crs=source_crs, defaults=defaults, existing_units=existing_units,
                       max_vertices=max_vertices, max_extent_deg=max_extent_deg)
    report("validate", 1.0)
    if result.problems and raise_on_error:
        raise ImportRejected(result.problems, result.repaired)
    return result


def _validate(raw: RawLayer, spec: LayerSpec, *, crs: str | None, source_crs: SourceDatum,
              defaults: Mapping[str, Any] | None, existing_units: gpd.GeoDataFrame | None,
              max_vertices: int, max_extent_deg: float) -> ImportResult:
    keys = _keys(raw.attributes, spec)
    found = _Findings(len(raw.geometry), _keyed(raw.problems, keys), _keyed(raw.repaired, keys), list(raw.notes))
    geoms = found.take(geo.check_basics(raw.geometry, raw.unreadable, spec, keys, reasons=raw.reasons,
                                        max_vertices=max_vertices))
    src, notes = geo.resolve_crs(raw.crs, raw.crs_implied, crs, geoms, found.bad)
    found.notes += notes
    found.add(geo.check_ranges(geoms, found.bad, src, keys))
    geoms, errors, notes = geo.to_wgs84(geoms, found.bad, src, source_crs, keys)
    found.add(errors)
    found.notes += notes
    found.add(geo.check_extent(geoms, found.bad, keys, max_extent_deg=max_extent_deg))
    transformed = bool(notes)  # our own transformation leaves full-precision numbers: note it once
    geoms = found.take(geo.normalise_precision(geoms, found.bad, keys, report=not transformed))
    if transformed:
        found.notes.append(Message("io.note.precision", {"decimals": geo.COORDINATE_DECIMALS}))
    if spec.geom == "MultiPolygon":
        wrong = geo.wrongly_oriented(geoms, found.bad)
        geoms = found.take(geo.repair_polygons(geoms, found.bad, keys))
        geoms = geo.as_multipolygons(found.take(geo.orient_polygons(geoms, found.bad, keys, wrong=wrong)), found.bad)
    attributes, errors, notes = convert_attributes(raw.attributes, spec, keys, defaults)
    found.add(errors)
    found.notes += notes
    frame = gpd.GeoDataFrame(attributes, geometry=gpd.GeoSeries(geoms, crs=geo.STORE_CRS), crs=geo.STORE_CRS)
    if spec.name == "units":
        frame = _units_extras(frame, found, keys, existing_units)
    problems = sorted(found.errors, key=_order)
    if problems:
        frame = frame.loc[~found.bad].reset_index(drop=True)
    return ImportResult(frame=frame, problems=problems, repaired=sorted(found.repaired, key=_order),
                        notes=found.notes)


def _units_extras(frame: gpd.GeoDataFrame, found: _Findings, keys: list[str | None],
                  existing_units: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Derive missing parents and ids, then check nesting once every unit is fine alone."""
    frame = frame.copy()
    frame["parent_code"], derived = derive_parents(frame, keys)
    found.repaired += derived
    missing_id = frame["id"].isna() & frame["code"].notna()
    frame.loc[missing_id, "id"] = frame.loc[missing_id, "code"] + ":" + frame.loc[missing_id, "plan_version"].astype(str)
    if not found.errors:
        found.add(check_nesting(frame, existing_units))
    return frame


class _Findings:
    """Errors, repairs and notes collected so far, and which features have an error."""

    def __init__(self, n: int, errors: list[Problem], repaired: list[Problem], notes: list[Message]) -> None:
        self.bad = np.zeros(n, dtype=bool)
        self.errors: list[Problem] = []
        self.repaired = repaired
        self.notes = notes
        self.add(errors)

    def add(self, errors: list[Problem]) -> None:
        self.errors += errors
        for p in errors:
            if isinstance(p.feature, int):
                self.bad[p.feature - 1] = True
            elif p.feature is None and p.field is None:
                self.bad[:] = True  # a whole-file geometry problem: nothing further to check

    def take(self, found: tuple[np.ndarray, list[Problem], list[Problem]]) -> np.ndarray:
        geoms, errors, repairs = found
        self.add(errors)
        self.repaired += repairs
        return geoms


def _keys(table: pd.DataFrame, spec: LayerSpec) -> list[str | None]:
    """Per feature, the code (units) or id shown next to its number in messages."""
    wanted = "code" if spec.name == "units" else "id"
    mapping, _ = match_columns(list(table.columns), spec)
    column = next((c for c, target in mapping.items() if target == wanted), None)
    if column is None:
        return [None] * len(table)
    return [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in table[column]]


def _keyed(problems: list[Problem], keys: list[str | None]) -> list[Problem]:
    """Add the code/id to the location of problems found before the keys were known."""
    return [replace(p, ref=keys[p.feature - 1]) if isinstance(p.feature, int) and keys[p.feature - 1] else p
            for p in problems]


def _importable(layer: str) -> LayerSpec:
    spec = LAYERS.get(layer)
    if spec is None or not spec.importable:
        names = ", ".join(n for n, s in LAYERS.items() if s.importable)
        raise ValueError(f"layer {layer!r} cannot be imported; importable layers: {names}")
    return spec


def _order(p: Problem) -> tuple[int, int]:
    if p.feature is None:
        return (0, 0)
    return (1, p.feature) if isinstance(p.feature, int) else (2, 0)


def _silent(stage: str, fraction: float) -> None:
    """The progress callback used when the caller passes none."""
