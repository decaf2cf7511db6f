"""The issue statistics page (pages/issue_stats.py, gridmap.issue_stats)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.issue_stats": ("事件统计", "Issue statistics"),
    "istats.title": ("事件统计", "Issue statistics"),
    "istats.caption": (
        "按单位、部门或上报人统计所选时段内上报的事件：办结率 = 已结案 ÷ 有效上报（不含重复、无效）；"
        "办结时长为上报到结案的中位数；按时办结 = 部门在时限内办结（已办结那一步）的占比；"
        "“未办结”“超期”为此刻的数量（不限上报日期）；日均上报 = 上报数 ÷ 天数。",
        "Issues reported in the period, by unit, department or reporter: closure rate = closed ÷ genuine reports "
        "(not duplicate or invalid); time to close is the median from report to closure; on time = the share "
        "the department resolved within the deadline; open and overdue are counted now (any report date); "
        "reports per day = reports ÷ days.",
    ),
    "istats.by": ("统计方式", "Group by"),
    "istats.by.unit": ("按单位", "By unit"),
    "istats.by.department": ("按部门", "By department"),
    "istats.by.reporter": ("按上报人", "By reporter"),
    "istats.level": ("单位层级", "Unit level"),
    "istats.period": ("上报时段", "Reported in"),
    "istats.computing": ("正在统计……", "Counting ..."),
    "istats.empty": ("所选范围内没有事件。", "No issues in this selection."),
    "istats.total": (
        "合计：上报 {reported} 件，有效 {genuine} 件，已结案 {closed} 件（办结率 {rate}），此刻未办结 {open} 件，"
        "超期 {overdue} 件",
        "Total: {reported} reported, {genuine} genuine, {closed} closed (closure rate {rate}); open now {open}, "
        "overdue {overdue}",
    ),
    "istats.download": ("下载 CSV", "Download CSV"),
    "istats.outside": ("网格外（不在任何微网格内）", "Outside (in no micro-grid)"),
    "istats.no_reporter": ("（未填写上报人）", "(no reporter given)"),
    "istats.col.key": ("代码", "Code"),
    "istats.col.name": ("名称", "Name"),
    "istats.col.reported": ("上报", "Reported"),
    "istats.col.genuine": ("有效上报", "Genuine"),
    "istats.col.closed": ("已结案", "Closed"),
    "istats.col.closure_rate": ("办结率", "Closure rate"),
    "istats.col.median_hours": ("办结时长中位数（小时）", "Median hours to close"),
    "istats.col.on_time": ("按时办结", "Resolved on time"),
    "istats.col.on_time_share": ("按时办结率", "On-time share"),
    "istats.col.open_now": ("此刻未办结", "Open now"),
    "istats.col.overdue_now": ("此刻超期", "Overdue now"),
    "istats.col.per_day": ("日均上报", "Reports per day"),
}

