"""The command map: its page, KPIs and map measures.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "command.title": ("指挥一张图", "Command map"),
    "command.filters": ("筛选条件", "Filters"),
    "command.dates": ("统计区间", "Date range"),
    "command.categories": ("事件类别", "Issue categories"),
    "command.issue_statuses": ("事件状态", "Issue statuses"),
    "command.hazard_types": ("隐患类型", "Hazard types"),
    "command.hazard_statuses": ("隐患状态", "Hazard statuses"),
    "command.station_types": ("站点类型", "Station types"),
    "command.all": ("全部（不筛选）", "All (no filter)"),
    "command.as_of": ("数据截至 {as_of}", "Data as of {as_of}"),
    "command.live": (
        "实时刷新：每 {seconds} 秒 · 上次刷新 {time} · 本次新增 {n} 条（地图上以蓝色虚线圈标出）",
        "Live: every {seconds} s · last refresh {time} · new this tick: {n} (blue dashed rings on the map)",
    ),
    "command.click_hint": (
        "点击地图上的单元即可下钻；点上方路径中的单元可返回上级。",
        "Click a unit on the map to drill down; click a unit in the path above to go back up.",
    ),
    "command.ranking": ("下级单元排名：{measure}", "Units below, ranked: {measure}"),
    "command.ranking_note": (
        "共 {n} 个单元，最需关注的排在最前（办结率、零报告率等越低越靠前）；无数据的排在最后。",
        "{n} units, those needing attention first (the lowest closure or zero-report rate first); "
        "units without data last.",
    ),
    "command.ranking_selected": ("▶", "▶"),
    "command.col.rank": ("名次", "Rank"),
    "command.col.unit": ("单元", "Unit"),
    "command.col.value": ("数值", "Value"),
    "command.sent": (
        "本视图发送到浏览器：{units} 个单元、{issues} 个事件、{hazards} 处隐患、{stations} 个站点",
        "Sent to the browser for this view: units {units}, issues {issues}, hazards {hazards}, stations {stations}",
    ),
    "command.no_data": ("您的辖区内还没有网格数据。", "Your jurisdiction holds no grid data yet."),
    "command.map_error": ("地图无法显示：{detail}", "The map cannot be shown: {detail}"),

    "kpi.range": ("统计区间：{date_from} 至 {date_to}", "Date range: {date_from} to {date_to}"),
    "kpi.open_issues": ("未办结事件", "Open issues"),
    "kpi.open_issues.help": (
        "尚未关闭的事件（不含重复、无效），不限统计区间。",
        "Issues not yet closed (duplicates and invalid reports left out), whatever the date range.",
    ),
    "kpi.overdue_issues": ("超期事件", "Overdue issues"),
    "kpi.overdue_issues.help": (
        "尚未处置完成且已过办理时限的事件，不限统计区间。",
        "Issues not yet resolved whose deadline has passed, whatever the date range.",
    ),
    "kpi.closed_today": ("今日办结", "Closed today"),
    "kpi.closed_today.help": (
        "今天 0 时至数据截止时刻关闭的事件。",
        "Issues closed between midnight and the data's as-of time.",
    ),
    "kpi.reported": ("区间上报事件", "Issues reported"),
    "kpi.reported.help": (
        "统计区间内上报的事件（不含重复、无效）。",
        "Issues reported in the date range (duplicates and invalid reports left out).",
    ),
    "kpi.closure_rate": ("办结率", "Closure rate"),
    "kpi.closure_rate.help": (
        "统计区间内上报的事件（不含重复、无效）中，截至目前已关闭的比例。",
        "Of the issues reported in the date range (duplicates and invalid reports left out), the share closed by now.",
    ),
    "kpi.hazards_found": ("发现隐患", "Hazards found"),
    "kpi.hazards_found.help": ("统计区间内发现的安全隐患。", "Safety hazards found in the date range."),
    "kpi.hazards_rectified": ("整改隐患", "Hazards rectified"),
    "kpi.hazards_rectified.help": (
        "统计区间内完成整改（已整改或已复核）的隐患，包括区间开始前发现的，所以可能多于“发现隐患”。",
        "Hazards rectified (rectified or verified) in the date range, including ones found before it, so it can exceed hazards found.",
    ),
    "kpi.rectified_exceeds_found": (
        "整改 {rectified} 条多于发现 {found} 条：区间内整改的隐患有的是区间开始前发现的",
        "{rectified} rectified against {found} found: some hazards rectified in the range were found before it",
    ),
    "kpi.hazards_open": ("待整改隐患", "Open hazards"),
    "kpi.hazards_open.help": (
        "已发现、整改中或已超期的隐患，不限统计区间。",
        "Hazards found, being rectified or overdue, whatever the date range.",
    ),
    "kpi.hazards_overdue": ("超期隐患", "Overdue hazards"),
    "kpi.hazards_overdue.help": (
        "待整改且已过整改时限的隐患，不限统计区间。",
        "Open hazards past their rectification deadline, whatever the date range.",
    ),
    "kpi.zero_report_rate": ("今日零报告率", "Zero-reports today"),
    "kpi.zero_report_rate.help": (
        "今天已提交每日零报告的微网格占全部微网格的比例。",
        "The share of micro-grids that have filed today's daily zero-report.",
    ),
    "kpi.households": ("覆盖户数", "Households covered"),
    "kpi.households.help": ("本单元登记的户数。", "Households registered in this unit."),
    "kpi.residents": ("覆盖人口", "Residents covered"),
    "kpi.residents.help": ("本单元登记的常住人口。", "Residents registered in this unit."),
    "kpi.stations": ("服务站点", "Service stations"),
    "kpi.stations.help": ("今天在运行的所选类型服务站点。", "Service stations of the selected types open today."),

    "measure.label": ("地图着色", "Colour the map by"),
    "measure.risk": ("三色风险", "Risk colour"),
    "measure.open_issues": ("未办结事件数", "Open issues"),
    "measure.overdue_issues": ("超期事件数", "Overdue issues"),
    "measure.closure_rate": ("办结率", "Closure rate"),
    "measure.hazards_per_100": ("每百户隐患数", "Hazards per 100 households"),
    "measure.zero_report": ("今日零报告率", "Zero-reports today"),
    "measure.collection": ("一标三实采集率", "Household information collected"),
    "measure.no_data": ("无数据", "No data"),
}
