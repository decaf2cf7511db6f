"""Issue 9, item 4: the audit table showed raw codes (``sign_in``, ``update``, ``users``, ``None``).

The Chinese audit page now names every action and layer in the selected language, and
an empty target or before/after cell is empty rather than ``None``.
"""

from __future__ import annotations

import pytest

from gridmap.domain import LAYERS
from gridmap.i18n import t
from gridmap.store import open_store
from gridmap.store.base import Scope
from gridmap.ui import audit_action_label, audit_layer_label
from tests.test_app import run_app

ACTIONS = ("insert", "replace", "update", "update_many", "delete", "set_meta", "sign_in", "sign_in_token",
           "sign_in_failed", "sign_in_refused", "sign_out")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_action_and_layer_has_words(lang: str) -> None:
    for action in ACTIONS:
        assert audit_action_label(action, lang) == t(f"audit.action.{action}", lang)
    for name in (*LAYERS, "meta"):
        assert audit_layer_label(name, lang) != name or (lang == "en" and name == "meta")
    assert audit_action_label(None, lang) == "" and audit_layer_label(None, lang) == ""
    assert audit_action_label("something_new", lang) == "something_new"  # unknown: as stored


def test_the_chinese_audit_table_shows_no_raw_code(monkeypatch: pytest.MonkeyPatch, overview_db_url: str) -> None:
    with open_store(overview_db_url) as store, store.transaction("admin", Scope.county("330327")) as tx:
        tx.audit("sign_in", "users", target="admin")
    at = run_app(monkeypatch, overview_db_url)
    at.switch_page("pages/audit.py").run()
    table = at.dataframe[0].value
    shown = {*table["操作"], *table["图层"]}
    assert "登录" in shown and "新增" in shown and "用户账号" in shown
    assert not shown & {*ACTIONS, *LAYERS, "meta"}, shown
    for column in ("对象", "修改前", "修改后"):
        assert "None" not in set(table[column].astype(str)), column
