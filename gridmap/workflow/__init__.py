"""The lifecycles of issues and hazards: reporting, steps, routing, deadlines.

Public names:

- :func:`report_issue` -- 上报: a new issue at a point, placed on the server, routed
  to its department, due by its category, with its first history row.
- :func:`record_inspection` -- a new hazard at a point, due by its severity.
- :func:`transition_issue`, :func:`transition_hazard` -- one step of a lifecycle, in
  one transaction with its history row and times; illegal or unpermitted steps are
  refused in words.
- :func:`allowed_steps` -- the steps a user may take on a row now (for buttons).
- :data:`ISSUE_STEPS`, :data:`HAZARD_STEPS` -- who may make which step (role x step).
- :func:`route` -- category (x unit) -> department and deadline, by the county's routing
  table in force (:mod:`gridmap.workflow.routing`: versioned data, :func:`save_table`).
- :func:`duplicate_candidates` -- open reports of the same category nearby and recent.
- :func:`escalate_overdue` -- overdue issues escalated to the commander, once each.
- :func:`submit_zero_report`, :func:`zero_report_status` -- the daily zero-report.
- :func:`work_queue`, :func:`bulk_transition`, :func:`my_reports`, :func:`issue_history` --
  the reads and bulk steps behind the closed loop's pages (:mod:`gridmap.workflow.queues`).
- :func:`issue_overdue`, :func:`hazard_overdue`, :func:`overdue`, :func:`is_open` --
  "open" and "overdue", defined once (:mod:`gridmap.workflow.clock`).
- :func:`place` -- a point's micro-grid and ancestors, from the current plan.
- Refusals: :class:`WorkflowError` and its kinds (:mod:`gridmap.workflow.errors`).

The status sets and transitions are data in :data:`gridmap.domain.LIFECYCLES`.
Writes through a :class:`~gridmap.access.Session` cannot change a status any other way.
"""

from __future__ import annotations

from gridmap.workflow.clock import (
    hazard_deadline,
    hazard_overdue,
    is_open,
    issue_deadline,
    issue_overdue,
    overdue,
)
from gridmap.workflow.duplicates import duplicate_candidates
from gridmap.workflow.errors import (
    BadInput,
    IllegalStep,
    OutsideJurisdiction,
    RowNotFound,
    StepNotPermitted,
    WorkflowError,
)
from gridmap.workflow.escalation import escalate_overdue
from gridmap.workflow.place import place
from gridmap.workflow.queues import (
    BulkResult,
    bulk_transition,
    issue_history,
    my_reports,
    queue_for,
    work_queue,
)
from gridmap.workflow.report import DESCRIPTION_LIMIT, record_inspection, report_issue
from gridmap.workflow.routing import Deadline, RoutingTable, Rule, current_table, route, save_table
from gridmap.workflow.steps import HAZARD_STEPS, ISSUE_STEPS, STEP_OP, STEPS
from gridmap.workflow.transition import NOTE_LIMIT, allowed_steps, transition_hazard, transition_issue
from gridmap.workflow.zero_report import AlreadyReported, submit_zero_report, zero_report_status

__all__ = [
    "DESCRIPTION_LIMIT",
    "HAZARD_STEPS",
    "ISSUE_STEPS",
    "NOTE_LIMIT",
    "STEPS",
    "STEP_OP",
    "AlreadyReported",
    "BadInput",
    "BulkResult",
    "Deadline",
    "IllegalStep",
    "OutsideJurisdiction",
    "RoutingTable",
    "RowNotFound",
    "Rule",
    "StepNotPermitted",
    "WorkflowError",
    "allowed_steps",
    "bulk_transition",
    "current_table",
    "duplicate_candidates",
    "escalate_overdue",
    "hazard_deadline",
    "hazard_overdue",
    "is_open",
    "issue_deadline",
    "issue_history",
    "issue_overdue",
    "my_reports",
    "overdue",
    "place",
    "queue_for",
    "record_inspection",
    "report_issue",
    "route",
    "save_table",
    "submit_zero_report",
    "transition_hazard",
    "transition_issue",
    "work_queue",
    "zero_report_status",
]
