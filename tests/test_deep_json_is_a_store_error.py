"""A JSON value nested thousands of levels deep is refused with a StoreError, never a
RecursionError (issue 8, store habits). Both backends for the stored field."""

from __future__ import annotations

import pytest

from gridmap.store import Store, StoreError
from gridmap.store.codec import JSON_DEPTH_LIMIT, json_text, jsonable
from tests.store_fixtures import SCOPE, tiny_units


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


def test_jsonable_refuses_a_value_nested_thousands_deep() -> None:
    with pytest.raises(StoreError, match=str(JSON_DEPTH_LIMIT)):
        jsonable({"a": _nested(5000)})
    assert jsonable({"a": _nested(10)}) == {"a": _nested(10)}


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, "[" * 200 + "]" * 200], ids=["100000-deep", "200-deep"])
def test_json_text_refuses_text_nested_too_deep(text: str) -> None:
    with pytest.raises(ValueError, match="nested deeper"):
        json_text(text)


@pytest.mark.parametrize("rows", [1, 20])  # the light path (a few rows) and the frame path
def test_a_stored_json_field_nested_thousands_deep_is_refused(store: Store, rows: int) -> None:
    units = tiny_units().head(1)
    frame = units.loc[units.index.repeat(rows)].reset_index(drop=True)
    frame["id"] = [f"u{i}" for i in range(rows)]
    frame["staff"] = [_nested(5000)] * rows
    with pytest.raises(StoreError), store.transaction("tester", SCOPE) as tx:
        tx.insert("units", frame)
    frame["staff"] = ["[" * 100_000 + "]" * 100_000] * rows
    with pytest.raises(StoreError), store.transaction("tester", SCOPE) as tx:
        tx.insert("units", frame)
    assert store.count("units", SCOPE) == 0
