"""The closed loop's pages (issue 12) under AppTest, on a copy of the small demo, both
languages, each role that may and may not use them.

The maps (st_folium) and the photo uploader are driven in the real browser
(tests/browser/test_closed_loop.py); here the position is typed, as a hotline operator
does, and what each action leaves in the store is checked.
"""

from __future__ import annotations

import json
import re

import pytest

from gridmap.i18n import label, t
from gridmap.workflow import report_issue, transition_issue
from tests.closed_loop_fixtures import run_page, session_of, whole_county, worker_spot

LANGS = ["zh", "en"]


def _click(at, label: str):  # type: ignore[no-untyped-def]
    button = next(b for b in at.button if b.label == label)
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _issues(db_url: str) -> int:
    session = session_of(db_url, "admin")
    try:
        return session.count("issues")
    finally:
        session.store.close()


def _report(at, lang: str, position: str, description: str = "路边垃圾堆放", category: str = "sanitation"):  # type: ignore[no-untyped-def]
    at.selectbox(key="report_category_0").set_value(category)
    at.text_area(key="report_description_0").set_value(description)
    at.text_input(key="report_typed_0").set_value(position).run()
    return _click(at, t("report.submit", lang))


# --------------------------------------------------------------------------- report


@pytest.mark.parametrize("lang", LANGS)
def test_a_grid_worker_reports_and_sees_it_in_my_reports(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str,
                                                         lang: str) -> None:
    lon, lat, micro = worker_spot(demo_copy_url)
    before = _issues(demo_copy_url)
    at = run_page(monkeypatch, demo_copy_url, "report", "gridworker", lang)
    assert at.title[0].value == t("report.title", lang)
    _report(at, lang, f"{lon}, {lat}")
    assert at.success, [e.value for e in at.error]
    assert t("report.saved", lang).split("{")[0] in at.success[0].value
    assert _issues(demo_copy_url) == before + 1
    mine = run_page(monkeypatch, demo_copy_url, "my_reports", "gridworker", lang)
    assert t("mine.caption", lang, n=1) in [c.value for c in mine.caption]
    assert any("路边垃圾堆放" in str(v) for v in mine.dataframe[0].value.to_numpy().ravel())
    session = session_of(demo_copy_url, "gridworker")
    try:
        stored = session.read("issues", where={"micro_code": micro, "description": "路边垃圾堆放"})
        assert len(stored) == 1 and stored["status"].iloc[0] == "reported"
    finally:
        session.store.close()


@pytest.mark.parametrize("lang", LANGS)
def test_bad_positions_and_text_get_a_message_and_nothing_is_written(monkeypatch: pytest.MonkeyPatch,
                                                                     demo_copy_url: str, lang: str) -> None:
    before = _issues(demo_copy_url)
    at = run_page(monkeypatch, demo_copy_url, "report", "gridworker", lang)
    _click(at, t("report.submit", lang))  # no position at all
    assert t("report.needs_position", lang) in [e.value for e in at.error]
    at.text_input(key="report_typed_0").set_value("东经120度").run()
    assert any("东经120度" in e.value for e in at.error)
    _report(at, lang, "100.0, 30.0")  # far outside the county
    assert any(("不在任何网格内" if lang == "zh" else "outside your jurisdiction") in e.value for e in at.error), \
        [e.value for e in at.error]
    lon, lat, _ = worker_spot(demo_copy_url)
    _report(at, lang, f"{lon}, {lat}", description="很长" * 50_000)
    assert any("100000" in e.value or "100,000" in e.value for e in at.error), [e.value for e in at.error]
    assert _issues(demo_copy_url) == before


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_map_has_the_locate_button(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str,
                                              lang: str) -> None:
    """The browser's GPS fix as a position (the button is pressed in tests/browser/test_closed_loop.py)."""
    at = run_page(monkeypatch, demo_copy_url, "report", "gridworker", lang)
    scripts = [json.loads(e.proto.json_args)["script"] for e in at.get("component_instance")]
    assert len(scripts) == 1, "one map on the report page"
    assert "navigator.geolocation.getCurrentPosition" in scripts[0] and "gm-locate" in scripts[0]
    title = re.search(r'a\.title = ("(?:[^"\\]|\\.)*");', scripts[0])
    assert title is not None and json.loads(title.group(1)) == t("report.locate", lang)
    assert t("report.locate", lang) != t("report.locate", "en" if lang == "zh" else "zh")


