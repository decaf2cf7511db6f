"""Where to open new stations: maximal covering of the uncovered households (选址).

Given the households no open station reaches (:func:`gridmap.stations.household_coverage`)
and candidate sites, choose ``k`` sites that together bring the most of them within
walking distance (the maximal covering location problem, MCLP).

- :func:`candidate_sites` -- candidates from the clusters of uncovered households: the
  households binned into squares of half the walking distance, each busy square's
  household nearest its weighted centre (a real address, not a point in a field).
- :func:`parse_candidates` -- candidates given by the user instead (a vacant building, a
  village hall), one "longitude, latitude" per line, refused in words naming the line.
- :func:`suggest_sites` -- the ``k`` sites: spopt's ``MCLP`` solved exactly with CBC (PuLP's
  bundled solver), or :func:`greedy_cover` when CBC is missing or ``method="greedy"``.
- :func:`greedy_cover` -- the documented fallback: repeatedly take the site that covers
  the most still-uncovered households. It is within a factor ``1 - 1/e`` (~63%) of the
  optimum in the worst case and usually much closer; ``tests/test_stations_siting.py``
  checks it against a brute-force optimum on a small fixture.

Distances are straight-line metres in the metric CRS, as for coverage.
Demand is aggregated onto squares of :data:`DEMAND_CELL_M` metres before the solver
sees it (weights = households), so a town's thousands of households make a problem of a
few hundred rows; the coverage reported after siting is measured on the households
themselves.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.spatial import cKDTree

from gridmap.workflow.errors import BadInput

DEMAND_CELL_M = 25.0
MAX_CANDIDATES = 200
MCLP_TIME_LIMIT_S = 30.0
Method = Literal["mclp", "greedy"]


_SEPARATOR = re.compile(r"[\s,，;；]+")


def parse_candidates(text: str, *, limit: int = MAX_CANDIDATES) -> np.ndarray:
    """Candidate sites typed one per line as ``longitude, latitude`` (WGS84 degrees).

    Comma, Chinese comma, semicolon, space or tab separate the two numbers; blank lines
    and lines starting with ``#`` are skipped.

    Returns:
        ``(n, 2)`` longitudes and latitudes (``n`` may be 0: nothing given).

    Raises:
        BadInput: a line that is not two numbers, a position off the globe (which is also
            what latitude and longitude swapped give in China), more than ``limit`` lines.
    """
    found: list[tuple[float, float]] = []
    for number, line in enumerate(str(text or "").splitlines(), 1):
        words = [w for w in _SEPARATOR.split(line.strip()) if w]
        if not words or words[0].startswith("#"):
            continue
        try:
            lon, lat = (float(w) for w in words) if len(words) == 2 else (np.nan, np.nan)
        except ValueError:
            lon, lat = np.nan, np.nan
        if not (np.isfinite(lon) and np.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            raise BadInput("stations.bad_candidate", line=number, text=line.strip()[:60])
        found.append((lon, lat))
    if len(found) > limit:
        raise BadInput("stations.too_many_candidates", n=len(found), limit=limit)
    return np.array(found, dtype=float).reshape(-1, 2)


@dataclass(frozen=True)
class Siting:
    """The suggested sites and what they add.

    Attributes:
        chosen: Indices into the candidates, in the order picked (greedy) or of the index.
        gained: Households newly covered by each chosen site (in the same order; for MCLP
            each household is credited to the first chosen site that reaches it).
        covered_after: Per uncovered household given: within reach of a chosen site.
        method: ``mclp`` or ``greedy`` (whose answer this is).
        optimal: CBC proved the answer optimal (for the aggregated demand).
        seconds: Time spent choosing (solver included).
    """

    chosen: list[int]
    gained: list[int]
    covered_after: np.ndarray
    method: str
    optimal: bool
    seconds: float

    @property
    def total_gained(self) -> int:
        return int(self.covered_after.sum())


def cbc_available() -> bool:
    """Whether PuLP's CBC solver can run here (it ships inside the ``pulp`` wheel)."""
    try:
        import pulp

        return bool(pulp.PULP_CBC_CMD(msg=False).available())
    except Exception:  # any failure to load or find the solver means "no"
        return False


