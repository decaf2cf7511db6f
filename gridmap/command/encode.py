"""Frames from the store into the snapshot's arrays (see :mod:`gridmap.command.snapshot`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from gridmap.command.snapshot import CODES, PointTable
from gridmap.domain import Level


def level_codes(units: pd.DataFrame) -> dict[Level, np.ndarray]:
    """Sorted unit codes per level (as fixed-width strings, for binary search)."""
    levels = units["level"].to_numpy(dtype=object)
    codes = units.index.to_numpy(dtype=object)
    return {lvl: np.sort(codes[levels == lvl.value].astype(str)) for lvl in Level}


def micro_axis(units: pd.DataFrame, frames: Iterable[pd.DataFrame]) -> np.ndarray:
    """The sorted micro-grid codes of the plan plus any other code a point carries."""
    parts = [units.index[units["level"].to_numpy() == Level.MICRO.value].to_numpy(dtype=object)]
    for frame in frames:
        if len(frame):
            parts.append(pd.unique(frame["micro_code"].dropna().astype(str).to_numpy()))
    found = np.concatenate([np.asarray(p, dtype=object) for p in parts]) if parts else np.array([], dtype=object)
    return np.unique(found.astype(str)) if len(found) else np.array([], dtype="U17")


def unknown_micro(frames: Iterable[pd.DataFrame], micro_codes: np.ndarray) -> bool:
    """Whether any frame has a ``micro_code`` missing from ``micro_codes``."""
    for frame in frames:
        codes = pd.unique(frame["micro_code"].dropna().astype(str).to_numpy()) if len(frame) else []
        if len(codes) and not np.isin(np.asarray(codes, dtype=str), micro_codes).all():
            return True
    return False


def _micro_index(codes: pd.Series, micro_codes: np.ndarray) -> np.ndarray:
    """Each code's index in ``micro_codes``; ``M`` for a missing or unknown code (outside)."""
    index = pd.Categorical(codes.to_numpy(dtype=object), categories=micro_codes.astype(object)).codes
    return np.where(index < 0, len(micro_codes), index).astype(np.int32)


# --------------------------------------------------------------------------- encoders


def _coded(kind: str) -> Callable[[pd.Series], np.ndarray]:
    choices = CODES[kind]
    return lambda col: pd.Categorical(col.astype(object), categories=choices).codes.astype(np.int8)


def _times(col: pd.Series) -> np.ndarray:
    values = col.astype(object).where(col.notna(), None) if col.dtype == object else col
    return pd.to_datetime(values).to_numpy(dtype="datetime64[s]")


def _hazard_bits(col: pd.Series) -> np.ndarray:
    """A bit per :class:`~gridmap.domain.HazardType` (order of ``CODES["hazard_type"]``)."""
    lists = col.to_numpy(dtype=object)
    lengths = np.array([len(v) if isinstance(v, list) else 0 for v in lists], dtype=np.int64)
    flat = [t for v in lists if isinstance(v, list) for t in v]
    codes = pd.Categorical(flat, categories=CODES["hazard_type"]).codes.astype(np.int64)
    rows = np.repeat(np.arange(len(lists)), lengths)
    bits = np.zeros(len(lists), dtype=np.uint16)
    known = codes >= 0
    np.bitwise_or.at(bits, rows[known], (1 << codes[known]).astype(np.uint16))
    return bits


_ENCODERS: dict[str, dict[str, tuple[str, Callable[[pd.Series], np.ndarray]]]] = {
    "issues": {"category": ("category", _coded("category")), "status": ("status", _coded("issue_status")),
               "reported": ("reported_at", _times), "deadline": ("deadline", _times),
               "closed": ("closed_at", _times)},
    "inspections": {"hazards": ("hazard_types", _hazard_bits), "severity": ("severity", _coded("severity")),
                    "status": ("status", _coded("hazard_status")), "found": ("found_at", _times),
                    "deadline": ("deadline", _times), "rectified": ("rectified_at", _times)},
    "stations": {"type": ("station_type", _coded("station_type")), "opened": ("opened", _times),
                 "closes": ("closes", _times)},
}


def point_table(layer_name: str, frame: pd.DataFrame, micro_codes: np.ndarray) -> PointTable:
    """A point layer's frame encoded and sorted by micro-grid index."""
    micro = _micro_index(frame["micro_code"], micro_codes)
    order = np.argsort(micro, kind="stable")
    columns = {name: encode(frame[source])[order] for name, (source, encode) in _ENCODERS[layer_name].items()}
    lonlat = None
    if "geometry" in frame.columns:
        geoms = frame["geometry"]
        lonlat = np.column_stack([geoms.x.to_numpy(), geoms.y.to_numpy()])[order] if len(frame) \
            else np.empty((0, 2))
    return PointTable(frame["id"].astype(str).to_numpy(dtype=object)[order], micro[order], columns, lonlat)


def first_report(zero: pd.DataFrame, micro_codes: np.ndarray, day: dt.date) -> np.ndarray:
    """Per micro-grid index, the first zero-report time on ``day`` (NaT: none)."""
    out = np.full(len(micro_codes) + 1, np.datetime64("NaT"), dtype="datetime64[s]")
    if zero.empty:
        return out
    at = _times(zero["reported_at"])
    at = np.where(np.isnat(at), np.datetime64(day, "s"), at)  # no time given: it counts from midnight
    index = _micro_index(zero["micro_code"], micro_codes)
    first = pd.Series(at).groupby(index).min()
    out[first.index.to_numpy()] = first.to_numpy(dtype="datetime64[s]")
    out[len(micro_codes)] = np.datetime64("NaT")  # a report without a micro-grid belongs to no one
    return out


def per_micro(homes: pd.DataFrame, micro_codes: np.ndarray, flag: str | None) -> np.ndarray:
    """Per micro-grid index, the number of households (with ``flag`` true, if given)."""
    index = _micro_index(homes["micro_code"], micro_codes)
    weights = None if flag is None else homes[flag].fillna(False).to_numpy(dtype=bool).astype(np.float64)
    return np.bincount(index, weights, minlength=len(micro_codes) + 1).astype(np.int64)