def test_hotline_staff_enter_a_report_outside_every_unit_kept_and_flagged(monkeypatch: pytest.MonkeyPatch,
                                                                         demo_copy_url: str) -> None:
    at = run_page(monkeypatch, demo_copy_url, "report", "commander", "zh")
    at.selectbox(key="report_channel_0").set_value("hotline").run()
    at.text_input(key="report_reporter_0").set_value("市民王先生")
    _report(at, "zh", "121.9, 26.9", category="traffic", description="热线：路灯不亮")
    assert at.success and "不在任何网格内" in at.success[0].value
    session = session_of(demo_copy_url, "commander")
    try:
        stored = session.read("issues", where={"description": "热线：路灯不亮"})
        assert bool(stored["outside"].iloc[0]) and stored["channel"].iloc[0] == "hotline"
        assert stored["reporter"].iloc[0] == "市民王先生"
    finally:
        session.store.close()


def test_a_report_like_an_open_one_nearby_is_offered_and_saved_as_its_duplicate(monkeypatch: pytest.MonkeyPatch,
                                                                                demo_copy_url: str) -> None:
    lon, lat, _ = worker_spot(demo_copy_url)
    at = run_page(monkeypatch, demo_copy_url, "report", "gridworker", "zh")
    _report(at, "zh", f"{lon}, {lat}", description="第一次：垃圾")
    first = session_of(demo_copy_url, "gridworker")
    try:
        original = str(first.read("issues", where={"description": "第一次：垃圾"})["id"].iloc[0])
    finally:
        first.store.close()
    at.selectbox(key="report_category_1").set_value("sanitation")
    at.text_area(key="report_description_1").set_value("第二次：同一堆")
    at.text_input(key="report_typed_1").set_value(f"{lon + 0.0001}, {lat}").run()
    assert any("是不是同一件事" in w.value for w in at.warning)
    at.radio(key="report_duplicate").set_value(original).run()
    _click(at, t("report.submit", "zh"))
    assert at.success and original in at.success[0].value
    mine = run_page(monkeypatch, demo_copy_url, "my_reports", "gridworker", "zh")
    statuses = [str(v) for v in mine.dataframe[0].value.to_numpy().ravel()]
    assert any(f"同事件 {original}" in s for s in statuses), statuses


@pytest.mark.parametrize("user", ["department", "admin", "planner", "inspector"])
def test_roles_that_may_not_report_are_told_so(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str,
                                               user: str) -> None:
    for page in ("report", "my_reports"):
        at = run_page(monkeypatch, demo_copy_url, page, user, "en")
        assert at.error and "does not allow" in at.error[0].value
        assert not at.button


# --------------------------------------------------------------------------- issue page and queues


def _an_issue(db_url: str, status: str) -> str:
    """A new sanitation report in the grid worker's unit, stepped to ``status`` (an issue of
    this test's own, in the grid worker's unit, whatever the demo's in-tray holds)."""
    lon, lat, _ = worker_spot(db_url)
    worker, commander = session_of(db_url, "gridworker"), session_of(db_url, "commander")
    try:
        issue_id = str(report_issue(worker, category="sanitation", lon=lon, lat=lat, description="测试事件")["id"])
        for step in ("accepted", "dispatched"):
            if status == "reported":
                break
            transition_issue(commander, issue_id, step)
            if step == status:
                break
        return issue_id
    finally:
        worker.store.close()
        commander.store.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_department_takes_on_an_issue_from_its_page_and_the_timeline_grows(monkeypatch: pytest.MonkeyPatch,
                                                                                demo_copy_url: str,
                                                                                lang: str) -> None:
    issue_id = _an_issue(demo_copy_url, "dispatched")
    at = run_page(monkeypatch, demo_copy_url, "issue", "department", lang, {"id": issue_id})
    assert t("issue.timeline", lang) in [s.value for s in at.subheader]
    at.radio(key=f"step_{issue_id}_dispatched").set_value("in_progress")
    at.text_area(key=f"step_note_{issue_id}_dispatched").set_value("已安排人员")
    _click(at, t("issue.step.in_progress", lang))
    assert at.success and issue_id in at.success[0].value
    session = session_of(demo_copy_url, "department")
    try:
        rows = session.read("issue_events", where={"issue_id": issue_id})
        assert rows.sort_values("at")["to_status"].iloc[-1] == "in_progress"
        assert "已安排人员" in set(rows["note"].dropna())
    finally:
        session.store.close()


