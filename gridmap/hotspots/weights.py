"""Who is whose neighbour: queen contiguity on units, k-rings on H3 cells.

Both builders return a :class:`Neighbours`: a binary libpysal ``W`` whose ids are the
row positions ``0..n-1`` of the input, **with each unit its own neighbour** (weight 1
on the diagonal, as Getis-Ord Gi* wants: the local sum includes the unit itself).

- :func:`unit_neighbours` -- queen contiguity (units sharing an edge or a corner),
  libpysal's ``Queen``. A unit that touches no other (an island: an enclave of another
  plan, a unit across a river) would be compared with itself only; it gets its nearest
  unit (centroid distance in the metric CRS) as a neighbour instead, both ways, so every
  unit has at least one neighbour besides itself.
- :func:`h3_neighbours` -- the cells within ``k`` steps on the H3 grid (``grid_disk``),
  among the cells given.

Both are cached per process (the last :data:`CACHE_SIZE` sets of units or cells, keyed by
a hash of the codes and geometries): a filter change on the page re-counts the points but
does not rebuild the weights. Each :class:`Neighbours` carries that ``key``, and the
analysis caches its results by it.
"""

from __future__ import annotations

import hashlib
import threading
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import h3
import libpysal
import numpy as np
import shapely
from libpysal.graph import Graph

from gridmap.spatial.crs import to_metric

__all__ = ["CACHE_SIZE", "Neighbours", "clear_cache", "h3_neighbours", "neighbours_from_lists", "unit_neighbours"]

CACHE_SIZE = 8
_cache: OrderedDict[str, Neighbours] = OrderedDict()
_cache_lock = threading.Lock()


def clear_cache() -> None:
    """Forget the cached weights."""
    with _cache_lock:
        _cache.clear()


def _cached(key: str) -> Neighbours | None:
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
        return found


def _remember(nb: Neighbours) -> Neighbours:
    with _cache_lock:
        _cache[nb.key] = nb
        _cache.move_to_end(nb.key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return nb


@dataclass(frozen=True)
class Neighbours:
    """A binary spatial weights matrix with self-neighbours.

    Attributes:
        w: libpysal ``W``, ids ``0..n-1`` in input order, binary, diagonal 1.
        kind: ``"queen"`` or ``"h3"`` (for the page's wording).
        k: The ring size for H3 (0 for queen).
        islands: Positions of units that touched no other unit and were given their
            nearest unit as a neighbour.
        key: A hash of what the weights were built from (codes and geometries, or cells
            and ``k``); equal keys mean equal weights.
        graph: The same weights as an immutable libpysal ``Graph`` (what esda is given:
            a ``W`` rebuilds its sparse matrix twice per call when esda sets its
            transform; the Graph does not, which makes analytic Gi* several times faster).
    """

    w: libpysal.weights.W
    kind: str
    k: int = 0
    islands: tuple[int, ...] = ()
    key: str = ""
    graph: Graph | None = None

    @property
    def n(self) -> int:
        return int(self.w.n)

    @cached_property
    def others(self) -> tuple[np.ndarray, np.ndarray]:
        """Each unit's neighbours without itself, in CSR form ``(indptr, indices)`` (for
        :func:`gridmap.hotspots.permute.permuted_sums`); computed once per weights."""
        rows = [sorted(int(j) for j in self.w.neighbors[i] if j != i) for i in range(self.n)]
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        indptr[1:] = np.cumsum([len(r) for r in rows])
        indices = np.fromiter((j for r in rows for j in r), dtype=np.int64, count=int(indptr[-1]))
        return indptr, indices

    @property
    def description(self) -> str:
        """English words for the method line: ``"queen contiguity, self included"``."""
        if self.kind == "h3":
            return f"h3 k-ring {self.k}, self included"
        return "queen contiguity, self included"


def neighbours_from_lists(lists: list[list[int]], kind: str, k: int = 0,
                          islands: tuple[int, ...] = (), key: str = "") -> Neighbours:
    """A :class:`Neighbours` from per-position neighbour lists (self added if missing)."""
    neighbors: dict[int, list[int]] = {}
    for i, js in enumerate(lists):
        row = sorted({int(j) for j in js} | {i})
        neighbors[i] = row
    weights = {i: [1.0] * len(js) for i, js in neighbors.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.W(neighbors, weights, id_order=list(range(len(lists))), silence_warnings=True)
    w.transform = "B"
    return Neighbours(w=w, kind=kind, k=k, islands=islands, key=key, graph=Graph.from_W(w))


def unit_neighbours(units: gpd.GeoDataFrame) -> Neighbours:
    """Queen contiguity among ``units`` (polygons in EPSG:4326), self included.

    Raises:
        ValueError: when there are no units, a geometry is missing or empty, or the
            frame has no CRS.
    """
    if len(units) == 0:
        raise ValueError("no units to build neighbours for")
    if units.crs is None:
        raise ValueError("the units have no CRS (expected EPSG:4326)")
    geoms = units.geometry.to_numpy()
    bad = [i for i, g in enumerate(geoms) if g is None or shapely.is_empty(g)]
    if bad:
        raise ValueError(f"{len(bad)} unit(s) without geometry (first at row {bad[0]})")
    digest = hashlib.sha1(b"queen")
    if "code" in units.columns:
        digest.update("\x1f".join(units["code"].astype(str)).encode())
    digest.update(b"".join(shapely.to_wkb(geoms, hex=False)))
    key = digest.hexdigest()
    found = _cached(key)
    if found is not None:
        return found
    frame = gpd.GeoDataFrame(geometry=units.geometry.reset_index(drop=True), crs=units.crs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        queen = libpysal.weights.Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    lists = [list(queen.neighbors.get(i, [])) for i in range(len(frame))]
    islands = tuple(i for i, js in enumerate(lists) if not js)
    if islands and len(frame) > 1:
        centres = shapely.get_coordinates(to_metric(frame).geometry.representative_point())
        for i in islands:
            d = np.hypot(*(centres - centres[i]).T)
            d[i] = np.inf
            j = int(np.argmin(d))
            lists[i].append(j)
            lists[j].append(i)
    return _remember(neighbours_from_lists(lists, "queen", islands=islands, key=key))


def h3_neighbours(cells: list[str], k: int = 1) -> Neighbours:
    """Cells within ``k`` grid steps of each other, among ``cells``, self included."""
    if k < 1:
        raise ValueError(f"k-ring size must be at least 1, got {k}")
    key = hashlib.sha1(f"h3 {k}\x1f".encode() + "\x1f".join(cells).encode()).hexdigest()
    found = _cached(key)
    if found is not None:
        return found
    position = {c: i for i, c in enumerate(cells)}
    lists = [[position[n] for n in h3.grid_disk(c, k) if n in position] for c in cells]
    return _remember(neighbours_from_lists(lists, "h3", k=k, key=key))
