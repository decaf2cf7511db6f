"""Regression: pages reached the store around the Session (issue 8, habits).

The README says the :class:`~gridmap.access.Session` is the only way pages reach the
store, but pages counted units with ``store.count("units", session.scope)`` and the
page helpers read the plan version and the as-of time with
``session.store.current_plan(...)`` / ``store.get_meta(...)``: no role check. This test
reads the page code (``pages/*.py``, ``app.py``, ``gridmap/ui/*.py``) with :mod:`ast`
and fails on every use of a store handle outside the exceptions that the README's
"How it fits together" lists (the same list as :data:`ALLOWED`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gridmap.access import PERMISSIONS, Op, PermissionDenied, Session, User
from gridmap.domain import Role
from gridmap.store import Store
from tests.store_fixtures import COUNTY, G1, SCOPE

ROOT = Path(__file__).resolve().parent.parent
SCANNED = sorted([*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("gridmap/ui/*.py")])

# Names that hold a store handle in page code, and the calls that return one.
STORE_NAMES = frozenset({"store"})
STORE_CALLS = frozenset({"open_store", "cached_store", "store_or_stop"})

# (file, function) -> the store uses allowed there. Keep in step with README.md,
# "How it fits together".
ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    # The one handle per URL for the server.
    ("gridmap/ui/context.py", "cached_store"): frozenset({"open_store()"}),
    # The sidebar names the store (URL masked, backend) before sign-in too: no data.
    ("gridmap/ui/context.py", "store_box"): frozenset({"store.backend", "store.url"}),
    # Before sign-in there is no session: "no accounts yet" and the production check.
    ("gridmap/ui/auth.py", "sign_in_form"): frozenset({"store.has_accounts"}),
    ("gridmap/ui/auth.py", "refuse_insecure_production"): frozenset({"store.url"}),
    # The warm-up guard's key and the words for a store that fails mid-run: no data.
    ("app.py", "main"): frozenset({"store.url"}),
    # The start-up warm-up acts as the operator to find the commander accounts; what it
    # loads is cached under each commander's own Session.cache_key().
    ("gridmap/ui/warm.py", "commander_sessions"): frozenset({"store.counties"}),
    ("gridmap/ui/warm.py", "_run"): frozenset({"store.backend"}),
}


def _dotted(node: ast.expr) -> str:
    """``a.b.c`` for a chain of names and attributes; ``f()`` for a call of ``f``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_dotted(node.func)}()"
    return "<expr>"


def _is_store(node: ast.expr) -> bool:
    """Whether ``node`` evaluates to a store handle: ``store``, ``x.store``, ``cached_store(url)``."""
    if isinstance(node, ast.Name):
        return node.id in STORE_NAMES
    if isinstance(node, ast.Attribute):
        return node.attr == "store" and not (isinstance(node.value, ast.Name) and node.value.id == "gridmap")
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        return name in STORE_CALLS
    return False


class _Finder(ast.NodeVisitor):
    """Every store use in one module, as ``(function, line, use)``."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.found: list[tuple[str, int, str]] = []

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def _add(self, node: ast.AST, use: str) -> None:
        self.found.append((".".join(self.stack) or "<module>", getattr(node, "lineno", 0), use))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _is_store(node.value):
            # ``session.store.url``: report the handle (``session.store``), then stop.
            self._add(node, _dotted(node.value) if isinstance(node.value, ast.Attribute) else _dotted(node))
            return
        if _is_store(node) and not isinstance(node.ctx, ast.Store):  # ``f(session.store)``
            self._add(node, _dotted(node))
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name == "open_store":
            self._add(node, "open_store()")
        self.generic_visit(node)


def store_uses(path: Path) -> list[tuple[str, str, int, str]]:
    """``(file, function, line, use)`` for every store use in ``path``."""
    finder = _Finder()
    finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    rel = path.relative_to(ROOT).as_posix()
    return [(rel, func, line, use) for func, line, use in finder.found]


def _all_uses() -> list[tuple[str, str, int, str]]:
    return [use for path in SCANNED for use in store_uses(path)]


def test_pages_reach_store_only_via_session() -> None:
    assert SCANNED and all(p.exists() for p in SCANNED)
    allowed = ALLOWED
    offenders = [f"{file}:{line} in {func}: {use}" for file, func, line, use in _all_uses()
                 if use not in allowed.get((file, func), frozenset())]
    assert not offenders, ("page code reaches the store around the Session (use a Session method, or add "
                           "the exception to ALLOWED and to README.md 'How it fits together'):\n"
                           + "\n".join(offenders))


def test_every_allowed_store_use_still_exists() -> None:
    seen = {(file, func, use) for file, func, _, use in _all_uses()}
    stale = [f"{file} {func}: {use}" for (file, func), uses in ALLOWED.items() for use in uses
             if (file, func, use) not in seen]
    assert not stale, "allowed store uses that are gone (remove them here and in the README):\n" + "\n".join(stale)


def test_the_scanner_finds_direct_store_use(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("n = store.count('units', session.scope)\n"
                    "def f(session):\n    return session.store.current_plan('330327')\n"
                    "m = view.store.get_meta('330327', 'as_of')\n"
                    "s = open_store(url)\n"
                    "u = ui.store_or_stop(lang).url\n"
                    "ok = session.count('units')\n", encoding="utf-8")
    finder = _Finder()
    finder.visit(ast.parse(page.read_text(encoding="utf-8")))
    assert [(func, use) for func, _, use in finder.found] == [
        ("<module>", "store.count"), ("f", "session.store"), ("<module>", "view.store"),
        ("<module>", "open_store()"), ("<module>", "ui.store_or_stop().url")]


# --------------------------------------------------------------------------- the Session methods pages use now


def _grid_worker(store: Store) -> Session:
    return Session(store, User("worker-li", Role.GRID_WORKER, G1))


def test_session_gives_plan_meta_and_county_name_of_its_county(tiny_store: Store) -> None:
    with tiny_store.transaction("tester", SCOPE) as tx:
        tx.set_meta("plan_version", "2")
        tx.set_meta("as_of", "2026-11-21T18:00:00")
    session = _grid_worker(tiny_store)
    assert session.current_plan() == tiny_store.current_plan(COUNTY) == 2
    assert session.meta("as_of") == "2026-11-21T18:00:00"
    assert session.counties() == [COUNTY]
    assert (session.store_url, session.backend) == (tiny_store.url, tiny_store.backend)
    assert session.count("units") == tiny_store.count("units", session.scope) == 3  # G1 and its two micro-grids


def test_county_name_is_public_inside_the_county(tiny_store: Store) -> None:
    # Plan 1 holds the tiny county; a grid worker sees the county's name, not its rows.
    session = _grid_worker(tiny_store)
    assert session.county_name() == "苍南县"
    assert session.read("units", where={"level": "county"}).empty


def test_session_store_reads_need_the_read_permission(tiny_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    blind = dict(PERMISSIONS)
    blind[Role.GRID_WORKER] = frozenset(PERMISSIONS[Role.GRID_WORKER] - {Op.VIEW_MAP})
    monkeypatch.setattr("gridmap.access.PERMISSIONS", blind)
    session = _grid_worker(tiny_store)
    for call in (session.current_plan, lambda: session.meta("as_of"), session.counties, session.county_name,
                 lambda: session.count("units")):
        with pytest.raises(PermissionDenied):
            call()
