"""An address that names no page: our own words instead of Streamlit's English "Page not found".

``st.navigation`` resolves the address's page name against the pages it is given
(``streamlit/runtime/pages_manager.py``, ``_resolve_page_script``); when none matches,
it sends the browser a ``page_not_found`` message (``streamlit/commands/navigation.py``,
``send_page_not_found``), which the browser shows as an English dialog ("Page not found
... Running the app's main page.") and rewrites the address to ``/``. There is no
catch-all page. So, before the navigation is built, :func:`unknown_path_pages` looks at
the page name this run asks for (Streamlit's ``PagesManager.intended_page_name``, the
address's path below ``server.baseUrlPath``) and, when no page has it, registers one
more hidden page under exactly that name: the browser then gets that page, which says
in the user's language that the address names no page and links to their first page.

One case stays out of reach: the very first run of a fresh server process resolves the
address against the files in ``pages/`` before any app code runs
(``streamlit/runtime/scriptrunner/script_runner.py``, where ``active_script`` is None),
so the first visitor after a restart who types an unknown address still gets the dialog
once; every later visit gets this page.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from gridmap.i18n import t
from gridmap.text import escape_markdown

UNKNOWN_KEY = "unknown_page_name"  # the last address of this session that named no page
MAX_SHOWN = 80  # characters of the address shown back to the user


def requested_page_name() -> str:
    """The page name (the address's path below the app's base path) this run asks for; "" for none."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    return str(getattr(ctx.pages_manager, "intended_page_name", "") or "")


def unknown_path_pages(pages: Sequence[StreamlitPage], lang: str) -> list[StreamlitPage]:
    """One hidden "no such page" page when this run's address names none of ``pages``, else none.

    The browser's next run of the same page (a rerun after a widget, the sign-in cookie)
    asks for it by its hash, not by its name: the last unknown name is remembered in the
    session and registered again, or Streamlit would find no page with that hash and send
    its English dialog after all.
    """
    name = requested_page_name().strip().strip("/")
    if not name:
        name = str(st.session_state.get(UNKNOWN_KEY, ""))
    # The default page's url_path is "" (it is served at the root), but its own path
    # (/hazards for an inspector) still names it: compare with the declared path too.
    if not name or "/" in name or any(name in (page.url_path, getattr(page, "_url_path", "")) for page in pages):
        return []
    st.session_state[UNKNOWN_KEY] = name
    home = pages[0] if pages else None  # app.py lists the default page first
    shown = escape_markdown(f"/{name}" if len(name) <= MAX_SHOWN else f"/{name[:MAX_SHOWN]}…")

    def no_such_page() -> None:
        st.title(t("nav.not_found.title", lang), anchor=False)
        st.warning(t("nav.not_found.body", lang, path=shown), icon=":material/wrong_location:")
        if home is not None:
            st.page_link(home, label=t("nav.not_found.home", lang, page=home.title), icon=":material/home:")

    return [st.Page(no_such_page, title=t("nav.not_found.title", lang), url_path=name, visibility="hidden")]
