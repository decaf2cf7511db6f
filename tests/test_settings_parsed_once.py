"""Issue 8, defect 6: settings were read from the environment in seven modules, by two
parsers that disagreed. With ``GRIDMAP_SESSION_IDLE_MINUTES=0`` the app signed the user
out at every click (``auth._env_int`` took 0) while ``check-config`` reported that the
default 30 was used (``config.load_settings`` refused 0).

Now :mod:`gridmap.settings` is the only module that reads the environment; the app's
session timeout and ``check-config`` both come from its :class:`Settings`.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gridmap import auth
from gridmap.config import check_config
from gridmap.i18n import t
from gridmap.maps.tiles import TileConfigError, tile_source
from gridmap.settings import IDLE_MINUTES_DEFAULT, get_settings, load_settings, reset_settings, variables
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parents[1]
SETTINGS_MODULE = REPO / "gridmap" / "settings.py"
BAD_IDLE = ["0", "abc", "-5", "1.5", " 0 "]


class _Account:
    """A store that only knows one enabled account (all :func:`auth.session_problem` asks after the clock)."""

    url = "memory://"

    def account(self, username: str) -> dict[str, Any] | None:
        return {"id": username, "disabled": False, "password_set_at": None}


def _app_policy() -> auth.SessionPolicy:
    """The session policy as the app builds it (``gridmap/ui/auth.py``: ``current_session``)."""
    return auth.SessionPolicy.from_settings(get_settings())


@pytest.mark.parametrize("raw", BAD_IDLE)
def test_bad_idle_minutes_same_in_app_and_check_config(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    monkeypatch.setenv("GRIDMAP_SESSION_IDLE_MINUTES", raw)
    reset_settings()
    policy = _app_policy()
    findings = [f for f in check_config(None, get_settings()) if f.setting == "GRIDMAP_SESSION_IDLE_MINUTES"]
    assert [f.code for f in findings] == ["idle_invalid"], findings
    assert findings[0].params["default"] == policy.idle_minutes == IDLE_MINUTES_DEFAULT
    # And the app behaves as reported: one idle minute does not sign the user out.
    at = dt.datetime(2026, 5, 1, 9, 0, tzinfo=dt.UTC)
    problem = auth.session_problem(_Account(), "wang", at - dt.timedelta(minutes=2),  # type: ignore[arg-type]
                                   at - dt.timedelta(minutes=1), at, policy)
    assert problem is None


def test_good_idle_minutes_used_by_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDMAP_SESSION_IDLE_MINUTES", "5")
    reset_settings()
    assert _app_policy().idle_minutes == 5 == get_settings().session_idle_minutes
    assert not [f for f in check_config(None, get_settings()) if f.setting == "GRIDMAP_SESSION_IDLE_MINUTES"]


def test_check_config_command_reports_what_the_app_uses(tmp_path: Path) -> None:
    """The command line (a separate process) reads the same Settings."""
    env = {"GRIDMAP_SESSION_IDLE_MINUTES": "0", "GRIDMAP_DB": f"sqlite:///{tmp_path / 'none.db'}"}
    result = run_cli("check-config", "--json", env=env)
    report = json.loads(result.stdout)
    idle = [f for f in report["findings"] if f["setting"] == "GRIDMAP_SESSION_IDLE_MINUTES"]
    assert [f["code"] for f in idle] == ["idle_invalid"]
    assert f"{IDLE_MINUTES_DEFAULT}" in idle[0]["problem"]["en"]
    assert load_settings(env).session_idle_minutes == IDLE_MINUTES_DEFAULT


@pytest.mark.parametrize(("variable", "raw", "field", "default"), [
    ("GRIDMAP_SESSION_MAX_HOURS", "0", "session_max_hours", 12),
    ("GRIDMAP_LIVE_SECONDS", "-1", "live_seconds", 30),
    ("GRIDMAP_LIVE_SECONDS", "soon", "live_seconds", 30),
    ("GRIDMAP_LIVE_TRIM", "maybe", "live_trim", True),
    ("GRIDMAP_HOTSPOTS_WARM", "maybe", "hotspots_warm", True),
])
def test_every_unusable_value_is_reported_and_defaulted(variable: str, raw: str, field: str,
                                                        default: object) -> None:
    settings = load_settings({variable: raw})
    assert getattr(settings, field) == default
    assert [bad.variable for bad in settings.invalid] == [variable]
    assert [f.setting for f in check_config(None, settings) if f.code.endswith("_invalid")] == [variable]


@pytest.mark.parametrize("env", [{"GRIDMAP_TILES": "google"}, {"GRIDMAP_TILES": "tianditu"},
                                 {"GRIDMAP_TILE_URL": "http://x/{z}/{x}/{y}.png"}])
def test_a_tile_configuration_the_map_refuses_is_reported(env: dict[str, str]) -> None:
    """The map page's error (TileConfigError) and check-config come from the same Settings."""
    settings = load_settings(env)
    with pytest.raises(TileConfigError) as refused:
        tile_source(settings)
    found = [f for f in check_config(None, settings) if f.code == "tiles_invalid"]
    assert len(found) == 1
    for lang in ("zh", "en"):
        assert found[0].problem(lang) == t(refused.value.message_key, lang, **refused.value.values)


