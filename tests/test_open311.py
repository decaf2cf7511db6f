"""Open311 GeoReport v2 in and out (gridmap.io.open311), on both backends.

Hand-made request files on the tiny county of ``tests/store_fixtures.py``: what an
import writes (statuses, unknown service codes, points in no unit, history rows), the
round trip export -> import, and adversarial files, each refused with the record and
field named and nothing written.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.domain import CATEGORIES, ISSUE_LIFECYCLE, Role
from gridmap.io import ImportRejected, import_layer
from gridmap.io.open311 import Open311Report, dumps, export_requests, export_services, import_requests
from gridmap.store import Store
from tests.conftest import run_cli
from tests.store_fixtures import M1, M4, SCOPE, tiny_units

NOW = dt.datetime(2026, 12, 1, 12, 0)


@pytest.fixture
def county(store: Store) -> Store:
    """The tiny county's units only (plan 1)."""
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    return store


def _system(store: Store) -> Session:
    return Session.system(store, SCOPE, "importer")


def _request(n: int, **changes: Any) -> dict[str, Any]:
    """A well-formed request in micro-grid M1 (override any field; None removes it)."""
    base: dict[str, Any] = {
        "service_request_id": f"r{n}", "status": "open", "service_code": "sanitation",
        "description": f"垃圾堆放 {n}", "requested_datetime": "2026-11-20T08:00:00+08:00",
        "updated_datetime": "2026-11-20T09:00:00+08:00", "lat": 27.515, "long": 120.405,
        "address": "灵溪镇 古磉居委会",
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def _write(tmp_path: Path, document: Any, name: str = "requests.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def _counts(store: Store) -> tuple[int, int, int]:
    audit = len(store.audit_log(SCOPE, limit=100_000))
    return store.count("issues", SCOPE), store.count("issue_events", SCOPE), audit


# --------------------------------------------------------------------------- import


def test_import_maps_statuses_keeps_unknown_codes_and_outside_points(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [
        _request(1),
        _request(2, status="closed", updated_datetime="2026-11-21T10:30:00Z", status_notes="已清理"),
        _request(3, service_code="006", service_name="Sidewalk and Curb Issues", lat=27.6, long=120.5),
        _request(4, service_code="99", service_name="Traffic", agency_responsible="交警大队",
                 requested_datetime="2026-11-22T07:00:00", updated_datetime=None),
        _request(5, service_code="006", status="closed", expected_datetime="2026-11-25T00:00:00+08:00"),
    ])
    report = import_layer(_system(county), "issues", path, unknown_category="municipal")
    assert isinstance(report, Open311Report)
    assert (report.read, report.written, report.outside, report.history) == (5, 5, 1, 7)
    assert report.kinds == {"open": 3, "closed": 2}
    assert report.statuses == {"reported": 3, "closed": 2}
    assert report.unknown_services == {"006": 2}  # "99" is named by its service_name (Traffic)
    assert report.naive_times == 1
    zh, en = report.text("zh"), report.text("en")
    assert "未知的服务代码（service_code）2 条" in zh and "'006' 2 条" in zh and "市政设施" in zh
    assert "2 record(s) with an unknown service code, all kept" in en and "Points in no micro-grid: 1" in en

    issues = county.read("issues", SCOPE).set_index("id")
    assert issues.loc["r1", "status"] == "reported" and issues.loc["r1", "micro_code"] == M1
    assert issues.loc["r1", "department"] == "enforcement"
    assert issues.loc["r1", "deadline"] == dt.datetime(2026, 11, 21, 8, 0)  # sanitation: 24 hours
    assert issues.loc["r2", "closed_at"] == dt.datetime(2026, 11, 21, 18, 30)  # 10:30 UTC in Beijing time
    assert bool(issues.loc["r3", "outside"]) and issues.loc["r3", "micro_code"] is None
    assert issues.loc["r3", "category"] == "municipal" and issues.loc["r3", "department"] == "housing"
    assert issues.loc["r4", "category"] == "traffic" and issues.loc["r4", "department"] == "traffic_police"
    assert issues.loc["r4", "reported_at"] == dt.datetime(2026, 11, 22, 7, 0)  # no zone: Beijing time
    assert issues.loc["r5", "deadline"] == dt.datetime(2026, 11, 25, 0, 0)
    assert set(issues["channel"]) == {"hotline"}

    events = county.read("issue_events", SCOPE).sort_values(["issue_id", "at"])
    first = events.groupby("issue_id").head(1).set_index("issue_id")
    assert (first["to_status"] == ISSUE_LIFECYCLE.initial).all() and first["from_status"].isna().all()
    assert (first["at"] == issues.loc[first.index, "reported_at"]).all()
    assert "address=灵溪镇 古磉居委会" in first.loc["r1", "note"]
    closing = events[events["issue_id"] == "r2"].iloc[-1]
    assert (closing["from_status"], closing["to_status"], closing["note"]) == ("reported", "closed", "已清理")
    assert closing["at"] == issues.loc["r2", "closed_at"]
    assert events.loc[events["issue_id"] == "r1", "micro_code"].tolist() == [M1]
    assert (events.set_index("issue_id")["department"] == issues["department"].reindex(
        events["issue_id"]).to_numpy()).all()


def test_unknown_service_codes_without_a_fallback_refuse_the_file(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(1), _request(2, service_code="006")])
    with pytest.raises(ImportRejected) as caught:
        import_layer(_system(county), "issues", path)
    assert "第 2 个要素（r2）" in caught.value.text("zh") and "'006'" in caught.value.text("zh")
    assert "--unknown-category" in caught.value.text("en")
    assert _counts(county)[:2] == (0, 0)
    report = import_requests(_system(county), path, service_map={"006": "municipal"})
    assert report.unknown_services == {} and county.read("issues", SCOPE, where={"id": "r2"})["category"].iloc[0] \
        == "municipal"


def test_spark_shapes_and_string_values_are_read(county: Store, tmp_path: Path) -> None:
    """The XML form mapped to JSON: ``service_requests.request`` and every value as text."""
    request = {k: str(v) for k, v in _request(7).items()}
    path = _write(tmp_path, {"service_requests": {"request": [request]}})
    report = import_layer(_system(county), "issues", path)
    assert report.written == 1 and county.read("issues", SCOPE)["micro_code"].tolist() == [M1]


# --------------------------------------------------------------------------- round trip


def test_round_trip_export_then_import_gives_the_same_issues(county: Store, tmp_path: Path) -> None:
    session = _system(county)
    path = _write(tmp_path, [
        _request(1),
        _request(2, status="closed", updated_datetime="2026-11-21T10:30:00+08:00",
                 extended_attributes={"status": "invalid", "channel": "deputy"}),
        _request(3, lat=27.505, long=120.415, service_code="traffic",
                 extended_attributes={"status": "in_progress", "department": "police"}),
        _request(4, lat=27.6, long=120.5, description="网格外 <script>alert(1)</script>"),
    ])
    import_layer(session, "issues", path)
    columns = ["category", "description", "channel", "department", "status", "reported_at", "deadline",
               "closed_at", "micro_code", "grid_code", "outside"]
    before = county.read("issues", SCOPE).set_index("id").sort_index()
    exported = export_requests(session)
    out = tmp_path / "export.json"
    out.write_bytes(dumps(exported))
    assert {r["status"] for r in exported} == {"open", "closed"}
    assert next(r for r in exported if r["service_request_id"] == "r3")["address_id"] == M4
    with session.write(Op.IMPORT_POINTS) as tx:
        tx.delete("issues", before.index.tolist())
    report = import_layer(session, "issues", out)
    after = county.read("issues", SCOPE).set_index("id").sort_index()
    assert report.written == 4 and report.outside == 1 and report.unknown_services == {}
    pd.testing.assert_frame_equal(before[columns], after[columns], check_dtype=False)
    assert [g.wkt for g in before.geometry] == [g.wkt for g in after.geometry]


def _photo() -> Any:
    import io

    from PIL import Image

    from gridmap.uploads import accept_upload

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 80, 40)).save(buffer, "PNG")
    return accept_upload(buffer.getvalue(), "现场.png", "image")


