"""Escalation (超期督办): an overdue issue is put in front of the commander, once.

The rule: an issue that is **overdue** (:func:`gridmap.workflow.clock.issue_overdue`: on
the clock and past its deadline) and **not yet escalated** is escalated: its
``escalated_at`` is set to the moment of escalation and a history note (from and to
its current status, by the commander whose run escalated it) says so; both writes are
audited. The commander's work queue lists escalated issues first.

:func:`escalate_overdue` is idempotent: an issue is escalated at most once (its
``escalated_at`` stays), and two runs at the same moment are serialised by a lock, so
the second finds nothing left to do. It runs when a commander opens the work queue and
from the command line (``python -m gridmap escalate``). An escalated issue that is
dispatched again keeps its mark; the queue shows it while it is still overdue.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from gridmap.access import Op, PermissionDenied, Session
from gridmap.domain import ISSUE_LIFECYCLE, Role
from gridmap.i18n import t
from gridmap.store.base import new_id, now
from gridmap.workflow.clock import issue_overdue


def escalate_overdue(session: Session, at: dt.datetime | None = None) -> list[str]:
    """Escalate every overdue, not yet escalated issue in ``session``'s view; returns their ids.

    Args:
        session: A commander's session (or the operator's); its jurisdiction bounds the run.
        at: The moment to judge "overdue" at (default now; the pages pass the data's time).

    Raises:
        PermissionDenied: the role is not a commander's.
    """
    session.require(Op.HANDLE_ISSUE)
    if not session.user.system and session.user.role != Role.COMMANDER:
        raise PermissionDenied(f"{session.user.username} ({session.user.role.value}) may not escalate issues")
    moment = (at or now()).replace(microsecond=0)
    with session.write(Op.HANDLE_ISSUE) as tx:
        tx.lock(f"escalate:{session.scope.county_code}")
        rows = tx.read("issues", where={"status": sorted(ISSUE_LIFECYCLE.on_clock)},
                       columns=["id", "status", "deadline", "escalated_at"])
        if rows.empty:
            return []
        due = issue_overdue(rows, moment) & rows["escalated_at"].isna()
        todo = rows[due.to_numpy()]
        if todo.empty:
            return []
        ids = todo["id"].astype(str).tolist()
        tx.update_many("issues", pd.DataFrame({"id": ids, "escalated_at": [moment] * len(ids)}), ["escalated_at"])
        note = t("workflow.escalated_note", "zh")
        events = pd.DataFrame({"id": [new_id() for _ in ids], "issue_id": ids, "at": moment,
                               "actor": session.user.username, "from_status": todo["status"].astype(str).to_numpy(),
                               "to_status": todo["status"].astype(str).to_numpy(), "note": note})
        tx.insert("issue_events", events, note="escalated")
        return ids


__all__ = ["escalate_overdue"]
