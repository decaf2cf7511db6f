"""Open an input file of any supported format into one raw shape: geometries + attributes.

Formats: GeoJSON (``.geojson``/``.json``), GeoPackage (``.gpkg``), zipped Shapefile
(``.zip``, also a zipped GeoPackage/GeoJSON/CSV), plain ``.shp`` with its siblings, and
CSV (``.csv``/``.txt``) with longitude/latitude columns or a WKT column.

Nothing is validated against a layer here except what only the reader can see:
geometries GDAL could not hand over as valid WKB (unclosed rings are closed and
reported), the text encoding of a ``.dbf`` without ``.cpg`` or of a CSV (UTF-8 first,
then GB18030, and the one used is noted), and CSV coordinates that are not numbers.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely
from pyogrio.raw import read as ogr_read

from gridmap.io.archive import safe_extract
from gridmap.io.problems import Problem, problem, reject

Format = Literal["geojson", "gpkg", "shp", "csv"]

SUFFIX_FORMATS: dict[str, Format] = {
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp",
    ".csv": "csv", ".txt": "csv",
}
# CSV coordinate column pairs, tried in this order (names compared case-insensitively).
COORDINATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lon", "lat"), ("lng", "lat"), ("longitude", "latitude"), ("经度", "纬度"), ("x", "y"),
)
WKT_COLUMNS: tuple[str, ...] = ("wkt", "geometry", "geom", "几何")
# Text a CSV export prefixed with a quote to defuse spreadsheet formulas.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_GDAL_FALLBACK_ENCODING = "ISO-8859-1"


@dataclass
class RawLayer:
    """A file's content before validation against a layer.

    Attributes:
        geometry: shapely geometries or None, one per feature, in file order.
        unreadable: True where a geometry was present but could not be parsed.
        attributes: the attribute table as read (column names as in the file).
        crs: the CRS the file declares (an authority string or WKT), or None.
        crs_implied: True when the format itself fixes the CRS (GeoJSON without a
            ``crs`` member, CSV longitude/latitude): EPSG:4326 unless ``--crs`` says otherwise.
        fmt: ``"geojson"``, ``"gpkg"``, ``"shp"`` or ``"csv"``.
        problems: errors only the reader can see (per feature).
        repaired: repairs made while reading (unclosed rings).
        notes: file-level facts (encoding used).
    """

    geometry: np.ndarray
    unreadable: np.ndarray
    attributes: pd.DataFrame
    crs: str | None
    crs_implied: bool
    fmt: Format
    problems: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def open_source(path: Path, layer_name: str, workdir: Path, max_bytes: int) -> RawLayer:
    """Read ``path`` into a :class:`RawLayer`; zips are unpacked safely into ``workdir``.

    Args:
        path: the input file.
        layer_name: the target layer; picks the layer of a multi-layer GeoPackage and
            the shapefile of a zip holding several.
        workdir: an empty temporary directory for unpacking.
        max_bytes: the limit on a zip's uncompressed size.

    Raises:
        ImportRejected: for an unknown format, an unreadable file, or a bad archive.
    """
    suffix = path.suffix.lower()
    if suffix == ".zip":
        members = safe_extract(path, workdir, max_bytes)
        path = _pick_data_file(members, layer_name, path.name)
        suffix = path.suffix.lower()
    fmt = SUFFIX_FORMATS.get(suffix)
    if fmt is None:
        raise reject(f"不支持的文件类型 {path.suffix!r}；支持 GeoJSON、GeoPackage、"
                     "Shapefile（.zip 或 .shp）和 CSV")
    if fmt == "csv":
        return _read_csv(path)
    if fmt == "shp":
        _check_shapefile_siblings(path)
    return _read_ogr(path, fmt, layer_name)


# --------------------------------------------------------------------------- choosing


def _pick_data_file(members: list[Path], layer_name: str, archive_name: str) -> Path:
    data = [m for m in members if m.suffix.lower() in SUFFIX_FORMATS
            and "__MACOSX" not in m.parts and not m.name.startswith(".")]
    shapefiles = [m for m in data if m.suffix.lower() == ".shp"]
    candidates = shapefiles or data
    if not candidates:
        raise reject(f"压缩包 {archive_name} 中没有可读取的数据文件（.shp/.gpkg/.geojson/.csv）")
    if len(candidates) == 1:
        return candidates[0]
    named = [m for m in candidates if m.stem.lower() == layer_name.lower()]
    if len(named) == 1:
        return named[0]
    names = ", ".join(sorted(m.name for m in candidates))
    raise reject(f"压缩包 {archive_name} 中有多个数据文件（{names}）；"
                 f"请只放一个，或将要导入的文件命名为 {layer_name}")


def _check_shapefile_siblings(path: Path) -> None:
    stem = path.name[: -len(path.suffix)].lower()
    present = {p.name.lower() for p in path.parent.iterdir()}
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in present]
    if missing:
        raise reject(f"Shapefile {path.name} 缺少配套文件 {', '.join(missing)}；"
                     "请把 .shp/.shx/.dbf/.prj（及 .cpg）一起打包成 zip 导入")


def _pick_layer(path: Path, layer_name: str) -> str | None:
    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    if len(layers) <= 1:
        return layers[0] if layers else None
    if layer_name in layers:
        return layer_name
    raise reject(f"{path.name} 含多个图层（{', '.join(layers)}）；请将要导入的图层命名为 {layer_name}")


# --------------------------------------------------------------------------- GDAL formats


def _read_ogr(path: Path, fmt: Format, layer_name: str) -> RawLayer:
    try:
        ogr_layer = _pick_layer(path, layer_name)
        notes: list[str] = []
        guess = fmt == "shp" and not _encoding_declared(path)
        meta, wkb, columns = _ogr_read_with_fallback(path, ogr_layer, guess, notes)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        raise reject(f"无法读取 {path.name}：{exc}") from None
    attributes = pd.DataFrame({name: _column(values) for name, values in zip(meta["fields"], columns, strict=True)})
    geometry, unreadable, repaired = _parse_wkb(wkb)
    return RawLayer(
        geometry=geometry, unreadable=unreadable, attributes=attributes,
        crs=meta["crs"], crs_implied=fmt == "geojson", fmt=fmt, repaired=repaired, notes=notes,
    )


def _encoding_declared(path: Path) -> bool:
    """True when a .cpg or the .dbf header (language driver id) names the encoding."""
    stem = path.name[: -len(path.suffix)].lower()
    if any(p.name.lower() == stem + ".cpg" for p in path.parent.iterdir()):
        return True
    declared = pyogrio.read_info(path)["encoding"]
    return bool(declared) and declared.upper() != _GDAL_FALLBACK_ENCODING


def _ogr_read_with_fallback(path: Path, ogr_layer: str | None, guess_encoding: bool,
                            notes: list[str]) -> tuple[dict, np.ndarray, list[np.ndarray]]:
    with warnings.catch_warnings():
        # GDAL's "Non closed ring detected" is turned into a per-feature repair below.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyogrio")
        if not guess_encoding:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, datetime_as_string=True)
            return meta, wkb, columns
        try:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, encoding="UTF-8", datetime_as_string=True)
            if any(_has_non_ascii(c) for c in columns):
                notes.append("属性表（.dbf）未声明编码（缺少 .cpg），已按 UTF-8 读取")
        except UnicodeDecodeError:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, encoding="GB18030", datetime_as_string=True)
            notes.append("属性表（.dbf）未声明编码（缺少 .cpg）且不是 UTF-8，已按 GB18030（GBK）读取")
    return meta, wkb, columns


def _has_non_ascii(values: np.ndarray) -> bool:
    return values.dtype == object and any(isinstance(v, str) and not v.isascii() for v in values)


def _column(values: np.ndarray) -> pd.Series:
    """A pandas column from a pyogrio field array (string lists become Python lists)."""
    if values.dtype == object:
        return pd.Series([v.tolist() if isinstance(v, np.ndarray) else v for v in values], dtype=object)
    return pd.Series(values)


def _parse_wkb(wkb: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    """Geometries from GDAL's WKB; rings GDAL passed unclosed are closed and reported."""
    if wkb is None:
        return np.array([], dtype=object), np.array([], dtype=bool), []
    present = np.array([w is not None for w in wkb], dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NaN coordinates: reported by the checks
        geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    failed = present & pd.isna(geoms)
    repaired: list[Problem] = []
    if failed.any():
        fixed = shapely.from_wkb(wkb[failed], on_invalid="fix")
        geoms[failed] = fixed
        for i, g in zip(np.flatnonzero(failed), fixed, strict=True):
            if g is not None:
                repaired.append(problem(int(i) + 1, "面的环未闭合（首尾坐标不同），已自动闭合", severity="repaired"))
    unreadable = present & pd.isna(geoms)
    return np.asarray(geoms, dtype=object), unreadable, repaired


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path) -> RawLayer:
    text, note = _decode_text(path)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise reject(f"无法解析 CSV 文件 {path.name}：{exc}") from None
    table = table.apply(_clean_cells)
    geometry, unreadable, problems, used = _csv_geometry(table)
    attributes = table.drop(columns=used)
    return RawLayer(geometry=geometry, unreadable=unreadable, attributes=attributes, crs=None,
                    crs_implied=True, fmt="csv", problems=problems, notes=[note] if note else [])