def test_an_exported_request_with_photos_links_its_issue_page_as_media_url(
        county: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gridmap.settings import reset_settings
    from gridmap.workflow import report_issue

    session = _system(county)
    import_layer(session, "issues", _write(tmp_path, [_request(1)]))
    shown = report_issue(session, category="sanitation", lon=120.405, lat=27.515, description="有照片",
                         photos=[_photo()])
    by_id = {r["service_request_id"]: r for r in export_requests(session, public_url="https://wg.example.cn/gm/")}
    assert by_id["r1"]["media_url"] is None, "no photo, no media"
    assert by_id[str(shown["id"])]["media_url"] == f"https://wg.example.cn/gm/issue?id={shown['id']}"
    monkeypatch.setenv("GRIDMAP_PUBLIC_URL", "https://grid.county.gov.cn")
    reset_settings()
    again = {r["service_request_id"]: r for r in export_requests(session)}
    assert again[str(shown["id"])]["media_url"] == f"https://grid.county.gov.cn/issue?id={shown['id']}"
    monkeypatch.delenv("GRIDMAP_PUBLIC_URL")
    reset_settings()
    assert {r["media_url"] for r in export_requests(session)} == {None, f"http://localhost:8501/issue?id={shown['id']}"}


def test_an_imported_media_url_is_kept_in_the_first_note_and_reported_never_fetched(
        county: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    tried: list[Any] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> Any:  # the store's own connections pass
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "localhost", "::1"):
            tried.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    url = "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    report = import_layer(_system(county), "issues", _write(tmp_path, [_request(1, media_url=url), _request(2)]))
    assert isinstance(report, Open311Report) and report.media_urls == 1
    assert "1 条记录附有媒体链接（media_url）" in report.text("zh") and "not downloaded" in report.text("en")
    events = county.read("issue_events", SCOPE).set_index("issue_id")
    assert f"media_url={url}" in events.loc["r1", "note"] and "media_url" not in events.loc["r2", "note"]
    assert tried == []
    quiet = import_layer(_system(county), "issues", _write(tmp_path, [_request(3)], "other.json"))
    assert isinstance(quiet, Open311Report) and quiet.media_urls == 0 and "media_url" not in quiet.text("en")


def test_export_reads_history_whole_or_by_id_alike(county: Store, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from gridmap.io.open311 import export as open311_export

    import_layer(_system(county), "issues", _write(tmp_path, [
        _request(1), _request(2, status="closed", status_notes="办结", updated_datetime="2026-11-21T00:00:00Z")]))
    by_id = export_requests(_system(county))
    monkeypatch.setattr(open311_export, "BY_ID_LIMIT", 0)
    assert export_requests(_system(county)) == by_id
    assert [r["status_notes"] for r in by_id][1] == "办结"


def test_export_services_lists_every_category_in_both_languages() -> None:
    zh, en = export_services("zh"), export_services("en")
    assert [s["service_code"] for s in zh] == list(CATEGORIES)
    assert zh[0]["service_name"] == "环境卫生" and en[0]["service_name"] != zh[0]["service_name"]
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in zh)
    assert "24" in zh[0]["description"] and "24 hours" in en[0]["description"]


def test_export_respects_jurisdiction_and_kind(county: Store, tmp_path: Path) -> None:
    import_layer(_system(county), "issues", _write(tmp_path, [
        _request(1), _request(2, lat=27.505, long=120.415, status="closed")]))
    worker = Session(county, User("w", Role.COMMANDER, M4))
    assert [r["service_request_id"] for r in export_requests(worker)] == ["r2"]
    assert [r["service_request_id"] for r in export_requests(_system(county), status="open")] == ["r1"]
    assert export_requests(_system(county))[0]["requested_datetime"] == "2026-11-20T08:00:00+08:00"
    with pytest.raises(PermissionDenied):
        export_requests(Session(county, User("d", Role.DEPARTMENT, "330327000000", department="police")))


def test_a_department_handler_may_not_import(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(1)])
    with pytest.raises(PermissionDenied):
        import_requests(Session(county, User("d", Role.DEPARTMENT, "330327000000", department="police")), path)


