"""Versioned boundary plans: drafts, optimistic saves, publishing (now or scheduled), roll-back.

A county's boundary plans are numbered versions (MapIt's "generations"). Each is a row
of the ``plans`` layer and the ``units`` rows carrying its ``plan_version``; the county
setting ``plan_version`` names the current one. Nothing is ever overwritten: only a
draft's units change, a published plan is superseded by the next one, and a roll-back
copies an old version into a new one.

Statuses: ``draft`` -> ``scheduled`` (effective later) -> ``published`` -> ``superseded``;
a draft (or scheduled plan) may be ``discarded``.

Who may write plans: a plan is county-wide (publishing re-assigns every point of the
county), so only a session with :data:`~gridmap.access.Op.EDIT_UNITS` (planner, admin)
*and* a whole-county jurisdiction may create, save, publish, schedule or discard; a
town's planner is refused (:class:`PlanNotPermitted`, a
:class:`~gridmap.access.PermissionDenied`). Everyone who may view the map may read the
plan list (like the county's name, it is county-wide and public inside the county).

Points on publishing: households, stations and every issue and hazard still in its
lifecycle move to the micro-grid of the new plan that contains them (their history rows
follow). Issues and hazards in a final status (closed, duplicate, invalid; verified)
keep the unit they had when they happened, so the statistics of the past stay as they
were reported. :func:`on_plan` recomputes the assignment of any layer on the current
(or any) plan in memory, for statistics of the past on today's boundaries; it writes
nothing (one vectorised :func:`~gridmap.spatial.assign.assign`, ~0.2 s for 150,000 points).

Concurrency: every write takes the county's plan lock (``tx.lock``; SQLite's
``BEGIN IMMEDIATE`` serialises writers anyway) and re-reads the plan rows inside the
transaction, so two saves of one draft, or several processes activating a scheduled
plan, serialise and see each other's result: a save with a stale revision is refused
(:class:`DraftConflict`), and a scheduled plan is published exactly once.

Example::

    info = create_draft(session, "灵溪镇2027年调整")
    plan = load_plan(session, info.version)
    ...                                            # gridmap.plan.edit
    info = save_draft(session, info.version, plan, changed={code}, removed=set(),
                      expected_revision=info.revision)
    publish(session, info.version, check=validate)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.access import GuardedTransaction, Op, PermissionDenied, Session
from gridmap.domain import LAYERS, POINT_LAYERS, Level, Scope
from gridmap.plan.errors import BadEdit, PlanConflict, PlanError, PublishBlocked
from gridmap.plan.model import PLAN_COLUMNS, Problem, snap
from gridmap.spatial.assign import UNIT_COLUMNS, assign, reassign_in
from gridmap.spatial.crs import STORE_CRS
from gridmap.store.base import Store
from gridmap.store.codec import is_missing, new_id
from gridmap.store.codec import now as store_now
from gridmap.workflow.errors import Coded, Words, listed

__all__ = [
    "DIFF_CHANGES",
    "NAME_LIMIT",
    "PAST_TOLERANCE",
    "SCHEDULER",
    "DraftConflict",
    "PlanInfo",
    "PlanNotPermitted",
    "activate_due",
    "changed_codes",
    "create_draft",
    "diff",
    "discard",
    "list_plans",
    "load_plan",
    "on_plan",
    "plan_info",
    "plan_saves",
    "publish",
    "republish",
    "save_draft",
]

NAME_LIMIT = 80
# The actor of a scheduled plan's publication (audit rows of activate_due).
SCHEDULER = "scheduler"
# An effective time this little in the past still means "now" (the form was filled a moment ago).
PAST_TOLERANCE = dt.timedelta(seconds=60)
# What :func:`diff` says of a unit, most important first.
DIFF_CHANGES: tuple[str, ...] = ("added", "removed", "reshaped", "renamed", "recounted", "unchanged")
# How many problems a refused publish lists.
_LISTED_PROBLEMS = 3
_LISTED_UNITS = 10
_PLAN_FIELDS: tuple[str, ...] = tuple(f.name for f in LAYERS["plans"].fields)
_EDITABLE = ("draft",)
_PUBLISHABLE = ("draft", "scheduled")
_DISCARDABLE = ("draft", "scheduled")
_RESTORABLE = ("published", "superseded")

Check = Callable[[gpd.GeoDataFrame], Sequence[Problem]]


class PlanNotPermitted(PlanError, PermissionDenied):
    """The session may not write plans (role, or a jurisdiction smaller than the county)."""


class DraftConflict(PlanConflict):
    """A save of a draft whose revision moved on since the planner loaded it.

    Attributes:
        version: The draft.
        expected_revision: The revision the planner loaded.
        revision: The draft's revision now.
        saves: The saves in between (``plan_saves`` rows: author, saved_at, changed, removed).
        units: Every unit code those saves changed or removed, sorted.
    """

    def __init__(self, key: str, *, version: int, expected_revision: int, revision: int,
                 saves: pd.DataFrame, units: list[str], **params: Any) -> None:
        self.version = version
        self.expected_revision = expected_revision
        self.revision = revision
        self.saves = saves
        self.units = units
        super().__init__(key, version=version, expected=expected_revision, revision=revision, **params)


@dataclass(frozen=True)
class PlanInfo:
    """One plan version of a county, as the ``plans`` layer holds it."""

    version: int
    name: str
    status: str
    revision: int
    parent_version: int | None = None
    author: str | None = None
    effective_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    published_at: dt.datetime | None = None
    published_by: str | None = None
    note: str | None = None
    merged: tuple[str, ...] = ()  # after a save: units other planners saved meanwhile, merged in
    merged_authors: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> PlanInfo:
        """A plan from a ``plans`` row as the store returns it."""
        return cls(version=int(row["version"]), name=str(row["name"]), status=str(row["status"]),
                   revision=int(row["revision"]), parent_version=_int(row.get("parent_version")),
                   author=_text(row.get("author")), effective_at=_time(row.get("effective_at")),
                   created_at=_time(row.get("created_at")), updated_at=_time(row.get("updated_at")),
                   published_at=_time(row.get("published_at")), published_by=_text(row.get("published_by")),
                   note=_text(row.get("note")))

    def status_text(self, lang: str | None = None) -> str:
        """The status in words."""
        from gridmap.i18n import t

        return t(f"plan.versions.status.{self.status}", lang)


# --------------------------------------------------------------------------- reads


def list_plans(session: Session) -> pd.DataFrame:
    """Every plan version of the session's county, oldest first (columns of ``plans``).

    A store whose current plan was loaded without a ``plans`` row (an import, an old
    demo) shows that plan as published, revision 1; it is registered by the next write.

    Raises:
        PermissionDenied: the role may not view the map.
    """
    session.require(Op.VIEW_MAP)
    county = Scope.county(session.scope.county_code)
    plans = session.store.read("plans", county)
    current = session.store.current_plan(county.county_code)
    if current not in set(plans["version"].astype(int)) and session.store.count(
            "units", county, where={"plan_version": current}):
        plans = pd.concat([plans, pd.DataFrame([_registered_row(current, None)])], ignore_index=True)
    columns = ["version", *[c for c in _PLAN_FIELDS if c != "version"]]
    return plans[columns].sort_values("version", kind="stable").reset_index(drop=True)


def plan_info(session: Session, version: int) -> PlanInfo:
    """One plan version of the session's county.

    Raises:
        PlanError: there is no such version.
    """
    plans = list_plans(session)
    row = plans[plans["version"].astype(int) == int(version)]
    if row.empty:
        raise PlanError("plan.versions.not_found", version=int(version))
    return PlanInfo.from_row(row.iloc[0].to_dict())


def load_plan(session: Session, version: int) -> gpd.GeoDataFrame:
    """The units of one plan version in the session's jurisdiction (:data:`PLAN_COLUMNS`).

    Raises:
        PlanError: the version has no units (and no plan row).
    """
    units = session.read("units", where={"plan_version": int(version)}, columns=list(PLAN_COLUMNS))
    if units.empty:
        plan_info(session, version)  # not found -> PlanError
    out = gpd.GeoDataFrame(units, geometry="geometry", crs=STORE_CRS)
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def plan_saves(session: Session, version: int) -> pd.DataFrame:
    """The saves of one draft, oldest first: revision, author, saved_at, changed, removed, note."""
    session.require(Op.VIEW_MAP)
    saves = session.store.read("plan_saves", Scope.county(session.scope.county_code),
                               where={"version": int(version)})
    return saves.sort_values("revision", kind="stable").reset_index(drop=True)


def on_plan(session: Session, layer_name: str, *, version: int | None = None) -> gpd.GeoDataFrame:
    """A point layer's rows (in scope) with their assignment recomputed on a plan, in memory.

    Closed issues and hazards keep, in the store, the unit they had when they happened;
    this gives the statistics of any period on today's (or another) plan. Nothing is written.

    Args:
        session: Who reads (role and jurisdiction apply to the points).
        layer_name: An assigned point layer (``issues``, ``inspections``, ...).
        version: The plan (default: the current one).
    """
    rows = session.read(layer_name)
    plan = session.current_plan() if version is None else int(version)
    units = session.store.read("units", Scope.county(session.scope.county_code),
                               where={"plan_version": plan}, columns=list(UNIT_COLUMNS))
    if rows.empty:
        return rows
    return assign(gpd.GeoDataFrame(rows, geometry="geometry", crs=STORE_CRS), units)


# --------------------------------------------------------------------------- writes


def create_draft(session: Session, name: str, *, from_version: int | None = None, note: str = "") -> PlanInfo:
    """A new draft: a copy of the units of ``from_version`` (default: the current plan).

    The draft gets the next free version number and ``parent_version = from_version``;
    one audited transaction.

    Raises:
        PlanNotPermitted: the session may not write plans.
        PlanError: no name, or the source version has no units.
    """
    _require_planner(session)
    name = _checked_name(name)
    with session.write(Op.EDIT_UNITS) as tx:
        plans = _locked_plans(tx)
        source = tx.current_plan() if from_version is None else int(from_version)
        info = _create_in(tx, plans, name, source, note)
        tx.record_plan_event("plan_draft", info.version, after={"name": name, "from": source})
    return info


def save_draft(session: Session, version: int, plan: gpd.GeoDataFrame, *, changed: Iterable[str],
               removed: Iterable[str], expected_revision: int) -> PlanInfo:
    """Write the changed, added and removed units of a draft (the rest is not touched).

    Args:
        session: The planner.
        version: The draft.
        plan: The whole plan frame as the planner has it (:data:`PLAN_COLUMNS`); only the
            rows of ``changed`` are read from it. It is never modified.
        changed: Codes whose unit changed or was added.
        removed: Codes removed from the plan.
        expected_revision: The draft's revision when the planner loaded it.

    Returns:
        The draft after the save (``revision`` one more).

    Two planners at once: when someone saved the draft since ``expected_revision``, the
    save is merged when their units and these are different and do not touch (their
    boundaries are more than :data:`TOUCH_TOLERANCE` apart, before and after either
    save); the result's ``merged`` names their units (the caller's frame lacks them:
    reload). Same or touching units are refused, as a shared edge or a parent and its
    child cannot be merged safely unit by unit.

    Raises:
        DraftConflict: someone saved the same or touching units of the draft since
            ``expected_revision``; the message names who and which units. Nothing is
            written; reload and apply again.
        PlanError: the plan is not a draft (published plans are never modified), or the
            frame is inconsistent with ``changed``/``removed``.
        PlanNotPermitted: the session may not write plans.
    """
    _require_planner(session)
    changed_codes, removed_codes = sorted({str(c) for c in changed}), sorted({str(c) for c in removed})
    rows = _checked_frame(plan, changed_codes, removed_codes)
    at = store_now()
    with session.write(Op.EDIT_UNITS) as tx:
        info = _locked_plan(tx, version)
        if info.status not in _EDITABLE:
            raise PlanError("plan.versions.not_editable", version=info.version, name=info.name,
                            status=Words(f"plan.versions.status.{info.status}"))
        touched = sorted({*changed_codes, *removed_codes})
        merged: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        if info.revision != int(expected_revision):
            merged = _mergeable(tx, info, int(expected_revision), plan, rows, set(touched))
            if merged is None:
                raise _conflict(tx, info, int(expected_revision))
        if touched:
            # One replace (a delete by code and an insert; audited with its counts): the
            # per-row delete of the store reads every row back for its audit row, 26 ms a unit.
            stored = tx.read("units", where={"plan_version": info.version, "code": changed_codes})
            tx.replace("units", _unit_rows(rows, stored, info.version),
                       where={"plan_version": info.version, "code": touched}, note=f"plan {info.version} save")
        revision = info.revision + 1
        tx.update("plans", _plan_id(info.version), {"revision": revision, "updated_at": at})
        note = None if merged is None else f"merged with revisions {int(expected_revision) + 1}-{info.revision}"
        tx.insert("plan_saves", pd.DataFrame([{
            "id": new_id(), "version": info.version, "revision": revision, "author": session.user.username,
            "saved_at": at, "changed": changed_codes, "removed": removed_codes, "note": note}]))
        tx.record_plan_event("plan_save", info.version, before={"revision": info.revision},
                             after={"revision": revision, "changed": changed_codes[:200],
                                    "removed": removed_codes[:200], **({"merged_from": int(expected_revision)}
                                                                        if merged is not None else {})})
    if merged is None:
        return _replace(info, revision=revision, updated_at=at)
    return _replace(info, revision=revision, updated_at=at, merged=merged[0], merged_authors=merged[1])


def publish(session: Session, version: int, *, effective_at: dt.datetime | None = None,
            now: dt.datetime | None = None, check: Check | None = None) -> PlanInfo:
    """Publish a draft now, or schedule it for ``effective_at``.

    Now (``effective_at`` None, or not after ``now``): one audited transaction marks the
    current plan superseded and this one published, sets the county's ``plan_version``,
    and re-assigns households, stations and every unfinished issue and hazard to it
    (finished ones keep their unit; see the module docstring). Later: the plan becomes
    ``scheduled`` and :func:`activate_due` publishes it when its time comes.

    Args:
        session: The planner (county jurisdiction) or admin.
        version: A draft (or a scheduled plan, to publish it now).
        effective_at: When it takes effect (Beijing time, no zone); None: now.
        now: The clock (default: the store's Beijing time); for tests.
        check: ``plan -> list[Problem]`` (e.g. :func:`gridmap.plan.checks.validate`);
            any problem of severity ``"error"`` blocks publishing.

    Raises:
        PublishBlocked: errors remain (the first few are listed), or ``effective_at``
            is in the past (more than :data:`PAST_TOLERANCE`).
        PlanError: the plan is not a draft or scheduled, or has no units.
        PlanNotPermitted: the session may not write plans.
    """
    _require_planner(session)
    at = _checked_time(effective_at, now)
    info = plan_info(session, version)
    if info.status not in _PUBLISHABLE:
        raise PlanError("plan.versions.not_publishable", version=info.version, name=info.name,
                        status=Words(f"plan.versions.status.{info.status}"))
    plan = load_plan(session, version)
    if plan.empty:
        raise PlanError("plan.versions.no_units", version=info.version)
    if check is not None:
        _refuse_errors(info, check(plan))
    later = effective_at is not None and effective_at > at
    with session.write(Op.EDIT_UNITS) as tx:
        locked = _locked_plan(tx, version)
        if locked.revision != info.revision:  # saved while the check ran: check again
            raise _conflict(tx, locked, info.revision)
        if locked.status not in _PUBLISHABLE:
            raise PlanError("plan.versions.not_publishable", version=locked.version, name=locked.name,
                            status=Words(f"plan.versions.status.{locked.status}"))
        if later:
            tx.update("plans", _plan_id(locked.version), {"status": "scheduled", "effective_at": effective_at,
                                                          "updated_at": at})
            tx.record_plan_event("plan_schedule", locked.version, before={"status": locked.status},
                                 after={"status": "scheduled", "effective_at": effective_at})
            return _replace(locked, status="scheduled", effective_at=effective_at, updated_at=at)
        return _publish_in(tx, locked, at, "plan_publish")


def activate_due(store_or_session: Store | Session, now: dt.datetime | None = None) -> list[int]:
    """Publish every scheduled plan whose effective time has come; returns their versions.

    Safe to call from every page load and from several processes at once: the cheap
    check reads without locking, and the publishing transaction takes the county's plan
    lock and re-reads the scheduled plans, so each becomes published exactly once.
    Given a store, it looks at every county of the store; given a session (any role:
    the app calls it on page load), at the session's county. Either way the plan is
    published by the system actor :data:`SCHEDULER`: the planner's right was checked when
    the plan was scheduled. The check is not re-run (a scheduled plan can no longer be
    edited, so the check it passed still holds).
    """
    at = now or store_now()
    if isinstance(store_or_session, Session):
        store, counties = store_or_session.store, [store_or_session.scope.county_code]
    else:
        store, counties = store_or_session, store_or_session.counties()
    # The planner's right was checked when the plan was scheduled; whoever's page load
    # finds it due, the scheduler publishes it (and the audit says so).
    sessions = [Session.system(store, Scope.county(c), actor=SCHEDULER) for c in counties]
    done: list[int] = []
    for session in sessions:
        county = Scope.county(session.scope.county_code)
        if not _due(session.store.read("plans", county, where={"status": "scheduled"}), at):
            continue
        with session.write(Op.EDIT_UNITS) as tx:
            scheduled = _locked_plans(tx)
            for row in _due(scheduled[scheduled["status"] == "scheduled"], at):
                info = PlanInfo.from_row(row)
                _publish_in(tx, info, at, "plan_activate")
                done.append(info.version)
    return done


def republish(session: Session, old_version: int, *, effective_at: dt.datetime | None = None,
              check: Check | None = None, now: dt.datetime | None = None) -> PlanInfo:
    """Roll back: copy an old published version into a new draft and publish it.

    History is never overwritten: the old version stays as it was, the copy gets a new
    number with ``parent_version = old_version``. If publishing is refused the copy is
    discarded and the refusal raised.

    Raises:
        PlanError: the old version was never published, or is the current plan.
        PublishBlocked, PlanNotPermitted: as :func:`publish`.
    """
    _require_planner(session)
    at = _checked_time(effective_at, now)
    old = plan_info(session, old_version)
    if old.status not in _RESTORABLE:
        raise PlanError("plan.versions.not_rollback_source", version=old.version, name=old.name,
                        status=Words(f"plan.versions.status.{old.status}"))
    if old.status == "published":
        raise PlanError("plan.versions.already_current", version=old.version, name=old.name)
    from gridmap.i18n import t

    draft = create_draft(session, t("plan.versions.rollback_name", "zh", version=old.version),
                         from_version=old.version, note=f"rollback to {old.version}")
    try:
        return publish(session, draft.version, effective_at=effective_at, now=at, check=check)
    except PlanError:
        discard(session, draft.version)
        raise


def discard(session: Session, version: int) -> PlanInfo:
    """Give up a draft or a scheduled plan (its units stay, as history)."""
    _require_planner(session)
    at = store_now()
    with session.write(Op.EDIT_UNITS) as tx:
        info = _locked_plan(tx, version)
        if info.status not in _DISCARDABLE:
            raise PlanError("plan.versions.not_editable", version=info.version, name=info.name,
                            status=Words(f"plan.versions.status.{info.status}"))
        tx.update("plans", _plan_id(info.version), {"status": "discarded", "updated_at": at})
        tx.record_plan_event("plan_discard", info.version, before={"status": info.status},
                             after={"status": "discarded"})
    return _replace(info, status="discarded", updated_at=at)


# --------------------------------------------------------------------------- diff (pure)


def diff(old_plan: gpd.GeoDataFrame, new_plan: gpd.GeoDataFrame, *, unchanged: bool = False) -> pd.DataFrame:
    """What changed between two plan frames, one row per unit code.

    ``change`` is one of :data:`DIFF_CHANGES`: ``added`` / ``removed`` (the code is in one
    plan only), ``reshaped`` (the boundary differs, compared topologically), ``renamed``
    (same boundary, another name or parent), ``recounted`` (same boundary, name and
    parent; other households or residents), ``unchanged`` (only with ``unchanged=True``).

    Returns:
        Columns ``code``, ``name`` (the new name; the old one for a removed unit),
        ``level``, ``change``, sorted by code.
    """
    old = _by_code(old_plan)
    new = _by_code(new_plan)
    codes = sorted(set(old.index) | set(new.index))
    rows = []
    for code in codes:
        a = old.loc[code] if code in old.index else None
        b = new.loc[code] if code in new.index else None
        change = _change(a, b)
        if change == "unchanged" and not unchanged:
            continue
        ref = b if b is not None else a
        assert ref is not None
        rows.append({"code": code, "name": _text(ref.get("name")), "level": _text(ref.get("level")),
                     "change": change})
    return pd.DataFrame(rows, columns=["code", "name", "level", "change"])


def changed_codes(before: gpd.GeoDataFrame, after: gpd.GeoDataFrame) -> tuple[set[str], set[str]]:
    """What :func:`save_draft` must write to go from ``before`` to ``after``: the codes
    added or changed (geometry, name, parent), and the codes removed.

    Unlike :func:`diff`, geometry is compared exactly (vectorised): a node inserted into a
    neighbour's edge changes no area, but must be saved, or the coverage gets a T-junction.
    """
    old = before.set_index("code")
    new = after.set_index("code")
    removed = set(old.index) - set(new.index)
    changed = set(new.index) - set(old.index)
    common = sorted(set(old.index) & set(new.index))
    if common:
        a, b = old.loc[common], new.loc[common]
        geom = ~shapely.equals_exact(a.geometry.to_numpy(), b.geometry.to_numpy(), tolerance=0)
        attrs = (a["name"].astype(str) != b["name"].astype(str)).to_numpy() | \
            (a["parent_code"].astype(str) != b["parent_code"].astype(str)).to_numpy()
        changed |= {c for c, g, x in zip(common, geom, attrs, strict=True) if g or x}
    return {str(c) for c in changed}, {str(c) for c in removed}


def _by_code(plan: gpd.GeoDataFrame) -> pd.DataFrame:
    frame = pd.DataFrame(plan).copy()
    frame["code"] = frame["code"].astype(str)
    return frame.drop_duplicates("code").set_index("code")


def _change(a: pd.Series | None, b: pd.Series | None) -> str:
    if a is None:
        return "added"
    if b is None:
        return "removed"
    ga, gb = a.get("geometry"), b.get("geometry")
    if (ga is None) != (gb is None) or (ga is not None and not shapely.equals(ga, gb)):
        return "reshaped"
    if _text(a.get("name")) != _text(b.get("name")) or _text(a.get("parent_code")) != _text(b.get("parent_code")):
        return "renamed"
    for column in ("households", "residents"):
        if _int(a.get(column)) != _int(b.get(column)):
            return "recounted"
    return "unchanged"


# --------------------------------------------------------------------------- helpers


def _checked_time(effective_at: dt.datetime | None, now: dt.datetime | None) -> dt.datetime:
    """The clock for a publish; refuses an effective time in the past."""
    at = now or store_now()
    if effective_at is not None and effective_at < at - PAST_TOLERANCE:
        raise PublishBlocked("plan.versions.past_date", effective_at=_minute(effective_at), now=_minute(at))
    return at


def _require_planner(session: Session) -> None:
    if not session.can(Op.EDIT_UNITS):
        raise PlanNotPermitted("plan.versions.role", user=session.user.username,
                               role=Coded("role", session.user.role.value))
    if not session.scope.whole_county:
        raise PlanNotPermitted("plan.versions.county_only", user=session.user.username,
                               unit=session.scope.unit_code or session.scope.prefix)


def _checked_name(name: str) -> str:
    text = " ".join(str(name or "").split())
    if not text:
        raise PlanError("plan.versions.name_missing")
    if len(text) > NAME_LIMIT:
        raise PlanError("plan.versions.name_too_long", limit=NAME_LIMIT, length=len(text))
    return text


def _plan_id(version: int) -> str:
    return f"plan-{int(version)}"


def _unit_id(code: str, version: int) -> str:
    return f"{code}:v{int(version)}"


def _registered_row(version: int, at: dt.datetime | None) -> dict[str, Any]:
    """The ``plans`` row of a current plan that was loaded without one."""
    from gridmap.i18n import t

    return {"id": _plan_id(version), "version": int(version), "name": t("plan.versions.registered_name", "zh"),
            "parent_version": None, "author": "system", "status": "published", "effective_at": at,
            "created_at": at, "updated_at": at, "published_at": at, "published_by": "system", "revision": 1,
            "note": "registered on first use"}


def registered_plan_frame(version: int, at: dt.datetime, county_code: str) -> pd.DataFrame:
    """The ``plans`` layer of a store loaded with one plan (the demo): it, published."""
    row = {**_registered_row(version, at), "county_code": county_code[:6], "note": "loaded with the data"}
    return pd.DataFrame([row])[LAYERS["plans"].columns]


def _locked_plans(tx: GuardedTransaction) -> pd.DataFrame:
    """The county's plan rows, under the county's plan lock, the current plan registered."""
    tx.lock(f"plans:{tx.session.scope.county_code}")
    plans = tx.read("plans", for_update=True)
    current = tx.current_plan()
    if current not in set(plans["version"].astype(int)) and len(
            tx.read("units", where={"plan_version": current}, columns=["id"], limit=1)):
        tx.insert("plans", pd.DataFrame([_registered_row(current, store_now())]), note="current plan registered")
        plans = tx.read("plans", for_update=True)
    return plans


def _locked_plan(tx: GuardedTransaction, version: int) -> PlanInfo:
    plans = _locked_plans(tx)
    row = plans[plans["version"].astype(int) == int(version)]
    if row.empty:
        raise PlanError("plan.versions.not_found", version=int(version))
    return PlanInfo.from_row(row.iloc[0].to_dict())


def _create_in(tx: GuardedTransaction, plans: pd.DataFrame, name: str, source: int, note: str) -> PlanInfo:
    units = tx.read("units", where={"plan_version": source})
    if units.empty:
        if source not in set(plans["version"].astype(int)):
            raise PlanError("plan.versions.not_found", version=source)
        raise PlanError("plan.versions.no_units", version=source)
    versions = tx.read("units", columns=["plan_version"])["plan_version"].astype(int)
    version = int(max([*plans["version"].astype(int), *versions, 0])) + 1
    copy = units.copy()
    # On the grid Leaflet returns (6 decimals): an edit of one unit then leaves every
    # vertex it shares with an unedited neighbour exactly where the neighbour has it.
    copy["geometry"] = [g if g.geom_type == "MultiPolygon" else shapely.MultiPolygon([g])
                        for g in snap(copy.geometry.to_numpy())]
    copy["plan_version"] = version
    copy["id"] = [_unit_id(c, version) for c in copy["code"].astype(str)]
    tx.insert("units", copy, note=f"plan {version} drafted from {source}")
    at = store_now()
    row = {"id": _plan_id(version), "version": version, "name": name, "parent_version": source,
           "author": tx.session.user.username, "status": "draft", "effective_at": None, "created_at": at,
           "updated_at": at, "published_at": None, "published_by": None, "revision": 0,
           "note": str(note or "")[:500] or None}
    tx.insert("plans", pd.DataFrame([row]), note=f"plan {version} drafted")
    return PlanInfo.from_row(row)


def _publish_in(tx: GuardedTransaction, info: PlanInfo, at: dt.datetime, action: str) -> PlanInfo:
    """Make ``info`` the current plan inside ``tx`` (plans, meta, points); returns it published."""
    units = tx.read("units", where={"plan_version": info.version}, columns=list(UNIT_COLUMNS))
    if units.empty:
        raise PlanError("plan.versions.no_units", version=info.version)
    before = tx.current_plan()
    plans = tx.read("plans", for_update=True)
    for row in plans[(plans["status"] == "published") & (plans["version"].astype(int) != info.version)].itertuples():
        tx.update("plans", str(row.id), {"status": "superseded", "updated_at": at})
    effective = info.effective_at or at
    tx.update("plans", _plan_id(info.version), {"status": "published", "published_at": at,
                                                "published_by": tx.session.user.username,
                                                "effective_at": effective, "updated_at": at})
    tx.set_meta("plan_version", str(info.version))
    moved = {name: len(reassign_in(tx, name, units, keep_finished=True)) for name in POINT_LAYERS}
    tx.record_plan_event(action, info.version, before={"plan_version": before},
                         after={"plan_version": info.version, "moved": moved})
    return _replace(info, status="published", published_at=at, published_by=tx.session.user.username,
                    effective_at=effective, updated_at=at)


def _due(scheduled: pd.DataFrame, at: dt.datetime) -> list[dict[str, Any]]:
    """The scheduled plan rows whose effective time is not after ``at``, earliest first."""
    if scheduled.empty:
        return []
    when = pd.to_datetime(scheduled["effective_at"])
    due = scheduled[(when <= pd.Timestamp(at)).to_numpy()]
    order = pd.to_datetime(due["effective_at"]).argsort(kind="stable")
    return [due.iloc[i].to_dict() for i in order]


def _refuse_errors(info: PlanInfo, problems: Sequence[Problem]) -> None:
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PublishBlocked("plan.versions.blocked", version=info.version, name=info.name, count=len(errors),
                             problems=listed(Words(p.key, tuple(dict(p.params).items()))
                                             for p in errors[:_LISTED_PROBLEMS]))


def _conflict(tx: GuardedTransaction, info: PlanInfo, expected: int) -> DraftConflict:
    saves = tx.read("plan_saves", where={"version": info.version})
    between = saves[saves["revision"].astype(int) > expected].sort_values("revision", kind="stable")
    codes = sorted({str(c) for col in ("changed", "removed") for value in between[col]
                    for c in (value if isinstance(value, list) else [])})
    names: dict[str, str] = {}
    if codes:
        units = tx.read("units", where={"plan_version": info.version, "code": codes}, columns=["code", "name"])
        names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
    shown: list[Words | str] = [f"{c}（{names[c]}）" if c in names else c for c in codes[:_LISTED_UNITS]]
    if len(codes) > _LISTED_UNITS:
        shown.append(Words("plan.versions.more_units", (("count", len(codes) - _LISTED_UNITS),)))
    authors = list(dict.fromkeys(str(a) for a in between["author"])) or ["?"]
    return DraftConflict("plan.versions.conflict", version=info.version, expected_revision=expected,
                         revision=info.revision, saves=between.reset_index(drop=True), units=codes,
                         name=info.name, authors=listed(authors), unit_list=listed(shown))


# Units closer than this (degrees, ~0.2 m) touch: their saves are not merged.
TOUCH_TOLERANCE = 2e-6


def _mergeable(tx: GuardedTransaction, info: PlanInfo, expected: int, plan: gpd.GeoDataFrame, rows: pd.DataFrame,
               mine: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Whether this save can be merged with the saves since ``expected``: ``(their codes,
    their authors)``, or None when a unit is the same or they touch.

    The shapes compared: this save's units as saved and as stored now (= as loaded:
    nobody else changed them), the other saves' units as stored now and as this
    planner loaded them (from ``plan``).
    """
    saves = tx.read("plan_saves", where={"version": info.version})
    between = saves[saves["revision"].astype(int) > expected]
    theirs = {str(c) for col in ("changed", "removed") for value in between[col]
              for c in (value if isinstance(value, list) else [])}
    if not theirs or not mine or theirs & mine:
        return None
    stored = tx.read("units", where={"plan_version": info.version, "code": sorted(theirs | mine)},
                     columns=["code", "geometry"])
    loaded = plan[plan["code"].astype(str).isin(theirs)]
    stored_codes = stored["code"].astype(str)
    mine_shapes = [*rows.loc[rows["code"].isin(mine), "geometry"], *stored.loc[stored_codes.isin(mine), "geometry"]]
    their_shapes = [*stored.loc[stored_codes.isin(theirs), "geometry"], *loaded.geometry]
    a = np.array([g for g in mine_shapes if g is not None and not g.is_empty], dtype=object)
    b = np.array([g for g in their_shapes if g is not None and not g.is_empty], dtype=object)
    if len(a) and len(b):
        _, hit = shapely.STRtree(b).query(a, predicate="dwithin", distance=TOUCH_TOLERANCE)
        if len(hit):
            return None
    authors = tuple(dict.fromkeys(str(x) for x in between.sort_values("revision")["author"]))
    return tuple(sorted(theirs)), authors


def _checked_frame(plan: gpd.GeoDataFrame, changed: list[str], removed: list[str]) -> pd.DataFrame:
    """The rows of ``changed`` from ``plan``, after checking the frame agrees with the lists."""
    missing = [c for c in PLAN_COLUMNS if c not in plan.columns and c not in ("plan_version", "households",
                                                                              "residents", "staff")]
    if missing:
        raise PlanError("plan.versions.missing_columns", columns=", ".join(missing))
    codes = plan["code"].astype(str)
    names = dict(zip(codes, plan["name"].astype(str), strict=True))
    if codes.duplicated().any():
        code = codes[codes.duplicated()].iloc[0]
        raise PlanError("plan.versions.duplicate_code", code=code, name=names.get(code, ""))
    present = set(codes)
    for code in changed:
        if code not in present:
            raise PlanError("plan.versions.changed_unknown", code=code)
    for code in removed:
        if code in present:
            raise PlanError("plan.versions.removed_present", code=code, name=names.get(code, ""))
    rows = pd.DataFrame(plan[codes.isin(changed).to_numpy()]).copy()
    rows["code"] = rows["code"].astype(str)
    levels = {str(lv) for lv in Level}
    for row in rows.itertuples():
        geom = getattr(row, "geometry", None)
        if str(row.level) not in levels:
            raise BadEdit("plan.versions.bad_level", code=row.code, name=row.name, level=str(row.level))
        if (geom is None or not isinstance(geom, shapely.Geometry) or geom.is_empty
                or shapely.get_type_id(geom) not in (3, 6)):
            raise BadEdit("plan.versions.bad_geometry", code=row.code, name=row.name)
    return rows


def _unit_rows(rows: pd.DataFrame, stored: pd.DataFrame | None, version: int) -> gpd.GeoDataFrame:
    """``units`` rows for the changed units: the plan's columns over what was stored."""
    spec = LAYERS["units"]
    kept = {} if stored is None or stored.empty else {str(r["code"]): r for r in stored.to_dict("records")}
    out = []
    for row in rows.to_dict("records"):
        code = str(row["code"])
        base = dict(kept.get(code, {}))
        record = {c: base.get(c) for c in spec.columns}
        for column in PLAN_COLUMNS:
            if column in row and column != "plan_version":
                value = row[column]
                record[column] = None if not isinstance(value, list | dict) and is_missing(value) else value
        record.update({"id": _unit_id(code, version), "plan_version": int(version), "geometry": row["geometry"]})
        record.pop("county_code", None)
        out.append(record)
    if not out:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in spec.columns if c != "county_code"},
                                geometry=gpd.GeoSeries([], crs=STORE_CRS))
    return gpd.GeoDataFrame(out, geometry="geometry", crs=STORE_CRS)


def _replace(info: PlanInfo, **changes: Any) -> PlanInfo:
    import dataclasses

    return dataclasses.replace(info, **changes)


def _minute(value: dt.datetime) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _int(value: Any) -> int | None:
    if value is None or (not isinstance(value, list | dict) and is_missing(value)):
        return None
    return int(value)


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, list | dict) and is_missing(value)):
        return None
    return str(value)


def _time(value: Any) -> dt.datetime | None:
    if value is None or is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp is pd.NaT:
        return None
    return stamp.to_pydatetime()

