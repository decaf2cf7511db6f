"""量化比评 on a small fixture, worked out by hand (tests/brief_fixtures.py), both backends.

Issues per micro-grid x = [2, 12, 0, 4] over households n = [10, 100, 50, 40]:

- raw per 100: [20, 12, 0, 10]: raw, the 10-household M1 looks worst;
- m = 18 / 200 = 0.09; r = [0.2, 0.12, 0, 0.1];
  s2 = (10*0.11^2 + 100*0.03^2 + 50*0.09^2 + 40*0.01^2) / 200 = 0.62 / 200 = 0.0031;
  nbar = 50, A = 0.0031 - 0.09/50 = 0.0013;
- w = A / (A + m/n) = [0.0013/0.0103, 0.0013/0.0022, 0.0013/0.0031, 0.0013/0.00355];
- smoothed per 100: M1 10.3883, M2 10.7727, M3 5.2258, M4 9.3662: M2 (12 of 100) is
  the one that needs attention, not M1 (2 of 10).
- points (low rate is good): 0 for M2, 100 for M3, M1 100*(1 - (10.3883-5.2258)/(10.7727-5.2258)) = 6.93.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from gridmap.access import PermissionDenied, Session, User
from gridmap.brief import criterion_points, rank_units, session_rankings, table_bytes
from gridmap.command import Filters, data_now, load_snapshot
from gridmap.domain import Level, Role, Scope
from gridmap.stats import eb_rate
from gridmap.store import ScopeError, Store
from tests.brief_fixtures import AS_OF, seed_ranked
from tests.store_fixtures import COUNTY, G1, M1, M2, M3, M4, VILLAGE

HAND_SMOOTHED = {M1: 10.3883, M2: 10.7727, M3: 5.2258, M4: 9.3662}


def test_smoothing_by_hand() -> None:
    got = eb_rate([2, 12, 0, 4], [10, 100, 50, 40])
    assert got == pytest.approx([HAND_SMOOTHED[m] for m in (M1, M2, M3, M4)], abs=1e-3)


def test_points_run_from_worst_to_best() -> None:
    assert criterion_points(np.array([10.3883, 10.7727, 5.2258, 9.3662]), False) == \
        pytest.approx([6.93, 0.0, 100.0, 25.36], abs=0.01)
    assert criterion_points(np.array([0.5, 1.0, np.nan]), True)[:2] == pytest.approx([0.0, 100.0])
    assert np.isnan(criterion_points(np.array([0.5, 1.0, np.nan]), True)[2])
    assert criterion_points(np.array([3.0, 3.0]), True) == pytest.approx([100.0, 100.0]), "all level"


def test_ranking_uses_the_smoothed_rate(store: Store) -> None:
    seed_ranked(store)
    session = Session.system(store, Scope.county(COUNTY))
    snapshot = load_snapshot(session)
    ranked = rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"issue_rate": 1.0})
    table = ranked.table
    assert list(table.index) == [M2, M1, M4, M3], "worst first by the smoothed rate"
    assert list(table["rank"]) == [1, 2, 3, 4]
    assert table.loc[M1, "issue_rate_raw"] == pytest.approx(20.0)
    assert table.loc[M2, "issue_rate_raw"] == pytest.approx(12.0)
    for micro, value in HAND_SMOOTHED.items():
        assert table.loc[micro, "issue_rate_smoothed"] == pytest.approx(value, abs=1e-3)
    assert table.loc[M1, "score"] == pytest.approx(6.93, abs=0.01)
    assert table.loc[M2, "score"] == pytest.approx(0.0)
    # Raw, M1 would have come first: the smoothing is what changed the order.
    assert table["issue_rate_raw"].idxmax() == M1


def test_weights_combine_criteria(store: Store) -> None:
    """Closure on time alone: nothing closed anywhere, so all level (100); mixed 1:1 with
    the issue rate, each score is the mean of the two points."""
    seed_ranked(store)
    session = Session.system(store, Scope.county(COUNTY))
    snapshot = load_snapshot(session)
    both = rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"issue_rate": 1, "on_time": 1}).table
    assert both.loc[M3, "on_time_base"] == 0, "no issues in M3: no on-time share"
    assert np.isnan(both.loc[M3, "on_time_points"])
    assert both.loc[M3, "score"] == pytest.approx(100.0), "M3 is scored on the criterion it has"
    assert both.loc[M1, "on_time_points"] == pytest.approx(100.0)
    assert both.loc[M1, "score"] == pytest.approx((6.93 + 100) / 2, abs=0.01)
    with pytest.raises(ValueError, match="at least one"):
        rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"issue_rate": 0})
    with pytest.raises(ValueError, match="unknown criteria"):
        rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"beauty": 1})
    with pytest.raises(ValueError, match="zero or more"):
        rank_units(snapshot, VILLAGE, Level.MICRO, Filters(), AS_OF, {"issue_rate": -1})


def test_only_commanders_and_admins_rank_and_only_inside(store: Store) -> None:
    seed_ranked(store)
    commander = Session(store, User("c", Role.COMMANDER, G1))
    grids = session_rankings(commander, G1, Level.MICRO)
    assert set(grids.table.index) == {M1, M2}
    assert data_now(commander) == AS_OF
    with pytest.raises(ScopeError):
        session_rankings(commander, VILLAGE + "02", Level.MICRO)
    for role in (Role.PLANNER, Role.INSPECTOR, Role.GRID_WORKER):
        with pytest.raises(PermissionDenied):
            session_rankings(Session(store, User("x", role, VILLAGE)), VILLAGE, Level.MICRO)


def test_export_neutralises_formula_cells(store: Store) -> None:
    frame = pd.DataFrame({"单位": ["=HYPERLINK(\"http://x\")", "+1", "普通"], "得分": [1.5, -2.0, 3.0]})
    csv = table_bytes(frame, "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "'+1" in csv and "-2.0" in csv and "'-2" not in csv
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(table_bytes(frame, "xlsx"))).active
    cells = [sheet.cell(row=r, column=1).value for r in range(2, 5)]
    assert cells[0].startswith("'=") and cells[1] == "'+1"
    assert sheet.cell(row=3, column=2).value == -2.0
    with pytest.raises(ValueError, match="csv or xlsx"):
        table_bytes(frame, "pdf")  # type: ignore[arg-type]
