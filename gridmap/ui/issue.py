"""An issue's page (事件详情): details, photos, the full history as a timeline, and the
step buttons the user may press (issue 12).

Also the parts other closed-loop pages share: :func:`accepted_photos` (every uploaded
picture through :func:`gridmap.uploads.accept_upload`, refusals in words; it lives in
:mod:`gridmap.ui.step_form` with the step form both this page and the hazard page use),
:func:`open_issue` (go to an issue's page), :func:`status_text` and :func:`flash`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gridmap.access import Session
from gridmap.domain import DEPARTMENTS, ISSUE_LIFECYCLE, IssueStatus
from gridmap.i18n import label, t
from gridmap.photos import photo_bytes, photos_of
from gridmap.store import StoreError
from gridmap.ui.step_form import StepFields, accepted_photos, draw_fields, make_step, read_fields
from gridmap.ui.text import escape_markdown, fmt_datetime
from gridmap.uploads import UploadRejected
from gridmap.workflow import WorkflowError, allowed_steps, issue_history, transition_issue
from gridmap.workflow.duplicates import duplicate_candidates
from gridmap.workflow.queues import ISSUE_COLUMNS

ISSUE_KEY = "issue_id"  # the issue the issue page shows (also ?id= in its address)
FLASH_KEY = "issue_flash"
ISSUE_PAGE = "pages/issue.py"

_STEP_ICONS = {"accepted": ":material/inbox:", "dispatched": ":material/send:", "in_progress": ":material/build:",
               "resolved": ":material/task_alt:", "verified": ":material/fact_check:", "closed": ":material/lock:",
               "returned": ":material/undo:", "duplicate": ":material/content_copy:", "invalid": ":material/block:"}


# --------------------------------------------------------------------------- shared parts


def status_text(status: Any, lang: str) -> str:
    return label("issue_status", str(status), lang) if isinstance(status, str) else "—"


def step_label(current: str, target: str, lang: str) -> str:
    """The button of a step: its verb in the closed loop (受理, 派遣, 办结, 核查, 结案, ...)."""
    special = f"issue.step.{current}.{target}"
    try:
        return t(special, lang)
    except KeyError:
        return t(f"issue.step.{target}", lang)


def flash(message: str, kind: str = "success") -> None:
    """A message shown once at the top of the next run (after ``st.rerun``)."""
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    found = st.session_state.pop(FLASH_KEY, None)
    if found:
        kind, message = found
        (st.success if kind == "success" else st.error if kind == "error" else st.info)(
            message, icon=":material/check_circle:" if kind == "success" else ":material/error:")


def open_issue(issue_id: str) -> None:
    """Go to the issue's page."""
    st.session_state[ISSUE_KEY] = str(issue_id)
    st.switch_page(ISSUE_PAGE, query_params={"id": str(issue_id)})


def refusal(exc: Exception, lang: str) -> str:
    """A refused step or report in words (the workflow's own message when it has one)."""
    if isinstance(exc, WorkflowError):
        return exc.text(lang)
    if isinstance(exc, UploadRejected):
        return exc.text(lang)
    return t("issue.store_refused", lang, detail=escape_markdown(str(exc)))


# --------------------------------------------------------------------------- the page


def chosen_issue(session: Session, lang: str) -> pd.Series | None:
    """The issue named by ``?id=`` or the session, as the user may see it; a picker otherwise."""
    wanted = st.query_params.get("id") or st.session_state.get(ISSUE_KEY)
    typed = st.text_input(t("issue.pick", lang), value=str(wanted or ""), key="issue_pick", max_chars=64).strip()
    if not typed:
        st.info(t("issue.pick_hint", lang), icon=":material/info:")
        return None
    rows = session.read("issues", where={"id": typed}, columns=ISSUE_COLUMNS)
    if rows.empty:
        st.warning(t("issue.not_found", lang, id=escape_markdown(typed)), icon=":material/search_off:")
        return None
    st.session_state[ISSUE_KEY] = typed
    row = rows.iloc[0].copy()
    row["lon"], row["lat"] = rows.geometry.iloc[0].x, rows.geometry.iloc[0].y
    return row


