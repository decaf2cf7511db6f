"""Work queues, "my reports" and an issue's history: the reads behind the closed loop's pages.

- :func:`work_queue` -- the open issues a role works on, in its jurisdiction, soonest
  deadline first, each flagged ``overdue`` (the one rule of :mod:`gridmap.workflow.clock`)
  and ``escalated``:

  ===========  ==========================================================================
  queue        what it holds
  ===========  ==========================================================================
  unit         the grid worker's unit: every open issue (awaiting verification included)
  department   the department's routed issues: dispatched and in hand (the session
               shows a handler only their department's)
  commander    what waits for the command centre: not yet dispatched (reported,
               accepted, returned), awaiting closure (verified), and every overdue
               issue; escalated ones first
  ===========  ==========================================================================

- :func:`my_reports` -- the issues a user reported (the first history row is theirs),
  with their status and, for a duplicate, the status of the issue it repeats.
- :func:`issue_history` -- one issue's history rows, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gridmap.access import Session
from gridmap.domain import ISSUE_LIFECYCLE, IssueStatus, Role
from gridmap.store.base import StoreError
from gridmap.workflow.clock import issue_overdue
from gridmap.workflow.errors import WorkflowError
from gridmap.workflow.transition import transition_issue

QUEUES: tuple[str, ...] = ("unit", "department", "commander")
ISSUE_COLUMNS = ["id", "category", "status", "description", "channel", "reporter", "department", "reported_at",
                 "deadline", "closed_at", "micro_code", "outside", "duplicate_of", "escalated_at", "geometry"]
_I = IssueStatus
_DEPARTMENT_STATUSES = (str(_I.DISPATCHED), str(_I.IN_PROGRESS))
_COMMANDER_STATUSES = (str(_I.REPORTED), str(_I.ACCEPTED), str(_I.RETURNED), str(_I.VERIFIED))


def queue_for(session: Session) -> str:
    """The queue a role works from: department handlers theirs, commanders theirs, others the unit's."""
    role = session.user.role
    if role == Role.DEPARTMENT:
        return "department"
    if role == Role.COMMANDER:
        return "commander"
    return "unit"


def work_queue(session: Session, queue: str, at: dt.datetime) -> pd.DataFrame:
    """The open issues of ``queue`` in ``session``'s view at ``at`` (see the module docstring).

    Returns:
        One row per issue (``id``, ``category``, ``status``, ``deadline``, ...,
        ``lon``/``lat``, ``overdue``, ``escalated``), escalated first (commander), then
        by deadline (none last), then by report time.
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; known: {', '.join(QUEUES)}")
    rows = _points(session.read("issues", where={"status": sorted(ISSUE_LIFECYCLE.open)}, columns=ISSUE_COLUMNS))
    rows["overdue"] = issue_overdue(rows, at).to_numpy() if len(rows) else np.zeros(0, dtype=bool)
    rows["escalated"] = rows["escalated_at"].notna()
    status = rows["status"].astype(str)
    if queue == "department":
        rows = rows[status.isin(_DEPARTMENT_STATUSES).to_numpy()]
    elif queue == "commander":
        rows = rows[(status.isin(_COMMANDER_STATUSES) | rows["overdue"]).to_numpy()]
    keys = ["deadline", "reported_at"]
    if queue == "commander":
        rows = rows.assign(_first=~(rows["escalated"] & rows["overdue"]))
        keys = ["_first", *keys]
    rows = rows.sort_values(keys, na_position="last", kind="stable")
    return rows.drop(columns=[c for c in ("_first",) if c in rows.columns]).reset_index(drop=True)


def my_reports(session: Session) -> pd.DataFrame:
    """The issues ``session``'s user reported, newest first, with ``original_status`` for duplicates."""
    first = session.read("issue_events", where={"actor": session.user.username,
                                                "to_status": ISSUE_LIFECYCLE.initial},
                         columns=["issue_id", "from_status"])
    ids = sorted(set(first.loc[first["from_status"].isna(), "issue_id"].astype(str)))
    if not ids:
        return _points(session.read("issues", where={"id": []}, columns=ISSUE_COLUMNS)).assign(original_status=None)
    rows = _points(session.read("issues", where={"id": ids}, columns=ISSUE_COLUMNS))
    originals = sorted({str(d) for d in rows["duplicate_of"].dropna()})
    status_of: dict[str, str] = {}
    if originals:
        found = session.read("issues", where={"id": originals}, columns=["id", "status"])
        status_of = dict(zip(found["id"].astype(str), found["status"].astype(str), strict=True))
    rows["original_status"] = rows["duplicate_of"].map(lambda d: status_of.get(str(d)) if isinstance(d, str) else None)
    return rows.sort_values("reported_at", ascending=False).reset_index(drop=True)


def issue_history(session: Session, issue_id: str) -> pd.DataFrame:
    """The history rows of ``issue_id`` in ``session``'s view, oldest first."""
    events = session.read("issue_events", where={"issue_id": str(issue_id)},
                          columns=["id", "at", "actor", "from_status", "to_status", "note"])
    # Rows of the same second (a report saved as a duplicate): the first row (no from) first.
    ordered = events.assign(_later=events["from_status"].notna()).sort_values(["at", "_later"], kind="stable")
    return ordered.drop(columns="_later").reset_index(drop=True)


@dataclass(frozen=True)
class BulkResult:
    """One issue of a bulk step: the row after it, or the refusal (``error``)."""

    issue_id: str
    row: dict[str, Any] | None = None
    error: WorkflowError | StoreError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def bulk_transition(session: Session, issue_ids: Iterable[str], to_status: str, *, note: str | None = None,
                    department: str | None = None) -> list[BulkResult]:
    """One step for several issues (bulk accept / dispatch): **one transaction per issue**.

    An issue that is refused (moved on meanwhile, not in view, not permitted) is named
    in its result with the workflow's message; the others are stepped all the same and
    stay stepped. Nothing is retried.
    """
    out: list[BulkResult] = []
    for issue_id in dict.fromkeys(str(i) for i in issue_ids):
        try:
            out.append(BulkResult(issue_id, row=transition_issue(session, issue_id, to_status, note=note,
                                                                 department=department)))
        except (WorkflowError, StoreError) as exc:
            out.append(BulkResult(issue_id, error=exc))
    return out


def _points(frame: pd.DataFrame) -> pd.DataFrame:
    """A plain frame with ``lon``/``lat`` instead of the geometry."""
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    if "geometry" in frame.columns and len(frame):
        out["lon"] = frame.geometry.x.to_numpy()
        out["lat"] = frame.geometry.y.to_numpy()
    else:
        out["lon"] = pd.Series(dtype=float)
        out["lat"] = pd.Series(dtype=float)
    return out


__all__ = ["ISSUE_COLUMNS", "QUEUES", "BulkResult", "bulk_transition", "issue_history", "my_reports", "queue_for", "work_queue"]
