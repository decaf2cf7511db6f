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
    "role": tuple(domain.Role),
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
    domain.Role: "role",
}

_ZH: dict[str, str] = {
    # -- application frame --------------------------------------------------------
    "app.title": "网格一张图",
    "app.subtitle": "网格化社会治理 · 指挥一张图",
    "app.language": "语言 / Language",
    "app.county": "县（市、区）",
    "nav.overview": "总览",
    "nav.sign_in": "登录",
    "nav.audit": "操作审计",
    # -- sign-in and accounts ---------------------------------------------------------
    "auth.title": "登录网格一张图",
    "auth.username": "用户名",
    "auth.password": "密码",
    "auth.submit": "登录",
    "auth.sign_out": "退出登录",
    "auth.signed_in_as": "{name}（{role}）· 辖区：{unit}",
    "auth.bad_credentials": "用户名或密码不正确。",
    "auth.locked": "登录失败次数过多，账号已临时锁定，请于 {until} 之后再试，或联系管理员重置密码。",
    "auth.disabled": "该账号已停用，请联系系统管理员。",
    "auth.expired_idle": "长时间未操作，已自动退出，请重新登录。",
    "auth.expired_max": "登录已超过最长时限，请重新登录。",
    "auth.password_changed": "密码已被修改，请用新密码重新登录。",
    "auth.password_too_short": "密码太短：至少需要 {n} 个字符。",
    "auth.password_too_simple": "密码太简单：请同时使用字母和数字或符号。",
    "auth.bad_username": "用户名不能为空、不能含空格，且不超过 64 个字符。",
    "auth.user_exists": "用户名“{username}”已存在。",
    "auth.unknown_unit": "辖区编码 {code} 不是本辖区内已有的单元。",
    "auth.cannot_disable_self": "不能停用自己正在使用的账号。",
    "auth.demo_hint": "演示环境：各角色的演示账号和密码见 README 的“演示账号”一节。",
    "auth.empty_fields": "请输入用户名和密码。",
    "auth.no_accounts": (
        "还没有任何用户账号。请在服务器上运行 `python -m gridmap users add 用户名 --role admin --unit 县级编码` "
        "创建第一个管理员，或运行 `python -m gridmap demo --scale small` 载入带演示账号的演示数据。"
    ),
    "auth.sign_in_first": "请先登录。",
    "auth.production_blocked": "生产环境（GRIDMAP_ENV=production）下发现不安全的设置，系统拒绝启动：",
    "auth.production_hint": "请逐项处理后重启，可运行 `python -m gridmap check-config` 查看详情。",
    "auth.permission_denied": "您的角色（{role}）没有“{op}”的权限。",
    "auth.outside_scope": "所选单元不在您的辖区内。",
    # -- roles ----------------------------------------------------------------------
    "role.commander": "指挥长",
    "role.planner": "网格规划员",
    "role.inspector": "隐患巡查员",
    "role.grid_worker": "网格员",
    "role.department": "部门处置员",
    "role.admin": "系统管理员",
    # -- operations ------------------------------------------------------------------
    "op.view_map": "查看地图与事件",
    "op.view_households": "查看房屋与人口信息",
    "op.view_zero_reports": "查看零报告",
    "op.view_ground_truth": "查看演示预设热点",
    "op.view_audit": "查看操作审计",
    "op.export": "导出数据",
    "op.import_points": "导入点位数据",
    "op.edit_units": "调整网格边界",
    "op.set_risk": "设置三色风险等级",
    "op.report_issue": "上报事件",
    "op.handle_issue": "处置事件",
    "op.record_inspection": "登记隐患",
    "op.update_inspection": "更新隐患整改",
    "op.submit_zero_report": "提交零报告",
    "op.edit_stations": "维护服务站点",
    "op.manage_users": "管理用户账号",
    # -- audit page -----------------------------------------------------------------
    "audit.title": "操作审计",
    "audit.caption": "每一次数据修改和登录都记录在此，记录只能追加，不能修改或删除。仅显示您辖区内的操作。",
    "audit.filter.actor": "操作人",
    "audit.filter.action": "操作类型",
    "audit.filter.layer": "数据图层",
    "audit.filter.dates": "日期范围",
    "audit.filter.limit": "最多显示条数",
    "audit.filter.any": "全部",
    "audit.count": "共显示 {n} 条记录（最新的在前）。",
    "audit.empty": "没有符合条件的操作记录。",
    "audit.col.at": "时间",
    "audit.col.actor": "操作人",
    "audit.col.action": "操作",
    "audit.col.layer": "图层",
    "audit.col.target": "对象",
    "audit.col.scope": "辖区",
    "audit.col.before": "修改前",
    "audit.col.after": "修改后",
    "audit.detail": "查看某条记录的完整内容",
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
    # -- commander's numbers (gridmap.command) --------------------------------------
    "kpi.range": "统计区间：{date_from} 至 {date_to}",
    "kpi.open_issues": "未办结事件",
    "kpi.open_issues.help": "尚未关闭的事件（不含重复、无效），不限统计区间。",
    "kpi.overdue_issues": "超期事件",
    "kpi.overdue_issues.help": "尚未处置完成且已过办理时限的事件，不限统计区间。",
    "kpi.closed_today": "今日办结",
    "kpi.closed_today.help": "今天 0 时至数据截止时刻关闭的事件。",
    "kpi.reported": "区间上报事件",
    "kpi.reported.help": "统计区间内上报的事件（不含重复、无效）。",
    "kpi.closure_rate": "办结率",
    "kpi.closure_rate.help": "统计区间内上报的事件（不含重复、无效）中，截至目前已关闭的比例。",
    "kpi.hazards_found": "发现隐患",
    "kpi.hazards_found.help": "统计区间内发现的安全隐患。",
    "kpi.hazards_rectified": "整改隐患",
    "kpi.hazards_rectified.help": "统计区间内完成整改（已整改或已复核）的隐患。",
    "kpi.hazards_open": "待整改隐患",
    "kpi.hazards_open.help": "已发现、整改中或已超期的隐患，不限统计区间。",
    "kpi.hazards_overdue": "超期隐患",
    "kpi.hazards_overdue.help": "待整改且已过整改时限的隐患，不限统计区间。",
    "kpi.zero_report_rate": "今日零报告率",
    "kpi.zero_report_rate.help": "今天已提交每日零报告的微网格占全部微网格的比例。",
    "kpi.households": "覆盖户数",
    "kpi.households.help": "本单元登记的户数。",
    "kpi.residents": "覆盖人口",
    "kpi.residents.help": "本单元登记的常住人口。",
    "kpi.stations": "服务站点",
    "kpi.stations.help": "今天在运行的所选类型服务站点。",
    "measure.label": "地图着色",
    "measure.risk": "三色风险",
    "measure.open_issues": "未办结事件数",
    "measure.overdue_issues": "超期事件数",
    "measure.closure_rate": "办结率",
    "measure.hazards_per_100": "每百户隐患数",
    "measure.zero_report": "今日零报告率",
    "measure.collection": "一标三实采集率",
    "measure.no_data": "无数据",
    # -- layers ---------------------------------------------------------------------
    "layer.units": "区划与网格",
    "layer.households": "实有房屋",
    "layer.stations": "服务站点",
    "layer.inspections": "隐患排查",
    "layer.issues": "事件",
    "layer.issue_events": "事件流转记录",
    "layer.zero_reports": "零报告",
    "layer.planted_hotspots": "演示数据预设热点",
    "layer.users": "用户账号",
    # -- map (gridmap.maps) -----------------------------------------------------------
    "map.layer.boundaries": "{level}边界",
    "map.field.name": "名称",
    "map.field.value": "数值",
    "map.field.households": "户数",
    "map.field.risk": "三色等级",
    "map.field.type": "类型",
    "map.field.status": "状态",
    "map.field.category": "类别",
    "map.field.description": "描述",
    "map.field.reported_at": "上报时间",
    "map.field.deadline": "办理时限",
    "map.field.found_at": "发现时间",
    "map.field.severity": "隐患等级",
    "map.field.place_type": "场所类型",
    "map.field.hazards": "隐患类型",
    "map.legend.risk": "三色管理",
    "map.legend.overdue": "已超期",
    "map.legend.no_data": "无数据",
    "map.legend.heat": "密度：低 → 高",
    "map.assets_missing": "地图组件（Leaflet 及插件）尚未安装到 static/vendor，请先运行 `make assets`。",
    "map.tiles.error.unknown": "底图配置有误：GRIDMAP_TILES={value} 不是可用的底图，可选：{choices}。",
    "map.tiles.error.conflict": "同时设置了 GRIDMAP_TILE_URL 和 GRIDMAP_TILES={source}，请只保留一个（或设 GRIDMAP_TILES=custom）。",
    "map.tiles.error.tianditu_key": "使用天地图底图需要在环境变量 {variable} 中配置天地图浏览器端密钥（tk）。",
    "map.tiles.error.custom_url": "自定义底图需要在环境变量 {variable} 中配置包含 {{x}}、{{y}}、{{z}} 的瓦片地址。",
    "map.tiles.error.custom_attribution": "自定义底图需要在环境变量 {variable} 中填写底图数据的版权署名。",
    "map.tiles.error.custom_crs": "GRIDMAP_TILE_CRS={value} 无效，可选 wgs84 或 gcj02。",
    "map.tiles.error.custom_zoom": "GRIDMAP_TILE_MAX_ZOOM={value} 不是 1–22 之间的缩放级别。",
}

