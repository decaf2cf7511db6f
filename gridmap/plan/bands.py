"""The households band per parent unit (每个微网格多少户): a stored planner setting.

A planner sets the band of a unit on the planner page (e.g. 25-35 for a dense urban
grid, 15-30 for a mountain village); it holds for every micro-grid below that unit
unless a nearer unit has its own (:func:`gridmap.plan.context.band_for`). Units with no
band use :data:`~gridmap.plan.context.DEFAULT_BAND` (20-40). The checks, the balance
panel and the auto-partition read the same bands.

Stored as one county setting, :data:`BANDS_KEY`, JSON ``{"<unit code>": [low, high]}``,
written through the audited ``set_meta`` in one transaction that first locks the key,
so two planners setting bands at once both keep theirs.

Example::

    band = parse_band("25", "35")               # (25, 35), or PlanError naming the field
    set_band(session, "33032710300101", band)   # audited; None removes it
    read_bands(session)                         # {"33032710300101": (25, 35)}
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from gridmap.access import Op, Session
from gridmap.plan.errors import PlanError

__all__ = ["BANDS_KEY", "MAX_BAND", "decode_bands", "parse_band", "read_bands", "set_band"]

BANDS_KEY = "plan_bands"
# No micro-grid holds more households than this (a band above it is a typing slip).
MAX_BAND = 10_000


def parse_band(low: Any, high: Any) -> tuple[int, int]:
    """A band from what a planner typed: two whole numbers, ``0 <= low <= high <= MAX_BAND``.

    Raises:
        PlanError: a value that is not a whole number, a negative one, one above
            :data:`MAX_BAND`, or a low end above the high end (the message names it).
    """
    values = []
    for which, raw in (("low", low), ("high", high)):
        text = str(raw).strip() if raw is not None else ""
        try:
            number = float(text)
        except ValueError:
            raise PlanError(f"plan.bands.not_number_{which}", value=text or "—") from None
        if not math.isfinite(number) or number != int(number):
            raise PlanError(f"plan.bands.not_number_{which}", value=text)
        if number < 0:
            raise PlanError(f"plan.bands.negative_{which}", value=int(number))
        if number > MAX_BAND:
            raise PlanError(f"plan.bands.too_big_{which}", value=int(number), max=MAX_BAND)
        values.append(int(number))
    if values[0] > values[1]:
        raise PlanError("plan.bands.reversed", low=values[0], high=values[1])
    return values[0], values[1]


def decode_bands(text: str | None) -> dict[str, tuple[int, int]]:
    """The stored setting as ``{code: (low, high)}``; entries that are not a valid band
    (hand-edited, or from an older version) are left out."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError:
        return {}
    out: dict[str, tuple[int, int]] = {}
    if not isinstance(raw, Mapping):
        return out
    for code, band in raw.items():
        try:
            out[str(code)] = parse_band(*band)
        except (PlanError, TypeError, ValueError):
            continue
    return out


def read_bands(session: Session) -> dict[str, tuple[int, int]]:
    """The bands set by planners in the session's county."""
    session.require(Op.EDIT_UNITS)
    return decode_bands(session.store.get_meta(session.scope.county_code, BANDS_KEY))


def set_band(session: Session, code: str, band: tuple[int, int] | None) -> dict[str, tuple[int, int]]:
    """Set (or with None remove) the band of unit ``code``; one audited transaction.

    Returns:
        The bands after the change.

    Raises:
        PlanError: a bad band (see :func:`parse_band`), or an empty code.
        PermissionDenied: the session may not edit units county-wide.
    """
    code = str(code).strip()
    if not code:
        raise PlanError("plan.bands.no_unit")
    checked = parse_band(*band) if band is not None else None
    with session.write(Op.EDIT_UNITS) as tx:
        tx.lock(BANDS_KEY)
        bands = decode_bands(tx.get_meta(BANDS_KEY))
        if checked is None:
            bands.pop(code, None)
        else:
            bands[code] = checked
        tx.set_meta(BANDS_KEY, json.dumps({c: list(b) for c, b in sorted(bands.items())}, separators=(",", ":")))
    return bands
