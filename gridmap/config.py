"""The checks that find insecure or risky settings.

The settings themselves (:class:`~gridmap.settings.Settings`, :func:`load_settings`,
the Streamlit options read the way Streamlit reads them) live in
:mod:`gridmap.settings`; they are re-exported here. The app and these checks use the
same parsed :class:`Settings`, so a value the app refuses is the value reported here.

- :func:`check_config` -- every :class:`Finding` (error, warning, info), each saying
  what is wrong and how to fix it, Chinese first; ``python -m gridmap check-config``
  prints them.
- :func:`production_blockers` -- the error-level findings; with
  ``GRIDMAP_ENV=production`` the app refuses to start while any remain.
- :func:`check_deployment`, :func:`format_findings` -- what the command line runs
  and prints.

A check is a plain callable ``(settings, store) -> list[Finding]``; :data:`CHECKS`
lists them in report order. Severities are judged for production, whatever
``GRIDMAP_ENV`` says, so a development checkout reports errors (demo passwords,
tracebacks shown to users) by design: that is the list to clear before going live.

Streamlit options come, lowest precedence first, from Streamlit's defaults,
``~/.streamlit/config.toml``, ``./.streamlit/config.toml`` (the directory Streamlit is
started in, normally the repository) and ``STREAMLIT_<SECTION>_<OPTION>`` environment
variables (``server.enableCORS`` -> ``STREAMLIT_SERVER_ENABLE_CORS``).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from gridmap.i18n import DEFAULT_LANGUAGE, t
from gridmap.settings import (
    MIB,
    PRODUCTION,
    STREAMLIT_DEFAULTS,
    InvalidSetting,
    Settings,
    StreamlitConfig,
    get_settings,
    load_settings,
    read_streamlit_config,
    streamlit_env_var,
)
from gridmap.store import Store

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

MAX_IDLE_MINUTES = 480  # a working day; longer leaves unattended screens signed in
# Passwords that scanners try first; also a password equal to the user name.
DEFAULT_DB_PASSWORDS = frozenset({"postgres", "password", "123456", "gridmap", "admin"})
TIANDITU_SOURCES = ("tianditu", "tianditu_img")  # gridmap.maps.tiles: the sources that use the key
STATIC_VENDOR = "vendor"  # gridmap.maps.assets.VENDOR: where `make assets` installs
# What may sit under static/vendor/: front-end code, styles, fonts, icons, source maps.
VENDOR_SUFFIXES = frozenset({".js", ".mjs", ".css", ".map", ".woff", ".woff2", ".ttf", ".otf", ".eot",
                             ".svg", ".png", ".gif", ".ico", ".cur"})
_DOC_NAMES = re.compile(r"^(license|licence|readme|notice|copying|authors|changelog)([.-].*)?$", re.IGNORECASE)
_SHOWN_FILES = 10


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """One insecure or risky setting.

    Attributes:
        code: what was found; the i18n keys are ``check.<code>.problem`` and ``.fix``.
        severity: ``"error"`` (must be fixed before production; blocks start-up with
            ``GRIDMAP_ENV=production``), ``"warning"`` or ``"info"``.
        setting: the setting concerned, e.g. ``client.showErrorDetails`` or ``GRIDMAP_DB``.
        value: its value as shown to the reader (never a password), when useful.
        source: where it was set (a file or an environment variable); None for a default.
        params: values for the message placeholders.
        problem_key: the i18n key of the problem when it is not ``check.<code>.problem``
            (a message another module defines, such as a tile configuration error).
    """

    code: str
    severity: Severity
    setting: str
    value: str | None = None
    source: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    problem_key: str | None = None

    def problem(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """What is wrong, in ``lang``."""
        return t(self.problem_key or f"check.{self.code}.problem", lang, **self.params)

    def fix(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """How to fix it, in ``lang``."""
        return t(f"check.{self.code}.fix", lang, **self.params)

    def message(self, lang: str | None = DEFAULT_LANGUAGE) -> str:
        """One line for a page: the problem (which names the setting), then the fix."""
        return t("check.message", lang, problem=self.problem(lang), fix=self.fix(lang))

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record with both languages."""
        return {"code": self.code, "severity": self.severity, "setting": self.setting, "value": self.value,
                "source": self.source, "problem": {"zh": self.problem("zh"), "en": self.problem("en")},
                "fix": {"zh": self.fix("zh"), "en": self.fix("en")}}


