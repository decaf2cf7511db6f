"""Round trip with QGIS: a plan as a GeoPackage, and the assignment as a CSV, out and in.

- :func:`export_gpkg` -- one layer per level (``county`` ... ``micro``) with ``code``,
  ``name``, ``parent_code``, ``level``, ``households``, ``residents``; EPSG:4326.
- :func:`import_gpkg` -- an edited GeoPackage back as a new plan frame, fully checked.
  Each layer goes through the import path of first imports
  (:func:`gridmap.io.read_layer_file`: geometry checks and repairs, CRS, extent,
  attributes), then all levels together through :func:`gridmap.io.check_nesting`
  (parents exist, levels follow, codes carry their parent's prefix, children inside
  parents, siblings do not overlap). A layer in another known CRS (EPSG:4549, 3857, ...)
  is reprojected to EPSG:4326 and a note says so; a layer without a CRS is refused.
- :func:`export_assignment_csv` / :func:`import_assignment_csv` -- ``cell_id`` or
  ``household_id`` -> ``micro_code``, like Districtr's assignment files.

Every refusal is a :class:`~gridmap.plan.errors.PlanError` naming the layer, feature,
unit or CSV row; nothing is changed when one is raised.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from gridmap.domain import Level
from gridmap.i18n import DEFAULT_LANGUAGE
from gridmap.io import ImportRejected, check_nesting, read_layer_file
from gridmap.io.problems import Message
from gridmap.io.problems import Problem as IoProblem
from gridmap.plan.cells import _children, _parent, plan_from_assignment
from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.model import PLAN_COLUMNS, EditResult, Problem, snap_frame
from gridmap.workflow.errors import Words, listed

__all__ = ["EXPORT_COLUMNS", "ImportNote", "export_assignment_csv", "export_gpkg", "import_assignment_csv",
           "import_gpkg"]

# The attribute columns of each exported layer.
EXPORT_COLUMNS: tuple[str, ...] = ("code", "name", "parent_code", "level", "households", "residents")
# How many problems a refusal lists.
_SHOWN = 20

Source = str | Path | bytes | IO[bytes]


@dataclass(frozen=True)
class ImportNote(Problem):
    """A warning of :func:`import_gpkg` that carries a message of :mod:`gridmap.io`
    (a reprojection, a repair), rendered in the language asked for."""

    detail: Message | IoProblem | None = None

    def text(self, lang: str | None = None) -> str:
        """The note in ``lang``: ``图层“grid”：…``."""
        inner = self.detail.text(lang or DEFAULT_LANGUAGE) if self.detail else ""
        return Message(self.key, {**dict(self.params), "note": inner, "repair": inner}).text(lang or DEFAULT_LANGUAGE)


# --------------------------------------------------------------------------- GeoPackage


def export_gpkg(plan: gpd.GeoDataFrame, path_or_buffer: str | Path | IO[bytes]) -> None:
    """Write ``plan`` as a GeoPackage with one layer per level present, coarsest first.

    Args:
        plan: the plan frame (EPSG:4326).
        path_or_buffer: a file path, or a binary buffer the GeoPackage is written into.
    """
    with tempfile.TemporaryDirectory(prefix="gridmap-plan-") as work:
        path = Path(work) / "plan.gpkg" if not isinstance(path_or_buffer, str | Path) else Path(path_or_buffer)
        if path.exists():
            path.unlink()
        for level in Level:
            rows = plan.loc[plan["level"] == level.value]
            if rows.empty:
                continue
            layer = gpd.GeoDataFrame(rows[list(EXPORT_COLUMNS)].reset_index(drop=True),
                                     geometry=shapely.orient_polygons(rows.geometry.to_numpy()), crs="EPSG:4326")
            layer["households"] = pd.to_numeric(layer["households"], errors="coerce").fillna(0).astype("int64")
            layer["residents"] = pd.to_numeric(layer["residents"], errors="coerce").fillna(0).astype("int64")
            layer.to_file(path, layer=level.value, driver="GPKG", promote_to_multi=True)
        if not isinstance(path_or_buffer, str | Path):
            path_or_buffer.write(path.read_bytes())


def import_gpkg(data: Source, *, base_plan: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read an edited GeoPackage back as a new plan frame, checked as a first import is.

    Args:
        data: a path, the file's bytes, or a binary buffer.
        base_plan: the plan the file was exported from: its levels must all be
            there; ``plan_version`` and ``staff`` (per code) come from it.

    Returns:
        The new plan frame (EPSG:4326, on the 1e-6 grid, :data:`PLAN_COLUMNS`) and
        warnings (:class:`ImportNote`): layers reprojected, repairs made.

    Raises:
        PlanError: not a GeoPackage; a level's layer missing; a layer with errors
            (no CRS, bad geometry, missing code or name, ... each naming the feature);
            a feature in the wrong layer; broken nesting (naming the unit).
    """
    version = _version(base_plan)
    with tempfile.TemporaryDirectory(prefix="gridmap-plan-") as work:
        path = _to_file(data, Path(work))
        try:
            layers = [str(row[0]) for row in pyogrio.list_layers(path)]
        except Exception as exc:  # pyogrio raises DataSourceError and kin for a non-GeoPackage
            raise PlanError("plan.transfer.unreadable", detail=type(exc).__name__) from None
        wanted = [lv.value for lv in Level if (base_plan["level"] == lv.value).any()]
        for level in wanted:
            if level not in layers:
                raise PlanError("plan.transfer.level_missing", level=level, levels=", ".join(wanted))
        frames, notes = [], []
        for level in wanted:
            frame, layer_notes = _read_level(path, level, version)
            frames.append(frame)
            notes += layer_notes
    units = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs="EPSG:4326")
    empty = gpd.GeoDataFrame({"code": [], "level": [], "parent_code": []}, geometry=[], crs="EPSG:4326")
    errors = check_nesting(units, empty)
    if errors:
        raise PlanError("plan.transfer.nesting", problems=_listed(errors))
    return _as_plan(units, base_plan, version), notes


