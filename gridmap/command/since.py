"""Since you last looked: what changed on the command map between two visits of one user.

- :func:`record_visit` -- at the first run of the command map in a browser session, store
  this visit's time per user and county (setting ``map_seen:<user>``, audited as
  ``set_meta`` like every setting) and return the previous one.
- :func:`changes_since` -> :class:`Changes` -- inside a selection, between the previous
  visit (exclusive) and now (inclusive):

  - ``new``: issues reported in the window;
  - ``overdue``: issues whose deadline fell in the window and that are still on the clock
    (newly overdue: they were not overdue at the previous visit);
  - ``closed``: issues closed in the window;
  - risk colours set in the window (``units.risk_set_at``), with the colour now;
  - zero-reports: per grid, its micro-grids that missed a day's report on the whole days
    that ended since the previous visit (at most :data:`ZERO_DAYS_MAX` days back).

The issue lists come from the commander's snapshot (arrays, milliseconds); the units and
zero-reports are one read each, made once per visit. Without a previous visit (the first
one) the window is the :data:`FIRST_VISIT_HOURS` hours before the data's time.

The stored time is the wall clock (Beijing time), while the window's end is the later of
the wall clock and the data's as-of time, so a demo store whose data end in the past
still shows what was done in the app between two visits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gridmap.access import READ_OP, Session
from gridmap.command.snapshot import CODES, Snapshot
from gridmap.domain import ISSUE_LIFECYCLE, IssueStatus, Level, Scope

SEEN_META_PREFIX = "map_seen:"
FIRST_VISIT_HOURS = 24
ZERO_DAYS_MAX = 7
CHANGE_KINDS: tuple[str, ...] = ("new", "overdue", "closed")


@dataclass(frozen=True, eq=False)
class Changes:
    """What changed in one selection between two moments.

    Attributes:
        since: The previous visit (exclusive); for a first visit, ``FIRST_VISIT_HOURS`` back.
        until: Now (inclusive).
        first_visit: No previous visit was stored.
        issues: One row per change: ``id``, ``kind`` (``new``, ``overdue``, ``closed``),
            ``at`` (when it happened), ``micro_code``, ``status``; oldest first. An issue
            can appear under several kinds (reported and closed in the window).
        risk: Units whose risk colour was set in the window: ``code``, ``name``, ``level``,
            ``risk_colour``, ``risk_set_at``.
        zero_behind: Grids with micro-grids that missed a whole day's zero-report:
            ``code``, ``name``, ``missed`` (micro-grid days), ``days`` (the days looked at).
    """

    since: dt.datetime
    until: dt.datetime
    first_visit: bool
    issues: pd.DataFrame
    risk: pd.DataFrame
    zero_behind: pd.DataFrame

    def count(self, kind: str) -> int:
        """How many issue changes of ``kind`` (or risk / zero_behind rows)."""
        if kind == "risk":
            return len(self.risk)
        if kind == "zero_behind":
            return len(self.zero_behind)
        return int((self.issues["kind"] == kind).sum())

    def __len__(self) -> int:
        return len(self.issues) + len(self.risk) + len(self.zero_behind)


def seen_key(username: str) -> str:
    """The county setting that holds a user's last visit of the command map."""
    return SEEN_META_PREFIX + username


def previous_visit(session: Session) -> dt.datetime | None:
    """The user's stored last visit (None: none yet, or unreadable)."""
    return _parse(session.meta(seen_key(session.user.username)))


def record_visit(session: Session, at: dt.datetime) -> dt.datetime | None:
    """Store ``at`` as the user's visit of the command map; return the visit before it.

    One transaction in the user's county, serialised on the setting (two tabs opening at
    once both get the same previous visit, and the later time wins), audited as
    ``set_meta``. Like the sign-in's own settings (:mod:`gridmap.auth`) it is written on
    the store under the user's name: the setting is the user's own, whatever the role.
    """
    key = seen_key(session.user.username)
    at = at.replace(microsecond=0, tzinfo=None)
    with session.store.transaction(session.user.username, Scope.county(session.scope.county_code)) as tx:
        tx.lock(key)
        before = _parse(tx.get_meta(key))
        if before is None or at > before:
            tx.set_meta(key, at.isoformat(sep=" "))
    return before


def visit_window(previous: dt.datetime | None, data_now: dt.datetime,
                 wall_now: dt.datetime) -> tuple[dt.datetime, dt.datetime, bool]:
    """``(since, until, first_visit)`` for a visit whose previous one was ``previous``."""
    until = max(data_now, wall_now).replace(microsecond=0, tzinfo=None)
    if previous is None:
        return data_now - dt.timedelta(hours=FIRST_VISIT_HOURS), until, True
    return min(previous, until), until, False