def candidate_sites(uncovered_xy: np.ndarray, reach_m: float, *, max_sites: int = MAX_CANDIDATES) -> np.ndarray:
    """Candidate sites (``(n, 2)`` metric) from the clusters of uncovered households.

    The households are binned into squares of ``reach_m / 2``; the busiest
    ``max_sites`` squares each give the household nearest their mean.
    """
    if not len(uncovered_xy):
        return np.empty((0, 2))
    cell = max(reach_m / 2, 1.0)
    keys = np.floor(uncovered_xy / cell).astype(np.int64)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    busiest = np.argsort(-counts, kind="stable")[:max_sites]
    sites = []
    for group in busiest:
        members = uncovered_xy[inverse == group]
        centre = members.mean(axis=0)
        sites.append(members[int(np.argmin(((members - centre) ** 2).sum(axis=1)))])
    return np.asarray(sites, dtype=float)


def coverage_sets(demand_xy: np.ndarray, sites_xy: np.ndarray, reach_m: float) -> list[np.ndarray]:
    """For each site, the indices of the demand points within ``reach_m`` (straight line)."""
    if not len(demand_xy) or not len(sites_xy):
        return [np.empty(0, dtype=np.int64) for _ in range(len(sites_xy))]
    found = cKDTree(demand_xy).query_ball_point(sites_xy, r=reach_m)
    return [np.asarray(sorted(f), dtype=np.int64) for f in found]


def greedy_cover(sets: list[np.ndarray], weights: np.ndarray, k: int) -> list[int]:
    """Up to ``k`` set indices, each the one adding the most still-uncovered weight.

    Ties go to the lower index; it stops early when no set adds anything.
    """
    done = np.zeros(len(weights), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(k, len(sets))):
        gains = np.array([weights[s[~done[s]]].sum() if len(s) else 0.0 for s in sets])
        gains[chosen] = -1.0
        best = int(np.argmax(gains))
        if gains[best] <= 0:
            break
        chosen.append(best)
        done[sets[best]] = True
    return chosen


def brute_force_cover(sets: list[np.ndarray], weights: np.ndarray, k: int) -> tuple[list[int], float]:
    """The best ``k`` sets by exhaustive search (small problems only: tests)."""
    best: tuple[list[int], float] = ([], 0.0)
    for combo in itertools.combinations(range(len(sets)), min(k, len(sets))):
        union = np.unique(np.concatenate([sets[i] for i in combo])) if combo else np.empty(0, dtype=np.int64)
        value = float(weights[union].sum())
        if value > best[1]:
            best = (list(combo), value)
    return best


def mclp_cover(sets: list[np.ndarray], weights: np.ndarray, k: int, n_demand: int, *,
               time_limit_s: float = MCLP_TIME_LIMIT_S) -> tuple[list[int], bool]:
    """``k`` sets by spopt's ``MCLP`` on a 0/1 cost matrix, solved with CBC.

    Only demand some set reaches and sets that reach some demand enter the model (the
    rest cannot change the answer). Returns (the sets, whether CBC proved them optimal
    within ``time_limit_s``; if not, the best it found).

    Raises:
        RuntimeError: CBC found no solution in time.
    """
    import pulp
    from spopt.locate import MCLP

    useful = [j for j, members in enumerate(sets) if len(members)]
    if not useful:
        return [], True
    rows = np.unique(np.concatenate([sets[j] for j in useful]))
    row_of = np.full(n_demand, -1)
    row_of[rows] = np.arange(len(rows))
    cost = np.full((len(rows), len(useful)), 2.0)
    for col, j in enumerate(useful):
        cost[row_of[sets[j]], col] = 0.0
    model = MCLP.from_cost_matrix(cost, np.asarray(weights, dtype=float)[rows], service_radius=1.0,
                                  p_facilities=min(k, len(useful)))
    model.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s), results=False)
    chosen = [useful[col] for col, var in enumerate(model.fac_vars) if (var.value() or 0) > 0.5]
    return chosen, model.problem.sol_status == pulp.LpSolutionOptimal