def _version(base_plan: gpd.GeoDataFrame) -> int:
    versions = pd.to_numeric(base_plan["plan_version"], errors="coerce").dropna()
    return int(versions.iloc[0]) if len(versions) else 1


def _to_file(data: Source, work: Path) -> Path:
    if isinstance(data, str | Path):
        return Path(data)
    raw = data if isinstance(data, bytes) else data.read()
    path = work / "import.gpkg"
    path.write_bytes(raw)
    return path


def _read_level(path: Path, level: str, version: int) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    try:
        result = read_layer_file("units", path, source_layer=level, defaults={"plan_version": version})
    except ImportRejected as exc:
        raise PlanError("plan.transfer.layer_rejected", layer=level, problems=_listed(exc.problems)) from None
    frame = result.frame
    wrong = frame.loc[frame["level"] != level]
    if len(wrong):
        raise PlanError("plan.transfer.wrong_level", layer=level, code=wrong["code"].iloc[0],
                        level=wrong["level"].iloc[0])
    notes: list[Problem] = [ImportNote("import", "warning", None, "plan.transfer.note", {"layer": level}, None, m)
                            for m in result.notes]
    notes += [ImportNote("import", "warning", p.ref if isinstance(p.feature, int) else p.feature,
                         "plan.transfer.repaired", {"layer": level}, None, p) for p in result.repaired]
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326"), notes


class _IoWords(Words):
    """An io problem as a value of a :class:`PlanError` (rendered in its language)."""

    def __init__(self, problem: IoProblem) -> None:
        super().__init__(problem.key)
        object.__setattr__(self, "_problem", problem)

    def text(self, lang: str | None) -> str:
        problem: IoProblem = object.__getattribute__(self, "_problem")
        return problem.text(lang or DEFAULT_LANGUAGE)


def _listed(problems: list[IoProblem]) -> Any:
    return listed(_IoWords(p) for p in problems[:_SHOWN])


def _as_plan(units: gpd.GeoDataFrame, base_plan: gpd.GeoDataFrame, version: int) -> gpd.GeoDataFrame:
    staff = dict(zip(base_plan["code"], base_plan["staff"], strict=True)) if "staff" in base_plan else {}
    geoms = units.geometry.to_numpy()
    single = shapely.get_num_geometries(geoms) == 1
    geoms[single] = shapely.get_geometry(geoms[single], 0)
    out = pd.DataFrame({
        "code": units["code"].to_numpy(), "level": units["level"].to_numpy(), "name": units["name"].to_numpy(),
        "parent_code": units["parent_code"].to_numpy(),
        "households": pd.to_numeric(units["households"], errors="coerce").fillna(0).astype(int).to_numpy(),
        "residents": pd.to_numeric(units["residents"], errors="coerce").fillna(0).astype(int).to_numpy(),
        "staff": [staff.get(c) for c in units["code"]], "plan_version": version})
    plan = gpd.GeoDataFrame(out, geometry=geoms, crs="EPSG:4326")
    return snap_frame(plan[list(PLAN_COLUMNS)].sort_values("code").reset_index(drop=True))


