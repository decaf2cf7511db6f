"""The stations page's visits tab (督查走访): commanders and admins record a visit where they
stand (the distance to the station shown before saving, a far one flagged), and everyone sees
the history of the visits in view, with their photos."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from gridmap.access import Op
from gridmap.domain import VISIT_CHECKLIST
from gridmap.i18n import t
from gridmap.photos import PhotoRef, photos_by_owner
from gridmap.settings import get_settings
from gridmap.stations import distance_m, record_visit
from gridmap.store.base import StoreError
from gridmap.ui.issue import show_photos
from gridmap.ui.stations import Stations, joined, picked, refusal, say, station_picker
from gridmap.ui.text import escape_markdown, fmt_datetime
from gridmap.uploads import UploadRejected, accept_upload
from gridmap.workflow.errors import WorkflowError

PHOTO_VISITS = 5  # visits whose photos are shown at once (older ones: pick one)
THUMB_COLUMNS = 6  # a visit's photos as thumbnails: up to 4 side by side, each a sixth of the page


def visit_form(data: Stations, lang: str) -> None:
    """Record a visit at the clicked point (commanders, admins); others see the history only."""
    session = data.session
    if not session.can(Op.RECORD_VISIT):
        st.caption(t("stations.visit.reader", lang))
        return
    station = station_picker(data, lang, include_closed=False, key="st_visit_pick")
    point = picked(lang)
    if station is None:
        return
    far_m = get_settings().visit_far_m
    if point is not None:
        metres = distance_m(point[0], point[1], station.geometry.x, station.geometry.y)
        text = t("stations.visit.distance", lang, m=f"{metres:,.0f}")
        if metres > far_m:
            st.warning(f"{text} {t('stations.visit.far_warning', lang, limit=far_m)}", icon=":material/warning:")
        else:
            st.caption(text)
    with st.form("st_visit_form"):
        st.markdown(f"**{t('stations.visit.checklist', lang)}**")
        checks = {item: st.checkbox(t(f"stations.check.{item}", lang), key=f"st_check_{item}")
                  for item in VISIT_CHECKLIST}
        follow = st.text_area(t("stations.visit.follow_up", lang), placeholder=t("stations.visit.follow_hint", lang),
                              key="st_follow", max_chars=2000)
        note = st.text_input(t("stations.visit.note", lang), key="st_note", max_chars=1000)
        files = st.file_uploader(t("stations.visit.photos", lang), type=["jpg", "jpeg", "png", "webp"],
                                 accept_multiple_files=True, key="st_photos")
        submitted = st.form_submit_button(t("stations.visit.record", lang), type="primary")
    if not submitted:
        return
    try:
        photos = [accept_upload(f.getvalue(), f.name, "image") for f in files or []]
    except UploadRejected as exc:
        st.error(exc.text(lang))
        return
    if point is None:  # no click: the position a photo carries (EXIF GPS, read before it was stripped)
        located = next((p.gps for p in photos if p.gps is not None), None)
        if located is None:
            st.error(t("stations.visit.no_position", lang))
            return
        point = (located.lon, located.lat)
        st.info(t("stations.visit.photo_gps", lang, lon=f"{point[0]:.6f}", lat=f"{point[1]:.6f}"))
    try:
        row = record_visit(session, str(station.name), lon=point[0], lat=point[1], checklist=checks,
                           follow_up=follow.splitlines(), note=note, photos=photos)
    except (WorkflowError, StoreError) as exc:
        st.error(refusal(exc, lang))
        return
    key = "stations.visit.saved_far" if row["far"] else "stations.visit.saved"
    text = t(key, lang, name=str(station["name"]), m=f"{row['distance_m']:,.0f}", limit=far_m)
    if row["photos"]:
        text += " " + t("stations.visit.photo_count", lang, n=len(row["photos"]))
    say("ok", text)
    st.rerun()


def visit_history(data: Stations, lang: str) -> None:
    """The visits in scope, newest first, and the photos of the latest visits that have some."""
    visits = data.visits
    if visits.empty:
        st.caption(t("stations.visit.none", lang))
        return
    names = dict(zip(data.stations["id"].astype(str), data.stations["name"].astype(str), strict=True))
    ordered = visits.sort_values("visited_at", ascending=False)
    photos = photos_by_owner(data.session, "station_visits")
    st.dataframe(pd.DataFrame({
        t("stations.col.visited_at", lang): pd.to_datetime(ordered["visited_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        t("stations.col.name", lang): ordered["station_id"].astype(str).map(names),
        t("stations.col.visitor", lang): ordered["visitor"],
        t("stations.col.distance", lang): ordered["distance_m"].round(0),
        t("stations.col.far", lang): [t("stations.yes" if f else "stations.no", lang) for f in ordered["far"]],
        t("stations.col.passed", lang): [f"{int(p)}/{int(n)}" if n == n and n else "—"
                                         for p, n in zip(ordered["passed"], ordered["items"], strict=True)],
        t("stations.col.follow_up", lang): [joined(f) for f in ordered["follow_up"]],
        t("stations.col.photos", lang): [len(photos.get(str(i), [])) for i in ordered["id"]],
    }), hide_index=True, width="stretch")
    with_photos = [row for row in ordered.to_dict("records") if photos.get(str(row["id"]))]
    if with_photos:
        _visit_photos(data, with_photos, photos, names, lang)


def _visit_photos(data: Stations, visits: list[dict[str, Any]], photos: dict[str, list[PhotoRef]],
                  names: dict[str, str], lang: str) -> None:
    """The newest visits with photos, one box each as the issue page's timeline shows a step;
    an older one is picked from a list."""
    st.markdown(f"**{t('stations.visit.photos_title', lang)}**")
    shown, older = visits[:PHOTO_VISITS], visits[PHOTO_VISITS:]
    if older:
        heads = {str(v["id"]): _visit_head(v, names, lang) for v in older}
        pick = st.selectbox(t("stations.visit.photos_older", lang, n=len(older)), [None, *heads], key="st_photo_pick",
                            format_func=lambda i: "—" if i is None else heads[i])
        if pick is not None:
            shown = [next(v for v in older if str(v["id"]) == pick), *shown]
    for visit in shown:
        box = st.container(border=True)
        box.markdown(escape_markdown(_visit_head(visit, names, lang)))
        show_photos(data.session, photos[str(visit["id"])], _Thumbnails(box))


class _Thumbnails:
    """A container whose ``columns(n)`` are the first ``n`` of :data:`THUMB_COLUMNS` equal
    columns: the issue timeline's photo grid (``show_photos``) drawn as thumbnails, one
    sixth of the page wide, however few photos a visit has."""

    def __init__(self, box: Any) -> None:
        self._box = box

    def columns(self, n: int) -> list[Any]:
        return list(self._box.columns(THUMB_COLUMNS))[:max(1, min(n, THUMB_COLUMNS))]


def _visit_head(visit: dict[str, Any], names: dict[str, str], lang: str) -> str:
    station = names.get(str(visit["station_id"]), str(visit["station_id"]))
    return t("stations.visit.photos_head", lang, name=station, at=fmt_datetime(visit["visited_at"]),
             visitor=str(visit["visitor"]))


__all__ = ["PHOTO_VISITS", "visit_form", "visit_history"]