def suggest_sites(uncovered_xy: np.ndarray, sites_xy: np.ndarray, reach_m: float, k: int, *,
                  method: Method = "mclp", time_limit_s: float = MCLP_TIME_LIMIT_S,
                  demand_cell_m: float = DEMAND_CELL_M) -> Siting:
    """Choose ``k`` of ``sites_xy`` that bring the most ``uncovered_xy`` households within ``reach_m``.

    Args:
        uncovered_xy: ``(n, 2)`` metric coordinates of the households to cover.
        sites_xy: ``(m, 2)`` metric candidate sites (given, or :func:`candidate_sites`).
        reach_m: The walking distance a new station covers.
        k: How many sites to choose (at least 1).
        method: ``mclp`` (CBC; the greedy answer is also computed and kept when CBC
            cannot run, finds nothing in ``time_limit_s`` or does no better) or ``greedy``.
        time_limit_s: CBC's time limit.
        demand_cell_m: The squares demand is aggregated on (a household may be credited
            to a site up to half a diagonal, ~18 m, nearer or farther than it is).

    Raises:
        ValueError: ``k`` below 1 or a distance that is not positive.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if not reach_m > 0:
        raise ValueError(f"the walking distance must be positive, not {reach_m}")
    started = time.perf_counter()
    uncovered_xy = np.asarray(uncovered_xy, dtype=float).reshape(-1, 2)
    sites_xy = np.asarray(sites_xy, dtype=float).reshape(-1, 2)
    demand, weights = _aggregate(uncovered_xy, demand_cell_m)
    sets = coverage_sets(demand, sites_xy, reach_m)
    chosen, used, optimal = greedy_cover(sets, weights, k), "greedy", False
    if method == "mclp" and cbc_available():
        try:
            exact, optimal = mclp_cover(sets, weights, k, len(demand), time_limit_s=time_limit_s)
        except RuntimeError:  # CBC found nothing in time: the greedy answer stands
            exact = []
        if _value(exact, sets, weights) >= _value(chosen, sets, weights):
            chosen, used = exact, "mclp"
    chosen = _by_gain(chosen, sets, weights)
    found = coverage_sets(uncovered_xy, sites_xy[chosen], reach_m) if chosen else []
    after = np.zeros(len(uncovered_xy), dtype=bool)
    gained = []
    for members in found:
        gained.append(int((~after[members]).sum()))
        after[members] = True
    return Siting(chosen, gained, after, used, optimal and used == "mclp", time.perf_counter() - started)


def _value(chosen: list[int], sets: list[np.ndarray], weights: np.ndarray) -> float:
    if not chosen:
        return 0.0
    return float(weights[np.unique(np.concatenate([sets[j] for j in chosen]))].sum())


def _aggregate(xy: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Demand squares of ``cell_m``: (weighted centres, household counts)."""
    if not len(xy):
        return np.empty((0, 2)), np.empty(0)
    keys = np.floor(xy / max(cell_m, 1e-3)).astype(np.int64)
    _, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    centres = np.column_stack([np.bincount(inverse, xy[:, 0]) / counts, np.bincount(inverse, xy[:, 1]) / counts])
    return centres, counts.astype(float)


def _by_gain(chosen: list[int], sets: list[np.ndarray], weights: np.ndarray) -> list[int]:
    """``chosen`` ordered so that each next site adds the most (the order a planner opens them)."""
    if len(chosen) <= 1:
        return list(chosen)
    subset = [sets[j] for j in chosen]
    order = greedy_cover(subset, weights, len(subset))
    rest = [i for i in range(len(chosen)) if i not in order]
    return [chosen[i] for i in (*order, *rest)]


__all__ = ["DEMAND_CELL_M", "Siting", "brute_force_cover", "candidate_sites", "cbc_available", "coverage_sets",
           "greedy_cover", "mclp_cover", "suggest_sites"]
