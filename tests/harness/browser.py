"""Debian's Chromium under Playwright, and the steps every browser user of the app takes first."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Playwright

CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
PAGE_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 1000}

# Streamlit has run the script and drawn every element: no skeleton or running-man left.
APP_SETTLED_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stMain'] h1") !== null
    && document.querySelector(
         "[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], "
         + "[data-testid='stAppSkeleton'], [data-testid='stStatusWidget']") === null;
}"""


def chromium_path() -> str:
    """``GRIDMAP_CHROMIUM`` or Debian's ``/usr/bin/chromium`` (never a Playwright-downloaded browser)."""
    return os.environ.get("GRIDMAP_CHROMIUM") or "/usr/bin/chromium"


def launch_chromium(playwright: Playwright, path: str | None = None, extra_args: Sequence[str] = ()) -> Browser:
    """Headless Chromium at ``path`` (default :func:`chromium_path`) with :data:`CHROMIUM_ARGS` + ``extra_args``."""
    return playwright.chromium.launch(executable_path=path or chromium_path(), headless=True,
                                      args=[*CHROMIUM_ARGS, *extra_args])


def new_context(browser: Browser, timeout_ms: int = PAGE_TIMEOUT_MS, **options: Any) -> BrowserContext:
    """A fresh browser context (nothing cached, no cookies): 1400x1000, zh-CN, ``timeout_ms`` per step."""
    context = browser.new_context(**{"viewport": VIEWPORT, "locale": "zh-CN", **options})
    context.set_default_timeout(timeout_ms)
    return context


def wait_for_app(pg: Page, timeout_ms: int = PAGE_TIMEOUT_MS, quiet_ms: int = 0) -> None:
    """Wait until Streamlit has run the script and drawn every element (no skeletons left).

    With ``quiet_ms``, wait that long once it has and then until it has again (late messages
    and the reruns they start). Call it after ``goto``; after a click, prefer
    ``expect(...)``, which retries.
    """
    pg.wait_for_function(APP_SETTLED_JS, timeout=timeout_ms)
    if quiet_ms:
        pg.wait_for_timeout(quiet_ms)
        pg.wait_for_function(APP_SETTLED_JS, timeout=timeout_ms)


def fill_sign_in(pg: Page, base_url: str, username: str, password: str,
                 timeout_ms: int = PAGE_TIMEOUT_MS) -> Locator:
    """Open the app at ``base_url`` and fill the sign-in form; returns the 登录 button, not clicked."""
    pg.goto(base_url)
    wait_for_app(pg, timeout_ms)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    return pg.get_by_role("button", name="登录")


def sign_in(pg: Page, base_url: str, username: str, password: str, *, expect_heading: str | None = None) -> None:
    """Open the app at ``base_url``, sign in through the form, and wait for the first page."""
    fill_sign_in(pg, base_url, username, password).click()
    if expect_heading is not None:
        pg.get_by_role("heading", name=expect_heading).wait_for()
    else:
        pg.get_by_role("button", name="退出登录").wait_for()
    wait_for_app(pg)