# --------------------------------------------------------------------------- adversarial

Maker = Callable[[Path], Path]


def _raw(text: str | bytes) -> Maker:
    def make(tmp: Path) -> Path:
        path = tmp / "requests.json"
        path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path
    return make


def _doc(document: Any) -> Maker:
    return lambda tmp: _write(tmp, document)


BAD: list[tuple[str, Maker, tuple[str, ...], tuple[str, ...]]] = [
    ("broken JSON", _raw('[{"service_request_id": 1, "status": "open",\n "lat": }]'),
     ("不是有效的 JSON", "第 2 行"), ("not valid JSON", "line 2")),
    ("nested too deep", _raw('[{"service_request_id": 1, "attributes": ' + "[" * 500 + "]" * 500 + "}]"),
     ("嵌套 502 层",), ("nested 502 levels deep",)),
    ("not UTF-8", _raw(json.dumps([_request(1, description="垃圾")], ensure_ascii=False).encode("gb18030")),
     ("不是 UTF-8",), ("is not UTF-8",)),
    ("a service list", _doc([{"service_code": "001", "service_name": "Cans", "type": "realtime"}]),
     ("服务类型列表",), ("service list",)),
    ("missing position", _doc([_request(1), _request(2, lat=None)]),
     ("第 2 个要素（r2）", "缺少必填字段 lat"), ("Feature 2 (r2)", "the required field lat is missing")),
    ("missing id", _doc([_request(1, service_request_id=None)]),
     ("第 1 个要素", "service_request_id"), ("Feature 1", "required field service_request_id")),
    ("latitude as true", _doc([_request(1, lat=True)]), ("true/false", "不是数字"), ("is not a number",)),
    ("longitude as text", _doc([_request(1, long="east")]), ("'east'",), ("'east'", "not a number")),
    ("id as an object", _doc([_request(1, service_request_id={"a": 1})]),
     ("JSON 对象", "文字或整数"), ("a JSON object", "text or a whole number")),
    ("status pending", _doc([_request(1, status="pending")]), ("'pending'", "open 或 closed"), ("open or closed",)),
    ("time as a number", _doc([_request(1, requested_datetime=1700000000)]), ("时间文字",), ("a time as text",)),
    ("time unreadable", _doc([_request(1, requested_datetime="20/11/2026")]),
     ("'20/11/2026'", "W3C"), ("cannot be read",)),
    ("time in the future", _doc([_request(1, requested_datetime="2099-01-01T00:00:00Z")]), ("在未来",), ("future",)),
    ("updated before requested", _doc([_request(1, updated_datetime="2026-11-19T00:00:00+08:00")]),
     ("早于上报时间",), ("before the request time",)),
    ("position in San Francisco", _doc([_request(1, lat=37.76, long=-122.46)]),
     ("不在中国境内",), ("not in China",)),
    ("swapped lat/long", _doc([_request(1, lat=120.405, long=27.515)]), ("纬度 120.405",), ("lat 120.405",)),
    ("description of 100,000 characters", _doc([_request(1, description="长" * 100_000)]),
     ("100000 个字符", "上限 4000"), ("100000 characters",)),
    ("record not an object", _doc([_request(1), "r2"]), ("第 2 个要素", "应为 JSON 对象，实为文字"), ("Feature 2",)),
    ("duplicate ids", _doc([_request(1), _request(1)]), ("与第 1 条记录重复",), ("repeats that of record 1",)),
    ("extended status of the other kind", _doc([_request(1, extended_attributes={"status": "closed"})]),
     ("不一致",), ("disagrees",)),
    ("extended channel unknown", _doc([_request(1, extended_attributes={"channel": "wechat"})]),
     ("'wechat'",), ("not one of",)),
    ("extended attributes not an object", _doc([_request(1, extended_attributes=[1])]), ("JSON 对象",),
     ("a JSON object",)),
    ("an empty list", _doc([]), ("没有任何要素",), ("holds no features",)),
]


