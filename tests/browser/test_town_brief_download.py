"""A commander downloads a town's one-page brief from the command map (real browser).

Sign in, click the town on the map, press 下载宜山镇简报（PDF）: the file is a PDF whose text
(read back with pypdf) names the town and carries the KPIs the page shows. The map then
also has its "since you last looked" list (the commander's first visit).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.harness import StreamlitServer, click_unit, sign_in, wait_map

pytestmark = pytest.mark.browser

TOWN = "330327103000"


@pytest.fixture
def brief_store(demo_db_url: str, tmp_path: Path) -> str:
    """A copy of the demo store (the visit is written to it)."""
    dst = tmp_path / "brief.db"
    shutil.copy(Path(demo_db_url.removeprefix("sqlite:///")), dst)
    return f"sqlite:///{dst}"


def test_commander_downloads_the_town_brief(page: Page, streamlit_server: Callable[..., StreamlitServer],
                                            brief_store: str, offsite_requests: list[str],
                                            tmp_path: Path) -> None:
    base = streamlit_server(brief_store).base_url
    sign_in(page, base, "commander", "demo-commander-2026", expect_heading="指挥一张图")
    frame, _ = wait_map(page, None, 60)
    click_unit(page, frame, TOWN)
    button = page.get_by_role("button", name="下载宜山镇简报（PDF）")
    expect(button).to_be_visible(timeout=60_000)
    expect(page.get_by_text("自上次查看以来").first).to_be_visible()
    open_issues = page.get_by_test_id("stMetric").filter(has_text="未办结事件") \
        .get_by_test_id("stMetricValue").inner_text()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    path = tmp_path / "brief.pdf"
    info.value.save_as(path)
    body = path.read_bytes()
    assert body.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "宜山镇工作简报" in text
    for kpi in ("未办结事件", "超期事件", "办结率", "今日零报告率", "覆盖户数"):
        assert kpi in text, kpi
    assert open_issues in text, f"the page's open issues ({open_issues}) are in the brief"
    assert offsite_requests == []
