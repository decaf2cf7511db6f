"""gridmap.photos: photos kept with a report or a step, in its transaction, seen only by
whoever sees their issue or hazard. Both backends, the tiny county (tests/store_fixtures.py)."""

from __future__ import annotations

import io
import threading

import pandas as pd
import pytest
from PIL import Image

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.domain import CATEGORIES, Role
from gridmap.photos import MAX_PHOTOS, attach, photo_bytes, photos_of
from gridmap.store import Store
from gridmap.uploads import Upload, accept_upload
from gridmap.workflow import (
    BadInput,
    IllegalStep,
    RowNotFound,
    StepNotPermitted,
    record_inspection,
    report_issue,
    transition_hazard,
    transition_issue,
)
from tests.store_fixtures import COUNTY, G1, G2, M1, SCOPE

COUNTY_UNIT = f"{COUNTY}000000"
DEPARTMENT = CATEGORIES["fire_safety"].department


def _photo(colour: tuple[int, int, int] = (200, 30, 30), name: str = "现场.jpg") -> Upload:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG" if name.endswith(".png") else "JPEG")
    return accept_upload(buffer.getvalue(), name, "image")


def _worker(store: Store, unit: str = G1) -> Session:
    return Session(store, User("worker", Role.GRID_WORKER, unit, "王网格"))


def _commander(store: Store) -> Session:
    return Session(store, User("cmd", Role.COMMANDER, COUNTY_UNIT, "指挥长"))


def _department(store: Store, department: str = DEPARTMENT) -> Session:
    return Session(store, User("dept", Role.DEPARTMENT, COUNTY_UNIT, "消防", department=department))


def _photo_rows(store: Store) -> pd.DataFrame:
    return store.read("photos", SCOPE)


def test_a_reports_photos_are_kept_with_its_first_history_row(tiny_store: Store) -> None:
    red, blue = _photo(), _photo((20, 40, 220), "second.png")
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515, photos=[red, blue])
    refs = photos_of(_worker(tiny_store), "issues", issue["id"])
    (event,) = tiny_store.read("issue_events", SCOPE, where={"issue_id": issue["id"]})["id"]
    assert [r.event_id for r in refs] == [event, event]
    assert {r.name for r in refs} == {"现场.jpg", "second.png"}
    assert all(r.uploaded_by == "worker" and r.width == 64 and r.height == 48 for r in refs)
    stored = {photo_bytes(_worker(tiny_store), r.id) for r in refs}
    assert stored == {(red.data, "image/jpeg"), (blue.data, blue.media_type)}
    rows = _photo_rows(tiny_store)
    assert set(rows["micro_code"]) == {M1} and set(rows["department"]) == {DEPARTMENT}


def test_a_steps_photo_belongs_to_that_step(tiny_store: Store) -> None:
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515)
    commander = _commander(tiny_store)
    transition_issue(commander, issue["id"], "accepted")
    transition_issue(commander, issue["id"], "dispatched")
    transition_issue(_department(tiny_store), issue["id"], "in_progress")
    done = _photo((10, 160, 10), "处置后.jpg")
    transition_issue(_department(tiny_store), issue["id"], "resolved", note="已清理", photos=[done])
    events = tiny_store.read("issue_events", SCOPE, where={"issue_id": issue["id"]})
    resolved = events.loc[events["to_status"] == "resolved", "id"].item()
    (ref,) = photos_of(commander, "issues", issue["id"])
    assert ref.event_id == resolved and ref.uploaded_by == "dept"
    assert photo_bytes(commander, ref.id)[0] == done.data


def test_a_hazards_photos_follow_its_record_and_steps(tiny_store: Store) -> None:
    inspector = Session(tiny_store, User("insp", Role.INSPECTOR, COUNTY_UNIT, "检查员"))
    hazard = record_inspection(inspector, place_type="residential", hazard_types=["ebike_indoor"],
                               severity="high", lon=120.405, lat=27.515, photos=[_photo()])
    transition_hazard(inspector, hazard["id"], "rectified", note="已清走", photos=[_photo((0, 0, 0))])
    refs = photos_of(inspector, "inspections", hazard["id"])
    events = tiny_store.read("inspection_events", SCOPE, where={"inspection_id": hazard["id"]})
    assert sorted(r.event_id for r in refs) == sorted(events["id"])
    assert set(_photo_rows(tiny_store)["micro_code"]) == {M1}


def test_a_refused_step_keeps_no_photo(tiny_store: Store) -> None:
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515)
    with pytest.raises(IllegalStep):
        transition_issue(_commander(tiny_store), issue["id"], "closed", photos=[_photo()])
    with pytest.raises(StepNotPermitted):
        transition_issue(_worker(tiny_store), issue["id"], "accepted", photos=[_photo()])
    assert _photo_rows(tiny_store).empty
    assert len(tiny_store.read("issue_events", SCOPE, where={"issue_id": issue["id"]})) == 1


