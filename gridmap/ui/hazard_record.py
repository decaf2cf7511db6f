"""Recording a hazard and moving it along its rectification steps, with its history.

- :func:`record_form` -- 登记隐患: the position from a map click, the browser's GPS
  (the map's locate button reports the fix as a click) or the photo's EXIF position
  (read by :func:`gridmap.uploads.accept_upload`, which strips the metadata); place
  type, hazard types, severity (the deadline follows from it), address, inspector, a
  note and a photo. One call to :func:`gridmap.workflow.record_inspection`.
- :func:`detail_panel` -- one hazard: what, where, when due, its history (a
  timeline), and one button per step the user may take now
  (:func:`gridmap.workflow.allowed_steps`), each with a note and optionally a photo
  (the step form the issue page uses too, :mod:`gridmap.ui.step_form`);
  :func:`gridmap.workflow.transition_hazard` refuses an illegal or stale step and the
  refusal is shown in words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from gridmap.access import Op, Session
from gridmap.domain import HAZARD_DEADLINE_DAYS, HazardType, PlaceType, Severity
from gridmap.i18n import label, t
from gridmap.photos import PhotoRef, photo_bytes, photos_of
from gridmap.store import StoreError
from gridmap.text import escape_markdown
from gridmap.ui.hazards import PICK_KEY, SELECTED_KEY, changed
from gridmap.ui.step_form import PHOTO_TYPES, StepFields, accepted_photos, draw_fields, make_step, read_fields
from gridmap.ui.text import fmt_datetime
from gridmap.uploads import Upload
from gridmap.workflow import (
    WorkflowError,
    allowed_steps,
    hazard_deadline,
    record_inspection,
    transition_hazard,
)
from gridmap.workflow.clock import hazard_overdue

RECORD_FORM = "hz_record"
MESSAGE_KEY = "hz_message"  # (kind, text) shown once after a write
PHOTO_POSITION = "photo"
DETAIL_LIMIT = 500  # hazards offered in the detail picker (the newest of the filter)


def show_message() -> None:
    """The outcome of the last write (kept across the rerun that follows it)."""
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text, icon=":material/check_circle:" if kind == "ok"
                                                    else ":material/error:")


def record_form(session: Session, lang: str, now: dt.datetime) -> None:
    """The form that records a new hazard (for roles that may: inspectors, grid workers)."""
    if not session.can(Op.RECORD_INSPECTION):
        st.info(t("hazards.record.not_allowed", lang, role=label("role", session.user.role, lang)),
                icon=":material/info:")
        return
    pick = st.session_state.get(PICK_KEY)
    if pick:
        st.caption(t("hazards.record.picked", lang, lon=f"{pick[0]:.6f}", lat=f"{pick[1]:.6f}",
                     source=t(f"hazards.record.source.{pick[2]}", lang)))
    else:
        st.caption(t("hazards.record.pick_hint", lang))
    st.caption(t("hazards.record.deadlines", lang, **{s: HAZARD_DEADLINE_DAYS[Severity(s)] for s in
                                                     ("high", "medium", "low")}))
    with st.form(RECORD_FORM, clear_on_submit=False, border=True):
        c1, c2 = st.columns(2)
        place = c1.selectbox(t("hazards.record.place", lang), [str(p) for p in PlaceType], key="hz_rec_place",
                             format_func=lambda p: label("place", p, lang))
        severity = c2.selectbox(t("hazards.record.severity", lang), [str(s) for s in Severity], index=1,
                                key="hz_rec_severity", format_func=lambda s: label("severity", s, lang))
        types = st.multiselect(t("hazards.record.types", lang), [str(h) for h in HazardType], key="hz_rec_types",
                               format_func=lambda h: label("hazard", h, lang),
                               placeholder=t("hazards.record.types_placeholder", lang), select_all=False)
        address = st.text_input(t("hazards.record.address", lang), key="hz_rec_address", max_chars=200)
        inspector = st.text_input(t("hazards.record.inspector", lang), key="hz_rec_inspector",
                                  value=session.user.display_name or session.user.username, max_chars=64)
        note = st.text_area(t("hazards.record.note", lang), key="hz_rec_note", max_chars=1000, height=80)
        photo = st.file_uploader(t("hazards.record.photo", lang), type=PHOTO_TYPES, key="hz_rec_photo")
        use_photo = st.checkbox(t("hazards.record.use_photo_position", lang), key="hz_rec_use_photo")
        submitted = st.form_submit_button(t("hazards.record.submit", lang), type="primary",
                                          icon=":material/add_location_alt:", key="hz_rec_submit")
    if not submitted:
        return
    uploads, refused = accepted_photos([photo] if photo is not None else [], lang)
    if refused:
        st.error(escape_markdown(refused[0]), icon=":material/error:")
        return
    upload = uploads[0] if uploads else None
    position = _position(upload, bool(use_photo), pick, lang)
    if position is None:
        return
    try:
        row = record_inspection(session, place_type=str(place), hazard_types=list(types), severity=str(severity),
                                lon=position[0], lat=position[1], inspector=(inspector or "").strip() or None,
                                note=note or None, address=address or None,
                                photos=[upload] if upload is not None else None)
    except WorkflowError as exc:
        st.error(exc.text(lang), icon=":material/error:")
        return
    except StoreError as exc:
        st.error(t("hazards.store_failed", lang, detail=escape_markdown(str(exc))), icon=":material/error:")
        return
    changed()
    st.session_state.pop(PICK_KEY, None)
    st.session_state[SELECTED_KEY] = str(row["id"])
    st.session_state[MESSAGE_KEY] = ("ok", t("hazards.record.done", lang, id=row["id"],
                                             deadline=fmt_datetime(str(row["deadline"])),
                                             expected=fmt_datetime(str(hazard_deadline(str(severity), now)))))
    st.rerun()


def _position(upload: Upload | None, use_photo: bool, pick: Any, lang: str) -> tuple[float, float] | None:
    if use_photo:
        if upload is None:
            st.error(t("hazards.record.no_photo", lang), icon=":material/error:")
            return None
        if upload.gps is None:
            st.error(t("hazards.record.photo_without_gps", lang, name=escape_markdown(upload.original_name)),
                     icon=":material/error:")
            return None
        return (float(upload.gps.lon), float(upload.gps.lat))
    if not pick:
        st.error(t("hazards.record.no_position", lang), icon=":material/error:")
        return None
    return (float(pick[0]), float(pick[1]))


# --------------------------------------------------------------------------- one hazard


def detail_panel(session: Session, rows: gpd.GeoDataFrame, everything: gpd.GeoDataFrame, lang: str,
                 now: dt.datetime) -> None:
    """Pick a hazard (or click it on the map): its facts, history and next steps."""
    chosen = st.session_state.get(SELECTED_KEY)
    ordered = rows.sort_values(["found_at", "id"], ascending=[False, True]).head(DETAIL_LIMIT)
    options = ordered["id"].astype(str).tolist()
    if chosen and chosen not in options and chosen in set(everything["id"].astype(str)):
        options.insert(0, chosen)
    if not options:
        st.info(t("hazards.detail.none", lang), icon=":material/info:")
        return
    by_id = everything.set_index(everything["id"].astype(str))
    if st.session_state.get("hz_detail_pick") not in options:
        st.session_state["hz_detail_pick"] = chosen if chosen in options else options[0]
    picked = st.selectbox(t("hazards.detail.pick", lang), options, key="hz_detail_pick",
                          format_func=lambda i: _title(by_id.loc[i], lang))
    st.session_state[SELECTED_KEY] = picked
    row = by_id.loc[picked]
    late = bool(hazard_overdue(pd.DataFrame([row.to_dict()]), now).iloc[0])
    facts = [
        (t("hazards.detail.status", lang), label("hazard_status", str(row["status"]), lang)
         + (f" · {t('hazards.detail.late', lang)}" if late else "")),
        (t("hazards.detail.types", lang), "、".join(label("hazard", str(h), lang) for h in _list(row["hazard_types"]))),
        (t("hazards.detail.place", lang), label("place", str(row["place_type"]), lang)),
        (t("hazards.detail.severity", lang), label("severity", str(row["severity"]), lang)),
        (t("hazards.detail.found_at", lang), fmt_datetime(str(row["found_at"]))),
        (t("hazards.detail.deadline", lang), fmt_datetime(str(row["deadline"])) if pd.notna(row["deadline"]) else "—"),
        (t("hazards.detail.inspector", lang), str(row["inspector"]) if pd.notna(row["inspector"]) else "—"),
        (t("hazards.detail.address", lang), str(row.get("address")) if pd.notna(row.get("address")) else "—"),
        (t("hazards.detail.micro", lang), str(row["micro_code"]) if pd.notna(row["micro_code"]) else "—"),
    ]
    st.markdown("  \n".join(f"**{escape_markdown(k)}**：{escape_markdown(v)}" for k, v in facts))
    timeline(session, str(picked), row, lang)
    steps_form(session, row.to_dict() | {"id": str(picked)}, lang)


def _title(row: pd.Series, lang: str) -> str:
    types = "、".join(label("hazard", str(h), lang) for h in _list(row["hazard_types"]))
    return (f"{fmt_datetime(str(row['found_at']))[:16]} · {label('hazard_status', str(row['status']), lang)} · "
            f"{types} · {row.name}")


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def timeline(session: Session, hazard_id: str, row: pd.Series, lang: str) -> None:
    """The hazard's history, oldest first: who, when, from, to, why."""
    events = session.read("inspection_events", where={"inspection_id": hazard_id},
                          columns=["id", "at", "actor", "from_status", "to_status", "note"])
    st.markdown(f"**{t('hazards.detail.timeline', lang)}**")
    if events.empty:
        st.caption(t("hazards.detail.no_history", lang, found=fmt_datetime(str(row["found_at"]))))
        return
    events = events.sort_values(["at", "id"])
    pictures: dict[str | None, list[PhotoRef]] = {}
    for ref in photos_of(session, "inspections", hazard_id):
        pictures.setdefault(ref.event_id, []).append(ref)
    for e in events.itertuples(index=False):
        step = label("hazard_status", str(e.to_status), lang)
        if isinstance(e.from_status, str) and e.from_status:
            step = f"{label('hazard_status', e.from_status, lang)} → {step}"
        note = f" — {escape_markdown(str(e.note))}" if isinstance(e.note, str) and e.note else ""
        st.markdown(f"- {escape_markdown(fmt_datetime(str(e.at)))} · {escape_markdown(str(e.actor))} · "
                    f"{escape_markdown(step)}{note}")
        _photos(session, pictures.pop(str(e.id), []), lang)
    _photos(session, [p for refs in pictures.values() for p in refs], lang)


