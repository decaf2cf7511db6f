"""The step form both the issue page and the hazard page use (gridmap.ui.step_form):
how a step's outcome is told, on both backends. The pages' own AppTests
(tests/test_closed_loop_pages.py, tests/test_hazard_page.py) drive the fields."""

from __future__ import annotations

import io

from PIL import Image

from gridmap.access import Session
from gridmap.store import Store
from gridmap.store.base import StoreError
from gridmap.ui.step_form import StepEntry, accepted_photos, make_step
from gridmap.workflow import transition_issue
from tests.store_fixtures import SCOPE


class _File:
    def __init__(self, name: str, data: bytes) -> None:
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_step_is_made_refused_by_the_workflow_or_not_tried_with_a_bad_photo(tiny_store: Store) -> None:
    session = Session.system(tiny_store, SCOPE, "handler")
    photos, refused = accepted_photos([_File("ok.png", _png()), _File("[x](js).jpg", b"<html>")], "zh")
    assert len(photos) == 1 and len(refused) == 1
    bad = make_step(lambda e: transition_issue(session, "i1", "accepted", note=e.note), StepEntry("n", photos, refused),
                    "zh")
    assert bad.kind == "photos" and "\\[x\\]" in bad.message, "the file name is escaped for markdown"
    assert session.read("issues", where={"id": "i1"})["status"].iloc[0] == "reported", "nothing was tried"
    done = make_step(lambda e: transition_issue(session, "i1", "accepted", note=e.note, photos=e.photos),
                     StepEntry("已受理", photos), "en")
    assert done.ok and done.result["status"] == "accepted"
    illegal = make_step(lambda e: transition_issue(session, "i1", "closed", note=e.note), StepEntry(None), "en")
    assert illegal.kind == "workflow" and illegal.message
    assert session.read("issues", where={"id": "i1"})["status"].iloc[0] == "accepted"


def test_a_store_failure_is_told_with_the_pages_own_words() -> None:
    def fail(_entry: StepEntry) -> None:
        raise StoreError("database is locked")

    issue = make_step(fail, StepEntry(None), "en")
    hazard = make_step(fail, StepEntry(None), "en", store_key="hazards.store_failed")
    assert issue.kind == hazard.kind == "store"
    assert "database is locked" in issue.message and "database is locked" in hazard.message
    assert issue.message != hazard.message
