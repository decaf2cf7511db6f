"""Hazard inspections (安全隐患排查) over 12 months, with planted hotspots.

Background hazards are found at households (rentals four times as often, urban
estates more than villages) at about 0.27 per household per year. Each has 1-3
hazard types suited to the place, a severity whose deadline comes from
:data:`gridmap.domain.HAZARD_DEADLINE_DAYS`, and a status from its history: most are
rectified in time and verified; some are late; a few are never rectified and show as
overdue once their deadline passes.

Planted hotspots (recorded in ``planted_hotspots``) add extra hazards of one type
inside ``radius_m`` of a centre in a dense, rental-heavy place: an inspection round finds
the same hazard (e-bikes charged indoors, flying wires, ...) at household after household
of one neighbourhood. The extra hazards are found *at the households* inside the disc
(each household equally likely, a rental twice as likely), :data:`HOTSPOT_RATE` per
household on average -- about ten times the background rate of one hazard type -- so every
micro-grid with households inside the disc shares in it, whatever its area. Their
patterns: ``persistent`` (all year), ``new`` (only the last weeks), ``intensifying``
(rate grows through the year) and ``diminishing`` (rate falls and stops some weeks ago).
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.demo.context import DAY, SECOND, Context, jitter, random_times, to_timestamps
from gridmap.demo.names import person_names
from gridmap.domain import HAZARD_DEADLINE_DAYS, LAYERS, HazardStatus, HazardType, PlaceType, Severity
from gridmap.spatial.assign import assign
from gridmap.spatial.crs import STORE_CRS

RATE_PER_HOUSEHOLD = 0.27
HOTSPOT_RATE = (0.6, 0.9)  # extra hazards per household inside a planted disc (uniform range)
HOTSPOT_MIN = 60
DOOR_M = 3.0  # how far from its household's point a planted hazard may lie
HAZARDS = tuple(HazardType)
PLACES = tuple(PlaceType)
_PLACE_SHARE = {"residential": 0.52, "shop": 0.15, "small_venue": 0.10, "workshop": 0.08,
                "ground_floor": 0.09, "public": 0.06}
# Relative weight of each hazard type (columns, HazardType order) at each place type.
_HAZARD_WEIGHTS: dict[str, tuple[float, ...]] = {
    #              ebike_in charge flying escape exit  clutter modif rental gas
    "residential": (3.0, 3.0, 2.5, 1.5, 0.5, 1.0, 0.8, 0.0, 1.5),
    "rental": (2.5, 3.5, 3.0, 1.5, 1.0, 0.8, 1.0, 4.0, 1.0),
    "shop": (1.5, 1.5, 1.5, 1.0, 2.5, 0.5, 1.0, 0.0, 2.5),
    "small_venue": (1.0, 1.5, 1.5, 2.0, 3.0, 0.5, 0.5, 0.5, 2.0),
    "workshop": (1.0, 2.0, 2.0, 2.5, 2.5, 0.5, 1.5, 0.0, 1.5),
    "ground_floor": (3.5, 2.5, 2.0, 1.0, 0.5, 4.0, 0.8, 0.0, 0.3),
    "public": (2.0, 1.0, 1.0, 3.0, 2.0, 1.5, 0.5, 0.0, 0.5),
}
_TYPE_COUNT = np.array([0.70, 0.22, 0.08])
_SEVERITY = (np.array([str(Severity.LOW), str(Severity.MEDIUM), str(Severity.HIGH)]), np.array([0.5, 0.35, 0.15]))
_NEVER_RECTIFIED = 0.012
_LATE = 0.08
_PATTERNS = ("persistent", "new", "intensifying", "diminishing", "persistent", "new", "intensifying",
             "persistent", "new", "diminishing", "persistent", "new")
_HOTSPOT_TYPES = (HazardType.FLYING_WIRE, HazardType.EBIKE_INDOOR_CHARGING, HazardType.RENTAL_FIRE,
                  HazardType.GROUND_FLOOR_CLUTTER, HazardType.BLOCKED_ESCAPE, HazardType.EBIKE_INDOOR)


def inspections_frames(ctx: Context) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``(inspections, planted_hotspots)``, both assigned/ready for the store."""
    rng = ctx.rng("inspections")
    background = _background(ctx, rng)
    hotspots, extra = _hotspots(ctx, rng)
    data = pd.concat([background, extra], ignore_index=True)
    data = _with_types_and_status(ctx, rng, data)
    lon, lat = ctx.places.to_store_xy(data["x"].to_numpy(), data["y"].to_numpy())
    frame = data.drop(columns=["x", "y", "town", "first_type"])
    frame.insert(0, "id", [f"in-{i:06d}" for i in range(len(frame))])
    frame.insert(1, "county_code", ctx.county_code)
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=STORE_CRS)
    points = assign(points, ctx.units[["code", "level", "parent_code", "geometry"]])
    points["address"] = None  # schema 7 (hazard page): the demo's inspections carry no address
    return points[[*LAYERS["inspections"].columns, "geometry"]], hotspots