def test_a_step_that_went_stale_is_refused_with_the_workflows_message(monkeypatch: pytest.MonkeyPatch,
                                                                      demo_copy_url: str) -> None:
    issue_id = _an_issue(demo_copy_url, "dispatched")
    at = run_page(monkeypatch, demo_copy_url, "issue", "department", "zh", {"id": issue_id})
    at.radio(key=f"step_{issue_id}_dispatched").set_value("in_progress")
    transition_issue(session_of(demo_copy_url, "department"), issue_id, "in_progress")  # someone else, meanwhile
    _click(at, t("issue.step.in_progress", "zh"))
    assert any("已由他人办理" in e.value and "处置中" in e.value for e in at.error), [e.value for e in at.error]
    session = session_of(demo_copy_url, "department")
    try:  # one history row for the step, not two
        steps = session.read("issue_events", where={"issue_id": issue_id, "to_status": "in_progress"})
        assert len(steps) == 1
    finally:
        session.store.close()


def test_a_grid_worker_sees_no_step_on_a_new_report_and_the_page_names_a_missing_issue(
        monkeypatch: pytest.MonkeyPatch, demo_copy_url: str) -> None:
    at = run_page(monkeypatch, demo_copy_url, "issue", "gridworker", "en", {"id": "no-such-issue"})
    assert at.warning and "such" in at.warning[0].value and "No issue" in at.warning[0].value
    issue_id = _an_issue(demo_copy_url, "reported")
    at = run_page(monkeypatch, demo_copy_url, "issue", "gridworker", "en", {"id": issue_id})
    assert any("no step for you" in c.value for c in at.caption)
    assert not [b for b in at.button if b.label in (t("issue.step.accepted", "en"), t("issue.step.closed", "en"))]


@pytest.mark.parametrize("lang", LANGS)
def test_the_commander_accepts_several_at_once_from_the_queue(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str,
                                                              lang: str) -> None:
    created = {_an_issue(demo_copy_url, "reported") for _ in range(2)}
    at = run_page(monkeypatch, demo_copy_url, "queue", "commander", lang)
    assert at.dataframe, "the queue table"
    picked = at.multiselect(key="queue_bulk_pick")
    # The two new reports, wherever the deadline order puts them: the demo's accepted issues
    # await dispatch in the same queue, and which of them sort first depends on the hour.
    ids = [str(i) for i in picked.options if str(i).rsplit(" · ", 1)[-1] in created]
    assert len(ids) == 2, picked.options
    # AppTest's options are the formatted labels: map them back through the ids they end with.
    picked.set_value([i.rsplit(" · ", 1)[-1] for i in ids]).run()
    _click(at, t("queue.bulk_accept", lang))
    assert at.success, [e.value for e in at.error]
    session = session_of(demo_copy_url, "commander")
    try:
        statuses = set(session.read("issues", where={"id": [i.rsplit(" · ", 1)[-1] for i in ids]})["status"])
    finally:
        session.store.close()
    assert statuses == {"accepted"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_commander_dispatches_the_demos_accepted_issues_from_the_queue(monkeypatch: pytest.MonkeyPatch,
                                                                           demo_copy_url: str, lang: str) -> None:
    """A fresh demo's in-tray: the last day's reports that were accepted and wait for dispatch."""
    at = run_page(monkeypatch, demo_copy_url, "queue", "commander", lang)
    picked = at.multiselect(key="queue_bulk_pick")
    accepted = label("issue_status", "accepted", lang)
    waiting = [str(o).rsplit(" · ", 1)[-1] for o in picked.options if f" · {accepted} · " in str(o)]
    assert waiting, "the fresh demo has no accepted issue waiting for dispatch"
    chosen = waiting[:2]
    picked.set_value(chosen).run()
    _click(at, t("queue.bulk_dispatch", lang))
    assert at.success, [e.value for e in at.error]
    session = session_of(demo_copy_url, "commander")
    try:
        rows = session.read("issues", where={"id": chosen})
        history = session.read("issue_events", where={"issue_id": chosen})
    finally:
        session.store.close()
    assert set(rows["status"]) == {"dispatched"}
    assert sorted(history.sort_values("at", kind="stable").groupby("issue_id")["to_status"].agg(tuple)) == \
        [("reported", "accepted", "dispatched")] * len(chosen)


def test_each_role_lands_on_its_own_page() -> None:
    import app
    from gridmap.access import Session, User
    from gridmap.domain import Role
    from gridmap.store import open_store

    with open_store("sqlite:///:memory:") as store:
        first = {role: app.allowed_pages(Session(store, User("u", role, "330327000000", "",
                                                             "enforcement" if role == Role.DEPARTMENT else None)))[0].file
                 for role in (Role.GRID_WORKER, Role.DEPARTMENT, Role.COMMANDER)}
    assert first == {Role.GRID_WORKER: "report.py", Role.DEPARTMENT: "queue.py", Role.COMMANDER: "command_map.py"}


# --------------------------------------------------------------------------- zero-report and routing


@pytest.mark.parametrize("lang", LANGS)
def test_a_grid_worker_submits_today_in_one_click_and_a_second_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                          demo_copy_url: str, lang: str) -> None:
    commander = run_page(monkeypatch, demo_copy_url, "zero_report", "commander", lang)
    missing_before = commander.dataframe[-1].value
    at = run_page(monkeypatch, demo_copy_url, "zero_report", "gridworker", lang)
    micro = str(at.selectbox(key="zero_micro").value)
    already = micro not in set(missing_before.iloc[:, -1].astype(str))
    _click(at, t("zero.nothing", lang))
    if already:
        assert at.error
    else:
        assert at.success and micro in at.success[0].value
        _click(at, t("zero.nothing", lang))
        assert any(("已于" if lang == "zh" else "already reported") in e.value for e in at.error)
        after = run_page(monkeypatch, demo_copy_url, "zero_report", "commander", lang).dataframe[-1].value
        assert len(after) == len(missing_before) - 1 and micro not in set(after.iloc[:, -1].astype(str))
    session = session_of(demo_copy_url, "commander")
    try:
        from gridmap.store.base import now

        assert len(session.read("zero_reports", where={"micro_code": micro, "day": now().date()})) == 1
    finally:
        session.store.close()


