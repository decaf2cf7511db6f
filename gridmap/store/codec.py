"""The row codec: frames and records to the values a driver takes, and back.

- :func:`prepare_rows` (a frame, vectorised, for bulk loads) and :func:`prepare_records`
  (a few rows, value by value, for one report) validate and encode rows for insertion;
  both refuse the same things with the same messages (:func:`check_values`,
  :func:`check_value`).
- :func:`encode_column` / :func:`encode_value`: a domain field's values as Python values a
  DB-API driver accepts (``None`` for missing).
- :func:`decode_frame`, :func:`empty_frame`: both backends' results with the same pandas types.
- :func:`jsonable`, :func:`json_text`: JSON text for ``json`` fields and audit rows; a value
  nested deeper than :data:`JSON_DEPTH_LIMIT` is refused with a StoreError.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import ASSIGN_COLUMNS, BEIJING_OFFSET, Field, LayerSpec, Scope, beijing_now
from gridmap.store.errors import ScopeError, StoreError

CRS = "EPSG:4326"

Frame: TypeAlias = pd.DataFrame | gpd.GeoDataFrame
BBox: TypeAlias = tuple[float, float, float, float]

def new_id() -> str:
    return uuid.uuid4().hex[:16]


def now() -> dt.datetime:
    """Beijing time, without zone: the product stores local time (UTC+8, no DST)."""
    return beijing_now()


def scope_column(spec: LayerSpec) -> str | None:
    """The column whose code prefix decides whether a row is inside a scope."""
    if spec.name == "units":
        return "code"
    if spec.name == "users":
        return "unit_code"
    if spec.assigned:
        return "micro_code"
    if "micro_code" in spec.columns:
        return "micro_code"
    return None


def check_row_scope(spec: LayerSpec, row: Mapping[str, Any], scope: Scope) -> None:
    if str(row.get("county_code", ""))[:6] != scope.county_code[:6]:
        raise ScopeError(f"{spec.name}: row {row.get('id')!r} belongs to county "
                         f"{row.get('county_code')!r}, outside {scope.county_code}")
    col = scope_column(spec)
    if scope.whole_county:
        return
    if col is None:
        raise ScopeError(f"{spec.name}: a county-wide table; only a whole-county jurisdiction may write it")
    value = row.get(col)
    if not isinstance(value, str) or not value.startswith(scope.prefix):
        raise ScopeError(f"{spec.name}: row {row.get('id')!r} ({col}={value!r}) is outside "
                         f"your jurisdiction {scope.unit_code}")


def column_type(spec: LayerSpec, name: str) -> str:
    """The domain field type of any stored column, including id and assignment columns."""
    f = spec.field(name)
    if f is not None:
        return f.type
    return "bool" if name == "outside" else "text"


def is_missing(value: Any) -> bool:
    """None, NaN, NA or NaT (a list or dict is a value, never missing)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


def _no_value(spec: LayerSpec, f: Field, row_id: Any) -> StoreError:
    return StoreError(f"{spec.name}: row {row_id!r} has no {f.name!r}")


def _not_a_choice(spec: LayerSpec, f: Field, row_id: Any, value: Any) -> StoreError:
    return StoreError(f"{spec.name}: row {row_id!r} has {f.name}={value!r}; "
                      f"expected one of {', '.join(f.choices or ())}")


def check_values(spec: LayerSpec, name: str, col: pd.Series, ids: Sequence[str]) -> None:
    """Refuse a missing required value or a value outside the field's choices (a column)."""
    f = spec.field(name)
    if f is None:
        return
    missing = col.isna().to_numpy()
    if f.required and missing.any():
        raise _no_value(spec, f, ids[int(np.flatnonzero(missing)[0])])
    if f.choices is not None:
        wrong = ~missing & ~col.astype(str).isin(f.choices).to_numpy()
        if wrong.any():
            i = int(np.flatnonzero(wrong)[0])
            raise _not_a_choice(spec, f, ids[i], col.iloc[i])


