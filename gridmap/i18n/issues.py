"""The closed loop of issue reports (issue 12): report, issue page, work queues, my
reports, the daily zero-report and the routing table.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "layer.routing_tables": ("分派规则与时限", "Routing table"),
    "op.edit_routing": ("维护分派规则与办理时限", "edit the routing table and deadlines"),
    # -- navigation ----------------------------------------------------------------
    "nav.report": ("随手拍上报", "Report an issue"),
    "nav.queue": ("待办事件", "Work queue"),
    "nav.issue": ("事件详情", "Issue"),
    "nav.my_reports": ("我的上报", "My reports"),
    "nav.zero_report": ("每日零报告", "Daily zero-report"),
    "nav.routing": ("分派规则", "Routing rules"),
    # -- library refusals ------------------------------------------------------------
    "workflow.link_only_on": (
        "只有变为“{allowed}”时才能关联另一事件，“{to_status}”不行。",
        "Another issue can be linked only when marking it “{allowed}”, not “{to_status}”.",
    ),
    "workflow.link_to_itself": ("事件 {id} 不能标记为它自己的重复。", "The issue {id} cannot be a duplicate of itself."),
    "workflow.duplicate_by_reporter": ("上报人确认与事件 {id} 重复", "The reporter marked it a duplicate of {id}"),
    "workflow.reporter_too_long": (
        "上报人姓名有 {n} 个字，最多 {limit} 个字。",
        "The reporter's name has {n} characters; at most {limit} are allowed.",
    ),
    "workflow.escalated_note": ("超期未办结，已提请指挥中心督办", "Overdue: escalated to the command centre"),
    "routing.bad_unit": (
        "“{unit}”不是区划或网格编码（12、14 或 17 位数字）。",
        "“{unit}” is not a unit code (12, 14 or 17 digits).",
    ),
    "routing.twice": (
        "类别“{category}”在 {unit} 有两条规则，只能保留一条。",
        "The category “{category}” has two rules for {unit}; keep one.",
    ),
    "routing.county_rule_missing": (
        "这些类别缺少全县通用的分派规则（不填区划的一条）：{categories}。",
        "These categories lack a county-wide rule (one without a unit): {categories}.",
    ),
    "routing.bad_hours": (
        "类别“{category}”的办理时限“{hours}”不对：应为 1 到 {limit} 之间的整数小时。",
        "The deadline “{hours}” of “{category}” is wrong: a whole number of hours from 1 to {limit}.",
    ),
    "zero.not_your_micro": (
        "“{code}”不是您负责范围（{unit}）内现行方案的微网格。",
        "“{code}” is not a micro-grid of the current plan in your jurisdiction ({unit}).",
    ),
    "zero.already": (
        "{name} 今天（{day}）已于 {time} 由 {reporter} 报告过，无需重复提交。",
        "{name} has already reported today ({day}), at {time} by {reporter}: nothing to submit again.",
    ),
}
