"""Descendants follow their parents: after units changed, their children are refitted.

The rule, level by level, for the children of the units whose area changed:

1. The children's old boundaries and the parents' new outlines are noded together; each
   face lies in one new parent and came from one old child.
2. A face whose old child's parent (or the unit that continues it) is its new parent
   *stays* with that child.
3. A child none of whose area stays, lying whole in one other new parent, *moves whole*:
   it keeps its shape and is re-coded under the new parent (``renamed``), with its own
   descendants.
4. Any other area that crossed into another parent:

   - ``mode="absorb"`` (reshape: a boundary was moved): it goes to the child of the
     gaining parent it shares the longest border with;
   - ``mode="own"`` (split, add): each connected piece becomes a new child of its new
     parent (code: next free; name: the old child's name and a number), unless it is
     below ``min_area_m2``: then it is absorbed as above.

5. A child cut into detached pieces keeps its largest piece; the others go to the
   neighbouring child (same parent) with the longest shared border, when there is one.
6. Area outside every new parent is dropped; a child left with no area is removed.

The children whose area changed are refitted in turn, down to the micro-grids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import numpy as np
import shapely
from shapely import Geometry

from gridmap.i18n import t
from gridmap.plan import edit_faces as ef
from gridmap.plan.edit_frame import Draft, child_level

Mode = Literal["absorb", "own"]


def piece_name(name: str, n: int) -> str:
    """The stored name of the ``n``-th piece cut from a unit called ``name``."""
    return t("plan.edit.piece_name", "zh", name=name, n=n)


def refit_down(draft: Draft, new_parents: Iterable[str], old_parents: Iterable[str], mode: Mode,
               min_area_m2: float) -> None:
    """Refit the children of ``old_parents`` into ``new_parents``, then their children, ...

    Args:
        draft: the edit; ``draft.geom(p)`` is the new outline of each new parent.
        new_parents: draft keys of the units whose area changed (existing or added).
        old_parents: the existing units whose children are to be refitted (usually the
            existing ones among ``new_parents``, plus units removed by the edit).
        mode: what a piece that crossed into another parent becomes (see the module).
        min_area_m2: pieces below this are absorbed, not made units (``mode="own"``).
    """
    new = sorted(set(new_parents))
    old = sorted(c for c in set(old_parents) if c in draft.row)
    while new and old:
        new, old = _refit(draft, new, old, mode, min_area_m2)


def _refit(draft: Draft, new_parents: list[str], old_parents: list[str], mode: Mode,
           min_area_m2: float) -> tuple[list[str], list[str]]:
    children = [c for p in old_parents for c in draft.children(p)]
    if not children or child_level(old_parents[0]) is None:
        return [], []
    parent_geoms = {p: draft.geom(p) for p in new_parents}
    child_geoms = {c: draft.old_geom(c) for c in children}
    faces = ef.faces_of([*child_geoms.values(), *parent_geoms.values()])
    new_parent = ef.owners_of(faces, parent_geoms)
    old_child = ef.owners_of(faces, child_geoms)
    keep = [i for i, p in enumerate(new_parent) if p is not None]
    faces = faces[keep]
    new_parent = [new_parent[i] for i in keep]
    old_child = [old_child[i] for i in keep]
    areas = shapely.area(faces)

    owner: list[str | None] = [None] * len(faces)
    parent_of: dict[str, str] = {}
    moved: dict[tuple[str, str], list[int]] = {}
    for i, (c, p) in enumerate(zip(old_child, new_parent, strict=True)):
        assert p is not None
        if c is not None and draft.parent(c) == p:
            owner[i] = c
            parent_of[c] = p
        elif c is not None:
            moved.setdefault((c, p), []).append(i)
    for (c, p), idx in sorted(moved.items()):
        whole = (c not in parent_of and sum(1 for k in moved if k[0] == c) == 1
                 and abs(areas[idx].sum() - child_geoms[c].area) <= 1e-9 * child_geoms[c].area)
        if whole:
            for i in idx:
                owner[i] = c
            parent_of[c] = p
            draft.rename(c, draft.new_code(p), parent=p)
        elif mode == "own":
            _own_pieces(draft, faces, idx, c, p, owner, parent_of, min_area_m2)
    eligible = {i: [o for o, q in parent_of.items() if q == new_parent[i]]
                for i, o in enumerate(owner) if o is None}
    owner = ef.hand_out(faces, owner, eligible)
    owner = _detach(faces, owner, parent_of)
    for i in [i for i, o in enumerate(owner) if o is None]:  # no child borders it: a piece of its own
        source = old_child[i] or children[0]
        p = new_parent[i]
        assert p is not None
        _own_pieces(draft, faces, [i], source, p, owner, parent_of, 0.0)

    built = ef.build(faces, owner)
    next_new: list[str] = []
    next_old: list[str] = []
    for c in children:
        geom = built.get(c)
        if geom is None:
            draft.remove(c)
            next_old.append(c)
            continue
        if not shapely.equals(geom, child_geoms[c]):
            draft.set_geom(c, geom)
            next_new.append(c)
            next_old.append(c)
    for code, geom in built.items():
        if code in draft.added:
            draft.geoms[code] = geom
            next_new.append(code)
    return next_new, next_old


def _own_pieces(draft: Draft, faces: np.ndarray, idx: list[int], source: str, parent: str,
                owner: list[str | None], parent_of: dict[str, str], min_area_m2: float) -> None:
    """Make each connected piece of ``faces[idx]`` a new child of ``parent`` (slivers stay free)."""
    union = shapely.coverage_union_all(faces[idx]) if len(idx) > 1 else faces[idx[0]]
    pieces = shapely.get_parts(union)
    big = draft.area_m2(pieces) >= min_area_m2
    points = shapely.point_on_surface(faces[idx])
    level = child_level(parent)
    assert level is not None
    for piece, ok in zip(pieces, big.tolist(), strict=True):
        if not ok:
            continue
        code = draft.new_code(parent)
        n = sum(1 for a in draft.added.values() if a.get("_source") == source) + 2
        draft.add(code, source, piece, name=piece_name(draft.name(source), n), parent_code=parent,
                  level=level.value)
        draft.added[code]["_source"] = source
        parent_of[code] = parent
        inside = shapely.intersects(piece, points)
        for i, hit in zip(idx, inside.tolist(), strict=True):
            if hit:
                owner[i] = code


def _detach(faces: np.ndarray, owner: list[str | None], parent_of: Mapping[str, str]) -> list[str | None]:
    """Hand detached pieces of an owner (not its largest) to a bordering owner of the same parent."""
    built = ef.build(faces, owner)
    result = list(owner)
    eligible: dict[int, list[str]] = {}
    for code, geom in built.items():
        parts = shapely.get_parts(geom)
        if len(parts) < 2:
            continue
        main = parts[int(np.argmax(shapely.area(parts)))]
        others = [o for o, q in parent_of.items() if q == parent_of.get(code) and o != code]
        for i, o in enumerate(owner):
            if o == code and not shapely.intersects(main, shapely.point_on_surface(faces[i])):
                result[i] = None
                eligible[i] = others
    if not eligible:
        return result
    handed = ef.hand_out(faces, result, eligible)
    return [h if h is not None else o for h, o in zip(handed, owner, strict=True)]


def as_geometry(geoms: Iterable[Geometry]) -> Geometry:
    """The union of a few polygons of one coverage."""
    arr = np.asarray(list(geoms), dtype=object)
    return shapely.coverage_union_all(arr) if len(arr) > 1 else arr[0]
