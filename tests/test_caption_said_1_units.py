"""Issue 9 item 10: the English caption said "Sent to the browser ...: 1 units"."""

from __future__ import annotations

import re

import pytest

from gridmap.i18n import t


@pytest.mark.parametrize("n", [0, 1, 2, 1500])
def test_sent_caption_has_no_broken_plural(n: int) -> None:
    text = t("command.sent", "en", units=n, issues=n, hazards=n, stations=n)
    assert not re.search(r"\b1 (units|issues|hazards|stations)\b", text), text
    assert str(n) in text
