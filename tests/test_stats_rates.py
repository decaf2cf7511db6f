"""Rates per 100 households: raw and global empirical Bayes, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from gridmap.stats import eb_parameters, eb_rate, raw_rate


def test_raw_rate_per_100_households_and_nan_without_households() -> None:
    got = raw_rate([1, 0, 6], [3, 10, 0])
    assert got[0] == pytest.approx(100 / 3)
    assert got[1] == 0.0
    assert np.isnan(got[2])


def test_eb_by_hand() -> None:
    # Three units: 1 hazard in 3 households, 5 in 100, 60 in 200.
    count, hh = np.array([1.0, 5.0, 60.0]), np.array([3.0, 100.0, 200.0])
    m = 66 / 303
    r = count / hh
    s2 = (3 * (r[0] - m) ** 2 + 100 * (r[1] - m) ** 2 + 200 * (r[2] - m) ** 2) / 303
    a = s2 - m / (303 / 3)
    assert a > 0
    w = a / (a + m / hh)
    expect = 100 * (w * r + (1 - w) * m)
    params = eb_parameters(count, hh)
    assert params.mean == pytest.approx(m) and params.variance == pytest.approx(s2)
    assert params.prior_variance == pytest.approx(a)
    np.testing.assert_allclose(eb_rate(count, hh), expect, rtol=1e-12)


def test_small_unit_does_not_top_the_list() -> None:
    # One unit of three households with one hazard (raw 33 per 100) among units of 30-40
    # households with rates from 2 to 30 per 100.
    rng = np.random.default_rng(1)
    hh = np.concatenate([[3], rng.integers(30, 41, 60)]).astype(float)
    count = np.concatenate([[1], np.round(hh[1:] * rng.uniform(0.02, 0.30, 60))])
    raw = raw_rate(count, hh)
    eb = eb_rate(count, hh)
    assert np.argmax(raw) == 0  # the raw rate puts it on top
    assert eb_parameters(count, hh).prior_variance > 0  # the rates do vary beyond chance
    assert np.argmax(eb) != 0
    assert eb[0] < np.sort(eb)[-10]  # not even among the top ten after smoothing
    big = hh > 35
    assert np.all(np.abs(eb[big] - raw[big]) < np.abs(eb[0] - raw[0]))  # big units keep their rates better


def test_no_spread_beyond_chance_gives_everyone_the_mean() -> None:
    eb = eb_rate([3, 3, 3], [30, 30, 30])
    np.testing.assert_allclose(eb, 10.0)


def test_units_without_households_get_the_overall_rate() -> None:
    eb = eb_rate([5, 2, 9], [50, 0, 60])
    assert eb[1] == pytest.approx(100 * 14 / 110)  # the overall rate of the units that have households


@pytest.mark.parametrize(("count", "hh", "message"), [
    ([1, -1], [3, 3], "negative"), ([1, np.nan], [3, 3], "NaN"), ([1, 2], [3], "length"),
])
def test_bad_input_is_refused(count: list[float], hh: list[float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        eb_rate(count, hh)
