"""The app in a real browser: it opens, shows the overview, and stays on localhost."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from gridmap.access import Session
from gridmap.domain import Scope
from gridmap.store import open_store
from gridmap.summary import layer_counts
from gridmap.ui.text import fmt_count
from tests.browser.conftest import wait_for_app

pytestmark = pytest.mark.browser


def test_empty_store_opens_with_hint(page: Page, empty_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(empty_app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    expect(page.get_by_text("数据存储中还没有任何县的数据")).to_be_visible()
    assert offsite_requests == []


def test_demo_overview_shows_counts(page: Page, demo_app_url: str, demo_db_url: str,
                                    offsite_requests: list[str]) -> None:
    with open_store(demo_db_url) as store:
        county = store.counties()[0]
        info = layer_counts(Session.system(store, Scope.county(county)))
    assert info["levels"]["micro"] > 0, "the small demo should hold micro-grids"

    page.goto(demo_app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="总览")).to_be_visible()
    micro = page.get_by_test_id("stMetric").filter(has_text="微网格")
    expect(micro.get_by_test_id("stMetricValue")).to_have_text(fmt_count(info["levels"]["micro"]))
    expect(page.get_by_text("近似范围")).to_be_visible()
    assert offsite_requests == []


def test_language_switch_to_english(page: Page, empty_app_url: str, offsite_requests: list[str]) -> None:
    page.goto(empty_app_url)
    wait_for_app(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    expect(page.get_by_text("The data store holds no county yet.")).to_be_visible()
    assert offsite_requests == []
