"""网格一张图 -- the Streamlit entry point: ``streamlit run app.py``.

This file is the frame around every page: page config, the language switch and the
navigation. Pages live in ``pages/`` and stay thin; the work is in :mod:`gridmap`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from gridmap import ui
from gridmap.i18n import t

PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """One entry of the navigation: a file in ``pages/`` and how the menu shows it."""

    file: str
    title_key: str
    icon: str
    url_path: str


# Menu order; the first page is the default page.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "nav.overview", ":material/dashboard:", "overview"),
)


def page_list(lang: str) -> list[StreamlitPage]:
    """The pages offered in this session, in menu order, titled in ``lang``."""
    return [
        st.Page(PAGES_DIR / spec.file, title=t(spec.title_key, lang), icon=spec.icon,
                url_path=spec.url_path, default=i == 0)
        for i, spec in enumerate(PAGES)
    ]


def build_navigation(lang: str) -> StreamlitPage:
    """Register the pages with ``st.navigation`` and return the page to run."""
    return st.navigation(page_list(lang), position="sidebar")


def main() -> None:
    """Run one page of the app for the current session."""
    lang = ui.current_language()
    # An emoji icon: Streamlit fetches ":material/...:" favicons from fonts.gstatic.com.
    st.set_page_config(page_title=t("app.title", lang), page_icon="🗺️", layout="wide")
    page = build_navigation(lang)
    st.sidebar.markdown(f"**{t('app.title', lang)}**")
    st.sidebar.caption(t("app.subtitle", lang))
    ui.language_switch()
    page.run()


if __name__ == "__main__":
    main()
