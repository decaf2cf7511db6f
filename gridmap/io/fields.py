"""Attribute columns: match a file's columns to a layer, convert and check the values.

Column names match exactly, then case-insensitively (ArcGIS writes ``ADDRESS``), then
as the 10-character shapefile names that :func:`shapefile_names` gives (what our own
Shapefile export writes). Values are converted to the field's type; a value that does
not convert, an empty required value and a choice outside the allowed list are errors
that name the feature, the field, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Hashable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from gridmap.domain import ASSIGN_COLUMNS, Field, LayerSpec
from gridmap.io import jsontext
from gridmap.io.problems import Message, Problem, message, problem

SHAPEFILE_NAME_LENGTH = 10
# Local time of the data: datetimes with a zone are converted to it, then made naive.
LOCAL_ZONE = "Asia/Shanghai"
_TRUE = frozenset({"true", "t", "yes", "y", "1", "是", "真", "对"})
_FALSE = frozenset({"false", "f", "no", "n", "0", "否", "假", "错"})
_MISSING = object()
# 2026年11月1日 9时30分 -> 2026-11-1 9:30
_CHINESE_DATE = str.maketrans({"年": "-", "月": "-", "日": " ", "时": ":", "点": ":", "分": ":", "秒": " "})


class _Invalid(ValueError):
    """A value that does not convert; ``reason`` says what was expected."""

    def __init__(self, key: str, **params: Any) -> None:
        self.reason = Message(key, params)
        super().__init__(key)


def shapefile_names(spec: LayerSpec) -> dict[str, str]:
    """Full column name -> shapefile field name (at most 10 characters), deterministic.

    Names of 10 characters or fewer stay; longer ones are cut to 10, and a cut that
    collides with an earlier name becomes its first 8 characters plus a 2-digit number.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for column in [*spec.columns, *ASSIGN_COLUMNS]:
        if column in names:
            continue
        short = column[:SHAPEFILE_NAME_LENGTH]
        n = 1
        while short.lower() in taken:
            short = f"{column[:SHAPEFILE_NAME_LENGTH - 2]}{n:02d}"
            n += 1
        names[column] = short
        taken.add(short.lower())
    return names


def match_columns(columns: list[Hashable], spec: LayerSpec) -> tuple[dict[str, str], list[str]]:
    """Map file columns to layer columns.

    Returns:
        ``{file column: layer column}`` for the columns the layer knows (``id``,
        ``county_code`` and the fields), and the file columns that are ignored.
        Assignment columns (``town_code`` ... ``outside``) are ignored on purpose: they
        are recomputed from the geometry.
    """
    wanted = ["id", "county_code", *(f.name for f in spec.fields)]
    by_lower = {w.lower(): w for w in wanted}
    by_short = {short.lower(): full for full, short in shapefile_names(spec).items() if full in wanted}
    mapping: dict[str, str] = {}
    ignored: list[str] = []
    for column in map(str, columns):
        target = column if column in wanted else by_lower.get(column.lower()) or by_short.get(column.lower())
        if target is None or target in mapping.values():
            ignored.append(column)
        else:
            mapping[column] = target
    return mapping, ignored


def convert_attributes(table: pd.DataFrame, spec: LayerSpec, keys: list[str | None],
                       defaults: Mapping[str, Any] | None = None) -> tuple[pd.DataFrame, list[Problem], list[Message]]:
    """The layer's attribute columns, converted and checked.

    Args:
        table: the attribute table as read.
        spec: the target layer.
        keys: per feature, the code or id to show in messages (or None).
        defaults: values for fields the file leaves out or empty (e.g. ``plan_version``).

    Returns:
        A frame with ``id``, ``county_code`` and every field (missing optional fields
        are None), the errors, and file-level notes (ignored columns).
    """
    mapping, ignored = match_columns(list(table.columns), spec)
    renamed = table[list(mapping)].rename(columns=mapping).reset_index(drop=True)
    notes: list[Message] = []
    recomputed = [c for c in ignored if c.lower() in ASSIGN_COLUMNS or c.lower() in
                  {shapefile_names(spec)[a].lower() for a in ASSIGN_COLUMNS}]
    unknown = [c for c in ignored if c not in recomputed]
    if unknown:
        notes.append(message("io.note.ignored_columns", layer=spec.name, columns=unknown))
    if recomputed:
        notes.append(message("io.note.recomputed_columns", columns=recomputed))
    errors: list[Problem] = []
    out = pd.DataFrame(index=renamed.index)
    for f in (Field("id", "text"), Field("county_code", "text"), *spec.fields):
        default = (defaults or {}).get(f.name, _MISSING)
        column = renamed.get(f.name)
        if column is None and f.required and default is _MISSING:
            errors.append(problem(None, "io.field.missing_required", field=f.name, column=f.name))
            out[f.name] = None
            continue
        if column is None:
            column = pd.Series([None] * len(renamed), index=renamed.index, dtype=object)
        out[f.name], column_errors = _convert_column(column, f, keys, default)
        errors += column_errors
    errors += _duplicate_ids(out["id"], keys)
    return out, errors, notes


