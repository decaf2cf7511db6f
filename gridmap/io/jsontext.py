"""JSON input: a nesting guard, what kind of document a file is, and why a feature has no geometry.

- :func:`json_depth` / :func:`loads` -- Python's ``json`` recurses once per nesting
  level, so a file nested a few thousand levels deep raises ``RecursionError`` (and
  GDAL stops at 1,024 levels with an English error). The depth is measured first,
  without recursion, and a document deeper than :data:`MAX_JSON_DEPTH` is refused by
  name. GeoJSON needs about 8 levels (a MultiPolygon in a FeatureCollection) plus
  what nested properties use; 100 leaves ample room.
- :func:`describe_document` -- GeoJSON, or another JSON format recognised (Open311
  GeoReport v2 service requests, imported as issues by :mod:`gridmap.io.open311`, or
  service lists), or some other JSON. :func:`open311_kind`, :func:`open311_records`.
- :func:`geometry_reasons` -- for the features GDAL handed over without geometry, the
  reason read from the GeoJSON itself: ``null``, an unknown type, coordinates written
  as text, coordinates of the wrong shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from gridmap.io.problems import Message

MAX_JSON_DEPTH = 100
GEOMETRY_TYPES: tuple[str, ...] = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                   "MultiPolygon", "GeometryCollection")
GEOJSON_TYPES: frozenset[str] = frozenset({"FeatureCollection", "Feature", *GEOMETRY_TYPES})
_GEOMETRY_TYPES_FOLDED = frozenset(g.lower() for g in GEOMETRY_TYPES)
_GEOJSON_TYPES_FOLDED = frozenset(g.lower() for g in GEOJSON_TYPES)
# Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): GET requests / GET services, JSON form.
# A JSON string, written as an unrolled loop (twice as fast as the alternation).
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# What an Open311 document is, in words: requests (import them as issues) or a service list.
_OPEN311_FOUND = {"requests": "io.json.open311_requests_found", "services": "io.json.open311_services_found"}


class JsonTooDeep(ValueError):
    """A JSON text nested deeper than allowed; ``depth`` and ``limit`` say how deep."""

    def __init__(self, depth: int, limit: int) -> None:
        self.depth, self.limit = depth, limit
        super().__init__(f"JSON nested {depth} levels deep, above the limit of {limit}")


def json_depth(data: bytes | str) -> int:
    """The deepest nesting of arrays and objects in a JSON text, counted without recursion.

    Brackets inside strings do not count. For malformed text the count is an estimate
    (the parser refuses such text anyway).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    # Without escaped quotes every quote opens or closes a string, so the even pieces
    # between quotes are outside the strings (faster than the regex, which handles escapes).
    outside = _STRING.sub(b"", raw) if b'\\"' in raw else b"".join(raw.split(b'"')[0::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    if not brackets:
        return 0
    codes = np.frombuffer(brackets, dtype=np.uint8)
    steps = np.where((codes == ord("[")) | (codes == ord("{")), 1, -1)
    return int(np.cumsum(steps).max())


def loads(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses, as :class:`JsonTooDeep`, text nested deeper than ``max_depth``.

    Raises:
        JsonTooDeep: the nesting is deeper than ``max_depth``.
        json.JSONDecodeError: the text is not JSON.
    """
    depth = json_depth(text)
    if depth > max_depth:
        raise JsonTooDeep(depth, max_depth)
    return json.loads(text)


def describe_document(document: Any) -> Message | None:
    """None for GeoJSON; otherwise what the document is, as a message detail.

    Recognised: Open311 GeoReport v2 service requests (a list of objects with
    ``service_request_id``, ``requested_datetime`` ...: importable as issues, so the
    words say how) and Open311 service lists (no issues in them). Anything else is
    described by its top level.
    """
    kind = document.get("type") if isinstance(document, Mapping) else None
    if isinstance(kind, str) and kind.lower() in _GEOJSON_TYPES_FOLDED:  # GDAL ignores the case
        return None
    records = _records(document)
    open311 = open311_kind(document)
    if records is not None and open311 is not None:
        return Message(_OPEN311_FOUND[open311], {"count": len(records)})
    if isinstance(document, Mapping):
        if kind is None:
            keys = [str(k) for k in list(document)[:8]]
            return Message("io.json.not_geojson_keys", {"keys": keys or ["-"]})
        return Message("io.json.not_geojson_type", {"type": repr(kind)[:60],
                                                    "types": ["FeatureCollection", "Feature", *GEOMETRY_TYPES]})
    return Message("io.json.not_geojson_top", {"top": Message(f"io.json.top.{_top(document)}")})


def geometry_reasons(document: Any, missing: np.ndarray) -> dict[int, Message]:
    """Why each feature at the 0-based positions ``missing`` has no geometry.

    ``document`` is the parsed GeoJSON GDAL read; positions match GDAL's features when
    the document is a FeatureCollection with that many features (or one Feature).
    Returns an empty dict when they cannot be matched.
    """
    features = _features(document)
    if features is None or (len(missing) and int(np.max(missing)) >= len(features)):
        return {}
    return {int(i): _geometry_reason(features[int(i)]) for i in missing}


def open311_kind(document: Any) -> str | None:
    """``"requests"`` or ``"services"`` for an Open311 GeoReport v2 document, else None.

    Decided from the fields of its records (see :func:`describe_document`).
    """
    records = _records(document)
    if not records:
        return None
    fields = set().union(*(r.keys() for r in records))
    if "service_request_id" in fields or {"requested_datetime", "service_code"} <= fields:
        return "requests"
    if {"service_code", "service_name"} <= fields:
        return "services"
    return None


def open311_records(document: Any) -> list[Any] | None:
    """The records of an Open311 requests document, whatever they hold (objects or not).

    A list at the top, under ``service_requests`` (or ``service_requests.request``, the
    Spark mapping of the XML form), or one request object alone. None for any other shape.
    """
    if isinstance(document, Mapping) and "service_requests" in document and len(document) == 1:
        document = document["service_requests"]
        if isinstance(document, Mapping) and len(document) == 1 and "request" in document:
            document = document["request"]
    if isinstance(document, Mapping) and "service_request_id" in document:
        return [document]
    if isinstance(document, list):
        return list(document)
    return None


# --------------------------------------------------------------------------- helpers


def _records(document: Any) -> list[Mapping[str, Any]] | None:
    """The list of objects at the top of a document (or under its only list member)."""
    if isinstance(document, Mapping) and len(document) == 1:
        (inner,) = document.values()
        if isinstance(inner, Mapping) and len(inner) == 1:  # {"service_requests": {"request": [...]}}
            (inner,) = inner.values()
        document = inner
    if isinstance(document, Mapping) and ("service_request_id" in document or "service_code" in document):
        return [document]
    if isinstance(document, list) and document and all(isinstance(r, Mapping) for r in document):
        return list(document)
    return None


def _top(document: Any) -> str:
    if isinstance(document, list):
        return "list"
    if isinstance(document, str):
        return "string"
    if isinstance(document, bool) or document is None:
        return "literal"
    return "number"


def _features(document: Any) -> list[Any] | None:
    if not isinstance(document, Mapping):
        return None
    if document.get("type") == "FeatureCollection" and isinstance(document.get("features"), list):
        return list(document["features"])
    if document.get("type") == "Feature":
        return [document]
    return None


def _geometry_reason(feature: Any) -> Message:
    if not isinstance(feature, Mapping):
        return Message("io.geom.feature_not_object")
    geometry = feature.get("geometry")
    if geometry is None:
        return Message("io.geom.null")
    if not isinstance(geometry, Mapping):
        return Message("io.geom.not_object", {"value": _show(geometry)})
    kind = geometry.get("type")
    if not isinstance(kind, str) or kind.lower() not in _GEOMETRY_TYPES_FOLDED:  # GDAL ignores the case
        return Message("io.geom.unknown_type", {"type": _show(kind), "types": list(GEOMETRY_TYPES)})
    if kind.lower() == "geometrycollection":
        return Message("io.geom.bad_collection")
    if "coordinates" not in geometry:
        return Message("io.geom.no_coordinates", {"type": kind})
    text = _first_text(geometry["coordinates"])
    if text is not None:
        return Message("io.geom.text_coordinates", {"value": _show(text)})
    return Message("io.geom.bad_coordinates", {"type": kind})


def _first_text(coordinates: Any) -> str | None:
    """The first string among nested coordinates (iteratively: they may be deep)."""
    stack = [coordinates]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            return value
        if isinstance(value, list):
            stack.extend(reversed(value))
    return None


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
