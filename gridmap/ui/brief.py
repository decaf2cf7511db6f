"""The command map's brief download: the selected unit's town, as a one-page PDF.

The PDF is made only when the button is pressed (Streamlit calls the ``data`` function
then), so the command map's runs and live ticks cost nothing for it. Only roles with
:data:`Op.VIEW_BRIEFING` (commanders, admins) see the button, and only below county view
(the brief is a town's).
"""

from __future__ import annotations

import streamlit as st

from gridmap.access import Op, Session
from gridmap.brief.render import brief_pdf
from gridmap.brief.town import brief_data
from gridmap.command import Snapshot
from gridmap.domain import Level, ancestor_code
from gridmap.i18n import t
from gridmap.text import escape_markdown


def brief_town(snapshot: Snapshot, code: str) -> str | None:
    """The town whose brief the button offers for the selection (None at county view)."""
    units = snapshot.units
    if code not in units.index or Level(units.at[code, "level"]) == Level.COUNTY:
        return None
    town = ancestor_code(code, Level.TOWN)
    return town if town in units.index else None


def download_button(session: Session, snapshot: Snapshot, code: str, lang: str) -> None:
    """The button (nothing for other roles or at county view)."""
    if not session.can(Op.VIEW_BRIEFING):
        return
    # The slot is there on every run of this role, button or not: an element that came and
    # went above the map would shift the map's place on the page, and Streamlit would then
    # remount the map's iframe (zoom lost, a click during it lost).
    slot = st.container()
    town = brief_town(snapshot, code)
    if town is None:
        return
    name = str(snapshot.units.at[town, "name"])

    def make() -> bytes:
        return brief_pdf(brief_data(session, town), lang)

    slot.download_button(escape_markdown(t("brief.download", lang, name=name)), make,
                       file_name=f"brief_{town}_{snapshot.day:%Y%m%d}.pdf", mime="application/pdf",
                       key="cmd_brief", icon=":material/picture_as_pdf:", on_click="ignore",
                       help=t("brief.download_help", lang))
