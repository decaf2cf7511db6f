"""New rows at the start of a lifecycle: :func:`report_issue`, :func:`record_inspection`.

Each is one light transaction: the point is placed on the server (its micro-grid and
every ancestor, from the few units whose box holds it: :func:`gridmap.workflow.place.place`),
checked against the writer's jurisdiction, routed (issues: department and deadline by
category; hazards: deadline by severity) and written with its first history row.

A point in no unit at all is kept and flagged (``outside=True``): only a whole-county
jurisdiction sees such rows, so only it may file one. A point in a unit outside the
writer's jurisdiction is refused, saying where it lies.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import shapely

from gridmap import photos as photo_store  # a module import: gridmap.photos imports this package's errors
from gridmap.access import GuardedTransaction, Op, Session
from gridmap.domain import (
    HAZARD_LIFECYCLE,
    ISSUE_LIFECYCLE,
    Channel,
    HazardType,
    Lifecycle,
    PlaceType,
    Severity,
)
from gridmap.store.base import new_id, now
from gridmap.uploads import Upload
from gridmap.workflow.clock import hazard_deadline, issue_deadline
from gridmap.workflow.errors import BadInput, Coded, OutsideJurisdiction, Words, listed
from gridmap.workflow.routing import route

DESCRIPTION_LIMIT = 2000  # characters in an issue's description
NOTE_LIMIT = 1000


def report_issue(session: Session, *, category: str, lon: float, lat: float, description: str | None = None,
                 channel: str = Channel.GRID_PATROL, reporter: str | None = None,
                 photos: Sequence[Upload] | None = None) -> dict[str, Any]:
    """Report an issue at a point (上报): placed, routed, due, and its first history row.

    Args:
        session: Who reports (grid workers; commanders for the hotline, citizen and
            deputy channels).
        category: A category of :data:`gridmap.domain.CATEGORIES`; it decides the
            department and the deadline.
        lon, lat: The position, WGS84 / CGCS2000 degrees.
        description: What is wrong (at most :data:`DESCRIPTION_LIMIT` characters).
        channel: How it came in (:class:`~gridmap.domain.Channel`).
        reporter: Who reported it; default the user's display name.
        photos: Pictures of it, each through :func:`gridmap.uploads.accept_upload`
            (at most :data:`gridmap.photos.MAX_PHOTOS`); kept with the first history row.

    Returns:
        The stored issue (``id``, codes, ``outside``, ``department``, ``deadline``, ...;
        the position as ``lon``/``lat``).

    Raises:
        BadInput: unknown category or channel, a wrong position, a description too long,
            too many photos or one that did not pass the upload checks.
        OutsideJurisdiction: the point lies outside the user's jurisdiction.
        PermissionDenied: the role may not report issues.
    """
    routed = route(category)
    channel = _choice("channel", channel, [str(c) for c in Channel], "workflow.unknown_channel")
    point = _point(lon, lat)
    text = _text(description, DESCRIPTION_LIMIT, "workflow.description_too_long")
    pictures = photo_store.check_photos(photos)
    session.require(Op.REPORT_ISSUE)
    at = now().replace(microsecond=0)
    row = {"id": new_id(), "county_code": session.scope.county_code, "category": routed.code,
           "description": text, "channel": channel, "reporter": reporter or _name(session),
           "department": routed.department, "status": ISSUE_LIFECYCLE.initial, "reported_at": at,
           "deadline": issue_deadline(routed.code, at), "closed_at": None}
    with session.write(Op.REPORT_ISSUE) as tx:
        return _create(tx, session, ISSUE_LIFECYCLE, row, point, at, note=None, photos=pictures)


def record_inspection(session: Session, *, place_type: str, hazard_types: Iterable[str], severity: str,
                      lon: float, lat: float, inspector: str | None = None,
                      note: str | None = None, photos: Sequence[Upload] | None = None) -> dict[str, Any]:
    """Record a hazard found at a point (发现): placed, due by severity, first history row.

    Args:
        session: Who records it (inspectors, grid workers).
        place_type: A :class:`~gridmap.domain.PlaceType`.
        hazard_types: One or more :class:`~gridmap.domain.HazardType`.
        severity: A :class:`~gridmap.domain.Severity`; it decides the deadline.
        lon, lat: The position.
        inspector: Who found it; default the user's display name.
        note: A note for the history.
        photos: Pictures of it (as for :func:`report_issue`).

    Returns:
        The stored inspection, with ``lon``/``lat``.
    """
    place = _choice("place_type", place_type, [str(p) for p in PlaceType], "workflow.unknown_choice")
    types = [_choice("hazard_types", h, [str(t) for t in HazardType], "workflow.unknown_choice")
             for h in dict.fromkeys(str(h) for h in hazard_types)]
    if not types:
        raise BadInput("workflow.no_hazard_types")
    level = _choice("severity", severity, [str(s) for s in Severity], "workflow.unknown_choice")
    point = _point(lon, lat)
    text = _text(note, NOTE_LIMIT, "workflow.note_too_long")
    pictures = photo_store.check_photos(photos)
    session.require(Op.RECORD_INSPECTION)
    at = now().replace(microsecond=0)
    row = {"id": new_id(), "county_code": session.scope.county_code, "place_type": place, "hazard_types": types,
           "severity": level, "status": HAZARD_LIFECYCLE.initial, "found_at": at,
           "deadline": hazard_deadline(level, at), "rectified_at": None, "inspector": inspector or _name(session)}
    with session.write(Op.RECORD_INSPECTION) as tx:
        return _create(tx, session, HAZARD_LIFECYCLE, row, point, at, note=text, photos=pictures)


# --------------------------------------------------------------------------- helpers


def _create(tx: GuardedTransaction, session: Session, lifecycle: Lifecycle, row: dict[str, Any],
            point: shapely.Point, at: Any, *, note: str | None, photos: list[Upload]) -> dict[str, Any]:
    # Plain dicts all the way to the store's INSERT: no frame is built for one row.
    (placed,) = tx.place_records(lifecycle.layer, [{**row, "geometry": point}])
    _inside_jurisdiction(session, placed.get("micro_code"), point)
    event_id = new_id()
    tx._create(lifecycle, [placed], {"id": event_id, "at": at, "actor": session.user.username,
                                     "from_status": None, "to_status": lifecycle.initial, "note": note})
    photo_store.attach(tx, lifecycle.layer, str(placed["id"]), photos, event_id=event_id)
    out = {k: v for k, v in placed.items() if k != "geometry"}
    out["lon"], out["lat"] = point.x, point.y
    return out


def _inside_jurisdiction(session: Session, micro: Any, point: shapely.Point) -> None:
    scope = session.scope
    if micro is None:
        if scope.whole_county:
            return
        where = Words("workflow.where_outside")
    elif str(micro).startswith(scope.prefix):
        return
    else:
        where = Words("workflow.where_unit", (("code", str(micro)),))
    raise OutsideJurisdiction("workflow.outside_jurisdiction", lon=f"{point.x:.6f}", lat=f"{point.y:.6f}",
                              where=where, unit=scope.unit_code or scope.county_code)


def _point(lon: Any, lat: Any) -> shapely.Point:
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise BadInput("workflow.bad_position", lon=str(lon), lat=str(lat)) from None
    if not (math.isfinite(x) and math.isfinite(y)) or abs(x) > 180 or abs(y) > 90:
        raise BadInput("workflow.bad_position", lon=str(lon), lat=str(lat))
    return shapely.Point(x, y)


def _choice(field: str, value: Any, choices: list[str], key: str) -> str:
    if str(value) in choices:
        return str(value)
    kind = {"channel": "channel", "place_type": "place", "hazard_types": "hazard", "severity": "severity"}[field]
    raise BadInput(key, field=Words(f"workflow.field.{field}"), value=str(value), channel=str(value),
                   choices=listed(Coded(kind, c) for c in choices))


def _text(value: str | None, limit: int, key: str) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if len(value) > limit:
        raise BadInput(key, n=len(value), limit=limit)
    return value or None


def _name(session: Session) -> str:
    return session.user.display_name or session.user.username


__all__ = ["DESCRIPTION_LIMIT", "record_inspection", "report_issue"]
