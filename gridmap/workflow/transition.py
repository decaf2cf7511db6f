"""One step of a lifecycle: :func:`transition_issue`, :func:`transition_hazard`, :func:`allowed_steps`.

A step is one transaction: the row is read ``for_update`` (so two people stepping the
same issue at once are serialised, and the second sees the first one's status), the
step is checked against the lifecycle (:data:`gridmap.domain.LIFECYCLES`) and the role
table (:mod:`gridmap.workflow.steps`), then the status, the times the step sets
(``closed_at``, ``rectified_at``), the routing (a dispatch may name the department) and
one history row are written together, each audited. A refused step writes nothing and
says why in words (:mod:`gridmap.workflow.errors`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from gridmap import photos as photo_store  # a module import: gridmap.photos imports this package's errors
from gridmap.access import GuardedTransaction, Session
from gridmap.domain import DEPARTMENTS, HAZARD_LIFECYCLE, ISSUE_LIFECYCLE, Lifecycle, Role
from gridmap.store.base import new_id, now
from gridmap.uploads import Upload
from gridmap.workflow.errors import BadInput, Coded, IllegalStep, RowNotFound, StepNotPermitted, Words, listed
from gridmap.workflow.steps import DISPATCH_STEPS, STEP_OP, lifecycle_of, roles_for

NOTE_LIMIT = 1000  # characters in a step's note


def transition_issue(session: Session, issue_id: str, to_status: str, *, note: str | None = None,
                     department: str | None = None, photos: Sequence[Upload] | None = None) -> dict[str, Any]:
    """Move an issue one step along its lifecycle.

    Args:
        session: Who acts (their role and jurisdiction decide what they may do).
        issue_id: The issue.
        to_status: The status to reach (:class:`~gridmap.domain.IssueStatus`).
        note: Why (shown in the issue's history).
        department: When dispatching (accepted or returned -> dispatched): the department
            to route to, if not the one the issue is routed to now. Its history follows.
        photos: Pictures of the step (e.g. the work done), each through
            :func:`gridmap.uploads.accept_upload`; kept with the step's history row.

    Returns:
        The issue's row after the step.

    Raises:
        IllegalStep: the lifecycle has no such step (e.g. reported -> closed).
        StepNotPermitted: the role may not make this step.
        RowNotFound: no such issue in the session's view (scope, department).
        BadInput: an unknown status or department, a note too long, a department given
            on a step that is not a dispatch, too many photos or one not checked.
    """
    return _transition(session, ISSUE_LIFECYCLE, issue_id, to_status, note=note, department=department,
                       photos=photos)


def transition_hazard(session: Session, inspection_id: str, to_status: str, *,
                      note: str | None = None, photos: Sequence[Upload] | None = None) -> dict[str, Any]:
    """Move a hazard one step along its lifecycle (see :func:`transition_issue`)."""
    return _transition(session, HAZARD_LIFECYCLE, inspection_id, to_status, note=note, department=None,
                       photos=photos)


def allowed_steps(session: Session, row: Mapping[str, Any], layer_name: str | None = None) -> list[str]:
    """The statuses ``session`` may move ``row`` to now, in lifecycle order (for buttons).

    Pure: decided from the row's ``status``, ``micro_code`` (and ``department``) as read,
    without a store call. The step itself re-checks everything on the locked row.

    Args:
        session: Who would act.
        row: An issue or inspection row (a dict or a pandas row).
        layer_name: ``"issues"`` or ``"inspections"``; guessed from the row's columns
            (``category`` or ``hazard_types``) when left out.
    """
    lifecycle = lifecycle_of(layer_name or _layer_of(row))
    if not session.can(STEP_OP[lifecycle.layer]) or not _in_view(session, lifecycle, row):
        return []
    current = str(row["status"])
    reachable = lifecycle.transitions.get(current, frozenset())
    return [s for s in lifecycle.statuses if s in reachable and _may(session, lifecycle, current, s)]


# --------------------------------------------------------------------------- the step


def _transition(session: Session, lifecycle: Lifecycle, row_id: str, to_status: str, *, note: str | None,
                department: str | None, photos: Sequence[Upload] | None) -> dict[str, Any]:
    target = _known_status(lifecycle, to_status)
    note = _checked_note(note)
    pictures = photo_store.check_photos(photos)
    if department is not None and department not in DEPARTMENTS:
        raise BadInput("workflow.unknown_department", department=department,
                       choices=listed(Coded("department", d) for d in DEPARTMENTS))
    op = STEP_OP[lifecycle.layer]
    if not session.can(op):
        # Say which step was refused: read the row as the session may see it.
        row = _row(session.read(lifecycle.layer, where={"id": str(row_id)}, columns=["id", "status"]),
                   lifecycle, row_id)
        _check_step(session, lifecycle, str(row_id), str(row["status"]), target)
    with session.write(op) as tx:
        row = _locked_row(tx, lifecycle, str(row_id))
        current = str(row["status"])
        _check_step(session, lifecycle, str(row_id), current, target)
        at = now().replace(microsecond=0)
        changes = _changes(lifecycle, row, current, target, department, at)
        event_id = new_id()
        event = {"id": event_id, "at": at, "actor": session.user.username, "from_status": current,
                 "to_status": target, "note": note}
        after = tx._step(lifecycle, str(row_id), changes, event)
        photo_store.attach(tx, lifecycle.layer, str(row_id), pictures, event_id=event_id)
        return after


def _locked_row(tx: GuardedTransaction, lifecycle: Lifecycle, row_id: str) -> Mapping[str, Any]:
    columns = ["id", "status", *sorted(c for c in lifecycle.columns if c != "status")]
    return _row(tx.read(lifecycle.layer, where={"id": row_id}, columns=columns, for_update=True), lifecycle, row_id)


def _row(frame: pd.DataFrame, lifecycle: Lifecycle, row_id: str) -> Mapping[str, Any]:
    if frame.empty:
        raise RowNotFound("workflow.not_found", thing=_thing(lifecycle), id=str(row_id))
    return frame.iloc[0].to_dict()


def _check_step(session: Session, lifecycle: Lifecycle, row_id: str, current: str, target: str) -> None:
    """Refuse an illegal step, then a step the role may not make."""
    words = {"thing": _thing(lifecycle), "id": row_id, "from_status": Coded(lifecycle.label_kind, current),
             "to_status": Coded(lifecycle.label_kind, target)}
    if current == target:
        raise IllegalStep("workflow.already", **words)
    if current in lifecycle.terminal:
        raise IllegalStep("workflow.final_status", **words)
    if not lifecycle.can_step(current, target):
        reachable = lifecycle.transitions.get(current, frozenset())
        raise IllegalStep("workflow.illegal_step", **words,
                          choices=listed(Coded(lifecycle.label_kind, s) for s in lifecycle.statuses if s in reachable))
    if not _may(session, lifecycle, current, target):
        roles = roles_for(lifecycle, current, target)
        who = listed(Coded("role", r) for r in Role if r in roles) if roles else Words("workflow.nobody")
        raise StepNotPermitted("workflow.step_not_permitted", **words, role=Coded("role", session.user.role),
                               who=who)


def _changes(lifecycle: Lifecycle, row: Mapping[str, Any], current: str, target: str, department: str | None,
             at: Any) -> dict[str, Any]:
    """The status, the times the step sets or clears, and the routing."""
    changes: dict[str, Any] = {"status": target}
    for column, set_it in lifecycle.stamps.get(target, {}).items():
        if set_it:
            changes[column] = at
        elif pd.notna(row.get(column)):
            changes[column] = None
    routing = lifecycle.routing
    dispatch = (current, target) in DISPATCH_STEPS
    if department is not None:
        if not dispatch or routing is None:
            raise BadInput("workflow.department_only_on_dispatch", from_status=Coded(lifecycle.label_kind, current),
                           to_status=Coded(lifecycle.label_kind, target))
        if department != row.get(routing):
            changes[routing] = department
    elif dispatch and routing is not None and not _present(row.get(routing)):
        raise BadInput("workflow.dispatch_needs_department", id=str(row["id"]))
    return changes


# --------------------------------------------------------------------------- helpers


def _may(session: Session, lifecycle: Lifecycle, current: str, target: str) -> bool:
    if session.user.system:
        return lifecycle.can_step(current, target)
    return session.user.role in roles_for(lifecycle, current, target)


def _in_view(session: Session, lifecycle: Lifecycle, row: Mapping[str, Any]) -> bool:
    """Whether the row lies in the session's jurisdiction (and, for a department, is its own)."""
    micro = row.get("micro_code")
    if not _present(micro):
        inside = session.scope.whole_county
    else:
        inside = str(micro).startswith(session.scope.prefix)
    if session.user.role == Role.DEPARTMENT and not session.user.system and lifecycle.routing:
        inside = inside and row.get(lifecycle.routing) == session.user.department
    return inside


def _known_status(lifecycle: Lifecycle, status: str) -> str:
    if str(status) not in lifecycle.transitions:
        raise BadInput("workflow.unknown_status", status=str(status), thing=_thing(lifecycle),
                       choices=listed(Coded(lifecycle.label_kind, s) for s in lifecycle.statuses))
    return str(status)


def _checked_note(note: str | None) -> str | None:
    if note is None:
        return None
    note = str(note).strip()
    if len(note) > NOTE_LIMIT:
        raise BadInput("workflow.note_too_long", n=len(note), limit=NOTE_LIMIT)
    return note or None


def _thing(lifecycle: Lifecycle) -> Words:
    return Words(f"workflow.thing.{lifecycle.layer}")


def _layer_of(row: Mapping[str, Any]) -> str:
    keys = set(row.keys())
    if "category" in keys:
        return "issues"
    if "hazard_types" in keys or "severity" in keys:
        return "inspections"
    raise ValueError("allowed_steps: say layer_name= ('issues' or 'inspections'); the row has neither "
                     "'category' nor 'hazard_types'")


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value is not pd.NA


__all__ = ["NOTE_LIMIT", "allowed_steps", "transition_hazard", "transition_issue"]