def test_live_trim_switch() -> None:
    assert load_settings({"GRIDMAP_LIVE_TRIM": "0"}).live_trim is False
    assert load_settings({}).live_trim is True


def test_settings_are_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    first = get_settings()
    monkeypatch.setenv("GRIDMAP_SESSION_IDLE_MINUTES", "7")
    assert get_settings() is first
    reset_settings()
    assert get_settings().session_idle_minutes == 7


# --------------------------------------------------------------------------- one reader


def _environment_reads(path: Path) -> list[str]:
    """``path:line`` of every read of the process environment in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb", "putenv"):
            name = node.attr
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            names = {alias.name for alias in node.names} & {"environ", "getenv", "environb"}
            name = ", ".join(sorted(names)) or None
        if name:
            found.append(f"{path.relative_to(REPO)}:{node.lineno} ({name})")
    return found


def test_no_module_but_settings_reads_the_environment() -> None:
    sources = [*sorted((REPO / "gridmap").rglob("*.py")), REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
    offenders = [hit for path in sources if path != SETTINGS_MODULE for hit in _environment_reads(path)]
    assert not offenders, "read the environment outside gridmap/settings.py: " + "; ".join(offenders)
    assert _environment_reads(SETTINGS_MODULE), "the scan finds the one module that does read it"


def test_every_variable_named_in_the_code_is_a_setting() -> None:
    """A ``GRIDMAP_*`` name in gridmap/ that is not a Settings field is a setting read somewhere else."""
    known = set(variables())
    named: dict[str, str] = {}
    for path in [*(REPO / "gridmap").rglob("*.py"), REPO / "app.py", *(REPO / "pages").glob("*.py")]:
        for match in re.finditer(r"GRIDMAP_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")):
            named.setdefault(match.group(), str(path.relative_to(REPO)))
    unknown = {name: where for name, where in named.items() if name not in known}
    assert not unknown, f"named in the code but not a field of gridmap.settings.Settings: {unknown}"


# --------------------------------------------------------------------------- import cycle


def _imports(path: Path, package: str) -> set[str]:
    """The gridmap modules ``path`` imports anywhere (module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name == package or name.startswith(package + ".")}


def _import_graph() -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for path in (REPO / "gridmap").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return {name: {m for m in _imports(path, "gridmap") if m in modules and m != name}
            for name, path in modules.items()}


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """An import path from ``start`` to ``goal``, or None."""
    paths = {start: [start]}
    todo = [start]
    while todo:
        here = todo.pop()
        for nxt in sorted(graph.get(here, ())):
            if nxt not in paths:
                paths[nxt] = [*paths[here], nxt]
                if nxt == goal:
                    return paths[nxt]
                todo.append(nxt)
    return None


def test_config_and_uploads_do_not_import_each_other() -> None:
    graph = _import_graph()
    there = _reaches(graph, "gridmap.config", "gridmap.uploads")
    back = _reaches(graph, "gridmap.uploads", "gridmap.config")
    assert not (there and back), f"import cycle: {' -> '.join(there or [])} and {' -> '.join(back or [])}"
    assert not graph["gridmap.settings"], f"gridmap.settings must import no gridmap module: {graph['gridmap.settings']}"


@pytest.mark.parametrize("first", ["gridmap.uploads", "gridmap.config", "gridmap.settings"])
def test_each_module_imports_first_in_a_fresh_process(first: str) -> None:
    code = f"import {first}, gridmap.config, gridmap.uploads; print('ok')"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_hotspots_warm_switch() -> None:
    assert load_settings({"GRIDMAP_HOTSPOTS_WARM": "0"}).hotspots_warm is False
    assert load_settings({}).hotspots_warm is True
