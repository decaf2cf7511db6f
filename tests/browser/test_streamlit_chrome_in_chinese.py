"""Issue 9, item 4, in a real browser: Streamlit's own English on our Chinese pages.

Before the fix the date picker's calendar said "Date range" and "Select..." (and its
button "Choose date range"), and any address naming no page showed Streamlit's
"Page not found ... Running the app's main page." dialog and jumped to ``/``. The
words are searched in the page's ``innerText`` (what a user reads), with the period
list open and with the custom period's fields shown.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.harness import sign_in, wait_for_app

pytestmark = pytest.mark.browser

ENGLISH = ("Date range", "Select...", "Choose date range", "Choose a date range", "Page not found",
           "does not seem to exist", "Select all", "Choose options", "This app has encountered an error",
           "Drag and drop", "Browse files", "Limit 200MB", "Deploy")


def _english_on_screen(page: Page) -> list[str]:
    text = str(page.evaluate("document.body.innerText"))
    return [word for word in ENGLISH if word in text]


def test_the_period_filters_speak_chinese(page: Page, demo_app_url: str, offsite_requests: list[str]) -> None:
    sign_in(page, demo_app_url, "admin", "demo-admin-2026")
    page.get_by_text("筛选条件").click()
    expect(page.get_by_text("统计区间", exact=True)).to_be_visible()
    assert page.get_by_test_id("stDateInput").count() == 0
    assert _english_on_screen(page) == []

    page.goto(f"{demo_app_url}/audit")
    wait_for_app(page)
    period = page.get_by_role("combobox", name="日期范围")
    expect(period).to_have_value("近30天")
    period.click()
    expect(page.get_by_role("option", name="自定义")).to_be_visible()
    assert _english_on_screen(page) == []  # the list open
    page.get_by_role("option", name="自定义").click()
    start = page.get_by_label("开始日期（年-月-日）")
    expect(start).to_be_visible()
    start.fill("2026-13-01")
    start.press("Enter")
    expect(page.get_by_text("“2026-13-01”不是有效的日期")).to_be_visible()
    assert page.get_by_test_id("stDateInput").count() == 0
    assert _english_on_screen(page) == []
    assert offsite_requests == []


def test_an_address_naming_no_page_says_so_in_chinese(page: Page, demo_app_url: str,
                                                      offsite_requests: list[str]) -> None:
    page.goto(f"{demo_app_url}/nosuchpage")  # signed out
    wait_for_app(page)
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.get_by_text("地址 /nosuchpage 不对应任何页面")).to_be_visible()
    # Streamlit's dialog came with the browser's second run (the page asked for by its
    # hash), a few seconds after the first: look again once the app has been quiet a while.
    wait_for_app(page, quiet_ms=4000)
    assert _english_on_screen(page) == []
    assert page.url.rstrip("/").endswith("/nosuchpage"), page.url

    sign_in(page, demo_app_url, "commander", "demo-commander-2026")
    for path in ("/no-such-page", "/Audit", "/%E6%80%BB%E8%A7%88"):  # a typo, the wrong case, 总览
        page.goto(f"{demo_app_url}{path}")
        wait_for_app(page)
        expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
        expect(page.get_by_role("button", name="退出登录")).to_be_visible()  # still signed in
        assert _english_on_screen(page) == [], path
    page.get_by_text("前往“指挥一张图”").click()
    expect(page.get_by_role("heading", name="指挥一张图")).to_be_visible()
    assert _english_on_screen(page) == []
    assert offsite_requests == []
