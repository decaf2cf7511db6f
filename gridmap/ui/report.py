"""The report page (随手拍上报): a grid worker reports what they see; staff enter the
12345-hotline, citizen and people's-deputy reports (issue 12).

Position, in order of precedence: typed coordinates ("lon, lat"), a click on the map
or the map's locate button (the browser's GPS fix, reported as a click there:
:class:`gridmap.maps.LocateButton`, as on the hazard page), the GPS position in a
photo's EXIF (read by :func:`gridmap.uploads.accept_upload`).

Before saving, the open reports of the same category nearby and recent are offered
(:func:`gridmap.workflow.duplicates.duplicate_candidates`); picking one saves the
report as its duplicate, so the reporter follows the original in "my reports". The
point is placed on the server (:func:`gridmap.workflow.report_issue`): a point outside
every unit is kept and flagged (whole-county users only; a grid worker is told where
it lies).
"""

from __future__ import annotations

from typing import Any

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from gridmap.access import Session
from gridmap.domain import CATEGORIES, Channel, Level, Role
from gridmap.i18n import label, t
from gridmap.maps import LocateButton, TileSource, base_map, point_to_display, unit_layer, units_at_level
from gridmap.maps.features import feature_group
from gridmap.store import StoreError
from gridmap.ui.command import clicked_position
from gridmap.ui.issue import accepted_photos, flash, refusal, show_flash, status_text
from gridmap.ui.text import escape_markdown, fmt_datetime
from gridmap.workflow import WorkflowError, duplicate_candidates, report_issue

POS_KEY = "report_pos"  # (lon, lat, source)
CLICK_KEY = "report_last_click"
MAP_KEY = "report_map"
FORM_KEY = "report_form_round"  # bumped after a save: the widgets start empty
STAFF_CHANNELS = (Channel.HOTLINE, Channel.CITIZEN_PHOTO, Channel.DEPUTY, Channel.DEPARTMENT)


def channels_for(session: Session) -> list[str]:
    """A grid worker reports their own patrol; staff enter the other channels."""
    if session.user.role == Role.GRID_WORKER:
        return [str(Channel.GRID_PATROL)]
    return [str(c) for c in STAFF_CHANNELS] + [str(Channel.GRID_PATROL)]


def parse_position(text: str) -> tuple[float, float] | None:
    """``"120.41, 27.51"`` (longitude, latitude; comma, space or Chinese comma) -> numbers; None: unreadable."""
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p]
    if len(parts) != 2:
        return None
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        return None


def report_page(session: Session, tiles: TileSource, lang: str) -> None:
    show_flash()
    round_ = int(st.session_state.get(FORM_KEY, 0))
    left, right = st.columns([3, 2])
    with right:
        channel = st.selectbox(t("report.channel", lang), channels_for(session), key=f"report_channel_{round_}",
                               format_func=lambda c: label("channel", c, lang))
        category = st.selectbox(t("report.category", lang), list(CATEGORIES), key=f"report_category_{round_}",
                                format_func=lambda c: label("category", c, lang))
        reporter = None
        if channel != Channel.GRID_PATROL:
            reporter = st.text_input(t("report.reporter", lang), key=f"report_reporter_{round_}",
                                     help=t("report.reporter_help", lang)).strip() or None
        description = st.text_area(t("report.description", lang), key=f"report_description_{round_}", height=120)
        files = st.file_uploader(t("report.photos", lang), type=["jpg", "jpeg", "png", "webp"],
                                 accept_multiple_files=True, key=f"report_photos_{round_}")
        uploads, refused = accepted_photos(files, lang)
        for message in refused:
            st.error(message, icon=":material/image_not_supported:")
        typed = st.text_input(t("report.typed_position", lang), key=f"report_typed_{round_}",
                              placeholder="120.4105, 27.5123", help=t("report.typed_help", lang)).strip()
    position, problem = _position(typed, uploads)
    near = _candidates(session, category, position)
    with left:
        st.caption(t("report.map_hint", lang))
        _map(session, tiles, position, near, lang)
        if problem:
            st.error(problem if problem != "typed" else t("report.typed_bad", lang, text=escape_markdown(typed)),
                     icon=":material/wrong_location:")
        elif position is None:
            st.info(t("report.no_position", lang), icon=":material/location_searching:")
        else:
            lon, lat, source = position
            st.success(t(f"report.position.{source}", lang, lon=f"{lon:.6f}", lat=f"{lat:.6f}"),
                       icon=":material/location_on:")
    with right:
        duplicate_of = _duplicates(near, position, lang)
        if st.button(t("report.submit", lang), type="primary", key=f"report_submit_{round_}",
                     icon=":material/send:", disabled=bool(refused)):
            _submit(session, lang, category=category, channel=channel, reporter=reporter, description=description,
                    position=position, problem=problem, uploads=uploads, duplicate_of=duplicate_of)


def _position(typed: str, uploads: list[Any]) -> tuple[tuple[float, float, str] | None, str | None]:
    """The report's position and where it came from, or what is wrong with it."""
    if typed:
        parsed = parse_position(typed)
        if parsed is None:
            return None, "typed"
        return (parsed[0], parsed[1], "typed"), None
    clicked = st.session_state.get(POS_KEY)
    if clicked:
        return (float(clicked[0]), float(clicked[1]), "map"), None
    for upload in uploads:
        if upload.gps is not None:
            return (float(upload.gps.lon), float(upload.gps.lat), "photo"), None
    return None, None