def check_value(spec: LayerSpec, name: str, value: Any, row_id: Any) -> None:
    """:func:`check_values` for one value."""
    f = spec.field(name)
    if f is None:
        return
    if is_missing(value):
        if f.required:
            raise _no_value(spec, f, row_id)
    elif f.choices is not None and str(value) not in f.choices:
        raise _not_a_choice(spec, f, row_id, value)


def prepare_rows(spec: LayerSpec, frame: Frame, scope: Scope) -> pd.DataFrame:
    """Validate and encode a frame for insertion; raises StoreError naming the problem.

    Vectorised, for bulk loads; :func:`prepare_records` is the same for a few rows.
    """
    df = pd.DataFrame(frame).copy()
    if "county_code" not in df.columns:
        df["county_code"] = scope.county_code[:6]
    df["county_code"] = df["county_code"].astype(str).str[:6]
    if "id" not in df.columns:
        df["id"] = [new_id() for _ in range(len(df))]
    else:
        missing = df["id"].isna()
        if missing.any():
            df.loc[missing, "id"] = [new_id() for _ in range(int(missing.sum()))]
        df["id"] = df["id"].astype(str)
    if df["id"].duplicated().any():
        raise StoreError(f"{spec.name}: id {df.loc[df['id'].duplicated(), 'id'].iloc[0]!r} appears twice")
    _check_assigned(spec, df.columns)
    ids = df["id"].tolist()
    for f in spec.fields:
        if f.name not in df.columns:
            _check_required_column(spec, f)
            df[f.name] = None
        check_values(spec, f.name, df[f.name], ids)
    if spec.geom is not None:
        if "geometry" not in df.columns:
            raise StoreError(f"{spec.name}: rows have no geometry")
        _check_crs(spec, frame)
        df["geometry"] = coerce_geoms(spec, np.asarray(df["geometry"].values, dtype=object), df["id"].to_numpy())
    wrong_county = df["county_code"] != scope.county_code[:6]
    if wrong_county.any():
        raise _other_county(spec, df.loc[wrong_county, "id"].iloc[0])
    col = scope_column(spec)
    if col is not None and not scope.whole_county:
        inside = df[col].astype("string").str.startswith(scope.prefix).fillna(False)
        if not inside.all():
            raise _outside_scope(spec, df.loc[~inside, "id"].iloc[0], scope)
    df = df[spec.columns + (["geometry"] if spec.geom else [])]
    for f in spec.fields:
        df[f.name] = encode_column(f.type, df[f.name])
    if spec.assigned:
        df["outside"] = df["outside"].fillna(False).astype(bool)
    return df.reset_index(drop=True)


def prepare_records(spec: LayerSpec, frame: Frame | Sequence[Mapping[str, Any]],
                    scope: Scope) -> list[dict[str, Any]]:
    """:func:`prepare_rows` for a few rows, value by value: no frame is built or copied.

    The light write path (one report is one issue row and one history row): the same
    checks, in the same order and with the same messages, as :func:`prepare_rows`.

    Returns:
        One dict per row: every stored column (``spec.columns``) encoded by
        :func:`encode_value`, plus ``geometry`` (shapely) for a geometry layer.
    """
    if isinstance(frame, pd.DataFrame):
        names = [str(c) for c in frame.columns]
        columns = ([frame[c].tolist() for c in frame.columns] if frame.columns.is_unique
                   else [frame.iloc[:, i].tolist() for i in range(len(names))])
        records: list[dict[str, Any]] = [{n: col[i] for n, col in zip(names, columns, strict=True)}
                                         for i in range(len(frame))]
    else:
        records = [dict(r) for r in frame]
        names = list(dict.fromkeys(k for r in records for k in r))
    if not records:
        return []
    present = set(names)
    county = scope.county_code[:6]
    out: list[dict[str, Any]] = []
    for r in records:
        row_id = r.get("id")
        code = r.get("county_code", county)
        out.append({**r, "id": new_id() if is_missing(row_id) else str(row_id),
                    "county_code": str(code)[:6]})
    seen: set[str] = set()
    for r in out:
        if r["id"] in seen:
            raise StoreError(f"{spec.name}: id {r['id']!r} appears twice")
        seen.add(r["id"])
    _check_assigned(spec, present)
    for f in spec.fields:
        if f.name not in present:
            _check_required_column(spec, f)
        for r in out:
            check_value(spec, f.name, r.get(f.name), r["id"])
    if spec.geom is not None:
        if "geometry" not in present:
            raise StoreError(f"{spec.name}: rows have no geometry")
        _check_crs(spec, frame)
        geoms = coerce_geoms(spec, np.array([r.get("geometry") for r in out], dtype=object),
                             np.array([r["id"] for r in out], dtype=object))
        for r, g in zip(out, geoms, strict=True):
            r["geometry"] = g
    for r in out:
        if r["county_code"] != county:
            raise _other_county(spec, r["id"])
    col = scope_column(spec)
    if col is not None and not scope.whole_county:
        for r in out:
            value = r.get(col)
            if not isinstance(value, str) or not value.startswith(scope.prefix):
                raise _outside_scope(spec, r["id"], scope)
    keep = spec.columns + (["geometry"] if spec.geom else [])
    fields = {f.name: f.type for f in spec.fields}
    encoded: list[dict[str, Any]] = []
    for r in out:
        row: dict[str, Any] = {}
        for name in keep:
            value = r.get(name)
            if name in fields:
                try:
                    value = encode_value(fields[name], value)
                except (TypeError, ValueError) as exc:
                    raise StoreError(f"column {name!r}: {exc}") from None
            elif name == "outside":
                value = False if is_missing(value) else bool(value)
            row[name] = value
        encoded.append(row)
    return encoded


