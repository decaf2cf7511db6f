"""The households layer (实有房屋): standard addresses, people, rentals, collection.

Urban addresses name the estate, building, stairwell and flat
(``宜山镇龙头社区锦绣花园3幢2单元501室``); rural ones the village group and house
number (``宜山镇下黄村3组15号``). Addresses are written from the household's final
village, after the boundaries are built.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.demo.context import Context
from gridmap.demo.names import ESTATES
from gridmap.domain import LAYERS
from gridmap.spatial.assign import assign
from gridmap.spatial.crs import STORE_CRS


def households_frame(ctx: Context) -> gpd.GeoDataFrame:
    """All households with the layer's columns, assigned to units."""
    hh = ctx.pop.households
    lon, lat = ctx.places.to_store_xy(hh["x"].to_numpy(), hh["y"].to_numpy())
    frame = pd.DataFrame({
        "id": [f"hh-{i:06d}" for i in range(len(hh))],
        "county_code": ctx.county_code,
        "address": _addresses(ctx),
        "residents": hh["residents"].to_numpy(),
        "floating": hh["floating"].to_numpy(),
        "rental": hh["rental"].to_numpy(),
        "rooms": hh["rooms"].to_numpy(),
        "collected": hh["collected"].to_numpy(),
    })
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=STORE_CRS)
    return assign(points, ctx.units[["code", "level", "parent_code", "geometry"]])[[*LAYERS["households"].columns, "geometry"]]


def _addresses(ctx: Context) -> list[str]:
    hh = ctx.pop.households
    villages = ctx.places.villages
    towns = ctx.places.towns.set_index("code")["name"]
    v = hh["village"].to_numpy()
    prefix = (villages["town_code"].map(towns) + villages["name"]).to_numpy()[v]
    estate_names = _estate_names(hh)
    out: list[str] = []
    for i, (p, estate, building, unit, floor, room, hamlet, number) in enumerate(zip(
            prefix, hh["estate"].to_numpy(), hh["building"].to_numpy(), hh["unit"].to_numpy(),
            hh["floor"].to_numpy(), hh["room"].to_numpy(), hh["hamlet"].to_numpy(), hh["number"].to_numpy(),
            strict=True)):
        if estate >= 0:
            out.append(f"{p}{estate_names[i]}{building}幢{unit}单元{floor}{room:02d}室")
        else:
            out.append(f"{p}{hamlet + 1}组{number}号")
    return out


def _estate_names(hh: pd.DataFrame) -> np.ndarray:
    """An estate name per household: distinct within a village, varied across villages."""
    pool = np.array(ESTATES, dtype=object)
    offset = (hh["village"].to_numpy() * 7) % len(pool)
    return pool[(offset + np.maximum(hh["estate"].to_numpy(), 0)) % len(pool)]