def _map(session: Session, tiles: TileSource, position: tuple[float, float, str] | None, near: pd.DataFrame,
         lang: str) -> None:
    """The user's units; a click (or the locate button's GPS fix) sets the position, shown
    as a pin; the open reports offered as duplicates as orange circles."""
    level = Level.VILLAGE if session.scope.whole_county or session.scope.level == Level.TOWN else Level.MICRO
    units = units_at_level(session, level, columns=["code", "name", "level"])
    if units.empty:
        return
    minx, miny, maxx, maxy = (float(v) for v in units.total_bounds)
    from gridmap.command.view import fit_zoom

    fmap = base_map(((miny + maxy) / 2, (minx + maxx) / 2), zoom=fit_zoom((minx, miny, maxx, maxy), 700, 480),
                    tiles=tiles)
    fmap.add_child(LocateButton(t("report.locate", lang), t("report.locate_unavailable", lang), tiles,
                                key="reportlocate"), name="locate")
    layers = [unit_layer(units, tiles=tiles, lang=lang, key="reportunits", show_legend=False)]
    pin = feature_group("reportpin", t("report.pin", lang))
    if position is not None:
        lat, lon = point_to_display(position[1], position[0], tiles)
        folium.Marker((lat, lon), tooltip=t("report.pin", lang),
                      icon=folium.Icon(color="red", icon="info-sign")).add_to(pin)
    for r in near.to_dict("records"):
        lat, lon = point_to_display(float(r["lat"]), float(r["lon"]), tiles)
        folium.CircleMarker((lat, lon), radius=8, color="#e8710a", fill=True, fill_opacity=0.6,
                            tooltip=t("report.nearby_pin", lang, metres=f"{r['distance_m']:.0f}")).add_to(pin)
    layers.append(pin)
    result = st_folium(fmap, key=MAP_KEY, height=480, use_container_width=True, feature_group_to_add=layers,
                       returned_objects=["last_clicked"])
    clicked = (result or {}).get("last_clicked")
    if clicked and str(clicked) != st.session_state.get(CLICK_KEY):
        st.session_state[CLICK_KEY] = str(clicked)
        where = clicked_position(result, tiles)
        if where is not None:
            st.session_state[POS_KEY] = where
            st.rerun()


def _candidates(session: Session, category: str, position: tuple[float, float, str] | None) -> pd.DataFrame:
    """The open reports of the category near the position (none without a position)."""
    if position is None:
        return pd.DataFrame(columns=["id", "lon", "lat", "distance_m"])
    try:
        return duplicate_candidates(session, category, position[0], position[1])
    except (WorkflowError, StoreError, ValueError):  # a position outside China: no metric CRS
        return pd.DataFrame(columns=["id", "lon", "lat", "distance_m"])


def _duplicates(near: pd.DataFrame, position: tuple[float, float, str] | None, lang: str) -> str | None:
    """The open reports nearby offered as "the same thing"; the one picked, if any."""
    if position is None:
        return None
    if near.empty:
        st.caption(t("report.no_duplicates", lang))
        return None
    st.warning(t("report.duplicates", lang, n=len(near)), icon=":material/content_copy:")
    options = ["", *near["id"].astype(str)]
    names = {"": t("report.not_a_duplicate", lang)}
    for r in near.to_dict("records"):
        text = str(r["description"] or "")[:40]
        names[str(r["id"])] = t("report.candidate", lang, metres=f"{r['distance_m']:.0f}",
                                at=fmt_datetime(r["reported_at"]), status=status_text(r["status"], lang),
                                text=text or "—")
    pick = st.radio(t("report.same_as", lang), options, key="report_duplicate", format_func=lambda i: names[i])
    return str(pick) or None


def _submit(session: Session, lang: str, *, category: str, channel: str, reporter: str | None, description: str,
            position: tuple[float, float, str] | None, problem: str | None, uploads: list[Any],
            duplicate_of: str | None) -> None:
    if problem is not None or position is None:
        st.error(t("report.needs_position", lang), icon=":material/wrong_location:")
        return
    try:
        issue = report_issue(session, category=category, lon=position[0], lat=position[1],
                             description=description or None, channel=channel, reporter=reporter,
                             duplicate_of=duplicate_of, photos=uploads or None)
    except (WorkflowError, StoreError) as exc:
        st.error(refusal(exc, lang), icon=":material/block:")
        return
    key = "report.saved_duplicate" if duplicate_of else "report.saved_outside" if issue.get("outside") else \
        "report.saved"
    flash(t(key, lang, id=issue["id"], department=label("department", str(issue["department"]), lang),
            deadline=fmt_datetime(pd.Timestamp(issue["deadline"]).isoformat()) if issue.get("deadline") else "—",
            original=duplicate_of or ""))
    st.session_state.pop(POS_KEY, None)
    st.session_state.pop("report_duplicate", None)
    st.session_state[FORM_KEY] = int(st.session_state.get(FORM_KEY, 0)) + 1
    st.rerun()


__all__ = ["channels_for", "parse_position", "report_page"]
