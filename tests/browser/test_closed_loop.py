"""The closed loop (issue 12) in a real browser, on a copy of the small demo run live
(no fixed as-of time: the wall clock, as in production).

1. A grid worker reports by clicking the map and attaching a photo; the commander's
   live map, open meanwhile, rings the new report within a refresh tick. Another
   reports by the map's locate button (the browser's GPS fix, granted and set on the
   browser context) and the report is saved at that fix.
2. The commander accepts and dispatches it; the department takes it on and marks it
   resolved with a photo; the commander verifies and closes it; the reporter sees it
   closed in "my reports", and the timeline holds every step.
3. The grid worker submits today's zero-report; the commander's compliance map and the
   list of micro-grids still missing change.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from gridmap.photos import photos_of
from gridmap.store import open_store
from gridmap.store.base import now
from gridmap.workflow import report_issue, transition_issue
from tests.closed_loop_fixtures import session_of, whole_county, worker_spot
from tests.harness import (
    LOCAL_HOSTS,
    StreamlitServer,
    fill_sign_in,
    new_context,
    sign_in,
    unit_click_point,
    wait_for_app,
    wait_map,
)

pytestmark = pytest.mark.browser

PASSWORDS = {"gridworker": "demo-gridworker-2026", "commander": "demo-commander-2026",
             "department": "demo-department-2026"}
HOME = {"gridworker": "随手拍上报", "commander": "指挥一张图", "department": "待办事件"}
MAP_TIMEOUT_S = 60
RINGS_JS = """() => { let n = 0; window.map.eachLayer(l => { if (l instanceof L.Marker && l.options.icon
  && (l.options.icon.options.className || '').includes('gm-new-icon')) n++ }); return n }"""
FILL_JS = """(code) => { let c = null; window.map.eachLayer(l => { if (l.feature && l.feature.properties
  && l.feature.properties.code === code && l.options && l.options.fillColor) c = l.options.fillColor }); return c }"""


@pytest.fixture
def live_url(demo_copy_url: str, tmp_path: Path, streamlit_server: Callable[..., StreamlitServer]) -> str:
    """The app on a demo copy without its fixed as-of time (live), refreshing every 2 s, and
    with the grid worker's micro-grids not yet reported today."""
    with open_store(demo_copy_url) as store:
        with store.transaction("test", whole_county()) as tx:
            tx.set_meta("as_of", "")
        worker = session_of(demo_copy_url, "gridworker")
        mine = worker.read("units", where={"level": "micro"}, columns=["code"])["code"].tolist()
        worker.store.close()
        today = store.read("zero_reports", whole_county(), where={"micro_code": mine, "day": now().date()},
                           columns=["id"])
        if len(today):
            with store.transaction("test", whole_county()) as tx:
                tx.delete("zero_reports", today["id"].tolist())
    return streamlit_server(demo_copy_url, {"GRIDMAP_LIVE_SECONDS": "2"}).base_url


def photo(tmp_path: Path, name: str, colour: tuple[int, int, int]) -> Path:
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def signed_in(browser: Browser, base: str, user: str) -> Page:
    page = new_context(browser).new_page()
    sign_in(page, base, user, PASSWORDS[user], expect_heading=HOME[user])
    return page


def step(page: Page, button: str, reached: str, photo_path: Path | None = None) -> None:
    """Press a step's button on the issue page (with a photo) and wait for the new status."""
    if photo_path is not None:
        page.locator("input[type=file]").last.set_input_files(str(photo_path))
        expect(page.get_by_text(photo_path.name)).to_be_visible(timeout=20_000)  # the upload round trip, on a loaded machine
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_text(f"已变为“{reached}”")).to_be_visible(timeout=20_000)  # a step with a photo: upload, re-encode, write


