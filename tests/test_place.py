"""gridmap.workflow.place: a point's micro-grid and ancestors, decided on the server.

A report (a handful of points) takes a light path; a file import the vectorised
:func:`gridmap.spatial.assign.assign`. Both must give the same answer for the same
points, shared edges and points outside every unit included. Both backends.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gridmap.domain import ASSIGN_COLUMNS
from gridmap.store import Store, StoreError
from gridmap.workflow import place
from tests.store_fixtures import SCOPE


def _points(xy: np.ndarray) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"p{i}" for i in range(len(xy))]}, geometry=shapely.points(xy),
                            crs="EPSG:4326")


def test_the_light_path_and_the_vectorised_path_agree(tiny_store: Store) -> None:
    rng = np.random.default_rng(3)
    xy = np.column_stack([rng.uniform(120.395, 120.425, 60), rng.uniform(27.495, 27.525, 60)])
    edges = np.array([[120.41, 27.515], [120.405, 27.51], [120.41, 27.51], [120.40, 27.50], [120.42, 27.52]])
    points = _points(np.vstack([xy, edges]))
    with tiny_store.transaction("probe", SCOPE) as tx:
        many = place(tx, points)  # more than a handful: gridmap.spatial.assign
        few = [place(tx, points.iloc[[i]]) for i in range(len(points))]  # one by one: the light path
    light = gpd.GeoDataFrame(pd.concat(few), crs="EPSG:4326")
    for column in ASSIGN_COLUMNS:
        assert many[column].tolist() == light[column].tolist(), column
    assert many["outside"].any() and not many["outside"].all()
    assert many.loc[many["id"] == f"p{len(xy)}", "micro_code"].iloc[0] == "33032710000101001"  # edge: smallest


def test_a_point_that_is_not_a_point_is_refused(tiny_store: Store) -> None:
    bad = gpd.GeoDataFrame({"id": ["x"]}, geometry=[shapely.box(120.40, 27.50, 120.41, 27.51)], crs="EPSG:4326")
    with pytest.raises(StoreError, match="Point"), tiny_store.transaction("probe", SCOPE) as tx:
        place(tx, bad)
    with pytest.raises(StoreError, match="EPSG:4326"), tiny_store.transaction("probe", SCOPE) as tx:
        place(tx, _points(np.array([[120.405, 27.515]])).set_crs("EPSG:3857", allow_override=True))
