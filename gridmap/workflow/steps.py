"""Who may make which step: the role x transition tables, as data.

:data:`ISSUE_STEPS` and :data:`HAZARD_STEPS` map each step ``(from, to)`` of a
lifecycle (:data:`gridmap.domain.LIFECYCLES`) to the roles that may make it, inside
their jurisdiction. A role listed here also needs the lifecycle's operation in
:data:`gridmap.access.PERMISSIONS` (:data:`STEP_OP`); a test keeps the two in step.
The operator's system session may make every step the lifecycle allows.

Issues (上报 -> 受理 -> 派遣 -> 处置 -> 办结 -> 核查 -> 结案, plus 退回, 重复, 无效)::

    reported    -> accepted, duplicate, invalid      commander    受理 / 重复 / 无效
    accepted    -> dispatched, duplicate, invalid    commander    派遣 (names the department)
    returned    -> dispatched, invalid               commander    重新派遣 / 无效
    dispatched  -> in_progress, returned             department   签收处置 / 退回
    in_progress -> resolved, returned                department   办结 / 退回
    resolved    -> verified, in_progress             grid worker, commander   核查 / 核查不通过
    verified    -> closed                            commander    结案

A department handler steps only the issues routed to it (the session shows it no
other); a grid worker verifies only inside their unit.

Hazards (发现 -> 整改中 -> 已整改 -> 已复核, and 超期)::

    found       -> rectifying, rectified             inspector, department
    found       -> overdue                           inspector    (督办: escalate)
    rectifying  -> rectified                         inspector, department
    rectifying  -> overdue                           inspector
    overdue     -> rectifying, rectified             inspector, department
    rectified   -> verified, rectifying              inspector    复核 / 复核不合格
"""

from __future__ import annotations

from gridmap.access import Op
from gridmap.domain import LIFECYCLES, HazardStatus, IssueStatus, Lifecycle, Role

Step = tuple[str, str]

_I = IssueStatus
_H = HazardStatus
_COMMANDER = frozenset({Role.COMMANDER})
_DEPARTMENT = frozenset({Role.DEPARTMENT})
_VERIFIERS = frozenset({Role.GRID_WORKER, Role.COMMANDER})
_INSPECTOR = frozenset({Role.INSPECTOR})
_RECTIFIERS = frozenset({Role.INSPECTOR, Role.DEPARTMENT})



def _table(rows: dict[tuple[IssueStatus, IssueStatus], frozenset[Role]]
           | dict[tuple[HazardStatus, HazardStatus], frozenset[Role]]) -> dict[Step, frozenset[Role]]:
    return {(str(a), str(b)): roles for (a, b), roles in rows.items()}

ISSUE_STEPS: dict[Step, frozenset[Role]] = _table({
    (_I.REPORTED, _I.ACCEPTED): _COMMANDER,
    (_I.REPORTED, _I.DUPLICATE): _COMMANDER,
    (_I.REPORTED, _I.INVALID): _COMMANDER,
    (_I.ACCEPTED, _I.DISPATCHED): _COMMANDER,
    (_I.ACCEPTED, _I.DUPLICATE): _COMMANDER,
    (_I.ACCEPTED, _I.INVALID): _COMMANDER,
    (_I.RETURNED, _I.DISPATCHED): _COMMANDER,
    (_I.RETURNED, _I.INVALID): _COMMANDER,
    (_I.DISPATCHED, _I.IN_PROGRESS): _DEPARTMENT,
    (_I.DISPATCHED, _I.RETURNED): _DEPARTMENT,
    (_I.IN_PROGRESS, _I.RESOLVED): _DEPARTMENT,
    (_I.IN_PROGRESS, _I.RETURNED): _DEPARTMENT,
    (_I.RESOLVED, _I.VERIFIED): _VERIFIERS,
    (_I.RESOLVED, _I.IN_PROGRESS): _VERIFIERS,
    (_I.VERIFIED, _I.CLOSED): _COMMANDER,
})

HAZARD_STEPS: dict[Step, frozenset[Role]] = _table({
    (_H.FOUND, _H.RECTIFYING): _RECTIFIERS,
    (_H.FOUND, _H.RECTIFIED): _RECTIFIERS,
    (_H.FOUND, _H.OVERDUE): _INSPECTOR,
    (_H.RECTIFYING, _H.RECTIFIED): _RECTIFIERS,
    (_H.RECTIFYING, _H.OVERDUE): _INSPECTOR,
    (_H.OVERDUE, _H.RECTIFYING): _RECTIFIERS,
    (_H.OVERDUE, _H.RECTIFIED): _RECTIFIERS,
    (_H.RECTIFIED, _H.VERIFIED): _INSPECTOR,
    (_H.RECTIFIED, _H.RECTIFYING): _INSPECTOR,
})

# Layer -> who may make each of its steps.
STEPS: dict[str, dict[Step, frozenset[Role]]] = {"issues": ISSUE_STEPS, "inspections": HAZARD_STEPS}
# Layer -> the operation a step needs, and the one a new row needs.
STEP_OP: dict[str, Op] = {"issues": Op.HANDLE_ISSUE, "inspections": Op.UPDATE_INSPECTION}
CREATE_OP: dict[str, Op] = {"issues": Op.REPORT_ISSUE, "inspections": Op.RECORD_INSPECTION}
# The steps that route an issue (and may name another department).
DISPATCH_STEPS: frozenset[Step] = frozenset({(str(_I.ACCEPTED), str(_I.DISPATCHED)),
                                             (str(_I.RETURNED), str(_I.DISPATCHED))})


def roles_for(lifecycle: Lifecycle, current: str, target: str) -> frozenset[Role]:
    """The roles that may make the step ``current -> target`` (empty when nobody may)."""
    return STEPS[lifecycle.layer].get((str(current), str(target)), frozenset())


def lifecycle_of(layer_name: str) -> Lifecycle:
    """The lifecycle of ``issues`` or ``inspections``."""
    return LIFECYCLES[layer_name]


__all__ = ["CREATE_OP", "DISPATCH_STEPS", "HAZARD_STEPS", "ISSUE_STEPS", "STEPS", "STEP_OP", "Step",
           "lifecycle_of", "roles_for"]
