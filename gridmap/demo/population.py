"""Households of the demo county, and their grouping into micro-grids and grids.

Urban communities (NBS classes 111/112/121/122/210) are apartment estates: buildings of
24-96 households, two to four buildings to an estate, estates spread over the community.
Rural villages (220, 123) are a few hamlets of scattered houses. Every household lies in
its village's labelling region.

Each village's households are split into micro-grids of about 30 by recursive
coordinate bisection (compact groups; the target size varies by village), and its
micro-grids into grids of about 10 the same way. The group centroids are the seeds of
the micro-grid tessellation (:mod:`gridmap.demo.hierarchy`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from gridmap.demo.places import Places, profile
from gridmap.spatial.tessellate import separate_points

MIN_HOUSEHOLDS = 60
_MICRO_TARGET = (26.0, 34.0)  # households per micro-grid, drawn per village
_GRID_TARGET = (8.0, 12.0)  # micro-grids per grid, drawn per village
_SPLIT_JITTER = 0.12
_BUILDING_SIZE = (24, 97)
_RESIDENTS_URBAN = np.array([0.14, 0.28, 0.27, 0.19, 0.08, 0.04])
_RESIDENTS_RURAL = np.array([0.20, 0.30, 0.20, 0.16, 0.09, 0.05])


@dataclass
class Population:
    """Households (metric ``x``/``y``) with their planned micro-grid and grid.

    ``households`` columns: x, y, village (row of ``places.villages``), micro, residents,
    floating, rental, rooms, collected, estate, building, unit, floor, room, hamlet,
    number (the last eight only where they apply; -1 elsewhere).
    """

    households: pd.DataFrame
    seeds: np.ndarray
    micro_village: np.ndarray
    micro_grid: np.ndarray
    grid_village: np.ndarray


def generate_population(places: Places, rng: np.random.Generator) -> Population:
    """Households for every village of ``places``, grouped into micro-grids and grids."""
    parts: list[pd.DataFrame] = []
    micro_village: list[np.ndarray] = []
    micro_grid: list[np.ndarray] = []
    grid_village: list[np.ndarray] = []
    n_micro = n_grid = 0
    for v, village in places.villages.iterrows():
        frame = _village_households(village, places.village_regions[v], rng)
        k = max(1, round(len(frame) / rng.uniform(*_MICRO_TARGET)))
        frame["micro"] = n_micro + bisect_groups(frame[["x", "y"]].to_numpy(), k, rng)
        frame["village"] = v
        seeds = frame.groupby("micro")[["x", "y"]].mean().to_numpy()
        g = max(1, round(k / rng.uniform(*_GRID_TARGET)))
        micro_grid.append(n_grid + bisect_groups(seeds, g, rng))
        micro_village.append(np.full(k, v))
        grid_village.append(np.full(g, v))
        parts.append(frame)
        n_micro += k
        n_grid += g
    households = pd.concat(parts, ignore_index=True)
    _add_attributes(households, places, rng)
    seeds = households.groupby("micro")[["x", "y"]].mean().to_numpy()
    return Population(households, separate_points(seeds, 1.0), np.concatenate(micro_village),
                      np.concatenate(micro_grid), np.concatenate(grid_village))


def bisect_groups(xy: np.ndarray, k: int, rng: np.random.Generator, jitter: float = _SPLIT_JITTER) -> np.ndarray:
    """Split points into ``k`` compact groups by recursive coordinate bisection.

    Each step cuts the longer side of the bounding box at the count that gives the two
    halves their share of the groups (moved by up to ``jitter`` for variety). Labels
    are 0..k-1 in depth-first order, so neighbouring labels are near each other.
    """
    labels = np.empty(len(xy), dtype=np.int64)
    stack: list[tuple[np.ndarray, int]] = [(np.arange(len(xy)), k)]
    label = 0
    while stack:
        idx, kk = stack.pop()
        if kk == 1 or len(idx) <= 1:
            labels[idx] = label
            label += 1
            continue
        pts = xy[idx]
        axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
        k1 = kk // 2
        share = k1 / kk * (1 + rng.uniform(-jitter, jitter))
        cut = int(np.clip(round(len(idx) * share), k1, len(idx) - (kk - k1)))
        order = np.argsort(pts[:, axis], kind="stable")
        stack.append((idx[order[cut:]], kk - k1))
        stack.append((idx[order[:cut]], k1))
    return labels


# --------------------------------------------------------------------------- one village


def _village_households(village: pd.Series, region: shapely.Geometry, rng: np.random.Generator) -> pd.DataFrame:
    prof = profile(village["nbs_class"])
    n = max(MIN_HOUSEHOLDS, round(prof.households * np.exp(rng.normal(0.0, prof.sigma))))
    centre = np.array([village["x"], village["y"]])
    if prof.urban:
        frame = _estates(n, centre, village["spacing"], region, rng)
    else:
        frame = _hamlets(n, centre, village["spacing"], rng)
    xy = _pull_inside(frame[["x", "y"]].to_numpy(), centre, region, rng)
    frame["x"], frame["y"] = xy[:, 0], xy[:, 1]
    return frame


def _estates(n: int, centre: np.ndarray, spacing: float, region: shapely.Geometry,
             rng: np.random.Generator) -> pd.DataFrame:
    """Apartment buildings grouped in small estates spread over the community."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(rng.integers(*_BUILDING_SIZE)))
    sizes[-1] -= sum(sizes) - n
    if sizes[-1] < 6 and len(sizes) > 1:
        last = sizes.pop()
        sizes[-1] += last
    n_b = len(sizes)
    n_estates = max(1, round(n_b / rng.uniform(2, 4)))
    estate_xy = _spread_points(centre, 0.45 * spacing, region, n_estates, rng)
    estate_of = np.sort(rng.integers(0, n_estates, n_b))
    spread = 20.0 + 6.0 * np.sqrt(np.bincount(estate_of, minlength=n_estates))
    building_xy = estate_xy[estate_of] + rng.normal(0.0, 1.0, (n_b, 2)) * spread[estate_of, None]
    number_in_estate = np.arange(n_b) - np.searchsorted(estate_of, estate_of) + 1
    sizes_arr = np.array(sizes)
    building = np.repeat(np.arange(n_b), sizes_arr)
    k = np.arange(n) - np.repeat(np.cumsum(sizes_arr) - sizes_arr, sizes_arr)
    units = np.repeat(np.clip(sizes_arr // 30 + 1, 1, 4), sizes_arr)
    per_unit = np.ceil(sizes_arr[building] / units).astype(int)
    unit, in_unit = k // per_unit + 1, k % per_unit
    offset = np.column_stack([rng.uniform(-9, 9, n), rng.uniform(-5, 5, n)])
    xy = building_xy[building] + offset
    return pd.DataFrame({
        "x": xy[:, 0], "y": xy[:, 1], "estate": estate_of[building], "building": number_in_estate[building],
        "unit": unit, "floor": in_unit // 2 + 1, "room": in_unit % 2 + 1, "hamlet": -1, "number": -1,
    })


def _spread_points(centre: np.ndarray, radius: float, region: shapely.Geometry, n: int,
                   rng: np.random.Generator) -> np.ndarray:
    """``n`` well-spread points (best of a few candidates each) near ``centre`` in ``region``."""
    shapely.prepare(region)
    placed = [centre + rng.normal(0.0, 15.0, 2)]
    for _ in range(n - 1):
        r = radius * np.sqrt(rng.random(12))
        a = rng.uniform(0, 2 * np.pi, 12)
        cand = centre + np.column_stack([r * np.cos(a), r * np.sin(a)])
        inside = shapely.contains_xy(region, cand[:, 0], cand[:, 1])
        cand = cand[inside] if inside.any() else cand
        dist = np.sqrt(((cand[:, None, :] - np.array(placed)[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
        placed.append(cand[int(np.argmax(dist))])
    return np.array(placed)


def _hamlets(n: int, centre: np.ndarray, spacing: float, rng: np.random.Generator) -> pd.DataFrame:
    """Houses scattered in a few hamlets (自然村) around ``centre``."""
    k = int(np.clip(1 + rng.poisson(1.8), 1, 6))
    hamlet_xy = centre + rng.normal(0.0, 0.3 * spacing, (k, 2))
    hamlet_xy[0] = centre
    share = rng.dirichlet(np.full(k, 2.0))
    hamlet = np.sort(rng.choice(k, size=n, p=share))
    spread = rng.uniform(45.0, 110.0, k)
    xy = hamlet_xy[hamlet] + rng.normal(0.0, 1.0, (n, 2)) * spread[hamlet, None]
    number = np.arange(n) - np.searchsorted(hamlet, hamlet) + 1
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "estate": -1, "building": -1, "unit": -1,
                         "floor": -1, "room": -1, "hamlet": hamlet, "number": number})


def _pull_inside(xy: np.ndarray, centre: np.ndarray, region: shapely.Geometry, rng: np.random.Generator) -> np.ndarray:
    """Move points outside ``region`` towards ``centre`` until they are inside."""
    shapely.prepare(region)
    xy = xy.copy()
    for _ in range(8):
        out = ~shapely.contains_xy(region, xy[:, 0], xy[:, 1])
        if not out.any():
            return xy
        xy[out] = centre + (xy[out] - centre) * 0.6
    out = ~shapely.contains_xy(region, xy[:, 0], xy[:, 1])
    xy[out] = centre + rng.normal(0.0, 3.0, (int(out.sum()), 2))
    return xy


# --------------------------------------------------------------------------- attributes


def _add_attributes(households: pd.DataFrame, places: Places, rng: np.random.Generator) -> None:
    """Residents, floating population, rentals and collection status (in place)."""
    villages = places.villages
    v = households["village"].to_numpy()
    urban = villages["urban"].to_numpy()[v]
    n = len(households)
    residents = np.where(urban, rng.choice(6, size=n, p=_RESIDENTS_URBAN), rng.choice(6, size=n, p=_RESIDENTS_RURAL)) + 1
    rental_share = np.array([profile(c).rental for c in villages["nbs_class"]])
    village_rental = rental_share * rng.uniform(0.6, 1.4, len(villages))
    rental = rng.random(n) < village_rental[v]
    rooms = np.where(rental, np.clip(1 + rng.poisson(np.where(urban, 5.0, 3.0)), 1, 20), 0)
    floating = np.where(rental, np.round(rooms * rng.uniform(1.1, 2.0, n)), rng.poisson(0.1, n)).astype(int)
    collection_rate = np.clip(rng.normal(0.86, 0.07, len(villages)), 0.6, 0.99)
    households["residents"] = residents
    households["floating"] = floating
    households["rental"] = rental
    households["rooms"] = rooms
    households["collected"] = rng.random(n) < collection_rate[v]
