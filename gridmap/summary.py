"""What a store holds, at a glance: counts per level and per layer, the data's age.

- :func:`layer_counts` -- everything the overview page and ``python -m gridmap info``
  show for one session's jurisdiction, as a JSON-ready dict.
- :func:`level_counts`, :func:`row_counts` -- the two count tables on their own.
- :func:`mask_url` -- a store URL fit to show: any password replaced by ``***``.

Units are counted in the county's current boundary plan only (older plans are kept
for history and would double the counts). Counts go through a
:class:`~gridmap.access.Session`: only rows in its jurisdiction are counted, and a
layer the role may not read is left out (``None``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gridmap.access import READ_OP, Session
from gridmap.domain import DATA_LAYERS, Level

MASK = "***"


def mask_url(url: str) -> str:
    """``url`` with its password (if any) replaced by ``***``.

    Args:
        url: A store URL such as ``postgresql://user:secret@host:5432/db``.

    Returns:
        The URL safe to display, e.g. ``postgresql://user:***@host:5432/db``.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal needs its brackets back
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{user}:{MASK}@{host}" + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def level_counts(session: Session) -> dict[str, int]:
    """Units per level in the session's current plan, every level listed, coarsest first.

    Returns:
        ``{"county": 1, "town": 19, "village": ..., "grid": ..., "micro": ...}``.
    """
    plan = session.current_plan()
    return {lvl.value: session.count("units", where={"level": lvl.value, "plan_version": plan}) for lvl in Level}


def row_counts(session: Session, layers: tuple[str, ...] | None = None) -> dict[str, int | None]:
    """Rows per layer in the session's jurisdiction (units: the current plan only).

    Args:
        session: Whose jurisdiction and role count.
        layers: Layer names to count; all of :data:`gridmap.domain.DATA_LAYERS` by default.

    Returns:
        Layer name -> row count (None where the role may not read the layer), in the
        order of ``layers``.
    """
    plan = session.current_plan()
    counts: dict[str, int | None] = {}
    for name in layers or DATA_LAYERS:
        if not session.can(READ_OP[name]):
            counts[name] = None
            continue
        where = {"plan_version": plan} if name == "units" else None
        counts[name] = session.count(name, where=where)
    return counts


def layer_counts(session: Session) -> dict[str, Any]:
    """A JSON-ready summary of the store for one session's jurisdiction.

    Args:
        session: Whose jurisdiction and role count; its county need not hold any data.

    Returns:
        A dict with keys ``store`` (masked URL), ``backend``, ``county_code``,
        ``county_name`` (None when the county has no county-level unit),
        ``counties`` (every county code in the store), ``as_of`` (meta value or
        None), ``plan_version``, ``approximate_units`` (units whose boundary was
        synthesised, not surveyed), ``levels`` (see :func:`level_counts`) and
        ``layers`` (see :func:`row_counts`).
    """
    county = session.scope.county_code[:6]
    plan = session.current_plan()
    return {
        "store": mask_url(session.store_url),
        "backend": session.backend,
        "county_code": county,
        "county_name": session.county_name(),
        "counties": session.counties(),
        "as_of": session.meta("as_of"),
        "plan_version": plan,
        "approximate_units": session.count("units", where={"approximate": True, "plan_version": plan}),
        "levels": level_counts(session),
        "layers": row_counts(session),
    }