def details(row: pd.Series, lang: str) -> None:
    """The issue's facts: status, category, department, deadline, position, description."""
    st.subheader(f"{label('category', str(row['category']), lang)} · {status_text(row['status'], lang)}")
    facts = [
        (t("issue.col.id", lang), f"`{row['id']}`"),
        (t("issue.col.department", lang), label("department", str(row["department"]), lang)
         if isinstance(row["department"], str) else "—"),
        (t("issue.col.reported_at", lang), fmt_datetime(row["reported_at"])),
        (t("issue.col.deadline", lang), fmt_datetime(row["deadline"]) if pd.notna(row["deadline"]) else "—"),
        (t("issue.col.channel", lang), label("channel", str(row["channel"]), lang)
         if isinstance(row["channel"], str) else "—"),
        (t("issue.col.reporter", lang), escape_markdown(str(row["reporter"] or "—"))),
        (t("issue.col.where", lang), t("issue.outside", lang) if bool(row["outside"]) else
         escape_markdown(str(row["micro_code"]))),
        (t("issue.col.position", lang), f"{row['lon']:.6f}, {row['lat']:.6f}"),
    ]
    st.markdown("  \n".join(f"**{k}**: {v}" for k, v in facts))
    if pd.notna(row.get("escalated_at")):
        st.warning(t("issue.escalated", lang, at=fmt_datetime(row["escalated_at"])), icon=":material/campaign:")
    if isinstance(row.get("duplicate_of"), str) and row["duplicate_of"]:
        st.info(t("issue.duplicate_of", lang, id=escape_markdown(str(row["duplicate_of"]))),
                icon=":material/content_copy:")
    if isinstance(row["description"], str) and row["description"]:
        st.markdown(f"**{t('issue.col.description', lang)}**")
        st.text(row["description"])


def timeline(session: Session, row: pd.Series, lang: str) -> None:
    """Every history row: who, when, from -> to, note, and the photos of that step."""
    st.subheader(t("issue.timeline", lang))
    events = issue_history(session, str(row["id"]))
    photos = photos_of(session, "issues", str(row["id"]))
    by_event: dict[str | None, list[Any]] = {}
    for ref in photos:
        by_event.setdefault(ref.event_id, []).append(ref)
    for event in events.to_dict("records"):
        start, end = event["from_status"], event["to_status"]
        if not isinstance(start, str):
            head = t("issue.event.created", lang, to_status=status_text(end, lang))
        elif start == end:
            head = t("issue.event.note", lang, status=status_text(end, lang))
        else:
            head = t("issue.event.step", lang, from_status=status_text(start, lang), to_status=status_text(end, lang))
        box = st.container(border=True)
        box.markdown(f"**{head}** · {fmt_datetime(event['at'])} · {escape_markdown(str(event['actor']))}")
        if isinstance(event["note"], str) and event["note"]:
            box.text(event["note"])
        show_photos(session, by_event.get(str(event["id"]), []), box)
    loose = by_event.get(None, [])
    if loose:
        show_photos(session, loose, st.container(border=True))


def show_photos(session: Session, refs: list[Any], where: Any) -> None:
    if not refs:
        return
    columns = where.columns(min(len(refs), 4))
    for i, ref in enumerate(refs):
        try:
            data, _ = photo_bytes(session, ref.id)
        except StoreError:
            continue
        columns[i % len(columns)].image(data, caption=ref.name or None, width="stretch")


_ASIDE = frozenset({str(IssueStatus.RETURNED), str(IssueStatus.DUPLICATE), str(IssueStatus.INVALID)})


def forward_first(current: str, steps: list[str]) -> list[str]:
    """The steps with the loop's next one first (核查通过 before 核查不通过, 派遣 before 无效)."""
    order = ISSUE_LIFECYCLE.statuses
    here = order.index(current) if current in order else 0
    return sorted(steps, key=lambda s: (s in _ASIDE or order.index(s) < here, order.index(s)))


