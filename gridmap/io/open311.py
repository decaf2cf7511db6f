"""Open311 GeoReport v2 in and out: service lists and service requests as JSON.

The spec (``wiki.open311.org/GeoReport_v2``, kept in ``shared/data/open311_spec/``)
has two resources this module speaks:

- **services** (GET Service List): our issue categories, :func:`export_services`.
- **requests** (GET Service Requests): our issues, :func:`export_requests` out and
  :func:`import_requests` in. ``python -m gridmap import issues FILE`` and the import
  page recognise such a file from its content (:func:`is_requests_file`) and come here.

The mapping (both ways):

========================  ==============================================================
Open311                   gridmap
========================  ==============================================================
``service_request_id``    ``id`` (kept as given; at most 64 characters)
``status`` open/closed    the lifecycle's open/closed kind (:data:`ISSUE_LIFECYCLE`):
                          in, ``open`` -> 已上报 reported, ``closed`` -> 结案 closed, unless
                          ``extended_attributes.status`` names a status of the same kind
``service_code``          ``category`` (our codes; ``service_name`` may name one in
                          Chinese or English; others by a mapping or a fallback category)
``requested_datetime``    ``reported_at`` (converted to Beijing time)
``updated_datetime``      ``closed_at`` of a closed request; the time of its last step
``expected_datetime``     ``deadline`` (in, when missing: the category's deadline)
``agency_responsible``    ``department`` (in: a department code or name, else routed)
``lat``/``long``          the point (WGS84); in no micro-grid: kept, ``outside`` flagged
``address``, ``address_id``  out: the unit names, most specific first, and the micro-grid
                          code; in: kept in the first history row's note
========================  ==============================================================

Out, ``extended_attributes`` (the spec's documented extension) carries what open/closed
cannot say: the lifecycle status, the channel, the department code and ``outside``, so
an export imports back exactly. The reporter's name is personal data and stays out.

An import is all or nothing, in one transaction, with history rows as the lifecycle
keeps them: 上报 at ``requested_datetime`` and, for a request past that, one row to its
status at ``updated_datetime`` (the steps in between happened in the other system).
Every problem names the record (its number and ``service_request_id``) and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from gridmap.access import Op, PermissionDenied, Session
from gridmap.domain import (
    BEIJING_OFFSET,
    CATEGORIES,
    DEPARTMENTS,
    ISSUE_LIFECYCLE,
    Channel,
    IssueStatus,
    beijing_now,
)
from gridmap.i18n import DEFAULT_LANGUAGE, LANGUAGES, label, normalise_language, t
from gridmap.io import jsontext
from gridmap.io.archive import check_size
from gridmap.io.geometry import CHINA_LAT, CHINA_LON
from gridmap.io.problems import ImportRejected, ImportReport, Message, Problem, bilingual, problem, reject
from gridmap.store.base import StoreError
from gridmap.workflow.clock import issue_deadline

SPEC_DESCRIPTION_LIMIT = 4000  # "free form text limited to 4,000 characters"
ID_LIMIT = 64
TEXT_LIMIT = 1000  # address, status notes, names, URLs
DEFAULT_MAX_BYTES = 200 * 2**20
# A request arrives by the 12345 hotline's channel unless its extension says otherwise:
# 12345 is China's 311.
DEFAULT_CHANNEL = str(Channel.HOTLINE)
# The fields of a request in the spec (GET Service Requests), and the extension.
REQUEST_FIELDS: tuple[str, ...] = (
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime",
    "address", "address_id", "zipcode", "lat", "long", "media_url", "extended_attributes",
    # Accepted on input (POST Service Request, Spark's XML mapping) and kept in the note.
    "address_string", "token", "account_id", "attributes",
)
# Up to this many exported issues, their history is read by id (in chunks) instead of whole.
BY_ID_LIMIT = 20_000
_ID_CHUNK = 500
_NOTE_FIELDS = ("address", "address_string", "address_id", "zipcode", "media_url", "service_notice")
_KINDS = ("open", "closed")


# --------------------------------------------------------------------------- export


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
                    since: dt.datetime | None = None, until: dt.datetime | None = None) -> list[dict[str, Any]]:
    """GET Service Requests: the issues the session may read, as Open311 requests.

    Args:
        session: Who exports (needs ``export``); its jurisdiction and department apply.
        lang: The language of ``service_name``, ``agency_responsible`` and ``address``.
        status: ``"open"`` or ``"closed"`` to export one kind only.
        since, until: Only issues reported in ``[since, until)`` (Beijing time).

    Returns:
        One dict per issue in the spec's field order, oldest first.
    """
    session.require(Op.EXPORT)
    lang = normalise_language(lang)
    if status is not None and status not in _KINDS:
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
            "media_url": None,
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


# --------------------------------------------------------------------------- import


@dataclass
class Open311Report(ImportReport):
    """What :func:`import_requests` did: the counts of :class:`ImportReport` plus

    Attributes:
        kinds: records per Open311 status (``open``/``closed``).
        statuses: issues written per lifecycle status.
        unknown_services: service code -> records filed under ``fallback``.
        fallback: the category unknown service codes were filed under, if any.
        history: history rows written.
        naive_times: times without a zone, read as Beijing time.
    """

    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    unknown_services: dict[str, int] = field(default_factory=dict)
    fallback: str | None = None
    history: int = 0
    naive_times: int = 0

    def _lines(self, lang: str) -> list[tuple[int, str]]:
        lines = super()._lines(lang)
        kinds = [t("open311.report.kind", lang, kind=k, n=self.kinds.get(k, 0)) for k in _KINDS]
        statuses = [t("open311.report.kind", lang, kind=label("issue_status", s, lang), n=n)
                    for s, n in self.statuses.items()]
        lines.append((1, t("open311.report.statuses", lang, kinds=_join_list(kinds, lang),
                           statuses=_join_list(statuses, lang))))
        if self.unknown_services:
            codes = [t("open311.report.kind", lang, kind=repr(c), n=n) for c, n in self.unknown_services.items()]
            lines.append((1, t("open311.report.unknown", lang, n=sum(self.unknown_services.values()),
                               codes=_join_list(codes, lang),
                               category=label("category", self.fallback or "", lang))))
        else:
            lines.append((1, t("open311.report.no_unknown", lang)))
        lines.append((1, t("open311.report.outside", lang, n=self.outside)))
        lines.append((1, t("open311.report.history", lang, n=self.history)))
        if self.naive_times:
            lines.append((1, t("open311.report.naive", lang, n=self.naive_times)))
        return lines

    def __str__(self) -> str:
        return bilingual(self._lines)


def is_requests_file(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> bool:
    """Whether ``path`` holds an Open311 requests document (decided from its content).

    Only a file that starts (after a BOM and blanks) with ``[`` or ``{`` is parsed; a file
    that does not parse, or is too large or too deep, is not Open311 as far as this says
    (the GeoJSON reader then explains it).
    """
    path = Path(path)
    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return False
        with open(path, "rb") as f:
            head = f.read(64).removeprefix(b"\xef\xbb\xbf").lstrip()
        if not head.startswith((b"[", b"{")):
            return False
        data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:  # recognised all the same, so the import names the encoding
            text = data.decode("gb18030")
        document = jsontext.loads(text)
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    return jsontext.open311_kind(document) == "requests"


def import_requests(session: Session, path: Path | str, *, service_map: Mapping[str, str] | None = None,
                    unknown_category: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                    now: dt.datetime | None = None) -> Open311Report:
    """Import an Open311 requests JSON file as issues, all or nothing.

    Args:
        session: Who imports (``import_points``); rows outside its jurisdiction are refused.
        path: The JSON file (a list of requests, or ``{"service_requests": [...]}`` /
            ``{"service_requests": {"request": [...]}}``).
        service_map: Open311 service code -> our category, for codes that are not ours.
        unknown_category: The category for service codes that match none (kept and
            counted in the report); without it such codes refuse the file, named.
        max_bytes: Files above this are refused unread.
        now: The clock for "in the future" (default: Beijing time now).

    Returns:
        The report: records read and written, per status, unknown service codes,
        points in no micro-grid (kept, flagged ``outside``), history rows.

    Raises:
        ImportRejected: every problem, each naming the record and field; nothing written.
        PermissionDenied: the role may not import issues.
    """
    session.require(Op.IMPORT_POINTS)
    path = Path(path)
    mapping = _service_mapping(service_map, unknown_category)
    check_size(path, max_bytes)
    records = _records_of(path)
    clock = now or beijing_now()
    parsed = _Parsed()
    for number, record in enumerate(records, start=1):
        _parse_record(number, record, mapping, unknown_category, clock, parsed)
    _check_ids(session, parsed)
    if parsed.problems:
        raise ImportRejected(parsed.problems)
    frame = gpd.GeoDataFrame(parsed.rows, geometry="geometry", crs="EPSG:4326")
    events = pd.DataFrame(parsed.events)
    try:
        with session.write(Op.IMPORT_POINTS) as tx:
            placed = tx._load(ISSUE_LIFECYCLE, frame, events, note=f"import {path.name} (Open311)")
    except PermissionDenied:
        raise
    except StoreError as exc:
        raise ImportRejected([problem(None, "io.write.refused", detail=str(exc))]) from exc
    outside = int(pd.Series(placed["outside"]).astype(bool).sum())
    return Open311Report(layer="issues", read=len(records), written=len(frame), repaired=0, outside=outside,
                         notes=[Message("open311.note.format")], kinds=dict(parsed.kinds),
                         statuses=dict(Counter(frame["status"].astype(str))),
                         unknown_services=dict(parsed.unknown), fallback=unknown_category,
                         history=len(events), naive_times=parsed.naive)


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    naive: int = 0
    ids: dict[str, int] = field(default_factory=dict)  # id -> record number


class _Bad(Exception):
    """One field of one record is unusable (collected as a problem)."""

    def __init__(self, field_name: str, key: str, **params: Any) -> None:
        super().__init__(key)
        self.field_name, self.key, self.params = field_name, key, params


def _records_of(path: Path) -> list[Any]:
    data = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise reject("open311.not_utf8", name=path.name, at=exc.start) from None
    try:
        document = jsontext.loads(text)
    except jsontext.JsonTooDeep as exc:
        raise reject("io.json.too_deep", name=path.name, depth=exc.depth, limit=exc.limit) from None
    except json.JSONDecodeError as exc:
        raise reject("io.json.invalid", name=path.name, line=exc.lineno, column=exc.colno, detail=exc.msg) from None
    kind = jsontext.open311_kind(document)
    if kind == "services":
        raise reject("open311.services_not_requests", name=path.name)
    records = jsontext.open311_records(document)
    if records is None:
        what = jsontext.describe_document(document) or Message("open311.geojson")
        raise reject("open311.not_requests", name=path.name, what=what)
    if not records:
        raise reject("io.file.no_features", name=path.name)
    return records


def _service_mapping(service_map: Mapping[str, str] | None, unknown: str | None) -> dict[str, str]:
    """Service code (or name, folded) -> category: ours, the caller's, our labels."""
    mapping = {code: code for code in CATEGORIES}
    for code in CATEGORIES:
        for lang in LANGUAGES:
            mapping.setdefault(_fold(label("category", code, lang)), code)
    for source, target in (service_map or {}).items():
        if target not in CATEGORIES:
            raise reject("open311.map_unknown_category", code=str(source), category=str(target),
                         choices=list(CATEGORIES))
        mapping[str(source).strip()] = target
    if unknown is not None and unknown not in CATEGORIES:
        raise reject("open311.map_unknown_category", code="*", category=str(unknown), choices=list(CATEGORIES))
    return mapping


def _parse_record(number: int, record: Any, mapping: Mapping[str, str], unknown: str | None,
                  now: dt.datetime, out: _Parsed) -> None:
    if not isinstance(record, Mapping):
        out.problems.append(problem(number, "open311.not_object", type=_type_name(record)))
        return
    ref = _ref(record.get("service_request_id"))
    bad: list[_Bad] = []

    def take(fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except _Bad as exc:
            bad.append(exc)
            return None

    request_id = take(_request_id, record)
    kind = take(_kind, record)
    extended = take(_extended, record, kind)
    code, category = take(_service, record, mapping, unknown) or (None, None)
    description = take(_text, record, "description", SPEC_DESCRIPTION_LIMIT)
    point = take(_position, record)
    requested, naive1 = take(_time, record, "requested_datetime", True) or (None, False)
    updated, naive2 = take(_time, record, "updated_datetime", False) or (None, False)
    expected, naive3 = take(_time, record, "expected_datetime", False) or (None, False)
    notes = {name: take(_text, record, name, TEXT_LIMIT) for name in ("status_notes", "agency_responsible",
                                                                        *_NOTE_FIELDS)}
    if requested is not None and requested > now + dt.timedelta(days=1):
        bad.append(_Bad("requested_datetime", "open311.future", value=str(record.get("requested_datetime"))))
    if requested is not None and updated is not None and updated < requested:
        bad.append(_Bad("updated_datetime", "open311.updated_before", updated=str(record.get("updated_datetime")),
                        requested=str(record.get("requested_datetime"))))
    for exc in bad:
        out.problems.append(problem(number, exc.key, field=exc.field_name, ref=ref, **exc.params))
    if bad or request_id is None or kind is None or category is None or point is None or requested is None:
        return
    if request_id in out.ids:
        out.problems.append(problem(number, "open311.duplicate_id", field="service_request_id", ref=ref,
                                    other=out.ids[request_id]))
        return
    out.ids[request_id] = number
    out.naive += int(naive1) + int(naive2) + int(naive3)
    out.kinds[kind] += 1
    if code is not None:
        out.unknown[code] += 1
    ext = extended or {}
    status = ext.get("status") or (ISSUE_LIFECYCLE.initial if kind == "open" else str(IssueStatus.CLOSED))
    stepped_at = updated or requested
    terminal = status in ISSUE_LIFECYCLE.terminal
    department = ext.get("department") or _department(notes["agency_responsible"]) \
        or CATEGORIES[category].department
    out.rows.append({
        "id": request_id, "category": category, "description": description,
        "channel": ext.get("channel") or DEFAULT_CHANNEL, "reporter": None, "department": department,
        "status": status, "reported_at": requested,
        "deadline": expected or issue_deadline(category, requested),
        "closed_at": stepped_at if terminal else None, "geometry": point,
    })
    first_note = "; ".join(f"{name}={notes[name]}" for name in _NOTE_FIELDS if notes[name])
    out.events.append({"issue_id": request_id, "at": requested, "from_status": None,
                       "to_status": ISSUE_LIFECYCLE.initial,
                       "note": f"Open311 service_request_id={request_id}; service_code={_ref(record.get('service_code'))}"
                               + (f"; {first_note}" if first_note else "")})
    if status != ISSUE_LIFECYCLE.initial:
        out.events.append({"issue_id": request_id, "at": stepped_at, "from_status": ISSUE_LIFECYCLE.initial,
                           "to_status": status, "note": notes["status_notes"] or f"Open311 status={kind}"})


def _check_ids(session: Session, parsed: _Parsed) -> None:
    """Refuse requests whose id is already an issue (an import run twice)."""
    if not parsed.ids:
        return
    stored = set(session.read("issues", columns=["id"])["id"].astype(str))
    for request_id, number in parsed.ids.items():
        if request_id in stored:
            parsed.problems.append(problem(number, "open311.id_exists", field="service_request_id", ref=request_id))


def _request_id(record: Mapping[str, Any]) -> str:
    value = _required(record, "service_request_id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad("service_request_id", "open311.wrong_type", expected=Message("open311.type.id"),
                   type=_type_name(value), value=_show(value))
    text = str(value).strip()
    if not text or len(text) > ID_LIMIT or not text.isprintable():
        raise _Bad("service_request_id", "open311.bad_id", value=_show(value), limit=ID_LIMIT)
    return text


def _kind(record: Mapping[str, Any]) -> str:
    value = _required(record, "status")
    if not isinstance(value, str) or value.strip().lower() not in _KINDS:
        raise _Bad("status", "open311.bad_status", value=_show(value))
    return value.strip().lower()


def _extended(record: Mapping[str, Any], kind: str | None) -> dict[str, str]:
    """The parts of ``extended_attributes`` we read back: status, channel, department."""
    value = record.get("extended_attributes")
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _Bad("extended_attributes", "open311.wrong_type", expected=Message("open311.type.object"),
                   type=_type_name(value), value=_show(value))
    out: dict[str, str] = {}
    checks = (("status", tuple(ISSUE_LIFECYCLE.statuses), "issue_status"),
              ("channel", tuple(str(c) for c in Channel), "channel"), ("department", DEPARTMENTS, "department"))
    for name, choices, _kind_name in checks:
        got = value.get(name)
        if got is None:
            continue
        if not isinstance(got, str) or got not in choices:
            raise _Bad(f"extended_attributes.{name}", "open311.bad_choice", value=_show(got), choices=list(choices))
        out[name] = got
    status = out.get("status")
    if status is not None and kind is not None and (status in ISSUE_LIFECYCLE.open) != (kind == "open"):
        raise _Bad("extended_attributes.status", "open311.status_disagrees", status=status, kind=kind)
    return out


def _service(record: Mapping[str, Any], mapping: Mapping[str, str],
             unknown: str | None) -> tuple[str | None, str]:
    """(the unknown code or None, the category) of a record."""
    value = _required(record, "service_code")
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Bad("service_code", "open311.wrong_type", expected=Message("open311.type.id"),
                   type=_type_name(value), value=_show(value))
    code = str(value).strip()
    if code in mapping:
        return None, mapping[code]
    name = record.get("service_name")
    if isinstance(name, str) and _fold(name) in mapping:
        return None, mapping[_fold(name)]
    if unknown is None:
        raise _Bad("service_code", "open311.unknown_service", value=_show(value), choices=list(CATEGORIES))
    return code, unknown


def _position(record: Mapping[str, Any]) -> shapely.Point:
    lat = _number(record, "lat")
    lon = _number(record, "long")
    if not (CHINA_LON[0] <= lon <= CHINA_LON[1] and CHINA_LAT[0] <= lat <= CHINA_LAT[1]):
        raise _Bad("lat/long", "open311.outside_china", lat=_show(record.get("lat")), lon=_show(record.get("long")))
    return shapely.Point(round(lon, 7), round(lat, 7))


def _number(record: Mapping[str, Any], name: str) -> float:
    value = _required(record, name)
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):  # the Spark mapping of XML gives every value as text
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise _Bad(name, "open311.not_number", value=_show(value), type=_type_name(value))
    return number


def _time(record: Mapping[str, Any], name: str, required: bool) -> tuple[dt.datetime, bool] | None:
    """A W3C datetime as Beijing time without zone, and whether it had no zone."""
    value = _required(record, name) if required else record.get(name)
    if value is None or (value == "" and not required):
        return None
    if not isinstance(value, str):
        raise _Bad(name, "open311.wrong_type", expected=Message("open311.type.datetime"), type=_type_name(value),
                   value=_show(value))
    text = value.strip()
    try:
        stamp = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise _Bad(name, "open311.bad_datetime", value=_show(value)) from None
    if not 1990 <= stamp.year <= 2200:
        raise _Bad(name, "open311.bad_datetime", value=_show(value))
    if stamp.tzinfo is None:
        return stamp.replace(microsecond=0), True
    beijing = stamp.astimezone(dt.UTC).replace(tzinfo=None) + BEIJING_OFFSET
    return beijing.replace(microsecond=0), False


def _text(record: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = record.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad(name, "open311.wrong_type", expected=Message("open311.type.text"), type=_type_name(value),
                   value=_show(value))
    text = str(value).strip()
    if len(text) > limit:
        raise _Bad(name, "open311.too_long", n=len(text), limit=limit)
    return text or None


def _required(record: Mapping[str, Any], name: str) -> Any:
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _Bad(name, "open311.missing", name=name)
    return value


def _department(agency: str | None) -> str | None:
    """A department named by code or by its Chinese or English name."""
    if agency is None:
        return None
    folded = _fold(agency)
    for code in DEPARTMENTS:
        if folded in {code, *(_fold(label("department", code, lang)) for lang in LANGUAGES)}:
            return code
    return None


def _fold(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _ref(value: Any) -> str | None:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        return text[:40] if text else None
    return None


def _type_name(value: Any) -> Message:
    kind = ("null" if value is None else "bool" if isinstance(value, bool) else "number"
            if isinstance(value, int | float) else "text" if isinstance(value, str) else "list"
            if isinstance(value, list) else "object" if isinstance(value, Mapping) else "other")
    return Message(f"open311.type.{kind}")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _join_list(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items) or "-"


# --------------------------------------------------------------------------- export helpers


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


__all__ = [
    "DEFAULT_CHANNEL",
    "SPEC_DESCRIPTION_LIMIT",
    "Open311Report",
    "dumps",
    "export_requests",
    "export_services",
    "import_requests",
    "is_requests_file",
]
