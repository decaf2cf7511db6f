"""The plan frame as an edit sees it: look-ups by code, children, new codes, and the result.

:class:`Draft` wraps a plan frame without copying it; an edit records new geometry,
new rows, removals and re-codings in it, and :meth:`Draft.result` builds the new frame
(the input is never modified) and the :class:`~gridmap.plan.model.EditResult`.

Codes nest (:data:`gridmap.domain.CODE_PREFIX`): a child's code is its parent's prefix
plus a serial (3 digits for towns and villages, zero-padded to 12; 2 for grids; 3 for
micro-grids). :func:`child_code` makes one; a re-coded unit's descendants keep their
own serial under the new prefix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import Geometry

from gridmap.access import level_of_code
from gridmap.domain import CODE_LENGTH, CODE_PREFIX, Level
from gridmap.plan.errors import BadEdit
from gridmap.plan.model import EditResult
from gridmap.spatial.crs import metric_area_m2, metric_crs

COUNT_COLUMNS = ("households", "residents")


def child_level(parent_code: str) -> Level | None:
    """The level of the children of ``parent_code`` (None under a micro-grid)."""
    return level_of_code(parent_code).child


def child_code(parent_code: str, serial: int) -> str | None:
    """The code of the ``serial``-th child of ``parent_code``; None if it does not fit."""
    level = level_of_code(parent_code)
    child = level.child
    if child is None:
        return None
    width = CODE_PREFIX[child] - CODE_PREFIX[level]
    if serial < 1 or serial >= 10**width:
        return None
    return (parent_code[: CODE_PREFIX[level]] + str(serial).zfill(width)).ljust(CODE_LENGTH[child], "0")


def serial_of(code: str) -> int:
    """The serial of ``code`` under its parent."""
    level = level_of_code(code)
    parent = level.parent
    start = CODE_PREFIX[parent] if parent is not None else 0
    return int(code[start: CODE_PREFIX[level]] or 0)


def recode(code: str, old_prefix_code: str, new_prefix_code: str) -> str:
    """``code`` (a descendant of ``old_prefix_code``, or it) moved under ``new_prefix_code``."""
    n = CODE_PREFIX[level_of_code(old_prefix_code)]
    return new_prefix_code[:n] + code[n:]


class Draft:
    """An edit in progress on a plan frame (which it never modifies).

    Attributes:
        plan: the input frame.
        geoms: code -> new geometry (existing or added units).
        added: new code -> its row values (copied from a source row).
        removed: codes that are gone.
        renamed: old code -> new code (descendants included).
        reshaped: codes whose area changed (their counts become missing).
    """

    def __init__(self, plan: gpd.GeoDataFrame) -> None:
        self.plan = plan
        codes = plan["code"].astype(str).to_numpy()
        self.row = {c: i for i, c in enumerate(codes)}
        self._geom = plan.geometry.to_numpy()
        parents = plan["parent_code"].to_numpy()
        self._parent = {c: (None if p is None or (isinstance(p, float) and np.isnan(p)) else str(p))
                        for c, p in zip(codes, parents, strict=True)}
        self._children: dict[str, list[str]] = {}
        for c, p in self._parent.items():
            if p is not None:
                self._children.setdefault(p, []).append(c)
        self.geoms: dict[str, Geometry] = {}
        self.added: dict[str, dict[str, Any]] = {}
        self.removed: set[str] = set()
        self.renamed: dict[str, str] = {}
        self.reshaped: set[str] = set()
        self.moved_to: dict[str, str] = {}
        self._used: dict[str, set[int]] = {}
        self._crs: str | None = None

    # ------------------------------------------------------------------ look-ups
    def has(self, code: str) -> bool:
        return code in self.row or code in self.added

    def need(self, code: str) -> None:
        """Refuse an unknown code."""
        if code not in self.row:
            raise BadEdit("plan.edit.unknown_unit", code=code)

    def old_geom(self, code: str) -> Geometry:
        return self._geom[self.row[code]]

    def geom(self, code: str) -> Geometry:
        if code in self.geoms:
            return self.geoms[code]
        return self._geom[self.row[code]]

    def value(self, code: str, column: str) -> Any:
        if code in self.added:
            return self.added[code].get(column)
        return self.plan[column].iat[self.row[code]]

    def name(self, code: str) -> str:
        name = self.value(code, "name")
        return "" if name is None else str(name)

    def who(self, code: str) -> dict[str, str]:
        """The params naming a unit in a message."""
        return {"name": self.name(code), "code": code}

    def parent(self, code: str) -> str | None:
        """The parent in the input plan (for a new unit: its parent)."""
        if code in self.added:
            return str(self.added[code]["parent_code"])
        return self._parent.get(code)

    def children(self, code: str) -> list[str]:
        """The current children of ``code`` in the input plan (sorted)."""
        return sorted(self._children.get(code, ()))

    def siblings(self, code: str) -> list[str]:
        parent = self.parent(code)
        return [c for c in self.children(parent) if c != code] if parent else []

    def descendants(self, code: str) -> list[str]:
        out: list[str] = []
        stack = list(self.children(code))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(self.children(c))
        return out

    # ------------------------------------------------------------------ metric
    def area_m2(self, geoms: Iterable[Geometry]) -> np.ndarray:
        """Areas in m² in the plan's metric CRS."""
        arr = np.asarray(list(geoms), dtype=object)
        if self._crs is None:
            self._crs = metric_crs(tuple(shapely.total_bounds(self._geom)))
        return metric_area_m2(arr, self._crs)

    # ------------------------------------------------------------------ codes
    def new_code(self, parent_code: str) -> str:
        """The next free child code under ``parent_code`` (max serial + 1, then the first gap)."""
        used = self._used.get(parent_code)
        if used is None:
            used = {serial_of(c) for c in self.children(parent_code)}
            used |= {serial_of(c) for c in self.added if self.parent(c) == parent_code}
            self._used[parent_code] = used
        candidates = [max(used, default=0) + 1, *range(1, max(used, default=0) + 1)]
        for serial in candidates:
            code = child_code(parent_code, serial)
            if code is not None and serial not in used and not self.has(code):
                used.add(serial)
                return code
        if child_level(parent_code) is None:
            raise BadEdit("plan.edit.no_children_here", **self.who(parent_code))
        raise BadEdit("plan.edit.no_free_code", **self.who(parent_code))

    # ------------------------------------------------------------------ changes
    def set_geom(self, code: str, geom: Geometry, *, reshaped: bool = True) -> None:
        self.geoms[code] = geom
        if reshaped:
            self.reshaped.add(code)

    def add(self, code: str, source: str, geom: Geometry, *, name: str, parent_code: str,
            level: str) -> None:
        """A new row, its other values copied from ``source`` (staff emptied, counts missing)."""
        values = {col: self.value(source, col) for col in self.plan.columns if col != "geometry"}
        values.update(code=code, name=name, parent_code=parent_code, level=level, staff=[])
        if "id" in values:
            values["id"] = None
        self.added[code] = values
        self.geoms[code] = geom
        self.reshaped.add(code)

    def rename(self, old: str, new: str, parent: str | None = None) -> None:
        """Re-code ``old`` and its descendants under ``new``'s prefix (geometry kept).

        ``parent``: the draft key of its new parent, when it moves to another one.
        """
        self.renamed[old] = new
        if parent is not None:
            self.moved_to[old] = parent
        for d in self.descendants(old):
            self.renamed[d] = recode(d, old, new)

    def remove(self, code: str) -> None:
        self.removed.add(code)

    # ------------------------------------------------------------------ result
    def result(self, key: str, **params: Any) -> EditResult:
        """The new plan frame and what changed."""
        plan = self.plan
        keep = ~plan["code"].astype(str).isin(self.removed).to_numpy()
        out = plan.loc[keep].copy()
        codes = out["code"].astype(str).to_numpy()
        geoms = out.geometry.to_numpy().copy()
        changed: set[str] = set()
        for i, c in enumerate(codes):
            if c in self.geoms:
                new = self.geoms[c]
                if not shapely.equals_exact(new, geoms[i], 0.0):
                    changed.add(c)
                geoms[i] = new
        out = out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=plan.crs))
        for col in COUNT_COLUMNS:
            if col in out.columns:
                out[col] = pd.array(out[col], dtype="Int64")
                mask = np.isin(codes, list(self.reshaped))
                out.loc[mask, col] = pd.NA
        if self.added:
            rows = pd.DataFrame([{**v} for v in self.added.values()], columns=[c for c in plan.columns if c != "geometry"])
            for col in COUNT_COLUMNS:
                if col in rows.columns:
                    rows[col] = pd.array([pd.NA] * len(rows), dtype="Int64")
            new = gpd.GeoDataFrame(rows, geometry=gpd.GeoSeries([self.geoms[c] for c in self.added], crs=plan.crs),
                                   crs=plan.crs)
            new = new[list(plan.columns)]
            out = pd.concat([out, new], ignore_index=True)
            out = gpd.GeoDataFrame(out, geometry=plan.geometry.name, crs=plan.crs)
        if self.moved_to:
            moved = out["code"].astype(str).isin(list(self.moved_to)).to_numpy()
            out.loc[moved, "parent_code"] = out.loc[moved, "code"].astype(str).map(self.moved_to)
        final = dict(self.renamed)
        for c in self.added:  # a new unit under a re-coded parent takes the parent's new prefix
            p = self.parent(c)
            if p in self.renamed:
                final[c] = recode(c, p, self.renamed[p])
        if final:
            out["code"] = out["code"].astype(str).map(lambda c: final.get(c, c))
            out["parent_code"] = out["parent_code"].map(lambda c: self.renamed.get(c, c) if isinstance(c, str) else c)
        else:
            out = out.reset_index(drop=True)
        out = out.reset_index(drop=True)
        for col in COUNT_COLUMNS:
            if col in out.columns:
                out[col] = pd.array(out[col], dtype="Int64")
        renamed = dict(self.renamed)
        changed |= {c for c in self.reshaped if c not in self.added and c not in self.removed}
        return EditResult(
            plan=out,
            changed=frozenset(renamed.get(c, c) for c in changed),
            added=frozenset(final.get(c, c) for c in self.added),
            removed=frozenset(self.removed),
            renamed=renamed,
            key=key,
            params=params,
        )


def geometry_of(draft: Draft, codes: Iterable[str]) -> Mapping[str, Geometry]:
    """Current geometry (edits applied) of ``codes``."""
    return {c: draft.geom(c) for c in codes}
