"""The Streamlit app run headless with AppTest: frame, overview page, error handling."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.summary import layer_counts
from gridmap.ui import AUTH_KEY
from gridmap.ui.text import fmt_count
from tests.conftest import REPO_ROOT, TEST_PASSWORD

APP = str(REPO_ROOT / "app.py")
TIMEOUT_S = 60


def run_app(monkeypatch: pytest.MonkeyPatch, db_url: str, lang: str | None = None,
            user: str | None = "admin", page: str | None = "overview.py") -> AppTest:
    """Run the app against ``db_url`` signed in as ``user`` (None: signed out), on ``page``."""
    monkeypatch.setenv("GRIDMAP_DB", db_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if user is not None:
        at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if lang is not None:
        at.sidebar.radio(key="lang").set_value(lang).run()
        assert not at.exception, [e.value for e in at.exception]
    if user is not None and page is not None and not at.error:
        at.switch_page(f"pages/{page}").run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def table_rows(at: AppTest, index: int) -> dict[str, str]:
    """First column -> second column of the ``index``-th ``st.table``."""
    df = at.table[index].value
    return {str(k): str(v) for k, v in zip(df.index, df.iloc[:, 0], strict=True)}


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_empty_store_offers_sign_in_and_says_how_to_create_an_account(monkeypatch: pytest.MonkeyPatch,
                                                                      empty_db_url: str) -> None:
    at = run_app(monkeypatch, empty_db_url, user=None)
    assert [e.value for e in at.title] == ["登录网格一张图"]
    assert any("还没有任何用户账号" in e.value and "users add" in e.value for e in at.info)
    assert not at.error
    assert at.sidebar.radio(key="lang").value == "zh"


def test_overview_counts_per_level_and_layer(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url)
    assert [e.value for e in at.title] == ["总览"]
    assert not at.error
    levels, layers = table_rows(at, 0), table_rows(at, 1)
    assert levels == {"县": "1", "乡镇(街道)": "1", "村(社区)": "1", "网格": "1", "微网格": "2"}
    assert layers["区划与网格"] == "6"
    assert layers["实有房屋"] == "2"
    assert layers["事件"] == "0"
    assert metrics(at) == {"微网格": "2", "实有房屋": "2", "事件": "0", "服务站点": "0"}
    assert at.table[0].value.index.name == "层级"
    captions = " ".join(c.value for c in at.caption)
    assert "2026\\-11\\-20 18\\:00" in captions  # OVERVIEW_AS_OF, escaped for markdown
    assert "第 2 版" in captions
    assert any("苍南县" in m.value and "330327" in m.value for m in at.markdown)
    assert any("近似范围" in e.value for e in at.info), "approximate boundaries must be flagged"


def test_english_labels(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url, lang="en")
    assert [e.value for e in at.title] == ["Overview"]
    assert table_rows(at, 0)["Micro-grid"] == "2"
    assert table_rows(at, 1)["Households"] == "2"
    assert at.table[1].value.index.name == "Layer"
    assert any("approximations" in e.value for e in at.info)


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("nosuchdb://somewhere/gridmap", None),
        ("postgresql://gridmap:s3cret-pw@127.0.0.1:1/gridmap", "s3cret-pw"),
    ],
)
def test_a_store_that_cannot_be_opened_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, url: str,
                                                         secret: str | None) -> None:
    at = run_app(monkeypatch, url)
    assert len(at.error) == 1
    message = at.error[0].value
    assert "无法打开数据存储" in message
    assert "`GRIDMAP_DB`" in message  # the hint names the setting to fix
    if secret is not None:
        everything = " ".join(str(e.value) for e in [*at.error, *at.caption, *at.markdown, *at.info])
        assert secret not in everything
        assert "\\*\\*\\*" in message
    assert not at.table and not at.metric


def test_a_store_path_that_is_not_a_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    at = run_app(monkeypatch, f"sqlite:///{blocker}/gridmap.db")
    assert len(at.error) == 1 and "无法打开数据存储" in at.error[0].value


def test_demo_store_shows_its_counts(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    with open_store(demo_db_url) as store:
        info = layer_counts(Session.system(store, Scope.county(store.counties()[0])))
    at = run_app(monkeypatch, demo_db_url)
    assert not at.error
    assert metrics(at)["微网格"] == fmt_count(info["levels"]["micro"])
    assert table_rows(at, 1)["实有房屋"] == fmt_count(info["layers"]["households"])
    assert info["levels"]["micro"] > 0 and info["layers"]["households"] > 0


def test_every_page_file_is_in_the_navigation() -> None:
    import app

    listed = {spec.file for spec in (*app.PAGES, app.SIGN_IN)}
    on_disk = {p.name for p in app.PAGES_DIR.glob("*.py")}
    assert listed == on_disk
    assert len({spec.url_path for spec in app.PAGES}) == len(app.PAGES)


PAGE_USER = {"report.py": "worker", "queue.py": "worker", "my_reports.py": "worker"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page_file", sorted(p.name for p in (REPO_ROOT / "pages").glob("*.py")))
def test_every_page_runs(monkeypatch: pytest.MonkeyPatch, overview_db_url: str, page_file: str,
                         lang: str) -> None:
    # Issue 12: the report, queue and "my reports" pages are for roles that report and handle issues.
    user = None if page_file == "sign_in.py" else PAGE_USER.get(page_file, "admin")
    at = run_app(monkeypatch, overview_db_url, lang=lang, user=user, page=None)
    at.switch_page(f"pages/{page_file}").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert len(at.title) == 1


def _string_literals(path: Path) -> list[str]:
    """String constants of a module, leaving out docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


