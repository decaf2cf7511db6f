"""Photos of issues and hazards: kept with their owner row, shown to whoever sees it.

A photo reaches the store only as an :class:`~gridmap.uploads.Upload` of kind
``"image"`` -- that is, after :func:`gridmap.uploads.accept_upload` checked it and
re-encoded it without any metadata. It is written in the same transaction as the
report or the step it came with (:func:`attach`, called by :mod:`gridmap.workflow`),
so a refused step keeps no photo and a kept photo always has its history row.

- :func:`attach` -- add photos to a row (and to one of its history rows) inside an
  open :class:`~gridmap.access.GuardedTransaction`.
- :func:`check_photos` -- refuse a wrong list before any transaction starts.
- :func:`photos_of` -- the photos of a row, without their bytes (for a gallery or a
  timeline), oldest first; :func:`photos_by_owner` -- those of every row of a layer at once.
- :func:`photo_bytes` -- one photo's picture and media type.
- :data:`MAX_PHOTOS` -- how many photos one report or step may carry.

The picture is stored as base64 text (an ordinary column on both backends). The
photo row copies its owner's micro-grid and department, so jurisdiction scope and a
department handler's view filter photos exactly like the issue or hazard
(:class:`~gridmap.access.Session`).

Example::

    upload = accept_upload(data, "现场.jpg", "image")
    report_issue(session, category="road_damage", lon=120.4, lat=27.5, photos=[upload])
    for ref in photos_of(session, "issues", issue_id):
        data, media_type = photo_bytes(session, ref.id)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gridmap.access import GuardedTransaction, Session
from gridmap.domain import PHOTO_OWNERS
from gridmap.store.base import new_id, now
from gridmap.uploads import Upload
from gridmap.workflow.errors import BadInput, RowNotFound, Words

MAX_PHOTOS = 9  # per report or step (a phone's photo picker shows nine)

_LIST_COLUMNS = ["id", "owner_layer", "owner_id", "event_id", "name", "media_type", "width", "height",
                 "size_bytes", "taken_lon", "taken_lat", "uploaded_by", "uploaded_at"]


@dataclass(frozen=True)
class PhotoRef:
    """A stored photo without its bytes.

    Attributes:
        id: The photo's id (for :func:`photo_bytes`).
        owner_layer, owner_id: The row it belongs to.
        event_id: The history row (step) it came with; None for one added with the row
            itself when that row has no history.
        name: The file name the browser sent, for display.
        media_type: ``image/jpeg``, ``image/png`` or ``image/webp``.
        width, height: Pixels, upright.
        size_bytes: Size of the stored picture.
        taken_lon, taken_lat: Where its EXIF said it was taken (read before the
            metadata was removed), if it said so.
        uploaded_by: Who added it (user name).
        uploaded_at: When (Beijing time).
    """

    id: str
    owner_layer: str
    owner_id: str
    event_id: str | None
    name: str | None
    media_type: str
    width: int | None
    height: int | None
    size_bytes: int
    taken_lon: float | None
    taken_lat: float | None
    uploaded_by: str
    uploaded_at: Any


def check_photos(photos: Sequence[Upload] | None) -> list[Upload]:
    """``photos`` as a list, refused in words when one is not a checked image or there are too many.

    Raises:
        BadInput: more than :data:`MAX_PHOTOS`, or an item that is not an image
            :class:`~gridmap.uploads.Upload` (the page must pass every file through
            :func:`gridmap.uploads.accept_upload` first).
    """
    found = list(photos or [])
    if len(found) > MAX_PHOTOS:
        raise BadInput("photos.too_many", n=len(found), limit=MAX_PHOTOS)
    for i, photo in enumerate(found, 1):
        if not isinstance(photo, Upload) or photo.kind != "image":
            raise BadInput("photos.not_checked", n=i)
    return found


def attach(tx: GuardedTransaction, owner_layer: str, owner_id: str, photos: Sequence[Upload] | None, *,
           event_id: str | None = None) -> list[str]:
    """Store ``photos`` for row ``owner_id`` of ``owner_layer`` in the open transaction.

    The transaction's operation must write ``owner_layer`` and the session must see the
    row (:class:`~gridmap.access.GuardedTransaction` checks both and copies the row's
    micro-grid and department onto each photo).

    Returns:
        The new photos' ids, in order.

    Raises:
        BadInput: see :func:`check_photos`; an owner layer that takes no photos.
        RowNotFound: the owner row does not exist or is not visible to the session.
        PermissionDenied: the operation may not add photos to that layer.
    """
    found = check_photos(photos)
    if not found:
        return []
    if owner_layer not in PHOTO_OWNERS:
        raise BadInput("photos.no_owner", layer=str(owner_layer))
    at = now().replace(microsecond=0)
    user = tx.session.user.username
    rows = [{"id": new_id(), "county_code": tx.session.scope.county_code, "owner_layer": owner_layer,
             "owner_id": str(owner_id), "event_id": event_id, "name": photo.original_name[:200] or photo.filename,
             "media_type": photo.media_type, "width": photo.width, "height": photo.height,
             "size_bytes": photo.size, "data": base64.b64encode(photo.data).decode("ascii"),
             "taken_lon": photo.gps.lon if photo.gps else None, "taken_lat": photo.gps.lat if photo.gps else None,
             "uploaded_by": user, "uploaded_at": at}
            for photo in found]
    tx.insert("photos", pd.DataFrame(rows), note=f"{len(rows)} photo(s) of {owner_layer} {owner_id}")
    return [str(r["id"]) for r in rows]


def photos_of(session: Session, owner_layer: str, owner_id: str) -> list[PhotoRef]:
    """The photos of one row that ``session`` may see, oldest first (no bytes read)."""
    return _refs(session.read("photos", where={"owner_layer": owner_layer, "owner_id": str(owner_id)},
                              columns=_LIST_COLUMNS))


def photos_by_owner(session: Session, owner_layer: str) -> dict[str, list[PhotoRef]]:
    """The photos of every ``owner_layer`` row that ``session`` may see, by owner id, each
    list oldest first: one read for a whole list of rows (no bytes read)."""
    found: dict[str, list[PhotoRef]] = {}
    for ref in _refs(session.read("photos", where={"owner_layer": owner_layer}, columns=_LIST_COLUMNS)):
        found.setdefault(ref.owner_id, []).append(ref)
    return found


def _refs(found: pd.DataFrame) -> list[PhotoRef]:
    if found.empty:
        return []
    found = found.sort_values(["uploaded_at", "id"], kind="stable")
    return [_ref(row) for row in found.to_dict("records")]


def photo_bytes(session: Session, photo_id: str) -> tuple[bytes, str]:
    """One photo's picture and media type, if ``session`` may see it.

    Raises:
        RowNotFound: no such photo in the session's view.
    """
    found = session.read("photos", where={"id": str(photo_id)}, columns=["id", "media_type", "data"], limit=1)
    if found.empty:
        raise RowNotFound("workflow.not_found", thing=Words("photos.thing"), id=str(photo_id))
    row = found.iloc[0]
    try:
        data = base64.b64decode(str(row["data"]), validate=True)
    except (binascii.Error, ValueError):
        raise RowNotFound("workflow.not_found", thing=Words("photos.thing"), id=str(photo_id)) from None
    return data, str(row["media_type"])


def _ref(row: dict[str, Any]) -> PhotoRef:
    def num(value: Any, kind: type) -> Any:
        return None if value is None or pd.isna(value) else kind(value)

    def text(value: Any) -> str | None:
        return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)

    return PhotoRef(id=str(row["id"]), owner_layer=str(row["owner_layer"]), owner_id=str(row["owner_id"]),
                    event_id=text(row.get("event_id")), name=text(row.get("name")),
                    media_type=str(row["media_type"]), width=num(row.get("width"), int),
                    height=num(row.get("height"), int), size_bytes=int(row["size_bytes"]),
                    taken_lon=num(row.get("taken_lon"), float), taken_lat=num(row.get("taken_lat"), float),
                    uploaded_by=str(row["uploaded_by"]), uploaded_at=row.get("uploaded_at"))


__all__ = ["MAX_PHOTOS", "PhotoRef", "attach", "check_photos", "photo_bytes", "photos_by_owner", "photos_of"]
