"""Open an input file of any supported format into one raw shape: geometries + attributes.

Formats: GeoJSON (``.geojson``/``.json``), GeoPackage (``.gpkg``), zipped Shapefile
(``.zip``, also a zipped GeoPackage/GeoJSON/CSV), plain ``.shp`` with its siblings, and
CSV (``.csv``/``.txt``) with longitude/latitude columns or a WKT column.

Nothing is validated against a layer here except what only the reader can see:
geometries GDAL could not hand over as valid WKB (unclosed rings are closed and
reported), why a GeoJSON feature came without geometry (read from the JSON itself, see
:mod:`gridmap.io.jsontext`), what a JSON file that is not GeoJSON is (Open311 is
recognised but not importable yet), the text encoding of a ``.dbf`` without ``.cpg``
or of a CSV (UTF-8 first, then GB18030, and the one used is noted), the delimiter of a
CSV (comma, else tab or semicolon from its first line), CSV coordinates that are not
numbers and WKT that does not parse.

In a zip, a ``.txt`` counts as a data file only when its first line names coordinate
or WKT columns: a ``readme.txt`` next to nothing else is "no data file", not "a CSV
without coordinate columns".
"""

from __future__ import annotations

import io
import json
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

from gridmap.io import jsontext
from gridmap.io.archive import safe_extract
from gridmap.io.problems import Message, Problem, problem, reject

Format = Literal["geojson", "gpkg", "shp", "csv"]