def test_department_handlers_do_not_see_zero_reports(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str) -> None:
    at = run_page(monkeypatch, demo_copy_url, "zero_report", "department", "zh")
    assert at.error and not at.button


@pytest.mark.parametrize("lang", LANGS)
def test_an_admin_saves_a_new_routing_version_and_the_old_one_is_kept(monkeypatch: pytest.MonkeyPatch,
                                                                      demo_copy_url: str, lang: str) -> None:
    at = run_page(monkeypatch, demo_copy_url, "routing", "admin", lang)
    assert t("routing.no_history", lang) in [c.value for c in at.caption]
    at.text_input(key="routing_note_0").set_value("年度复核")
    _click(at, t("routing.save", lang))
    assert at.success and "2" in at.success[0].value
    assert len(at.dataframe[-1].value) == 2  # versions 2 and the default kept as 1
    store = session_of(demo_copy_url, "admin").store
    try:
        assert sorted(store.read("routing_tables", whole_county())["version"]) == [1, 2]
        assert store.get_meta("330327", "routing_version") == "2"
    finally:
        store.close()


@pytest.mark.parametrize("user", ["commander", "gridworker", "department"])
def test_only_admins_open_the_routing_page(monkeypatch: pytest.MonkeyPatch, demo_copy_url: str, user: str) -> None:
    at = run_page(monkeypatch, demo_copy_url, "routing", user, "zh")
    assert at.error and not at.button


class _File:
    """What st.file_uploader hands over: a name and the bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


@pytest.mark.parametrize("lang", LANGS)
def test_a_photo_that_is_no_image_or_too_big_is_named_and_refused(lang: str) -> None:
    import io

    from PIL import Image

    from gridmap.ui.issue import accepted_photos

    good = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(good, "PNG")
    uploads, refused = accepted_photos([_File("ok.png", good.getvalue()), _File("notes.jpg", b"<html>hi</html>"),
                                        _File("huge.jpg", b"\xff\xd8\xff" + b"0" * (11 * 2**20))], lang)
    assert [u.filename for u in uploads] == ["ok.png"]
    assert len(refused) == 2 and "notes.jpg" in refused[0] and "huge.jpg" in refused[1]


def test_escalation_from_the_command_line_runs_once(demo_copy_url: str) -> None:
    from tests.conftest import run_cli

    first = run_cli("escalate", "--db", demo_copy_url, "--now", "2030-01-01T00:00")
    again = run_cli("escalate", "--db", demo_copy_url, "--now", "2030-01-01T00:00")
    assert first.returncode == 0 and again.returncode == 0, first.stderr
    n = int(first.stdout.split()[1])
    assert n > 0 and again.stdout.startswith("escalated 0 ")
    denied = run_cli("escalate", "--db", demo_copy_url, "--as", "gridworker")
    assert denied.returncode != 0 and "may not escalate" in denied.stdout + denied.stderr
