"""How things look on the map: colours, marker styles, station icons, value classes.

- :data:`RISK_COLOURS` -- the three-colour management (三色管理) fills.
- :data:`ISSUE_STATUS_COLOURS`, :data:`HAZARD_STATUS_COLOURS` -- point colours by status.
- :data:`OVERDUE_STYLE` -- how an overdue point stands out (larger, red, dark ring).
- :data:`STATION_ICONS` -- a Font Awesome icon and marker colour per station type.
- :data:`SEQUENTIAL` -- the palette for a measure (light = low, dark = high).
- :func:`classify` -- class breaks for measure values; :func:`count_breaks` -- whole-number
  breaks for counts, zero in a class of its own; :func:`class_of` -- a value's class.
- :data:`ZERO_COLOUR` -- the neutral fill of a count of zero (nothing to report is not a class of alarm).
- :data:`CLUSTER_COLOURS` -- marker-cluster bubbles: one neutral slate, the size says how many.

Plain data and small pure functions: no folium here, so a page can reuse the colours in
its own charts and tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gridmap.domain import HazardStatus, IssueStatus, RiskColour, StationType

# --------------------------------------------------------------------------- areas

RISK_COLOURS: dict[str, str] = {
    RiskColour.ORANGE: "#F08C00",
    RiskColour.BLUE: "#1C7ED6",
    RiskColour.CYAN: "#15AABF",
}

# Five classes from light to dark (a yellow-orange-brown ramp that stays readable for
# the common colour-vision deficiencies and in greyscale print).
SEQUENTIAL: tuple[str, ...] = ("#FFF3C4", "#FECC5C", "#FD8D3C", "#E6550D", "#A63603")
NO_DATA_COLOUR = "#E9ECEF"
# A count of zero (no open issues): white with the outline, neither alarm nor "no data".
ZERO_COLOUR = "#FFFFFF"
BOUNDARY_COLOUR = "#495057"
# A unit's outline and fill opacity when it only shows boundaries (no measure).
PLAIN_FILL = "#DEE6EF"

# Offline map background (no tile layer): a light grey-blue, like paper under a plan.
OFFLINE_BACKGROUND = "#F4F6F8"

# --------------------------------------------------------------------------- points

ISSUE_STATUS_COLOURS: dict[str, str] = {
    IssueStatus.REPORTED: "#F59F00",
    IssueStatus.ACCEPTED: "#F59F00",
    IssueStatus.DISPATCHED: "#1971C2",
    IssueStatus.IN_PROGRESS: "#1971C2",
    IssueStatus.RETURNED: "#9C36B5",
    IssueStatus.RESOLVED: "#2F9E44",
    IssueStatus.VERIFIED: "#2F9E44",
    IssueStatus.CLOSED: "#868E96",
    IssueStatus.DUPLICATE: "#ADB5BD",
    IssueStatus.INVALID: "#ADB5BD",
}

HAZARD_STATUS_COLOURS: dict[str, str] = {
    HazardStatus.FOUND: "#F76707",
    HazardStatus.RECTIFYING: "#1971C2",
    HazardStatus.RECTIFIED: "#2F9E44",
    HazardStatus.VERIFIED: "#868E96",
    HazardStatus.OVERDUE: "#C92A2A",
}

UNKNOWN_COLOUR = "#495057"


@dataclass(frozen=True)
class PointStyle:
    """Leaflet ``CircleMarker`` options for one class of points."""

    fill: str
    radius: float = 5.0
    stroke: str = "#FFFFFF"
    weight: float = 1.0
    fill_opacity: float = 0.9

    def options(self) -> dict[str, Any]:
        """The style as Leaflet path options."""
        return {"radius": self.radius, "color": self.stroke, "weight": self.weight,
                "fillColor": self.fill, "fillOpacity": self.fill_opacity, "opacity": 1.0}


def point_style(colour: str) -> PointStyle:
    """The ordinary marker style for a point of ``colour``."""
    return PointStyle(fill=colour)


# Overdue points: bigger, red, with a dark ring, and drawn on top of the others.
OVERDUE_STYLE = PointStyle(fill="#E03131", radius=8.0, stroke="#5C0A0A", weight=3.0, fill_opacity=0.95)

# Marker shapes per layer: issues are dots (canvas circle markers), hazards diamonds
# (a rotated square drawn as a Leaflet DivIcon), so the two layers never read alike.
ISSUE_SHAPE = "circle"
HAZARD_SHAPE = "diamond"

# Items new since the previous live tick: a thick dashed ring in a blue no status uses,
# pulsing (CSS), drawn around the item; unmistakable next to the red overdue rings.
NEW_COLOUR = "#3B5BDB"

# Marker-cluster bubbles: one neutral slate for every size (the default green / yellow /
# orange by size read as good / bad); the number says how many, the size grows with it.
# A cluster holding overdue points gets the overdue red ring (and a legend row).
CLUSTER_COLOURS: dict[str, str] = {"fill": "#495057", "halo": "#ADB5BD", "text": "#FFFFFF"}

# --------------------------------------------------------------------------- stations


@dataclass(frozen=True)
class StationIcon:
    """An awesome-markers icon: Font Awesome 6 name (``fa`` prefix) and marker colour."""

    icon: str
    colour: str  # one of folium.Icon.color_options
    icon_colour: str = "white"


STATION_ICONS: dict[str, StationIcon] = {
    StationType.PARTY_L2: StationIcon("flag", "red"),
    StationType.PARTY_L3: StationIcon("flag", "lightred"),
    StationType.HAPPINESS: StationIcon("heart", "pink"),
    StationType.EXAM_HELP: StationIcon("graduation-cap", "purple"),
    StationType.POLICE_POST: StationIcon("shield-halved", "blue"),
    StationType.GOVERNANCE_CENTRE: StationIcon("landmark", "darkpurple"),
    StationType.NEIGHBOURHOOD_CENTRE: StationIcon("people-roof", "green"),
}
OTHER_STATION_ICON = StationIcon("location-dot", "gray")

# The hex colours awesome-markers paints its marker pins in (for the legend swatches).
MARKER_HEX: dict[str, str] = {
    "red": "#D63E2A", "lightred": "#FF8E7F", "pink": "#FF91EA", "purple": "#D252B9",
    "blue": "#38AADD", "darkpurple": "#5B396B", "green": "#72B026", "gray": "#575757",
}

# --------------------------------------------------------------------------- classes


def classify(values: Iterable[float], k: int = len(SEQUENTIAL)) -> list[float]:
    """Upper class breaks for ``values``: quantiles rounded to "nice" numbers.

    Quantile classes keep each colour in use even when a few units have very large
    values; rounding keeps the legend readable (``0-3, 3-8, ...``). Equal breaks are
    merged, so fewer than ``k`` classes may come back; with at most ``k`` distinct
    values, each value is its own class.

    Args:
        values: Measure values; NaN and missing values are ignored.
        k: The wanted number of classes.

    Returns:
        Increasing upper bounds; the last one is the maximum value. Empty when no
        value is finite.

    Raises:
        ValueError: when ``k`` is less than 1.
    """
    if k < 1:
        raise ValueError(f"need at least one class, got k={k}")
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return []
    distinct = np.unique(arr)
    if distinct.size <= k:
        return [float(v) for v in distinct]
    top = float(arr.max())
    qs = np.quantile(arr, [i / k for i in range(1, k)]) if k > 1 else np.array([])
    breaks: list[float] = []
    for q in (*qs, top):
        b = top if q == top else _nice(float(q))
        if b > top:
            b = top
        if not breaks or b > breaks[-1]:
            breaks.append(b)
    return breaks


def count_breaks(values: Iterable[float], k: int = len(SEQUENTIAL) - 1) -> list[float]:
    """Upper class breaks for counts: whole numbers, and 0 always a class of its own.

    The first break is 0 (a unit with nothing to count is shown neutral, not as the
    lowest colour of the ramp); the positive counts share at most ``k`` classes whose
    bounds are whole numbers, so the legend reads ``0 / 1–3 / 4–8 / 9–17``: no
    fractions, no bound in two classes. With at most ``k`` distinct positive counts each
    is its own class.

    Args:
        values: Counts; NaN and missing values are ignored, fractions are rounded up.
        k: The wanted number of classes above zero (default: one per colour of
            :func:`count_colours`).

    Returns:
        ``[0, b1, b2, ...]`` increasing whole numbers, the last the largest count; just
        ``[0]`` when every count is zero; empty when no value is finite.

    Raises:
        ValueError: when ``k`` is less than 1.
    """
    if k < 1:
        raise ValueError(f"need at least one class, got k={k}")
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    arr = np.ceil(arr[np.isfinite(arr)])
    if arr.size == 0:
        return []
    positive = arr[arr > 0]
    if positive.size == 0:
        return [0.0]
    distinct = np.unique(positive)
    if distinct.size <= k:
        return [0.0, *(float(v) for v in distinct)]
    qs = np.ceil(np.quantile(positive, [i / k for i in range(1, k)]))
    breaks = [0.0]
    for b in (*qs, float(positive.max())):
        if float(b) > breaks[-1]:
            breaks.append(float(b))
    return breaks


def class_of(value: float | None, breaks: list[float]) -> int | None:
    """The index of the class ``value`` falls in (``value <= breaks[i]``), or None.

    None for a missing or non-finite value, or when there are no breaks.
    """
    if value is None or not breaks:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    for i, b in enumerate(breaks):
        if v <= b:
            return i
    return len(breaks) - 1


def class_colours(n: int, palette: tuple[str, ...] = SEQUENTIAL) -> list[str]:
    """``n`` colours spread over ``palette`` (default :data:`SEQUENTIAL`), light to dark."""
    if n <= 0:
        return []
    if n == 1:
        return [palette[-2] if len(palette) > 1 else palette[0]]
    idx = np.round(np.linspace(0, len(palette) - 1, n)).astype(int)
    return [palette[i] for i in idx]


def count_colours(n: int) -> list[str]:
    """Colours for ``n`` classes of positive counts: :data:`SEQUENTIAL` without its palest
    shade, which would read like :data:`ZERO_COLOUR`."""
    return class_colours(n, SEQUENTIAL[1:])


def _nice(x: float) -> float:
    """``x`` rounded to two significant digits (1.234 -> 1.2, 1234 -> 1200)."""
    if x == 0 or not math.isfinite(x):
        return x
    digits = 1 - math.floor(math.log10(abs(x)))
    return round(x, digits)


__all__ = [
    "BOUNDARY_COLOUR",
    "CLUSTER_COLOURS",
    "HAZARD_SHAPE",
    "HAZARD_STATUS_COLOURS",
    "ISSUE_SHAPE",
    "ISSUE_STATUS_COLOURS",
    "MARKER_HEX",
    "NEW_COLOUR",
    "NO_DATA_COLOUR",
    "OFFLINE_BACKGROUND",
    "OTHER_STATION_ICON",
    "OVERDUE_STYLE",
    "PLAIN_FILL",
    "RISK_COLOURS",
    "SEQUENTIAL",
    "STATION_ICONS",
    "UNKNOWN_COLOUR",
    "ZERO_COLOUR",
    "PointStyle",
    "StationIcon",
    "class_colours",
    "class_of",
    "classify",
    "count_breaks",
    "count_colours",
    "point_style",
]