def changes_since(snapshot: Snapshot, since: dt.datetime, until: dt.datetime, *, selection: str | None = None,
                  units: pd.DataFrame | None = None, zero_reports: pd.DataFrame | None = None,
                  first_visit: bool = False) -> Changes:
    """What changed inside ``selection`` in ``(since, until]``.

    Args:
        snapshot: The commander's snapshot (issues as arrays).
        since, until: The window (previous visit, now).
        selection: A unit code (None: the snapshot's scope).
        units: ``code, name, level, risk_colour, risk_set_at`` of the current plan
            (:func:`read_units`); None: no risk changes.
        zero_reports: ``micro_code, day`` rows of the window's whole days
            (:func:`read_zero_reports`); None: the role may not read them.
        first_visit: Passed through to the result.
    """
    sel = snapshot.select(selection)
    lo, hi = np.datetime64(since.replace(microsecond=0), "s"), np.datetime64(until.replace(microsecond=0), "s")
    table = snapshot.issues
    rows = table.span(sel.lo, sel.hi)
    status = table["status"][rows]
    on_clock = np.isin(status, [CODES["issue_status"].index(s) for s in ISSUE_LIFECYCLE.on_clock])
    closed = status == CODES["issue_status"].index(IssueStatus.CLOSED)

    def inside(times: np.ndarray) -> np.ndarray:
        return (times > lo) & (times <= hi)

    reported, deadline, closed_at = table["reported"][rows], table["deadline"][rows], table["closed"][rows]
    picks = {"new": inside(reported), "overdue": on_clock & inside(deadline) & (reported <= hi),
             "closed": closed & inside(closed_at)}
    when = {"new": reported, "overdue": deadline, "closed": closed_at}
    index = np.concatenate([np.flatnonzero(picks[kind]) for kind in CHANGE_KINDS])
    kinds = np.concatenate([np.full(int(picks[kind].sum()), kind, dtype=object) for kind in CHANGE_KINDS])
    at = np.concatenate([when[kind][picks[kind]] for kind in CHANGE_KINDS])
    order = np.argsort(at, kind="stable")  # oldest first; one moment: new, overdue, closed
    index, kinds, at = index[order], kinds[order], at[order]
    codes = np.append(snapshot.micro_codes.astype(object), np.array([None], dtype=object))  # M: outside
    names = np.append(np.array(CODES["issue_status"], dtype=object), np.array([None], dtype=object))  # -1: unknown
    issues = pd.DataFrame({"id": table.ids[rows][index], "kind": kinds, "at": at,
                           "micro_code": codes[table.micro[rows][index]], "status": names[status[index]]})
    return Changes(since, until, first_visit, issues, _risk_changes(units, sel.prefix, lo, hi),
                   _zero_behind(snapshot, sel.prefix, since, until, zero_reports))


def zero_days(since: dt.datetime, until: dt.datetime) -> list[dt.date]:
    """The whole days that ended in ``(since, until]`` (at most :data:`ZERO_DAYS_MAX`, newest kept)."""
    first, last = since.date(), until.date() - dt.timedelta(days=1)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    # The day of ``since`` counts only if it ended after it: it always does (since < its midnight).
    return days[-ZERO_DAYS_MAX:]


def read_units(session: Session, plan_version: int) -> pd.DataFrame:
    """The current plan's units with their risk colour and when it was set (one read)."""
    return session.read("units", where={"plan_version": plan_version},
                        columns=["code", "name", "level", "risk_colour", "risk_set_at"])


def read_zero_reports(session: Session, since: dt.datetime, until: dt.datetime) -> pd.DataFrame | None:
    """The zero-reports of the window's whole days (None: the role may not read them)."""
    if not session.can(READ_OP["zero_reports"]):
        return None
    days = zero_days(since, until)
    if not days:
        return pd.DataFrame({"micro_code": pd.Series([], dtype=object), "day": pd.Series([], dtype=object)})
    return session.read("zero_reports", where={"day": days}, columns=["micro_code", "day"])


# --------------------------------------------------------------------------- helpers


def _parse(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw).replace(tzinfo=None, microsecond=0)
    except ValueError:
        return None


_RISK_COLUMNS = ["code", "name", "level", "risk_colour", "risk_set_at"]


def _risk_changes(units: pd.DataFrame | None, prefix: str, lo: np.datetime64, hi: np.datetime64) -> pd.DataFrame:
    if units is None or units.empty or units["risk_set_at"].isna().all():
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in _RISK_COLUMNS})
    frame = pd.DataFrame(units)[_RISK_COLUMNS].copy()
    at = pd.to_datetime(frame["risk_set_at"], errors="coerce").to_numpy(dtype="datetime64[s]")
    keep = (at > lo) & (at <= hi) & frame["code"].astype(str).str.startswith(prefix).to_numpy()
    out = frame[keep].copy()
    out["risk_set_at"] = at[keep]
    return out.sort_values(["risk_set_at", "code"]).reset_index(drop=True)


def _zero_behind(snapshot: Snapshot, prefix: str, since: dt.datetime, until: dt.datetime,
                 zero_reports: pd.DataFrame | None) -> pd.DataFrame:
    empty = pd.DataFrame({"code": pd.Series([], dtype=object), "name": pd.Series([], dtype=object),
                          "missed": pd.Series([], dtype=np.int64), "days": pd.Series([], dtype=np.int64)})
    days = zero_days(since, until)
    if zero_reports is None or not days:
        return empty
    units = snapshot.units
    micro = units.index[(units["level"] == Level.MICRO.value) & units.index.str.startswith(prefix)]
    if not len(micro):
        return empty
    done = pd.DataFrame(zero_reports)
    wanted = {d.isoformat() for d in days}
    done_days = pd.to_datetime(done["day"], errors="coerce").dt.strftime("%Y-%m-%d") if len(done) else done["day"]
    reported = set(zip(done["micro_code"].astype(str), done_days.astype(str), strict=True)) if len(done) else set()
    missed: dict[str, int] = {}
    for code in micro:
        n = sum((str(code), d) not in reported for d in wanted)
        if n:
            parent = units.at[code, "parent_code"]
            grid = str(parent) if isinstance(parent, str) else str(code)
            missed[grid] = missed.get(grid, 0) + n
    if not missed:
        return empty
    codes = sorted(missed, key=lambda c: (-missed[c], c))
    return pd.DataFrame({"code": codes, "name": [str(units["name"].get(c, c)) for c in codes],
                         "missed": [missed[c] for c in codes], "days": len(days)})
