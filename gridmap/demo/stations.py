"""Service stations (党群服务站 and kin), placed among the households they serve.

* ``party_l2``: one second-level party service station per grid.
* ``party_l3``: a third-level service point in about a third of the grids.
* ``happiness``: 幸福小站 in a third of the villages (more in towns).
* ``exam_help``: about 20 temporary 助考小站 in urban communities, most around the
  June gaokao and some around Zhejiang's January 选考, so most are closed now.
* ``police_post``: one per town plus one per eight urban communities.
* ``governance_centre``: one 综治中心 per town and the county's own.
* ``neighbourhood_centre``: half of the urban communities (NBS 111/121).

Grid stations get the 3,000 yuan start-up fund.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.demo.context import Context, jitter
from gridmap.demo.names import SERVICES, person_names
from gridmap.demo.places import COUNTY_NAME
from gridmap.domain import LAYERS, Level, StationType
from gridmap.i18n import t
from gridmap.spatial.assign import assign
from gridmap.spatial.crs import STORE_CRS

START_UP_FUND = 3000
_FUNDED = {StationType.PARTY_L2, StationType.PARTY_L3, StationType.HAPPINESS, StationType.EXAM_HELP}
_EXAM_STATIONS = 20


def stations_frame(ctx: Context) -> gpd.GeoDataFrame:
    """Every station type, assigned to units."""
    rng = ctx.rng("stations")
    rows: list[dict[str, object]] = []
    rows += _per_grid(ctx, rng)
    rows += _per_village(ctx, rng)
    rows += _exam_help(ctx, rng)
    rows += _per_town(ctx, rng)
    frame = pd.DataFrame(rows)
    xy = jitter(rng, np.column_stack([frame.pop("x"), frame.pop("y")]), 15.0, ctx.places.area)
    frame["services"] = [_services(rng, t) for t in frame["station_type"]]
    frame["funding_yuan"] = [START_UP_FUND if StationType(t) in _FUNDED else None for t in frame["station_type"]]
    frame["funding_yuan"] = frame["funding_yuan"].astype("Int64")
    _registry(ctx, frame)
    frame.insert(0, "id", [f"st-{i:05d}" for i in range(len(frame))])
    frame.insert(1, "county_code", ctx.county_code)
    lon, lat = ctx.places.to_store_xy(xy[:, 0], xy[:, 1])
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=STORE_CRS)
    return assign(points, ctx.units[["code", "level", "parent_code", "geometry"]])[[*LAYERS["stations"].columns, "geometry"]]


# The registry's level and opening hours per type (schema version 9), and its staff (one
# or two invented names, from a random stream of its own so the other layers stay the same).
_LEVEL = {StationType.PARTY_L2: "grid", StationType.PARTY_L3: "grid", StationType.HAPPINESS: "village",
          StationType.EXAM_HELP: "village", StationType.POLICE_POST: "village", StationType.GOVERNANCE_CENTRE: "town",
          StationType.NEIGHBOURHOOD_CENTRE: "village"}
_HOURS = {StationType.EXAM_HELP: "考试期间 7:00-18:00", StationType.POLICE_POST: "全天",
          StationType.GOVERNANCE_CENTRE: "周一至周五 8:30-17:30", StationType.HAPPINESS: "每天 9:00-20:00"}
_DEFAULT_HOURS = "周一至周五 8:30-17:30，周六 9:00-12:00"


def _registry(ctx: Context, frame: pd.DataFrame) -> None:
    rng = ctx.rng("station_registry")
    kinds = [StationType(k) for k in frame["station_type"]]
    frame["level"] = [_LEVEL[k] for k in kinds]
    frame.loc[frame["name"].str.endswith("社会治理中心"), "level"] = "county"
    frame["hours"] = [_HOURS.get(k, _DEFAULT_HOURS) for k in kinds]
    names = person_names(rng, 2 * len(frame))
    counts = rng.integers(1, 3, len(frame))
    frame["staff"] = [[str(n) for n in names[2 * i: 2 * i + c]] for i, c in enumerate(counts)]
    frame["closed_note"] = None


def _household_in(ctx: Context, rng: np.random.Generator, unit_rows: np.ndarray) -> np.ndarray:
    """For each unit row, the metric point of one of its households (a random one)."""
    codes = ctx.units["code"].to_numpy()
    order, sorted_codes = _households_by_code(ctx)
    xy = ctx.household_xy()
    out = np.empty((len(unit_rows), 2))
    for k, row in enumerate(unit_rows):
        prefix = codes[row]
        lo = np.searchsorted(sorted_codes, prefix, side="left")
        hi = np.searchsorted(sorted_codes, prefix + "\uffff", side="left")
        out[k] = xy[order[lo + int(rng.integers(0, max(hi - lo, 1)))]]
    return out


def _households_by_code(ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Household rows ordered by micro-grid code, and the sorted codes (cached per run)."""
    cached = ctx.cache.get("households_by_code")
    if not isinstance(cached, tuple):
        micro_codes = ctx.units["code"].to_numpy()[ctx.household_micro].astype(str)
        order = np.argsort(micro_codes, kind="stable")
        cached = ctx.cache["households_by_code"] = (order, micro_codes[order])
    order, codes = cached
    return order, codes


