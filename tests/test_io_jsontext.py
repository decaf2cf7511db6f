"""gridmap.io.jsontext: the nesting depth is measured without recursion, strings ignored."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridmap.io.jsontext import MAX_JSON_DEPTH, JsonTooDeep, describe_document, json_depth, loads


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max([_depth(v) for v in value.values()] or [0])
    if isinstance(value, list):
        return 1 + max([_depth(v) for v in value] or [0])
    return 0


DOCUMENTS: list[Any] = [
    1, "text", [], {}, [[[]]], {"a": "[[[["},
    {"a": 'x" [[[[ \\', "b": [[1]]},  # an escaped quote and a backslash before the closing quote
    ["\\", [[]]],
    {"k": '"}{"', "v": [{"w": '[\\"]'}]},
    {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"名称": "{站}"},
                                                "geometry": {"type": "Polygon", "coordinates": [[[1, 2]]]}}]},
]


@pytest.mark.parametrize("document", DOCUMENTS, ids=[json.dumps(d)[:30] for d in DOCUMENTS])
def test_depth_matches_the_parsed_document(document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False)
    assert json_depth(text) == json_depth(text.encode()) == _depth(document)


def test_loads_refuses_deep_text_before_parsing() -> None:
    deep = "[" * 20_000 + "]" * 20_000  # json.loads alone raises RecursionError on this
    with pytest.raises(JsonTooDeep) as caught:
        loads(deep)
    assert (caught.value.depth, caught.value.limit) == (20_000, MAX_JSON_DEPTH)
    assert loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None


@pytest.mark.parametrize(("document", "key"), [
    ({"type": "FeatureCollection", "features": []}, None),
    ({"type": "featurecollection", "features": []}, None),  # GDAL reads any case
    ([{"service_request_id": 1, "status": "open", "lat": 27.5, "long": 120.4}],
     "io.json.open311_requests_found"),
    ({"service_requests": {"request": [{"service_request_id": 1}]}}, "io.json.open311_requests_found"),
    ([{"service_code": "001", "service_name": "Cans"}], "io.json.open311_services_found"),
    ({"type": "Topology", "objects": {}}, "io.json.not_geojson_type"),
    ({"features": []}, "io.json.not_geojson_keys"),
    ([1, 2], "io.json.not_geojson_top"),
])
def test_describe_document(document: Any, key: str | None) -> None:
    found = describe_document(document)
    assert (found.key if found else None) == key
    if found is not None:
        assert found.text("zh") != found.text("en")
