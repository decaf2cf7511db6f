"""总览 / Overview: what the store holds, how current it is, counts per level and layer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.i18n import label, t
from gridmap.summary import layer_counts, mask_url

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.VIEW_MAP, lang, store)
st.title(t("overview.title", lang))

backend = t(f"store.backend.{session.backend}", lang)
st.caption(t("store.caption", lang, url=f"`{ui.escape_markdown(mask_url(session.store_url))}`", backend=backend))

county = session.scope.county_code
if not session.count("units"):
    st.info(f"{t('store.empty', lang)}\n\n{t('store.empty_hint', lang)}", icon=":material/info:")
    st.stop()

info = layer_counts(session)
county_label = ui.escape_markdown(info["county_name"] or t("common.unknown", lang))
st.markdown(t("overview.county", lang, name=county_label, code=county))
st.caption(" · ".join([
    t("overview.as_of", lang, as_of=ui.escape_markdown(ui.fmt_datetime(info["as_of"]))) if info["as_of"]
    else t("overview.as_of_unknown", lang),
    t("overview.plan_version", lang, version=info["plan_version"]),
]))
if info["approximate_units"]:
    st.info(t("overview.approximate_note", lang), icon=":material/info:")

layers = {name: n for name, n in info["layers"].items() if n is not None}  # layers this role may read
metrics = [("overview.metric.micro", info["levels"]["micro"]),
           ("overview.metric.households", layers.get("households")),
           ("overview.metric.issues", layers["issues"]),
           ("overview.metric.stations", layers["stations"])]
for column, (key, value) in zip(st.columns(len(metrics)), metrics, strict=True):
    column.metric(t(key, lang), ui.fmt_count(value))

left, right = st.columns(2)
with left:
    st.subheader(t("overview.levels", lang))
    st.table(pd.DataFrame({
        t("overview.col.level", lang): [label("level", lvl, lang) for lvl in info["levels"]],
        t("overview.col.count", lang): [ui.fmt_count(n) for n in info["levels"].values()],
    }).set_index(t("overview.col.level", lang)))
with right:
    st.subheader(t("overview.layers", lang))
    st.table(pd.DataFrame({
        t("overview.col.layer", lang): [label("layer", name, lang) for name in layers],
        t("overview.col.count", lang): [ui.fmt_count(n) for n in layers.values()],
    }).set_index(t("overview.col.layer", lang)))
