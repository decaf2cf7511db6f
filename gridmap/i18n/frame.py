"""The application frame, the store and the overview page.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "app.title": ("网格一张图", "Grid Map"),
    "app.subtitle": ("网格化社会治理 · 指挥一张图", "Grid-based community governance · one map"),
    "app.language": ("语言 / Language", "语言 / Language"),
    "app.county": ("县（市、区）", "County"),

    "nav.overview": ("总览", "Overview"),
    "nav.command_map": ("指挥一张图", "Command map"),
    "nav.sign_in": ("登录", "Sign in"),
    "nav.audit": ("操作审计", "Audit trail"),
    "nav.not_found.title": ("页面不存在", "No such page"),
    "nav.not_found.body": ("地址 {path} 不对应任何页面，可能是链接写错了或页面已改名。",
                           "The address {path} names no page: the link may be mistyped, or the page renamed."),
    "nav.not_found.home": ("前往“{page}”", "Go to “{page}”"),

    "period.last7": ("近7天", "Last 7 days"),
    "period.last30": ("近30天", "Last 30 days"),
    "period.this_month": ("本月", "This month"),
    "period.last_month": ("上月", "Last month"),
    "period.custom": ("自定义", "Custom"),
    "period.range": ("{start} 至 {end}", "{start} to {end}"),
    "period.from": ("开始日期（年-月-日）", "First day (year-month-day)"),
    "period.to": ("结束日期（年-月-日）", "Last day (year-month-day)"),
    "period.placeholder": ("例如 {example}", "e.g. {example}"),
    "period.bad_day": ("“{text}”不是有效的日期，请按 年-月-日 填写，例如 {example}。",
                       "“{text}” is not a valid day: write year-month-day, e.g. {example}."),
    "period.reversed": ("开始日期 {start} 晚于结束日期 {end}。", "The first day {start} is after the last day {end}."),
    "period.future": ("结束日期 {end} 晚于今天（{today}）。", "The last day {end} is after today ({today})."),
    "period.fallback": ("暂按近30天（{start} 至 {end}）统计。", "Counting the last 30 days ({start} to {end}) meanwhile."),

    "store.label": ("数据存储", "Data store"),
    "store.caption": ("数据存储：{url}（{backend}）", "Data store: {url} ({backend})"),
    "store.backend.sqlite": ("内置 SQLite 文件", "embedded SQLite file"),
    "store.backend.postgis": ("PostgreSQL + PostGIS 服务器", "PostgreSQL + PostGIS server"),
    "store.open_failed": ("无法打开数据存储：{url}", "Cannot open the data store: {url}"),
    "store.open_failed_detail": ("原因：{detail}", "Reason: {detail}"),
    "store.open_failed_hint": (
        "请检查环境变量 `GRIDMAP_DB`（例如 `sqlite:///data/gridmap.db` 或 `postgresql://用户@主机:5432/数据库`）以及数据库服务是否已启动。",
        "Check the `GRIDMAP_DB` environment variable (e.g. `sqlite:///data/gridmap.db` or `postgresql://user@host:5432/database`) and that the database server is running.",
    ),
    "store.schema_too_new": (
        "数据存储的结构版本是 {found}，比本程序支持的版本 {supported} 新：它已由更新版本的 gridmap 升级过。",
        "The data store has schema version {found}, newer than this program supports ({supported}): a newer gridmap has upgraded it.",
    ),
    "store.schema_too_new_hint": (
        "请把 gridmap 升级到与数据存储一致的版本（`git pull` 后 `pip install -r requirements.txt`），然后重启应用。不要降级数据存储。",
        "Upgrade gridmap to the version that upgraded the store (`git pull`, then `pip install -r requirements.txt`) and restart the app. Do not downgrade the store.",
    ),
    "store.empty": ("数据存储中还没有任何县的数据。", "The data store holds no county yet."),
    "store.empty_hint": (
        "可运行 `python -m gridmap demo --scale small` 生成演示数据，或在“数据管理”中导入。",
        "Run `python -m gridmap demo --scale small` for demo data, or import data under Data admin.",
    ),
    "store.read_failed": ("读取数据时出错：{detail}", "Reading the data failed: {detail}"),

    "overview.title": ("总览", "Overview"),
    "overview.county": ("当前县（市、区）：{name}（{code}）", "County: {name} ({code})"),
    "overview.as_of": ("数据截至：{as_of}", "Data as of: {as_of}"),
    "overview.as_of_unknown": ("数据截至：未记录", "Data as of: not recorded"),
    "overview.plan_version": ("当前网格方案：第 {version} 版", "Current grid plan: version {version}"),
    "overview.approximate_note": (
        "提示：乡镇（街道）和村（社区）边界为根据公开资料推算的近似范围，并非测绘成果，仅供示意，不作为权属或行政区划依据。",
        "Note: town (street) and village (community) boundaries are approximations derived from public data, not surveyed boundaries. They are for illustration only and carry no legal or administrative weight.",
    ),
    "overview.levels": ("各层级单元数", "Units per level"),
    "overview.layers": ("各图层记录数", "Records per layer"),
    "overview.col.level": ("层级", "Level"),
    "overview.col.layer": ("图层", "Layer"),
    "overview.col.count": ("数量", "Count"),
    "overview.metric.micro": ("微网格", "Micro-grids"),
    "overview.metric.households": ("实有房屋", "Households"),
    "overview.metric.issues": ("事件", "Issues"),
    "overview.metric.stations": ("服务站点", "Stations"),

    "common.none": ("无", "none"),
    "common.unknown": ("未知", "unknown"),
}