def _check_assigned(spec: LayerSpec, present: Any) -> None:
    if spec.assigned:
        absent = [c for c in ASSIGN_COLUMNS if c not in present]
        if absent:
            raise StoreError(f"{spec.name}: rows are not assigned to units (missing {', '.join(absent)}); "
                             "run gridmap.spatial.assign first")


def _check_required_column(spec: LayerSpec, f: Field) -> None:
    if f.required:
        raise StoreError(f"{spec.name}: required column {f.name!r} is missing")


def _check_crs(spec: LayerSpec, frame: object) -> None:
    crs = getattr(frame, "crs", None) if isinstance(frame, gpd.GeoDataFrame) else None
    if crs is not None and not crs.equals(CRS):
        raise StoreError(f"{spec.name}: geometry is in {crs.to_string()}, the store takes {CRS}")


def _other_county(spec: LayerSpec, row_id: Any) -> ScopeError:
    return ScopeError(f"{spec.name}: row {row_id!r} belongs to another county")


def _outside_scope(spec: LayerSpec, row_id: Any, scope: Scope) -> ScopeError:
    return ScopeError(f"{spec.name}: row {row_id!r} is outside your jurisdiction {scope.unit_code}")


def coerce_geoms(spec: LayerSpec, geoms: np.ndarray, ids: np.ndarray) -> np.ndarray:
    if len(geoms) == 0:
        return geoms
    is_geom = np.array([isinstance(g, shapely.Geometry) for g in geoms])
    if not is_geom.all():
        raise StoreError(f"{spec.name}: row {ids[~is_geom][0]!r} has no geometry")
    types = shapely.get_type_id(geoms)
    if spec.geom == "Point":
        ok = types == 0
        want = "Point"
    else:
        polys = types == 3
        if polys.any():
            geoms = geoms.copy()
            geoms[polys] = np.array([shapely.MultiPolygon([g]) for g in geoms[polys]], dtype=object)
        ok = shapely.get_type_id(geoms) == 6
        want = "Polygon/MultiPolygon"
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise StoreError(f"{spec.name}: row {ids[i]!r} has a {shapely.get_type_id(geoms[i])} geometry "
                         f"({geoms[i].geom_type}); expected {want}")
    empty = shapely.is_empty(geoms)
    if empty.any():
        raise StoreError(f"{spec.name}: row {ids[np.flatnonzero(empty)[0]]!r} has an empty geometry")
    coords = shapely.get_coordinates(geoms)
    if not np.isfinite(coords).all():
        raise StoreError(f"{spec.name}: a geometry has NaN or infinite coordinates")
    if len(coords) and (np.abs(coords[:, 0]).max() > 180 or np.abs(coords[:, 1]).max() > 90):
        raise StoreError(f"{spec.name}: coordinates outside longitude/latitude range; the store takes {CRS}")
    return geoms