def _convert_column(column: pd.Series, f: Field, keys: list[str | None], default: Any) -> tuple[pd.Series, list[Problem]]:
    converter = _CONVERTERS[f.type]
    errors: list[Problem] = []
    values: list[Any] = []
    cache: dict[Any, Any] = {}
    for i, raw in enumerate(column.to_numpy(dtype=object)):
        value = None if _is_missing(raw) else raw
        if value is None and default is not _MISSING:
            value = default
        if value is None:
            if f.required:
                errors.append(problem(i + 1, "io.field.required_empty", field=f.name, ref=keys[i], column=f.name))
            values.append(None)
            continue
        try:
            converted = _cached(cache, value, converter)
            if f.choices is not None:
                converted = _choice(converted, f.choices)
        except _Invalid as exc:
            errors.append(problem(i + 1, "io.field.invalid", field=f.name, ref=keys[i], column=f.name,
                                  value=_show(raw), reason=exc.reason))
            converted = None
        values.append(converted)
    return pd.Series(values, index=column.index, dtype=object), errors


def _cached(cache: dict[Any, Any], value: Any, converter: Callable[[Any], Any]) -> Any:
    try:
        hash(value)
    except TypeError:
        return converter(value)
    if value not in cache:
        try:
            cache[value] = converter(value)
        except _Invalid as exc:
            cache[value] = exc
    found = cache[value]
    if isinstance(found, _Invalid):
        raise found
    return found


def _duplicate_ids(ids: pd.Series, keys: list[str | None]) -> list[Problem]:
    present = ids.dropna()
    dup = present[present.duplicated(keep=False)]
    errors = []
    for value, rows in dup.groupby(dup).groups.items():
        numbers = [int(r) + 1 for r in list(rows)[:10]]
        errors.append(problem(int(rows[0]) + 1, "io.field.duplicate_id", field="id", ref=keys[int(rows[0])],
                              id=repr(value), rows=numbers))
    return errors


# --------------------------------------------------------------------------- converters


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a code that went through a numeric column
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def _int(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        return int(value)
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _Invalid("io.value.not_int") from None
    if not np.isfinite(number) or not number.is_integer():
        raise _Invalid("io.value.not_int")
    return int(number)


def _float(value: Any) -> float:
    try:
        number = float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise _Invalid("io.value.not_number") from None
    if not np.isfinite(number):
        raise _Invalid("io.value.not_finite")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    text = str(int(value)) if isinstance(value, int | float | np.number) and float(value).is_integer() else str(value)
    text = text.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _Invalid("io.value.not_bool")


def _timestamp(value: Any, what: str = "io.value.not_datetime") -> pd.Timestamp:
    if isinstance(value, str):
        value = " ".join(value.translate(_CHINESE_DATE).split()).rstrip(":")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError, OverflowError):
        raise _Invalid(what) from None
    if stamp is pd.NaT:
        raise _Invalid(what)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(LOCAL_ZONE).tz_localize(None)
    return stamp


def _datetime(value: Any) -> dt.datetime:
    return _timestamp(value).to_pydatetime()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    stamp = _timestamp(value, "io.value.not_date")
    if stamp != stamp.normalize():
        raise _Invalid("io.value.not_date_has_time")
    return stamp.date()


def _json(value: Any) -> Any:
    if isinstance(value, list | dict):
        return value
    if not isinstance(value, str):
        raise _Invalid("io.value.not_json_text")
    try:
        return jsontext.loads(value)
    except jsontext.JsonTooDeep as exc:
        raise _Invalid("io.value.json_too_deep", depth=exc.depth, limit=exc.limit) from None
    except json.JSONDecodeError as exc:
        raise _Invalid("io.value.bad_json", detail=exc.msg, pos=exc.pos + 1) from None


def _choice(value: Any, choices: tuple[str, ...]) -> str:
    text = str(value)
    folded = {str(c).lower(): str(c) for c in choices}
    if text.lower() in folded:
        return folded[text.lower()]
    raise _Invalid("io.value.not_choice", choices=", ".join(choices))


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "text": _text, "int": _int, "float": _float, "bool": _bool,
    "date": _date, "datetime": _datetime, "json": _json,
}
