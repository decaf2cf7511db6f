"""The households band per parent unit, stored as a planner setting (both backends).

The tiny county (tests/plan_version_fixtures.py): grid G1 = M1 + M2, grid G2 = M3 + M4,
village V above both; M1 holds h2, M2 holds h1 and h3 (2 households)::

    +------+--------+
    |  M1  |   M2   |   G1
    +------+--------+
    |  M3  |   M4   |   G2
    +------+--------+
"""

from __future__ import annotations

import threading

import pytest

from gridmap.access import PermissionDenied, Session, User
from gridmap.domain import Role
from gridmap.plan import balance as plan_balance
from gridmap.plan import bands as plan_bands
from gridmap.plan import checks as plan_checks
from gridmap.plan import versions as v
from gridmap.plan.context import PlanContext
from gridmap.plan.errors import PlanError
from gridmap.store import Store
from gridmap.store.base import AuditFilter
from tests.plan_fixtures import VILLAGE as BOX_VILLAGE
from tests.plan_fixtures import community
from tests.plan_version_fixtures import SCOPE, planner, seed
from tests.store_fixtures import G1, G2, M2, VILLAGE


@pytest.fixture
def county(store: Store) -> Store:
    seed(store)
    return store


@pytest.mark.parametrize(("low", "high", "key"), [
    ("abc", "40", "plan.bands.not_number_low"),
    ("20", "", "plan.bands.not_number_high"),
    ("2.5", "40", "plan.bands.not_number_low"),
    ("nan", "40", "plan.bands.not_number_low"),
    ("-1", "40", "plan.bands.negative_low"),
    ("20", "-5", "plan.bands.negative_high"),
    ("20", "99999", "plan.bands.too_big_high"),
    ("40", "20", "plan.bands.reversed"),
])
def test_a_bad_band_is_refused_naming_what_is_wrong(low: str, high: str, key: str) -> None:
    with pytest.raises(PlanError) as refused:
        plan_bands.parse_band(low, high)
    assert refused.value.key == key
    for lang in ("zh", "en"):
        assert "{" not in refused.value.text(lang)
    if key == "plan.bands.reversed":
        assert "40" in refused.value.text("zh") and "20" in refused.value.text("en")


def test_good_bands_parse_with_spaces_and_equal_ends() -> None:
    assert plan_bands.parse_band(" 25 ", "35") == (25, 35)
    assert plan_bands.parse_band("30", "30.0") == (30, 30)
    assert plan_bands.parse_band(0, 0) == (0, 0)


def test_a_band_is_stored_audited_read_back_and_removed(county: Store) -> None:
    session = planner(county)
    assert plan_bands.read_bands(session) == {}
    assert plan_bands.set_band(session, G1, (1, 1)) == {G1: (1, 1)}
    plan_bands.set_band(session, VILLAGE, (0, 5))
    assert plan_bands.read_bands(planner(county, "other")) == {G1: (1, 1), VILLAGE: (0, 5)}
    log = county.audit_log(SCOPE, limit=50, filters=AuditFilter(actor="planner"))
    assert (log["action"] == "set_meta").sum() == 2
    plan_bands.set_band(session, G1, None)
    assert plan_bands.read_bands(session) == {VILLAGE: (0, 5)}


def test_a_bad_band_writes_nothing(county: Store) -> None:
    session = planner(county)
    plan_bands.set_band(session, G1, (20, 40))
    with pytest.raises(PlanError):
        plan_bands.set_band(session, G2, (50, 10))
    with pytest.raises(PlanError):
        plan_bands.set_band(session, " ", (10, 20))
    assert plan_bands.read_bands(session) == {G1: (20, 40)}


def test_only_a_county_wide_planner_may_set_a_band(county: Store) -> None:
    commander = Session(county, User("commander", Role.COMMANDER, "330327000000", "指挥长"))
    with pytest.raises(PermissionDenied):
        plan_bands.set_band(commander, G1, (10, 20))
    town_planner = planner(county, "town_planner", unit="330327100000")
    with pytest.raises(PermissionDenied):
        plan_bands.set_band(town_planner, G1, (10, 20))
    assert plan_bands.read_bands(planner(county)) == {}


def test_a_stored_setting_that_went_bad_is_read_without_its_bad_entries() -> None:
    text = '{"a": [20, 40], "b": [40, 20], "c": "x", "d": [1], "e": [-1, 3]}'
    assert plan_bands.decode_bands(text) == {"a": (20, 40)}
    assert plan_bands.decode_bands("not json") == {} and plan_bands.decode_bands("[1, 2]") == {}


def test_two_planners_setting_bands_at_once_both_keep_theirs(county: Store) -> None:
    codes = [G1, G2, VILLAGE, M2]
    errors: list[BaseException] = []
    start = threading.Barrier(len(codes))

    def work(i: int, code: str) -> None:
        try:
            start.wait()
            plan_bands.set_band(planner(county, f"planner{i}"), code, (i, 10 + i))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(codes)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not errors, errors
    assert plan_bands.read_bands(planner(county)) == {c: (i, 10 + i) for i, c in enumerate(codes)}


def test_the_checks_and_the_balance_use_the_stored_band(county: Store) -> None:
    session = planner(county)
    plan = v.load_plan(session, 1)
    points = county.read("households", SCOPE)
    default = plan_checks.validate(PlanContext(plan, parent_code=G1, households=points))
    assert {p.unit_code for p in default if p.check == "households_band"} >= {M2}  # 2 households < 20
    plan_bands.set_band(session, G1, (1, 2))
    bands = plan_bands.read_bands(session)
    ctx = PlanContext(plan, parent_code=G1, households=points, bands=bands)
    flagged = {p.unit_code for p in plan_checks.validate(ctx) if p.check == "households_band"}
    assert not {c for c in flagged if c.startswith(G1)}  # G1's micro-grids are within 1-2 now
    assert {c for c in flagged if c.startswith(G2)}  # G2's neighbours keep the default band
    table = plan_balance.balance(plan, G1, points, bands=bands).set_index("code")
    assert table.loc[M2, ["low", "high"]].tolist() == [1, 2] and bool(table.loc[M2, "within_band"])
    assert table.loc[M2, "ideal"] == 1.5


def test_auto_partition_keeps_the_parts_in_the_parents_band() -> None:
    """300 households in one grid: the default target (30) would make 10 parts; a band
    of 45-60 set on the village makes 5 or 6, every part inside the band."""
    from gridmap.plan.partition import auto_partition

    plan, hh = community(300, n_grids=1, seed=3)
    grid = BOX_VILLAGE + "01"
    result = auto_partition(plan, grid, hh, bands={BOX_VILLAGE: (45, 60)})
    parts = result.plan[result.plan["parent_code"] == grid]
    assert 5 <= len(parts) <= 6
    assert parts["households"].between(45, 60).all(), parts["households"].tolist()
    low, high = result.params["bands"][grid][:2]
    assert low >= 45 and high <= 60
