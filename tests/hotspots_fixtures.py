"""Small hand-made lattices for the hot-spot tests (no store needed)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

# Lattices of square units, 0.001 degrees (~100 m) each, near Cangnan.
ORIGIN = (120.40, 27.50)
SIZE = 0.001


def lattice(rows: int, cols: int, values: np.ndarray | None = None, households: np.ndarray | None = None,
            size: float = SIZE) -> gpd.GeoDataFrame:
    """``rows x cols`` square units, row-major from the top left; codes ``u<row><col>``."""
    x0, y0 = ORIGIN
    xs = x0 + np.arange(cols + 1) * size  # shared edges: the very same coordinates
    ys = y0 - np.arange(rows + 1) * size
    polys, codes = [], []
    for r in range(rows):
        for c in range(cols):
            polys.append(shapely.box(xs[c], ys[r + 1], xs[c + 1], ys[r]))
            codes.append(f"u{r:02d}{c:02d}")
    frame = gpd.GeoDataFrame({"code": codes, "level": "micro"}, geometry=polys, crs="EPSG:4326")
    if values is not None:
        frame["value"] = np.asarray(values, dtype=float).reshape(-1)
    frame["households"] = (np.full(rows * cols, 30) if households is None
                           else np.asarray(households).reshape(-1))
    return frame


def points_for_counts(units: gpd.GeoDataFrame, counts: np.ndarray, seed: int = 0,
                      extra: dict[str, object] | None = None) -> gpd.GeoDataFrame:
    """``counts[i]`` points inside unit ``i`` (random interior positions, fixed seed)."""
    rng = np.random.default_rng(seed)
    xs, ys, where = [], [], []
    for i, (geom, n) in enumerate(zip(units.geometry, np.asarray(counts).reshape(-1), strict=True)):
        minx, miny, maxx, maxy = geom.bounds
        k = int(n)
        xs.append(rng.uniform(minx + 1e-6, maxx - 1e-6, k))
        ys.append(rng.uniform(miny + 1e-6, maxy - 1e-6, k))
        where.extend([i] * k)
    x = np.concatenate(xs) if xs else np.empty(0)
    y = np.concatenate(ys) if ys else np.empty(0)
    frame = gpd.GeoDataFrame({"unit": where, **(extra or {})}, geometry=shapely.points(x, y), crs="EPSG:4326")
    return frame
