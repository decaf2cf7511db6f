"""Who the hazard page (隐患排查) is for.

Inspectors (their first page), commanders, admins and department handlers. Hazards
carry no department routing (unlike issues): a department handler sees and may
rectify every hazard inside their jurisdiction, as :mod:`gridmap.access` reads
inspections for them. Planners and grid workers use the command map instead.
"""

from __future__ import annotations

from gridmap.domain import Role

PAGE_ROLES: frozenset[Role] = frozenset({Role.INSPECTOR, Role.COMMANDER, Role.ADMIN, Role.DEPARTMENT})

__all__ = ["PAGE_ROLES"]
