"""Issue 9, item 6, in a real browser: a reload kept no sign-in, and deep links did not hold.

Before the fix, F5 showed the sign-in form again, and ``/audit`` opened signed out
showed the sign-in form (Streamlit rewrote the address to ``/``) and, after signing
in, the first page of the menu instead of the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.harness import StreamlitServer, wait_for_app

pytestmark = pytest.mark.browser


def _sign_in_here(page: Page, username: str, password: str, *, keep: bool = False, settle: bool = True) -> None:
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    if keep:
        page.get_by_text("在此设备上保持登录").click()
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="退出登录").wait_for()
    if settle:  # wait_for_app needs a page title
        wait_for_app(page)


def test_a_reload_keeps_the_sign_in_and_sign_out_ends_it(page: Page, demo_app_url: str,
                                                         offsite_requests: list[str]) -> None:
    page.goto(demo_app_url)
    wait_for_app(page)
    _sign_in_here(page, "commander", "demo-commander-2026", keep=True)
    page.get_by_test_id("stSidebarNav").get_by_text("总览").click()
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "gridmap_session" in cookies, "no sign-in cookie was set"
    assert cookies["gridmap_session"]["sameSite"] == "Strict"
    assert cookies["gridmap_session"]["expires"] > 0  # "keep signed in": survives closing the browser
    # Set by the server with HttpOnly: a script injected into the page cannot read the token.
    assert cookies["gridmap_session"]["httpOnly"], "the sign-in cookie is readable from JavaScript"
    assert "gridmap_session" not in page.evaluate("document.cookie")

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    expect(page.get_by_role("heading", name="总览")).to_be_visible()  # the same page, not the first one
    expect(page.get_by_role("heading", name="登录网格一张图")).to_have_count(0)

    saved = page.context.cookies()
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()

    # a copy of the signed-out cookie no longer works (revoked in the store)
    page.context.add_cookies(saved)  # type: ignore[arg-type]
    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    expect(page.get_by_text("此登录已在别处退出")).to_be_visible()
    assert offsite_requests == []


def test_a_deep_link_lands_on_its_page_after_sign_in(page: Page, demo_app_url: str,
                                                    offsite_requests: list[str]) -> None:
    page.goto(f"{demo_app_url}/audit")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    assert page.url.rstrip("/").endswith("/audit"), page.url
    _sign_in_here(page, "admin", "demo-admin-2026")
    expect(page.get_by_role("heading", name="操作审计")).to_be_visible()
    assert page.url.rstrip("/").endswith("/audit"), page.url

    page.reload()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="操作审计")).to_be_visible()
    assert offsite_requests == []


def test_a_page_the_role_may_not_use_says_so(page: Page, demo_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(f"{demo_app_url}/audit")
    wait_for_app(page)
    _sign_in_here(page, "commander", "demo-commander-2026", settle=False)
    expect(page.get_by_text("没有“查看操作审计”的权限")).to_be_visible()
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav").get_by_text("操作审计")).to_have_count(0)
    assert offsite_requests == []


def test_a_fresh_server_s_first_visitor_on_a_deep_link_gets_the_frame(
        streamlit_server: Callable[..., StreamlitServer], demo_db_url: str, page: Page,
        offsite_requests: list[str]) -> None:
    # A server of its own: the first request it ever gets is the deep link. Streamlit
    # then ran pages/audit.py alone (the old pages/ layout): no sign-in form, a menu of
    # file names (app, audit, command map, ...), for every visitor until one opened "/".
    base = streamlit_server(demo_db_url, {"GRIDMAP_LIVE_SECONDS": "29"}).base_url
    page.goto(f"{base}/audit")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav").get_by_text("command map")).to_have_count(0)
    _sign_in_here(page, "admin", "demo-admin-2026")
    expect(page.get_by_role("heading", name="操作审计")).to_be_visible()
    assert offsite_requests == []
