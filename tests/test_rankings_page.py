"""The rankings page (量化比评) headless: both languages, the roles that may and may not use it,
weights that change the order, and the raw vs smoothed figures."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from tests.brief_fixtures import seed_ranked
from tests.conftest import REPO_ROOT, add_test_users
from tests.store_fixtures import M1, M2, VILLAGE

PAGE = str(REPO_ROOT / "pages" / "rankings.py")


@pytest.fixture
def ranked_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'ranked.db'}"
    with open_store(url) as store:
        seed_ranked(store)
        add_test_users(store, {"boss": ("commander", "330327000000"), "adm": ("admin", "330327000000"),
                               "plan": ("planner", "330327000000"), "gw": ("grid_worker", VILLAGE + "01"),
                               "insp": ("inspector", "330327000000"), "dept": ("department", "330327000000")})
    return url


def run(monkeypatch: pytest.MonkeyPatch, url: str, user: str, lang: str = "zh") -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", url)
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state[AUTH_KEY] = {"username": user, "signed_in_at": now(), "last_seen": now()}
    at.session_state[LANG_KEY] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _rows(at: AppTest) -> list[str]:
    frame = at.dataframe[0].value
    return list(frame.iloc[:, 1])


@pytest.mark.parametrize(("lang", "title", "score"), [("zh", "量化比评", "得分"), ("en", "Rankings (量化比评)", "Score")])
def test_commander_ranks_micro_grids_by_the_smoothed_rate(monkeypatch: pytest.MonkeyPatch, ranked_url: str,
                                                          lang: str, title: str, score: str) -> None:
    at = run(monkeypatch, ranked_url, "boss", lang)
    assert [e.value for e in at.title] == [title]
    at.selectbox(key="rank_unit").set_value(VILLAGE).run()
    at.selectbox(key="rank_level").set_value("micro").run()
    for name in ("hazard_rate", "overdue_rate", "zero_report", "on_time"):
        at.slider(key=f"rank_w_{name}").set_value(0.0)
    at.run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert score in frame.columns
    assert list(frame.iloc[:, 1])[:2] == ["第2微网格", "第1微网格"], "M2 (12 of 100 households) first, not M1"
    raw = [c for c in frame.columns if ("原始" in c or "raw" in c)]
    smoothed = [c for c in frame.columns if ("平滑" in c or "smoothed" in c)]
    assert raw and smoothed, "raw and smoothed figures are both shown"
    first_raw = frame.set_index(frame.columns[1])[raw[0]]
    assert first_raw["第1微网格"] == pytest.approx(20.0) and first_raw["第2微网格"] == pytest.approx(12.0)
    formula = " ".join(m.value for m in at.markdown)
    assert ("经验贝叶斯" in formula) if lang == "zh" else ("empirical Bayes" in formula)
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == 2


def test_weights_change_the_order(monkeypatch: pytest.MonkeyPatch, ranked_url: str) -> None:
    at = run(monkeypatch, ranked_url, "adm")
    at.selectbox(key="rank_unit").set_value(VILLAGE).run()
    at.selectbox(key="rank_level").set_value("micro").run()
    for name in ("issue_rate", "hazard_rate", "zero_report", "on_time"):
        at.slider(key=f"rank_w_{name}").set_value(0.0)
    at.run()
    # Overdue only: nothing is overdue yet (deadlines 5 days out): every unit level.
    frame = at.dataframe[0].value
    assert set(frame.iloc[:, 2]) == {100.0}
    for name in ("issue_rate", "hazard_rate", "overdue_rate", "zero_report", "on_time"):
        at.slider(key=f"rank_w_{name}").set_value(0.0)
    at.run()
    assert at.warning, "all weights zero: a warning, no table"


@pytest.mark.parametrize("user", ["plan", "gw", "insp", "dept"])
def test_other_roles_may_not(monkeypatch: pytest.MonkeyPatch, ranked_url: str, user: str) -> None:
    at = run(monkeypatch, ranked_url, user)
    assert not at.dataframe
    assert at.error or at.warning or at.info, "the page says the role may not use it"


def test_ranking_page_is_in_the_menu_of_commanders_only() -> None:
    from app import PAGES

    spec = next(p for p in PAGES if p.file == "rankings.py")
    from gridmap.access import allowed
    from gridmap.domain import Role

    assert {r for r in Role if allowed(r, spec.op)} == {Role.COMMANDER, Role.ADMIN}
    assert M1 and M2
