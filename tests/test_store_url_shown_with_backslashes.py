"""Issue 9 item 9: the sidebar showed the store as ``sqlite\\:///data/gridmap\\.db``.

Markdown escapes inside a code span are not escapes: they show. The address is now
printed plainly in code formatting, and still cannot break out of it.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest


def _sidebar_script() -> None:
    from gridmap.ui.context import store_box

    class FakeStore:
        url = "sqlite:///data/gridmap.db"
        backend = "sqlite"

    store_box(FakeStore(), "zh")  # type: ignore[arg-type]


def test_store_address_is_printed_plainly() -> None:
    at = AppTest.from_function(_sidebar_script).run()
    caption = at.sidebar.caption[0].value
    assert "sqlite:///data/gridmap.db" in caption, caption
    assert "\\" not in caption, caption


@pytest.mark.parametrize("text", ["sqlite:///data/gridmap.db", "a`b", "``x``", "`", "postgresql://u:***@h/db"])
def test_code_span_cannot_be_left(text: str) -> None:
    from gridmap.text import markdown_code

    span = markdown_code(text)
    fence = re.match(r"`+", span).group(0)  # type: ignore[union-attr]
    inner = span[len(fence):-len(fence)]
    assert span.endswith(fence) and fence not in inner, span
    assert inner.strip(" ") == text or inner[1:-1] == text
    assert "\n" not in span
