"""Routing as data: an issue's category decides its department and its deadline.

The table is :data:`gridmap.domain.CATEGORIES` (按职能归类交办): category -> department,
deadline in hours. A report is routed when it is created (:func:`route`); a commander
may route it elsewhere when dispatching (:func:`gridmap.workflow.transition_issue` with
``department=``), and its history follows it.
"""

from __future__ import annotations

from gridmap.domain import CATEGORIES, Category
from gridmap.workflow.errors import BadInput, Coded, listed


def route(category: str) -> Category:
    """The category's routing: its department and deadline (refused when unknown)."""
    found = CATEGORIES.get(str(category))
    if found is None:
        raise BadInput("workflow.unknown_category", category=str(category),
                       choices=listed(Coded("category", c) for c in CATEGORIES))
    return found


__all__ = ["route"]
