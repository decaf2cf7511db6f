"""Open311 in: a GeoReport v2 requests JSON file imported as issues, all or nothing.

- :func:`is_requests_file` -- whether a file holds Open311 requests (from its content).
- :func:`import_requests` -- the import, one transaction; every problem names the record
  (its number and ``service_request_id``) and the field.
- :class:`Open311Report` -- what it did, in words (both languages).

The mapping is the package docstring's (:mod:`gridmap.io.open311`). A request's
``media_url`` is never fetched (the app works offline): it is kept in the issue's
first history row's note, and the report says how many requests had one.
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
from gridmap.i18n import LANGUAGES, label, t
from gridmap.io import jsontext
from gridmap.io.archive import check_size
from gridmap.io.geometry import CHINA_LAT, CHINA_LON
from gridmap.io.open311.spec import (
    DEFAULT_CHANNEL,
    DEFAULT_MAX_BYTES,
    ID_LIMIT,
    KINDS,
    SPEC_DESCRIPTION_LIMIT,
    TEXT_LIMIT,
)
from gridmap.io.problems import ImportRejected, ImportReport, Message, Problem, bilingual, problem, reject
from gridmap.store.base import StoreError
from gridmap.workflow.clock import issue_deadline

_NOTE_FIELDS = ("address", "address_string", "address_id", "zipcode", "media_url", "service_notice")


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
        media_urls: records with a ``media_url`` (kept in the first history row's
            note, not downloaded).
    """

    kinds: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, int] = field(default_factory=dict)
    unknown_services: dict[str, int] = field(default_factory=dict)
    fallback: str | None = None
    history: int = 0
    naive_times: int = 0
    media_urls: int = 0

    def _lines(self, lang: str) -> list[tuple[int, str]]:
        lines = super()._lines(lang)
        kinds = [t("open311.report.kind", lang, kind=k, n=self.kinds.get(k, 0)) for k in KINDS]
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
        if self.media_urls:
            lines.append((1, t("open311.report.media", lang, n=self.media_urls)))
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
                         history=len(events), naive_times=parsed.naive,
                         media_urls=parsed.media)


# --------------------------------------------------------------------------- parsing


@dataclass
class _Parsed:
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    naive: int = 0
    media: int = 0
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
    out.media += int(notes["media_url"] is not None)
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
    if not isinstance(value, str) or value.strip().lower() not in KINDS:
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



__all__ = ["Open311Report", "import_requests", "is_requests_file"]
