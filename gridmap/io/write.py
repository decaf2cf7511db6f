"""Write a layer's frame to a file others can open: :func:`write_frame`.

- ``gpkg``: one table named after the layer, typed columns; passes GDAL's
  ``validate_gpkg``.
- ``geojson``: RFC 7946 -- WGS84 longitude/latitude, no ``crs`` member,
  counter-clockwise exterior rings, 7 decimals (about 1 cm), UTF-8.
- ``shp``: a .zip with .shp/.shx/.dbf/.prj and a .cpg saying UTF-8. Field names are cut
  to 10 characters by :func:`gridmap.io.fields.shapefile_names` (the importer maps them
  back), and ``<layer>_fields.csv`` in the zip lists the mapping. Datetimes and JSON
  become text; text longer than the format's 254 bytes is cut (and logged).
- ``csv``: UTF-8 with BOM (Excel in China opens it correctly); points as ``lon``/``lat``
  columns, polygons as a ``wkt`` column plus ``lon``/``lat`` of a point inside; 7
  decimals; JSON as text; a text cell starting with ``= + - @``, tab or CR gets a
  leading ``'`` so spreadsheets do not run it as a formula (the importer removes it).
  Text of every kind of column is checked (``object``, pandas ``string``, categories);
  numeric columns are left alone, so a negative number stays a number. Lines end in
  CRLF (RFC 4180), so a cell holding a CR or LF is quoted: a bare CR would otherwise
  start a new row in Excel, with the text after it in a new, unprotected first cell.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from gridmap.domain import ASSIGN_COLUMNS, LAYERS, LayerSpec
from gridmap.io.fields import shapefile_names
from gridmap.store.base import jsonable

ExportFormat = Literal["gpkg", "geojson", "shp", "csv"]
FORMATS: tuple[str, ...] = ("gpkg", "geojson", "shp", "csv")
SUFFIXES: dict[str, str] = {"gpkg": ".gpkg", "geojson": ".geojson", "shp": ".zip", "csv": ".csv"}
COORDINATE_DECIMALS = 7
SHAPEFILE_TEXT_BYTES = 254
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STORE_CRS = "EPSG:4326"

log = logging.getLogger(__name__)


def write_frame(frame: pd.DataFrame | gpd.GeoDataFrame, path: Path | str, fmt: ExportFormat, layer: str) -> Path:
    """Write ``frame`` (rows of ``layer``) to ``path`` in format ``fmt``.

    Args:
        frame: rows as the store returns them; geometry in EPSG:4326 (other CRSs are
            transformed; a frame without CRS is refused).
        path: the output file. For ``shp`` a ``.zip`` suffix is added when missing.
        fmt: ``"gpkg"``, ``"geojson"``, ``"shp"`` or ``"csv"``.
        layer: the layer name (column order and types; the GeoPackage table name).

    Returns:
        The path written.

    Raises:
        ValueError: for an unknown layer or format, a geometry format for a layer
            without geometry, or a frame without CRS.
    """
    spec = LAYERS.get(layer)
    if spec is None:
        raise ValueError(f"unknown layer {layer!r}; known layers: {', '.join(LAYERS)}")
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if spec.geom is None and fmt != "csv":
        raise ValueError(f"layer {layer!r} has no geometry; export it as csv")
    path = Path(path)
    if fmt == "shp" and path.suffix.lower() != ".zip":
        path = path.with_name(path.name + ".zip")
    path.parent.mkdir(parents=True, exist_ok=True)
    table = _table(frame, spec)
    if path.exists():
        path.unlink()
    {"gpkg": _write_gpkg, "geojson": _write_geojson, "shp": _write_shapefile_zip, "csv": _write_csv}[fmt](
        table, path, spec)
    return path


# --------------------------------------------------------------------------- formats


def _write_gpkg(table: gpd.GeoDataFrame, path: Path, spec: LayerSpec) -> None:
    out = _json_as_text(table, spec)
    pyogrio.write_dataframe(out, path, layer=spec.name, driver="GPKG", geometry_type=spec.geom,
                            promote_to_multi=spec.geom == "MultiPolygon")


def _write_geojson(table: gpd.GeoDataFrame, path: Path, spec: LayerSpec) -> None:
    out = _json_as_text(table, spec)
    out = out.set_geometry(shapely.orient_polygons(out.geometry.to_numpy(), exterior_cw=False), crs=_STORE_CRS)
    pyogrio.write_dataframe(out, path, driver="GeoJSON", geometry_type=spec.geom,
                            promote_to_multi=spec.geom == "MultiPolygon",
                            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(COORDINATE_DECIMALS),
                                           "WRITE_NAME": "NO"})


def _write_shapefile_zip(table: gpd.GeoDataFrame, path: Path, spec: LayerSpec) -> None:
    names = shapefile_names(spec)
    out = _json_as_text(table, spec)
    for column in out.columns:
        if column != "geometry" and pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = _iso_column(out[column])
        elif column != "geometry" and out[column].dtype == object:
            out[column] = out[column].map(lambda v, c=column: _fit_shapefile_text(v, c))
    out = out.rename(columns={c: names.get(c, c) for c in out.columns if c != "geometry"})
    with tempfile.TemporaryDirectory(prefix="gridmap-export-") as tmp:
        shp = Path(tmp) / f"{spec.name}.shp"
        pyogrio.write_dataframe(out, shp, driver="ESRI Shapefile", encoding="UTF-8",
                                geometry_type="MultiPolygon" if spec.geom == "MultiPolygon" else "Point")
        mapping = pd.DataFrame({"shapefile_field": [names.get(c, c) for c in table.columns if c != "geometry"],
                                "column": [c for c in table.columns if c != "geometry"]})
        mapping.to_csv(Path(tmp) / f"{spec.name}_fields.csv", index=False, encoding="utf-8-sig")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for member in sorted(Path(tmp).iterdir()):
                zf.write(member, member.name)


def _write_csv(table: pd.DataFrame, path: Path, spec: LayerSpec) -> None:
    out = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).copy()
    for f in spec.fields:
        if f.name in out and f.type == "json":
            out[f.name] = out[f.name].map(_json_text)
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = _iso_column(out[column])
        elif _is_text_column(out[column]):
            out[column] = out[column].astype(object).map(_csv_cell)
    if spec.geom is not None and "geometry" in table:
        out = _with_coordinates(out, table.geometry.to_numpy(), spec)
    out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def table_csv(table: pd.DataFrame) -> bytes:
    """Any table (a statistics page's, a ranking) as CSV bytes, with the protections of
    ``csv`` exports: UTF-8 with BOM, CRLF line ends, text cells (and column names)
    starting with ``= + - @``, tab or CR neutralised with a leading ``'``, datetimes as
    ``YYYY-MM-DD HH:MM:SS``. A ``geometry`` column is dropped."""
    out = pd.DataFrame(table.drop(columns="geometry", errors="ignore")).copy()
    out.columns = [_csv_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[column]):
            out[column] = _iso_column(out[column])
        elif _is_text_column(out[column]):
            out[column] = out[column].astype(object).map(_csv_cell)
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def write_table_csv(table: pd.DataFrame, path: Path | str) -> Path:
    """Write any table (no layer, no geometry) as :func:`table_csv` makes it. Returns the path."""
    path = Path(path)
    path.write_bytes(table_csv(table))
    return path


def safe_cell(value: Any) -> Any:
    """A cell value as the CSV export writes it: dates as ISO text, lists/dicts as JSON,
    and text starting with ``= + - @``, tab or CR prefixed with ``'`` (not a formula)."""
    return _csv_cell(value)


def _is_text_column(column: pd.Series) -> bool:
    """True for columns that may hold text: object, pandas ``string``/``str`` and categories."""
    dtype = column.dtype
    return (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype))


