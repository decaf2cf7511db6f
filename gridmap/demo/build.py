"""The demo generator's recipe: real places, households, units, then activity."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pandas as pd

from gridmap.demo.context import Context
from gridmap.demo.hazards import inspections_frames
from gridmap.demo.hierarchy import build_hierarchy
from gridmap.demo.households import households_frame
from gridmap.demo.issues import issues_frames
from gridmap.demo.places import COUNTY_CODE, Scale, load_places
from gridmap.demo.population import generate_population
from gridmap.demo.reports import zero_reports_frame
from gridmap.demo.stations import stations_frame
from gridmap.demo.units import assign_staff, units_frame
from gridmap.domain import DATA_LAYERS, LAYERS
from gridmap.plan.versions import registered_plan_frame
from gridmap.store.base import now

Progress = Callable[[str, float], None]
SCALES: tuple[str, ...] = ("small", "county")
# The moment of day the demo describes when a date is given (15:00 Beijing time).
_AS_OF_TIME = dt.time(15, 0)


def generate(scale: Scale, seed: int = 7, progress: Progress | None = None,
             today: dt.date | None = None) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Generate the demo county: every layer of :data:`gridmap.domain.LAYERS`.

    Args:
        scale: ``"small"`` (宜山镇 alone, a few seconds) or ``"county"`` (all 18
            towns of 苍南县).
        seed: the same seed (and ``today``) gives identical frames.
        progress: called as ``progress(stage label in Chinese, fraction done)``.
        today: the last day the data cover (12 months ending then); by default the
            current Beijing date. With a date the data describe 15:00 that day.

    Returns:
        One frame per layer name, with exactly the layer's columns plus ``geometry``
        (EPSG:4326) for the geometry layers.

    Raises:
        ValueError: for an unknown scale.
    """
    return generate_at(scale, seed, progress, as_of_for(today))


def as_of_for(today: dt.date | None) -> dt.datetime:
    """The moment the demo describes: 15:00 on ``today``, or now (Beijing) by default."""
    if today is None:
        return now().replace(microsecond=0)
    return dt.datetime.combine(today, _AS_OF_TIME)


def generate_at(scale: Scale, seed: int, progress: Progress | None,
                as_of: dt.datetime) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """:func:`generate` for an exact moment ``as_of`` (Beijing time, no zone)."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; expected one of {', '.join(SCALES)}")
    report = progress or _quiet
    report("读取行政区划", 0.0)
    places = load_places(scale, np.random.default_rng([seed, zlib.crc32(b"places")]))
    report("生成住户", 0.1)
    pop = generate_population(places, np.random.default_rng([seed, zlib.crc32(b"population")]))
    report("划分网格与微网格", 0.25)
    hierarchy = build_hierarchy(places, pop)
    ctx = Context(seed, scale, places, pop, hierarchy.units, hierarchy.household_micro, as_of)
    assign_staff(ctx)
    report("整理住户信息", 0.4)
    households = households_frame(ctx)
    report("布设服务站点", 0.5)
    stations = stations_frame(ctx)
    report("生成隐患排查记录", 0.55)
    inspections, hotspots = inspections_frames(ctx)
    report("生成事件与处置流程", 0.65)
    issues, events = issues_frames(ctx)
    report("生成每日零报告", 0.85)
    zero_reports = zero_reports_frame(ctx)
    report("汇总网格数据", 0.92)
    units = units_frame(ctx, households, inspections, issues)
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {
        "units": gpd.GeoDataFrame(units, geometry="geometry", crs=households.crs),
        "households": households, "stations": stations, "inspections": inspections, "issues": issues,
        "issue_events": events, "zero_reports": zero_reports, "planted_hotspots": hotspots,
        # No hazard history is generated yet: the steps start with the first real one.
        "inspection_events": _empty("inspection_events"),
        # The one boundary plan of the demo, published (gridmap.plan.versions).
        "plans": registered_plan_frame(1, as_of, COUNTY_CODE),
    }
    report("完成", 1.0)
    # Layers the demo writes no rows to (plan saves, photos, ...) start empty.
    return {name: frames[name] if name in frames else _empty(name) for name in DATA_LAYERS}


def _empty(name: str) -> pd.DataFrame:
    """An empty frame with the columns of layer ``name``."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in LAYERS[name].columns})


def _quiet(stage: str, fraction: float) -> None:
    """The progress callback used when none is given."""
