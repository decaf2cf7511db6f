"""What a store holds, at a glance: counts per level and per layer, the data's age.

- :func:`layer_counts` -- everything the overview page and ``python -m gridmap info``
  show for one scope, as a JSON-ready dict.
- :func:`level_counts`, :func:`row_counts` -- the two count tables on their own.
- :func:`mask_url` -- a store URL fit to show: any password replaced by ``***``.

Units are counted in the county's current boundary plan only (older plans are kept
for history and would double the counts).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gridmap.domain import LAYERS, Level, Scope
from gridmap.store import Store

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


def level_counts(store: Store, scope: Scope) -> dict[str, int]:
    """Units per level in the scope's current plan, every level listed, coarsest first.

    Args:
        store: An open store.
        scope: The jurisdiction to count in.

    Returns:
        ``{"county": 1, "town": 19, "village": ..., "grid": ..., "micro": ...}``.
    """
    plan = store.current_plan(scope.county_code)
    return {lvl.value: store.count("units", scope, where={"level": lvl.value, "plan_version": plan})
            for lvl in Level}


def row_counts(store: Store, scope: Scope, layers: tuple[str, ...] | None = None) -> dict[str, int]:
    """Rows per layer in the scope (units: the current plan only).

    Args:
        store: An open store.
        scope: The jurisdiction to count in.
        layers: Layer names to count; all of :data:`gridmap.domain.LAYERS` by default.

    Returns:
        Layer name -> row count, in the order of ``layers``.
    """
    plan = store.current_plan(scope.county_code)
    counts: dict[str, int] = {}
    for name in layers or tuple(LAYERS):
        where = {"plan_version": plan} if name == "units" else None
        counts[name] = store.count(name, scope, where=where)
    return counts


def layer_counts(store: Store, scope: Scope) -> dict[str, Any]:
    """A JSON-ready summary of the store for one scope.

    Args:
        store: An open store.
        scope: The jurisdiction to summarise; its county need not hold any data.

    Returns:
        A dict with keys ``store`` (masked URL), ``backend``, ``county_code``,
        ``county_name`` (None when the county has no county-level unit),
        ``counties`` (every county code in the store), ``as_of`` (meta value or
        None), ``plan_version``, ``approximate_units`` (units whose boundary was
        synthesised, not surveyed), ``levels`` (see :func:`level_counts`) and
        ``layers`` (see :func:`row_counts`).
    """
    county = scope.county_code[:6]
    plan = store.current_plan(county)
    return {
        "store": mask_url(store.url),
        "backend": store.backend,
        "county_code": county,
        "county_name": county_name(store, county),
        "counties": store.counties(),
        "as_of": store.get_meta(county, "as_of"),
        "plan_version": plan,
        "approximate_units": store.count("units", scope, where={"approximate": True, "plan_version": plan}),
        "levels": level_counts(store, scope),
        "layers": row_counts(store, scope),
    }


def county_name(store: Store, county_code: str) -> str | None:
    """The name of the county-level unit of ``county_code`` in its current plan, if stored."""
    county = county_code[:6]
    found = store.read("units", Scope.county(county), columns=["name"], limit=1,
                       where={"level": Level.COUNTY.value, "plan_version": store.current_plan(county)})
    if found.empty:
        return None
    name = found["name"].iloc[0]
    return str(name) if name is not None else None


__all__ = ["county_name", "layer_counts", "level_counts", "mask_url", "row_counts"]
