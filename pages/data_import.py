"""数据导入 / Import data: point layers from files (Open311 GeoReport v2 requests among them).

Every upload passes :func:`gridmap.uploads.accept_upload`; the import is
:func:`gridmap.io.import_layer` (all or nothing, the report or the refusal in words).
An Open311 requests file is recognised from its content. Those who may export also get
the county's Open311 service list and requests here.
"""

from __future__ import annotations

import tempfile

import streamlit as st

from gridmap import ui
from gridmap.access import Op
from gridmap.domain import CATEGORIES
from gridmap.i18n import label, t
from gridmap.io import ImportRejected, import_layer, open311
from gridmap.store.base import StoreError
from gridmap.uploads import UploadRejected, accept_upload

LAYERS = ("issues", "households", "stations", "inspections")

lang = ui.current_language()
store = ui.store_or_stop(lang)
session = ui.page_session(Op.IMPORT_POINTS, lang, store)
st.title(t("dimport.title", lang))
st.caption(t("dimport.caption", lang))

layer = str(st.selectbox(t("dimport.layer", lang), LAYERS, key="dimport_layer",
                         format_func=lambda n: label("layer", n, lang)))
unknown = st.selectbox(t("dimport.unknown_category", lang), (None, *CATEGORIES), key="dimport_unknown",
                       disabled=layer != "issues", help=t("dimport.unknown_help", lang),
                       format_func=lambda c: t("dimport.refuse_unknown", lang) if c is None
                       else label("category", c, lang))
upload = st.file_uploader(t("dimport.file", lang), type=["json", "geojson", "csv", "gpkg", "zip", "txt"],
                          key="dimport_file")
if upload is not None and st.button(t("dimport.run", lang), key="dimport_run", type="primary"):
    try:
        accepted = accept_upload(upload.getvalue(), upload.name, "data")
        with tempfile.TemporaryDirectory(prefix="gridmap-page-import-") as tmp:
            report = import_layer(session, layer, accepted.save(tmp),
                                  unknown_category=unknown if layer == "issues" else None)
    except (UploadRejected, ImportRejected) as exc:
        st.error(ui.escape_markdown(exc.text(lang)), icon=":material/error:")
    except StoreError as exc:
        st.error(ui.escape_markdown(t("dimport.store_error", lang, detail=str(exc))), icon=":material/error:")
    else:
        st.success(ui.escape_markdown(report.text(lang)).replace("\n", "  \n"), icon=":material/check_circle:")

if session.can(Op.EXPORT):
    st.subheader(t("dimport.open311_out", lang))
    st.caption(t("dimport.open311_out_caption", lang))
    left, right = st.columns(2)
    left.download_button(t("dimport.services", lang), lambda: open311.dumps(open311.export_services(lang)),
                         file_name="services.json", mime="application/json", key="dimport_services",
                         icon=":material/download:")
    right.download_button(t("dimport.requests", lang),
                          lambda: open311.dumps(open311.export_requests(session, lang=lang)),
                          file_name="requests.json", mime="application/json", key="dimport_requests",
                          icon=":material/download:")