Check = Callable[[Settings, Store | None], list[Finding]]


def check_config(store: Store | None = None, settings: Settings | None = None) -> list[Finding]:
    """Every finding of :data:`CHECKS`, errors first.

    Args:
        store: the store in use, for the demo-password check (skipped when None).
        settings: default :func:`~gridmap.settings.get_settings` (the process's settings).
    """
    settings = settings or get_settings()
    found = [f for check in CHECKS for f in check(settings, store)]
    return sorted(found, key=lambda f: SEVERITIES.index(f.severity))


def production_blockers(store: Store | None, settings: Settings | None = None) -> list[Finding]:
    """The error-level findings: the app must not run in production while any remain."""
    return [f for f in check_config(store, settings) if f.severity == "error"]


def check_deployment(settings: Settings | None = None) -> list[Finding]:
    """:func:`check_config` with the store at ``settings.db_url`` opened for the account checks.

    What ``python -m gridmap check-config`` runs. The store is opened without
    migrating it, and a missing SQLite file is not created: it is reported instead.
    """
    settings = settings or get_settings()
    url = settings.db_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        missing = Finding("store_missing", "info", "GRIDMAP_DB", value=url,
                          params={"path": url.removeprefix("sqlite:///")})
        return sorted([*check_config(None, settings), missing], key=lambda f: SEVERITIES.index(f.severity))
    from gridmap.store import open_store

    try:
        store = open_store(url, migrate=False)
    except Exception as exc:  # an unreachable server or a bad URL: report it, check the rest
        unchecked = Finding("demo_unchecked", "warning", "GRIDMAP_DB", value=_redacted(url),
                            params={"detail": _one_line(exc)})
        return sorted([*check_config(None, settings), unchecked], key=lambda f: SEVERITIES.index(f.severity))
    try:
        return check_config(store, settings)
    finally:
        store.close()


