"""The configuration check (gridmap.config, python -m gridmap check-config).

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "check.title": ("配置安全检查", "Configuration security check"),
    "check.summary": (
        "错误 {errors} 项，警告 {warnings} 项，提示 {infos} 项",
        "errors: {errors}, warnings: {warnings}, notes: {infos}",
    ),
    "check.none": ("未发现问题。", "No problems found."),
    "check.message": ("{problem} 处理：{fix}", "{problem} Fix: {fix}"),
    "check.label.problem": ("问题", "Problem"),
    "check.label.fix": ("处理", "Fix"),
    "check.label.source": ("来源", "set in"),
    "check.source.default": ("默认值", "default"),
    "check.severity.error": ("错误", "error"),
    "check.severity.warning": ("警告", "warning"),
    "check.severity.info": ("提示", "info"),
    "check.demo_passwords.problem": (
        "以下演示账号仍在使用 README 中公开的演示密码：{users}，任何人都能用它们登录。",
        "These demo accounts still have the demo password published in the README: {users}. Anyone can sign in with them.",
    ),
    "check.demo_passwords.fix": (
        "为这些账号设置新密码（`python -m gridmap users set-password 用户名`，或由系统管理员在用户管理中修改），或停用它们（`python -m gridmap users disable 用户名`）。",
        "Give these accounts new passwords (`python -m gridmap users set-password NAME`, or an administrator under user management), or disable them (`python -m gridmap users disable NAME`).",
    ),
    "check.demo_unchecked.problem": (
        "无法检查演示账号的密码：{detail}",
        "The demo accounts' passwords could not be checked: {detail}",
    ),
    "check.demo_unchecked.fix": (
        "确认 GRIDMAP_DB（或 --db）指向正在使用的数据库，并且可以连接。",
        "Make sure GRIDMAP_DB (or --db) points at the store in use and that it can be reached.",
    ),
    "check.store_missing.problem": (
        "数据库文件 {path} 不存在，未检查演示账号。",
        "The store file {path} does not exist; the demo accounts were not checked.",
    ),
    "check.store_missing.fix": (
        "用 --db 指定系统实际使用的数据库后重新检查。",
        "Check again with --db naming the store the app really uses.",
    ),
    "check.not_production.problem": (
        "GRIDMAP_ENV 不是 production：启动时不会拒绝不安全的设置，登录页还会提示演示账号。",
        "GRIDMAP_ENV is not production: start-up does not refuse insecure settings, and the sign-in page points to the demo accounts.",
    ),
    "check.not_production.fix": (
        "正式部署时设置环境变量 GRIDMAP_ENV=production。",
        "Set the environment variable GRIDMAP_ENV=production on a real deployment.",
    ),
    "check.streamlit_config_unreadable.problem": (
        "无法解析 Streamlit 配置文件 {path}：{detail}",
        "The Streamlit config file {path} cannot be parsed: {detail}",
    ),
    "check.streamlit_config_unreadable.fix": (
        "修正该文件的 TOML 语法；文件有误时 Streamlit 无法启动。",
        "Fix the TOML syntax of the file; Streamlit does not start while it is wrong.",
    ),
    "check.development_mode.problem": (
        "Streamlit 开发模式已开启（global.developmentMode）：该模式供 Streamlit 自身开发使用，不适合对外服务。",
        "Streamlit development mode is on (global.developmentMode): it is meant for developing Streamlit itself, not for serving users.",
    ),
    "check.development_mode.fix": (
        "在 .streamlit/config.toml 的 [global] 中删除 developmentMode 或设为 false，并删除环境变量 STREAMLIT_GLOBAL_DEVELOPMENT_MODE。",
        "Remove developmentMode from [global] in .streamlit/config.toml or set it to false, and unset STREAMLIT_GLOBAL_DEVELOPMENT_MODE.",
    ),
    "check.error_details.problem": (
        "出错时浏览器会显示异常信息和 Python 调用栈（client.showErrorDetails = {value}），可能暴露文件路径、SQL 语句和数据。",
        "When something fails, the browser shows the exception and the Python traceback (client.showErrorDetails = {value}), which can reveal file paths, SQL and data.",
    ),
    "check.error_details.fix": (
        "在 .streamlit/config.toml 的 [client] 中设置 showErrorDetails = \"none\"（注意：false 相当于 \"stacktrace\"，仍会显示调用栈）；详细错误只写入服务器日志。",
        "Set showErrorDetails = \"none\" under [client] in .streamlit/config.toml (note: false means \"stacktrace\" and still shows the traceback); details then go to the server log only.",
    ),
    "check.error_types.problem": (
        "出错时浏览器会显示异常类型（client.showErrorDetails = \"type\"），会透露所用的组件。",
        "When something fails, the browser shows the exception type (client.showErrorDetails = \"type\"), which reveals the components in use.",
    ),
    "check.error_types.fix": (
        "在 .streamlit/config.toml 的 [client] 中设置 showErrorDetails = \"none\"。",
        "Set showErrorDetails = \"none\" under [client] in .streamlit/config.toml.",
    ),
    "check.xsrf_off.problem": (
        "XSRF 防护已关闭（server.enableXsrfProtection = false）：其他网站可以借已登录用户的浏览器向本系统提交请求（例如上传文件）。",
        "XSRF protection is off (server.enableXsrfProtection = false): other web sites can make a signed-in user's browser send requests to this app (uploads, for example).",
    ),
    "check.xsrf_off.fix": ("删除该设置或设为 true（默认值）。", "Remove the setting or set it to true (the default)."),
    "check.cors_off.problem": (
        "CORS 保护已关闭（server.enableCORS = false）：任何来源的网页都可以跨域访问本系统（仅在 XSRF 防护开启时会被 Streamlit 强制恢复）。",
        "CORS protection is off (server.enableCORS = false): pages from any origin may call this app (Streamlit turns it back on only while XSRF protection is on).",
    ),
    "check.cors_off.fix": (
        "删除该设置或设为 true（默认值）；确需跨域访问时，用 server.corsAllowedOrigins 列出允许的来源。",
        "Remove the setting or set it to true (the default); if another origin really needs access, list it in server.corsAllowedOrigins.",
    ),
    "check.usage_stats.problem": (
        "Streamlit 会把使用统计发送到互联网（browser.gatherUsageStats 未设为 false），内网环境中还会因此产生对外连接。",
        "Streamlit sends usage statistics to the internet (browser.gatherUsageStats is not false); on an intranet this also means outgoing connections.",
    ),
    "check.usage_stats.fix": (
        "在 .streamlit/config.toml 的 [browser] 中设置 gatherUsageStats = false。",
        "Set gatherUsageStats = false under [browser] in .streamlit/config.toml.",
    ),
    "check.upload_limit.problem": (
        "Streamlit 允许上传的文件大小（server.maxUploadSize）超过 gridmap 的数据文件上限 {limit} MB：超大文件会先整个读入内存，然后才被拒绝。",
        "Streamlit accepts uploads larger (server.maxUploadSize) than gridmap's data-file limit of {limit} MB: an oversize file is read into memory in full before it is refused.",
    ),
    "check.upload_limit.fix": (
        "在 .streamlit/config.toml 的 [server] 中设置 maxUploadSize = {limit}（或更小）。",
        "Set maxUploadSize = {limit} (or less) under [server] in .streamlit/config.toml.",
    ),
    "check.tls_proxy.problem": (
        "Streamlit 本身不加密（未设置 server.sslCertFile）：除非前面有反向代理负责 HTTPS，密码和数据将以明文在网络上传输。",
        "Streamlit itself does not encrypt (server.sslCertFile is not set): unless a reverse proxy in front terminates HTTPS, passwords and data cross the network in clear text.",
    ),
    "check.tls_proxy.fix": (
        "用 nginx 等反向代理终止 TLS：listen 443 ssl，proxy_pass http://127.0.0.1:8501，并转发 WebSocket（proxy_http_version 1.1，设置 Upgrade 和 Connection 请求头）；在 [server] 中设置 address = \"127.0.0.1\"，使用户只能经代理访问。",
        "Terminate TLS in a reverse proxy such as nginx: listen 443 ssl, proxy_pass http://127.0.0.1:8501 and forward WebSockets (proxy_http_version 1.1 with the Upgrade and Connection headers); set address = \"127.0.0.1\" under [server] so users reach Streamlit only through the proxy.",
    ),
    "check.tls_builtin.problem": (
        "使用了 Streamlit 内置的 HTTPS（server.sslCertFile）：Streamlit 文档说明该功能未经安全审计，不应用于生产环境。",
        "Streamlit's built-in HTTPS is in use (server.sslCertFile); Streamlit's documentation says it has not been security-audited and is not for production.",
    ),
    "check.tls_builtin.fix": (
        "改由 nginx 等反向代理终止 TLS（proxy_pass http://127.0.0.1:8501，转发 WebSocket），然后删除 sslCertFile 和 sslKeyFile，并设置 address = \"127.0.0.1\"。",
        "Terminate TLS in a reverse proxy such as nginx instead (proxy_pass http://127.0.0.1:8501, forwarding WebSockets), then remove sslCertFile and sslKeyFile and set address = \"127.0.0.1\".",
    ),
    "check.static_files.problem": (
        "static/ 目录中有不属于前端库的文件（{count} 个：{files}）：开启 server.enableStaticServing 后，任何人无需登录即可从 /app/static/ 下载它们。",
        "static/ holds files that are not front-end library files ({count}: {files}): with server.enableStaticServing on, anyone can download them from /app/static/ without signing in.",
    ),
    "check.static_files.fix": (
        "把这些文件移出 static/（不要使用符号链接），只保留 `make assets` 安装到 static/vendor/ 的 Leaflet 等前端文件。",
        "Move these files out of static/ (no symbolic links either); keep only the Leaflet and other front-end files that `make assets` installs in static/vendor/.",
    ),
    "check.db_default_password.problem": (
        "数据库连接串（GRIDMAP_DB）中用户 {user} 使用的是常见的默认密码。",
        "The store URL (GRIDMAP_DB) uses a well-known default password for the user {user}.",
    ),
    "check.db_default_password.fix": (
        "在 PostgreSQL 中为该用户设置强密码（ALTER ROLE … PASSWORD …），并改用 ~/.pgpass 提供密码。",
        "Give this user a strong password in PostgreSQL (ALTER ROLE … PASSWORD …) and supply it through ~/.pgpass.",
    ),
    "check.db_password_in_url.problem": (
        "数据库密码直接写在连接串（GRIDMAP_DB）中，能查看进程环境变量的人都能看到。",
        "The database password is written in the store URL (GRIDMAP_DB), where anyone who can read the process environment sees it.",
    ),
    "check.db_password_in_url.fix": (
        "从连接串中去掉密码，改用运行账号主目录下权限为 600 的 ~/.pgpass 文件（或用 PGPASSFILE 指定）。",
        "Remove the password from the URL and put it in ~/.pgpass (mode 600) in the service account's home, or in the file named by PGPASSFILE.",
    ),
    "check.sqlite_world_readable.problem": (
        "SQLite 数据库文件对本机所有用户开放（{files}），其中包括房屋、住户和事件上报人的个人信息。",
        "The SQLite store is open to every user on this machine ({files}); it holds personal data of households, residents and people who reported issues.",
    ),
    "check.sqlite_world_readable.fix": (
        "执行 chmod 600（所在目录 chmod 700），并让服务以 umask 077 运行；SQLite 新建的 -wal、-shm 文件沿用数据库文件的权限。",
        "Run chmod 600 on these files (chmod 700 on their directory) and run the service with umask 077; SQLite gives new -wal and -shm files the database file's permissions.",
    ),
    "check.idle_too_long.problem": (
        "用户空闲 {minutes} 分钟后才自动退出登录（GRIDMAP_SESSION_IDLE_MINUTES），超过 {max} 分钟的上限：无人看管的电脑会长时间保持登录。",
        "Users are signed out only after {minutes} idle minutes (GRIDMAP_SESSION_IDLE_MINUTES), above the limit of {max}: an unattended computer stays signed in for a long time.",
    ),
    "check.idle_too_long.fix": (
        "把 GRIDMAP_SESSION_IDLE_MINUTES 设为 {max} 以内，建议使用默认值 30。",
        "Set GRIDMAP_SESSION_IDLE_MINUTES to {max} or less; the default, 30, is recommended.",
    ),
    "check.secret_too_short.problem": (
        "GRIDMAP_SECRET 只有 {length} 个字符，短于 {min} 个：猜出它的人可以伪造登录凭据。",
        "GRIDMAP_SECRET has only {length} characters, fewer than {min}: whoever guesses it can forge a sign-in cookie.",
    ),
    "check.secret_too_short.fix": (
        "把 GRIDMAP_SECRET 设为至少 {min} 个随机字符（例如 python -c \"import secrets; print(secrets.token_urlsafe(32))\" 的输出），或不设置它，由系统自动生成并保存。",
        "Set GRIDMAP_SECRET to at least {min} random characters (for example the output of python -c \"import secrets; print(secrets.token_urlsafe(32))\"), or leave it unset and gridmap generates and keeps one.",
    ),
    "check.idle_invalid.problem": (
        "GRIDMAP_SESSION_IDLE_MINUTES = {value} 不是正整数，系统改用默认值 {default} 分钟。",
        "GRIDMAP_SESSION_IDLE_MINUTES = {value} is not a positive whole number; the default of {default} minutes is used.",
    ),
    "check.idle_invalid.fix": (
        "将其设为分钟数（例如 30），或删除该变量。",
        "Set it to a number of minutes (30, for example), or unset it.",
    ),
    "check.setting_invalid.problem": (
        "{variable} = {value} 不是正整数，系统改用默认值 {default}。",
        "{variable} = {value} is not a positive whole number; the default of {default} is used.",
    ),
    "check.setting_invalid.fix": (
        "将 {variable} 设为正整数（单位见 README 的“配置”一节），或删除该变量。",
        "Set {variable} to a positive whole number (its unit is in the README's Configuration table), "
        "or unset it.",
    ),
    "check.switch_invalid.problem": (
        "{variable} = {value} 不是开关值，系统改用默认值 {default}。",
        "{variable} = {value} is not an on/off value; the default {default} is used.",
    ),
    "check.switch_invalid.fix": (
        "将 {variable} 设为 1（开）或 0（关），或删除该变量。",
        "Set {variable} to 1 (on) or 0 (off), or unset it.",
    ),
    "check.tiles_invalid.fix": (
        "按上面的说明修正 GRIDMAP_TILES 及相关变量（见 README“离线与内网部署”），或设 GRIDMAP_TILES=none。",
        "Correct GRIDMAP_TILES and the related variables as described (README, \"Offline and intranet "
        "deployment\"), or set GRIDMAP_TILES=none.",
    ),
    "check.tile_key_unused.problem": (
        "设置了天地图密钥（GRIDMAP_TIANDITU_KEY），但底图来源（GRIDMAP_TILES）是 {tiles}，密钥不会被使用。",
        "A Tianditu key is set (GRIDMAP_TIANDITU_KEY) but the tile source (GRIDMAP_TILES) is {tiles}, so the key is not used.",
    ),
    "check.tile_key_unused.fix": (
        "不用天地图时删除该变量；要用天地图时设置 GRIDMAP_TILES=tianditu 或 tianditu_img。",
        "Unset the key when Tianditu is not used; to use Tianditu, set GRIDMAP_TILES=tianditu or tianditu_img.",
    ),
}