def test_a_report_by_map_click_with_a_photo_is_ringed_on_the_commanders_live_map(
        browser: Browser, live_url: str, demo_copy_url: str, tmp_path: Path, offsite_requests: list[str]) -> None:
    commander = signed_in(browser, live_url, "commander")
    frame, _ = wait_map(commander, None, MAP_TIMEOUT_S)
    assert frame.evaluate(RINGS_JS) == 0

    worker = signed_in(browser, live_url, "gridworker")
    _, _, micro = worker_spot(demo_copy_url)
    worker.get_by_label("情况描述").fill("小区门口垃圾堆放，影响通行")
    worker.locator("input[type=file]").first.set_input_files(str(photo(tmp_path, "现场.jpg", (200, 80, 40))))
    expect(worker.get_by_text("现场.jpg")).to_be_visible(timeout=20_000)
    map_frame, _ = wait_map(worker, None, MAP_TIMEOUT_S)
    worker.mouse.click(*unit_click_point(worker, map_frame, micro, settle_ms=300))
    expect(worker.get_by_text(re.compile("位置：地图点选"))).to_be_visible()
    worker.get_by_role("button", name="上报", exact=True).click()
    saved = worker.get_by_text(re.compile(r"已上报（编号 \w+）"))
    expect(saved).to_be_visible()
    issue_id = re.search(r"编号 (\w+)", saved.inner_text()).group(1)  # type: ignore[union-attr]

    session = session_of(demo_copy_url, "gridworker")
    try:
        stored = session.read("issues", where={"id": issue_id}).iloc[0]
        assert stored["micro_code"] == micro and stored["status"] == "reported"
        assert len(photos_of(session, "issues", issue_id)) == 1
    finally:
        session.store.close()
    map_now = wait_map(commander, None, MAP_TIMEOUT_S)[0]
    map_now.wait_for_function(f"() => ({RINGS_JS})() > 0", timeout=20_000)
    assert offsite_requests == []


def test_the_locate_button_places_the_report_at_the_browsers_gps_fix(
        browser: Browser, live_url: str, demo_copy_url: str) -> None:
    lon, lat, micro = worker_spot(demo_copy_url)
    context = new_context(browser, geolocation={"latitude": lat, "longitude": lon, "accuracy": 5},
                          permissions=["geolocation"])
    offsite: list[str] = []
    context.on("request", lambda r: offsite.append(r.url) if urlparse(r.url).hostname not in LOCAL_HOSTS else None)
    worker = context.new_page()
    sign_in(worker, live_url, "gridworker", PASSWORDS["gridworker"], expect_heading=HOME["gridworker"])
    worker.get_by_label("情况描述").fill("路灯不亮（本机定位）")
    frame, _ = wait_map(worker, None, MAP_TIMEOUT_S)
    expect(worker.get_by_text("还没有位置")).to_be_visible()
    frame.locator("a.gm-locate").click()
    shown = worker.get_by_text(re.compile("位置：地图点选或本机定位"))
    expect(shown).to_be_visible(timeout=20_000)
    got = [float(v) for v in re.findall(r"\d+\.\d+", shown.inner_text())]
    assert got == pytest.approx([lon, lat], abs=2e-6), shown.inner_text()
    worker.get_by_role("button", name="上报", exact=True).click()
    saved = worker.get_by_text(re.compile(r"已上报（编号 \w+）"))
    expect(saved).to_be_visible()
    issue_id = re.search(r"编号 (\w+)", saved.inner_text()).group(1)  # type: ignore[union-attr]
    session = session_of(demo_copy_url, "gridworker")
    try:
        stored = session.read("issues", where={"id": issue_id})
    finally:
        session.store.close()
    assert stored["micro_code"].iloc[0] == micro
    assert (stored.geometry.iloc[0].x, stored.geometry.iloc[0].y) == pytest.approx((lon, lat), abs=2e-6)
    context.close()
    assert offsite == []


def new_report(db_url: str, description: str) -> str:
    lon, lat, _ = worker_spot(db_url)
    reporter = session_of(db_url, "gridworker")
    try:
        return str(report_issue(reporter, category="sanitation", lon=lon, lat=lat, description=description)["id"])
    finally:
        reporter.store.close()


def signed_in_at(browser: Browser, base: str, user: str, path: str, heading: str) -> Page:
    """Signed in straight onto a page (its address asked for before signing in).

    The app's own address is visited first: a fresh server's very first run resolves an
    address against the files in ``pages/`` (gridmap.ui.unknown_path), not our paths."""
    page = new_context(browser).new_page()
    page.goto(base)
    wait_for_app(page)
    fill_sign_in(page, f"{base}/{path}", user, PASSWORDS[user]).click()
    page.get_by_role("heading", name=heading).wait_for()
    wait_for_app(page)
    return page