_EN: dict[str, str] = {
    # -- application frame --------------------------------------------------------
    "app.title": "Grid Map",
    "app.subtitle": "Grid-based community governance · one map",
    "app.language": "语言 / Language",
    "app.county": "County",
    "nav.overview": "Overview",
    "nav.sign_in": "Sign in",
    "nav.audit": "Audit trail",
    # -- sign-in and accounts ---------------------------------------------------------
    "auth.title": "Sign in to Grid Map",
    "auth.username": "User name",
    "auth.password": "Password",
    "auth.submit": "Sign in",
    "auth.sign_out": "Sign out",
    "auth.signed_in_as": "{name} ({role}) · jurisdiction: {unit}",
    "auth.bad_credentials": "Wrong user name or password.",
    "auth.locked": "Too many failed sign-ins: the account is locked until {until}. Try again later or ask an admin.",
    "auth.disabled": "This account is disabled; please contact the administrator.",
    "auth.expired_idle": "You were signed out after a period of inactivity. Please sign in again.",
    "auth.expired_max": "Your sign-in has reached its maximum length. Please sign in again.",
    "auth.password_changed": "The password was changed. Please sign in with the new password.",
    "auth.password_too_short": "Password too short: at least {n} characters.",
    "auth.password_too_simple": "Password too simple: mix letters with digits or symbols.",
    "auth.bad_username": "A user name must not be empty, contain spaces or exceed 64 characters.",
    "auth.user_exists": "The user name “{username}” already exists.",
    "auth.unknown_unit": "Unit code {code} is not a unit inside your jurisdiction.",
    "auth.cannot_disable_self": "You cannot disable the account you are using.",
    "auth.demo_hint": "Demo: the demo account of each role and its password are in the README, “Demo accounts”.",
    "auth.empty_fields": "Please enter a user name and a password.",
    "auth.no_accounts": (
        "No user account exists yet. On the server, run `python -m gridmap users add NAME --role admin "
        "--unit COUNTY_CODE` to create the first administrator, or `python -m gridmap demo --scale small` "
        "to load the demo with its demo accounts."
    ),
    "auth.sign_in_first": "Please sign in first.",
    "auth.production_blocked": "Insecure settings found with GRIDMAP_ENV=production; the app refuses to start:",
    "auth.production_hint": "Fix each one and restart; `python -m gridmap check-config` shows details.",
    "auth.permission_denied": "Your role ({role}) does not allow “{op}”.",
    "auth.outside_scope": "The selected unit is outside your jurisdiction.",
    # -- roles ----------------------------------------------------------------------
    "role.commander": "Commander",
    "role.planner": "Planner",
    "role.inspector": "Inspector",
    "role.grid_worker": "Grid worker",
    "role.department": "Department handler",
    "role.admin": "Administrator",
    # -- operations ------------------------------------------------------------------
    "op.view_map": "view the map and issues",
    "op.view_households": "view households and residents",
    "op.view_zero_reports": "view zero reports",
    "op.view_ground_truth": "view the demo's planted hotspots",
    "op.view_audit": "view the audit trail",
    "op.export": "export data",
    "op.import_points": "import point data",
    "op.edit_units": "edit grid boundaries",
    "op.set_risk": "set the three-colour risk",
    "op.report_issue": "report issues",
    "op.handle_issue": "handle issues",
    "op.record_inspection": "record hazards",
    "op.update_inspection": "update hazard rectification",
    "op.submit_zero_report": "submit zero reports",
    "op.edit_stations": "maintain service stations",
    "op.manage_users": "manage user accounts",
    # -- audit page -----------------------------------------------------------------
    "audit.title": "Audit trail",
    "audit.caption": ("Every data change and sign-in is recorded here; records can only be appended, never "
                      "changed or deleted. Only actions inside your jurisdiction are shown."),
    "audit.filter.actor": "User",
    "audit.filter.action": "Action",
    "audit.filter.layer": "Layer",
    "audit.filter.dates": "Date range",
    "audit.filter.limit": "Show at most",
    "audit.filter.any": "All",
    "audit.count": "{n} records shown (newest first).",
    "audit.empty": "No recorded action matches.",
    "audit.col.at": "Time",
    "audit.col.actor": "User",
    "audit.col.action": "Action",
    "audit.col.layer": "Layer",
    "audit.col.target": "Target",
    "audit.col.scope": "Jurisdiction",
    "audit.col.before": "Before",
    "audit.col.after": "After",
    "audit.detail": "Show one record in full",
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
    # -- commander's numbers (gridmap.command) --------------------------------------
    "kpi.range": "Date range: {date_from} to {date_to}",
    "kpi.open_issues": "Open issues",
    "kpi.open_issues.help": "Issues not yet closed (duplicates and invalid reports left out), whatever the date range.",
    "kpi.overdue_issues": "Overdue issues",
    "kpi.overdue_issues.help": "Issues not yet resolved whose deadline has passed, whatever the date range.",
    "kpi.closed_today": "Closed today",
    "kpi.closed_today.help": "Issues closed between midnight and the data's as-of time.",
    "kpi.reported": "Issues reported",
    "kpi.reported.help": "Issues reported in the date range (duplicates and invalid reports left out).",
    "kpi.closure_rate": "Closure rate",
    "kpi.closure_rate.help": "Of the issues reported in the date range (duplicates and invalid reports left out), the share closed by now.",
    "kpi.hazards_found": "Hazards found",
    "kpi.hazards_found.help": "Safety hazards found in the date range.",
    "kpi.hazards_rectified": "Hazards rectified",
    "kpi.hazards_rectified.help": "Hazards rectified (rectified or verified) in the date range.",
    "kpi.hazards_open": "Open hazards",
    "kpi.hazards_open.help": "Hazards found, being rectified or overdue, whatever the date range.",
    "kpi.hazards_overdue": "Overdue hazards",
    "kpi.hazards_overdue.help": "Open hazards past their rectification deadline, whatever the date range.",
    "kpi.zero_report_rate": "Zero-reports today",
    "kpi.zero_report_rate.help": "The share of micro-grids that have filed today's daily zero-report.",
    "kpi.households": "Households covered",
    "kpi.households.help": "Households registered in this unit.",
    "kpi.residents": "Residents covered",
    "kpi.residents.help": "Residents registered in this unit.",
    "kpi.stations": "Service stations",
    "kpi.stations.help": "Service stations of the selected types open today.",
    "measure.label": "Colour the map by",
    "measure.risk": "Risk colour",
    "measure.open_issues": "Open issues",
    "measure.overdue_issues": "Overdue issues",
    "measure.closure_rate": "Closure rate",
    "measure.hazards_per_100": "Hazards per 100 households",
    "measure.zero_report": "Zero-reports today",
    "measure.collection": "Household information collected",
    "measure.no_data": "No data",
    # -- layers ---------------------------------------------------------------------
    "layer.units": "Units and grids",
    "layer.households": "Households",
    "layer.stations": "Service stations",
    "layer.inspections": "Hazard inspections",
    "layer.issues": "Issues",
    "layer.issue_events": "Issue history",
    "layer.zero_reports": "Zero reports",
    "layer.planted_hotspots": "Demo planted hotspots",
    "layer.users": "User accounts",
    # -- map (gridmap.maps) -----------------------------------------------------------
    "map.layer.boundaries": "{level} boundaries",
    "map.field.name": "Name",
    "map.field.value": "Value",
    "map.field.households": "Households",
    "map.field.risk": "Risk colour",
    "map.field.type": "Type",
    "map.field.status": "Status",
    "map.field.category": "Category",
    "map.field.description": "Description",
    "map.field.reported_at": "Reported",
    "map.field.deadline": "Deadline",
    "map.field.found_at": "Found",
    "map.field.severity": "Severity",
    "map.field.place_type": "Place",
    "map.field.hazards": "Hazards",
    "map.legend.risk": "Three-colour risk",
    "map.legend.overdue": "Overdue",
    "map.legend.no_data": "No data",
    "map.legend.heat": "Density: low → high",
    "map.assets_missing": "The map components (Leaflet and plugins) are not installed in static/vendor; run `make assets` first.",
    "map.tiles.error.unknown": "Tile configuration error: GRIDMAP_TILES={value} is not a tile source; choose one of {choices}.",
    "map.tiles.error.conflict": "Both GRIDMAP_TILE_URL and GRIDMAP_TILES={source} are set; keep one (or set GRIDMAP_TILES=custom).",
    "map.tiles.error.tianditu_key": "Tianditu tiles need a Tianditu browser key (tk) in the environment variable {variable}.",
    "map.tiles.error.custom_url": "A custom tile server needs a tile URL containing {{x}}, {{y}} and {{z}} in the environment variable {variable}.",
    "map.tiles.error.custom_attribution": "A custom tile server needs the tile data's copyright credit in the environment variable {variable}.",
    "map.tiles.error.custom_crs": "GRIDMAP_TILE_CRS={value} is not valid; use wgs84 or gcj02.",
    "map.tiles.error.custom_zoom": "GRIDMAP_TILE_MAX_ZOOM={value} is not a zoom level between 1 and 22.",
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
