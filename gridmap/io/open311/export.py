"""Open311 out: GET Service List (our categories) and GET Service Requests (our issues).

- :func:`export_services` -- one service per issue category, named in a language.
- :func:`export_requests` -- the issues a session may read, in the spec's field order,
  with :func:`media_url` for those with photos.
- :func:`dumps` -- the JSON document (UTF-8).

The mapping is the package docstring's (:mod:`gridmap.io.open311`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import pandas as pd

from gridmap.access import Op, Session
from gridmap.domain import CATEGORIES, ISSUE_LIFECYCLE
from gridmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, label, normalise_language, t
from gridmap.io.open311.spec import KINDS
from gridmap.settings import get_settings

# Up to this many exported issues, their history is read by id (in chunks) instead of whole.
BY_ID_LIMIT = 20_000
_ID_CHUNK = 500
ISSUE_PAGE_PATH = "issue"  # pages/issue.py's address in the app (?id= names the issue)


def export_services(lang: str | None = DEFAULT_LANGUAGE) -> list[dict[str, Any]]:
    """GET Service List: one service per issue category, named in ``lang``.

    ``group`` is the department the category is routed to; ``description`` says the
    deadline. No category needs extra form fields (``metadata`` false); a report gets its
    id at once (``type`` realtime).
    """
    lang = normalise_language(lang)
    out = []
    for code, category in CATEGORIES.items():
        department = label("department", category.department, lang)
        out.append({
            "service_code": code,
            "service_name": label("category", code, lang),
            "description": t("open311.service_description", lang, department=department,
                             hours=category.deadline_hours),
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join(dict.fromkeys(label("category", code, other) for other in LANGUAGES)),
            "group": department,
        })
    return out


def export_requests(session: Session, *, lang: str | None = DEFAULT_LANGUAGE, status: str | None = None,
                    since: dt.datetime | None = None, until: dt.datetime | None = None,
                    public_url: str | None = None) -> list[dict[str, Any]]:
    """GET Service Requests: the issues the session may read, as Open311 requests.

    Args:
        session: Who exports (needs ``export``); its jurisdiction and department apply.
        lang: The language of ``service_name``, ``agency_responsible`` and ``address``.
        status: ``"open"`` or ``"closed"`` to export one kind only.
        since, until: Only issues reported in ``[since, until)`` (Beijing time).
        public_url: The app's address for ``media_url`` (default ``GRIDMAP_PUBLIC_URL``):
            an issue with photos gets its page's address, :func:`media_url`; the others
            none.

    Returns:
        One dict per issue in the spec's field order, oldest first.
    """
    session.require(Op.EXPORT)
    lang = normalise_language(lang)
    if status is not None and status not in KINDS:
        raise ValueError(f"status must be 'open' or 'closed', got {status!r}")
    kinds = {"open": sorted(ISSUE_LIFECYCLE.open), "closed": sorted(ISSUE_LIFECYCLE.terminal)}
    issues = session.read("issues", where={"status": kinds[status]} if status else None)
    if since is not None:
        issues = issues[pd.to_datetime(issues["reported_at"]) >= pd.Timestamp(since)]
    if until is not None:
        issues = issues[pd.to_datetime(issues["reported_at"]) < pd.Timestamp(until)]
    open_kind = issues["status"].astype(str).isin(ISSUE_LIFECYCLE.open)
    if status is not None:
        issues = issues[open_kind == (status == "open")]
    issues = issues.sort_values(["reported_at", "id"], kind="stable")
    last = _last_steps(session, issues)
    names = _unit_names(session)
    with_photos = _with_photos(session, issues)
    base = get_settings().public_url if public_url is None else public_url
    out = []
    for row in issues.itertuples(index=False):
        state = str(row.status)
        is_open = state in ISSUE_LIFECYCLE.open
        step_at, step_note = last.get(str(row.id), (None, None))
        updated = row.closed_at if not is_open and _present(row.closed_at) else (step_at or row.reported_at)
        outside = bool(row.outside) if _present(row.outside) else row.micro_code is None
        out.append({
            "service_request_id": str(row.id),
            "status": "open" if is_open else "closed",
            "status_notes": step_note,
            "service_name": label("category", str(row.category), lang),
            "service_code": str(row.category),
            "description": row.description if _present(row.description) else None,
            "agency_responsible": label("department", str(row.department), lang) if _present(row.department)
            else None,
            "service_notice": None,
            "requested_datetime": _w3(row.reported_at),
            "updated_datetime": _w3(updated),
            "expected_datetime": _w3(row.deadline) if _present(row.deadline) else None,
            "address": _address(row, names, lang),
            "address_id": row.micro_code if _present(row.micro_code) else None,
            "zipcode": None,
            "lat": round(float(row.geometry.y), 7),
            "long": round(float(row.geometry.x), 7),
            "media_url": media_url(str(row.id), base) if str(row.id) in with_photos else None,
            "extended_attributes": {
                "status": state,
                "channel": row.channel if _present(row.channel) else None,
                "department": row.department if _present(row.department) else None,
                "outside": outside,
            },
        })
    return out


def dumps(records: list[dict[str, Any]]) -> bytes:
    """A JSON document (UTF-8, as the spec requires) of services or requests."""
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")



def media_url(issue_id: str, public_url: str | None = None) -> str:
    """The address of an issue's page (its photos and timeline, after sign-in).

    Args:
        issue_id: The issue.
        public_url: The app's address as users reach it (default ``GRIDMAP_PUBLIC_URL``).
    """
    base = (get_settings().public_url if public_url is None else public_url).rstrip("/")
    return f"{base}/{ISSUE_PAGE_PATH}?id={quote(str(issue_id), safe='')}"


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NaT \
        and not (isinstance(value, pd.Timestamp) and pd.isna(value))


def _w3(value: Any) -> str | None:
    """A stored Beijing time as W3C datetime with its zone (``+08:00``)."""
    if not _present(value):
        return None
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"


def _last_steps(session: Session, issues: pd.DataFrame) -> dict[str, tuple[Any, str | None]]:
    """Issue id -> (time, note) of its last history row."""
    if issues.empty:
        return {}
    columns = ["issue_id", "at", "note"]
    ids = issues["id"].astype(str).tolist()
    if len(ids) <= BY_ID_LIMIT:  # a few issues (the open ones): their history only, by id
        parts = [session.read("issue_events", where={"issue_id": ids[i:i + _ID_CHUNK]}, columns=columns)
                 for i in range(0, len(ids), _ID_CHUNK)]
        events = pd.concat(parts, ignore_index=True)
    else:
        events = session.read("issue_events", columns=columns)
    if events.empty:
        return {}
    events = events.sort_values(["issue_id", "at"], kind="stable").drop_duplicates("issue_id", keep="last")
    return {str(i): (at, note if isinstance(note, str) and note else None)
            for i, at, note in zip(events["issue_id"], events["at"], events["note"], strict=True)}


def _with_photos(session: Session, issues: pd.DataFrame) -> set[str]:
    """The ids among ``issues`` that have a photo the session may see (one read of the photo list)."""
    if issues.empty:
        return set()
    photos = session.read("photos", where={"owner_layer": "issues"}, columns=["owner_id"])
    return set(photos["owner_id"].astype(str)) & set(issues["id"].astype(str))


def _unit_names(session: Session) -> dict[str, str]:
    units = session.read("units", where={"plan_version": session.current_plan()}, columns=["code", "name"])
    return dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))


def _address(row: Any, names: Mapping[str, str], lang: str) -> str | None:
    """The unit names of a point, most specific first (as the spec asks), and the county."""
    codes = [getattr(row, c) for c in ("micro_code", "grid_code", "village_code", "town_code")]
    parts = [names[c] for c in codes if isinstance(c, str) and c in names]
    county = next((n for c, n in names.items() if c.endswith("000000") and c.startswith(str(row.county_code))), None)
    if not parts:
        return t("open311.address_outside", lang, county=county or str(row.county_code))
    return ", ".join([*parts, *([county] if county else [])])



__all__ = ["BY_ID_LIMIT", "dumps", "export_requests", "export_services", "media_url"]
