"""Undo and redo of a planner's edits: a pure, bounded stack of plans.

:class:`EditHistory` keeps the plan before the first kept edit and the
:class:`~gridmap.plan.model.EditResult` of every edit since; undo and redo move a cursor
and return the plan at it. A new edit after an undo drops the steps that were undone.
Nothing is copied: edits never modify their input, so the kept frames stay as they were.

Example::

    history = EditHistory(plan)
    history.push(reshape(history.plan, code, polygon))
    plan = history.undo()
    [step for step in history.labels("zh")]
"""

from __future__ import annotations

import geopandas as gpd

from gridmap.plan.errors import BadEdit
from gridmap.plan.model import EditResult

# Steps kept by default (issue 10 asks for at least 20).
DEFAULT_LIMIT = 50


class EditHistory:
    """The edits of one planning session, for undo and redo.

    Args:
        plan: the plan the session started from.
        limit: how many steps are kept (at least 1); the oldest are forgotten first.
    """

    def __init__(self, plan: gpd.GeoDataFrame, limit: int = DEFAULT_LIMIT) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._base = plan
        self._steps: list[EditResult] = []
        self._cursor = 0  # steps[:cursor] are applied

    @property
    def plan(self) -> gpd.GeoDataFrame:
        """The plan at the cursor."""
        return self._steps[self._cursor - 1].plan if self._cursor else self._base

    def push(self, result: EditResult) -> gpd.GeoDataFrame:
        """Record an edit made on :attr:`plan`; the undone steps are dropped. Returns its plan."""
        del self._steps[self._cursor:]
        self._steps.append(result)
        if len(self._steps) > self.limit:
            drop = len(self._steps) - self.limit
            self._base = self._steps[drop - 1].plan
            del self._steps[:drop]
        self._cursor = len(self._steps)
        return result.plan

    @property
    def can_undo(self) -> bool:
        return self._cursor > 0

    @property
    def can_redo(self) -> bool:
        return self._cursor < len(self._steps)

    def undo(self) -> gpd.GeoDataFrame:
        """Step back one edit; the plan before it.

        Raises:
            BadEdit: nothing to undo.
        """
        if not self.can_undo:
            raise BadEdit("plan.edit.nothing_to_undo")
        self._cursor -= 1
        return self.plan

    def redo(self) -> gpd.GeoDataFrame:
        """Make the last undone edit again; the plan after it.

        Raises:
            BadEdit: nothing to redo.
        """
        if not self.can_redo:
            raise BadEdit("plan.edit.nothing_to_redo")
        self._cursor += 1
        return self.plan

    @property
    def undo_step(self) -> EditResult | None:
        """The edit :meth:`undo` would take back."""
        return self._steps[self._cursor - 1] if self._cursor else None

    @property
    def redo_step(self) -> EditResult | None:
        """The edit :meth:`redo` would make again."""
        return self._steps[self._cursor] if self.can_redo else None

    def labels(self, lang: str | None = None) -> list[str]:
        """The applied steps, oldest first, in words (:meth:`EditResult.text`)."""
        return [s.text(lang) for s in self._steps[: self._cursor]]

    def redo_labels(self, lang: str | None = None) -> list[str]:
        """The undone steps that :meth:`redo` would make again, next first."""
        return [s.text(lang) for s in self._steps[self._cursor:]]

    def __len__(self) -> int:
        return len(self._steps)
