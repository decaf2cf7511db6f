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
- :func:`route` -- category -> department and deadline.
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
from gridmap.workflow.errors import (
    BadInput,
    IllegalStep,
    OutsideJurisdiction,
    RowNotFound,
    StepNotPermitted,
    WorkflowError,
)
from gridmap.workflow.place import place
from gridmap.workflow.report import DESCRIPTION_LIMIT, record_inspection, report_issue
from gridmap.workflow.routing import route
from gridmap.workflow.steps import HAZARD_STEPS, ISSUE_STEPS, STEP_OP, STEPS
from gridmap.workflow.transition import NOTE_LIMIT, allowed_steps, transition_hazard, transition_issue

__all__ = [
    "DESCRIPTION_LIMIT",
    "HAZARD_STEPS",
    "ISSUE_STEPS",
    "NOTE_LIMIT",
    "STEPS",
    "STEP_OP",
    "BadInput",
    "IllegalStep",
    "OutsideJurisdiction",
    "RowNotFound",
    "StepNotPermitted",
    "WorkflowError",
    "allowed_steps",
    "hazard_deadline",
    "hazard_overdue",
    "is_open",
    "issue_deadline",
    "issue_overdue",
    "overdue",
    "place",
    "record_inspection",
    "report_issue",
    "route",
    "transition_hazard",
    "transition_issue",
]