@pytest.mark.parametrize(("maker", "zh", "en"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_files_are_refused_by_record_and_field_with_nothing_written(
        county: Store, tmp_path: Path, maker: Maker, zh: tuple[str, ...], en: tuple[str, ...]) -> None:
    before = _counts(county)
    path = maker(tmp_path)
    with pytest.raises(ImportRejected) as caught:
        import_requests(_system(county), path, now=NOW)
    text_zh, text_en = caught.value.text("zh"), caught.value.text("en")
    assert "未写入任何数据" in text_zh and "nothing was written" in text_en
    for part in zh:
        assert part in text_zh
    for part in en:
        assert part in text_en
    assert _counts(county) == before


def test_every_bad_record_is_listed_not_only_the_first(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(1, lat="x"), _request(2), _request(3, status="done", long=None)])
    with pytest.raises(ImportRejected) as caught:
        import_requests(_system(county), path)
    fields = sorted((p.feature, p.field) for p in caught.value.problems)
    assert fields == [(1, "lat"), (3, "long"), (3, "status")]


def test_replace_mode_is_refused_for_open311(county: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_layer(_system(county), "issues", _write(tmp_path, [_request(1)]), mode="replace")
    assert "只能追加导入" in caught.value.text("zh") and county.count("issues", SCOPE) == 0


def test_a_huge_file_is_refused_unread(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(i) for i in range(2000)])
    with pytest.raises(ImportRejected) as caught:
        import_layer(_system(county), "issues", path, max_bytes=50_000)
    assert "超过上限" in caught.value.text("zh") and "above the limit" in caught.value.text("en")
    assert _counts(county)[0] == 0


def test_an_import_run_twice_is_refused_the_second_time(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(1), _request(2)])
    import_requests(_system(county), path)
    before = _counts(county)
    with pytest.raises(ImportRejected) as caught:
        import_requests(_system(county), path)
    assert "已存在" in caught.value.text("zh") and len(caught.value.problems) == 2
    assert _counts(county) == before


