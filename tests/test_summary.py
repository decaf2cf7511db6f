"""gridmap.summary: the counts behind the overview page and ``python -m gridmap info``."""

from __future__ import annotations

import json

import pytest

from gridmap.access import Session
from gridmap.domain import DATA_LAYERS, Level, Scope
from gridmap.store import open_store
from gridmap.summary import layer_counts, mask_url
from tests.conftest import OVERVIEW_AS_OF, OVERVIEW_COUNTY


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("sqlite:///data/gridmap.db", "sqlite:///data/gridmap.db"),
        ("postgresql://postgres@127.0.0.1:5432/gridmap", "postgresql://postgres@127.0.0.1:5432/gridmap"),
        ("postgresql://grid:s3cr%40t@db.example:5432/gm?sslmode=require",
         "postgresql://grid:***@db.example:5432/gm?sslmode=require"),
        ("postgresql://:pw@localhost/gm", "postgresql://:***@localhost/gm"),
        ("postgresql://u:pw@[::1]:5433/gm", "postgresql://u:***@[::1]:5433/gm"),
    ],
)
def test_mask_url_hides_only_the_password(url: str, shown: str) -> None:
    assert mask_url(url) == shown


def test_counts_use_the_current_plan_only(overview_db_url: str) -> None:
    with open_store(overview_db_url) as store:
        info = layer_counts(Session.system(store, Scope.county(OVERVIEW_COUNTY)))
    assert info["levels"] == {"county": 1, "town": 1, "village": 1, "grid": 1, "micro": 2}
    assert list(info["levels"]) == [lvl.value for lvl in Level]
    assert list(info["layers"]) == list(DATA_LAYERS)
    assert info["layers"]["units"] == 6  # plan 2 only; plan 1 is history
    assert info["layers"]["households"] == 2
    assert info["layers"]["issues"] == 0
    assert info["plan_version"] == 2
    assert info["approximate_units"] == 2
    assert info["as_of"] == OVERVIEW_AS_OF
    assert info["county_name"] == "苍南县"
    assert info["counties"] == [OVERVIEW_COUNTY]
    assert info["backend"] == "sqlite"
    json.dumps(info, ensure_ascii=False)  # the CLI prints it as JSON


def test_counts_of_an_empty_store_are_zero(empty_db_url: str) -> None:
    with open_store(empty_db_url) as store:
        info = layer_counts(Session.system(store, Scope.county(OVERVIEW_COUNTY)))
    assert set(info["levels"].values()) == {0}
    assert set(info["layers"].values()) == {0}
    assert info["county_name"] is None
    assert info["as_of"] is None
    assert info["counties"] == []