def format_findings(findings: list[Finding]) -> str:
    """The findings as text for a terminal: each in Chinese, then in English, and a summary line."""
    counts = {severity: sum(f.severity == severity for f in findings) for severity in SEVERITIES}
    summary = {"errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"]}
    lines = [f"{t('check.title', 'zh')} / {t('check.title', 'en')}: "
             f"{t('check.summary', 'zh', **summary)} / {t('check.summary', 'en', **summary)}"]
    if not findings:
        lines.append(f"{t('check.none', 'zh')} / {t('check.none', 'en')}")
    for f in findings:
        value = f" = {f.value}" if f.value is not None else ""
        source = f.source or (f"{t('check.source.default', 'zh')} / {t('check.source.default', 'en')}"
                              if f.setting in STREAMLIT_DEFAULTS else None)
        where = f"  （{t('check.label.source', 'zh')} / {t('check.label.source', 'en')}: {source}）" if source else ""
        lines += [
            "",
            f"[{t(f'check.severity.{f.severity}', 'zh')} {t(f'check.severity.{f.severity}', 'en')}] "
            f"{f.setting}{value}{where}",
            f"  {t('check.label.problem', 'zh')}：{f.problem('zh')}",
            f"  {t('check.label.problem', 'en')}: {f.problem('en')}",
            f"  {t('check.label.fix', 'zh')}：{f.fix('zh')}",
            f"  {t('check.label.fix', 'en')}: {f.fix('en')}",
        ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- checks


def check_demo_passwords(settings: Settings, store: Store | None) -> list[Finding]:
    """Demo accounts that still have their published demo password."""
    if store is None:
        return []
    from gridmap.auth import demo_passwords_in_use

    try:
        users = demo_passwords_in_use(store)
    except Exception as exc:  # any store failure: report it instead of crashing the check
        return [Finding("demo_unchecked", "warning", "users", params={"detail": _one_line(exc)})]
    if not users:
        return []
    return [Finding("demo_passwords", "error", "users", value=", ".join(users), params={"users": ", ".join(users)})]


def check_environment(settings: Settings, store: Store | None) -> list[Finding]:
    """``GRIDMAP_ENV`` is not ``production``."""
    if settings.production:
        return []
    return [Finding("not_production", "warning", "GRIDMAP_ENV", value=settings.env)]


def check_streamlit(settings: Settings, store: Store | None) -> list[Finding]:
    """Streamlit options: development mode, error details, XSRF, CORS, usage statistics, upload size, TLS."""
    st = settings.streamlit
    found = [Finding("streamlit_config_unreadable", "error", str(path), params={"path": str(path), "detail": why})
             for path, why in st.unreadable]

    def finding(code: str, severity: Severity, option: str, **params: Any) -> Finding:
        return Finding(code, severity, option, value=_shown(st.get(option)), source=st.source(option),
                       params=params)

    if st.get("global.developmentMode") is True:
        found.append(finding("development_mode", "error", "global.developmentMode"))
    details = st.get("client.showErrorDetails")
    if details in (True, False, "full", "stacktrace"):  # False is the deprecated form of "stacktrace"
        found.append(finding("error_details", "error", "client.showErrorDetails", value=_shown(details)))
    elif details == "type":
        found.append(finding("error_types", "warning", "client.showErrorDetails"))
    if st.get("server.enableXsrfProtection") is False:
        found.append(finding("xsrf_off", "error", "server.enableXsrfProtection"))
    if st.get("server.enableCORS") is False:
        found.append(finding("cors_off", "warning", "server.enableCORS"))
    if st.get("browser.gatherUsageStats") is not False:
        found.append(finding("usage_stats", "warning", "browser.gatherUsageStats"))
    upload = st.get("server.maxUploadSize")
    limit = settings.upload_limits.data_bytes // MIB
    if not isinstance(upload, int | float) or upload > limit:
        found.append(finding("upload_limit", "warning", "server.maxUploadSize", value=_shown(upload), limit=limit))
    if st.get("server.sslCertFile"):
        found.append(finding("tls_builtin", "warning", "server.sslCertFile"))
    else:
        found.append(finding("tls_proxy", "info", "server.sslCertFile"))
    return found


def check_static_files(settings: Settings, store: Store | None) -> list[Finding]:
    """With static serving on, ``static/`` may hold only front-end library files under ``vendor/``."""
    st = settings.streamlit
    static = settings.root / "static"
    if st.get("server.enableStaticServing") is not True or not static.is_dir():
        return []
    exposed = sorted(_exposed_static_files(static))
    if not exposed:
        return []
    shown = ", ".join(exposed[:_SHOWN_FILES]) + (" …" if len(exposed) > _SHOWN_FILES else "")
    return [Finding("static_files", "error", "server.enableStaticServing", value="true",
                    source=st.source("server.enableStaticServing"),
                    params={"count": len(exposed), "files": shown})]


def check_database(settings: Settings, store: Store | None) -> list[Finding]:
    """A well-known password in a PostgreSQL URL, or an SQLite file other users can read."""
    url = store.url if store is not None and getattr(store, "url", None) else settings.db_url
    if url.startswith("sqlite:///"):
        return _check_sqlite_file(Path(url.removeprefix("sqlite:///")))
    parts = urlsplit(url)
    user = unquote(parts.username or "")
    password = unquote(parts.password) if parts.password is not None else None
    if password is None:
        password = next(iter(parse_qs(parts.query).get("password", [])), None)
    if password is None:
        return []
    if password.lower() in DEFAULT_DB_PASSWORDS or password == user or not password:
        return [Finding("db_default_password", "error", "GRIDMAP_DB", value=_redacted(url), params={"user": user})]
    return [Finding("db_password_in_url", "info", "GRIDMAP_DB", value=_redacted(url))]


MIN_SECRET_LENGTH = 32  # characters of GRIDMAP_SECRET


def check_session(settings: Settings, store: Store | None) -> list[Finding]:
    """Every unusable setting (its default is used), an idle time above :data:`MAX_IDLE_MINUTES`, a short secret."""
    found = []
    for bad in settings.invalid:
        if bad.variable == "GRIDMAP_SESSION_IDLE_MINUTES":
            found.append(Finding("idle_invalid", "warning", bad.variable, value=bad.value,
                                 params={"value": bad.value, "default": bad.default}))
        elif bad.expected == "switch":
            found.append(Finding("switch_invalid", "warning", bad.variable, value=bad.value,
                                 params={"variable": bad.variable, "value": bad.value, "default": bad.default}))
        else:
            found.append(Finding("setting_invalid", "warning", bad.variable, value=bad.value,
                                 params={"variable": bad.variable, "value": bad.value, "default": bad.default}))
    if settings.session_idle_minutes > MAX_IDLE_MINUTES:
        found.append(Finding("idle_too_long", "warning", "GRIDMAP_SESSION_IDLE_MINUTES",
                             value=str(settings.session_idle_minutes),
                             params={"minutes": settings.session_idle_minutes, "max": MAX_IDLE_MINUTES}))
    if settings.session_secret and len(settings.session_secret) < MIN_SECRET_LENGTH:
        # An error: a short key lets anyone who guesses it forge a sign-in cookie.
        found.append(Finding("secret_too_short", "error", "GRIDMAP_SECRET",
                             params={"length": len(settings.session_secret), "min": MIN_SECRET_LENGTH}))
    return found


def check_tiles(settings: Settings, store: Store | None) -> list[Finding]:
    """A tile configuration the map cannot use (as the map page finds it), or a Tianditu key set for nothing."""
    from gridmap.maps.tiles import TileConfigError, tile_source

    try:
        tile_source(settings)
    except TileConfigError as exc:
        # The problem is the map page's own message (exc.message_key), word for word.
        return [Finding("tiles_invalid", "warning", "GRIDMAP_TILES", value=settings.tiles_raw or None,
                        params=exc.values, problem_key=exc.message_key)]
    if settings.tianditu_key and settings.tiles not in TIANDITU_SOURCES:
        return [Finding("tile_key_unused", "info", "GRIDMAP_TIANDITU_KEY", params={"tiles": settings.tiles})]
    return []


CHECKS: tuple[Check, ...] = (
    check_demo_passwords,
    check_environment,
    check_streamlit,
    check_static_files,
    check_database,
    check_session,
    check_tiles,
)


# --------------------------------------------------------------------------- helpers


def _exposed_static_files(static: Path) -> Iterator[str]:
    """Paths under ``static`` (relative, POSIX) that are not vendor assets, and every symlink."""
    for folder, dirs, files in os.walk(static):
        here = Path(folder)
        for name in [*dirs, *files]:
            path = here / name
            relative = path.relative_to(static).as_posix()
            if path.is_symlink():
                yield relative + " -> symlink"
            elif name in files and path.stat().st_size > 0 and not _is_vendor_file(PurePosixPath(relative)):
                yield relative  # empty files (make's stamps, .gitkeep) reveal nothing


def _is_vendor_file(relative: PurePosixPath) -> bool:
    if len(relative.parts) == 1:  # top level: only a read-me or .gitignore
        return bool(_DOC_NAMES.match(relative.name)) or relative.name == ".gitignore"
    return relative.parts[0] == STATIC_VENDOR and (
        relative.suffix.lower() in VENDOR_SUFFIXES or bool(_DOC_NAMES.match(relative.name)))


def _check_sqlite_file(path: Path) -> list[Finding]:
    exposed = []
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = candidate.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IROTH | stat.S_IWOTH):
            exposed.append(f"{candidate} ({stat.filemode(mode)})")
    if not exposed:
        return []
    return [Finding("sqlite_world_readable", "error", "GRIDMAP_DB", value=f"sqlite:///{path}",
                    params={"files": ", ".join(exposed), "path": str(path)})]


def _redacted(url: str) -> str:
    """``url`` with any password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is not None:
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        parts = parts._replace(netloc=f"{user}:***@{netloc[1]}")
    query = re.sub(r"(?i)(^|&)(password=)[^&]*", r"\1\2***", parts.query)
    return parts._replace(query=query).geturl()


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


__all__ = [
    "CHECKS",
    "MAX_IDLE_MINUTES",
    "PRODUCTION",
    "SEVERITIES",
    "STREAMLIT_DEFAULTS",
    "Check",
    "Finding",
    "InvalidSetting",
    "Settings",
    "StreamlitConfig",
    "check_config",
    "check_deployment",
    "format_findings",
    "load_settings",
    "production_blockers",
    "read_streamlit_config",
    "streamlit_env_var",
]
