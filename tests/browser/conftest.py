"""Browser harness: the real app served by ``streamlit run``, driven by Debian's Chromium.

Fixtures:

- ``streamlit_server`` -- a factory: ``streamlit_server(db_url)`` starts (once per URL
  per session) ``streamlit run app.py`` on a free port against that store and returns
  its base URL; every server's process group is killed at the end of the session.
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
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from tests.conftest import REPO_ROOT, require_service

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request

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
SERVER_START_TIMEOUT_S = 90.0
PAGE_TIMEOUT_MS = 60_000
ARTIFACTS = REPO_ROOT / "out" / "test-artifacts"


# --------------------------------------------------------------------------- server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run app.py`` in its own process group, logging to a file."""

    def __init__(self, db_url: str, workdir: Path, env: dict[str, str] | None = None) -> None:
        self.db_url = db_url
        self.extra_env = dict(env or {})
        self.workdir = workdir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        """Start the server and wait until ``/_stcore/health`` answers; returns the base URL."""
        env = {
            **os.environ,
            "GRIDMAP_DB": self.db_url,
            "GRIDMAP_DATA": str(self.workdir),
            "PYTHONUNBUFFERED": "1",
            "GRIDMAP_TILES": "none",
            **self.extra_env,
        }
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_healthy()
        return self.base_url

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        last_error = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"streamlit exited with {self.proc.returncode} before it was ready:\n"
                            f"{self.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"streamlit did not answer /_stcore/health within {SERVER_START_TIMEOUT_S:.0f} s "
                    f"({last_error}):\n{self.log_tail()}", pytrace=False)

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        """Terminate the server's whole process group (SIGTERM, then SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., StreamlitServer]]:
    """Factory: the running server for a store URL (and extra environment), started on first use."""
    servers: dict[tuple[str, tuple[tuple[str, str], ...]], StreamlitServer] = {}

    def get(db_url: str, env: dict[str, str] | None = None) -> StreamlitServer:
        key = (db_url, tuple(sorted((env or {}).items())))
        if key not in servers:
            server = StreamlitServer(db_url, tmp_path_factory.mktemp("streamlit"), env)
            servers[key] = server
            server.start()
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


# --------------------------------------------------------------------------- browser


def chromium_path() -> str:
    """``GRIDMAP_CHROMIUM`` or Debian's ``/usr/bin/chromium``."""
    return os.environ.get("GRIDMAP_CHROMIUM") or "/usr/bin/chromium"


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
            launched = manager.chromium.launch(executable_path=path, headless=True, args=list(CHROMIUM_ARGS))
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
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, offsite_requests: list[str], request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new context and page (1400x1000, zh-CN) with the off-site request recorder attached."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    context.set_default_timeout(PAGE_TIMEOUT_MS)

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


def sign_in(pg: Page, base_url: str, username: str, password: str, *, expect_heading: str | None = None) -> None:
    """Open the app at ``base_url``, sign in through the form, and wait for the first page."""
    pg.goto(base_url)
    wait_for_app(pg)
    pg.get_by_label("用户名").fill(username)
    pg.get_by_label("密码").fill(password)
    pg.get_by_role("button", name="登录").click()
    if expect_heading is not None:
        pg.get_by_role("heading", name=expect_heading).wait_for()
    else:
        pg.get_by_role("button", name="退出登录").wait_for()
    wait_for_app(pg)


def wait_for_app(pg: Page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until Streamlit has run the script and drawn every element (no skeletons left).

    Call it after ``goto``; after a click, prefer ``expect(...)``, which retries.
    """
    pg.wait_for_function(_APP_SETTLED_JS, timeout=timeout_ms)


_APP_SETTLED_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute("data-test-script-state") === "notRunning"
    && document.querySelector("[data-testid='stMain'] h1") !== null
    && document.querySelector(
         "[data-testid='stSkeleton'], [data-testid='stSkeletonElement'], "
         + "[data-testid='stAppSkeleton'], [data-testid='stStatusWidget']") === null;
}"""
