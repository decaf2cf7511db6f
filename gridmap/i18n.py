"""User-facing words, Chinese first, English second.

- :func:`t` -- the text of a message key in a language, with ``{placeholders}`` filled.
- :func:`label` -- the label of a domain code (an enum value, a category, a layer).
- :data:`LANGUAGES`, :data:`DEFAULT_LANGUAGE` -- the languages offered.

Every string a user sees is looked up here; code and stored data use English codes.
Domain codes are keyed ``<kind>.<code>`` (``issue_status.reported``); the kinds are
listed in :data:`LABEL_KINDS`, each tied to the enum or table in :mod:`gridmap.domain`
it labels, so a test can check that no code is left without a label.

Example::

    t("overview.title", "en")                 # 'Overview'
    label("level", "micro")                   # '微网格'
    label(IssueStatus.RESOLVED, lang="en")    # 'Resolved'
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

from gridmap import domain

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}

# The code sets labelled here, by kind. A kind's keys are ``<kind>.<code>``.
LABEL_KINDS: dict[str, tuple[str, ...]] = {
    "level": tuple(domain.Level),
    "risk": tuple(domain.RiskColour),
    "risk_meaning": tuple(domain.RiskColour),
    "station": tuple(domain.StationType),
    "hazard": tuple(domain.HazardType),
    "place": tuple(domain.PlaceType),
    "severity": tuple(domain.Severity),
    "hazard_status": tuple(domain.HazardStatus),
    "issue_status": tuple(domain.IssueStatus),
    "category": tuple(domain.CATEGORIES),
    "department": domain.DEPARTMENTS,
    "channel": tuple(domain.Channel),
    "layer": tuple(domain.LAYERS),
}

# Which kind labels the members of each enum, for ``label(SomeEnum.MEMBER)``.
_ENUM_KINDS: dict[type[enum.Enum], str] = {
    domain.Level: "level",
    domain.RiskColour: "risk",
    domain.StationType: "station",
    domain.HazardType: "hazard",
    domain.PlaceType: "place",
    domain.Severity: "severity",
    domain.HazardStatus: "hazard_status",
    domain.IssueStatus: "issue_status",
    domain.Channel: "channel",
}

_ZH: dict[str, str] = {
    # -- application frame --------------------------------------------------------
    "app.title": "网格一张图",
    "app.subtitle": "网格化社会治理 · 指挥一张图",
    "app.language": "语言 / Language",
    "app.county": "县（市、区）",
    "nav.overview": "总览",
    # -- store ----------------------------------------------------------------------
    "store.label": "数据存储",
    "store.caption": "数据存储：{url}（{backend}）",
    "store.backend.sqlite": "内置 SQLite 文件",
    "store.backend.postgis": "PostgreSQL + PostGIS 服务器",
    "store.open_failed": "无法打开数据存储：{url}",
    "store.open_failed_detail": "原因：{detail}",
    "store.open_failed_hint": (
        "请检查环境变量 `GRIDMAP_DB`（例如 `sqlite:///data/gridmap.db` 或 "
        "`postgresql://用户@主机:5432/数据库`）以及数据库服务是否已启动。"
    ),
    "store.empty": "数据存储中还没有任何县的数据。",
    "store.empty_hint": "可运行 `python -m gridmap demo --scale small` 生成演示数据，或在“数据管理”中导入。",
    "store.read_failed": "读取数据时出错：{detail}",
    # -- overview page --------------------------------------------------------------
    "overview.title": "总览",
    "overview.county": "当前县（市、区）：{name}（{code}）",
    "overview.as_of": "数据截至：{as_of}",
    "overview.as_of_unknown": "数据截至：未记录",
    "overview.plan_version": "当前网格方案：第 {version} 版",
    "overview.approximate_note": (
        "提示：乡镇（街道）和村（社区）边界为根据公开资料推算的近似范围，并非测绘成果，"
        "仅供示意，不作为权属或行政区划依据。"
    ),
    "overview.levels": "各层级单元数",
    "overview.layers": "各图层记录数",
    "overview.col.level": "层级",
    "overview.col.layer": "图层",
    "overview.col.count": "数量",
    "overview.metric.micro": "微网格",
    "overview.metric.households": "实有房屋",
    "overview.metric.issues": "事件",
    "overview.metric.stations": "服务站点",
    # -- common ---------------------------------------------------------------------
    "common.none": "无",
    "common.unknown": "未知",
    # -- levels ---------------------------------------------------------------------
    "level.county": "县",
    "level.town": "乡镇(街道)",
    "level.village": "村(社区)",
    "level.grid": "网格",
    "level.micro": "微网格",
    # -- risk colours (三色管理) ------------------------------------------------------
    "risk.orange": "橙",
    "risk.blue": "蓝",
    "risk.cyan": "青",
    "risk_meaning.orange": "重点关注",
    "risk_meaning.blue": "一般关注",
    "risk_meaning.cyan": "平稳",
    # -- station types --------------------------------------------------------------
    "station.party_l2": "二级网格党群服务站",
    "station.party_l3": "三级服务点",
    "station.happiness": "幸福小站",
    "station.exam_help": "助考小站",
    "station.police_post": "警务站",
    "station.governance_centre": "综治中心",
    "station.neighbourhood_centre": "邻里中心",
    # -- hazard types ---------------------------------------------------------------
    "hazard.ebike_indoor": "电动车室内停放",
    "hazard.ebike_indoor_charging": "电动车室内充电",
    "hazard.flying_wire": "飞线充电",
    "hazard.blocked_escape": "消防通道堵塞",
    "hazard.blocked_exit": "安全出口堵塞",
    "hazard.ground_floor_clutter": "架空层堆放杂物",
    "hazard.modified_ebike": "非法改装电动车",
    "hazard.rental_fire": "出租房消防隐患",
    "hazard.gas": "燃气使用隐患",
    # -- place types ----------------------------------------------------------------
    "place.residential": "居民住宅",
    "place.rental": "出租房",
    "place.shop": "沿街店铺",
    "place.small_venue": "三小场所",
    "place.workshop": "小作坊/厂房",
    "place.ground_floor": "架空层",
    "place.public": "公共场所",
    # -- severities -----------------------------------------------------------------
    "severity.low": "一般",
    "severity.medium": "较大",
    "severity.high": "重大",
    # -- hazard statuses ------------------------------------------------------------
    "hazard_status.found": "已发现",
    "hazard_status.rectifying": "整改中",
    "hazard_status.rectified": "已整改",
    "hazard_status.verified": "已复核",
    "hazard_status.overdue": "已超期",
    # -- issue statuses -------------------------------------------------------------
    "issue_status.reported": "已上报",
    "issue_status.accepted": "已受理",
    "issue_status.dispatched": "已派遣",
    "issue_status.in_progress": "处置中",
    "issue_status.resolved": "已处置",  # handled, awaiting verification; 办结 would read as concluded
    "issue_status.verified": "已核查",
    "issue_status.closed": "已关闭",
    "issue_status.returned": "已退回",
    "issue_status.duplicate": "重复",
    "issue_status.invalid": "无效",
    # -- issue categories -----------------------------------------------------------
    "category.sanitation": "环境卫生",
    "category.municipal": "市政设施",
    "category.traffic": "道路交通",
    "category.fire_safety": "消防安全",
    "category.dispute": "矛盾纠纷",
    "category.illegal_building": "违章建筑",
    "category.public_order": "治安问题",
    "category.livelihood": "民生服务",
    "category.pollution": "生态环境",
    # -- departments ----------------------------------------------------------------
    "department.civil_affairs": "民政局",
    "department.ecology": "生态环境分局",
    "department.emergency": "应急管理局",
    "department.enforcement": "综合行政执法局",
    "department.housing": "住房和城乡建设局",
    "department.justice": "司法局",
    "department.police": "公安局",
    "department.traffic_police": "公安交警大队",
    # -- report channels ------------------------------------------------------------
    "channel.citizen_photo": "随手拍",
    "channel.grid_patrol": "网格员巡查",
    "channel.hotline": "12345热线",
    "channel.deputy": "人大代表",
    "channel.department": "部门移交",
    # -- layers ---------------------------------------------------------------------
    "layer.units": "区划与网格",
    "layer.households": "实有房屋",
    "layer.stations": "服务站点",
    "layer.inspections": "隐患排查",
    "layer.issues": "事件",
    "layer.issue_events": "事件流转记录",
    "layer.zero_reports": "零报告",
    "layer.planted_hotspots": "演示数据预设热点",
}

_EN: dict[str, str] = {
    # -- application frame --------------------------------------------------------
    "app.title": "Grid Map",
    "app.subtitle": "Grid-based community governance · one map",
    "app.language": "语言 / Language",
    "app.county": "County",
    "nav.overview": "Overview",
    # -- store ----------------------------------------------------------------------
    "store.label": "Data store",
    "store.caption": "Data store: {url} ({backend})",
    "store.backend.sqlite": "embedded SQLite file",
    "store.backend.postgis": "PostgreSQL + PostGIS server",
    "store.open_failed": "Cannot open the data store: {url}",
    "store.open_failed_detail": "Reason: {detail}",
    "store.open_failed_hint": (
        "Check the `GRIDMAP_DB` environment variable (e.g. `sqlite:///data/gridmap.db` or "
        "`postgresql://user@host:5432/database`) and that the database server is running."
    ),
    "store.empty": "The data store holds no county yet.",
    "store.empty_hint": "Run `python -m gridmap demo --scale small` for demo data, or import data under Data admin.",
    "store.read_failed": "Reading the data failed: {detail}",
    # -- overview page --------------------------------------------------------------
    "overview.title": "Overview",
    "overview.county": "County: {name} ({code})",
    "overview.as_of": "Data as of: {as_of}",
    "overview.as_of_unknown": "Data as of: not recorded",
    "overview.plan_version": "Current grid plan: version {version}",
    "overview.approximate_note": (
        "Note: town (street) and village (community) boundaries are approximations derived "
        "from public data, not surveyed boundaries. They are for illustration only and carry "
        "no legal or administrative weight."
    ),
    "overview.levels": "Units per level",
    "overview.layers": "Records per layer",
    "overview.col.level": "Level",
    "overview.col.layer": "Layer",
    "overview.col.count": "Count",
    "overview.metric.micro": "Micro-grids",
    "overview.metric.households": "Households",
    "overview.metric.issues": "Issues",
    "overview.metric.stations": "Stations",
    # -- common ---------------------------------------------------------------------
    "common.none": "none",
    "common.unknown": "unknown",
    # -- levels ---------------------------------------------------------------------
    "level.county": "County",
    "level.town": "Town (street)",
    "level.village": "Village (community)",
    "level.grid": "Grid",
    "level.micro": "Micro-grid",
    # -- risk colours ---------------------------------------------------------------
    "risk.orange": "Orange",
    "risk.blue": "Blue",
    "risk.cyan": "Cyan",
    "risk_meaning.orange": "high attention",
    "risk_meaning.blue": "ordinary attention",
    "risk_meaning.cyan": "stable",
    # -- station types --------------------------------------------------------------
    "station.party_l2": "Grid party-and-public service station",
    "station.party_l3": "Third-level service point",
    "station.happiness": "Happiness station",
    "station.exam_help": "Exam-help station",
    "station.police_post": "Police post",
    "station.governance_centre": "Comprehensive governance centre",
    "station.neighbourhood_centre": "Neighbourhood centre",
    # -- hazard types ---------------------------------------------------------------
    "hazard.ebike_indoor": "E-bike parked indoors",
    "hazard.ebike_indoor_charging": "E-bike charged indoors",
    "hazard.flying_wire": "Flying-wire charging",
    "hazard.blocked_escape": "Blocked fire escape",
    "hazard.blocked_exit": "Blocked safety exit",
    "hazard.ground_floor_clutter": "Clutter in open ground floor",
    "hazard.modified_ebike": "Illegally modified e-bike",
    "hazard.rental_fire": "Rental-housing fire hazard",
    "hazard.gas": "Unsafe gas use",
    # -- place types ----------------------------------------------------------------
    "place.residential": "Residence",
    "place.rental": "Rental housing",
    "place.shop": "Street-front shop",
    "place.small_venue": "Small venue (shop, restaurant, workshop)",
    "place.workshop": "Workshop / factory",
    "place.ground_floor": "Open ground floor",
    "place.public": "Public place",
    # -- severities -----------------------------------------------------------------
    "severity.low": "Low",
    "severity.medium": "Medium",
    "severity.high": "High",
    # -- hazard statuses ------------------------------------------------------------
    "hazard_status.found": "Found",
    "hazard_status.rectifying": "Being rectified",
    "hazard_status.rectified": "Rectified",
    "hazard_status.verified": "Verified",
    "hazard_status.overdue": "Overdue",
    # -- issue statuses -------------------------------------------------------------
    "issue_status.reported": "Reported",
    "issue_status.accepted": "Accepted",
    "issue_status.dispatched": "Dispatched",
    "issue_status.in_progress": "In progress",
    "issue_status.resolved": "Resolved",
    "issue_status.verified": "Verified",
    "issue_status.closed": "Closed",
    "issue_status.returned": "Returned",
    "issue_status.duplicate": "Duplicate",
    "issue_status.invalid": "Invalid",
    # -- issue categories -----------------------------------------------------------
    "category.sanitation": "Sanitation",
    "category.municipal": "Municipal facilities",
    "category.traffic": "Roads and traffic",
    "category.fire_safety": "Fire safety",
    "category.dispute": "Disputes",
    "category.illegal_building": "Illegal building",
    "category.public_order": "Public order",
    "category.livelihood": "Livelihood services",
    "category.pollution": "Environment and pollution",
    # -- departments ----------------------------------------------------------------
    "department.civil_affairs": "Civil Affairs Bureau",
    "department.ecology": "Ecology and Environment Branch",
    "department.emergency": "Emergency Management Bureau",
    "department.enforcement": "Comprehensive Law Enforcement Bureau",
    "department.housing": "Housing and Urban-Rural Development Bureau",
    "department.justice": "Justice Bureau",
    "department.police": "Public Security Bureau",
    "department.traffic_police": "Traffic Police Brigade",
    # -- report channels ------------------------------------------------------------
    "channel.citizen_photo": "Citizen photo report",
    "channel.grid_patrol": "Grid worker patrol",
    "channel.hotline": "12345 hotline",
    "channel.deputy": "People's deputy",
    "channel.department": "Department referral",
    # -- layers ---------------------------------------------------------------------
    "layer.units": "Units and grids",
    "layer.households": "Households",
    "layer.stations": "Service stations",
    "layer.inspections": "Hazard inspections",
    "layer.issues": "Issues",
    "layer.issue_events": "Issue history",
    "layer.zero_reports": "Zero reports",
    "layer.planted_hotspots": "Demo planted hotspots",
}

MESSAGES: dict[str, Mapping[str, str]] = {"zh": _ZH, "en": _EN}


def normalise_language(lang: str | None) -> str:
    """A supported language code for ``lang``: ``zh-CN`` -> ``zh``; unknown -> default."""
    if not lang:
        return DEFAULT_LANGUAGE
    short = lang.split("-")[0].split("_")[0].lower()
    return short if short in MESSAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str | None = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` placeholders filled from ``values``.

    A key missing in ``lang`` falls back to Chinese (tests keep English complete).

    Args:
        key: A message key such as ``"overview.title"``.
        lang: ``"zh"`` (default) or ``"en"``; regional forms like ``"zh-CN"`` are accepted.
        **values: Values for the placeholders in the message.

    Returns:
        The message text.

    Raises:
        KeyError: ``key`` is not a known message key in any language (a programming error).
    """
    text = MESSAGES[normalise_language(lang)].get(key)
    if text is None:
        text = _ZH.get(key)
    if text is None:
        raise KeyError(f"unknown i18n key {key!r}; add it to gridmap/i18n.py")
    return text.format(**values) if values else text


