"""The domain of grid governance: levels, statuses, categories and the layer schema.

Everything here is plain data. The store builds its tables from :data:`LAYERS`, the
importer validates against it, and the pages label it through :mod:`gridmap.i18n`.
Codes are English identifiers; user-facing words live in ``i18n``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Literal

# --------------------------------------------------------------------------- levels


class Level(enum.StrEnum):
    """Administrative and grid levels, coarsest first."""

    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    GRID = "grid"
    MICRO = "micro"

    @property
    def depth(self) -> int:
        return list(Level).index(self)

    @property
    def code_length(self) -> int:
        """Number of significant leading code digits that identify a unit of this level."""
        return CODE_PREFIX[self]

    @property
    def child(self) -> Level | None:
        levels = list(Level)
        return levels[self.depth + 1] if self.depth + 1 < len(levels) else None

    @property
    def parent(self) -> Level | None:
        return list(Level)[self.depth - 1] if self.depth > 0 else None


# Hierarchical codes. County, town and village codes are the real 12-digit NBS
# codes (330327000000, 330327100000, 330327100001). A grid code appends two digits
# to its village code, a micro-grid code three digits to its grid code. The prefix
# of a code that identifies its unit (and so every descendant) has this length:
CODE_PREFIX: dict[Level, int] = {
    Level.COUNTY: 6,
    Level.TOWN: 9,
    Level.VILLAGE: 12,
    Level.GRID: 14,
    Level.MICRO: 17,
}
CODE_LENGTH: dict[Level, int] = {
    Level.COUNTY: 12,
    Level.TOWN: 12,
    Level.VILLAGE: 12,
    Level.GRID: 14,
    Level.MICRO: 17,
}


def code_prefix(code: str, level: Level | str) -> str:
    """The prefix shared by ``code`` and all its descendants."""
    return code[: CODE_PREFIX[Level(level)]]


def ancestor_code(code: str, level: Level | str) -> str:
    """The code of the ancestor at ``level`` of the unit ``code`` (NBS zero padding)."""
    lvl = Level(level)
    prefix = code[: CODE_PREFIX[lvl]]
    return prefix.ljust(CODE_LENGTH[lvl], "0")


# --------------------------------------------------------------------------- the clock

BEIJING_OFFSET = dt.timedelta(hours=8)
"""Beijing time is UTC+8 all year (China has no daylight saving time)."""


def beijing_now() -> dt.datetime:
    """The wall clock as the product shows and stores it: Beijing time, without zone.

    The one clock for every time a user reads (the command map's "上次刷新", the
    lock message, audit rows): the server's own zone (often UTC) never shows.
    """
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) + BEIJING_OFFSET


# --------------------------------------------------------------------------- enums


class RiskColour(enum.StrEnum):
    """三色管理: orange = high attention, blue = ordinary attention, cyan = stable."""

    ORANGE = "orange"
    BLUE = "blue"
    CYAN = "cyan"


class StationType(enum.StrEnum):
    PARTY_L2 = "party_l2"  # 二级网格党群服务站
    PARTY_L3 = "party_l3"  # 三级服务点
    HAPPINESS = "happiness"  # 幸福小站
    EXAM_HELP = "exam_help"  # 助考小站 (temporary)
    POLICE_POST = "police_post"  # 警务站
    GOVERNANCE_CENTRE = "governance_centre"  # 综治中心
    NEIGHBOURHOOD_CENTRE = "neighbourhood_centre"  # 邻里中心


TEMPORARY_STATIONS: frozenset[StationType] = frozenset({StationType.EXAM_HELP})
# The level a station serves (一级 county/town centres down to third-level grid points).
STATION_LEVELS: tuple[str, ...] = ("county", "town", "village", "grid")
# The supervision checklist (督查清单): each item passes or fails on a visit.
VISIT_CHECKLIST: tuple[str, ...] = ("open_on_time", "staff_present", "services_posted", "records_kept",
                                    "clean_and_safe")


class HazardType(enum.StrEnum):
    EBIKE_INDOOR = "ebike_indoor"  # 电动车室内停放
    EBIKE_INDOOR_CHARGING = "ebike_indoor_charging"  # 电动车室内充电
    FLYING_WIRE = "flying_wire"  # 飞线充电
    BLOCKED_ESCAPE = "blocked_escape"  # 消防通道堵塞
    BLOCKED_EXIT = "blocked_exit"  # 安全出口堵塞
    GROUND_FLOOR_CLUTTER = "ground_floor_clutter"  # 架空层堆放杂物
    MODIFIED_EBIKE = "modified_ebike"  # 非法改装电动车
    RENTAL_FIRE = "rental_fire"  # 出租房消防隐患
    GAS = "gas"  # 燃气使用隐患


class PlaceType(enum.StrEnum):
    RESIDENTIAL = "residential"  # 居民住宅
    RENTAL = "rental"  # 出租房
    SHOP = "shop"  # 沿街店铺
    SMALL_VENUE = "small_venue"  # 三小场所
    WORKSHOP = "workshop"  # 小作坊/厂房
    GROUND_FLOOR = "ground_floor"  # 架空层
    PUBLIC = "public"  # 公共场所


class Severity(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class HazardStatus(enum.StrEnum):
    FOUND = "found"
    RECTIFYING = "rectifying"
    RECTIFIED = "rectified"
    VERIFIED = "verified"
    OVERDUE = "overdue"


# The hazard lifecycle (整改闭环): found -> rectifying -> rectified -> verified, with
# "overdue" as an escalation while it waits, and a failed re-check (rectified ->
# rectifying). Who may make each step: :data:`gridmap.workflow.HAZARD_STEPS`.
HAZARD_TRANSITIONS: dict[HazardStatus, frozenset[HazardStatus]] = {
    HazardStatus.FOUND: frozenset({HazardStatus.RECTIFYING, HazardStatus.RECTIFIED, HazardStatus.OVERDUE}),
    HazardStatus.RECTIFYING: frozenset({HazardStatus.RECTIFIED, HazardStatus.OVERDUE}),
    HazardStatus.OVERDUE: frozenset({HazardStatus.RECTIFYING, HazardStatus.RECTIFIED}),
    HazardStatus.RECTIFIED: frozenset({HazardStatus.VERIFIED, HazardStatus.RECTIFYING}),
    HazardStatus.VERIFIED: frozenset(),
}
# Final: no step leads out (the live map never re-reads these rows).
HAZARD_TERMINAL: frozenset[HazardStatus] = frozenset(s for s, nxt in HAZARD_TRANSITIONS.items() if not nxt)
# Open (待整改): still to be rectified. A rectified hazard awaits only the inspector's
# re-check; it is neither open nor final. The deadline runs while a hazard is open.
HAZARD_OPEN: frozenset[HazardStatus] = frozenset(
    {HazardStatus.FOUND, HazardStatus.RECTIFYING, HazardStatus.OVERDUE}
)
HAZARD_ON_CLOCK: frozenset[HazardStatus] = HAZARD_OPEN


class IssueStatus(enum.StrEnum):
    REPORTED = "reported"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    VERIFIED = "verified"
    CLOSED = "closed"
    RETURNED = "returned"  # the department sent it back: wrong department or not its job
    DUPLICATE = "duplicate"
    INVALID = "invalid"


# The issue lifecycle (闭环): 上报 reported -> 受理 accepted -> 派遣 dispatched -> 处置
# in_progress -> resolved -> 核查 verified -> 结案 closed, plus 退回 returned (the
# department sends it back), 重复 duplicate and 无效 invalid. Who may make each step:
# :data:`gridmap.workflow.ISSUE_STEPS`.
ISSUE_TRANSITIONS: dict[IssueStatus, frozenset[IssueStatus]] = {
    IssueStatus.REPORTED: frozenset({IssueStatus.ACCEPTED, IssueStatus.DUPLICATE, IssueStatus.INVALID}),
    IssueStatus.ACCEPTED: frozenset({IssueStatus.DISPATCHED, IssueStatus.DUPLICATE, IssueStatus.INVALID}),
    IssueStatus.DISPATCHED: frozenset({IssueStatus.IN_PROGRESS, IssueStatus.RETURNED}),
    IssueStatus.RETURNED: frozenset({IssueStatus.DISPATCHED, IssueStatus.INVALID}),
    IssueStatus.IN_PROGRESS: frozenset({IssueStatus.RESOLVED, IssueStatus.RETURNED}),
    IssueStatus.RESOLVED: frozenset({IssueStatus.VERIFIED, IssueStatus.IN_PROGRESS}),
    IssueStatus.VERIFIED: frozenset({IssueStatus.CLOSED}),
    IssueStatus.CLOSED: frozenset(),
    IssueStatus.DUPLICATE: frozenset(),
    IssueStatus.INVALID: frozenset(),
}
# Final (closed, duplicate, invalid): no step leads out.
ISSUE_TERMINAL: frozenset[IssueStatus] = frozenset(s for s, nxt in ISSUE_TRANSITIONS.items() if not nxt)
# Open (未办结): every status that is not final, awaiting verification and closure included.
ISSUE_OPEN: frozenset[IssueStatus] = frozenset(IssueStatus) - ISSUE_TERMINAL
# The deadline clock runs while an issue is open and not yet resolved by its handler;
# "overdue" is "on the clock and past the deadline" (see gridmap.workflow.clock).
ISSUE_ON_CLOCK: frozenset[IssueStatus] = ISSUE_OPEN - {IssueStatus.RESOLVED, IssueStatus.VERIFIED}
ISSUE_CLOCK_STOPPED: frozenset[IssueStatus] = frozenset(IssueStatus) - ISSUE_ON_CLOCK


def can_transition(current: str, target: str, table: dict) -> bool:
    """True when ``current -> target`` is an allowed step in a transition ``table``."""
    enum_type = type(next(iter(table)))
    return enum_type(target) in table.get(enum_type(current), frozenset())


class Channel(enum.StrEnum):
    CITIZEN_PHOTO = "citizen_photo"  # 随手拍
    GRID_PATROL = "grid_patrol"  # 网格员巡查
    HOTLINE = "hotline"  # 12345 热线
    DEPUTY = "deputy"  # 人大代表
    DEPARTMENT = "department"  # 部门移交


class Role(enum.StrEnum):
    """What a user does; the permission matrix in :mod:`gridmap.access` maps it to operations."""

    COMMANDER = "commander"  # 指挥中心: watches, ranks, dispatches
    PLANNER = "planner"  # 网格规划: boundaries and plans
    INSPECTOR = "inspector"  # 隐患排查: hazards and hotspots
    GRID_WORKER = "grid_worker"  # 网格员: reports and zero-reports in their own unit
    DEPARTMENT = "department"  # 职能部门: handles issues routed to their department
    ADMIN = "admin"  # 系统管理员: users, imports, audit


@dataclass(frozen=True)
class Category:
    code: str
    department: str
    deadline_hours: int


# Issue categories, the department that handles them (按职能归类交办), and the
# deadline. Department codes are labelled in i18n.
CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("sanitation", "enforcement", 24),  # 环境卫生
        Category("municipal", "housing", 72),  # 市政设施
        Category("traffic", "traffic_police", 48),  # 道路交通
        Category("fire_safety", "emergency", 24),  # 消防安全
        Category("dispute", "justice", 168),  # 矛盾纠纷
        Category("illegal_building", "enforcement", 168),  # 违章建筑
        Category("public_order", "police", 24),  # 治安问题
        Category("livelihood", "civil_affairs", 120),  # 民生服务
        Category("pollution", "ecology", 72),  # 生态环境
    )
}
DEPARTMENTS: tuple[str, ...] = tuple(sorted({c.department for c in CATEGORIES.values()}))

# Deadline for rectifying a hazard, by severity, in days.
HAZARD_DEADLINE_DAYS: dict[Severity, int] = {Severity.HIGH: 1, Severity.MEDIUM: 3, Severity.LOW: 7}


@dataclass(frozen=True)
class Lifecycle:
    """One layer's lifecycle as data: its statuses, steps, what is open, what a step stamps.

    Attributes:
        layer: The layer whose ``status`` column it governs (``issues``, ``inspections``).
        history: The layer holding one row per step (``issue_events``, ...).
        key: The history column naming the row (``issue_id``, ``inspection_id``).
        label_kind: The i18n label kind of its statuses (``issue_status``, ...).
        initial: The status a new row starts in.
        transitions: Status -> the statuses one step can reach.
        terminal: Final statuses (no step leads out).
        open: Statuses counted as open on every page (KPIs, map, lists).
        on_clock: Statuses whose deadline is running (overdue = on the clock and past it).
        stamps: Status reached -> {column: True (set to the step's time) / False (cleared)}.
        routing: The column a dispatch may change (the department), or None.
        links: Status reached -> the column naming the row it links to (an issue marked
            duplicate names the issue it repeats); set only by that step.
    """

    layer: str
    history: str
    key: str
    label_kind: str
    initial: str
    transitions: dict[str, frozenset[str]]
    terminal: frozenset[str]
    open: frozenset[str]
    on_clock: frozenset[str]
    stamps: dict[str, dict[str, bool]]
    routing: str | None = None
    links: dict[str, str] = field(default_factory=dict)

    @property
    def statuses(self) -> tuple[str, ...]:
        """Every status, in lifecycle order."""
        return tuple(self.transitions)

    @property
    def columns(self) -> frozenset[str]:
        """The columns only a step may change: the status, its times and the routing."""
        stamped = {c for changes in self.stamps.values() for c in changes}
        return frozenset({"status", *stamped, *([self.routing] if self.routing else []), *self.links.values()})

    def can_step(self, current: str, target: str) -> bool:
        """Whether ``current -> target`` is one step of this lifecycle."""
        return str(target) in self.transitions.get(str(current), frozenset())


def _strs(statuses: frozenset[IssueStatus] | frozenset[HazardStatus]) -> frozenset[str]:
    return frozenset(str(s) for s in statuses)


ISSUE_LIFECYCLE = Lifecycle(
    layer="issues", history="issue_events", key="issue_id", label_kind="issue_status",
    initial=str(IssueStatus.REPORTED),
    transitions={str(s): _strs(ISSUE_TRANSITIONS[s]) for s in IssueStatus},  # in the enum's order
    terminal=_strs(ISSUE_TERMINAL), open=_strs(ISSUE_OPEN), on_clock=_strs(ISSUE_ON_CLOCK),
    stamps={str(s): {"closed_at": True} for s in ISSUE_TERMINAL},
    routing="department",
    links={str(IssueStatus.DUPLICATE): "duplicate_of"},
)
HAZARD_LIFECYCLE = Lifecycle(
    layer="inspections", history="inspection_events", key="inspection_id", label_kind="hazard_status",
    initial=str(HazardStatus.FOUND),
    transitions={str(s): _strs(HAZARD_TRANSITIONS[s]) for s in HazardStatus},
    terminal=_strs(HAZARD_TERMINAL), open=_strs(HAZARD_OPEN), on_clock=_strs(HAZARD_ON_CLOCK),
    # rectified_at is the moment it was (last) rectified: set on reaching rectified, kept
    # when verified, cleared when a re-check sends it back or it is escalated.
    stamps={str(HazardStatus.RECTIFIED): {"rectified_at": True},
            str(HazardStatus.RECTIFYING): {"rectified_at": False},
            str(HazardStatus.OVERDUE): {"rectified_at": False}},
)
# Layer -> its lifecycle.
LIFECYCLES: dict[str, Lifecycle] = {lc.layer: lc for lc in (ISSUE_LIFECYCLE, HAZARD_LIFECYCLE)}

# --------------------------------------------------------------------------- layers

FieldType = Literal["text", "int", "float", "bool", "date", "datetime", "json"]
GeomType = Literal["Point", "MultiPolygon"]


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool = False
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class LayerSpec:
    """One stored table. ``geom`` is None for tables without geometry."""

    name: str
    fields: tuple[Field, ...]
    geom: GeomType | None = None
    assigned: bool = False  # carries town/village/grid/micro codes from assignment
    importable: bool = False
    key: str = "id"
    extra_indexes: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        cols = ["id", "county_code", *(f.name for f in self.fields)]
        if self.assigned:
            cols += list(ASSIGN_COLUMNS)
        return cols

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


# Columns written by point -> unit assignment. ``outside`` flags a point that lies
# in no micro-grid of the current plan; such points are kept, never dropped.
ASSIGN_COLUMNS: tuple[str, ...] = ("town_code", "village_code", "grid_code", "micro_code", "outside")

_UNITS = LayerSpec(
    "units",
    (
        Field("code", "text", True),
        Field("level", "text", True, tuple(Level)),
        Field("name", "text", True),
        Field("parent_code", "text"),
        Field("households", "int"),
        Field("residents", "int"),
        Field("floating", "int"),
        Field("risk_colour", "text", False, tuple(RiskColour)),
        Field("risk_set_at", "datetime"),
        Field("staff", "json"),  # [{"name": ..., "role": ...}]
        Field("plan_version", "int", True),
        Field("approximate", "bool"),  # boundary synthesised, not surveyed
    ),
    geom="MultiPolygon",
    importable=True,
    extra_indexes=("code", "parent_code", "level"),
)
_HOUSEHOLDS = LayerSpec(
    "households",
    (
        Field("address", "text", True),
        Field("residents", "int"),
        Field("floating", "int"),
        Field("rental", "bool"),
        Field("rooms", "int"),
        Field("collected", "bool"),  # 一标三实 information collected
    ),
    geom="Point",
    assigned=True,
    importable=True,
)
_STATIONS = LayerSpec(
    "stations",
    (
        Field("name", "text", True),
        Field("station_type", "text", True, tuple(StationType)),
        Field("opened", "date"),
        Field("closes", "date"),  # temporary stations end
        Field("services", "json"),  # list of service names
        Field("funding_yuan", "int"),
        # The station registry (schema version 9): its level, opening hours, staff
        # (a list of names) and why it closed (``closes`` is its last open day).
        Field("level", "text", False, STATION_LEVELS),
        Field("hours", "text"),
        Field("staff", "json"),
        Field("closed_note", "text"),
    ),
    geom="Point",
    assigned=True,
    importable=True,
)
# One row per supervision visit to a station (schema version 9): where the visitor stood
# (the point), how far that is from the station, the checklist and the follow-up items.
# The station's town and micro-grid are copied onto the visit, so jurisdiction scope
# filters visits like their stations and a town's results are one filter.
_STATION_VISITS = LayerSpec(
    "station_visits",
    (
        Field("station_id", "text", True),
        Field("visited_at", "datetime", True),
        Field("visitor", "text", True),
        Field("distance_m", "float", True),
        Field("far", "bool", True),  # farther from the station than the setting allows
        Field("checklist", "json"),  # {item code: passed}
        Field("passed", "int"),
        Field("items", "int"),
        Field("follow_up", "json"),  # list of follow-up items (text)
        Field("note", "text"),
        Field("town_code", "text"),
        Field("micro_code", "text"),
    ),
    geom="Point",
    extra_indexes=("station_id", "visited_at"),
)
_INSPECTIONS = LayerSpec(
    "inspections",
    (
        Field("place_type", "text", True, tuple(PlaceType)),
        Field("hazard_types", "json", True),  # list of HazardType
        Field("severity", "text", True, tuple(Severity)),
        Field("status", "text", True, tuple(HazardStatus)),
        Field("found_at", "datetime", True),
        Field("deadline", "datetime"),
        Field("rectified_at", "datetime"),
        Field("inspector", "text"),
        # The inspected place's address (schema version 7), optional: the hazard page's
        # "same place" (gridmap.hazards.places).
        Field("address", "text"),
    ),
    geom="Point",
    assigned=True,
    importable=True,
    extra_indexes=("status", "found_at"),
)
_ISSUES = LayerSpec(
    "issues",
    (
        Field("category", "text", True, tuple(CATEGORIES)),
        Field("description", "text"),
        Field("channel", "text", False, tuple(Channel)),
        Field("reporter", "text"),
        Field("department", "text", False, DEPARTMENTS),
        Field("status", "text", True, tuple(IssueStatus)),
        Field("reported_at", "datetime", True),
        Field("deadline", "datetime"),
        Field("closed_at", "datetime"),
        # Schema version 8 (issue 12): the issue this one repeats (set by the step to
        # duplicate), and when it was escalated to the commander as overdue.
        Field("duplicate_of", "text"),
        Field("escalated_at", "datetime"),
    ),
    geom="Point",
    assigned=True,
    importable=True,
    extra_indexes=("status", "reported_at"),
)
_ISSUE_EVENTS = LayerSpec(
    "issue_events",
    (
        Field("issue_id", "text", True),
        Field("at", "datetime", True),
        Field("actor", "text", True),
        Field("from_status", "text"),
        Field("to_status", "text", True, tuple(IssueStatus)),
        Field("note", "text"),
        # The issue's micro-grid, copied onto each event so that jurisdiction scope
        # filters the history exactly like the issue itself.
        Field("micro_code", "text"),
        # The issue's department, kept in step with the issue (schema version 3), so a
        # department handler's read of the history is one indexed filter.
        Field("department", "text", False, DEPARTMENTS),
    ),
    extra_indexes=("issue_id",),
)
# One row per step of a hazard's lifecycle (schema version 4): who, when, from, to, why.
_INSPECTION_EVENTS = LayerSpec(
    "inspection_events",
    (
        Field("inspection_id", "text", True),
        Field("at", "datetime", True),
        Field("actor", "text", True),
        Field("from_status", "text"),
        Field("to_status", "text", True, tuple(HazardStatus)),
        Field("note", "text"),
        # The inspection's micro-grid, so jurisdiction scope filters the history like the row.
        Field("micro_code", "text"),
    ),
    extra_indexes=("inspection_id",),
)
_ZERO_REPORTS = LayerSpec(
    "zero_reports",
    (
        Field("micro_code", "text", True),
        Field("day", "date", True),
        Field("reporter", "text", True),
        Field("note", "text"),
        Field("reported_at", "datetime"),
    ),
    extra_indexes=("micro_code", "day"),
)
_PLANTED_HOTSPOTS = LayerSpec(
    "planted_hotspots",
    (
        Field("layer", "text", True),
        Field("hazard_type", "text"),
        Field("radius_m", "float", True),
        Field("start", "date", True),
        Field("end", "date", True),
        Field("pattern", "text", True),  # persistent / new / intensifying / ...
        Field("extra_points", "int"),
    ),
    geom="Point",
)

_USERS = LayerSpec(
    "users",
    (
        # ``id`` is the user name (unique per county).
        Field("display_name", "text", True),
        Field("role", "text", True, tuple(Role)),
        Field("unit_code", "text", True),  # jurisdiction: a unit at any level
        Field("department", "text", False, DEPARTMENTS),  # department handlers only
        Field("password_hash", "text", True),  # argon2id; never leaves gridmap.auth
        Field("password_set_at", "datetime"),
        Field("disabled", "bool"),
        Field("failed_logins", "int"),
        Field("locked_until", "datetime"),
        Field("last_login_at", "datetime"),
    ),
    extra_indexes=("role",),
)

# Failed sign-ins of names that have no account (an account counts its own in
# ``users.failed_logins``). ``id`` is the name as typed (trimmed, at most 64
# characters); kept in the store so that every app process sees the same count.
_SIGN_IN_THROTTLE = LayerSpec(
    "sign_in_throttle",
    (
        Field("failures", "int", True),
        Field("locked_until", "datetime"),
        Field("last_failure_at", "datetime"),
    ),
)

# The statuses of a boundary plan version (gridmap.plan.versions): a draft is edited and
# saved; publishing makes it the county's current plan now (published) or at its effective
# time (scheduled); the plan it replaces becomes superseded; a draft given up is discarded.
# Only a draft's units ever change: every other status is history, never overwritten.
PLAN_STATUSES: tuple[str, ...] = ("draft", "scheduled", "published", "superseded", "discarded")

# One row per plan version of a county (schema version 5). ``revision`` is bumped on every
# save of the draft (the optimistic lock of two planners on one draft).
_PLANS = LayerSpec(
    "plans",
    (
        Field("version", "int", True),
        Field("name", "text", True),
        Field("parent_version", "int"),
        Field("author", "text"),
        Field("status", "text", True, PLAN_STATUSES),
        Field("effective_at", "datetime"),
        Field("created_at", "datetime"),
        Field("updated_at", "datetime"),
        Field("published_at", "datetime"),
        Field("published_by", "text"),
        Field("revision", "int", True),
        Field("note", "text"),
    ),
    extra_indexes=("version",),
)
# One row per save of a draft (schema version 5): who, when, which unit codes changed or
# were removed, and the draft's revision after the save (a refused save names these).
_PLAN_SAVES = LayerSpec(
    "plan_saves",
    (
        Field("version", "int", True),
        Field("revision", "int", True),
        Field("author", "text", True),
        Field("saved_at", "datetime", True),
        Field("changed", "json"),  # unit codes changed or added
        Field("removed", "json"),  # unit codes removed
        Field("note", "text"),
    ),
    extra_indexes=("version",),
)

# The layers a photo may belong to (gridmap.photos): an issue or a hazard, and the step
# of its history it came with. Other layers add themselves here when they take photos.
PHOTO_OWNERS: tuple[str, ...] = ("issues", "inspections", "station_visits")

# One row per photo (schema version 6): the re-encoded picture without metadata
# (gridmap.uploads), base64 text so both backends keep it in an ordinary column; the row
# it belongs to, and its history row when it came with a step. ``micro_code`` and
# ``department`` are copied from the owner, so scope and a department's view filter the
# photos exactly like their issue or hazard.
_PHOTOS = LayerSpec(
    "photos",
    (
        Field("owner_layer", "text", True, PHOTO_OWNERS),
        Field("owner_id", "text", True),
        Field("event_id", "text"),
        Field("name", "text"),
        Field("media_type", "text", True),
        Field("width", "int"),
        Field("height", "int"),
        Field("size_bytes", "int", True),
        Field("data", "text", True),
        Field("taken_lon", "float"),
        Field("taken_lat", "float"),
        Field("uploaded_by", "text", True),
        Field("uploaded_at", "datetime", True),
        Field("micro_code", "text"),
        Field("department", "text", False, DEPARTMENTS),
    ),
    extra_indexes=("owner_id",),
)

# The routing table as data (schema version 8, issue 12): one row per version of a
# county's rules (category [x unit] -> department) and deadlines per category; the
# version named by the county's ``routing_version`` setting is in force, older rows are
# kept (gridmap.workflow.routing).
_ROUTING_TABLES = LayerSpec(
    "routing_tables",
    (
        Field("version", "int", True),
        Field("rules", "json", True),  # [{"category", "unit_code" (None: county-wide), "department"}]
        Field("deadlines", "json", True),  # {category: {"hours": int, "same_day": bool}}
        Field("author", "text", True),
        Field("created_at", "datetime", True),
        Field("note", "text"),
    ),
    extra_indexes=("version",),
)

LAYERS: dict[str, LayerSpec] = {
    s.name: s
    for s in (
        _UNITS,
        _HOUSEHOLDS,
        _STATIONS,
        _INSPECTIONS,
        _ISSUES,
        _ISSUE_EVENTS,
        _INSPECTION_EVENTS,
        _ZERO_REPORTS,
        _PLANTED_HOTSPOTS,
        _USERS,
        _SIGN_IN_THROTTLE,
        _PLANS,
        _PLAN_SAVES,
        _PHOTOS,
        _ROUTING_TABLES,
        _STATION_VISITS,
    )
}
# The layers that hold governance data (everything but the accounts and the throttle).
ACCOUNT_LAYERS: tuple[str, ...] = ("users", "sign_in_throttle")
DATA_LAYERS: tuple[str, ...] = tuple(n for n in LAYERS if n not in ACCOUNT_LAYERS)
POINT_LAYERS: tuple[str, ...] = tuple(n for n, s in LAYERS.items() if s.geom == "Point" and s.assigned)


def layer(name: str) -> LayerSpec:
    """The spec of a layer, with an error that lists the known names."""
    try:
        return LAYERS[name]
    except KeyError:
        raise ValueError(f"unknown layer {name!r}; known layers: {', '.join(LAYERS)}") from None


# --------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    """Where a caller may read and write: a county and a unit inside it.

    ``unit_code`` with ``level`` limits the caller to that unit and its
    descendants (matched by code prefix on units and on assigned points).
    ``Scope.county("330327")`` is the whole county.
    """

    county_code: str
    unit_code: str | None = None
    level: Level = Level.COUNTY

    def __post_init__(self) -> None:
        # A county is known by the first six digits of its NBS code everywhere.
        object.__setattr__(self, "county_code", str(self.county_code)[:6])
        object.__setattr__(self, "level", Level(self.level))

    @classmethod
    def county(cls, county_code: str) -> Scope:
        return cls(county_code=county_code[:6])

    @property
    def prefix(self) -> str:
        if self.unit_code is None:
            return self.county_code[:6]
        return code_prefix(self.unit_code, self.level)

    @property
    def whole_county(self) -> bool:
        return self.unit_code is None or self.level == Level.COUNTY

    def cache_key(self) -> str:
        return f"{self.county_code}:{self.prefix}"
