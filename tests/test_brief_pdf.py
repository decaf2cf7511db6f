"""The town brief: the PDF holds the town's name and its KPIs (read back with pypdf), one
A4 page with the CJK font embedded; the CLI writes it; roles and scope are checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from gridmap.access import PermissionDenied, Session, User
from gridmap.brief.render import brief_html, brief_pdf
from gridmap.brief.town import brief_data
from gridmap.domain import Role
from gridmap.store import ScopeError, Store, open_store
from tests.brief_fixtures import seed_ranked
from tests.conftest import run_cli
from tests.store_fixtures import SCOPE, VILLAGE

TOWN = "330327100000"


def pdf_text(body: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def embedded_fonts(reader: PdfReader) -> list[str]:
    names = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            if any(k.startswith("/FontFile") for k in descriptor):
                names.append(str(font["/BaseFont"]))
    return names


def test_the_pdf_names_the_town_and_its_kpis(store: Store) -> None:
    seed_ranked(store)
    boss = Session(store, User("boss", Role.COMMANDER, "330327000000"))
    data = brief_data(boss, TOWN)
    assert data.name == "灵溪镇"
    assert data.kpis.open_issues == 18 and data.kpis.reported == 18, "the fixture's 18 open issues"
    text, reader = pdf_text(brief_pdf(data, "zh"))
    assert len(reader.pages) == 1, "one page"
    assert "灵溪镇工作简报" in text
    for label, value in (("未办结事件", "18"), ("超期事件", "0"), ("覆盖户数", "200")):
        assert label in text and value in text, (label, value)
    assert "尚无走访记录" in text, "no visits layer yet: said so"
    assert "古磉居委会" in text, "the ranking lists the village"
    fonts = embedded_fonts(reader)
    assert any("CJK" in f for f in fonts), f"the Chinese font is embedded: {fonts}"
    english, _ = pdf_text(brief_pdf(data, "en"))
    assert "灵溪镇: brief" in english and "Open issues" in english


def test_stored_text_is_escaped_in_the_html(store: Store) -> None:
    seed_ranked(store)
    with store.transaction("tester", SCOPE) as tx:
        tx.update("units", f"{VILLAGE}:1", {"name": "<script>x</script>{{村}}"})
    html = brief_html(brief_data(Session(store, User("boss", Role.COMMANDER, "330327000000")), TOWN))
    assert "<script>x" not in html and "&lt;script&gt;x" in html


def test_roles_and_scope(store: Store) -> None:
    seed_ranked(store)
    with pytest.raises(PermissionDenied):
        brief_data(Session(store, User("p", Role.PLANNER, "330327000000")), TOWN)
    with pytest.raises(ScopeError):
        brief_data(Session(store, User("b", Role.COMMANDER, "330327101000")), TOWN)


def test_cli_writes_the_pdf(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    with open_store(url) as store:
        seed_ranked(store)
    out = tmp_path / "town.pdf"
    result = run_cli("brief", "--db", url, "--unit", TOWN, "-o", str(out))
    assert result.returncode == 0, result.stderr
    text, _ = pdf_text(out.read_bytes())
    assert "灵溪镇" in text
    bad = run_cli("brief", "--db", url, "--unit", "330327999000", "-o", str(tmp_path / "x.pdf"))
    assert bad.returncode == 2 and "330327999000" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run_cli("brief", "--db", url, "--unit", TOWN, "-o", str(tmp_path / "x.doc"))
    assert wrong.returncode == 2 and ".pdf" in wrong.stderr


def test_the_brief_names_the_open_stations_not_visited_in_30_days(store: Store) -> None:
    """Written against the stations' visits layer once both branches met: a station visited
    40 days ago or never is named, one visited last week is not, a closed one is left out."""
    import datetime as dt

    from gridmap.stations.registry import add_station, close_station
    from gridmap.stations.visits import record_visit
    from tests.brief_fixtures import AS_OF, CENTRES
    from tests.store_fixtures import M1, M2, M3, M4

    seed_ranked(store)
    admin = Session(store, User("admin", Role.ADMIN, "330327000000"))
    ids = {}
    for name, micro in (("近期站", M1), ("久未站", M2), ("从未站", M3), ("已关站", M4)):
        lon, lat = CENTRES[micro]
        ids[name] = add_station(admin, lon=lon, lat=lat, name=name, station_type="happiness",
                                opened=dt.date(2026, 1, 1))["id"]
    for name, days in (("近期站", 5), ("久未站", 40)):
        lon, lat = CENTRES[{"近期站": M1, "久未站": M2}[name]]
        record_visit(admin, ids[name], lon=lon, lat=lat, checklist={"open_on_time": True},
                     at=AS_OF - dt.timedelta(days=days))
    close_station(admin, ids["已关站"], last_day=(AS_OF - dt.timedelta(days=3)).date())
    data = brief_data(Session(store, User("boss", Role.COMMANDER, "330327000000")), TOWN)
    assert sorted(data.stations_not_visited or []) == sorted(["久未站", "从未站"])
