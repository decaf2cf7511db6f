"""The lifecycles of issues and hazards: refused steps, refused reports, history.

Each key is written once: ``key: (Chinese, English)``. Statuses, roles, categories and
departments in ``{placeholders}`` are filled with their labels in the same language.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "layer.inspection_events": ("隐患整改记录", "Hazard history"),
    # -- steps ---------------------------------------------------------------------
    "workflow.thing.issues": ("事件", "issue"),
    "workflow.thing.inspections": ("隐患", "hazard"),
    "workflow.illegal_step": (
        "{thing} {id} 不能从“{from_status}”直接变为“{to_status}”；当前可以变为：{choices}。",
        "The {thing} {id} cannot go from “{from_status}” straight to “{to_status}”; from here it can go to: "
        "{choices}.",
    ),
    "workflow.final_status": (
        "{thing} {id} 已是“{from_status}”（最终状态），不能再变为“{to_status}”。",
        "The {thing} {id} is “{from_status}”, a final status: it cannot become “{to_status}”.",
    ),
    "workflow.already": (
        "{thing} {id} 已经是“{to_status}”，可能刚被别人办理过，无需重复操作。",
        "The {thing} {id} is already “{to_status}”: someone may just have made this step.",
    ),
    "workflow.no_choices": ("（无）", "(none)"),
    "workflow.step_not_permitted": (
        "{role}不能把{thing} {id} 从“{from_status}”变为“{to_status}”；这一步由{who}办理。",
        "The role {role} may not move the {thing} {id} from “{from_status}” to “{to_status}”; this step is for: "
        "{who}.",
    ),
    "workflow.nobody": ("系统", "the system"),
    "workflow.unknown_status": (
        "“{status}”不是{thing}的状态；可选：{choices}。",
        "“{status}” is not a status of a {thing}; choose one of: {choices}.",
    ),
    "workflow.not_found": (
        "找不到{thing} {id}：它不存在、不在您的辖区内，或没有交办给您的部门。",
        "No {thing} {id}: it does not exist, lies outside your jurisdiction, or is not routed to your department.",
    ),
    "workflow.department_only_on_dispatch": (
        "只有派遣时才能指定承办部门（当前这一步是从“{from_status}”到“{to_status}”）。",
        "A department can be given only when dispatching (this step goes from “{from_status}” to "
        "“{to_status}”).",
    ),
    "workflow.dispatch_needs_department": (
        "事件 {id} 还没有承办部门：派遣时请指定部门。",
        "The issue {id} has no department yet: name one to dispatch it to.",
    ),
    "workflow.unknown_department": (
        "“{department}”不是承办部门；可选：{choices}。",
        "“{department}” is not a department; choose one of: {choices}.",
    ),
    "workflow.note_too_long": (
        "说明太长：{n} 个字符，最多 {limit} 个。",
        "The note is too long: {n} characters, at most {limit}.",
    ),
    # -- reports ---------------------------------------------------------------------
    "workflow.unknown_category": (
        "“{category}”不是事件类别；可选：{choices}。",
        "“{category}” is not an issue category; choose one of: {choices}.",
    ),
    "workflow.unknown_channel": (
        "“{channel}”不是上报渠道；可选：{choices}。",
        "“{channel}” is not a reporting channel; choose one of: {choices}.",
    ),
    "workflow.unknown_choice": (
        "{field}“{value}”不在可选范围内；可选：{choices}。",
        "{field} “{value}” is not allowed; choose one of: {choices}.",
    ),
    "workflow.field.channel": ("上报渠道", "Channel"),
    "workflow.field.place_type": ("场所类型", "Place type"),
    "workflow.field.hazard_types": ("隐患类型", "Hazard type"),
    "workflow.field.severity": ("严重程度", "Severity"),
    "workflow.no_hazard_types": ("请至少选择一种隐患类型。", "Choose at least one hazard type."),
    "workflow.bad_position": (
        "位置不对：经度 {lon}、纬度 {lat} 不是有效的坐标（经度 -180 至 180，纬度 -90 至 90）。",
        "Wrong position: longitude {lon}, latitude {lat} is not a valid coordinate (longitude -180 to 180, "
        "latitude -90 to 90).",
    ),
    "workflow.outside_jurisdiction": (
        "该位置（经度 {lon}，纬度 {lat}）{where}，不在您的辖区 {unit} 内，不能在这里上报。",
        "The position (longitude {lon}, latitude {lat}) {where}, outside your jurisdiction {unit}: you cannot "
        "report there.",
    ),
    "workflow.where_unit": ("位于 {code}", "lies in {code}"),
    "workflow.where_outside": ("不在任何网格内", "lies in no grid"),
    "workflow.description_too_long": (
        "描述太长：{n} 个字符，最多 {limit} 个。",
        "The description is too long: {n} characters, at most {limit}.",
    ),
    # -- the raw write path ------------------------------------------------------------
    "workflow.lifecycle_only": (
        "{layer} 的 {columns} 只能通过办理流程变更（gridmap.workflow），不能直接修改。",
        "{layer}.{columns} change only through the lifecycle (gridmap.workflow), never directly.",
    ),
    "workflow.new_row_status": (
        "新的{thing}必须从“{initial}”开始（收到的是“{status}”）；请用 gridmap.workflow 上报。",
        "A new {thing} starts as “{initial}” (got “{status}”); report it through gridmap.workflow.",
    ),
    "workflow.history_note_only": (
        "处置记录只能由办理流程写入状态变更；直接写入的记录只能是当前状态“{status}”下的备注（{thing} {id}）。",
        "History rows that change a status are written by the lifecycle only; a row written directly can only "
        "be a note on the current status “{status}” ({thing} {id}).",
    ),
    "workflow.codes_follow_point": (
        "{layer} 的网格编码由点位在服务器上推算，不能直接修改。",
        "The unit codes of {layer} are derived from the point on the server and cannot be set directly.",
    ),
}
