"""Sign-in, accounts, roles, operations and the audit page.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "auth.title": ("登录网格一张图", "Sign in to Grid Map"),
    "auth.username": ("用户名", "User name"),
    "auth.password": ("密码", "Password"),
    "auth.submit": ("登录", "Sign in"),
    "auth.sign_out": ("退出登录", "Sign out"),
    "auth.signed_in_as": ("{name}（{role}）· 辖区：{unit}", "{name} ({role}) · jurisdiction: {unit}"),
    "auth.bad_credentials": ("用户名或密码不正确。", "Wrong user name or password."),
    "auth.locked": (
        "登录失败次数过多，账号已临时锁定，请于 {until} 之后再试，或联系管理员重置密码。",
        "Too many failed sign-ins: the account is locked until {until}. Try again later or ask an admin.",
    ),
    "auth.disabled": ("该账号已停用，请联系系统管理员。", "This account is disabled; please contact the administrator."),
    "auth.expired_idle": (
        "长时间未操作，已自动退出，请重新登录。",
        "You were signed out after a period of inactivity. Please sign in again.",
    ),
    "auth.expired_max": (
        "登录已超过最长时限，请重新登录。",
        "Your sign-in has reached its maximum length. Please sign in again.",
    ),
    "auth.password_changed": (
        "密码已被修改，请用新密码重新登录。",
        "The password was changed. Please sign in with the new password.",
    ),
    "auth.password_too_short": ("密码太短：至少需要 {n} 个字符。", "Password too short: at least {n} characters."),
    "auth.password_too_simple": (
        "密码太简单：请同时使用字母和数字或符号。",
        "Password too simple: mix letters with digits or symbols.",
    ),
    "auth.bad_username": (
        "用户名不能为空、不能含空格，且不超过 {n} 个字符。",
        "A user name must not be empty, contain spaces or exceed {n} characters.",
    ),
    "auth.username_hidden_character": (
        "用户名的第 {pos} 个字符是空格或看不见的字符（{code} {name}）。用户名里不能有这种字符，"
        "否则两个看起来一样的用户名会变成两个账号。请删掉它，重新输入用户名。",
        "Character {pos} of the user name is a space or an invisible character ({code} {name}). User "
        "names cannot contain it: two names that look the same would be two accounts. Delete it and type "
        "the name again.",
    ),
    "auth.user_exists": ("用户名“{username}”已存在。", "The user name “{username}” already exists."),
    "auth.username_normalised": (
        "用户名按标准写法保存为“{username}”（输入的是“{typed}”，全角字符已换成半角），登录时用哪种写法都可以。",
        "The user name was stored in its standard form “{username}” (typed: “{typed}”, full-width characters "
        "made half-width); either form signs in.",
    ),
    "auth.user_too_similar": (
        "用户名“{username}”和已有的用户名“{existing}”只差大小写或全角半角，容易认错，请换一个用户名。",
        "The user name “{username}” differs from the existing “{existing}” only in capital letters or "
        "full-width characters, so the two are easily mistaken; please choose another name.",
    ),
    "auth.username_too_long": (
        "用户名最多 {n} 个字符，请检查输入的用户名。",
        "A user name has at most {n} characters; please check the name you entered.",
    ),
    "auth.password_too_long": (
        "密码太长：最多 {n} 个字符。",
        "Password too long: at most {n} characters.",
    ),
    "auth.unknown_unit": (
        "辖区编码 {code} 不是本辖区内已有的单元。",
        "Unit code {code} is not a unit inside your jurisdiction.",
    ),
    "auth.cannot_disable_self": ("不能停用自己正在使用的账号。", "You cannot disable the account you are using."),
    "auth.demo_hint": (
        "演示环境：各角色的演示账号和密码见 README 的“演示账号”一节。",
        "Demo: the demo account of each role and its password are in the README, “Demo accounts”.",
    ),
    "auth.sign_in_password_too_long": (
        "输入的密码有 {length} 个字符，超过了 {n} 个字符的上限，不会是您的密码。请检查是否粘贴了别的内容。",
        "The password you entered has {length} characters, more than the limit of {n}, so it cannot be "
        "yours. Check that you pasted the right text.",
    ),
    "auth.empty_fields": ("请输入用户名和密码。", "Please enter a user name and a password."),
    "auth.no_accounts": (
        "还没有任何用户账号。请在服务器上运行 `python -m gridmap users add 用户名 --role admin --unit 县级编码` 创建第一个管理员，或运行 `python -m gridmap demo --scale small` 载入带演示账号的演示数据。",
        "No user account exists yet. On the server, run `python -m gridmap users add NAME --role admin --unit COUNTY_CODE` to create the first administrator, or `python -m gridmap demo --scale small` to load the demo with its demo accounts.",
    ),
    "auth.keep": ("在此设备上保持登录（指挥大屏）", "Keep me signed in on this screen (wall screen)"),
    "auth.keep_help": (
        "勾选后，长时间不操作也不会自动退出，直到登录满最长时限或点击“退出登录”。只在专用的大屏或本人设备上勾选。",
        "No sign-out after inactivity: the sign-in lasts until its maximum length or until you sign out. "
        "Tick it only on a dedicated wall screen or your own device.",
    ),
    "auth.token_revoked": (
        "此登录已在别处退出，请重新登录。",
        "This sign-in was ended elsewhere (signed out). Please sign in again.",
    ),
    "auth.token_invalid": (
        "保存的登录信息无效，请重新登录。",
        "The saved sign-in is not valid. Please sign in again.",
    ),
    "auth.sign_in_first": ("请先登录。", "Please sign in first."),
    "auth.production_blocked": (
        "生产环境（GRIDMAP_ENV=production）下发现不安全的设置，系统拒绝启动：",
        "Insecure settings found with GRIDMAP_ENV=production; the app refuses to start:",
    ),
    "auth.production_hint": (
        "请逐项处理后重启，可运行 `python -m gridmap check-config` 查看详情。",
        "Fix each one and restart; `python -m gridmap check-config` shows details.",
    ),
    "auth.permission_denied": ("您的角色（{role}）没有“{op}”的权限。", "Your role ({role}) does not allow “{op}”."),
    "auth.outside_scope": ("所选单元不在您的辖区内。", "The selected unit is outside your jurisdiction."),

    "role.commander": ("指挥长", "Commander"),
    "role.planner": ("网格规划员", "Planner"),
    "role.inspector": ("隐患巡查员", "Inspector"),
    "role.grid_worker": ("网格员", "Grid worker"),
    "role.department": ("部门处置员", "Department handler"),
    "role.admin": ("系统管理员", "Administrator"),

    "op.view_map": ("查看地图与事件", "view the map and issues"),
    "op.view_households": ("查看房屋与人口信息", "view households and residents"),
    "op.view_zero_reports": ("查看零报告", "view zero reports"),
    "op.view_ground_truth": ("查看演示预设热点", "view the demo's planted hotspots"),
    "op.view_audit": ("查看操作审计", "view the audit trail"),
    "op.export": ("导出数据", "export data"),
    "op.import_points": ("导入点位数据", "import point data"),
    "op.edit_units": ("调整网格边界", "edit grid boundaries"),
    "op.set_risk": ("设置三色风险等级", "set the three-colour risk"),
    "op.report_issue": ("上报事件", "report issues"),
    "op.handle_issue": ("处置事件", "handle issues"),
    "op.record_inspection": ("登记隐患", "record hazards"),
    "op.update_inspection": ("更新隐患整改", "update hazard rectification"),
    "op.submit_zero_report": ("提交零报告", "submit zero reports"),
    "op.edit_stations": ("维护服务站点", "maintain service stations"),
    "op.manage_users": ("管理用户账号", "manage user accounts"),
    "op.view_issue_stats": ("查看事件统计", "view issue statistics"),

    "audit.title": ("操作审计", "Audit trail"),
    "audit.caption": (
        "每一次数据修改和登录都记录在此，记录只能追加，不能修改或删除。仅显示您辖区内的操作。",
        "Every data change and sign-in is recorded here; records can only be appended, never changed or deleted. Only actions inside your jurisdiction are shown.",
    ),
    "audit.filter.actor": ("操作人", "User"),
    "audit.filter.action": ("操作类型", "Action"),
    "audit.filter.layer": ("数据图层", "Layer"),
    "audit.filter.dates": ("日期范围", "Date range"),
    "audit.filter.limit": ("最多显示条数", "Show at most"),
    "audit.filter.any": ("全部", "All"),
    "audit.count": ("共显示 {n} 条记录（最新的在前）。", "{n} records shown (newest first)."),
    "audit.empty": ("没有符合条件的操作记录。", "No recorded action matches."),
    "audit.col.at": ("时间", "Time"),
    "audit.col.actor": ("操作人", "User"),
    "audit.col.action": ("操作", "Action"),
    "audit.col.layer": ("图层", "Layer"),
    "audit.col.target": ("对象", "Target"),
    "audit.col.scope": ("辖区", "Jurisdiction"),
    "audit.col.before": ("修改前", "Before"),
    "audit.col.after": ("修改后", "After"),
    "audit.detail": ("查看某条记录的完整内容", "Show one record in full"),
    "audit.action.insert": ("新增", "insert"),
    "audit.action.replace": ("替换", "replace"),
    "audit.action.update": ("修改", "update"),
    "audit.action.update_many": ("批量修改", "bulk update"),
    "audit.action.delete": ("删除", "delete"),
    "audit.action.set_meta": ("修改设置", "setting changed"),
    "audit.action.sign_in": ("登录", "sign-in"),
    "audit.action.sign_in_token": ("刷新后自动登录", "sign-in kept after reload"),
    "audit.action.sign_in_failed": ("登录失败", "failed sign-in"),
    "audit.action.sign_in_refused": ("拒绝登录", "sign-in refused"),
    "audit.action.sign_out": ("退出登录", "sign-out"),
    "audit.layer.meta": ("系统设置", "Settings"),
}
