"""Daily zero-reports (每日零报告): one row per micro-grid per day it reported.

Covers the last 60 days up to ``as_of``. Most micro-grids report on ~95-99% of days, a
few laggards on ~70%; each micro-grid has a usual hour, so on the current day only
those whose report time has passed appear. The reporter is the micro-grid leader;
most notes say nothing happened (无异常), a few mention something handled.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gridmap.demo.context import DAY, SECOND, Context, to_timestamps
from gridmap.demo.names import NO_INCIDENT, ZERO_REPORT_NOTES
from gridmap.domain import LAYERS, Level

DAYS = 60
_LAGGARDS = 0.06
_NOTE_SHARE = 0.03


def zero_reports_frame(ctx: Context) -> pd.DataFrame:
    """The zero-report rows of the last :data:`DAYS` days."""
    rng = ctx.rng("zero_reports")
    rows = ctx.level_rows(Level.MICRO)
    codes = ctx.units["code"].to_numpy()[rows]
    leaders = np.array([ctx.leader(c, "micro_leader") for c in codes], dtype=object)
    m = len(codes)
    rate = np.where(rng.random(m) < _LAGGARDS, rng.uniform(0.6, 0.8, m), rng.uniform(0.94, 0.995, m))
    usual_hour = rng.uniform(7.0, 20.0, m)
    first_day = ctx.now64.astype("datetime64[D]") - (DAYS - 1) * DAY
    micro = np.repeat(np.arange(m), DAYS)
    day = first_day + np.tile(np.arange(DAYS), m) * DAY
    hour = np.clip(usual_hour[micro] + rng.normal(0.0, 1.0, len(micro)), 0.0, 23.99)
    at = day + (hour * 3600).astype(np.int64) * SECOND
    keep = (rng.random(len(micro)) < rate[micro]) & (at <= ctx.now64)
    micro, day, at = micro[keep], day[keep], at[keep]
    note = np.where(rng.random(len(micro)) < _NOTE_SHARE,
                    rng.choice(np.array(ZERO_REPORT_NOTES, dtype=object), size=len(micro)), NO_INCIDENT)
    frame = pd.DataFrame({
        "id": [f"zr-{i:07d}" for i in range(len(micro))], "county_code": ctx.county_code,
        "micro_code": codes[micro], "day": pd.to_datetime(day).date, "reporter": leaders[micro],
        "note": note, "reported_at": to_timestamps(at),
    })
    return frame[LAYERS["zero_reports"].columns]