def step_panel(session: Session, row: pd.Series, lang: str) -> None:
    """The steps the user may make now, each with a note and optionally photos."""
    steps = forward_first(str(row["status"]), allowed_steps(session, row.to_dict(), "issues"))
    st.subheader(t("issue.steps", lang))
    if not steps:
        st.caption(t("issue.no_steps", lang, status=status_text(row["status"], lang)))
        return
    current = str(row["status"])
    issue_id = str(row["id"])
    target = st.radio(t("issue.step_choice", lang), steps, key=f"step_{issue_id}_{current}", horizontal=True,
                      format_func=lambda s: step_label(current, s, lang))
    keys = {"department": f"step_dept_{issue_id}", "pick": f"dup_pick_{issue_id}", "typed": f"dup_id_{issue_id}"}
    fields = StepFields(f"step_note_{issue_id}_{current}", f"step_photos_{issue_id}_{current}",
                        t("issue.step_note", lang), t("issue.step_photos", lang))

    def between() -> None:
        if target == str(IssueStatus.DISPATCHED):
            routed = str(row["department"]) if isinstance(row["department"], str) else DEPARTMENTS[0]
            st.selectbox(t("issue.step_department", lang), DEPARTMENTS, key=keys["department"],
                         index=DEPARTMENTS.index(routed) if routed in DEPARTMENTS else 0,
                         format_func=lambda d: label("department", d, lang))
        if target == str(IssueStatus.DUPLICATE):
            duplicate_picker(session, row, lang, keys["pick"], keys["typed"])

    draw_fields(fields, between)
    # The step is made in the button's callback with what this page showed (the status it
    # was in, the step picked): a page gone stale meanwhile gets the workflow's words.
    st.button(step_label(current, target, lang), key=f"step_go_{issue_id}", type="primary",
              icon=_STEP_ICONS.get(target), on_click=_make_step,
              args=(session, issue_id, current, target, fields, keys, lang))


def _make_step(session: Session, issue_id: str, current: str, target: str, fields: StepFields,
               keys: dict[str, str], lang: str) -> None:
    state = st.session_state
    department = state.get(keys["department"]) if target == str(IssueStatus.DISPATCHED) else None
    link = None
    if target == str(IssueStatus.DUPLICATE):
        link = str(state.get(keys["pick"]) or "") or str(state.get(keys["typed"]) or "").strip() or None
    entry = read_fields(fields, lang)
    if not entry.refused:  # refused photos are named first, below; a stale page before the step
        now_status = session.read("issues", where={"id": issue_id}, columns=["id", "status"])
        if len(now_status) and str(now_status["status"].iloc[0]) != current:
            flash(t("issue.moved_on", lang, id=issue_id, shown=status_text(current, lang),
                    status=status_text(str(now_status["status"].iloc[0]), lang)), "error")
            return
    outcome = make_step(lambda e: transition_issue(session, issue_id, target, note=e.note, department=department,
                                                   duplicate_of=link, photos=e.photos or None), entry, lang)
    if not outcome.ok:
        flash(outcome.message, "error")
        return
    flash(t("issue.stepped", lang, id=issue_id, to_status=status_text(target, lang)))


def duplicate_picker(session: Session, row: pd.Series, lang: str, pick_key: str, typed_key: str) -> None:
    """The open issue this one repeats: the nearby candidates, or an id typed in."""
    near = duplicate_candidates(session, str(row["category"]), float(row["lon"]), float(row["lat"]))
    near = near[near["id"].astype(str) != str(row["id"])]
    options = [*near["id"].astype(str), ""]
    names = {str(r["id"]): t("issue.candidate", lang, id=str(r["id"]), metres=f"{r['distance_m']:.0f}",
                              at=fmt_datetime(r["reported_at"]), status=status_text(r["status"], lang))
             for r in near.to_dict("records")}
    names[""] = t("issue.candidate_typed", lang)
    pick = st.radio(t("issue.duplicate_pick", lang), options, key=pick_key, format_func=lambda i: names[i])
    if not pick:
        st.text_input(t("issue.duplicate_id", lang), key=typed_key, max_chars=64)


def issue_page(session: Session, lang: str) -> None:
    """The whole page: the issue picked, its details and photos, steps, and timeline."""
    show_flash()
    row = chosen_issue(session, lang)
    if row is None:
        return
    left, right = st.columns([3, 2])
    with left:
        details(row, lang)
        timeline(session, row, lang)
    with right:
        step_panel(session, row, lang)
        if str(row["status"]) in ISSUE_LIFECYCLE.terminal:
            st.caption(t("issue.final", lang))


__all__ = ["ISSUE_KEY", "accepted_photos", "flash", "issue_page", "open_issue", "refusal", "show_flash",
           "status_text", "step_label"]
