"""Photos of supervision visits in the visit history (issue 13, item 2): the stations page
shows each photo of the latest visits as a picture, in a box naming the station, the time
and the visitor, as the issue page's timeline shows a step's photos (it uses the same
``gridmap.ui.issue.show_photos``); a visit without photos shows none, and an older visit's
photos are reached through a list. ``gridmap.photos.photos_by_owner`` (one read for the
history) is checked on both backends: it finds every visit's photos and only those in scope.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from gridmap.access import Session, User
from gridmap.i18n import t
from gridmap.photos import photos_by_owner
from gridmap.settings import reset_settings
from gridmap.stations import record_visit
from gridmap.store import open_store
from gridmap.store.base import Store, now
from gridmap.ui import AUTH_KEY, LANG_KEY
from gridmap.ui.stations_visits import PHOTO_VISITS
from gridmap.uploads import Upload, accept_upload
from tests.conftest import REPO_ROOT
from tests.stations_fixtures import lonlat, seed_stations

PAGE = str(REPO_ROOT / "pages" / "stations.py")
TIMEOUT_S = 120
HEADS = {"zh": "督查人", "en": "visited by"}


def _photo(name: str, colour: tuple[int, int, int]) -> Upload:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, format="PNG")
    return accept_upload(out.getvalue(), name, "image")


def _commander(store: Store, unit: str = "330327000000") -> Session:
    return Session(store, User("commander", "commander", unit, "张指挥"))


def _visit(session: Session, station: str, hours_ago: int, photos: list[Upload]) -> str:
    at = now().replace(microsecond=0) - dt.timedelta(hours=hours_ago)
    lon, lat = lonlat(10, 10) if station == "A" else lonlat(810, 10)
    return str(record_visit(session, station, lon=lon, lat=lat, checklist={}, at=at, photos=photos)["id"])


def _page(monkeypatch: pytest.MonkeyPatch, url: str, lang: str) -> AppTest:
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_TILES", "none")
    reset_settings()  # recording the visits read the settings before GRIDMAP_DB pointed here
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.session_state[LANG_KEY] = lang
    at.session_state[AUTH_KEY] = {"username": "commander", "signed_in_at": now(), "last_seen": now()}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _captions(at: AppTest) -> list[str]:
    return [c for image in at.get("image") for c in image.captions]  # type: ignore[attr-defined]


def _boxes(at: AppTest, lang: str) -> list[str]:
    return [m.value for m in at.markdown if HEADS[lang] in m.value]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_visit_with_a_photo_shows_the_picture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                lang: str) -> None:
    url = f"sqlite:///{tmp_path / 'photos.db'}"
    with open_store(url) as store:
        seed_stations(store)
        commander = _commander(store)
        _visit(commander, "A", 3, [_photo("现场-公示栏.png", (200, 30, 30)), _photo("门口.png", (30, 30, 200))])
        _visit(commander, "B", 1, [])  # newer, no photos: no box, no picture
    at = _page(monkeypatch, url, lang)
    assert sorted(_captions(at)) == ["现场-公示栏.png", "门口.png"]
    boxes = _boxes(at, lang)
    assert len(boxes) == 1 and "站点A" in boxes[0]
    photos, station = t("stations.col.photos", lang), t("stations.col.name", lang)
    history = next(df.value for df in at.dataframe if photos in df.value.columns)
    assert dict(zip(history[station], history[photos], strict=True)) == {"站点A": 2, "站点B": 0}


def test_an_older_visit_s_photos_are_picked_from_a_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'photos.db'}"
    with open_store(url) as store:
        seed_stations(store)
        commander = _commander(store)
        oldest = _visit(commander, "A", 100, [_photo("最早.png", (0, 0, 0))])
        for i in range(PHOTO_VISITS):
            _visit(commander, "B", 10 - i, [_photo(f"第{i}次.png", (10 * i, 100, 100))])
    at = _page(monkeypatch, url, "zh")
    assert sorted(_captions(at)) == sorted(f"第{i}次.png" for i in range(PHOTO_VISITS))
    at.selectbox(key="st_photo_pick").set_value(oldest).run()
    assert not at.exception
    assert "最早.png" in _captions(at) and len(_captions(at)) == PHOTO_VISITS + 1


def test_photos_by_owner_finds_each_visit_s_photos_in_scope(store: Store) -> None:
    seed_stations(store)
    county = _commander(store)
    first = _visit(county, "A", 2, [_photo("a1.png", (1, 2, 3)), _photo("a2.png", (4, 5, 6))])
    second = _visit(county, "B", 1, [_photo("b1.png", (7, 8, 9))])
    _visit(county, "A", 0, [])
    found = photos_by_owner(county, "station_visits")
    assert {k: sorted(str(r.name) for r in v) for k, v in found.items()} == {first: ["a1.png", "a2.png"],
                                                                           second: ["b1.png"]}
    assert photos_by_owner(county, "issues") == {}
    elsewhere = Session(store, User("other", "commander", "330327200000", "外镇"))  # another town: sees none
    assert photos_by_owner(elsewhere, "station_visits") == {}
