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
    "nav.command_map": "指挥一张图",
    # -- command map page -------------------------------------------------------------
    "command.title": "指挥一张图",
    "command.filters": "筛选条件",
    "command.dates": "统计区间",
    "command.categories": "事件类别",
    "command.issue_statuses": "事件状态",
    "command.hazard_types": "隐患类型",
    "command.hazard_statuses": "隐患状态",
    "command.station_types": "站点类型",
    "command.all": "全部（不筛选）",
    "command.as_of": "数据截至 {as_of}",
    "command.live": "实时刷新：每 {seconds} 秒 · 上次刷新 {time} · 本次新增 {n} 条（地图上以红圈标出）",
    "command.click_hint": "点击地图上的单元即可下钻；点上方路径中的单元可返回上级。",
    "command.ranking": "下级单元排名：{measure}",
    "command.col.unit": "单元",
    "command.col.value": "数值",
    "command.sent": "本视图发送到浏览器：{units} 个单元、{issues} 个事件、{hazards} 处隐患、{stations} 个站点",
    "command.no_data": "您的辖区内还没有网格数据。",
    "command.map_error": "地图无法显示：{detail}",
    "map.layer.new": "刚刚新增",
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
    # -- uploads (gridmap.uploads) ---------------------------------------------------
    "upload.empty": "文件 {name} 是空的（0 字节），请重新选择文件。",
    "upload.too_large": "文件 {name} 大小为 {size}，超过上限 {limit}，请压缩或拆分后再上传。",
    "upload.markup": "文件 {name} 的内容是 {found}（网页或标记文件），其中可以嵌入脚本，不予接收。",
    "upload.unknown_content": "无法识别文件 {name} 的内容类型，不予接收。",
    "upload.not_image": "文件 {name} 不是支持的图片：需要 JPEG、PNG 或 WebP，而文件内容是 {found}。",
    "upload.not_data": "文件 {name} 不是支持的数据文件：需要 GeoPackage、GeoJSON、Shapefile 的 zip 压缩包或 CSV，而文件内容是 {found}。",
    "upload.name_mismatch": "文件 {name} 的内容是 {found}，与文件名后缀 {suffix} 不符；请确认选择了正确的文件，或将后缀改为 {right} 后重新上传。",
    "upload.note.renamed": "文件 {name} 的内容是 {found}，已按 {right} 文件接收（原后缀 {suffix}）。",
    "upload.shapefile_alone": "Shapefile {name} 不能单独上传：请把 .shp、.shx、.dbf、.prj（及 .cpg）一起打包成 zip 后上传。",
    "upload.not_geopackage": "文件 {name} 是 SQLite 数据库，但不是 GeoPackage（缺少 GeoPackage 标识）。",
    "upload.text_encoding": "无法识别 {name} 的文字编码（既不是 UTF-8 也不是 GB18030），请另存为 UTF-8 后再上传。",
    "upload.too_many_pixels": "图片 {name} 为 {width}×{height} 像素（约 {megapixels} 百万像素），超过上限 {limit} 百万像素（疑似“解压炸弹”），请缩小后再上传。",
    "upload.image_unreadable": "无法读取图片 {name}（文件损坏或不完整）：{detail}",
    "upload.bad_archive": "压缩包 {name} 被拒绝：{detail}",
    "upload.archive_no_data": "压缩包 {name} 中没有可导入的数据文件（.shp、.gpkg、.geojson 或 .csv）。",
    "upload.archive_member_markup": "压缩包 {name} 中的 {member} 实际是 {found}（网页或标记文件），不予接收。",
    "upload.archive_member_mismatch": "压缩包 {name} 中的 {member} 内容是 {found}，与后缀不符（应为 {expected}）。",
    "upload.geojson_not_utf8": "压缩包 {name} 中的 GeoJSON 文件 {member} 不是 UTF-8 编码，请另存为 UTF-8 后重新打包。",
    "upload.bad_geojson": "文件 {name} 不是有效的 GeoJSON：{detail}",
    "upload.note.metadata_removed": "已去除照片中的全部元数据（拍摄位置、设备信息等），只保存画面本身。",
    "upload.note.colour_converted": "照片的色彩已转换为标准 sRGB。",
    "upload.note.gps_found": "照片记录了拍摄位置：纬度 {lat}，经度 {lon}（WGS84），可选择用作位置。",
    "upload.note.transcoded": "GeoJSON 文件是 GB18030（GBK）编码，已转换为 UTF-8。",
    "upload.note.gb18030": "CSV 文件不是 UTF-8 编码，将按 GB18030（GBK）读取。",
    "upload.use_photo_location": "使用照片中的拍摄位置",
    # -- configuration check (gridmap.config, python -m gridmap check-config) -------
    "check.title": "配置安全检查",
    "check.summary": "错误 {errors} 项，警告 {warnings} 项，提示 {infos} 项",
    "check.none": "未发现问题。",
    "check.message": "{problem} 处理：{fix}",
    "check.label.problem": "问题",
    "check.label.fix": "处理",
    "check.label.source": "来源",
    "check.source.default": "默认值",
    "check.severity.error": "错误",
    "check.severity.warning": "警告",
    "check.severity.info": "提示",
    "check.demo_passwords.problem": "以下演示账号仍在使用 README 中公开的演示密码：{users}，任何人都能用它们登录。",
    "check.demo_passwords.fix": "为这些账号设置新密码（`python -m gridmap users set-password 用户名`，或由系统管理员在用户管理中修改），或停用它们（`python -m gridmap users disable 用户名`）。",
    "check.demo_unchecked.problem": "无法检查演示账号的密码：{detail}",
    "check.demo_unchecked.fix": "确认 GRIDMAP_DB（或 --db）指向正在使用的数据库，并且可以连接。",
    "check.store_missing.problem": "数据库文件 {path} 不存在，未检查演示账号。",
    "check.store_missing.fix": "用 --db 指定系统实际使用的数据库后重新检查。",
    "check.not_production.problem": "GRIDMAP_ENV 不是 production：启动时不会拒绝不安全的设置，登录页还会提示演示账号。",
    "check.not_production.fix": "正式部署时设置环境变量 GRIDMAP_ENV=production。",
    "check.streamlit_config_unreadable.problem": "无法解析 Streamlit 配置文件 {path}：{detail}",
    "check.streamlit_config_unreadable.fix": "修正该文件的 TOML 语法；文件有误时 Streamlit 无法启动。",
    "check.development_mode.problem": "Streamlit 开发模式已开启（global.developmentMode）：该模式供 Streamlit 自身开发使用，不适合对外服务。",
    "check.development_mode.fix": "在 .streamlit/config.toml 的 [global] 中删除 developmentMode 或设为 false，并删除环境变量 STREAMLIT_GLOBAL_DEVELOPMENT_MODE。",
    "check.error_details.problem": "出错时浏览器会显示异常信息和 Python 调用栈（client.showErrorDetails = {value}），可能暴露文件路径、SQL 语句和数据。",
    "check.error_details.fix": "在 .streamlit/config.toml 的 [client] 中设置 showErrorDetails = \"none\"（注意：false 相当于 \"stacktrace\"，仍会显示调用栈）；详细错误只写入服务器日志。",
    "check.error_types.problem": "出错时浏览器会显示异常类型（client.showErrorDetails = \"type\"），会透露所用的组件。",
    "check.error_types.fix": "在 .streamlit/config.toml 的 [client] 中设置 showErrorDetails = \"none\"。",
    "check.xsrf_off.problem": "XSRF 防护已关闭（server.enableXsrfProtection = false）：其他网站可以借已登录用户的浏览器向本系统提交请求（例如上传文件）。",
    "check.xsrf_off.fix": "删除该设置或设为 true（默认值）。",
    "check.cors_off.problem": "CORS 保护已关闭（server.enableCORS = false）：任何来源的网页都可以跨域访问本系统（仅在 XSRF 防护开启时会被 Streamlit 强制恢复）。",
    "check.cors_off.fix": "删除该设置或设为 true（默认值）；确需跨域访问时，用 server.corsAllowedOrigins 列出允许的来源。",
    "check.usage_stats.problem": "Streamlit 会把使用统计发送到互联网（browser.gatherUsageStats 未设为 false），内网环境中还会因此产生对外连接。",
    "check.usage_stats.fix": "在 .streamlit/config.toml 的 [browser] 中设置 gatherUsageStats = false。",
    "check.upload_limit.problem": "Streamlit 允许上传的文件大小（server.maxUploadSize）超过 gridmap 的数据文件上限 {limit} MB：超大文件会先整个读入内存，然后才被拒绝。",
    "check.upload_limit.fix": "在 .streamlit/config.toml 的 [server] 中设置 maxUploadSize = {limit}（或更小）。",
    "check.tls_proxy.problem": "Streamlit 本身不加密（未设置 server.sslCertFile）：除非前面有反向代理负责 HTTPS，密码和数据将以明文在网络上传输。",
    "check.tls_proxy.fix": "用 nginx 等反向代理终止 TLS：listen 443 ssl，proxy_pass http://127.0.0.1:8501，并转发 WebSocket（proxy_http_version 1.1，设置 Upgrade 和 Connection 请求头）；在 [server] 中设置 address = \"127.0.0.1\"，使用户只能经代理访问。",
    "check.tls_builtin.problem": "使用了 Streamlit 内置的 HTTPS（server.sslCertFile）：Streamlit 文档说明该功能未经安全审计，不应用于生产环境。",
    "check.tls_builtin.fix": "改由 nginx 等反向代理终止 TLS（proxy_pass http://127.0.0.1:8501，转发 WebSocket），然后删除 sslCertFile 和 sslKeyFile，并设置 address = \"127.0.0.1\"。",
    "check.static_files.problem": "static/ 目录中有不属于前端库的文件（{count} 个：{files}）：开启 server.enableStaticServing 后，任何人无需登录即可从 /app/static/ 下载它们。",
    "check.static_files.fix": "把这些文件移出 static/（不要使用符号链接），只保留 `make assets` 安装到 static/vendor/ 的 Leaflet 等前端文件。",
    "check.db_default_password.problem": "数据库连接串（GRIDMAP_DB）中用户 {user} 使用的是常见的默认密码。",
    "check.db_default_password.fix": "在 PostgreSQL 中为该用户设置强密码（ALTER ROLE … PASSWORD …），并改用 ~/.pgpass 提供密码。",
    "check.db_password_in_url.problem": "数据库密码直接写在连接串（GRIDMAP_DB）中，能查看进程环境变量的人都能看到。",
    "check.db_password_in_url.fix": "从连接串中去掉密码，改用运行账号主目录下权限为 600 的 ~/.pgpass 文件（或用 PGPASSFILE 指定）。",
    "check.sqlite_world_readable.problem": "SQLite 数据库文件对本机所有用户开放（{files}），其中包括房屋、住户和事件上报人的个人信息。",
    "check.sqlite_world_readable.fix": "执行 chmod 600（所在目录 chmod 700），并让服务以 umask 077 运行；SQLite 新建的 -wal、-shm 文件沿用数据库文件的权限。",
    "check.idle_too_long.problem": "用户空闲 {minutes} 分钟后才自动退出登录（GRIDMAP_SESSION_IDLE_MINUTES），超过 {max} 分钟的上限：无人看管的电脑会长时间保持登录。",
    "check.idle_too_long.fix": "把 GRIDMAP_SESSION_IDLE_MINUTES 设为 {max} 以内，建议使用默认值 30。",
    "check.idle_invalid.problem": "GRIDMAP_SESSION_IDLE_MINUTES = {value} 不是正整数，系统改用默认值 {default} 分钟。",
    "check.idle_invalid.fix": "将其设为分钟数（例如 30），或删除该变量。",
    "check.setting_invalid.problem": "{variable} = {value} 不是正整数，系统改用默认值 {default}。",
    "check.setting_invalid.fix": "将 {variable} 设为正整数（单位 MB），或删除该变量。",
    "check.tile_key_unused.problem": "设置了天地图密钥（GRIDMAP_TIANDITU_KEY），但底图来源（GRIDMAP_TILES）是 {tiles}，密钥不会被使用。",
    "check.tile_key_unused.fix": "不用天地图时删除该变量；要用天地图时设置 GRIDMAP_TILES=tianditu 或 tianditu_img。",
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
    "nav.command_map": "Command map",
    # -- command map page -------------------------------------------------------------
    "command.title": "Command map",
    "command.filters": "Filters",
    "command.dates": "Date range",
    "command.categories": "Issue categories",
    "command.issue_statuses": "Issue statuses",
    "command.hazard_types": "Hazard types",
    "command.hazard_statuses": "Hazard statuses",
    "command.station_types": "Station types",
    "command.all": "All (no filter)",
    "command.as_of": "Data as of {as_of}",
    "command.live": "Live: every {seconds} s · last refresh {time} · {n} new this tick (ringed in red on the map)",
    "command.click_hint": "Click a unit on the map to drill down; click a unit in the path above to go back up.",
    "command.ranking": "Units below, ranked: {measure}",
    "command.col.unit": "Unit",
    "command.col.value": "Value",
    "command.sent": "Sent to the browser for this view: {units} units, {issues} issues, {hazards} hazards, {stations} stations",
    "command.no_data": "Your jurisdiction holds no grid data yet.",
    "command.map_error": "The map cannot be shown: {detail}",
    "map.layer.new": "Just arrived",
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
    # -- uploads (gridmap.uploads) ---------------------------------------------------
    "upload.empty": "The file {name} is empty (0 bytes); choose the file again.",
    "upload.too_large": "The file {name} is {size}, above the limit of {limit}; compress or split it and upload again.",
    "upload.markup": "The file {name} is {found} (a web page or markup file), which can carry scripts; it was refused.",
    "upload.unknown_content": "The content of the file {name} is of an unknown type; it was refused.",
    "upload.not_image": "The file {name} is not a supported picture: JPEG, PNG or WebP expected, but its content is {found}.",
    "upload.not_data": "The file {name} is not a supported data file: GeoPackage, GeoJSON, a zipped Shapefile or CSV expected, but its content is {found}.",
    "upload.name_mismatch": "The file {name} contains {found}, which does not match its suffix {suffix}; check that you chose the right file, or rename it to {right} and upload it again.",
    "upload.note.renamed": "The file {name} contains {found}; it was accepted as a {right} file (its suffix was {suffix}).",
    "upload.shapefile_alone": "The Shapefile {name} cannot be uploaded on its own: zip the .shp, .shx, .dbf and .prj files (and .cpg) together and upload the zip.",
    "upload.not_geopackage": "The file {name} is an SQLite database but not a GeoPackage (it lacks the GeoPackage id).",
    "upload.text_encoding": "The text encoding of {name} is not recognised (neither UTF-8 nor GB18030); save it as UTF-8 and upload it again.",
    "upload.too_many_pixels": "The picture {name} is {width}×{height} pixels (about {megapixels} megapixels), above the limit of {limit} megapixels (a possible decompression bomb); make it smaller and upload it again.",
    "upload.image_unreadable": "The picture {name} cannot be read (damaged or incomplete): {detail}",
    "upload.bad_archive": "The zip archive {name} was refused: {detail}",
    "upload.archive_no_data": "The zip archive {name} holds no data file to import (.shp, .gpkg, .geojson or .csv).",
    "upload.archive_member_markup": "{member} in the zip archive {name} is really {found} (a web page or markup file); it was refused.",
    "upload.archive_member_mismatch": "{member} in the zip archive {name} contains {found}, which does not match its suffix ({expected} expected).",
    "upload.geojson_not_utf8": "The GeoJSON file {member} in the zip archive {name} is not UTF-8; save it as UTF-8 and zip it again.",
    "upload.bad_geojson": "The file {name} is not valid GeoJSON: {detail}",
    "upload.note.metadata_removed": "All metadata (location, camera details and the like) was removed from the photo; only the picture is kept.",
    "upload.note.colour_converted": "The photo's colours were converted to standard sRGB.",
    "upload.note.gps_found": "The photo records where it was taken: latitude {lat}, longitude {lon} (WGS84); you can use it as the location.",
    "upload.note.transcoded": "The GeoJSON file was encoded in GB18030 (GBK); it was converted to UTF-8.",
    "upload.note.gb18030": "The CSV file is not UTF-8; it will be read as GB18030 (GBK).",
    "upload.use_photo_location": "Use the location stored in the photo",
    # -- configuration check (gridmap.config, python -m gridmap check-config) -------
    "check.title": "Configuration security check",
    "check.summary": "errors: {errors}, warnings: {warnings}, notes: {infos}",
    "check.none": "No problems found.",
    "check.message": "{problem} Fix: {fix}",
    "check.label.problem": "Problem",
    "check.label.fix": "Fix",
    "check.label.source": "set in",
    "check.source.default": "default",
    "check.severity.error": "error",
    "check.severity.warning": "warning",
    "check.severity.info": "info",
    "check.demo_passwords.problem": "These demo accounts still have the demo password published in the README: {users}. Anyone can sign in with them.",
    "check.demo_passwords.fix": "Give these accounts new passwords (`python -m gridmap users set-password NAME`, or an administrator under user management), or disable them (`python -m gridmap users disable NAME`).",
    "check.demo_unchecked.problem": "The demo accounts' passwords could not be checked: {detail}",
    "check.demo_unchecked.fix": "Make sure GRIDMAP_DB (or --db) points at the store in use and that it can be reached.",
    "check.store_missing.problem": "The store file {path} does not exist; the demo accounts were not checked.",
    "check.store_missing.fix": "Check again with --db naming the store the app really uses.",
    "check.not_production.problem": "GRIDMAP_ENV is not production: start-up does not refuse insecure settings, and the sign-in page points to the demo accounts.",
    "check.not_production.fix": "Set the environment variable GRIDMAP_ENV=production on a real deployment.",
    "check.streamlit_config_unreadable.problem": "The Streamlit config file {path} cannot be parsed: {detail}",
    "check.streamlit_config_unreadable.fix": "Fix the TOML syntax of the file; Streamlit does not start while it is wrong.",
    "check.development_mode.problem": "Streamlit development mode is on (global.developmentMode): it is meant for developing Streamlit itself, not for serving users.",
    "check.development_mode.fix": "Remove developmentMode from [global] in .streamlit/config.toml or set it to false, and unset STREAMLIT_GLOBAL_DEVELOPMENT_MODE.",
    "check.error_details.problem": "When something fails, the browser shows the exception and the Python traceback (client.showErrorDetails = {value}), which can reveal file paths, SQL and data.",
    "check.error_details.fix": "Set showErrorDetails = \"none\" under [client] in .streamlit/config.toml (note: false means \"stacktrace\" and still shows the traceback); details then go to the server log only.",
    "check.error_types.problem": "When something fails, the browser shows the exception type (client.showErrorDetails = \"type\"), which reveals the components in use.",
    "check.error_types.fix": "Set showErrorDetails = \"none\" under [client] in .streamlit/config.toml.",
    "check.xsrf_off.problem": "XSRF protection is off (server.enableXsrfProtection = false): other web sites can make a signed-in user's browser send requests to this app (uploads, for example).",
    "check.xsrf_off.fix": "Remove the setting or set it to true (the default).",
    "check.cors_off.problem": "CORS protection is off (server.enableCORS = false): pages from any origin may call this app (Streamlit turns it back on only while XSRF protection is on).",
    "check.cors_off.fix": "Remove the setting or set it to true (the default); if another origin really needs access, list it in server.corsAllowedOrigins.",
    "check.usage_stats.problem": "Streamlit sends usage statistics to the internet (browser.gatherUsageStats is not false); on an intranet this also means outgoing connections.",
    "check.usage_stats.fix": "Set gatherUsageStats = false under [browser] in .streamlit/config.toml.",
    "check.upload_limit.problem": "Streamlit accepts uploads larger (server.maxUploadSize) than gridmap's data-file limit of {limit} MB: an oversize file is read into memory in full before it is refused.",
    "check.upload_limit.fix": "Set maxUploadSize = {limit} (or less) under [server] in .streamlit/config.toml.",
    "check.tls_proxy.problem": "Streamlit itself does not encrypt (server.sslCertFile is not set): unless a reverse proxy in front terminates HTTPS, passwords and data cross the network in clear text.",
    "check.tls_proxy.fix": "Terminate TLS in a reverse proxy such as nginx: listen 443 ssl, proxy_pass http://127.0.0.1:8501 and forward WebSockets (proxy_http_version 1.1 with the Upgrade and Connection headers); set address = \"127.0.0.1\" under [server] so users reach Streamlit only through the proxy.",
    "check.tls_builtin.problem": "Streamlit's built-in HTTPS is in use (server.sslCertFile); Streamlit's documentation says it has not been security-audited and is not for production.",
    "check.tls_builtin.fix": "Terminate TLS in a reverse proxy such as nginx instead (proxy_pass http://127.0.0.1:8501, forwarding WebSockets), then remove sslCertFile and sslKeyFile and set address = \"127.0.0.1\".",
    "check.static_files.problem": "static/ holds files that are not front-end library files ({count}: {files}): with server.enableStaticServing on, anyone can download them from /app/static/ without signing in.",
    "check.static_files.fix": "Move these files out of static/ (no symbolic links either); keep only the Leaflet and other front-end files that `make assets` installs in static/vendor/.",
    "check.db_default_password.problem": "The store URL (GRIDMAP_DB) uses a well-known default password for the user {user}.",
    "check.db_default_password.fix": "Give this user a strong password in PostgreSQL (ALTER ROLE … PASSWORD …) and supply it through ~/.pgpass.",
    "check.db_password_in_url.problem": "The database password is written in the store URL (GRIDMAP_DB), where anyone who can read the process environment sees it.",
    "check.db_password_in_url.fix": "Remove the password from the URL and put it in ~/.pgpass (mode 600) in the service account's home, or in the file named by PGPASSFILE.",
    "check.sqlite_world_readable.problem": "The SQLite store is open to every user on this machine ({files}); it holds personal data of households, residents and people who reported issues.",
    "check.sqlite_world_readable.fix": "Run chmod 600 on these files (chmod 700 on their directory) and run the service with umask 077; SQLite gives new -wal and -shm files the database file's permissions.",
    "check.idle_too_long.problem": "Users are signed out only after {minutes} idle minutes (GRIDMAP_SESSION_IDLE_MINUTES), above the limit of {max}: an unattended computer stays signed in for a long time.",
    "check.idle_too_long.fix": "Set GRIDMAP_SESSION_IDLE_MINUTES to {max} or less; the default, 30, is recommended.",
    "check.idle_invalid.problem": "GRIDMAP_SESSION_IDLE_MINUTES = {value} is not a positive whole number; the default of {default} minutes is used.",
    "check.idle_invalid.fix": "Set it to a number of minutes (30, for example), or unset it.",
    "check.setting_invalid.problem": "{variable} = {value} is not a positive whole number; the default of {default} is used.",
    "check.setting_invalid.fix": "Set {variable} to a positive whole number (in MB), or unset it.",
    "check.tile_key_unused.problem": "A Tianditu key is set (GRIDMAP_TIANDITU_KEY) but the tile source (GRIDMAP_TILES) is {tiles}, so the key is not used.",
    "check.tile_key_unused.fix": "Unset the key when Tianditu is not used; to use Tianditu, set GRIDMAP_TILES=tianditu or tianditu_img.",
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
