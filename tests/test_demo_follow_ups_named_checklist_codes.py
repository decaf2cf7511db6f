"""The demo's supervision visits wrote their follow-up items with the checklist's codes
("整改：open_on_time、records_kept"), which the visit history then showed to a grid worker
as stored text. Seen on the stations page of the small demo before the fix. Now the
follow-ups name the failed items in Chinese (the checklist's own words).
"""

from __future__ import annotations

import datetime as dt

from gridmap.demo import generate
from gridmap.domain import VISIT_CHECKLIST
from gridmap.i18n import t


def test_follow_ups_name_the_failed_items_in_words() -> None:
    visits = generate("small", seed=7, today=dt.date(2026, 11, 23))["station_visits"]
    with_follow_ups = visits[[bool(f) for f in visits["follow_up"]]]
    assert len(with_follow_ups) > 10, "the demo has visits with something to put right"
    for checks, follow in zip(with_follow_ups["checklist"], with_follow_ups["follow_up"], strict=True):
        text = "".join(follow)
        assert not any(code in text for code in VISIT_CHECKLIST), text
        failed = [t(f"stations.check.{k}", "zh") for k, ok in checks.items() if not ok]
        assert text == "整改：" + "、".join(failed)