@pytest.mark.parametrize("path", [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "pages").glob("*.py"))],
                         ids=lambda p: p.name)
def test_pages_take_their_words_from_i18n(path: Path) -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    assert [s for s in _string_literals(path) if han.search(s)] == []


def test_the_library_does_not_import_streamlit() -> None:
    """Rule 1 of the architecture: only gridmap/ui may import Streamlit."""
    offenders = []
    for path in (REPO_ROOT / "gridmap").rglob("*.py"):
        if "ui" in path.relative_to(REPO_ROOT / "gridmap").parts[:1]:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "streamlit" or n.startswith(("streamlit.", "streamlit_")) for n in names):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []


# --------------------------------------------------------------------------- sign-in and roles


def test_sign_in_form_wrong_then_right(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url, user=None)
    assert [e.value for e in at.title] == ["登录网格一张图"]
    at.text_input(key="sign_in_user").input("worker")
    at.text_input(key="sign_in_password").input("wrong-password-1")
    at.button[0].click().run()
    assert any("用户名或密码不正确" in e.value for e in at.error)
    at.text_input(key="sign_in_user").input("worker")
    at.text_input(key="sign_in_password").input(TEST_PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.title] == ["随手拍上报"]  # a grid worker's first page (issue 12: report)
    at.switch_page("pages/overview.py").run()
    assert [e.value for e in at.title] == ["总览"]
    # The grid worker sees their grid and below: no county, town or village row.
    assert metrics(at)["微网格"] == "2"
    assert table_rows(at, 0) == {"县": "0", "乡镇(街道)": "0", "村(社区)": "0", "网格": "1", "微网格": "2"}


def test_grid_worker_is_refused_the_audit_page(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    """The page checks the role itself, even when run directly (not through the menu)."""
    monkeypatch.setenv("GRIDMAP_DB", overview_db_url)
    at = AppTest.from_file(str(REPO_ROOT / "pages" / "audit.py"), default_timeout=TIMEOUT_S)
    at.session_state[AUTH_KEY] = {"username": "worker", "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception
    assert any("没有" in e.value and "操作审计" in e.value for e in at.error)
    assert not at.dataframe


def test_department_handler_sees_no_households(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url, user="dept")
    assert "实有房屋" not in table_rows(at, 1)
    assert metrics(at)["实有房屋"] == "—"


def test_expired_session_signs_out_with_a_notice(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    monkeypatch.setenv("GRIDMAP_DB", overview_db_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    long_ago = now() - dt.timedelta(hours=2)
    at.session_state[AUTH_KEY] = {"username": "admin", "signed_in_at": long_ago, "last_seen": long_ago}
    at.run()
    assert [e.value for e in at.title] == ["登录网格一张图"]
    assert any("长时间未操作" in w.value for w in at.warning)


def test_audit_page_filters(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url)
    at.switch_page("pages/audit.py").run()
    assert [e.value for e in at.title] == ["操作审计"]
    everything = at.dataframe[0].value
    assert len(everything) >= 3  # the seed's inserts and the three accounts
    at.text_input(key="audit_actor").input("tester").run()
    only = at.dataframe[0].value
    assert 0 < len(only) < len(everything)
    assert set(only["操作人"]) == {"tester"}
    at.text_input(key="audit_actor").input("nobody-at-all").run()
    assert not at.dataframe and any("没有符合条件" in e.value for e in at.info)


def test_production_refuses_to_start_with_demo_passwords(monkeypatch: pytest.MonkeyPatch, demo_db_url: str) -> None:
    monkeypatch.setenv("GRIDMAP_ENV", "production")
    at = run_app(monkeypatch, demo_db_url, user=None)
    assert len(at.error) == 1
    assert "拒绝启动" in at.error[0].value and "commander" in at.error[0].value
    assert not at.title


def test_sidebar_shows_the_store_and_the_data_as_of_time(monkeypatch: pytest.MonkeyPatch,
                                                         overview_db_url: str) -> None:
    at = run_app(monkeypatch, overview_db_url, page=None)
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert "内置 SQLite 文件" in sidebar
    assert "2026\\-11\\-20 18\\:00" in sidebar  # OVERVIEW_AS_OF, escaped for markdown