def _opened(ctx: Context, rng: np.random.Generator, n: int, max_days: int = 1500) -> list[dt.date]:
    return [ctx.today - dt.timedelta(days=int(d)) for d in rng.integers(20, max_days, n)]


def _per_grid(ctx: Context, rng: np.random.Generator) -> list[dict[str, object]]:
    grids = ctx.level_rows(Level.GRID)
    names = ctx.units["name"].to_numpy()
    rows: list[dict[str, object]] = []
    for kind, share, suffix in ((StationType.PARTY_L2, 1.0, "党群服务站"), (StationType.PARTY_L3, 0.35, "党群服务点")):
        chosen = grids[rng.random(len(grids)) < share]
        xy = _household_in(ctx, rng, chosen)
        for row, p, opened in zip(chosen, xy, _opened(ctx, rng, len(chosen)), strict=True):
            rows.append(_row(f"{names[row]}{suffix}", kind, opened, None, p))
    return rows


def _per_village(ctx: Context, rng: np.random.Generator) -> list[dict[str, object]]:
    villages = ctx.level_rows(Level.VILLAGE)
    info = ctx.places.villages.iloc[ctx.units["village"].to_numpy()[villages]]
    urban = info["urban"].to_numpy()
    dense = info["nbs_class"].isin(["111", "121"]).to_numpy()
    names = ctx.units["name"].to_numpy()[villages]
    rows: list[dict[str, object]] = []
    plan = ((StationType.HAPPINESS, np.where(urban, 0.6, 0.3), "幸福小站"),
            (StationType.NEIGHBOURHOOD_CENTRE, np.where(dense, 0.5, 0.0), "邻里中心"))
    for kind, share, suffix in plan:
        chosen = rng.random(len(villages)) < share
        xy = _household_in(ctx, rng, villages[chosen])
        for name, p, opened in zip(names[chosen], xy, _opened(ctx, rng, int(chosen.sum())), strict=True):
            rows.append(_row(f"{name}{suffix}", kind, opened, None, p))
    return rows


def _exam_help(ctx: Context, rng: np.random.Generator) -> list[dict[str, object]]:
    """Temporary exam-help stations around the latest June gaokao or January 选考."""
    villages = ctx.level_rows(Level.VILLAGE)
    urban = ctx.places.villages["urban"].to_numpy()[ctx.units["village"].to_numpy()[villages]]
    candidates = villages[urban] if urban.any() else villages
    n = min(len(candidates), max(2, round(_EXAM_STATIONS * len(ctx.pop.households) / 200_000)))
    chosen = rng.choice(candidates, size=n, replace=False)
    xy = _household_in(ctx, rng, chosen)
    names = ctx.units["name"].to_numpy()
    rows: list[dict[str, object]] = []
    for row, p in zip(chosen, xy, strict=True):
        june = rng.random() < 0.75
        opened, closes = _exam_window(ctx.today, june, rng)
        rows.append(_row(f"{names[row]}{'高考' if june else '选考'}助考小站", StationType.EXAM_HELP, opened, closes, p))
    return rows


def _exam_window(today: dt.date, june: bool, rng: np.random.Generator) -> tuple[dt.date, dt.date]:
    """Opening and closing dates around the most recent exam that has begun."""
    month, exam_day, length = (6, 7, 3) if june else (1, 6, 4)
    year = today.year if (today.month, today.day) >= (month, exam_day - 4) else today.year - 1
    opened = dt.date(year, month, exam_day) - dt.timedelta(days=int(rng.integers(2, 5)))
    closes = dt.date(year, month, exam_day) + dt.timedelta(days=length + int(rng.integers(0, 3)))
    return opened, closes


