"""What every stage of the demo generator shares: places, households, units, clock, seed.

Each stage draws from its own random stream (:meth:`Context.rng`), derived from the
seed and the stage's name, so changing one stage does not shift the others.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.demo.places import COUNTY_CODE, Places
from gridmap.demo.population import Population
from gridmap.domain import Level

DAY = np.timedelta64(1, "D")
SECOND = np.timedelta64(1, "s")


@dataclass
class Context:
    """The shared state of one generation run.

    ``as_of`` is the moment the demo data describe (Beijing time, no zone); the data
    cover the 365 days before it. ``staff`` maps a unit code to its people
    (``[{"name": ..., "role": ...}]``).
    """

    seed: int
    scale: str
    places: Places
    pop: Population
    units: gpd.GeoDataFrame
    household_micro: np.ndarray
    as_of: dt.datetime
    staff: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    cache: dict[str, object] = field(default_factory=dict)

    @property
    def county_code(self) -> str:
        """The county's six-digit code (every row carries it)."""
        return COUNTY_CODE

    @property
    def now64(self) -> np.datetime64:
        """``as_of`` as a numpy datetime (seconds)."""
        return np.datetime64(self.as_of, "s")

    @property
    def start64(self) -> np.datetime64:
        """The start of the 365 days the data cover."""
        return self.now64 - 365 * DAY

    @property
    def today(self) -> dt.date:
        """The day of ``as_of``."""
        return self.as_of.date()

    def rng(self, stage: str) -> np.random.Generator:
        """The random stream of one stage (stable for a seed and a stage name)."""
        return np.random.default_rng([self.seed, zlib.crc32(stage.encode())])

    def level_rows(self, level: Level) -> np.ndarray:
        """Row positions in ``units`` of one level."""
        return np.flatnonzero(self.units["level"].to_numpy() == str(level))

    def household_xy(self) -> np.ndarray:
        """Household points in the metric CRS."""
        return self.pop.households[["x", "y"]].to_numpy()

    def leader(self, code: str, role: str) -> str:
        """The name of the person with ``role`` in unit ``code``."""
        return next(p["name"] for p in self.staff[code] if p["role"] == role)


def random_times(rng: np.random.Generator, n: int, start: np.datetime64, end: np.datetime64, *,
                 weekend: float = 0.5, hours: tuple[float, float] = (8.0, 18.0),
                 anytime: float = 0.1) -> np.ndarray:
    """``n`` moments between ``start`` and ``end``, mostly on weekdays in ``hours``.

    Weekend days are drawn ``weekend`` times as often as weekdays; a share ``anytime``
    of the moments falls at any hour. Results never pass ``end``.
    """
    first = start.astype("datetime64[D]")
    days = int((end.astype("datetime64[D]") - first) / DAY) + 1
    weekday = (np.arange(days) + (first.astype(np.int64) + 3) % 7) % 7  # 0 = Monday
    weights = np.where(weekday >= 5, weekend, 1.0)
    day = rng.choice(days, size=n, p=weights / weights.sum())
    hour = np.where(rng.random(n) < anytime, rng.uniform(0, 24, n), rng.uniform(hours[0], hours[1], n))
    times = first + day * DAY + (hour * 3600).astype(np.int64) * SECOND
    times = np.where(times > end, times - DAY, times)
    times = np.where(times < start, times + DAY, times)
    return np.clip(times, start, end).astype("datetime64[s]")


def jitter(rng: np.random.Generator, xy: np.ndarray, metres: float,
           area: shapely.Geometry | None = None) -> np.ndarray:
    """Points moved by up to ``metres`` in a random direction (kept where a move
    would leave ``area``)."""
    angle = rng.uniform(0, 2 * np.pi, len(xy))
    radius = metres * np.sqrt(rng.random(len(xy)))
    moved = xy + np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    if area is not None:
        out = ~shapely.contains_xy(area, moved[:, 0], moved[:, 1])
        moved[out] = xy[out]
    return moved


def to_timestamps(values: np.ndarray) -> pd.Series:
    """datetime64 values (NaT allowed) as a pandas datetime series."""
    return pd.Series(pd.to_datetime(values), dtype="datetime64[ns]")
