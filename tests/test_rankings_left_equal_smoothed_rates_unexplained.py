"""量化比评 showed a column of equal smoothed rates without a word (seen in the README's
screenshot of the small demo: every village's smoothed issue rate 4.84 next to raw rates
from 3.15 to 5.88). That is empirical Bayes at work, not a fault: when the units differ no
more than chance would make them, the between-unit variance is estimated as 0 and every
rate is pulled to the overall rate. The page now says so, per criterion
(``gridmap.brief.level_criteria``, ``gridmap.ui.rankings.level_notes``), and so does the
town brief under its ranking.

By hand, issues x = [1, 11, 5, 4] over households n = [10, 100, 50, 40]:
raw per 100 = [10, 11, 10, 10]; m = 21 / 200 = 0.105;
s2 = (10 + 100 + 50 + 40) * 0.005^2 / 200 = 0.000025 < m / nbar = 0.105 / 50 = 0.0021, so A = 0
and every smoothed rate is 10.5 per 100. With x = [2, 12, 0, 4] (tests/test_brief_rankings.py)
A > 0 and the smoothed rates differ: nothing is said. Equal raw rates (all 0) say nothing
either: there the column is not surprising.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from gridmap.access import Session, User
from gridmap.brief import Rankings, level_criteria, rank_units
from gridmap.brief.render import brief_html
from gridmap.brief.town import brief_data
from gridmap.command import Filters, load_snapshot
from gridmap.domain import Level, Role, Scope
from gridmap.stats import eb_rate, raw_rate
from gridmap.store import Store
from gridmap.ui.rankings import level_notes
from tests.brief_fixtures import AS_OF, seed_ranked
from tests.store_fixtures import COUNTY, VILLAGE

HOUSEHOLDS = [10, 100, 50, 40]


def _ranked(issues: list[int], hazards: list[int], weights: dict[str, float] | None = None) -> Rankings:
    table = pd.DataFrame({"rank": [1, 2, 3, 4], "name": ["M1", "M2", "M3", "M4"], "score": [0.0, 10.0, 20.0, 30.0],
                          "households": HOUSEHOLDS,
                          "issue_rate_raw": raw_rate(issues, HOUSEHOLDS),
                          "issue_rate_smoothed": eb_rate(issues, HOUSEHOLDS),
                          "hazard_rate_raw": raw_rate(hazards, HOUSEHOLDS),
                          "hazard_rate_smoothed": eb_rate(hazards, HOUSEHOLDS)})
    return Rankings("x", Level.MICRO, weights or {"issue_rate": 1.0, "hazard_rate": 1.0}, table)


def test_a_criterion_smoothed_to_one_value_is_named_with_it() -> None:
    ranked = _ranked([1, 11, 5, 4], [2, 12, 0, 4])
    assert list(ranked.table["issue_rate_raw"]) == pytest.approx([10, 11, 10, 10])
    assert level_criteria(ranked) == {"issue_rate": pytest.approx(10.5)}


def test_nothing_is_said_when_smoothing_keeps_differences_or_raw_rates_are_equal() -> None:
    assert level_criteria(_ranked([2, 12, 0, 4], [0, 0, 0, 0])) == {}


def test_an_unweighted_criterion_is_not_named() -> None:
    assert level_criteria(_ranked([1, 11, 5, 4], [2, 12, 0, 4], {"hazard_rate": 1.0})) == {}


@pytest.mark.parametrize(("lang", "words"), [("zh", "正常波动"), ("en", "chance")])
def test_the_page_says_why_in_both_languages(lang: str, words: str) -> None:
    notes = level_notes(_ranked([1, 11, 5, 4], [2, 12, 0, 4]), lang)
    assert len(notes) == 1 and words in notes[0] and "10.50" in notes[0]
    assert level_notes(_ranked([2, 12, 0, 4], [0, 0, 0, 0]), lang) == []


def test_the_real_ranking_names_no_criterion_that_differs(store: Store) -> None:
    """On the brief fixture (issues 2, 12, 0, 4 in M1..M4) the issue rate keeps its spread."""
    seed_ranked(store)
    snapshot = load_snapshot(Session.system(store, Scope.county(COUNTY)))
    ranked = rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"issue_rate": 1.0, "on_time": 1.0})
    smoothed = ranked.table["issue_rate_smoothed"].to_numpy()
    assert np.ptp(smoothed) > 1
    assert level_criteria(ranked) == {}  # on time: nothing closed, raw and smoothed all 0 -- not surprising


def test_the_town_brief_says_it_too(store: Store) -> None:
    """The brief's ranking shows the issue rate raw / smoothed: a level one is explained there."""
    seed_ranked(store)
    data = brief_data(Session(store, User("boss", Role.COMMANDER, "330327000000")), "330327100000")
    level = brief_html(dataclasses.replace(data, rankings=_ranked([1, 11, 5, 4], [2, 12, 0, 4])), "zh")
    spread = brief_html(dataclasses.replace(data, rankings=_ranked([2, 12, 0, 4], [0, 0, 0, 0])), "zh")
    assert "事件率（每百户）：各单位差别在正常波动范围内" in level
    assert "正常波动" not in spread
