"""Issue 9 item 5: "上次刷新 07:21" was the server's clock (UTC) while "数据截至" and the lock
message are Beijing time. One clock everywhere: :func:`gridmap.domain.beijing_now`.

The server's zone is patched to UTC (``TZ=UTC``, as on the servers that showed the bug); the
caption must still show Beijing time.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator

import pytest

from gridmap.domain import beijing_now
from tests.test_command_page import run_page


@pytest.fixture
def server_in_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local zone set to UTC for the test (restored afterwards)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _minutes_apart(a: dt.datetime, b: dt.datetime) -> float:
    return abs((a - b).total_seconds()) / 60


def test_beijing_now_is_utc_plus_8_whatever_the_server_zone(server_in_utc: None) -> None:
    utc = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert _minutes_apart(dt.datetime.now(), utc) < 1  # the patched server clock is UTC
    assert _minutes_apart(beijing_now(), utc + dt.timedelta(hours=8)) < 1
    assert beijing_now().tzinfo is None  # stored and shown without zone, like every stored time


def test_the_refresh_time_is_beijing_time_on_a_utc_server(server_in_utc: None, monkeypatch: pytest.MonkeyPatch,
                                                          command_db_url: str) -> None:
    at = run_page(monkeypatch, command_db_url)
    caption = next(c.value for c in at.caption if "上次刷新" in c.value)
    shown = re.search(r"上次刷新 (\d\d):(\d\d):(\d\d)", caption)
    assert shown, caption
    beijing = beijing_now()
    at_shown = beijing.replace(hour=int(shown[1]), minute=int(shown[2]), second=int(shown[3]))
    if at_shown > beijing + dt.timedelta(hours=12):  # the run straddled midnight
        at_shown -= dt.timedelta(days=1)
    assert _minutes_apart(at_shown, beijing) < 2, f"{caption!r} is not Beijing time ({beijing:%H:%M:%S})"