def _per_town(ctx: Context, rng: np.random.Generator) -> list[dict[str, object]]:
    towns = ctx.level_rows(Level.TOWN)
    units = ctx.units
    rows: list[dict[str, object]] = []
    for row in towns:
        town = ctx.places.towns.iloc[units["town"].to_numpy()[row]]
        centre = _nearest_household(ctx, np.array([town["x"], town["y"]]), row)
        rows.append(_row(f"{town['name']}综治中心", StationType.GOVERNANCE_CENTRE,
                         _opened(ctx, rng, 1, 2500)[0], None, centre))
        mine = ctx.level_rows(Level.VILLAGE)
        mine = mine[units["town"].to_numpy()[mine] == units["town"].to_numpy()[row]]
        urban = mine[ctx.places.villages["urban"].to_numpy()[units["village"].to_numpy()[mine]]]
        posts = rng.choice(urban if len(urban) else mine, size=min(len(urban) or 1, 1 + len(urban) // 8),
                           replace=False)
        for village, p in zip(posts, _household_in(ctx, rng, posts), strict=True):
            rows.append(_row(f"{units['name'].iat[village]}警务站", StationType.POLICE_POST,
                             _opened(ctx, rng, 1, 2500)[0], None, p))
    seat = np.array(ctx.places.county_seat)
    if not shapely.contains_xy(ctx.places.area, seat[0], seat[1]):
        seat = np.array([rows[-1]["x"], rows[-1]["y"]], dtype=float)
    rows.append(_row(f"{COUNTY_NAME}社会治理中心", StationType.GOVERNANCE_CENTRE,
                     _opened(ctx, rng, 1, 2500)[0], None, np.asarray(seat, dtype=float)))
    return rows


def _nearest_household(ctx: Context, point: np.ndarray, town_row: int) -> np.ndarray:
    xy = ctx.household_xy()
    mine = ctx.units["town"].to_numpy()[ctx.household_micro] == ctx.units["town"].to_numpy()[town_row]
    candidates = xy[mine] if mine.any() else xy
    return candidates[int(np.argmin(((candidates - point) ** 2).sum(axis=1)))]


def _row(name: str, kind: StationType, opened: dt.date, closes: dt.date | None, xy: np.ndarray) -> dict[str, object]:
    return {"name": name, "station_type": str(kind), "opened": opened, "closes": closes,
            "x": float(xy[0]), "y": float(xy[1])}


def _services(rng: np.random.Generator, kind: str) -> list[str]:
    pool = SERVICES[kind]
    k = int(rng.integers(min(3, len(pool)), len(pool) + 1))
    return [str(s) for s in rng.choice(np.array(pool, dtype=object), size=k, replace=False)]


# Supervision visits (schema version 9): about 70% of the stations open today were visited
# at least once in the last ten months, most from a few metres away, some (5%) from far.
_VISITED_SHARE = 0.7
_FAR_SHARE = 0.05


def visits_frame(ctx: Context, stations: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Invented supervision visits to the demo's stations (:mod:`gridmap.stations.visits`)."""
    from gridmap.domain import VISIT_CHECKLIST
    from gridmap.stations.registry import active_on
    from gridmap.stations.visits import distance_m

    rng = ctx.rng("station_visits")
    candidates = stations[active_on(stations, ctx.today)]
    rows: list[dict[str, object]] = []
    geoms = []
    for _, station in candidates.iterrows():
        if rng.random() >= _VISITED_SHARE:
            continue
        for _ in range(int(rng.integers(1, 4))):
            days = int(rng.integers(1, 300))
            day = dt.datetime.combine(ctx.today - dt.timedelta(days=days), dt.time(8, 30))
            at = day + dt.timedelta(minutes=int(rng.integers(0, 540)))  # unannounced, in working hours
            far = rng.random() < _FAR_SHARE
            metres = float(rng.uniform(250, 600) if far else rng.exponential(25))
            angle = float(rng.uniform(0, 2 * np.pi))
            lat = station.geometry.y + metres * np.sin(angle) / 111_000
            lon = station.geometry.x + metres * np.cos(angle) / (111_000 * np.cos(np.radians(station.geometry.y)))
            checks = {item: bool(rng.random() < 0.85) for item in VISIT_CHECKLIST}
            failed = [t(f"stations.check.{k}", "zh") for k, v in checks.items() if not v]  # stored text: words
            follow = ["整改：" + "、".join(failed)] if failed else []
            measured = distance_m(lon, lat, station.geometry.x, station.geometry.y)
            rows.append({"id": f"sv-{len(rows):05d}", "county_code": ctx.county_code, "station_id": station["id"],
                         "visited_at": at.replace(microsecond=0), "visitor": "督查组", "distance_m": round(measured, 1),
                         "far": measured > 200, "checklist": checks, "passed": sum(checks.values()),
                         "items": len(checks), "follow_up": follow, "note": None,
                         "town_code": station["town_code"], "micro_code": station["micro_code"]})
            geoms.append(shapely.Point(lon, lat))
    columns = [*LAYERS["station_visits"].columns]
    return gpd.GeoDataFrame(pd.DataFrame(rows, columns=columns), geometry=geoms, crs=STORE_CRS)