SUFFIX_FORMATS: dict[str, Format] = {
    ".geojson": "geojson", ".json": "geojson", ".gpkg": "gpkg", ".shp": "shp",
    ".csv": "csv", ".txt": "csv",
}
# CSV coordinate column pairs, tried in this order (names compared case-insensitively).
COORDINATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"), ("经度", "纬度"), ("x", "y"),
)
WKT_COLUMNS: tuple[str, ...] = ("wkt", "geometry", "geom", "几何")
# Text a CSV export prefixed with a quote to defuse spreadsheet formulas.
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")
_GDAL_FALLBACK_ENCODING = "ISO-8859-1"
# Delimiters tried, in order, when the first line of a CSV has no comma.
_OTHER_DELIMITERS = ("\t", ";", "|")
# Bytes of a .txt read to decide whether it is a table (its first line).
_HEAD_BYTES = 64 * 1024
_SHOWN_MEMBERS = 10


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
        reasons: for features without (readable) geometry, 0-based position -> why,
            when the reader could tell (GeoJSON, WKT).
    """

    geometry: np.ndarray
    unreadable: np.ndarray
    attributes: pd.DataFrame
    crs: str | None
    crs_implied: bool
    fmt: Format
    problems: list[Problem] = field(default_factory=list)
    repaired: list[Problem] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)
    reasons: dict[int, Message] = field(default_factory=dict)


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
        raise reject("io.format.unsupported", suffix=repr(path.suffix))
    if fmt == "csv":
        return _read_csv(path)
    if fmt == "shp":
        _check_shapefile_siblings(path)
    return _read_ogr(path, fmt, layer_name)


# --------------------------------------------------------------------------- choosing


def data_files(members: list[Path]) -> list[Path]:
    """The members of an unpacked zip that hold data a layer can be read from.

    ``.shp``, ``.gpkg``, ``.geojson``/``.json`` and ``.csv``, and a ``.txt`` only when
    its first line names coordinate or WKT columns (a read-me is not a table). Mac
    resource forks (``__MACOSX``) and hidden files are left out.
    """
    found = []
    for m in members:
        suffix = m.suffix.lower()
        if suffix not in SUFFIX_FORMATS or "__MACOSX" in m.parts or m.name.startswith("."):
            continue
        if suffix == ".txt" and not _names_geometry_columns(m):
            continue
        found.append(m)
    return found


def _pick_data_file(members: list[Path], layer_name: str, archive_name: str) -> Path:
    data = data_files(members)
    shapefiles = [m for m in data if m.suffix.lower() == ".shp"]
    candidates = shapefiles or data
    if not candidates:
        names = sorted(m.name for m in members)
        shown = names[:_SHOWN_MEMBERS] + (["…"] if len(names) > _SHOWN_MEMBERS else [])
        raise reject("io.zip.no_data", archive=archive_name, members=shown or ["-"])
    if len(candidates) == 1:
        return candidates[0]
    named = [m for m in candidates if m.stem.lower() == layer_name.lower()]
    if len(named) == 1:
        return named[0]
    raise reject("io.zip.several", archive=archive_name, names=sorted(m.name for m in candidates), layer=layer_name)


def _check_shapefile_siblings(path: Path) -> None:
    stem = path.name[: -len(path.suffix)].lower()
    present = {p.name.lower() for p in path.parent.iterdir()}
    missing = [ext for ext in (".shx", ".dbf") if stem + ext not in present]
    if missing:
        raise reject("io.shp.siblings_missing", name=path.name, missing=missing)


def _pick_layer(path: Path, layer_name: str) -> str | None:
    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    if len(layers) <= 1:
        return layers[0] if layers else None
    if layer_name in layers:
        return layer_name
    raise reject("io.gpkg.several_layers", name=path.name, layers=layers, layer=layer_name)


# --------------------------------------------------------------------------- GDAL formats


def _read_ogr(path: Path, fmt: Format, layer_name: str) -> RawLayer:
    try:
        ogr_layer = _pick_layer(path, layer_name) if fmt == "gpkg" else None  # one layer; listing parses it all
        notes: list[Message] = []
        guess = fmt == "shp" and not _encoding_declared(path)
        meta, wkb, columns = _ogr_read_with_fallback(path, ogr_layer, guess, notes)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        if fmt == "geojson":
            _explain_json(path)  # raises when it can say what the file is
        raise reject("io.read.failed", name=path.name, detail=str(exc)) from None
    attributes = pd.DataFrame({name: _column(values) for name, values in zip(meta["fields"], columns, strict=True)})
    geometry, unreadable, repaired = _parse_wkb(wkb)
    reasons = _geojson_reasons(path, geometry, unreadable) if fmt == "geojson" else {}
    return RawLayer(
        geometry=geometry, unreadable=unreadable, attributes=attributes,
        crs=meta["crs"], crs_implied=fmt == "geojson", fmt=fmt, repaired=repaired, notes=notes, reasons=reasons,
    )


def _explain_json(path: Path) -> None:
    """Raise the refusal that says what a JSON file GDAL could not read is; return if unsure."""
    data = path.read_bytes()
    try:
        document = jsontext.loads(data.removeprefix(b"\xef\xbb\xbf"))
    except jsontext.JsonTooDeep as exc:
        raise reject("io.json.too_deep", name=path.name, depth=exc.depth, limit=exc.limit) from None
    except json.JSONDecodeError as exc:
        raise reject("io.json.invalid", name=path.name, line=exc.lineno, column=exc.colno, detail=exc.msg) from None
    except (UnicodeDecodeError, ValueError):
        return
    what = jsontext.describe_document(document)
    if what is not None:
        raise reject("io.json.not_importable", name=path.name, what=what)


def _geojson_reasons(path: Path, geometry: np.ndarray, unreadable: np.ndarray) -> dict[int, Message]:
    """Why features came without geometry, read from the GeoJSON (only when some did)."""
    missing = np.flatnonzero(pd.isna(geometry) & ~unreadable)
    if missing.size == 0:
        return {}
    try:
        document = jsontext.loads(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    except (ValueError, UnicodeDecodeError):  # JsonTooDeep is a ValueError: keep the generic words
        return {}
    return jsontext.geometry_reasons(document, missing)


def _encoding_declared(path: Path) -> bool:
    """True when a .cpg or the .dbf header (language driver id) names the encoding."""
    stem = path.name[: -len(path.suffix)].lower()
    if any(p.name.lower() == stem + ".cpg" for p in path.parent.iterdir()):
        return True
    declared = pyogrio.read_info(path)["encoding"]
    return bool(declared) and declared.upper() != _GDAL_FALLBACK_ENCODING


def _ogr_read_with_fallback(path: Path, ogr_layer: str | None, guess_encoding: bool,
                            notes: list[Message]) -> tuple[dict, np.ndarray, list[np.ndarray]]:
    with warnings.catch_warnings():
        # GDAL's "Non closed ring detected" is turned into a per-feature repair below.
        warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyogrio")
        if not guess_encoding:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, datetime_as_string=True)
            return meta, wkb, columns
        try:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, encoding="UTF-8", datetime_as_string=True)
            if any(_has_non_ascii(c) for c in columns):
                notes.append(Message("io.note.dbf_utf8"))
        except UnicodeDecodeError:
            meta, _, wkb, columns = ogr_read(path, layer=ogr_layer, encoding="GB18030", datetime_as_string=True)
            notes.append(Message("io.note.dbf_gb18030"))
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
                repaired.append(problem(int(i) + 1, "io.repair.ring_closed", severity="repaired"))
    unreadable = present & pd.isna(geoms)
    return np.asarray(geoms, dtype=object), unreadable, repaired


# --------------------------------------------------------------------------- CSV


def _read_csv(path: Path) -> RawLayer:
    text, note = _decode_text(path)
    delimiter = _delimiter(text)
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True,
                            sep=delimiter)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise reject("io.csv.unparsable", name=path.name, detail=str(exc)) from None
    table = table.apply(_clean_cells)
    geometry, unreadable, problems, used, reasons = _csv_geometry(table, path.name)
    attributes = table.drop(columns=used)
    notes = [note] if note else []
    if delimiter != ",":
        notes.append(Message("io.note.csv_delimiter", {"delimiter": Message(f"io.delimiter.{_DELIMITER_NAMES[delimiter]}")}))
    return RawLayer(geometry=geometry, unreadable=unreadable, attributes=attributes, crs=None,
                    crs_implied=True, fmt="csv", problems=problems, notes=notes, reasons=reasons)


_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "bar"}


def _delimiter(text: str) -> str:
    """Comma, unless the first line has none and has a tab, semicolon or bar."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," in first:
        return ","
    return next((d for d in _OTHER_DELIMITERS if d in first), ",")


