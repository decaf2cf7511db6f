"""The daily zero-report (每日零报告): every micro-grid reports every day, even when nothing happened.

- :func:`submit_zero_report` -- a grid worker's report for one micro-grid of their unit,
  for today: "nothing to report" (no note) or what there was (a note). One report per
  micro-grid and day: a second one the same day is refused, naming the first (who and
  when), and nothing is written; two at the same moment are serialised by a lock, so
  exactly one is stored.
- :func:`zero_report_status` -- per micro-grid of the session's view (current plan):
  its grid and village, and today's report if there is one. Commanders read it for the
  list of micro-grids still missing; the compliance map is the command map's
  ``zero_report`` measure (:mod:`gridmap.command.measures`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from gridmap.access import Op, Session
from gridmap.domain import Level
from gridmap.store.base import new_id, now
from gridmap.workflow.errors import BadInput, OutsideJurisdiction

ZERO_NOTE_LIMIT = 500


class AlreadyReported(BadInput):
    """Today's zero-report of this micro-grid is already in (the message names it)."""


def submit_zero_report(session: Session, micro_code: str, *, note: str | None = None,
                       day: dt.date | None = None) -> dict[str, Any]:
    """Store today's zero-report of ``micro_code``.

    Args:
        session: A grid worker's session (their jurisdiction must hold the micro-grid).
        micro_code: A micro-grid of the county's current plan.
        note: What happened, if anything ("nothing to report" when None or blank).
        day: The day reported for (default today, Beijing time).

    Returns:
        The stored row.

    Raises:
        PermissionDenied: the role may not submit zero-reports.
        OutsideJurisdiction: the micro-grid is not one of the user's (or not a micro-grid).
        AlreadyReported: the micro-grid has reported for the day already.
        BadInput: a note longer than :data:`ZERO_NOTE_LIMIT` characters.
    """
    session.require(Op.SUBMIT_ZERO_REPORT)
    text = None if note is None else (str(note).strip() or None)
    if text is not None and len(text) > ZERO_NOTE_LIMIT:
        raise BadInput("workflow.note_too_long", n=len(text), limit=ZERO_NOTE_LIMIT)
    code = str(micro_code or "").strip()
    at = now().replace(microsecond=0)
    when = day or at.date()
    units = session.read("units", where={"code": code, "level": Level.MICRO.value,
                                         "plan_version": session.current_plan()}, columns=["code", "name"])
    if units.empty:
        raise OutsideJurisdiction("zero.not_your_micro", code=code or "—", unit=session.scope.unit_code or "")
    with session.write(Op.SUBMIT_ZERO_REPORT) as tx:
        tx.lock(f"zero:{code}:{when.isoformat()}")
        earlier = tx.read("zero_reports", where={"micro_code": code, "day": when},
                          columns=["reporter", "reported_at"])
        if not earlier.empty:
            first = earlier.sort_values("reported_at").iloc[0]
            raise AlreadyReported("zero.already", name=str(units["name"].iloc[0]), day=when.isoformat(),
                                  time=_time(first["reported_at"]), reporter=str(first["reporter"]))
        row = {"id": new_id(), "county_code": session.scope.county_code, "micro_code": code, "day": when,
               "reporter": session.user.display_name or session.user.username, "note": text, "reported_at": at}
        tx.insert("zero_reports", pd.DataFrame([row]), note="zero report")
    return row


def zero_report_status(session: Session, day: dt.date) -> pd.DataFrame:
    """Every micro-grid in view (current plan) with its grid, village and ``day``'s report.

    Columns: ``micro_code``, ``micro``, ``grid_code``, ``grid``, ``village_code``,
    ``village``, ``reported`` (bool), ``reported_at``, ``reporter``, ``note``; sorted by
    village, grid and micro-grid code.
    """
    session.require(Op.VIEW_ZERO_REPORTS)
    plan = session.current_plan()
    units = session.read("units", where={"plan_version": plan, "level": [Level.VILLAGE.value, Level.GRID.value,
                                                                         Level.MICRO.value]},
                         columns=["code", "level", "name", "parent_code"])
    names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
    parents = dict(zip(units["code"].astype(str), units["parent_code"], strict=True))
    micro = units[units["level"] == Level.MICRO.value]
    reports = session.read("zero_reports", where={"day": day}, columns=["micro_code", "reporter", "note",
                                                                        "reported_at"])
    first = reports.sort_values("reported_at").drop_duplicates("micro_code").set_index("micro_code")
    codes = micro["code"].astype(str).tolist()
    grid_codes = [str(parents.get(c) or "") for c in codes]
    village_codes = [str(parents.get(g) or "") for g in grid_codes]
    out = pd.DataFrame({
        "micro_code": codes, "micro": [names.get(c, c) for c in codes],
        "grid_code": grid_codes, "grid": [names.get(g, g) for g in grid_codes],
        "village_code": village_codes, "village": [names.get(v, v) for v in village_codes],
    })
    out["reported"] = out["micro_code"].isin(first.index)
    for column in ("reported_at", "reporter", "note"):
        out[column] = out["micro_code"].map(first[column]) if len(first) else None
    return out.sort_values(["village_code", "grid_code", "micro_code"]).reset_index(drop=True)


def _time(value: Any) -> str:
    try:
        return pd.Timestamp(value).strftime("%H:%M")
    except (TypeError, ValueError):
        return str(value)


__all__ = ["ZERO_NOTE_LIMIT", "AlreadyReported", "submit_zero_report", "zero_report_status"]
