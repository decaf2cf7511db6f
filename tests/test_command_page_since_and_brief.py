"""The command map's issue-13 parts headless: "since you last looked" for commanders and
admins (stored at the first run, kept across reruns), the town brief's download button
below county view; neither for other roles. Both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.command.since import seen_key
from gridmap.domain import Scope
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from gridmap.ui.command import UNIT_KEY
from tests.brief_fixtures import seed_ranked
from tests.conftest import REPO_ROOT, add_test_users
from tests.store_fixtures import G1, VILLAGE

PAGE = str(REPO_ROOT / "pages" / "command_map.py")


@pytest.fixture
def url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'since.db'}"
    with open_store(url) as store:
        seed_ranked(store)
        add_test_users(store, {"boss": ("commander", "330327000000"), "gw": ("grid_worker", G1)})
    return url


def run(monkeypatch: pytest.MonkeyPatch, url: str, user: str, lang: str, unit: str | None = None) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.session_state[LANG_KEY] = lang
    if unit:
        at.session_state[UNIT_KEY] = unit
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize(("lang", "since", "brief"), [("zh", "自上次查看以来", "简报"), ("en", "Since you last looked",
                                                                                   "brief")])
def test_commander_sees_since_and_the_brief_button(monkeypatch: pytest.MonkeyPatch, url: str, lang: str,
                                                   since: str, brief: str) -> None:
    at = run(monkeypatch, url, "boss", lang, unit=VILLAGE)
    assert any(e.label.startswith(since) for e in at.expander)
    buttons = [b.label for b in at.get("download_button")]
    assert any(brief in b and "灵溪镇" in b for b in buttons), buttons
    with open_store(url) as store:
        stored = store.get_meta("330327", seen_key("boss"))
    assert stored, "the visit is stored"
    at.run()  # a rerun is the same visit: the window does not move
    with open_store(url) as store:
        audit = store.audit_log(Scope.county("330327"), limit=200)
    assert (audit["target"] == seen_key("boss")).sum() == 1


def test_no_brief_button_at_county_view(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    at = run(monkeypatch, url, "boss", "zh")
    assert not at.get("download_button")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_grid_worker_gets_neither(monkeypatch: pytest.MonkeyPatch, url: str, lang: str) -> None:
    at = run(monkeypatch, url, "gw", lang, unit=G1)
    assert not at.get("download_button")
    assert not any(("自上次" in e.label or "Since you" in e.label) for e in at.expander)
    with open_store(url) as store:
        assert store.get_meta("330327", seen_key("gw")) is None
