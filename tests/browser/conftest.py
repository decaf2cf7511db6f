"""Browser fixtures: the real app served by ``streamlit run``, driven by Debian's Chromium.

The harness itself (server, Chromium flags, sign-in, the map probes) is :mod:`tests.harness`,
shared with ``benchmarks/`` and ``tools/``; this file only turns it into fixtures.

Fixtures:

- ``streamlit_server`` -- a factory: ``streamlit_server(db_url)`` starts (once per URL
  per session) ``streamlit run app.py`` on a free port against that store and returns
  the :class:`~tests.harness.StreamlitServer`; every server's process group is killed at
  the end of the session.
- ``demo_app_url`` / ``empty_app_url`` -- the app on the seeded small demo / an empty store.
- ``browser`` -- one headless Chromium per session (``GRIDMAP_CHROMIUM``, default
  ``/usr/bin/chromium``; never a Playwright-downloaded browser).
- ``page`` -- a fresh browser context and page per test. Every request to a host other
  than localhost/127.0.0.1 is recorded in ``offsite_requests``; tests assert it is empty.

Under ``CI=true`` a missing Chromium fails the tests instead of skipping them. When a
test fails, a screenshot is written to ``out/test-artifacts/`` and the server log tail
is printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO_ROOT, require_service
from tests.harness import (
    LOCAL_HOSTS,
    ServerError,
    StreamlitServer,
    chromium_path,
    launch_chromium,
    new_context,
    sign_in,
    wait_for_app,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

# Test modules written before tests.harness import these names from here.
__all__ = ["StreamlitServer", "sign_in", "wait_for_app"]

ARTIFACTS = REPO_ROOT / "out" / "test-artifacts"


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: the running server for a store URL (and extra environment), started on first use."""
    servers: dict[tuple[str, tuple[tuple[str, str], ...]], StreamlitServer] = {}

    def get(db_url: str, env: dict[str, str] | None = None) -> StreamlitServer:
        key = (db_url, tuple(sorted((env or {}).items())))
        if key not in servers:
            server = StreamlitServer(db_url, tmp_path_factory.mktemp("streamlit"), env)
            servers[key] = server
            try:
                server.start()
            except ServerError as exc:
                pytest.fail(str(exc), pytrace=False)
        return servers[key]

    yield get
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def demo_app_url(streamlit_server: Callable[[str], StreamlitServer], demo_db_url: str) -> str:
    """Base URL of the app serving the small demo county."""
    return streamlit_server(demo_db_url).base_url


@pytest.fixture(scope="session")
def empty_app_url(streamlit_server: Callable[[str], StreamlitServer],
                  tmp_path_factory: pytest.TempPathFactory) -> str:
    """Base URL of the app serving an empty store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('empty-store') / 'gridmap.db'}"
    return streamlit_server(url).base_url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the session, driven by Playwright's sync API."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        require_service("chromium", f"{path} is not an executable file; apt-get install chromium "
                                    "(or set GRIDMAP_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        require_service("playwright", f"the Python package is not installed: {exc}")
    manager = sync_playwright().start()
    try:
        try:
            launched = launch_chromium(manager, path)
        except Exception as exc:  # a browser that does not start is a missing service
            require_service("chromium", f"{path} did not start under Playwright: {exc}")
        yield launched
        launched.close()
    finally:
        manager.stop()


@pytest.fixture
def offsite_requests() -> list[str]:
    """URLs of requests the page made to hosts other than localhost (should stay empty)."""
    return []


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item,
                               call: pytest.CallInfo[None]) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, offsite_requests: list[str], request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new context and page (1400x1000, zh-CN) with the off-site request recorder attached."""
    context = new_context(browser)

    def record(req: Request) -> None:
        host = urlparse(req.url).hostname
        if host is not None and host not in LOCAL_HOSTS:
            offsite_requests.append(req.url)

    context.on("request", record)
    pg = context.new_page()
    try:
        yield pg
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            shot = ARTIFACTS / f"{request.node.name}.png"
            try:
                pg.screenshot(path=str(shot), full_page=True)
                print(f"screenshot of the failed page: {shot}")
            except Exception as exc:  # the screenshot is a courtesy; keep the real failure
                print(f"no screenshot: {exc}")
        context.close()
