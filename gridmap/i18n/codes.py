"""Labels of the domain codes (gridmap.domain): levels, statuses, types, categories, layers.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "level.county": ("县", "County"),
    "level.town": ("乡镇(街道)", "Town (street)"),
    "level.village": ("村(社区)", "Village (community)"),
    "level.grid": ("网格", "Grid"),
    "level.micro": ("微网格", "Micro-grid"),

    "risk.orange": ("橙", "Orange"),
    "risk.blue": ("蓝", "Blue"),
    "risk.cyan": ("青", "Cyan"),

    "risk_meaning.orange": ("重点关注", "high attention"),
    "risk_meaning.blue": ("一般关注", "ordinary attention"),
    "risk_meaning.cyan": ("平稳", "stable"),

    "station.party_l2": ("二级网格党群服务站", "Grid party-and-public service station"),
    "station.party_l3": ("三级服务点", "Third-level service point"),
    "station.happiness": ("幸福小站", "Happiness station"),
    "station.exam_help": ("助考小站", "Exam-help station"),
    "station.police_post": ("警务站", "Police post"),
    "station.governance_centre": ("综治中心", "Comprehensive governance centre"),
    "station.neighbourhood_centre": ("邻里中心", "Neighbourhood centre"),

    "hazard.ebike_indoor": ("电动车室内停放", "E-bike parked indoors"),
    "hazard.ebike_indoor_charging": ("电动车室内充电", "E-bike charged indoors"),
    "hazard.flying_wire": ("飞线充电", "Flying-wire charging"),
    "hazard.blocked_escape": ("消防通道堵塞", "Blocked fire escape"),
    "hazard.blocked_exit": ("安全出口堵塞", "Blocked safety exit"),
    "hazard.ground_floor_clutter": ("架空层堆放杂物", "Clutter in open ground floor"),
    "hazard.modified_ebike": ("非法改装电动车", "Illegally modified e-bike"),
    "hazard.rental_fire": ("出租房消防隐患", "Rental-housing fire hazard"),
    "hazard.gas": ("燃气使用隐患", "Unsafe gas use"),

    "place.residential": ("居民住宅", "Residence"),
    "place.rental": ("出租房", "Rental housing"),
    "place.shop": ("沿街店铺", "Street-front shop"),
    "place.small_venue": ("三小场所", "Small venue (shop, restaurant, workshop)"),
    "place.workshop": ("小作坊/厂房", "Workshop / factory"),
    "place.ground_floor": ("架空层", "Open ground floor"),
    "place.public": ("公共场所", "Public place"),

    "severity.low": ("一般", "Low"),
    "severity.medium": ("较大", "Medium"),
    "severity.high": ("重大", "High"),

    "hazard_status.found": ("已发现", "Found"),
    "hazard_status.rectifying": ("整改中", "Being rectified"),
    "hazard_status.rectified": ("已整改", "Rectified"),
    "hazard_status.verified": ("已复核", "Verified"),
    "hazard_status.overdue": ("已超期", "Overdue"),

    "issue_status.reported": ("已上报", "Reported"),
    "issue_status.accepted": ("已受理", "Accepted"),
    "issue_status.dispatched": ("已派遣", "Dispatched"),
    "issue_status.in_progress": ("处置中", "In progress"),
    "issue_status.resolved": ("已处置", "Resolved"),
    "issue_status.verified": ("已核查", "Verified"),
    "issue_status.closed": ("已关闭", "Closed"),
    "issue_status.returned": ("已退回", "Returned"),
    "issue_status.duplicate": ("重复", "Duplicate"),
    "issue_status.invalid": ("无效", "Invalid"),

    "category.sanitation": ("环境卫生", "Sanitation"),
    "category.municipal": ("市政设施", "Municipal facilities"),
    "category.traffic": ("道路交通", "Roads and traffic"),
    "category.fire_safety": ("消防安全", "Fire safety"),
    "category.dispute": ("矛盾纠纷", "Disputes"),
    "category.illegal_building": ("违章建筑", "Illegal building"),
    "category.public_order": ("治安问题", "Public order"),
    "category.livelihood": ("民生服务", "Livelihood services"),
    "category.pollution": ("生态环境", "Environment and pollution"),

    "department.civil_affairs": ("民政局", "Civil Affairs Bureau"),
    "department.ecology": ("生态环境分局", "Ecology and Environment Branch"),
    "department.emergency": ("应急管理局", "Emergency Management Bureau"),
    "department.enforcement": ("综合行政执法局", "Comprehensive Law Enforcement Bureau"),
    "department.housing": ("住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    "department.justice": ("司法局", "Justice Bureau"),
    "department.police": ("公安局", "Public Security Bureau"),
    "department.traffic_police": ("公安交警大队", "Traffic Police Brigade"),

    "channel.citizen_photo": ("随手拍", "Citizen photo report"),
    "channel.grid_patrol": ("网格员巡查", "Grid worker patrol"),
    "channel.hotline": ("12345热线", "12345 hotline"),
    "channel.deputy": ("人大代表", "People's deputy"),
    "channel.department": ("部门移交", "Department referral"),

    "layer.units": ("区划与网格", "Units and grids"),
    "layer.households": ("实有房屋", "Households"),
    "layer.stations": ("服务站点", "Service stations"),
    "layer.inspections": ("隐患排查", "Hazard inspections"),
    "layer.issues": ("事件", "Issues"),
    "layer.issue_events": ("事件流转记录", "Issue history"),
    "layer.zero_reports": ("零报告", "Zero reports"),
    "layer.planted_hotspots": ("演示数据预设热点", "Demo planted hotspots"),
    "layer.users": ("用户账号", "User accounts"),
    "layer.sign_in_throttle": ("登录失败计数", "Sign-in failure counts"),
}
