"""Siting could only use candidates generated from the uncovered clusters, although issue 13
says "among candidate points (given, or generated from uncovered clusters)": a town that
has a vacant building or a village hall in mind could not ask about it. The siting tab now
takes candidates typed one "longitude, latitude" per line (``gridmap.stations.parse_candidates``,
refused in words naming the line).

By hand on tests/stations_fixtures.py (walking distance 500 m for party_l2): the uncovered
households are h3 (-520, 0), h4 (0, -600) and h6 (1150, 0). Candidate P at (1150, 0) would
cover h6 only; Q at (-260, -300) is sqrt(260^2 + 300^2) = 397 m from both h3 and h4. With
k = 1 the choice is Q: 3 + 2 = 5 of 6 households covered, 83.3%.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from gridmap.i18n import t
from gridmap.settings import reset_settings
from gridmap.stations import parse_candidates
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from gridmap.workflow.errors import BadInput
from tests.conftest import REPO_ROOT
from tests.stations_fixtures import lonlat, seed_stations

PAGE = str(REPO_ROOT / "pages" / "stations.py")


def test_candidates_are_read_one_per_line() -> None:
    got = parse_candidates("120.41,27.51\n\n# a comment\n120.42， 27.52\n120.43 27.53\t\n")
    assert got.tolist() == [[120.41, 27.51], [120.42, 27.52], [120.43, 27.53]]
    assert parse_candidates("").shape == (0, 2)


@pytest.mark.parametrize(("text", "line"), [("120.41,27.51\n27.51,120.41", 2), ("120.41", 1),
                                            ("120.41,27.51,3", 1), ("东经120,北纬27", 1), ("nan,27.5", 1)])
def test_a_bad_line_is_named(text: str, line: int) -> None:
    with pytest.raises(BadInput) as caught:
        parse_candidates(text)
    assert f"第 {line} 行" in caught.value.text("zh") and f"line {line}" in caught.value.text("en")


def test_too_many_candidates_are_refused() -> None:
    with pytest.raises(BadInput):
        parse_candidates("\n".join("120.41,27.51" for _ in range(4)), limit=3)


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    url = f"sqlite:///{tmp_path / 'siting.db'}"
    with open_store(url) as store:
        seed_stations(store)
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    monkeypatch.setenv("GRIDMAP_WALK_M", "500,happiness=300")
    reset_settings()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[LANG_KEY] = "zh"
    at.session_state[AUTH_KEY] = {"username": "commander", "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception
    return at


def _run_siting(at: AppTest, typed: str) -> AppTest:
    at.selectbox(key="st_site_type").set_value("party_l2")
    at.number_input(key="st_site_k").set_value(1)
    at.selectbox(key="st_site_method").set_value("greedy")
    at.text_area(key="st_site_given").input(typed)
    next(b for b in at.button if b.label == t("stations.siting.run", "zh")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_given_site_that_covers_most_is_chosen(page: AppTest) -> None:
    p, q = lonlat(1150, 0), lonlat(-260, -300)
    at = _run_siting(page, f"{p[0]:.7f},{p[1]:.7f}\n{q[0]:.7f},{q[1]:.7f}")
    after = next(m for m in at.metric if m.label == t("stations.siting.after", "zh"))
    assert after.value == "83.3%"
    assert any("2 个点位" in c.value for c in at.caption)
    assert np.isclose(at.session_state["st_siting"]["sites"], [q], atol=1e-6).all()


def test_a_bad_candidate_line_is_named_on_the_page(page: AppTest) -> None:
    at = _run_siting(page, "120.41,27.51\n东经120")
    assert any("第 2 行" in e.value for e in at.error)
    assert "st_siting" not in at.session_state
