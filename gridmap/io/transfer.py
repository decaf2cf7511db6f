"""Import a file into the store, export a layer from it: the use cases behind the CLI.

:func:`import_layer` reads and validates the whole file first (:func:`read_layer_file`),
assigns points to units, and only then writes, in ONE transaction: a file is either
imported completely or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from gridmap.access import Op, PermissionDenied, Session
from gridmap.domain import ASSIGN_COLUMNS, DATA_LAYERS, LAYERS, Scope
from gridmap.io.nesting import check_nesting
from gridmap.io.problems import (
    ImportRejected,
    ImportReport,
    Message,
    Problem,
    problem,
    reject,
    repaired_features,
)
from gridmap.io.read import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_EXTENT_DEG,
    DEFAULT_MAX_VERTICES,
    Progress,
    SourceDatum,
    read_layer_file,
)
from gridmap.io.write import ExportFormat, write_frame
from gridmap.store.base import Store, StoreError

ImportMode = Literal["append", "replace"]


def import_layer(session: Session, layer: str, path: Path | str, *, crs: str | None = None,
                 source_crs: SourceDatum = "wgs84", mode: ImportMode = "append", progress: Progress | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES, max_vertices: int = DEFAULT_MAX_VERTICES,
                 max_extent_deg: float = DEFAULT_MAX_EXTENT_DEG, service_map: Mapping[str, str] | None = None,
                 unknown_category: str | None = None) -> ImportReport:
    """Read, validate, assign and write one file into ``layer``, all or nothing.

    An Open311 GeoReport v2 requests file for ``issues`` is recognised from its content
    and imported by :func:`gridmap.io.open311.import_requests` (``service_map`` and
    ``unknown_category`` are its options; the report is an ``Open311Report``).

    Units get ``plan_version`` = the county's current plan where the file has none,
    and are checked for nesting against the stored units of that plan. Point layers
    are assigned to the current plan's micro-grids; points in none are kept with
    ``outside=True``.

    Args:
        session: who imports, and where: units need ``edit_units``, point layers
            ``import_points``; the store refuses rows outside the session's scope.
            Assignment reads the whole county's micro-grids internally (a point must
            land in its true micro-grid, even one outside the jurisdiction, so that
            the write can refuse it); nothing outside the scope is returned.
        layer: an importable layer, e.g. ``"households"`` or ``"units"``.
        path: the file (see :func:`read_layer_file` for formats).
        crs: the CRS of the coordinates when the file has none (``--crs``).
        source_crs: ``"gcj02"`` for Gaode/Amap coordinates.
        mode: ``"append"`` adds rows; ``"replace"`` first deletes the layer's rows in
            ``scope`` (for units: only those of the plan version being imported).
        progress: ``progress(stage, fraction)``, stages read/validate/assign/write.
        max_bytes: the size limit for the file.
        max_vertices: the most vertices one feature may have (default 20,000).
        max_extent_deg: the most degrees one polygon may span each way (default 3).

    Returns:
        Counts of rows read, written, repaired, and outside every micro-grid; its
        ``text(lang)`` in a language, ``str()`` in Chinese and English.

    Raises:
        ImportRejected: listing every problem (and the repairs made while reading);
            nothing was written.
        PermissionDenied: the session's role may not import this layer.
        ValueError: for an unknown layer or mode.
    """
    op = Op.EDIT_UNITS if layer == "units" else Op.IMPORT_POINTS
    session.require(op)
    if layer == "issues":
        from gridmap.io import open311

        if open311.is_requests_file(path, max_bytes):
            if mode != "append":
                raise reject("open311.append_only", name=Path(path).name)
            return open311.import_requests(session, path, service_map=service_map,
                                           unknown_category=unknown_category, max_bytes=max_bytes)
    store, scope = session.store, session.scope
    if mode not in ("append", "replace"):
        raise ValueError(f"mode must be 'append' or 'replace', got {mode!r}")
    spec = LAYERS.get(layer)
    report = progress or _silent
    county = Scope.county(scope.county_code)
    plan = session.current_plan()
    defaults = {"plan_version": plan} if layer == "units" else None
    result = read_layer_file(layer, path, crs=crs, source_crs=source_crs, max_bytes=max_bytes,
                             progress=lambda stage, f: report(stage, 0.6 * f), defaults=defaults,
                             max_vertices=max_vertices, max_extent_deg=max_extent_deg)
    repairs = result.repaired
    frame = _in_county(result.frame, layer, scope, repairs)
    outside = 0
    notes = list(result.notes)
    if layer == "units":
        plan = _check_units_against_store(store, county, scope, frame, mode, repairs)
    if spec is not None and spec.assigned:
        report("assign", 0.6)
        frame, outside, note = _assign(store, county, plan, frame, repairs)
        notes += [note] if note else []
    report("write", 0.75)
    written = _write(session, op, layer, frame, mode=mode, plan=plan, note=f"import {Path(path).name}",
                     repairs=repairs)
    report("write", 1.0)
    return ImportReport(layer=layer, read=len(result.frame), written=written,
                        repaired=repaired_features(result.repaired), outside=outside, mode=mode,
                        repairs=result.repaired, notes=notes)


def export_layer(session: Session, layer: str, path: Path | str, *, fmt: ExportFormat) -> tuple[int, Path]:
    """Write the rows of ``layer`` the session may read to ``path``; units of the current plan only.

    Needs ``export`` and the layer's read permission; rows come through
    :meth:`Session.read`, so the jurisdiction (and a department's filter) applies.

    Returns:
        The number of rows written and the file written (a Shapefile goes into a
        ``.zip``, added to the name when missing).

    Raises:
        ValueError: for an unknown layer or format (see :func:`write_frame`).
        PermissionDenied: the session may not export or read the layer.
    """
    if layer not in LAYERS or layer == "users":
        raise ValueError(f"unknown layer {layer!r}; known layers: {', '.join(DATA_LAYERS)}")
    session.require(Op.EXPORT)
    where = {"plan_version": session.current_plan()} if layer == "units" else None
    frame = session.read(layer, where=where)
    written = write_frame(frame, path, fmt, layer)
    return len(frame), written


# --------------------------------------------------------------------------- helpers


def _check_units_against_store(store: Store, county: Scope, scope: Scope, frame: gpd.GeoDataFrame,
                               mode: ImportMode, repairs: list[Problem]) -> int:
    """Nesting against the stored units of the file's plan version; returns that version."""
    versions = sorted({int(v) for v in frame["plan_version"]})
    if len(versions) != 1:
        raise ImportRejected([problem(None, "io.units.several_versions", field="plan_version",
                                      versions=versions)], repairs)
    remaining = _remaining_units(store, county, scope, versions[0], mode)
    stored = set(remaining["code"]) if mode == "append" else set()
    errors = [problem(code, "io.units.exists", field="code", version=versions[0])
              for code in frame["code"] if code in stored]
    errors = errors or check_nesting(frame, remaining)
    if errors:
        raise ImportRejected(errors, repairs)
    return versions[0]


def _remaining_units(store: Store, county: Scope, scope: Scope, plan: int, mode: ImportMode) -> gpd.GeoDataFrame:
    """The stored units of ``plan`` that will still be there next to the imported ones."""
    units = store.read("units", county, where={"plan_version": plan})
    if mode == "replace":
        units = units.loc[~units["code"].astype(str).str.startswith(scope.prefix)]
    return units


def _in_county(frame: gpd.GeoDataFrame, layer: str, scope: Scope, repairs: list[Problem]) -> gpd.GeoDataFrame:
    """Fill ``county_code``; refuse rows (or unit codes) of another county."""
    county = scope.county_code[:6]
    frame = frame.copy()
    frame["county_code"] = frame["county_code"].where(frame["county_code"].notna(), county)
    errors = [problem(i + 1, "io.county.other", field="county_code", value=repr(c), county=county)
              for i, c in enumerate(frame["county_code"]) if str(c)[:6] != county]
    if layer == "units":
        errors += [problem(i + 1, "io.county.unit_other", field="code", code=c, county=county)
                   for i, c in enumerate(frame["code"]) if not str(c).startswith(county)]
    if errors:
        raise ImportRejected(errors, repairs)
    return frame


def _assign(store: Store, county: Scope, plan: int, points: gpd.GeoDataFrame,
            repairs: list[Problem]) -> tuple[gpd.GeoDataFrame, int, Message | None]:
    from gridmap.spatial.assign import assign

    units = store.read("units", county, where={"plan_version": plan})
    if units.empty or not (units["level"] == "micro").any():
        out = points.copy()
        for column in ASSIGN_COLUMNS:
            out[column] = None
        out["outside"] = True
        return out, len(out), Message("io.note.no_micro_grids", {"plan": plan})
    try:
        assigned = assign(points, units)
    except ValueError as exc:
        raise ImportRejected([problem(None, "io.assign.failed", detail=str(exc))], repairs) from exc
    return assigned, int(pd.Series(assigned["outside"]).sum()), None


def _write(session: Session, op: Op, layer: str, frame: gpd.GeoDataFrame, *, mode: ImportMode,
           plan: int, note: str, repairs: list[Problem]) -> int:
    try:
        with session.write(op) as tx:
            if mode == "append":
                return tx.insert(layer, frame, note=note)
            where = {"plan_version": plan} if layer == "units" else None
            return tx.replace(layer, frame, where=where, note=note)
    except PermissionDenied:
        raise
    except StoreError as exc:
        raise ImportRejected([problem(None, "io.write.refused", detail=str(exc))], repairs) from exc


def _silent(stage: str, fraction: float) -> None:
    """The progress callback used when the caller passes none."""
