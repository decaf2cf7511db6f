"""Bug: the emerging-hot-spot view ignored the period filter.

It always cut the twelve weeks before today, whatever period the inspector had chosen (and
said "this view ignores the period"). Now its weeks are the whole weeks inside the period
(:func:`gridmap.hotspots.weeks_of_period`), and the page names them. Both backends.

The hazard county (:mod:`tests.hazard_fixtures`, as of 2026-11-20) has h4 found on
2026-08-01 and h1-h3 in November.
"""

from __future__ import annotations

import datetime as dt

import pytest

from gridmap.hotspots import emerging_hotspots, weeks_of_period
from gridmap.store import Store
from tests.hazard_fixtures import hazards
from tests.store_fixtures import tiny_units
from tests.test_hazard_page import page

pytest_plugins = ["tests.hazard_fixtures"]


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ["共 8 周：2026-08-01 至 2026-09-25"]),
    ("en", ["8 weeks: 2026-08-01 to 2026-09-25"]),
])
def test_the_emerging_view_takes_the_weeks_of_the_period(monkeypatch: pytest.MonkeyPatch, hazard_store: Store,
                                                         lang: str, words: list[str]) -> None:
    at = page(monkeypatch, hazard_store.url, "commander", lang,
              params={"view": "emerging", "basis": "micro", "period": "2026-08-01..2026-09-25"})
    assert not at.error, [e.value for e in at.error]
    captions = " ".join(c.value for c in at.caption)
    assert all(w in captions for w in words), captions


def test_a_period_that_is_no_whole_number_of_weeks_says_what_was_left_out(monkeypatch: pytest.MonkeyPatch,
                                                                          hazard_store: Store) -> None:
    at = page(monkeypatch, hazard_store.url, "commander", "zh", params={"view": "emerging", "basis": "micro"})
    captions = " ".join(c.value for c in at.caption)
    # the default period, the last 30 days (10-22..11-20): four weeks from 10-24, two days left out
    assert "共 4 周：2026-10-24 至 2026-11-20" in captions and "2 天凑不满一周" in captions, captions
    at = page(monkeypatch, hazard_store.url, "commander", "en", params={"view": "emerging", "basis": "micro",
                                                                         "period": "last7"})
    captions = " ".join(c.value for c in at.caption)
    assert "shorter than the 4 weeks" in captions and "4 weeks: 2026-10-24 to 2026-11-20" in captions, captions


def test_the_cube_counts_only_the_weeks_of_the_period() -> None:
    window = weeks_of_period(dt.date(2026, 8, 1), dt.date(2026, 9, 25))
    assert (window.weeks, window.first, window.last, window.skipped_days, window.extended) == (
        8, dt.date(2026, 8, 1), dt.date(2026, 9, 25), 0, False)
    result = emerging_hotspots(hazards(), units=tiny_units().query("level == 'micro'"), weeks=window.weeks,
                               end=window.end)
    assert result.weeks[0] == dt.date(2026, 8, 1) and result.weeks[-1] == dt.date(2026, 9, 19)
    assert int(result.frame["count"].sum()) == 1  # h4 (08-01); h1-h3 are in November
    with pytest.raises(ValueError, match="starts"):
        weeks_of_period(dt.date(2026, 9, 2), dt.date(2026, 9, 1))
