"""AppTests of the issue statistics page and the import page, both languages, roles that may and may not."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from gridmap.domain import Scope
from gridmap.io.write import table_csv
from gridmap.store import open_store
from tests.issue_pages_fixtures import M1, stats_db_url_fixture  # noqa: F401  (the stats_db_url fixture)
from tests.test_app import run_app

TITLES = {"zh": "事件统计", "en": "Issue statistics"}
IMPORT_TITLES = {"zh": "数据导入", "en": "Import data"}


def _table(at: AppTest) -> pd.DataFrame:
    assert at.dataframe, [e.value for e in (*at.error, *at.info)]
    return at.dataframe[0].value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_commander_sees_the_table_by_town_then_by_department(monkeypatch: pytest.MonkeyPatch, stats_db_url: str,
                                                             lang: str) -> None:
    at = run_app(monkeypatch, stats_db_url, lang=lang, user="commander", page="issue_stats.py")
    assert [e.value for e in at.title] == [TITLES[lang]]
    table = _table(at)
    reported = "上报" if lang == "zh" else "Reported"
    name = "名称" if lang == "zh" else "Name"
    assert table[name].tolist() == ["灵溪镇"] and table[reported].tolist() == [3]
    closure = "办结率" if lang == "zh" else "Closure rate"
    assert table[closure].round(1).tolist() == [33.3]  # shown in per cent
    assert any(("合计" if lang == "zh" else "Total") in c.value for c in at.caption)
    at.selectbox(key="istats_by").set_value("department").run()
    by_dept = _table(at).set_index(name)
    enforcement = "综合行政执法局" if lang == "zh" else "Comprehensive Law Enforcement Bureau"
    assert by_dept.loc[enforcement, reported] == 2
    assert by_dept.loc[enforcement, "此刻超期" if lang == "zh" else "Overdue now"] == 1
    assert [b.proto.label for b in at.get("download_button")] == ["下载 CSV" if lang == "zh" else "Download CSV"]


def test_micro_grid_level_and_reporters(monkeypatch: pytest.MonkeyPatch, stats_db_url: str) -> None:
    at = run_app(monkeypatch, stats_db_url, user="admin", page="issue_stats.py")
    at.selectbox(key="istats_level").set_value("micro").run()
    table = _table(at).set_index("代码")
    assert table.loc[M1, "上报"] == 2 and table.loc[M1, "办结时长中位数（小时）"] == 10.0
    at.selectbox(key="istats_by").set_value("reporter").run()
    assert set(_table(at)["名称"]) == {"李四", "=HYPERLINK(\"http://x\")"}


def test_department_handler_sees_only_their_department(monkeypatch: pytest.MonkeyPatch, stats_db_url: str) -> None:
    at = run_app(monkeypatch, stats_db_url, lang="en", user="dept", page="issue_stats.py")
    at.selectbox(key="istats_by").set_value("department").run()
    table = _table(at)
    assert table["Code"].tolist() == ["enforcement"] and table["Reported"].tolist() == [2]


@pytest.mark.parametrize("user", ["worker", "planner"])
def test_roles_without_statistics_are_refused(monkeypatch: pytest.MonkeyPatch, stats_db_url: str, user: str) -> None:
    at = run_app(monkeypatch, stats_db_url, user=user, page="issue_stats.py")
    assert any("查看事件统计" in e.value for e in at.error)
    assert not at.dataframe


def test_csv_of_a_table_neutralises_formula_cells() -> None:
    data = table_csv(pd.DataFrame({"名称": ["=HYPERLINK(\"http://x\")", "李四"], "上报": [1, -2]}))
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["名称"].tolist() == ["'=HYPERLINK(\"http://x\")", "李四"] and back["上报"].tolist() == [1, -2]


# --------------------------------------------------------------------------- the import page

REQUESTS = [
    {"service_request_id": "o1", "status": "open", "service_code": "sanitation",
     "requested_datetime": "2026-11-20T08:00:00+08:00", "lat": 27.51, "long": 120.405},
    {"service_request_id": "o2", "status": "closed", "service_code": "006",
     "requested_datetime": "2026-11-19T08:00:00+08:00", "updated_datetime": "2026-11-19T18:00:00+08:00",
     "lat": 27.7, "long": 120.6},
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_admin_imports_an_open311_file_on_the_page(monkeypatch: pytest.MonkeyPatch, stats_db_url: str,
                                                   lang: str) -> None:
    at = run_app(monkeypatch, stats_db_url, lang=lang, user="admin", page="data_import.py")
    assert [e.value for e in at.title] == [IMPORT_TITLES[lang]]
    at.file_uploader(key="dimport_file").set_value(("requests.json", json.dumps(REQUESTS).encode(),
                                                    "application/json")).run()
    at.button(key="dimport_run").click().run()
    assert not at.exception
    assert any(("不对应任何事件类别" if lang == "zh" else "matches no issue category") in e.value for e in at.error)
    at.selectbox(key="dimport_unknown").set_value("municipal").run()
    at.button(key="dimport_run").click().run()
    done = " ".join(s.value for s in at.success).replace("\\", "")  # markdown escapes
    assert ("读取 2 条，写入 2 条" if lang == "zh" else "2 read, 2 written") in done
    assert ("不在任何微网格内的点位：1 条" if lang == "zh" else "Points in no micro-grid: 1") in done
    with open_store(stats_db_url) as store:
        issues = store.read("issues", Scope.county("330327"), where={"id": ["o1", "o2"]})
    assert sorted(issues["status"]) == ["closed", "reported"]
    assert [b.proto.label for b in at.get("download_button")][:1] == [
        "下载服务类型列表 services.json" if lang == "zh" else "Download services.json"]


def test_broken_json_on_the_page_is_a_message(monkeypatch: pytest.MonkeyPatch, stats_db_url: str) -> None:
    at = run_app(monkeypatch, stats_db_url, user="admin", page="data_import.py")
    at.file_uploader(key="dimport_file").set_value(("requests.json", b'[{"service_request_id": 1,', "application/json"))
    at.run()
    at.button(key="dimport_run").click().run()
    assert not at.exception and any("requests" in e.value and "JSON" in e.value for e in at.error)


@pytest.mark.parametrize("user", ["commander", "worker", "dept"])
def test_roles_that_may_not_import_are_refused(monkeypatch: pytest.MonkeyPatch, stats_db_url: str, user: str) -> None:
    at = run_app(monkeypatch, stats_db_url, user=user, page="data_import.py")
    assert any("导入点位数据" in e.value for e in at.error)
    assert not at.get("file_uploader")
