"""Open311 GeoReport v2 import and export (gridmap.io.open311): problems, the report, names."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "open311.service_description": (
        "由{department}办理，时限 {hours} 小时", "handled by {department}, due within {hours} hours",
    ),
    "open311.address_outside": ("{county}（不在任何微网格内）", "{county} (in no micro-grid)"),
    "open311.note.format": (
        "文件为 Open311 GeoReport v2 服务请求 JSON，已作为事件导入",
        "The file is Open311 GeoReport v2 service requests JSON, imported as issues",
    ),
    # ------------------------------------------------------------------- the report
    "open311.report.kind": ("{kind} {n} 条", "{kind}: {n}"),
    "open311.report.statuses": (
        "Open311 状态：{kinds}；写入的事件状态：{statuses}",
        "Open311 status: {kinds}; issues written by status: {statuses}",
    ),
    "open311.report.unknown": (
        "未知的服务代码（service_code）{n} 条，均已保留并归入“{category}”：{codes}",
        "{n} record(s) with an unknown service code, all kept and filed under \"{category}\": {codes}",
    ),
    "open311.report.no_unknown": ("未知的服务代码：0 条", "Unknown service codes: 0"),
    "open311.report.outside": (
        "不在任何微网格内的点位：{n} 条（已保留并标记为“网格外”）",
        "Points in no micro-grid: {n} (kept and flagged outside)",
    ),
    "open311.report.history": ("写入流转记录 {n} 条", "History rows written: {n}"),
    "open311.report.media": (
        "{n} 条记录附有媒体链接（media_url）：已记入各事件第一条处置记录的备注，未下载（离线运行）",
        "{n} record(s) had a media_url: kept in each issue's first history note, not downloaded (the app "
        "works offline)",
    ),
    "open311.report.naive": (
        "{n} 个时间未注明时区，已按北京时间读取",
        "{n} time(s) had no time zone and were read as Beijing time",
    ),
    # ------------------------------------------------------------------- refusals
    "open311.append_only": (
        "{name} 是 Open311 服务请求：只能追加导入（不能替换已有事件）",
        "{name} holds Open311 service requests: they can only be appended (not replace the stored issues)",
    ),
    "open311.not_utf8": (
        "{name} 不是 UTF-8 编码（第 {at} 个字节起）；Open311 要求 UTF-8",
        "{name} is not UTF-8 (from byte {at}); Open311 requires UTF-8",
    ),
    "open311.services_not_requests": (
        "{name} 是 Open311 服务类型列表（services），其中没有事件；请导入服务请求（requests）文件",
        "{name} is an Open311 service list (services) and holds no issues; import a service requests file",
    ),
    "open311.not_requests": (
        "{name} 不是 Open311 服务请求列表：{what}",
        "{name} is not a list of Open311 service requests: {what}",
    ),
    "open311.geojson": ("这是 GeoJSON", "this is GeoJSON"),
    "open311.not_object": ("记录应为 JSON 对象，实为{type}", "the record should be a JSON object, it is {type}"),
    "open311.missing": ("缺少必填字段 {name}", "the required field {name} is missing"),
    "open311.wrong_type": (
        "值 {value} 是{type}，应为{expected}", "the value {value} is {type}, expected {expected}",
    ),
    "open311.bad_id": (
        "service_request_id {value} 不可用：须为 1 至 {limit} 个可见字符",
        "service_request_id {value} cannot be used: it must be 1 to {limit} visible characters",
    ),
    "open311.bad_status": (
        "状态 {value} 不是 Open311 的 open 或 closed", "the status {value} is not Open311's open or closed",
    ),
    "open311.bad_choice": ("值 {value} 不在可选值中：{choices}", "the value {value} is not one of: {choices}"),
    "open311.status_disagrees": (
        "扩展状态 {status} 与 Open311 状态 {kind} 不一致（办结类状态应为 closed，其余为 open）",
        "the extended status {status} disagrees with the Open311 status {kind} (final statuses are closed, "
        "the others open)",
    ),
    "open311.unknown_service": (
        "服务代码 {value} 不对应任何事件类别（{choices}）；可用 --service 代码=类别 指定，"
        "或用 --unknown-category 类别 把未知代码归入一个类别",
        "the service code {value} matches no issue category ({choices}); map it with --service CODE=CATEGORY, "
        "or file unknown codes under one category with --unknown-category CATEGORY",
    ),
    "open311.map_unknown_category": (
        "服务代码 {code} 要归入的类别 {category} 不存在；可选：{choices}",
        "the category {category} given for service code {code} does not exist; choose from: {choices}",
    ),
    "open311.not_number": ("值 {value}（{type}）不是数字", "the value {value} ({type}) is not a number"),
    "open311.outside_china": (
        "位置（纬度 {lat}，经度 {lon}）不在中国境内：是否写反了经纬度，或坐标不是 WGS84？",
        "the position (lat {lat}, long {lon}) is not in China: are latitude and longitude swapped, "
        "or not WGS84?",
    ),
    "open311.bad_datetime": (
        "时间 {value} 无法识别；应为 W3C 格式，如 2026-11-05T08:15:30+08:00",
        "the time {value} cannot be read; expected the W3C format, e.g. 2026-11-05T08:15:30+08:00",
    ),
    "open311.future": ("上报时间 {value} 在未来", "the request time {value} lies in the future"),
    "open311.updated_before": (
        "更新时间 {updated} 早于上报时间 {requested}", "the update time {updated} is before the request time {requested}",
    ),
    "open311.too_long": ("文字有 {n} 个字符，超过上限 {limit}", "the text has {n} characters, above the limit of {limit}"),
    "open311.duplicate_id": (
        "service_request_id 与第 {other} 条记录重复", "the service_request_id repeats that of record {other}",
    ),
    "open311.id_exists": (
        "该 service_request_id 的事件已存在（文件已导入过？）",
        "an issue with this service_request_id exists already (was the file imported before?)",
    ),
    "open311.type.id": ("文字或整数", "text or a whole number"),
    "open311.type.object": ("JSON 对象", "a JSON object"),
    "open311.type.datetime": ("时间文字", "a time as text"),
    "open311.type.text": ("文字", "text"),
    "open311.type.null": ("空值 null", "null"),
    "open311.type.bool": ("true/false", "true/false"),
    "open311.type.number": ("数字", "a number"),
    "open311.type.list": ("数组（列表）", "an array (a list)"),
    "open311.type.other": ("其他类型", "another type"),
}
