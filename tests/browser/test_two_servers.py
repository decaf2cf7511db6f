"""Two app servers, one PostGIS (issue 12, item 10): how gridmap scales past one process.

Server A and server B are two ``streamlit run app.py`` processes on one PostgreSQL
database, as behind a reverse proxy. A commander watches server B's live command map;
an admin imports a report (an Open311 request, through the 数据导入 page) on server A.
Server B's map rings it within one refresh tick: its snapshot cache re-reads the store
on every tick, so a write by any process is seen (nothing is cached per process that
another process's write would leave stale).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from gridmap import auth
from gridmap.access import Session
from gridmap.domain import BEIJING_OFFSET, Role
from gridmap.store import open_store
from tests.conftest import TEST_PASSWORD
from tests.harness import StreamlitServer, new_context, sign_in
from tests.harness.command_map import wait_map
from tests.store_fixtures import (
    M1,
    SCOPE,
    create_database,
    drop_database,
    postgis_url,
    tiny_units,
    with_database,
)

pytestmark = pytest.mark.browser

TICK_S = 4
RINGS_JS = ("() => { let n = 0; window.map.eachLayer(l => { if (l instanceof L.Marker && l.options.icon && "
            "(l.options.icon.options.className || '').includes('gm-new-icon')) n++ }); return n }")


@pytest.fixture
def shared_pg(tmp_path: Path) -> Iterator[str]:
    """A PostGIS database of its own with the tiny county, a commander and an admin."""
    from tests.conftest import require_service

    base = postgis_url()
    try:
        name = create_database(base, "twoservers")
    except Exception as exc:  # the service is not there
        require_service("PostgreSQL", f"{base}: {exc}")
    url = with_database(base, name)
    try:
        with open_store(url) as store:
            with store.transaction("seed", SCOPE) as tx:
                tx.insert("units", tiny_units())
                tx.set_meta("plan_version", "1")
            system = Session.system(store, SCOPE)
            auth.add_user(system, "chief", TEST_PASSWORD, role=Role.COMMANDER, unit_code="330327000000")
            auth.add_user(system, "root", TEST_PASSWORD, role=Role.ADMIN, unit_code="330327000000")
        yield url
    finally:
        drop_database(base, name)


def test_a_report_through_server_a_is_ringed_on_server_b_within_one_tick(
        browser: Browser, shared_pg: str, tmp_path: Path, offsite_requests: list[str]) -> None:
    env = {"GRIDMAP_LIVE_SECONDS": str(TICK_S), "GRIDMAP_SECRET": "two-servers-share-this-secret-0123456789"}
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    server_a, server_b = (StreamlitServer(shared_pg, tmp_path / name, env) for name in ("a", "b"))
    with ThreadPoolExecutor(2) as pool:  # both start at once
        list(pool.map(StreamlitServer.start, (server_a, server_b)))
    try:
        watcher_ctx, writer_ctx = new_context(browser), new_context(browser)  # two people, two browsers
        try:
            watcher, writer = watcher_ctx.new_page(), writer_ctx.new_page()
            sign_in(watcher, server_b.base_url, "chief", TEST_PASSWORD, expect_heading="指挥一张图")
            frame, _ = wait_map(watcher, None, 60)
            assert frame.evaluate(RINGS_JS) == 0
            tick = watcher.get_by_text("上次刷新").first
            tick_text = tick.inner_text()
            expect(tick).not_to_have_text(tick_text, timeout=3 * TICK_S * 1000)  # B is ticking

            sign_in(writer, server_a.base_url, "root", TEST_PASSWORD)
            writer.goto(f"{server_a.base_url}/data-import")
            writer.get_by_role("heading", name="数据导入").wait_for()
            reported = (dt.datetime.now(dt.UTC) + BEIJING_OFFSET - dt.timedelta(minutes=2)).replace(tzinfo=None)
            request = [{"service_request_id": "via-server-a", "status": "open", "service_code": "sanitation",
                        "description": "两台服务器：A 上报", "lat": 27.515, "long": 120.405,
                        "requested_datetime": reported.strftime("%Y-%m-%dT%H:%M:%S+08:00")}]
            path = tmp_path / "request.json"
            path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
            writer.locator("input[type=file]").set_input_files(str(path))
            writer.get_by_role("button", name="导入", exact=True).click()
            expect(writer.get_by_text("读取 1 条，写入 1 条", exact=False)).to_be_visible(timeout=30_000)
            written_at = time.monotonic()

            frame.wait_for_function(f"() => ({RINGS_JS})() > 0", timeout=(2 * TICK_S + 10) * 1000)
            seen_after = time.monotonic() - written_at
        finally:
            watcher_ctx.close()
            writer_ctx.close()
        assert server_a.errors() == [] and server_b.errors() == []
    finally:
        server_a.stop()
        server_b.stop()
    print(f"server B ringed the report {seen_after:.1f} s after server A wrote it (tick {TICK_S} s)")
    # One tick, plus the redraw of the map: never a second full tick.
    assert seen_after <= TICK_S + 6, f"server B showed the report {seen_after:.1f} s after it was written"
    with open_store(shared_pg) as store:
        issue = store.read("issues", SCOPE, where={"id": "via-server-a"})
    assert issue["micro_code"].tolist() == [M1]
    assert offsite_requests == []
