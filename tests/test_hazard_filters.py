"""The hazard page's filters in the address: round trip, every malformed case, and selection."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.domain import HazardStatus, HazardType, PlaceType, Severity
from gridmap.hazards import BASES, MEASURES, VIEWS, HazardFilters, parse_query, select, to_query
from gridmap.hazards.filters import STATISTICS
from gridmap.period import PRESETS

TODAY = dt.date(2026, 12, 4)
UNITS = ("330327000000", "330327103000", "330327103006", "33032710300602", "33032710300602004")


def _subset(codes: list[str]) -> st.SearchStrategy[tuple[str, ...] | None]:
    return st.one_of(st.none(), st.lists(st.sampled_from(codes), min_size=1, unique=True).map(tuple))


@st.composite
def filters(draw: st.DrawFn) -> HazardFilters:
    period = draw(st.sampled_from(PRESETS))
    start = end = None
    if period == "custom":
        start = TODAY - dt.timedelta(days=draw(st.integers(0, 800)))
        end = start + dt.timedelta(days=draw(st.integers(0, (TODAY - start).days)))
    inspector = draw(st.one_of(st.none(), st.text(st.characters(categories=("L", "N")), min_size=1, max_size=20)
                               .filter(lambda s: s.strip() == s)))
    return HazardFilters(
        hazard_types=draw(_subset([str(h) for h in HazardType])),
        statuses=draw(_subset([str(s) for s in HazardStatus])),
        severities=draw(_subset([str(s) for s in Severity])),
        place_types=draw(_subset([str(p) for p in PlaceType])),
        period=period, date_from=start, date_to=end,
        unit=draw(st.one_of(st.none(), st.sampled_from(UNITS))),
        inspector=inspector, overdue_only=draw(st.booleans()),
        view=draw(st.sampled_from(VIEWS)), measure=draw(st.sampled_from(MEASURES)),
        basis=draw(st.sampled_from(BASES)), statistic=draw(st.sampled_from(STATISTICS)))


@settings(max_examples=300, deadline=None)
@given(filters())
def test_the_address_round_trips(f: HazardFilters) -> None:
    import unicodedata

    query = to_query(f)
    parsed = parse_query(query, today=TODAY, known_units=UNITS)
    if f.inspector is not None and unicodedata.normalize("NFKC", f.inspector) != f.inspector:
        return  # names are kept NFKC-normalised, as user names are
    assert parsed.problems == ()
    assert parsed.filters == f
    assert to_query(parsed.filters) == query


def test_the_default_is_an_empty_address() -> None:
    assert to_query(HazardFilters()) == {}
    parsed = parse_query({}, today=TODAY)
    assert parsed.filters == HazardFilters() and parsed.problems == ()


def test_codes_are_order_insensitive_and_written_sorted() -> None:
    parsed = parse_query({"type": "gas,flying_wire"}, today=TODAY)
    assert parsed.filters.hazard_types == ("flying_wire", "gas")
    assert to_query(parsed.filters) == {"type": "flying_wire,gas"}


@pytest.mark.parametrize(("params", "parameter", "key"), [
    ({"type": "fire"}, "type", "hazards.url.bad_codes"),
    ({"type": "gas,,fire"}, "type", "hazards.url.bad_codes"),
    ({"type": ""}, "type", "hazards.url.bad_codes"),
    ({"status": "closed"}, "status", "hazards.url.bad_codes"),
    ({"severity": "HIGH"}, "severity", "hazards.url.bad_codes"),
    ({"place": "castle"}, "place", "hazards.url.bad_codes"),
    ({"period": "yesterday"}, "period", "hazards.url.bad_period"),
    ({"period": "custom"}, "period", "hazards.url.bad_period"),
    ({"period": "2026-11-01"}, "period", "hazards.url.bad_period"),
    ({"period": "2026-13-01..2026-12-01"}, "period", "hazards.url.bad_period"),
    ({"period": "2026-12-01..2026-11-01"}, "period", "period.reversed"),
    ({"period": "2026-11-01..2027-01-01"}, "period", "period.future"),
    ({"unit": "abc"}, "unit", "hazards.url.bad_unit"),
    ({"unit": "33032710300"}, "unit", "hazards.url.bad_unit"),
    ({"unit": "330327999999"}, "unit", "hazards.url.unknown_unit"),
    ({"inspector": "  "}, "inspector", "hazards.url.bad_inspector"),
    ({"inspector": "王" * 65}, "inspector", "hazards.url.bad_inspector"),
    ({"inspector": "王\u200b五"}, "inspector", "hazards.url.bad_inspector"),
    ({"inspector": "a\x00b"}, "inspector", "hazards.url.bad_inspector"),
    ({"overdue": "yes"}, "overdue", "hazards.url.bad_switch"),
    ({"view": "satellite"}, "view", "hazards.url.bad_choice"),
    ({"measure": "households"}, "measure", "hazards.url.bad_choice"),
    ({"basis": "hexagon"}, "basis", "hazards.url.bad_choice"),
    ({"stat": "lisa"}, "stat", "hazards.url.bad_choice"),
    ({"colour": "red"}, "colour", "hazards.url.unknown_parameter"),
])
def test_a_malformed_parameter_is_named_and_falls_back(params: dict[str, str], parameter: str, key: str) -> None:
    parsed = parse_query({**params, "severity": "high"} if parameter != "severity" else params, today=TODAY,
                         known_units=UNITS)
    assert [(p.parameter, p.key) for p in parsed.problems] == [(parameter, key)]
    assert parsed.problems[0].value == params[parameter].strip()[:64]
    default = HazardFilters()
    field = {"type": "hazard_types", "status": "statuses", "place": "place_types", "period": "period",
             "overdue": "overdue_only", "view": "view", "measure": "measure", "basis": "basis", "stat": "statistic",
             "unit": "unit", "inspector": "inspector", "severity": "severities"}.get(parameter)
    if field is not None:
        assert getattr(parsed.filters, field) == getattr(default, field)
    if parameter != "severity":  # the good parameter next to it still applies
        assert parsed.filters.severities == ("high",)


def test_several_problems_are_all_named() -> None:
    parsed = parse_query({"type": "x", "view": "y", "overdue": "2", "status": "found"}, today=TODAY)
    assert [p.parameter for p in parsed.problems] == ["type", "view", "overdue"]
    assert parsed.filters.statuses == ("found",)


def test_a_repeated_parameter_counts_its_last_value() -> None:
    parsed = parse_query({"view": ["heat", "hex"]}, today=TODAY)
    assert parsed.filters.view == "hex"


def test_periods() -> None:
    assert parse_query({"period": "last7"}, today=TODAY).filters.window(TODAY) == (dt.date(2026, 11, 28), TODAY)
    custom = parse_query({"period": "2026-11-01..2026-11-30"}, today=TODAY).filters
    assert custom.window(TODAY) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert to_query(custom) == {"period": "2026-11-01..2026-11-30"}


def _rows() -> gpd.GeoDataFrame:
    at = dt.datetime
    return gpd.GeoDataFrame({
        "id": ["a", "b", "c", "d"],
        "hazard_types": [["flying_wire"], ["gas", "ebike_indoor"], ["gas"], ["blocked_exit"]],
        "status": ["found", "verified", "rectifying", "found"],
        "severity": ["high", "low", "medium", "high"],
        "place_type": ["rental", "shop", "rental", "public"],
        "found_at": [at(2026, 12, 1), at(2026, 11, 20), at(2026, 8, 1), at(2026, 12, 3)],
        "deadline": [at(2026, 12, 2), at(2026, 11, 27), at(2026, 8, 4), at(2026, 12, 30)],
        "inspector": ["王五", "李四", "王五", "李四"],
        "micro_code": ["33032710300602004", "33032710300602001", "33032710300701001", None],
    }, geometry=[shapely.Point(120.5, 27.5)] * 4, crs="EPSG:4326")


def test_select_applies_every_filter() -> None:
    rows, now = _rows(), dt.datetime(2026, 12, 4, 12)
    keep = lambda **kw: list(rows["id"][select(rows, HazardFilters(**kw), now)])  # noqa: E731
    assert keep() == ["a", "b", "d"]  # the last 30 days
    assert keep(period="custom", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 4)) == ["a", "b", "c", "d"]
    assert keep(hazard_types=("gas",)) == ["b"]
    assert keep(statuses=("found",), severities=("high",)) == ["a", "d"]
    assert keep(place_types=("shop",)) == ["b"]
    assert keep(unit="33032710300602") == ["a", "b"]
    assert keep(unit="33032710300602004") == ["a"]
    assert keep(unit="330327103000") == ["a", "b"]
    assert keep(inspector="李四") == ["b", "d"]
    assert keep(overdue_only=True) == ["a"]  # due 12-02, still found; d is due later, b verified