@pytest.mark.parametrize("bad", ["too_many", "raw_bytes", "data_upload"])
def test_unchecked_or_too_many_photos_are_refused_and_nothing_is_written(tiny_store: Store, bad: str) -> None:
    photos: list[object]
    if bad == "too_many":
        photos = [_photo()] * (MAX_PHOTOS + 1)
    elif bad == "raw_bytes":
        photos = [b"\xff\xd8\xff not checked"]
    else:
        photos = [accept_upload(b"lon,lat\n120.4,27.5\n", "points.csv", "data")]
    with pytest.raises(BadInput) as refused:
        report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515,
                     photos=photos)  # type: ignore[arg-type]
    assert refused.value.key == ("photos.too_many" if bad == "too_many" else "photos.not_checked")
    assert refused.value.text("zh") != refused.value.text("en")
    assert tiny_store.count("issues", SCOPE) == 3 and _photo_rows(tiny_store).empty


def test_photos_are_seen_only_by_who_sees_their_issue(tiny_store: Store) -> None:
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515, photos=[_photo()])
    (ref,) = photos_of(_commander(tiny_store), "issues", issue["id"])
    other_grid = _worker(tiny_store, G2)
    other_department = _department(tiny_store, next(d for d in sorted({c.department for c in CATEGORIES.values()})
                                                    if d != DEPARTMENT))
    for outsider in (other_grid, other_department):
        assert photos_of(outsider, "issues", issue["id"]) == []
        with pytest.raises(RowNotFound):
            photo_bytes(outsider, ref.id)
    assert photos_of(_department(tiny_store), "issues", issue["id"]) == [ref]


def test_a_photo_written_directly_takes_its_owners_codes_and_is_checked_through_it(tiny_store: Store) -> None:
    """A client cannot file a photo under another unit or onto a row it does not see."""
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515)
    forged = pd.DataFrame([{"owner_layer": "issues", "owner_id": issue["id"], "media_type": "image/jpeg",
                            "size_bytes": 3, "data": "AAAA", "uploaded_by": "worker",
                            "uploaded_at": pd.Timestamp("2026-12-01 09:00"), "micro_code": "330327999999999",
                            "department": "justice"}])
    with _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        tx.insert("photos", forged)
    row = _photo_rows(tiny_store).iloc[0]
    assert (row["micro_code"], row["department"]) == (M1, DEPARTMENT)
    with pytest.raises(RowNotFound), _worker(tiny_store, G2).write(Op.REPORT_ISSUE) as tx:
        tx.insert("photos", forged)
    with pytest.raises(PermissionDenied), _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        tx.insert("photos", forged.assign(owner_layer="inspections"))
    with pytest.raises(RowNotFound), _worker(tiny_store).write(Op.REPORT_ISSUE) as tx:
        attach(tx, "issues", "no-such-issue", [_photo()])
    assert len(_photo_rows(tiny_store)) == 1


def test_two_handlers_resolving_at_once_keep_one_step_and_its_photo(tiny_store: Store) -> None:
    """Two department handlers press 办结 at the same moment, each with a photo: one step,
    one history row and one photo; the other is refused in words."""
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515)
    commander = _commander(tiny_store)
    transition_issue(commander, issue["id"], "accepted")
    transition_issue(commander, issue["id"], "dispatched")
    transition_issue(_department(tiny_store), issue["id"], "in_progress")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def resolve(colour: tuple[int, int, int]) -> None:
        photo = _photo(colour)
        barrier.wait()
        try:
            transition_issue(_department(tiny_store), issue["id"], "resolved", photos=[photo])
            outcomes.append("done")
        except IllegalStep as exc:
            outcomes.append(exc.key)

    threads = [threading.Thread(target=resolve, args=(c,)) for c in ((1, 2, 3), (250, 250, 250))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "workflow.already"]
    events = tiny_store.read("issue_events", SCOPE, where={"issue_id": issue["id"]})
    assert (events["to_status"] == "resolved").sum() == 1
    assert len(_photo_rows(tiny_store)) == 1


def test_photos_follow_their_issue_when_it_is_dispatched_to_another_department(tiny_store: Store) -> None:
    """Re-dispatching an issue moved its history to the new department but left its photos
    behind: the new department could not see the photos taken before (found in review)."""
    issue = report_issue(_worker(tiny_store), category="fire_safety", lon=120.405, lat=27.515, photos=[_photo()])
    commander = _commander(tiny_store)
    transition_issue(commander, issue["id"], "accepted")
    other = next(d for d in sorted({c.department for c in CATEGORIES.values()}) if d != DEPARTMENT)
    transition_issue(commander, issue["id"], "dispatched", department=other)
    assert len(photos_of(_department(tiny_store, other), "issues", issue["id"])) == 1
    assert photos_of(_department(tiny_store), "issues", issue["id"]) == []
    assert set(_photo_rows(tiny_store)["department"]) == {other}
