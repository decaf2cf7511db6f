"""The app in a real browser: sign-in, the overview, roles in the menu, and no request off localhost."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gridmap.access import Session
from gridmap.auth import current_user
from gridmap.store import open_store
from gridmap.summary import layer_counts
from gridmap.ui.text import fmt_count
from tests.harness import sign_in, wait_for_app

pytestmark = pytest.mark.browser


def test_empty_store_offers_sign_in_with_a_hint(page: Page, empty_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(empty_app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    expect(page.get_by_text("还没有任何用户账号")).to_be_visible()
    assert offsite_requests == []


def test_wrong_password_then_commander_sees_the_overview(page: Page, demo_app_url: str, demo_db_url: str,
                                                         offsite_requests: list[str]) -> None:
    with open_store(demo_db_url) as store:
        commander = current_user(store, "commander")
        assert commander is not None
        info = layer_counts(Session(store, commander))
    assert info["levels"]["micro"] > 0, "the small demo should hold micro-grids"

    page.goto(demo_app_url)
    wait_for_app(page)
    page.get_by_label("用户名").fill("commander")
    page.get_by_label("密码").fill("not-the-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()

    sign_in(page, demo_app_url, "commander", "demo-commander-2026")
    expect(page.get_by_role("heading", name="指挥一张图")).to_be_visible()  # the first page of the menu
    page.get_by_test_id("stSidebarNav").get_by_text("总览").click()
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    micro = page.get_by_test_id("stMetric").filter(has_text="微网格")
    expect(micro.get_by_test_id("stMetricValue")).to_have_text(fmt_count(info["levels"]["micro"]))
    expect(page.get_by_text("近似范围")).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("操作审计")).to_have_count(0)  # commanders do not read the audit trail
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    assert offsite_requests == []


def test_a_direct_page_url_needs_sign_in(page: Page, demo_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(f"{demo_app_url}/audit")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="登录网格一张图")).to_be_visible()
    expect(page.get_by_role("heading", name="操作审计")).to_have_count(0)
    assert offsite_requests == []


def test_admin_reads_the_audit_trail(page: Page, demo_app_url: str, offsite_requests: list[str]) -> None:
    sign_in(page, demo_app_url, "admin", "demo-admin-2026")
    page.get_by_test_id("stSidebarNav").get_by_text("操作审计").click()
    expect(page.get_by_role("heading", name="操作审计")).to_be_visible()
    expect(page.get_by_text("共显示")).to_be_visible()
    assert offsite_requests == []


def test_language_switch_to_english(page: Page, empty_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(empty_app_url)
    wait_for_app(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Sign in to Grid Map")).to_be_visible()
    expect(page.get_by_text("No user account exists yet.")).to_be_visible()
    assert offsite_requests == []