JSON_DEPTH_LIMIT = 64  # nesting levels of a json field or an audit payload


def json_text(v: Any) -> str | None:
    """A ``json`` field's value as JSON text (None for missing).

    Text is taken as JSON already encoded: it must parse. Anything nested deeper than
    :data:`JSON_DEPTH_LIMIT` is refused (a ValueError the callers turn into StoreError),
    never a RecursionError.
    """
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str):
        try:
            parsed = json.loads(v)
        except RecursionError:
            raise ValueError(f"JSON text nested deeper than {JSON_DEPTH_LIMIT} levels") from None
        except ValueError:
            raise ValueError(f"{v[:40]!r} is not valid JSON text") from None
        _check_depth(parsed)
        return v
    return json.dumps(jsonable(v), ensure_ascii=False)


def _check_depth(value: Any) -> None:
    """Raise ValueError when ``value`` nests lists/dicts deeper than :data:`JSON_DEPTH_LIMIT` (iterative)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth > JSON_DEPTH_LIMIT:
                raise ValueError(f"JSON value nested deeper than {JSON_DEPTH_LIMIT} levels")
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, depth + 1) for c in children)


def _to_int(v: Any) -> int:
    if isinstance(v, float | np.floating) and not float(v).is_integer():
        raise ValueError(f"{v!r} is not a whole number")
    return int(v)


def _to_bool(v: Any) -> bool:
    if isinstance(v, bool | np.bool_) or (isinstance(v, int | float | np.number) and v in (0, 1)):
        return bool(v)
    raise ValueError(f"{v!r} is not true/false")


_CONVERTERS: dict[str, Any] = {"int": _to_int, "float": float, "bool": _to_bool}


def _to_timestamps(col: pd.Series) -> pd.Series:
    """Naive Beijing-time timestamps, whole seconds, NaT for missing (vectorised)."""
    try:
        ts = pd.to_datetime(col.astype(object).where(col.notna(), None))
    except (ValueError, TypeError) as exc:
        raise StoreError(f"column {col.name!r}: not a date/time ({exc})") from None
    if ts.dt.tz is not None:
        ts = ts.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return ts.dt.floor("s")


def encode_column(ftype: str, col: pd.Series) -> pd.Series:
    """To Python values a DB-API driver accepts (None for missing), as an object Series.

    Built from arrays/lists, not with ``Series.map``: ``map`` re-infers the dtype,
    which turned ints with a missing value into floats and NaN, and datetimes into
    Timestamp/NaT (SQLite then stored the text 'NaT'). Times keep whole seconds in
    both backends.
    """
    if ftype in ("datetime", "date"):
        ts = _to_timestamps(col)
        values = ts.to_numpy().astype("datetime64[us]").astype(object) if ftype == "datetime" \
            else ts.dt.date.to_numpy(dtype=object)
        stamps = np.array(values, dtype=object)
        stamps[ts.isna().to_numpy()] = None
        return pd.Series(stamps, index=col.index, dtype=object)
    out: list[Any]
    try:
        if ftype == "json":
            out = [json_text(v) for v in col.astype(object)]
        else:
            convert = _CONVERTERS.get(ftype, str)
            out = [None if v is None else convert(v) for v in col.astype(object).where(col.notna(), None)]
    except (TypeError, ValueError) as exc:
        raise StoreError(f"column {col.name!r}: {exc}") from None
    return pd.Series(out, index=col.index, dtype=object)


def encode_value(ftype: str, value: Any) -> Any:
    """:func:`encode_column` for one value (no Series is built): the light write path.

    Raises:
        ValueError, TypeError: the value does not fit the type (callers name the column).
    """
    if ftype in ("datetime", "date"):
        if is_missing(value):
            return None
        ts = _to_timestamp(value)
        return ts if ftype == "datetime" else ts.date()
    if ftype == "json":
        return json_text(value)
    if is_missing(value):
        return None
    return _CONVERTERS.get(ftype, str)(value)


def _to_timestamp(value: Any) -> dt.datetime:
    """One naive Beijing-time ``datetime``, whole seconds (as :func:`_to_timestamps`)."""
    if isinstance(value, dt.datetime) and not isinstance(value, pd.Timestamp):
        ts = value
    else:
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a date/time ({exc})") from None
        if stamp is pd.NaT:
            raise ValueError(f"not a date/time ({value!r})")
        ts = stamp.floor("s").to_pydatetime()
    if ts.tzinfo is not None:
        ts = ts.astimezone(_BEIJING).replace(tzinfo=None)
    return ts.replace(microsecond=0)


_BEIJING = dt.timezone(BEIJING_OFFSET)


def encode_values(spec: LayerSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Changes of one row (``update``), encoded value by value; geometry checked."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        f = spec.field(name)
        if name == "geometry":
            if spec.geom is None:
                raise StoreError(f"{spec.name} has no geometry")
            out[name] = coerce_geoms(spec, np.array([value], dtype=object), np.array(["(update)"]))[0]
        elif f is None:
            out[name] = value
        else:
            try:
                out[name] = encode_value(f.type, value)
            except (TypeError, ValueError) as exc:
                raise StoreError(f"column {name!r}: {exc}") from None
    return out


def decode_frame(spec: LayerSpec, df: pd.DataFrame, geometry: np.ndarray | None) -> Frame:
    """Give both backends' results the same pandas types."""
    for f in spec.fields:
        if f.name not in df.columns:
            continue
        col = df[f.name]
        if f.type == "int":
            df[f.name] = pd.array(pd.to_numeric(col), dtype="Int64")
        elif f.type == "float":
            df[f.name] = pd.to_numeric(col).astype(float)
        elif f.type == "bool":
            df[f.name] = col.map(lambda v: None if v is None or v is pd.NA else bool(v)).astype("boolean")
        elif f.type == "datetime":
            df[f.name] = pd.to_datetime(col).astype("datetime64[ns]")
        elif f.type == "date":
            df[f.name] = pd.to_datetime(col).dt.date.where(col.notna(), None)
        elif f.type == "json":
            df[f.name] = col.map(lambda v: json.loads(v) if isinstance(v, str) else v)
        else:
            df[f.name] = col.astype(object)
    if "outside" in df.columns:
        df["outside"] = df["outside"].astype(bool)
    if geometry is None:
        return df
    return gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geometry, index=df.index, crs=CRS), crs=CRS)


