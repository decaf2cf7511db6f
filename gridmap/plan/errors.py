"""Refusals of the planner, in words (Chinese and English), naming the unit.

:class:`PlanError` carries an i18n key and its values, like
:class:`gridmap.workflow.WorkflowError` (whose :class:`~gridmap.workflow.errors.Coded`,
:class:`~gridmap.workflow.errors.Words` and ``listed`` values it accepts). Nothing is
changed when one is raised: every operation either returns a new plan or raises.
"""

from __future__ import annotations

from gridmap.workflow.errors import WorkflowError


class PlanError(WorkflowError):
    """An edit, save, import or publish of a plan was refused; :meth:`text` says why."""


class BadEdit(PlanError):
    """The edit cannot be made (a line that does not cross the unit, units that do not
    touch, a self-intersecting shape, a sliver left behind, ...)."""


class PlanConflict(PlanError):
    """Another planner saved the same draft or unit first (optimistic version check)."""


class PublishBlocked(PlanError):
    """The draft still has errors, or the effective date is in the past."""


__all__ = ["BadEdit", "PlanConflict", "PlanError", "PublishBlocked"]
