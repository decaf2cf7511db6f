"""Auto-partition (自动划分): a grid, or every grid of a village, into ~30-household micro-grids.

:func:`auto_partition` builds the grid's atomic cells (:mod:`gridmap.plan.cells`, one
per household or building cluster, here over the whole grid, ignoring the current
micro-grids), their adjacency graph with household counts as population, and calls
GerryChain's ``recursive_tree_part`` (spanning-tree cuts: every part is connected). The
resulting assignment becomes the grid's new micro-grids through
:func:`~gridmap.plan.cells.plan_from_assignment`, so they cover the grid exactly.

The tolerance. GerryChain's ``epsilon`` is the allowed deviation from the ideal
(households / number of parts). With cells of 1-6 households a tight ``epsilon`` often
has no solution (5% failed in the measurements: 220 s before giving up at 900 cells),
so by default the schedule :data:`EPSILONS` is tried from the tightest band: 10 %
(27-33 households for an ideal of 30), 20 % (24-36), 1/3 (20-40, the checks' default
band) and 1/2 (15-45), each with :data:`TRIES_PER_BAND` seeds derived from ``seed`` and
each try capped at :data:`MAX_ATTEMPTS` spanning trees per cut, so a hopeless band
fails in about a second. The band used is reported in the result. With ``tolerance``
given, only that band is tried.

A village keeps its grids: each grid is partitioned on its own, and the grids'
boundaries, codes, names and staff (the grid worker) stay as they are. Grids are the
unit a grid worker is responsible for; re-drawing them is a planner's decision (split,
merge), not a side effect of balancing micro-grids.

Building clusters of more than ``target`` households (apartment blocks) are cut into
one cell per household, or no band could hold them; such a block may then be shared
by two micro-grids (its flats are counted, not drawn).

Parts do not follow roads or rivers: the data has none, so the cuts follow only the
households' Voronoi cells. New micro-grids get new codes (numbers not used under the
grid), so an old code never names a different area.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Callable, Mapping
from functools import partial

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from gerrychain import Graph
from gerrychain.partition import recursive_tree_part
from gerrychain.tree import bipartition_tree

from gridmap.domain import Level
from gridmap.i18n import label, t
from gridmap.plan.cells import CLUSTER_M, _cells, _children, plan_from_assignment
from gridmap.plan.context import band_for
from gridmap.plan.errors import BadEdit, PlanError
from gridmap.plan.model import EditResult
from gridmap.spatial.tessellate import face_adjacency

__all__ = ["DEFAULT_TARGET", "EPSILONS", "MAX_ATTEMPTS", "TRIES_PER_BAND", "Progress", "auto_partition",
           "cell_graph"]

DEFAULT_TARGET = 30
# Deviations from the ideal tried in turn (tightest first) when no tolerance is given.
EPSILONS: tuple[float, ...] = (0.1, 0.2, 1 / 3, 0.5)
# Seeds tried per band before widening it.
TRIES_PER_BAND = 3
# Spanning trees drawn per cut before a try gives up.
MAX_ATTEMPTS = 300

Progress = Callable[[float, str], None]


def auto_partition(plan: gpd.GeoDataFrame, unit_code: str, households: gpd.GeoDataFrame, *,
                   target: int = DEFAULT_TARGET, tolerance: float | None = None, seed: int = 0,
                   progress: Progress | None = None, lang: str | None = None,
                   bands: Mapping[str, tuple[int, int]] | None = None) -> EditResult:
    """Split a grid (or each grid of a village) into contiguous micro-grids of about
    ``target`` households, replacing its current micro-grids.

    Args:
        plan: the plan frame; never modified.
        unit_code: a grid, or a village/community (each of its grids is partitioned).
        households: household points (EPSG:4326, ``id``, ``residents``).
        target: households per micro-grid wanted; the number of parts of a grid is
            ``round(households / target)`` (at least 1).
        tolerance: the allowed deviation from the ideal as a fraction (0.2: ±20 %);
            None tries :data:`EPSILONS` from the tightest.
        seed: the same seed gives the same micro-grids.
        progress: called as ``progress(fraction, message)``.
        lang: the language of the progress messages.
        bands: the planners' households bands by unit code (the nearest listed ancestor
            of a grid wins, as in the checks). For a grid with a band, the number of
            parts is the one closest to ``households / target`` whose mean lies in the
            band, and the tolerances that keep every part inside the band are tried
            first (wider ones only when none of those gives a partition).

    Returns:
        The new plan; ``added`` the new micro-grids, ``removed`` the old ones;
        ``params`` has ``low``/``high`` (the widest band used) and ``bands``
        (grid code -> ``(low, high, epsilon, try)``).

    Raises:
        BadEdit: the unit is not a grid or village, a bad target or tolerance.
        PlanError: an unknown unit, a village without grids, a grid without
            households, or no partition found within the bands.
    """
    if target <= 0:
        raise BadEdit("plan.partition.bad_target", target=target)
    if tolerance is not None and not 0 < tolerance < 1:
        raise BadEdit("plan.partition.bad_tolerance", tolerance=tolerance)
    report = progress or _silent
    grids = _grids(plan, unit_code)
    epsilons = (tolerance,) if tolerance is not None else EPSILONS
    row_of = {str(c): i for i, c in enumerate(plan["code"])}
    parents = [None if not isinstance(p, str) else p for p in plan["parent_code"]]
    current = plan
    added: set[str] = set()
    removed: set[str] = set()
    changed: set[str] = set()
    used: dict[str, tuple[int, int, float, int]] = {}
    for i, grid in enumerate(grids.itertuples(index=False)):
        span = (i / len(grids), (i + 1) / len(grids))
        report(span[0], t("plan.partition.progress_cells", lang, code=grid.code))
        wanted = band_for(grid.code, bands, (-1, -1), row_of, parents) if bands else None
        wanted = None if wanted == (-1, -1) else wanted
        result, band = _partition_grid(current, grid.code, households, target, epsilons, seed, report, span, lang,
                                       wanted)
        current = result.plan
        added = (added | result.added) - result.removed
        removed |= result.removed - added
        changed |= result.changed
        used[grid.code] = band
    report(1.0, t("plan.partition.progress_done", lang))
    low = min(b[0] for b in used.values())
    high = max(b[1] for b in used.values())
    return EditResult(current, frozenset(changed | added), frozenset(added), frozenset(removed), {},
                      "plan.partition.done", {"code": unit_code, "count": len(added), "low": low, "high": high,
                                              "bands": used})


def cell_graph(cells: gpd.GeoDataFrame) -> Graph:
    """The adjacency graph of cells (nodes 0..n-1 in row order, ``households`` as population).

    Cells that share a border are adjacent (not those touching at a point).
    """
    geoms = cells.geometry.to_numpy()
    adj = face_adjacency(geoms)
    g = nx.Graph()
    for n, hh in enumerate(cells["households"].to_numpy()):
        g.add_node(n, households=int(hh))
    g.add_edges_from(zip(adj.a.tolist(), adj.b.tolist(), strict=True))
    if len(geoms) > 1 and not nx.is_connected(g):
        # Vertices of a shared border not matched exactly: fall back to a geometric test.
        left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        keep = left < right
        for a, b in zip(left[keep], right[keep], strict=True):
            if shapely.length(shapely.intersection(geoms[a], geoms[b])) > 0:
                g.add_edge(int(a), int(b))
    return Graph.from_networkx(g)


def _grids(plan: gpd.GeoDataFrame, unit_code: str) -> pd.DataFrame:
    found = plan.loc[plan["code"] == unit_code]
    if found.empty:
        raise PlanError("plan.partition.unknown_unit", code=unit_code)
    unit = found.iloc[0]
    if unit["level"] == Level.GRID.value:
        return found[["code", "name"]]
    if unit["level"] != Level.VILLAGE.value:
        raise BadEdit("plan.partition.wrong_level", code=unit_code, name=unit["name"],
                      level=label("level", unit["level"]))
    grids = plan.loc[(plan["parent_code"] == unit_code) & (plan["level"] == Level.GRID.value), ["code", "name"]]
    if grids.empty:
        raise PlanError("plan.partition.no_grids", code=unit_code, name=unit["name"])
    return grids.sort_values("code")


def _partition_grid(plan: gpd.GeoDataFrame, code: str, households: gpd.GeoDataFrame, target: int,
                    epsilons: tuple[float, ...], seed: int, report: Progress, span: tuple[float, float],
                    lang: str | None, band: tuple[int, int] | None = None
                    ) -> tuple[EditResult, tuple[int, int, float, int]]:
    parent = plan.loc[plan["code"] == code].iloc[0]
    old = _children(plan, code)
    cells = _cells(parent, old.iloc[0:0], households, CLUSTER_M, max_cluster=target)
    total = int(cells["households"].sum())
    if total == 0:
        raise PlanError("plan.partition.no_households", code=code, name=parent["name"])
    k = max(1, round(total / target))
    if band is not None:
        k, epsilons = _fit_band(total, k, band, epsilons)
    if k > len(cells):
        raise PlanError("plan.partition.too_few_cells", code=code, name=parent["name"], cells=len(cells), parts=k)
    ideal = total / k
    graph = cell_graph(cells) if k > 1 else None
    tries = [(eps, n) for eps in epsilons for n in range(TRIES_PER_BAND)]
    for attempt, (eps, n) in enumerate(tries):
        low, high = math.ceil(ideal * (1 - eps) - 1e-9), math.floor(ideal * (1 + eps) + 1e-9)
        report(span[0] + (span[1] - span[0]) * attempt / len(tries),
               t("plan.partition.progress_split", lang, code=code, low=low, high=high, attempt=attempt + 1))
        parts = _split(graph, k, ideal, eps, random.Random(f"{seed}:{code}:{eps:.4f}:{n}")) if graph else [0] * len(cells)
        if parts is None:
            continue
        codes = _new_codes(cells, parts, old["code"].tolist(), code)
        try:
            result = plan_from_assignment(plan, code, cells, dict(zip(cells["cell_id"], codes, strict=True)))
        except BadEdit:
            continue  # a part whose cells touch only at a point: try another seed
        return result, (low, high, float(eps), attempt + 1)
    low, high = math.ceil(ideal * (1 - epsilons[-1])), math.floor(ideal * (1 + epsilons[-1]))
    raise PlanError("plan.partition.failed", code=code, name=parent["name"], low=low, high=high, tries=len(tries))


def _fit_band(total: int, k: int, band: tuple[int, int],
              epsilons: tuple[float, ...]) -> tuple[int, tuple[float, ...]]:
    """The number of parts nearest ``k`` whose mean is inside ``band``, and the
    tolerances reordered: those whose parts stay inside the band first (the widest such
    one added), then the wider ones."""
    low, high = band
    fits = [n for n in range(max(1, math.ceil(total / max(high, 1))), max(1, total // max(low, 1)) + 1)
            if low <= total / n <= high]
    if not fits:
        return k, epsilons
    k = min(fits, key=lambda n: (abs(n - k), n))
    ideal = total / k
    widest = min((ideal - low) / ideal, (high - ideal) / ideal) if ideal > 0 else 0.0
    if widest <= 0:
        return k, epsilons
    inside = sorted({e for e in epsilons if e <= widest} | {min(widest, 0.99)})
    return k, tuple(inside) + tuple(e for e in epsilons if e > widest)


def _split(graph: Graph, k: int, ideal: float, eps: float, rng: random.Random) -> list[int] | None:
    """Part index per node, or None when GerryChain finds no balanced cut."""
    method = partial(bipartition_tree, max_attempts=MAX_ATTEMPTS, warn_attempts=MAX_ATTEMPTS + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            flips = recursive_tree_part(graph, list(range(k)), ideal, "households", eps,
                                        bipartition_tree_fn=method, rng=rng)
        except Exception:  # GerryChain raises RuntimeError / PopulationBalanceError / ReselectException
            return None
    return [int(str(flips[n])) for n in range(len(flips))]


def _new_codes(cells: gpd.GeoDataFrame, parts: list[int], old_codes: list[str], grid_code: str) -> list[str]:
    """A new micro-grid code per cell: parts numbered north to south, west to east, with
    numbers not used by the grid's current micro-grids."""
    part = np.asarray(parts)
    centre = shapely.centroid(cells.geometry.to_numpy())
    frame = pd.DataFrame({"part": part, "x": shapely.get_x(centre), "y": shapely.get_y(centre)})
    mean = frame.groupby("part")[["x", "y"]].mean()
    order = mean.sort_values(["y", "x"], ascending=[False, True]).index.tolist()
    used = {int(c[-3:]) for c in old_codes}
    start = max(used, default=0) + 1
    free = [n for n in range(start, 1000)] + [n for n in range(1, start) if n not in used]
    if len(free) < len(order):
        raise PlanError("plan.partition.codes_full", code=grid_code)
    number = {p: free[i] for i, p in enumerate(order)}
    return [f"{grid_code}{number[p]:03d}" for p in part]


def _silent(fraction: float, message: str) -> None:
    """The progress callback used when the caller passes none."""