def decode_value(ftype: str, value: Any) -> Any:
    """One stored value as :func:`decode_frame` would give it, as a plain Python value."""
    if value is None:
        return None
    if ftype == "int":
        return int(value)
    if ftype == "float":
        return float(value)
    if ftype == "bool":
        return bool(value)
    if ftype == "datetime":
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if ftype == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if ftype == "json":
        return json.loads(value) if isinstance(value, str) else value
    return value


def decode_record(spec: LayerSpec, names: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    """One fetched row as a dict; ``geom`` (WKB) becomes ``geometry`` (shapely)."""
    out: dict[str, Any] = {}
    for name, value in zip(names, row, strict=True):
        if name == "geom":
            out["geometry"] = None if value is None else shapely.from_wkb(bytes(value))
        else:
            out[name] = decode_value(column_type(spec, name), value)
    return out


def empty_frame(spec: LayerSpec, columns: Sequence[str] | None = None) -> Frame:
    cols = list(columns) if columns else spec.columns
    df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    geometry = np.array([], dtype=object) if spec.geom else None
    return decode_frame(spec, df, geometry)


def jsonable(value: Any, _depth: int = 0) -> Any:
    """``value`` as plain JSON types: numpy scalars, times, geometry (WKT), NA -> None.

    Raises:
        StoreError: ``value`` nests deeper than :data:`JSON_DEPTH_LIMIT` levels.
    """
    if isinstance(value, dict | list | tuple | np.ndarray):
        if _depth >= JSON_DEPTH_LIMIT:
            raise StoreError(f"a JSON value nested deeper than {JSON_DEPTH_LIMIT} levels is refused")
        if isinstance(value, dict):
            return {k: jsonable(v, _depth + 1) for k, v in value.items()}
        return [jsonable(v, _depth + 1) for v in value]
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=7)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