def _clean_cells(col: pd.Series) -> pd.Series:
    """Strip blanks, make empty cells None, undo the quote that defused a formula."""
    text = col.astype(object).str.strip().str.replace(_NEUTRALISED, "", regex=True)
    return text.where(text.notna() & (text != ""), None)


def _decode_text(path: Path) -> tuple[str, str | None]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), None
    try:
        text = data.decode("utf-8")
        return text, ("CSV 已按 UTF-8 读取" if not text.isascii() else None)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "CSV 不是 UTF-8 编码，已按 GB18030（GBK）读取"
    except UnicodeDecodeError:
        raise reject(f"无法识别 {path.name} 的文字编码（既不是 UTF-8 也不是 GB18030）；请另存为 UTF-8 CSV") from None


def _csv_geometry(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[Problem], list[str]]:
    lower = {c.lower(): c for c in table.columns}
    wkt_col = next((lower[n] for n in WKT_COLUMNS if n in lower), None)
    pair = next(((lower[x], lower[y]) for x, y in COORDINATE_COLUMNS if x in lower and y in lower), None)
    if wkt_col is not None:
        geoms = shapely.from_wkt(table[wkt_col].to_numpy(dtype=object), on_invalid="ignore")
        present = table[wkt_col].notna().to_numpy()
        unreadable = present & pd.isna(geoms)
        used = [wkt_col, *(pair or ())]
        return np.asarray(geoms, dtype=object), unreadable, [], used
    if pair is None:
        names = "、".join(f"{x}/{y}" for x, y in COORDINATE_COLUMNS)
        raise reject(f"CSV 中找不到坐标列；需要经纬度列（{names}）或 WKT 列（{', '.join(WKT_COLUMNS)}）；"
                     f"现有列：{', '.join(map(str, table.columns))}")
    x, y, problems = _numbers(table, pair)
    missing = table[pair[0]].isna().to_numpy() | table[pair[1]].isna().to_numpy()
    geoms = shapely.points(x, y)
    geoms[missing] = None
    return np.asarray(geoms, dtype=object), np.zeros(len(table), dtype=bool), problems, list(pair)


def _numbers(table: pd.DataFrame, pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    problems: list[Problem] = []
    out = []
    for name in pair:
        raw = table[name]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = raw.notna().to_numpy() & np.isnan(values) & ~raw.str.lower().isin(["nan"]).to_numpy()
        for i in np.flatnonzero(bad):
            problems.append(problem(int(i) + 1, f"坐标列 {name} 的值 {raw.iloc[i]!r} 不是数字", field=name))
        out.append(np.where(bad, 0.0, values))
    return out[0], out[1], problems