# --------------------------------------------------------------------------- helpers


def _table(frame: pd.DataFrame | gpd.GeoDataFrame, spec: LayerSpec) -> pd.DataFrame | gpd.GeoDataFrame:
    """The layer's columns in order, geometry in EPSG:4326."""
    columns = [c for c in [*spec.columns, *ASSIGN_COLUMNS] if c in frame.columns]
    columns = list(dict.fromkeys(columns))
    if spec.geom is None:
        return _dates_as_text(pd.DataFrame(frame[columns]).reset_index(drop=True), spec)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        raise ValueError(f"{spec.name}: the frame has no CRS; expected a GeoDataFrame in {_STORE_CRS}")
    out = frame[[*columns, frame.geometry.name]].to_crs(_STORE_CRS)
    if out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    return _dates_as_text(out.reset_index(drop=True), spec)


def _dates_as_text(table: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Date fields as ``YYYY-MM-DD`` text: no format here has a date type pyogrio can write."""
    for f in spec.fields:
        if f.type == "date" and f.name in table:
            table[f.name] = [None if pd.isna(v) else pd.Timestamp(v).date().isoformat() for v in table[f.name]]
    return table


def _json_as_text(table: gpd.GeoDataFrame, spec: LayerSpec) -> gpd.GeoDataFrame:
    out = table.copy()
    for f in spec.fields:
        if f.name in out and f.type == "json":
            out[f.name] = out[f.name].map(_json_text).astype(object)
    return out


def _json_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    return json.dumps(jsonable(value), ensure_ascii=False)


def _iso_column(column: pd.Series) -> pd.Series:
    """Datetimes as ``YYYY-MM-DD HH:MM:SS`` text, missing ones as None."""
    return column.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(column.notna(), None)


def _iso(value: Any) -> str:
    stamp = pd.Timestamp(value)
    return stamp.strftime("%Y-%m-%d %H:%M:%S") if stamp != stamp.normalize() or isinstance(value, dt.datetime) \
        else stamp.strftime("%Y-%m-%d")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return _iso(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = _json_text(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_cell(value: Any) -> Any:
    """A cell value as the CSV writer writes it: dates as ISO text, JSON as text, and text
    starting with ``= + - @``, tab or CR behind a leading ``'`` (no spreadsheet formula).
    For other table exports (the rankings' CSV and XLSX)."""
    return _csv_cell(value)


def _fit_shapefile_text(value: Any, column: str) -> Any:
    if isinstance(value, list | dict):
        value = _json_text(value)
    if not isinstance(value, str) or len(value.encode("utf-8")) <= SHAPEFILE_TEXT_BYTES:
        return value
    cut = value.encode("utf-8")[:SHAPEFILE_TEXT_BYTES].decode("utf-8", errors="ignore")
    log.warning("shapefile export: %s value cut to %d bytes (the .dbf limit)", column, SHAPEFILE_TEXT_BYTES)
    return cut


def _with_coordinates(out: pd.DataFrame, geoms: np.ndarray, spec: LayerSpec) -> pd.DataFrame:
    present = ~pd.isna(geoms)
    anchor = np.full(len(geoms), None, dtype=object)
    if spec.geom == "Point":
        anchor[present] = geoms[present]
    else:
        anchor[present] = shapely.point_on_surface(geoms[present])
        oriented = shapely.orient_polygons(geoms[present], exterior_cw=False)
        wkt = np.full(len(geoms), None, dtype=object)
        wkt[present] = shapely.to_wkt(oriented, rounding_precision=COORDINATE_DECIMALS, trim=True)
        out["wkt"] = wkt
    xy = np.full((len(geoms), 2), np.nan)
    if present.any():
        xy[present] = shapely.get_coordinates(anchor[present])
    out["lon"] = np.round(xy[:, 0], COORDINATE_DECIMALS)
    out["lat"] = np.round(xy[:, 1], COORDINATE_DECIMALS)
    return out
