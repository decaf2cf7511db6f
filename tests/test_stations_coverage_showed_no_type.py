"""The coverage tab counted only households near a station of any type, although issue 13
asks for "households within walking distance of each station type" (the library computed
``by_type`` and the page never showed it). Now the tab lists each type's walking distance,
open stations and households covered, and the metrics, the per-unit table and the map of
uncovered households follow the type chosen.

By hand on tests/stations_fixtures.py (``GRIDMAP_WALK_M=500,happiness=300``, today after
the exam-help station E closed): A (party_l2, 500 m) covers h1 and h2, B (happiness,
300 m) covers h5: 2, 1 and, of any type, 3 of the 6 households.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.i18n import label, t
from gridmap.settings import reset_settings
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.ui import AUTH_KEY, LANG_KEY
from tests.conftest import REPO_ROOT
from tests.stations_fixtures import seed_stations

PAGE = str(REPO_ROOT / "pages" / "stations.py")


def _page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str) -> AppTest:
    url = f"sqlite:///{tmp_path / 'coverage.db'}"
    with open_store(url) as store:
        seed_stations(store)
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    monkeypatch.setenv("GRIDMAP_WALK_M", "500,happiness=300")
    reset_settings()
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state[LANG_KEY] = lang
    at.session_state[AUTH_KEY] = {"username": "commander", "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _covered(at: AppTest, lang: str) -> str:
    return next(m.value for m in at.metric if m.label == t("stations.coverage.covered", lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_type_s_coverage_is_shown_and_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                  lang: str) -> None:
    at = _page(monkeypatch, tmp_path, lang)
    kind_col = t("stations.field.station_type", lang)
    table = next(df.value for df in at.dataframe if t("stations.coverage.walk", lang) in df.value.columns)
    rows = {r[kind_col]: r for r in table.to_dict("records")}
    party, happy = label("station", "party_l2", lang), label("station", "happiness", lang)
    assert set(rows) == {party, happy}  # E closed, C closed: only the open stations' types
    assert rows[party][t("stations.coverage.walk", lang)] == 500 and rows[happy][t("stations.coverage.walk", lang)] == 300
    assert rows[party][t("stations.coverage.covered", lang)] == 2
    assert rows[happy][t("stations.coverage.covered", lang)] == 1
    assert _covered(at, lang) == "3"
    at.selectbox(key="st_cov_kind").set_value("happiness").run()
    assert not at.exception
    assert _covered(at, lang) == "1"
    share = next(m.value for m in at.metric if m.label == t("stations.coverage.share", lang))
    assert share == "16.7%"