def label(kind_or_value: str | enum.Enum, code: str | None = None, lang: str | None = DEFAULT_LANGUAGE) -> str:
    """The label of a domain code.

    Either ``label("issue_status", "reported", lang)`` with a kind from
    :data:`LABEL_KINDS`, or ``label(IssueStatus.REPORTED, lang=lang)`` with an enum
    member of :mod:`gridmap.domain`. An unknown code is returned unchanged, so data
    imported with a new code still shows something readable.

    Args:
        kind_or_value: A kind name, or an enum member (then leave ``code`` out).
        code: The code to label, when ``kind_or_value`` is a kind name.
        lang: The language.

    Returns:
        The label, or the code itself when it has none.

    Raises:
        ValueError: The kind, or the enum type, is not one this module labels.
    """
    if isinstance(kind_or_value, enum.Enum):
        kind = _ENUM_KINDS.get(type(kind_or_value))
        if kind is None:
            raise ValueError(f"no labels for {type(kind_or_value).__name__}; known: "
                             f"{', '.join(cls.__name__ for cls in _ENUM_KINDS)}")
        code = str(kind_or_value.value)
    else:
        kind = kind_or_value
        if kind not in LABEL_KINDS:
            raise ValueError(f"unknown label kind {kind!r}; known kinds: {', '.join(LABEL_KINDS)}")
        if code is None:
            raise ValueError(f"label({kind!r}) needs a code")
    key = f"{kind}.{code}"
    if key in _ZH:
        return t(key, lang)
    return str(code)


def labels(kind: str, lang: str | None = DEFAULT_LANGUAGE, codes: Iterable[str] | None = None) -> dict[str, str]:
    """Code -> label for every code of ``kind`` (or for ``codes``), in domain order.

    Handy for ``st.selectbox(..., format_func=labels(...).get)``.
    """
    if kind not in LABEL_KINDS:
        raise ValueError(f"unknown label kind {kind!r}; known kinds: {', '.join(LABEL_KINDS)}")
    return {str(c): label(kind, str(c), lang) for c in (codes if codes is not None else LABEL_KINDS[kind])}


def keys(lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """Every message key defined for ``lang``."""
    return frozenset(MESSAGES[normalise_language(lang)])


__all__ = [
    "DEFAULT_LANGUAGE",
    "LABEL_KINDS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "MESSAGES",
    "keys",
    "label",
    "labels",
    "normalise_language",
    "t",
]