def _names_geometry_columns(path: Path) -> bool:
    """True when the first line of a text file names coordinate or WKT columns."""
    with open(path, "rb") as f:
        head = f.read(_HEAD_BYTES).removeprefix(b"\xef\xbb\xbf")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("gb18030", errors="ignore")
    first = text.split("\n", 1)[0]
    names = {n.strip().strip('"').lower() for n in first.split(_delimiter(first))}
    return bool(names & set(WKT_COLUMNS)) or any(x in names and y in names for x, y in COORDINATE_COLUMNS)


def _clean_cells(col: pd.Series) -> pd.Series:
    """Strip blanks, make empty cells None, undo the quote that defused a formula."""
    text = col.astype(object).str.strip().str.replace(_NEUTRALISED, "", regex=True)
    return text.where(text.notna() & (text != ""), None)


def _decode_text(path: Path) -> tuple[str, Message | None]:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig"), None
    try:
        text = data.decode("utf-8")
        return text, (Message("io.note.csv_utf8") if not text.isascii() else None)
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), Message("io.note.csv_gb18030")
    except UnicodeDecodeError:
        raise reject("io.csv.encoding", name=path.name) from None


def _csv_geometry(table: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray, list[Problem], list[str],
                                                            dict[int, Message]]:
    lower = {str(c).lower(): c for c in table.columns}
    wkt_col = next((lower[n] for n in WKT_COLUMNS if n in lower), None)
    pair = next(((lower[x], lower[y]) for x, y in COORDINATE_COLUMNS if x in lower and y in lower), None)
    if wkt_col is not None:
        values = table[wkt_col].to_numpy(dtype=object)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            geoms = shapely.from_wkt(values, on_invalid="ignore")
        present = table[wkt_col].notna().to_numpy()
        unreadable = present & pd.isna(geoms)
        reasons = {int(i): Message("io.geom.wkt_unreadable", {"column": wkt_col, "value": _show(values[i])})
                   for i in np.flatnonzero(unreadable)}
        used = [wkt_col, *(pair or ())]
        return np.asarray(geoms, dtype=object), unreadable, [], used, reasons
    if pair is None:
        columns = [str(c) for c in table.columns]
        if len(columns) <= 1:
            raise reject("io.csv.not_a_table", name=name, first=_show(columns[0] if columns else ""),
                         pairs=[f"{x}/{y}" for x, y in COORDINATE_COLUMNS], wkt=list(WKT_COLUMNS))
        raise reject("io.csv.no_coordinates", pairs=[f"{x}/{y}" for x, y in COORDINATE_COLUMNS],
                     wkt=list(WKT_COLUMNS), columns=columns)
    x, y, problems = _numbers(table, pair)
    missing = table[pair[0]].isna().to_numpy() | table[pair[1]].isna().to_numpy()
    geoms = shapely.points(x, y)
    geoms[missing] = None
    return np.asarray(geoms, dtype=object), np.zeros(len(table), dtype=bool), problems, list(pair), {}


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _numbers(table: pd.DataFrame, pair: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, list[Problem]]:
    problems: list[Problem] = []
    out = []
    for name in pair:
        raw = table[name]
        values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
        bad = raw.notna().to_numpy() & np.isnan(values) & ~raw.str.lower().isin(["nan"]).to_numpy()
        for i in np.flatnonzero(bad):
            problems.append(problem(int(i) + 1, "io.csv.not_number", field=name, column=name, value=repr(raw.iloc[i])))
        out.append(np.where(bad, 0.0, values))
    return out[0], out[1], problems