def test_two_imports_of_one_file_at_once_write_it_once(county: Store, tmp_path: Path) -> None:
    """Both pass the id check before either writes; the store's key refuses the second whole."""
    path = _write(tmp_path, [_request(i) for i in range(40)])
    results: list[object] = []
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        try:
            results.append(import_requests(_system(county), path))
        except ImportRejected as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(type(r).__name__ for r in results) == ["ImportRejected", "Open311Report"]
    assert county.count("issues", SCOPE) == 40 and county.count("issue_events", SCOPE) == 40


def test_outside_the_importers_jurisdiction_is_refused(county: Store, tmp_path: Path) -> None:
    path = _write(tmp_path, [_request(1), _request(2, lat=27.505, long=120.415)])
    planner = Session(county, User("p", Role.PLANNER, M1))
    with pytest.raises(ImportRejected):
        import_requests(planner, path)
    assert county.count("issues", SCOPE) == 0


# --------------------------------------------------------------------------- command line


def test_cli_imports_and_exports_open311(tmp_path: Path) -> None:
    from gridmap.store import open_store

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    with store.transaction("seed", SCOPE) as tx:
        tx.insert("units", tiny_units())
        tx.set_meta("plan_version", "1")
    store.close()
    path = _write(tmp_path, [_request(1), _request(2, service_code="006", lat=27.6, long=120.5)])
    refused = run_cli("import", "issues", str(path), "--db", url, "--lang", "en")
    assert refused.returncode == 2 and "Feature 2 (r2)" in refused.stderr
    done = run_cli("import", "issues", str(path), "--db", url, "--lang", "en", "--unknown-category", "municipal")
    assert done.returncode == 0, done.stderr
    assert "2 read, 2 written" in done.stdout and "Points in no micro-grid: 1" in done.stdout
    out = tmp_path / "out.json"
    exported = run_cli("open311", "requests", "--db", url, "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert [r["service_request_id"] for r in json.loads(out.read_text("utf-8"))] == ["r1", "r2"]
    services = run_cli("open311", "services", "--lang", "en")
    assert services.returncode == 0 and json.loads(services.stdout)[0]["service_code"] == "sanitation"
