"""Regression: household and resident totals depended on the page (issue 8, defect 1, access side).

A department handler saw the county's household and resident totals on the command
map (read from ``units.households``/``residents``) while the overview showed "—" for
the same role (it counts the ``households`` layer, which needs ``VIEW_HOUSEHOLDS``).
The unit totals now need ``Op.VIEW_HOUSEHOLDS`` at the session: without it they come
back missing on every read path, so every page agrees. Both backends.
"""

from __future__ import annotations

import datetime as dt

import pytest
import shapely

from gridmap.access import Op, PermissionDenied, Session, User
from gridmap.command import Filters, kpis, load_snapshot
from gridmap.domain import Role
from gridmap.maps import units_at_level
from gridmap.store import Store
from gridmap.summary import row_counts
from tests.store_fixtures import COUNTY, M1

COUNTY_UNIT = f"{COUNTY}000000"
POPULATION = ["households", "residents", "floating"]
NOW = dt.datetime(2026, 11, 21, 18)


def _session(store: Store, role: Role) -> Session:
    return Session(store, User(role.value, role, COUNTY_UNIT, department="enforcement" if role == Role.DEPARTMENT
                               else None))


@pytest.mark.parametrize("role", [Role.DEPARTMENT, Role.INSPECTOR])
def test_households_are_masked_for_roles_without_view_households(tiny_store: Store, role: Role) -> None:
    session = _session(tiny_store, role)
    assert not session.can(Op.VIEW_HOUSEHOLDS)
    units = session.read("units")
    assert len(units) == 9 and units[POPULATION].isna().all().all()
    assert units["name"].notna().all()  # the rest of the row is there
    picked = session.read("units", columns=["code", "households"], where={"code": M1})
    assert picked.columns.tolist() == ["code", "households"] and picked["households"].isna().all()
    near = session.intersecting("units", shapely.box(120.401, 27.511, 120.402, 27.512))
    assert len(near) and near[POPULATION].isna().all().all()
    with pytest.raises(PermissionDenied):
        session.read("units", where={"households": 30})  # a filter would reveal it
    op = Op.HANDLE_ISSUE if role == Role.DEPARTMENT else Op.UPDATE_INSPECTION
    with session.write(op) as tx:  # inside a write transaction too
        assert tx.read("units", columns=["code", "residents"])["residents"].isna().all()
    drawn = units_at_level(session, "micro", columns=["name", "households"])
    assert drawn["households"].isna().all()
    k = kpis(load_snapshot(session), None, Filters(), NOW)
    assert k.households is None and k.residents is None  # the command map shows "—", like the overview
    assert row_counts(session, ("households",)) == {"households": None}


def test_commander_still_sees_the_totals(tiny_store: Store) -> None:
    session = _session(tiny_store, Role.COMMANDER)
    assert session.read("units", where={"code": M1})["households"].tolist() == [30]
    k = kpis(load_snapshot(session), None, Filters(), NOW)
    assert (k.households, k.residents) == (120, 300)
