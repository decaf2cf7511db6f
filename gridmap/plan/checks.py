"""The planner's live checks (GerryChain style): each a plain ``PlanContext -> list[Problem]``.

:func:`validate` runs :data:`DEFAULT_CHECKS` (or any list of callables) over one
:class:`~gridmap.plan.context.PlanContext` and returns the problems, errors first;
:func:`blocking` keeps the errors, which block publishing. Warnings are shown and
highlighted while drafting but do not block.

Errors are what makes the plan wrong as a map, so that points would be assigned to
the wrong unit or to none: invalid geometry, broken nesting, overlaps, gaps, parts
outside the parent, and grids or micro-grids in several pieces (the geometric checks
live in :mod:`gridmap.plan.coverage`). Warnings are what a planner may knowingly
publish: households outside the band at either end (people move faster than plans;
a single apartment block cannot be split by a line), grid worker load, units without
staff, enclaves, slivers, and exclaves of towns and villages.

People checks:

- **nesting** (error): a code that repeats, an unknown level, a unit without a parent
  (other than the county), a parent that is not in the plan or not on a coarser level,
  a code that does not extend its parent's (a grid code is its village code and two
  digits, a micro-grid code its grid code and three).
- **households_band** (warning): a micro-grid with fewer households than its band's low
  end or more than its high end (:attr:`PlanContext.bands`, default 20-40).
- **worker_load** (warning): a grid whose households per grid worker exceed
  :attr:`PlanContext.max_households_per_worker`, or that has people but no grid worker.
- **staff_missing** (warning): a unit with nobody assigned.

Example::

    ctx = PlanContext(plan, parent_code="33032710300101", households=points)
    problems = validate(ctx)
    if blocking(problems): ...      # publishing is refused
    [p.text("zh") for p in problems]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.domain import CODE_LENGTH, Level, code_prefix
from gridmap.plan.context import (
    AREA_TOLERANCE_M2,
    DEFAULT_BAND,
    MAX_HOUSEHOLDS_PER_WORKER,
    MIN_SLIVER_M2,
    PlanContext,
)
from gridmap.plan.counts import count_units
from gridmap.plan.coverage import (
    embedded,
    gaps,
    invalid_geometry,
    non_contiguous,
    outside_parent,
    overlaps,
    slivers,
)
from gridmap.plan.model import Problem

Check = Callable[[PlanContext], list[Problem]]

_LEVELS = list(Level)


def nesting(ctx: PlanContext) -> list[Problem]:
    """Units whose place in the tree is broken (error); see the module docstring."""
    out = []
    repeated = pd.Series(ctx.codes).duplicated(keep=False).to_numpy()
    counts = pd.Series(ctx.codes[repeated]).value_counts().to_dict() if repeated.any() else {}
    for row in ctx.checked:
        row = int(row)
        code, depth, parent = ctx.codes[row], int(ctx.depths[row]), ctx.parents[row]
        found: tuple[str, dict[str, object]] | None = None
        if repeated[row]:
            found = ("plan.checks.nesting.duplicate", {"count": counts[code]})
        elif depth < 0:
            found = ("plan.checks.nesting.unknown_level", {"level": ctx.levels[row]})
        elif parent is None:
            if depth > 0:
                found = ("plan.checks.nesting.no_parent", {})
        elif ctx.parent_rows[row] < 0:
            found = ("plan.checks.nesting.unknown_parent", {"parent_code": parent})
        else:
            prow = int(ctx.parent_rows[row])
            pdepth = int(ctx.depths[prow])
            if pdepth >= depth:  # an unknown parent level (-1) is let pass
                found = ("plan.checks.nesting.wrong_level", {**ctx.unit(prow, "parent_")})
            elif pdepth >= 0 and not _code_fits(code, _LEVELS[depth], parent, _LEVELS[pdepth]):
                found = ("plan.checks.nesting.code", {**ctx.unit(prow, "parent_"),
                                                      "length": CODE_LENGTH[_LEVELS[depth]]})
        if found is not None:
            where = ctx.shapes[row] if not ctx.shapes[row].is_empty else None
            out.append(Problem("nesting", "error", code, found[0], {**ctx.unit(row), **found[1]}, where))
    return out


def households_band(ctx: PlanContext) -> list[Problem]:
    """Micro-grids with households outside their band (warning, at both ends)."""
    out = []
    households = ctx.counts["households"].to_numpy()
    for row in ctx.checked[ctx.depths[ctx.checked] == Level.MICRO.depth]:
        row = int(row)
        low, high = ctx.band(row)
        count = int(households[row])
        if low <= count <= high:
            continue
        key = "plan.checks.band.over" if count > high else "plan.checks.band.under"
        out.append(Problem("households_band", "warning", ctx.codes[row], key,
                           {**ctx.unit(row), "households": count, "low": low, "high": high},
                           ctx.shapes[row]))
    return out


def worker_load(ctx: PlanContext) -> list[Problem]:
    """Grids with more households per grid worker than the maximum, or with people but
    no grid worker (warning). Grids in view and the edited parent are looked at (an
    edit of micro-grids can move households between grids)."""
    out = []
    households = ctx.counts["households"].to_numpy()
    rows = np.union1d(ctx.checked, ctx.families).astype(np.intp)
    for row in rows[ctx.depths[rows] == Level.GRID.depth]:
        row = int(row)
        people = ctx.staff(row)
        if not people:
            continue  # staff_missing says so
        workers = sum(1 for p in people if p["role"] == ctx.worker_role)
        count = int(households[row])
        if workers == 0:
            if count > 0:
                out.append(Problem("worker_load", "warning", ctx.codes[row], "plan.checks.worker.none",
                                   {**ctx.unit(row), "households": count}, ctx.shapes[row]))
            continue
        per_worker = count / workers
        if per_worker > ctx.max_households_per_worker:
            out.append(Problem("worker_load", "warning", ctx.codes[row], "plan.checks.worker.over",
                               {**ctx.unit(row), "households": count, "workers": workers,
                                "per_worker": round(per_worker), "max": ctx.max_households_per_worker},
                               ctx.shapes[row]))
    return out


def staff_missing(ctx: PlanContext) -> list[Problem]:
    """Units with nobody assigned (warning)."""
    return [Problem("staff_missing", "warning", ctx.codes[row], "plan.checks.staff_missing", ctx.unit(int(row)),
                    ctx.shapes[row] if not ctx.shapes[row].is_empty else None)
            for row in ctx.checked if not ctx.staff(int(row))]


DEFAULT_CHECKS: tuple[Check, ...] = (
    invalid_geometry, nesting, overlaps, gaps, outside_parent, non_contiguous,
    embedded, slivers, households_band, worker_load, staff_missing,
)
_SEVERITY_ORDER = {"error": 0, "warning": 1}


def validate(ctx: PlanContext, checks: Sequence[Check] = DEFAULT_CHECKS) -> list[Problem]:
    """Run ``checks`` over ``ctx``: errors first, then in the order of ``checks``, then by
    unit code (stable otherwise)."""
    found: list[tuple[int, Problem]] = []
    for position, check in enumerate(checks):
        found.extend((position, problem) for problem in check(ctx))
    found.sort(key=lambda item: (_SEVERITY_ORDER[item[1].severity], item[0], item[1].unit_code or ""))
    return [problem for _, problem in found]


# The columns whose change makes a unit need checking again (besides its geometry).
_IDENTITY_COLUMNS = ("level", "parent_code", "name", "staff")


def revalidate(before: gpd.GeoDataFrame, before_problems: Sequence[Problem], after: gpd.GeoDataFrame, *,
               households: gpd.GeoDataFrame | None = None, checks: Sequence[Check] = DEFAULT_CHECKS,
               **settings: Any) -> list[Problem]:
    """The problems of the whole plan ``after``, given those of ``before`` (from
    :func:`validate` over the whole plan, with the same households and settings): only
    what the edit touched is checked again.

    Touched are the units whose geometry, level, parent, name or staff changed, that
    are new, or whose parent or child is one of those (their parent-child checks read
    both); the context (``PlanContext(only=...)``) adds the units of their level that
    touch them and the families around them. Everything those checks look at is
    checked afresh; every other problem of ``before`` is kept as it was. The result is
    the same list :func:`validate` gives on ``after`` (tests compare the two).

    Args:
        before, before_problems: the plan before the edit and its problems.
        after: the plan after the edit (the whole plan, like ``before``).
        households: household points, as given to the context of ``before``.
        checks: the checks (as given to :func:`validate` for ``before``).
        settings: other :class:`PlanContext` settings (bands, tolerances, ...).
    """
    touched, removed = _touched(before, after)
    if not touched and not removed:
        return list(before_problems)
    ctx = PlanContext(after, households=households, only=frozenset(touched), **settings)
    fresh = validate(ctx, checks)
    again = set(ctx.codes[np.union1d(ctx.checked, ctx.families).astype(np.intp)]) | removed | touched
    kept = [p for p in before_problems
            if p.unit_code not in again and str(p.params.get("other_code", "")) not in again
            and str(p.params.get("parent_code", "")) not in again]
    found = [(0, p) for p in kept] + [(0, p) for p in fresh]
    order = {check.__name__: i for i, check in enumerate(checks)}
    found.sort(key=lambda item: (_SEVERITY_ORDER[item[1].severity], order.get(_check_of(item[1]), len(order)),
                                 item[1].unit_code or ""))
    return [p for _, p in found]


def _check_of(problem: Problem) -> str:
    """The name of the check function that reports ``problem`` (``overlap`` comes from ``overlaps``)."""
    return {"overlap": "overlaps", "gap": "gaps", "sliver": "slivers"}.get(problem.check, problem.check)


def _touched(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> tuple[set[str], set[str]]:
    """Codes of ``after`` to check again, and the codes gone from ``before``."""
    old = before.drop_duplicates("code").set_index(before["code"].drop_duplicates().astype(str))
    new_codes = after["code"].astype(str)
    removed = set(old.index) - set(new_codes)
    known = new_codes.isin(old.index).to_numpy()
    changed = ~known
    if known.any():
        prior = old.loc[new_codes[known]]
        same = shapely.equals_identical(prior.geometry.to_numpy(), after.geometry.to_numpy()[known])
        for column in _IDENTITY_COLUMNS:
            if column in after.columns and column in old.columns:
                a = prior[column].to_numpy(dtype=object)
                b = after[column].to_numpy(dtype=object)[known]
                same &= np.fromiter((_same_value(x, y) for x, y in zip(a, b, strict=True)), dtype=bool, count=len(a))
        changed[np.flatnonzero(known)[~same]] = True
    if after["code"].duplicated().any():
        changed |= after["code"].duplicated(keep=False).to_numpy()
    core = set(new_codes[changed])
    parent_of = dict(zip(new_codes, after["parent_code"], strict=False))
    old_parent = dict(zip(old.index, old["parent_code"], strict=False))
    touched = set(core)
    for code in core | removed:
        for up in (parent_of.get(code), old_parent.get(code)):
            if isinstance(up, str):
                touched.add(up)
    below = after["parent_code"].astype(str).isin(core).to_numpy()
    touched |= set(new_codes[below])
    return touched & set(new_codes), removed


def _same_value(a: Any, b: Any) -> bool:
    """Whether two cell values are the same (missing equals missing; lists compared by value)."""
    if a is b:
        return True
    if pd.isna(a) is True and pd.isna(b) is True:
        return True
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def blocking(problems: Sequence[Problem]) -> list[Problem]:
    """The problems that block publishing (the errors)."""
    return [p for p in problems if p.severity == "error"]


def recount(plan: gpd.GeoDataFrame, households: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``plan`` with ``households`` and ``residents`` counted from points.

    Points are assigned to micro-grids (:func:`gridmap.spatial.assign.assign`, so a
    point on a shared edge goes to the smaller code) and summed up the tree; a unit
    with no point below it gets 0. When ``households`` has no ``residents`` column the
    plan's residents are kept.

    Raises:
        ValueError: points that are not Points or not in EPSG:4326 (from ``assign``).
    """
    ctx = PlanContext(plan)
    counted = count_units(plan, households, np.arange(len(plan)), children=ctx.children,
                          parent_rows=ctx.parent_rows, depths=ctx.depths,
                          micro_ok=~shapely.is_empty(ctx.shapes), shapes=ctx.shapes)
    out = plan.copy()
    out["households"] = counted["households"].to_numpy()
    out["residents"] = counted["residents"].to_numpy()
    return out


def _code_fits(code: str, level: Level, parent: str, parent_level: Level) -> bool:
    """Whether ``code`` is a well-formed code of ``level`` under ``parent``."""
    return (len(code) == CODE_LENGTH[level] and code.isdigit()
            and code.startswith(code_prefix(parent, parent_level)) and code != parent)


__all__ = [
    "AREA_TOLERANCE_M2",
    "DEFAULT_BAND",
    "DEFAULT_CHECKS",
    "MAX_HOUSEHOLDS_PER_WORKER",
    "MIN_SLIVER_M2",
    "Check",
    "PlanContext",
    "blocking",
    "embedded",
    "gaps",
    "households_band",
    "invalid_geometry",
    "nesting",
    "non_contiguous",
    "outside_parent",
    "overlaps",
    "recount",
    "revalidate",
    "slivers",
    "staff_missing",
    "validate",
    "worker_load",
]