def on_issue_page(browser: Browser, base: str, user: str, issue_id: str) -> Page:
    page = signed_in_at(browser, base, user, f"issue?id={issue_id}", "事件详情")
    expect(page.get_by_text(issue_id).first).to_be_visible()
    return page


def history(db_url: str, issue_id: str) -> list[str]:
    session = session_of(db_url, "commander")
    try:
        return session.read("issue_events", where={"issue_id": issue_id}).sort_values("at")["to_status"].tolist()
    finally:
        session.store.close()


def test_the_commander_dispatches_and_the_department_resolves_with_a_photo(
        browser: Browser, live_url: str, demo_copy_url: str, tmp_path: Path, offsite_requests: list[str]) -> None:
    issue_id = new_report(demo_copy_url, "楼道堆放杂物")
    commander = on_issue_page(browser, live_url, "commander", issue_id)
    step(commander, "受理", "已受理")
    step(commander, "派遣", "已派遣")
    department = on_issue_page(browser, live_url, "department", issue_id)
    step(department, "签收处置", "处置中")
    step(department, "办结（处置完毕）", "已处置", photo(tmp_path, "整改后.jpg", (40, 160, 60)))
    expect(department.locator("[data-testid='stImage'] img").first).to_be_visible()  # in the timeline
    assert history(demo_copy_url, issue_id) == ["reported", "accepted", "dispatched", "in_progress", "resolved"]
    session = session_of(demo_copy_url, "department")
    try:
        assert [p.event_id is not None for p in photos_of(session, "issues", issue_id)] == [True]
    finally:
        session.store.close()
    assert offsite_requests == []


def test_the_commander_verifies_and_closes_and_the_reporter_sees_it_closed(
        browser: Browser, live_url: str, demo_copy_url: str, offsite_requests: list[str]) -> None:
    issue_id = new_report(demo_copy_url, "井盖缺失")
    commander_s, handler = session_of(demo_copy_url, "commander"), session_of(demo_copy_url, "department")
    try:
        for who, status in ((commander_s, "accepted"), (commander_s, "dispatched"), (handler, "in_progress"),
                            (handler, "resolved")):
            transition_issue(who, issue_id, status)
    finally:
        commander_s.store.close()
        handler.store.close()
    commander = on_issue_page(browser, live_url, "commander", issue_id)
    step(commander, "核查通过", "已核查")
    step(commander, "结案", "已关闭")
    expect(commander.get_by_text("该事件已办结归档")).to_be_visible()
    worker = signed_in_at(browser, live_url, "gridworker", "my-reports", "我的上报")
    expect(worker.get_by_text(re.compile(f"已关闭 · {issue_id}"))).to_be_visible()
    assert history(demo_copy_url, issue_id) == ["reported", "accepted", "dispatched", "in_progress", "resolved",
                                                "verified", "closed"]
    assert offsite_requests == []


def test_todays_zero_report_changes_the_compliance_map(browser: Browser, live_url: str, demo_copy_url: str,
                                                       offsite_requests: list[str]) -> None:
    commander = signed_in_at(browser, live_url, "commander", "zero-report", "每日零报告")
    missing = commander.get_by_text(re.compile(r"尚未报告的微网格（\d+ 个）"))
    before = int(re.search(r"（(\d+) 个）", missing.inner_text()).group(1))  # type: ignore[union-attr]

    worker = signed_in_at(browser, live_url, "gridworker", "zero-report", "每日零报告")
    worker.get_by_role("button", name="今日无事，提交零报告").click()
    sent = worker.get_by_text(re.compile(r"(\d{17}) 今日报告已提交"))
    expect(sent).to_be_visible()
    micro = re.search(r"(\d{17})", sent.inner_text()).group(1)  # type: ignore[union-attr]

    frame, _ = wait_map(commander, None, MAP_TIMEOUT_S)
    red = frame.evaluate(FILL_JS, micro)
    commander.reload()
    wait_for_app(commander)
    expect(commander.get_by_text(f"尚未报告的微网格（{before - 1} 个）")).to_be_visible()
    frame, _ = wait_map(commander, None, MAP_TIMEOUT_S)
    assert frame.evaluate(FILL_JS, micro) != red, "the micro-grid's colour did not change"
    assert offsite_requests == []
