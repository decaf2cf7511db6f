"""Voronoi faces, their adjacency, contiguity repair and dissolving."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from gridmap.spatial.tessellate import (
    dissolve,
    face_adjacency,
    repair_contiguity,
    separate_points,
    voronoi_faces,
)


def _row_of_squares(n: int) -> np.ndarray:
    """``n`` unit squares side by side: s0 s1 ... s(n-1)."""
    return np.array([shapely.box(i, 0, i + 1, 1) for i in range(n)], dtype=object)


def test_voronoi_faces_cover_the_area_as_a_valid_coverage() -> None:
    rng = np.random.default_rng(1)
    area = shapely.Polygon([(0, 0), (100, 0), (100, 40), (60, 40), (60, 100), (0, 100)])  # an L
    seeds = rng.uniform(0, 100, (200, 2))
    faces, owner = voronoi_faces(seeds, area)
    assert shapely.coverage_is_valid(faces)
    assert shapely.coverage_union_all(faces).symmetric_difference(area).area < 1e-6
    # every face belongs to the seed nearest to a point inside it
    probe = shapely.get_coordinates(shapely.point_on_surface(faces))
    nearest = np.argmin(((probe[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2), axis=1)
    assert (owner == nearest).all()


def test_constrained_faces_fill_each_region() -> None:
    area = shapely.box(0, 0, 100, 100)
    regions = [shapely.box(0, 0, 50, 100), shapely.box(50, 0, 100, 100)]
    seeds = np.array([[10.0, 10.0], [40.0, 80.0], [55.0, 50.0], [90.0, 90.0], [70.0, 20.0]])
    groups = np.array([0, 0, 1, 1, 1])
    faces, owner = voronoi_faces(seeds, area, groups, regions)
    assert shapely.coverage_is_valid(faces)
    for g, region in enumerate(regions):
        mine = faces[groups[owner] == g]
        assert shapely.coverage_union_all(mine).symmetric_difference(region).area < 1e-6


def test_coinciding_seeds_are_refused_and_separated() -> None:
    seeds = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0]])
    with pytest.raises(ValueError, match="coincide"):
        voronoi_faces(seeds, shapely.box(-10, -10, 10, 10))
    apart = separate_points(seeds, 0.5)
    assert len(np.unique(apart, axis=0)) == 3


def test_adjacency_finds_shared_borders_only() -> None:
    faces = np.array([shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1), shapely.box(1, 1, 2, 2)], dtype=object)
    adj = face_adjacency(faces)
    # s0|s1 share an edge, s1|s2 share an edge, s0 and s2 touch at a corner only
    assert list(zip(adj.a.tolist(), adj.b.tolist(), adj.length.tolist(), strict=True)) == [(0, 1, 1.0), (1, 2, 1.0)]


def test_repair_moves_detached_pieces_without_swapping_forever() -> None:
    """s0 s1 s2 s3 labelled A B A B, A heavy at s0, B heavy at s3.

    The detached s1 (B) and s2 (A) face each other; each must go to the side that
    stays, giving A A B B.
    """
    faces = _row_of_squares(4)
    weight = np.array([10.0, 0.1, 0.1, 10.0])
    face_unit, _ = repair_contiguity(np.array([0, 1, 0, 1]), [np.array([0, 0])], face_adjacency(faces), weight)
    assert face_unit.tolist() == [0, 0, 1, 1]


def test_repair_moves_a_whole_unit_to_a_new_parent() -> None:
    """Micro-grids m0 m1 m2 in towns 0 1 0: m2 is cut off from town 0, so it joins town 1."""
    faces = _row_of_squares(3)
    face_unit, (town,) = repair_contiguity(np.array([0, 1, 2]), [np.array([0, 1, 0])], face_adjacency(faces),
                                           np.array([5.0, 5.0, 1.0]))
    assert face_unit.tolist() == [0, 1, 2]  # no micro-grid lost its face
    assert town.tolist() == [0, 1, 1]


def test_dissolve_unions_by_label() -> None:
    faces = _row_of_squares(4)
    out = dissolve(faces, np.array([0, 0, 2, 2]), 3)
    assert out[0].equals(shapely.box(0, 0, 2, 1)) and out[1] is None and out[2].equals(shapely.box(2, 0, 4, 1))