def _photos(session: Session, refs: list[PhotoRef], lang: str) -> None:
    """Thumbnails of a step's photos (each read through the session)."""
    if not refs:
        return
    cols = st.columns(min(len(refs), 4))
    for i, ref in enumerate(refs):
        try:
            data, _media = photo_bytes(session, ref.id)
        except WorkflowError:
            continue
        cols[i % len(cols)].image(data, width=140, caption=t("hazards.detail.photo_by", lang,
                                                               who=ref.uploaded_by))


def steps_form(session: Session, row: dict[str, Any], lang: str) -> None:
    """One button per step the user may take now, with a note (and a photo)."""
    steps = allowed_steps(session, row, "inspections")
    if not steps:
        st.caption(t("hazards.detail.no_steps", lang, role=label("role", session.user.role, lang)))
        return
    fields = StepFields("hz_step_note", "hz_step_photo", t("hazards.detail.note", lang), t("hazards.detail.photo", lang),
                        several_photos=False, note_height=None, note_max_chars=1000)
    with st.form("hz_step", border=True):
        draw_fields(fields)
        cols = st.columns(len(steps))
        pressed = None
        for col, step in zip(cols, steps, strict=True):
            if col.form_submit_button(t("hazards.detail.step", lang, status=label("hazard_status", step, lang)),
                                      key=f"hz_step_{step}"):
                pressed = step
    if pressed is None:
        return
    outcome = make_step(lambda e: transition_hazard(session, str(row["id"]), pressed, note=e.note,
                                                    photos=e.photos or None),
                        read_fields(fields, lang), lang, store_key="hazards.store_failed")
    if not outcome.ok:
        st.error(outcome.message, icon=":material/block:" if outcome.kind == "workflow" else ":material/error:")
        if outcome.kind == "workflow":
            changed()  # someone else moved it: show its status as it is now
        return
    changed()
    st.session_state[MESSAGE_KEY] = ("ok", t("hazards.detail.stepped", lang, id=row["id"],
                                             status=label("hazard_status", pressed, lang)))
    st.rerun()


__all__ = ["detail_panel", "record_form", "show_message", "steps_form", "timeline"]