# --------------------------------------------------------------------------- assignment CSV


def export_assignment_csv(table: pd.DataFrame) -> bytes:
    """The assignment as CSV (UTF-8 with BOM, for Excel): ``cell_id,micro_code`` for a
    cells frame (:func:`~gridmap.plan.cells.cells_for`), ``household_id,micro_code`` for
    a households frame with ``id`` and ``micro_code``."""
    key = "cell_id" if "cell_id" in table.columns else "id"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["cell_id" if key == "cell_id" else "household_id", "micro_code"])
    for ident, code in sorted(zip(table[key].astype(str), table["micro_code"], strict=True)):
        writer.writerow([ident, "" if code is None or code != code else str(code)])
    return out.getvalue().encode("utf-8-sig")


def import_assignment_csv(data: str | bytes | Path | IO[bytes], cells: gpd.GeoDataFrame, plan: gpd.GeoDataFrame,
                          parent_code: str) -> EditResult:
    """Apply an assignment CSV to the grid ``parent_code``.

    Rows name a ``cell_id`` or a ``household_id`` and its ``micro_code``; cells the file
    does not mention keep their micro-grid. A household's whole cell (its building
    cluster) moves with it, so its cell-mates must go to the same micro-grid.

    Raises:
        BadEdit: listing every bad row by its number (the header is row 1): an empty
            value, an unknown id, a code that is not a micro-grid of the grid, an id
            listed twice, a building cluster split; or the result's own refusals
            (a micro-grid in pieces).
        PlanError: the file is not readable text or lacks the columns.
    """
    parent = _parent(plan, parent_code)
    rows, key = _read_rows(data)
    micro = set(_children(plan, parent_code)["code"])
    prefix = str(parent["code"])
    if key == "cell_id":
        known = dict.fromkeys(cells["cell_id"].astype(str))
        cell_of: Mapping[str, str] = {c: c for c in known}
    else:
        cell_of = {h: cid for cid, ids in zip(cells["cell_id"], cells["household_ids"], strict=True) for h in ids}
    errors: list[Words] = []
    first_row: dict[str, int] = {}
    cell_code: dict[str, tuple[str, int]] = {}
    for n, ident, code in rows:
        if not ident or not code:
            errors.append(Words("plan.transfer.row_empty", (("row", n), ("column", key if not ident else "micro_code"))))
            continue
        if ident in first_row:
            errors.append(Words("plan.transfer.row_twice", (("row", n), ("id", ident), ("first", first_row[ident]))))
            continue
        first_row[ident] = n
        if ident not in cell_of:
            errors.append(Words("plan.transfer.row_unknown_id", (("row", n), ("id", ident))))
            continue
        new_code = code.isdigit() and len(code) == 17 and code.startswith(prefix)
        if code not in micro and not new_code:
            errors.append(Words("plan.transfer.row_unknown_code", (("row", n), ("code", code))))
            continue
        cell = cell_of[ident]
        if cell in cell_code and cell_code[cell][0] != code:
            errors.append(Words("plan.transfer.row_split_cell", (("row", n), ("id", ident), ("first", cell_code[cell][1]))))
            continue
        cell_code.setdefault(cell, (code, n))
    if errors:
        raise BadEdit("plan.transfer.csv_rejected", count=len(errors), problems=listed(errors[:_SHOWN]))
    return plan_from_assignment(plan, parent_code, cells, {c: v[0] for c, v in cell_code.items()})


def _read_rows(data: str | bytes | Path | IO[bytes]) -> tuple[list[tuple[int, str, str]], str]:
    try:
        if isinstance(data, Path):
            raw = data.read_bytes()
        elif isinstance(data, str):
            raw = data.encode("utf-8")
        elif isinstance(data, bytes):
            raw = data
        else:
            raw = data.read()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError("plan.transfer.csv_unreadable", detail=type(exc).__name__) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    key = "cell_id" if "cell_id" in header else "household_id" if "household_id" in header else None
    if key is None or "micro_code" not in header:
        raise PlanError("plan.transfer.csv_columns", columns=", ".join(header) or "-")
    i_key, i_code = header.index(key), header.index("micro_code")
    rows = []
    for n, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        ident = row[i_key].strip() if i_key < len(row) else ""
        code = row[i_code].strip() if i_code < len(row) else ""
        rows.append((n, ident, code))
    return rows, key