# --------------------------------------------------------------------------- where and when


def _background(ctx: Context, rng: np.random.Generator) -> pd.DataFrame:
    hh = ctx.pop.households
    urban = ctx.places.villages["urban"].to_numpy()[hh["village"].to_numpy()]
    weight = np.where(hh["rental"].to_numpy(), 4.0, 1.0) * np.where(urban, 1.5, 1.0)
    n = round(RATE_PER_HOUSEHOLD * len(hh))
    pick = rng.choice(len(hh), size=n, p=weight / weight.sum())
    xy = jitter(rng, ctx.household_xy()[pick], 12.0, ctx.places.area)
    rental = hh["rental"].to_numpy()[pick]
    place = rng.choice(list(_PLACE_SHARE), size=n, p=np.array(list(_PLACE_SHARE.values())))
    place = np.where(rental & (rng.random(n) < 0.7), "rental", place)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "place_type": place,
                         "found_at": random_times(rng, n, ctx.start64, ctx.now64, weekend=0.3, hours=(8.5, 17.5)),
                         "town": ctx.units["town"].to_numpy()[ctx.household_micro[pick]], "first_type": ""})


def _hotspots(ctx: Context, rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Planted hotspot records and their extra hazards."""
    n_spots = 12 if ctx.scale == "county" else 5
    centres = _hotspot_centres(ctx, rng, n_spots)
    records: list[dict[str, object]] = []
    extras: list[pd.DataFrame] = []
    for k, (centre, town) in enumerate(centres):
        pattern = _PATTERNS[k % len(_PATTERNS)]
        radius = float(rng.choice([150.0, 200.0, 250.0, 300.0, 400.0]))
        hazard = str(_HOTSPOT_TYPES[k % len(_HOTSPOT_TYPES)])
        start, end = _hotspot_span(ctx, rng, pattern)
        xy = _points_at_households(ctx, rng, centre, radius)
        n_extra = len(xy)
        times = _hotspot_times(rng, pattern, start, end, n_extra, ctx.now64)
        extras.append(pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "place_type": _hotspot_place(hazard, rng, n_extra),
                                    "found_at": times, "town": town, "first_type": hazard}))
        records.append({"id": f"hs-{k:02d}", "county_code": ctx.county_code, "layer": "inspections",
                        "hazard_type": hazard, "radius_m": radius,
                        "start": start.astype("datetime64[D]").astype(dt.date),
                        "end": end.astype("datetime64[D]").astype(dt.date),
                        "pattern": pattern, "extra_points": n_extra, "x": centre[0], "y": centre[1]})
    frame = pd.DataFrame(records)
    lon, lat = ctx.places.to_store_xy(frame.pop("x").to_numpy(), frame.pop("y").to_numpy())
    hotspots = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=STORE_CRS)
    return hotspots[[*LAYERS["planted_hotspots"].columns, "geometry"]], pd.concat(extras, ignore_index=True)


def _hotspot_centres(ctx: Context, rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, int]]:
    """Centres at rental-heavy urban households, at least 1.5 km apart."""
    hh = ctx.pop.households
    urban = ctx.places.villages["urban"].to_numpy()[hh["village"].to_numpy()]
    weight = hh["rooms"].to_numpy() * np.where(urban, 3.0, 1.0) + 0.1
    candidates = rng.choice(len(hh), size=40 * n, p=weight / weight.sum())
    xy = ctx.household_xy()
    inner = shapely.buffer(ctx.places.area, -500.0)
    chosen: list[int] = []
    for gap in (1500.0, 800.0, 300.0, 0.0):
        for c in candidates:
            if len(chosen) == n:
                break
            if not shapely.contains_xy(inner, *xy[c]):
                continue
            if all(np.hypot(*(xy[c] - xy[o])) >= gap for o in chosen):
                chosen.append(int(c))
    towns = ctx.units["town"].to_numpy()[ctx.household_micro]
    return [(xy[c].copy(), int(towns[c])) for c in chosen]


def _hotspot_span(ctx: Context, rng: np.random.Generator, pattern: str) -> tuple[np.datetime64, np.datetime64]:
    now = ctx.now64
    if pattern == "new":
        return now - int(rng.integers(45, 90)) * DAY, now
    if pattern == "diminishing":
        return ctx.start64, now - int(rng.integers(30, 75)) * DAY
    return ctx.start64, now


def _points_at_households(ctx: Context, rng: np.random.Generator, centre: np.ndarray, radius: float) -> np.ndarray:
    """Extra hazards at the households within ``radius`` of ``centre`` (up to
    :data:`DOOR_M` off the door, never outside the disc): :data:`HOTSPOT_RATE` per
    household, a rental twice as likely, at least :data:`HOTSPOT_MIN`; uniform points in
    the disc when it holds no household."""
    xy = ctx.household_xy()
    inside = np.flatnonzero(((xy - centre) ** 2).sum(axis=1) <= (radius - DOOR_M) ** 2)
    n = int(max(HOTSPOT_MIN, round(len(inside) * rng.uniform(*HOTSPOT_RATE))))
    if len(inside) == 0:
        return _points_in_disc(ctx, rng, centre, radius, n)
    weight = np.where(ctx.pop.households["rental"].to_numpy()[inside], 2.0, 1.0)
    pick = rng.choice(inside, size=n, p=weight / weight.sum())
    return jitter(rng, xy[pick], DOOR_M, ctx.places.area)


def _points_in_disc(ctx: Context, rng: np.random.Generator, centre: np.ndarray, radius: float, n: int) -> np.ndarray:
    """``n`` points within 0.95 * radius of ``centre`` and inside the area."""
    out = np.empty((0, 2))
    while len(out) < n:
        r = 0.95 * radius * np.sqrt(rng.random(3 * n))
        a = rng.uniform(0, 2 * np.pi, 3 * n)
        cand = centre + np.column_stack([r * np.cos(a), r * np.sin(a)])
        out = np.vstack([out, cand[shapely.contains_xy(ctx.places.area, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _hotspot_times(rng: np.random.Generator, pattern: str, start: np.datetime64, end: np.datetime64, n: int,
                   now: np.datetime64) -> np.ndarray:
    u = rng.random(n)
    if pattern == "intensifying":
        u = np.sqrt(u)
    elif pattern == "diminishing":
        u = 1.0 - np.sqrt(u)
    span = (end - start) / SECOND
    day_start = start + (u * span).astype(np.int64) * SECOND
    day = day_start.astype("datetime64[D]") + (rng.uniform(8.5, 17.5, n) * 3600).astype(np.int64) * SECOND
    return np.clip(day, start, min(end, now)).astype("datetime64[s]")


def _hotspot_place(hazard: str, rng: np.random.Generator, n: int) -> np.ndarray:
    if hazard == HazardType.RENTAL_FIRE:
        return np.full(n, "rental")
    if hazard == HazardType.GROUND_FLOOR_CLUTTER:
        return np.full(n, "ground_floor")
    return rng.choice(["residential", "rental", "ground_floor", "shop"], size=n, p=[0.4, 0.35, 0.15, 0.1])


# --------------------------------------------------------------------------- what and how it went


def _with_types_and_status(ctx: Context, rng: np.random.Generator, data: pd.DataFrame) -> pd.DataFrame:
    n = len(data)
    data["hazard_types"] = _hazard_types(rng, data["place_type"].to_numpy(), data["first_type"].to_numpy())
    severity = rng.choice(_SEVERITY[0], size=n, p=_SEVERITY[1])
    found = data["found_at"].to_numpy().astype("datetime64[s]")
    days = _deadline_days(severity)
    deadline = found + (days * 86400).astype(np.int64) * SECOND
    status, rectified = _status(rng, found, deadline, ctx.now64)
    inspectors = person_names(rng, 8 * len(ctx.places.towns)).reshape(len(ctx.places.towns), 8)
    data["severity"] = severity
    data["status"] = status
    data["found_at"] = to_timestamps(found)
    data["deadline"] = to_timestamps(deadline)
    data["rectified_at"] = to_timestamps(rectified)
    data["inspector"] = inspectors[data["town"].to_numpy(), rng.integers(0, 8, n)]
    order = np.argsort(found, kind="stable")
    return data.iloc[order].reset_index(drop=True)


def _deadline_days(severity: np.ndarray) -> np.ndarray:
    lookup = {str(k): v for k, v in HAZARD_DEADLINE_DAYS.items()}
    return np.array([lookup[s] for s in severity], dtype=np.int64)


def _hazard_types(rng: np.random.Generator, place: np.ndarray, first: np.ndarray) -> list[list[str]]:
    """1-3 distinct types per hazard, weighted by place; ``first`` (if set) leads."""
    n = len(place)
    weights = np.array([_HAZARD_WEIGHTS[str(p)] for p in PLACES])[pd.Index([str(p) for p in PLACES]).get_indexer(place)]
    keys = np.log(np.maximum(weights, 1e-12)) + rng.gumbel(size=(n, len(HAZARDS)))
    lead = np.array([HAZARDS.index(HazardType(f)) if f else -1 for f in first])
    keys[lead >= 0, lead[lead >= 0]] = np.inf
    ranked = np.argsort(-keys, axis=1)
    count = rng.choice([1, 2, 3], size=n, p=_TYPE_COUNT)
    names = np.array([str(h) for h in HAZARDS], dtype=object)
    return [list(names[ranked[i, :count[i]]]) for i in range(n)]


def _status(rng: np.random.Generator, found: np.ndarray, deadline: np.ndarray,
            now: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Status now and rectification moment (NaT while not rectified)."""
    n = len(found)
    allowed = (deadline - found) / SECOND
    late = rng.random(n) < _LATE
    share = np.where(late, rng.uniform(1.1, 4.0, n), rng.beta(2.0, 3.0, n))
    rectified = found + (allowed * share).astype(np.int64) * SECOND
    never = rng.random(n) < _NEVER_RECTIFIED
    verified_at = rectified + (rng.uniform(0.2, 5.0, n) * 86400).astype(np.int64) * SECOND
    done = ~never & (rectified <= now)
    status = np.where(done & (verified_at <= now), str(HazardStatus.VERIFIED), str(HazardStatus.RECTIFIED)).astype(object)
    waiting = ~done
    overdue = waiting & (deadline < now)
    working = waiting & ~overdue & (rng.random(n) < 0.6)
    status[waiting] = str(HazardStatus.FOUND)
    status[working] = str(HazardStatus.RECTIFYING)
    status[overdue] = str(HazardStatus.OVERDUE)
    rectified_out = np.where(done, rectified, np.datetime64("NaT"))
    return status, rectified_out
