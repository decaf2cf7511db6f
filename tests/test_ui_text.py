"""gridmap.ui.text: how stored text, counts and times reach Streamlit elements."""

from __future__ import annotations

import pytest

from gridmap.ui.text import escape_markdown, fmt_count, fmt_datetime


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("苍南县", "苍南县"),
        ("[点我](javascript:alert(1))", "\\[点我\\]\\(javascript\\:alert\\(1\\)\\)"),
        ("**粗体** _斜体_ `代码`", "\\*\\*粗体\\*\\* \\_斜体\\_ \\`代码\\`"),
        (":red[警告] $x$", "\\:red\\[警告\\] \\$x\\$"),
        ("<script>x</script>", "\\<script\\>x\\</script\\>"),
        ("# 标题\n- 列表", "\\# 标题 \\- 列表"),
        ("a\\b", "a\\\\b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_escape_markdown(raw: object, shown: str) -> None:
    assert escape_markdown(raw) == shown


def test_fmt_count() -> None:
    assert fmt_count(12630) == "12,630"
    assert fmt_count(0) == "0"
    assert fmt_count(None) == "—"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-23T22:54:09", "2026-11-23 22:54"),
        ("2026-11-20 18:00", "2026-11-20 18:00"),
        ("2026-11-20", "2026-11-20 00:00"),
        ("去年冬天", "去年冬天"),
        (None, "—"),
    ],
)
def test_fmt_datetime(value: object, shown: str) -> None:
    assert fmt_datetime(value) == shown
