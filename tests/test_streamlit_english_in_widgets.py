"""Regression (issue 9, 4): Streamlit's own English inside our widgets.

Every multi-select showed "Select all" at the top of its list and "Choose options" when
empty, in the Chinese interface. Streamlit has no locale setting (1.67), so each
multi-select must pass ``select_all=False`` (an empty filter already means "all") and a
placeholder in the user's language. The check reads the source of every page and
``gridmap/ui`` module, so a new multi-select cannot forget it.
"""

from __future__ import annotations

import ast

from tests.conftest import REPO_ROOT

SCANNED = sorted([*REPO_ROOT.glob("pages/*.py"), REPO_ROOT / "app.py", *REPO_ROOT.glob("gridmap/ui/*.py")])


def _multiselects() -> list[tuple[str, ast.Call]]:
    calls = []
    for path in SCANNED:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "multiselect":
                calls.append((f"{path.relative_to(REPO_ROOT)}:{node.lineno}", node))
    return calls


def test_every_multiselect_hides_select_all_and_has_a_placeholder() -> None:
    calls = _multiselects()
    assert calls, "no multi-select found: the scan is broken"
    offenders = []
    for where, call in calls:
        keywords = {k.arg: k.value for k in call.keywords}
        select_all = keywords.get("select_all")
        if not (isinstance(select_all, ast.Constant) and select_all.value is False):
            offenders.append(f"{where}: no select_all=False")
        if "placeholder" not in keywords:
            offenders.append(f"{where}: no placeholder")
    assert not offenders, "; ".join(offenders)
