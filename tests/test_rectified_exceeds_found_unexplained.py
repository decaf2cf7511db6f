"""Regression (issue 9, 10): 整改 above 发现 for a unit read as an error in the numbers.

Hazards rectified in the date range include ones found before it; the KPI caption now
says so whenever the count of rectified exceeds the count found, in the user's language.
"""

from __future__ import annotations

import dataclasses

from gridmap.access import Session
from gridmap.command import Filters, data_now, kpis, load_snapshot
from gridmap.ui.command import kpi_notes


def test_more_rectified_than_found_is_explained(session: Session) -> None:
    k = kpis(load_snapshot(session), None, Filters(), data_now(session))
    more = dataclasses.replace(k, hazards_found=2, hazards_rectified=5)
    assert kpi_notes(more, "zh") == ["整改 5 条多于发现 2 条：区间内整改的隐患有的是区间开始前发现的"]
    assert "found before it" in kpi_notes(more, "en")[0]
    assert kpi_notes(dataclasses.replace(k, hazards_found=5, hazards_rectified=5), "zh") == []
