"""gridmap.config: each check finds its risky setting, and is quiet once it is fixed.

Settings come from a temporary project directory (``.streamlit/config.toml``,
``static/``), a temporary home and an explicit environment, never from the machine
running the tests. One test runs ``python -m gridmap check-config`` as an operator would.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gridmap import auth
from gridmap.auth import DEMO_ACCOUNTS, create_demo_accounts, hash_password
from gridmap.config import (
    CHECKS,
    STREAMLIT_DEFAULTS,
    Finding,
    Settings,
    check_config,
    check_deployment,
    format_findings,
    load_settings,
    production_blockers,
    streamlit_env_var,
)
from gridmap.store import Store, StoreError, open_store
from gridmap.store.base import now
from tests.conftest import run_cli
from tests.store_fixtures import SCOPE, tiny_units

# What a production deployment should have: TLS is left to a proxy (an info note remains).
GOOD_TOML = """\
[client]
showErrorDetails = "none"

[browser]
gatherUsageStats = false

[server]
maxUploadSize = 50
address = "127.0.0.1"
"""


class Project:
    """A temporary deployment: project directory, home directory and environment."""

    def __init__(self, tmp_path: Path) -> None:
        self.root = tmp_path / "project"
        self.home = tmp_path / "home"
        self.root.mkdir()
        self.home.mkdir()
        self.db = tmp_path / "data" / "gridmap.db"
        self.env: dict[str, str] = {"GRIDMAP_ENV": "production", "GRIDMAP_DB": f"sqlite:///{self.db}"}
        self.write_config(GOOD_TOML)

    def write_config(self, text: str, *, home: bool = False) -> None:
        folder = (self.home if home else self.root) / ".streamlit"
        folder.mkdir(exist_ok=True)
        (folder / "config.toml").write_text(text, encoding="utf-8")

    def add_config(self, toml: str) -> None:
        """The good config with the settings of ``toml`` (``[section]`` then lines) added or replaced."""
        self.write_config(_with(toml))

    def settings(self) -> Settings:
        return load_settings(self.env, root=self.root, home=self.home)

    def codes(self, store: Store | None = None) -> dict[str, str]:
        """code -> severity of every finding."""
        return {f.code: f.severity for f in check_config(store, self.settings())}


def _with(toml: str) -> str:
    """:data:`GOOD_TOML` with the lines of ``toml`` (``[section]`` first) put in that section.

    A key already in the section is replaced: TOML forbids assigning a key twice.
    """
    section, *lines = toml.strip().splitlines()
    keys = {line.split("=")[0].strip() for line in lines}
    if section not in GOOD_TOML:
        return GOOD_TOML + f"\n{section}\n" + "\n".join(lines) + "\n"
    out, current = [], ""
    for line in GOOD_TOML.splitlines():
        if line.startswith("["):
            current = line
        elif current == section and line.split("=")[0].strip() in keys:
            continue
        out.append(line)
        if line == section:
            out.extend(lines)
    return "\n".join(out) + "\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture
def demo_store(project: Project) -> Iterator[Store]:
    """An SQLite store (mode 600) holding the tiny county and the demo accounts."""
    project.db.parent.mkdir(parents=True)
    store = open_store(project.env["GRIDMAP_DB"])
    with store.transaction("tester", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    create_demo_accounts(store, SCOPE.county_code)
    for path in project.db.parent.iterdir():
        path.chmod(0o600)
    try:
        yield store
    finally:
        store.close()


def _set_passwords(store: Store, names: list[str]) -> None:
    with store.transaction("tester", SCOPE) as tx:
        for name in names:
            tx.update("users", name, {"password_hash": hash_password("a-new-Strong-passw0rd"),
                                      "password_set_at": now()})


# --------------------------------------------------------------------------- the whole


def test_a_good_production_deployment_has_no_blockers(project: Project) -> None:
    assert project.codes() == {"tls_proxy": "info"}
    assert production_blockers(None, project.settings()) == []


def test_findings_come_errors_first_and_blockers_are_the_errors(project: Project) -> None:
    project.env.pop("GRIDMAP_ENV")
    project.write_config("[server]\nenableXsrfProtection = false\n")
    findings = check_config(None, project.settings())
    severities = [f.severity for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    blockers = production_blockers(None, project.settings())
    assert blockers and all(f.severity == "error" for f in blockers)
    assert {f.code for f in blockers} == {f.code for f in findings if f.severity == "error"}


def test_every_finding_explains_itself_in_both_languages(project: Project) -> None:
    project.env.update({"GRIDMAP_ENV": "dev", "GRIDMAP_SESSION_IDLE_MINUTES": "600", "GRIDMAP_TIANDITU_KEY": "k",
                        "GRIDMAP_DB": "postgresql://gridmap:gridmap@db/gridmap"})
    project.write_config("[global]\ndevelopmentMode = true\n[server]\nenableCORS = false\n"
                         "enableXsrfProtection = false\nsslCertFile = 'c.pem'\n")
    findings = check_config(None, project.settings())
    assert len(findings) >= 9
    for f in findings:
        assert f.problem("zh") != f.problem("en") and f.fix("zh") != f.fix("en")
        assert "处理" in f.message("zh") and "Fix:" in f.message("en")
        record = f.as_dict()
        assert record["problem"]["zh"] == f.problem("zh") and record["fix"]["en"] == f.fix("en")
        assert "gridmap:gridmap@" not in json.dumps(record), "a password is never shown"


def test_the_checks_are_plain_callables() -> None:
    assert all(callable(check) and check.__doc__ for check in CHECKS)


# --------------------------------------------------------------------------- demo accounts


def test_demo_passwords_block_production_until_changed(project: Project, demo_store: Store) -> None:
    names = [a.username for a in DEMO_ACCOUNTS]
    [finding] = [f for f in check_config(demo_store, project.settings()) if f.code == "demo_passwords"]
    assert finding.severity == "error" and finding.value == ", ".join(names)
    assert "commander" in finding.problem("zh") and "set-password" in finding.fix("en")
    _set_passwords(demo_store, names[:-1])
    [finding] = [f for f in check_config(demo_store, project.settings()) if f.code == "demo_passwords"]
    assert finding.value == names[-1]
    _set_passwords(demo_store, names[-1:])
    assert project.codes(demo_store) == {"tls_proxy": "info"}


def test_a_store_that_cannot_be_checked_is_a_warning(project: Project, demo_store: Store,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(store: Store) -> list[str]:
        raise StoreError("no such table: users")

    monkeypatch.setattr(auth, "demo_passwords_in_use", broken)
    assert project.codes(demo_store)["demo_unchecked"] == "warning"


def test_check_deployment_does_not_create_a_missing_sqlite_file(project: Project) -> None:
    codes = {f.code for f in check_deployment(project.settings())}
    assert "store_missing" in codes and not project.db.exists()


def test_check_deployment_opens_the_store_and_finds_demo_passwords(project: Project, demo_store: Store) -> None:
    assert "demo_passwords" in {f.code for f in check_deployment(project.settings())}


# --------------------------------------------------------------------------- GRIDMAP_ENV


@pytest.mark.parametrize(("value", "found"), [(None, True), ("development", True), ("prod", True),
                                              ("production", False), (" Production ", False)])
def test_gridmap_env_must_be_production(project: Project, value: str | None, found: bool) -> None:
    project.env.pop("GRIDMAP_ENV")
    if value is not None:
        project.env["GRIDMAP_ENV"] = value
    assert ("not_production" in project.codes()) is found
    assert project.settings().production is not found


# --------------------------------------------------------------------------- Streamlit


@pytest.mark.parametrize(("toml", "code", "severity"), [
    ("[global]\ndevelopmentMode = true", "development_mode", "error"),
    ('[client]\nshowErrorDetails = "full"', "error_details", "error"),
    ('[client]\nshowErrorDetails = "stacktrace"', "error_details", "error"),
    ("[client]\nshowErrorDetails = true", "error_details", "error"),
    ("[client]\nshowErrorDetails = false", "error_details", "error"),  # deprecated false == "stacktrace"
    ('[client]\nshowErrorDetails = "type"', "error_types", "warning"),
    ("[server]\nenableXsrfProtection = false", "xsrf_off", "error"),
    ("[server]\nenableCORS = false", "cors_off", "warning"),
    ("[browser]\ngatherUsageStats = true", "usage_stats", "warning"),
    ("[server]\nmaxUploadSize = 200", "upload_limit", "warning"),
    ("[server]\nsslCertFile = '/etc/ssl/gridmap.pem'\nsslKeyFile = '/etc/ssl/gridmap.key'", "tls_builtin", "warning"),
])
def test_each_streamlit_setting_is_found(project: Project, toml: str, code: str, severity: str) -> None:
    project.add_config(toml)
    codes = project.codes()
    assert codes.get(code) == severity, codes
    finding = next(f for f in check_config(None, project.settings()) if f.code == code)
    assert finding.source == str(project.root / ".streamlit" / "config.toml")


def test_streamlit_defaults_are_risky_where_streamlit_is(project: Project) -> None:
    project.write_config("[theme]\nbase = 'light'\n")
    assert project.codes() == {"error_details": "error", "usage_stats": "warning", "upload_limit": "warning",
                               "tls_proxy": "info"}


def test_environment_variables_override_the_config_file(project: Project) -> None:
    project.write_config(GOOD_TOML.replace('"none"', '"full"') + "[global]\ndevelopmentMode = true\n")
    assert {"error_details", "development_mode"} <= set(project.codes())
    project.env.update({"STREAMLIT_CLIENT_SHOW_ERROR_DETAILS": "none", "STREAMLIT_GLOBAL_DEVELOPMENT_MODE": "false"})
    assert project.codes() == {"tls_proxy": "info"}
    project.env["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] = "false"
    finding = next(f for f in check_config(None, project.settings()) if f.code == "xsrf_off")
    assert finding.source == "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION" and finding.value == "false"


def test_the_project_config_overrides_the_home_config(project: Project) -> None:
    project.write_config("[browser]\ngatherUsageStats = true\n[server]\nenableCORS = false\n", home=True)
    assert project.codes() == {"cors_off": "warning", "tls_proxy": "info"}  # gatherUsageStats: project wins


def test_env_indirection_in_the_config_file(project: Project) -> None:
    project.write_config(GOOD_TOML.replace("maxUploadSize = 50", 'maxUploadSize = "env:UPLOAD_MB"'))
    project.env["UPLOAD_MB"] = "500"
    assert project.codes().get("upload_limit") == "warning"
    project.env["UPLOAD_MB"] = "50"
    assert "upload_limit" not in project.codes()


def test_the_upload_limit_follows_gridmaps_own_limit(project: Project) -> None:
    project.write_config(GOOD_TOML.replace("maxUploadSize = 50", "maxUploadSize = 200"))
    assert "upload_limit" in project.codes()
    project.env["GRIDMAP_UPLOAD_DATA_MB"] = "200"
    assert "upload_limit" not in project.codes()
    assert project.settings().upload_limits.data_bytes == 200 * 2**20
    project.env["GRIDMAP_UPLOAD_DATA_MB"] = "lots"
    assert project.codes().get("setting_invalid") == "warning"
    assert project.settings().upload_limits.data_bytes == 50 * 2**20


def test_an_unreadable_config_file_is_an_error(project: Project) -> None:
    project.write_config("[server\nmaxUploadSize = 50\n")
    assert project.codes().get("streamlit_config_unreadable") == "error"


@pytest.mark.parametrize("option", list(STREAMLIT_DEFAULTS))
def test_environment_variable_names_match_streamlits(option: str) -> None:
    from streamlit import config as st_config

    assert streamlit_env_var(option) == st_config._config_options_template[option].env_var


@pytest.mark.parametrize("option", list(STREAMLIT_DEFAULTS))
def test_defaults_match_streamlits(option: str) -> None:
    from streamlit import config as st_config

    if option == "global.developmentMode":  # computed: True only for a source checkout of Streamlit
        assert STREAMLIT_DEFAULTS[option] is False
        return
    assert st_config._config_options_template[option].default_val == STREAMLIT_DEFAULTS[option]


# --------------------------------------------------------------------------- static files


def _static(project: Project, *files: str, content: bytes = b"x") -> None:
    for name in files:
        path = project.root / "static" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def test_static_serving_with_vendor_assets_only_is_fine(project: Project) -> None:
    project.add_config("[server]\nenableStaticServing = true")
    _static(project, "vendor/leaflet/dist/leaflet.js", "vendor/leaflet/dist/leaflet.css",
            "vendor/leaflet/dist/images/marker-icon.png", "vendor/fontawesome-free/webfonts/fa-solid-900.woff2",
            "vendor/leaflet/LICENSE", "README.md")
    _static(project, "vendor/.installed", content=b"")
    assert "static_files" not in project.codes()


@pytest.mark.parametrize("name", ["households.geojson", "vendor/issues.csv", "exports/units.gpkg",
                                  "vendor/leaflet/data.json", "photos/issue-1.jpg", "gridmap.db"])
def test_data_under_static_is_an_error_when_static_serving_is_on(project: Project, name: str) -> None:
    _static(project, "vendor/leaflet/dist/leaflet.js", name)
    assert "static_files" not in project.codes()  # not served: static serving is off
    project.add_config("[server]\nenableStaticServing = true")
    finding = next(f for f in check_config(None, project.settings()) if f.code == "static_files")
    assert finding.severity == "error" and name in finding.problem("zh") and "/app/static/" in finding.problem("en")


def test_a_symlink_under_static_is_an_error(project: Project, tmp_path: Path) -> None:
    project.add_config("[server]\nenableStaticServing = true")
    _static(project, "vendor/leaflet/dist/leaflet.js")
    (project.root / "static" / "vendor" / "data").symlink_to(tmp_path)
    assert project.codes().get("static_files") == "error"


# --------------------------------------------------------------------------- database


@pytest.mark.parametrize(("url", "code"), [
    ("postgresql://postgres:postgres@db:5432/gridmap", "db_default_password"),
    ("postgresql://gridmap:gridmap@db/gridmap", "db_default_password"),
    ("postgresql://app:123456@db/gridmap", "db_default_password"),
    ("postgresql://app:Password@db/gridmap", "db_default_password"),
    ("postgresql://admin:admin@db/gridmap", "db_default_password"),
    ("postgresql://app:app@db/gridmap", "db_default_password"),  # the user name as password
    ("postgresql+psycopg://app@db/gridmap?password=postgres", "db_default_password"),
    ("postgresql://app:Xk%40-94hd-Lq2r@db/gridmap", "db_password_in_url"),
    ("postgresql://app@db/gridmap", None),
])
def test_database_passwords(project: Project, url: str, code: str | None) -> None:
    project.env["GRIDMAP_DB"] = url
    db = {f.code: f for f in check_config(None, project.settings()) if f.setting == "GRIDMAP_DB"}
    assert set(db) == ({code} if code else set())
    if code == "db_default_password":
        assert db[code].severity == "error" and "***" in (db[code].value or "")
    for finding in db.values():
        assert "postgres@" not in (finding.value or "") and "Xk%40" not in (finding.value or "")


def test_a_world_readable_sqlite_file_is_an_error(project: Project) -> None:
    project.db.parent.mkdir(parents=True)
    open_store(project.env["GRIDMAP_DB"]).close()
    project.db.chmod(0o600)
    assert "sqlite_world_readable" not in project.codes()
    project.db.chmod(0o644)
    finding = next(f for f in check_config(None, project.settings()) if f.code == "sqlite_world_readable")
    assert finding.severity == "error" and "-rw-r--r--" in finding.problem("en")
    project.db.chmod(0o600)
    wal = project.db.with_name(project.db.name + "-wal")
    wal.touch()
    wal.chmod(0o604)
    assert "sqlite_world_readable" in project.codes()
    wal.chmod(0o600)
    assert "sqlite_world_readable" not in project.codes()


# --------------------------------------------------------------------------- sessions and tiles


@pytest.mark.parametrize(("value", "code"), [(None, None), ("30", None), ("480", None),
                                             ("481", "idle_too_long"), ("1440", "idle_too_long"),
                                             ("abc", "idle_invalid"), ("0", "idle_invalid"), ("-5", "idle_invalid")])
def test_session_idle_minutes(project: Project, value: str | None, code: str | None) -> None:
    if value is not None:
        project.env["GRIDMAP_SESSION_IDLE_MINUTES"] = value
    codes = project.codes()
    assert {c for c in codes if c.startswith("idle")} == ({code} if code else set())
    if code:
        assert codes[code] == "warning"


@pytest.mark.parametrize(("secret", "found"), [(None, False), ("x" * 31, True), ("x" * 32, False)])
def test_a_short_session_secret_is_an_error(project: Project, secret: str | None, found: bool) -> None:
    if secret is not None:
        project.env["GRIDMAP_SECRET"] = secret
    codes = project.codes()
    assert ("secret_too_short" in codes) is found
    if found:
        assert codes["secret_too_short"] == "error"


@pytest.mark.parametrize(("tiles", "found"), [(None, True), ("osm", True), ("none", True),
                                              ("tianditu", False), ("Tianditu-Img", False)])
def test_a_tianditu_key_without_tianditu_tiles(project: Project, tiles: str | None, found: bool) -> None:
    project.env["GRIDMAP_TIANDITU_KEY"] = "0123456789abcdef"
    if tiles is not None:
        project.env["GRIDMAP_TILES"] = tiles
    assert (project.codes().get("tile_key_unused") == "info") is found
    project.env.pop("GRIDMAP_TIANDITU_KEY")
    assert "tile_key_unused" not in project.codes()


# --------------------------------------------------------------------------- command line


def test_format_findings_prints_chinese_then_english(project: Project) -> None:
    project.write_config("[server]\nenableXsrfProtection = false\n")
    text = format_findings(check_config(None, project.settings()))
    assert text.index("问题：") < text.index("Problem:") < text.index("处理：") < text.index("Fix:")
    assert "[错误 error] server.enableXsrfProtection = false" in text
    assert "未发现问题" in format_findings([]) and "No problems found" in format_findings([])


def test_cli_exit_status_and_json(project: Project, demo_store: Store) -> None:
    env = {**project.env, "HOME": str(project.home), "GRIDMAP_SESSION_IDLE_MINUTES": "30",
           "GRIDMAP_TIANDITU_KEY": "", "GRIDMAP_TILES": "", "GRIDMAP_UPLOAD_DATA_MB": "50",
           **{streamlit_env_var(o): str(v).lower() for o, v in
              {"client.showErrorDetails": "none", "browser.gatherUsageStats": False,
               "server.enableXsrfProtection": True, "server.enableCORS": True,
               "global.developmentMode": False, "server.enableStaticServing": False}.items()}}
    args = ("check-config", "--root", str(project.root), "--db", project.env["GRIDMAP_DB"])
    done = run_cli(*args, "--json", env=env)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    [demo] = [f for f in report["findings"] if f["code"] == "demo_passwords"]
    assert demo["severity"] == "error" and "commander" in demo["problem"]["zh"] and demo["fix"]["en"]
    assert report["errors"] == 1

    _set_passwords(demo_store, [a.username for a in DEMO_ACCOUNTS])
    done = run_cli(*args, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "错误 0 项" in done.stdout and "errors: 0" in done.stdout and "server.sslCertFile" in done.stdout

    done = run_cli(*args, env={**env, "STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION": "false"})
    assert done.returncode == 1 and "enableXsrfProtection" in done.stdout


def test_finding_is_a_small_record() -> None:
    finding = Finding("xsrf_off", "error", "server.enableXsrfProtection", value="false")
    assert finding.message("en").startswith("XSRF protection is off")
    assert os.path.basename(__file__) == "test_check_config.py"
