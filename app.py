"""网格一张图 -- the Streamlit entry point: ``streamlit run app.py``.

This file is the frame around every page: page config, sign-in, the language switch
and the navigation. A signed-out visitor is offered only the sign-in page (whatever
URL they typed, which they reach once signed in); a signed-in user sees only the
pages their role may use, and each page checks the permission again. A reload keeps
the sign-in (a signed, HttpOnly cookie, :mod:`gridmap.ui.auth`; the server sets it through
the one HTTP route gridmap adds, :mod:`gridmap.ui.session_cookie`, served because this file
also defines ``app``, an ``st.App``). Pages live in ``pages/`` and stay thin; the work
is in :mod:`gridmap`. The first run in a process (usually the sign-in page) starts the
background warm-up of the commanders' snapshots (:mod:`gridmap.ui.warm`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from gridmap import ui
from gridmap.access import Op, Session
from gridmap.domain import Role
from gridmap.hazards.roles import PAGE_ROLES as HAZARD_PAGE_ROLES
from gridmap.i18n import t
from gridmap.store import Store, StoreError
from gridmap.ui import session_cookie
from gridmap.ui.unknown_path import unknown_path_pages

PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageSpec:
    """One entry of the navigation: a file in ``pages/``, how the menu shows it, and
    the operation a user needs to see it (the page checks it again itself)."""

    file: str
    title_key: str
    icon: str
    url_path: str
    op: Op
    home_for: frozenset[Role] = frozenset()  # roles whose default page this is
    roles: frozenset[Role] | None = None  # only these roles (None: every role with ``op``)


# Menu order; a user's default page is the first one marked ``home_for`` their role, else
# the first page they may see.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("command_map.py", "nav.command_map", ":material/map:", "command-map", Op.VIEW_MAP),
    PageSpec("overview.py", "nav.overview", ":material/dashboard:", "overview", Op.VIEW_MAP),
    PageSpec("planner.py", "nav.planner", ":material/edit_location_alt:", "planner", Op.EDIT_UNITS,
             home_for=frozenset({Role.PLANNER})),
    PageSpec("audit.py", "nav.audit", ":material/history:", "audit", Op.VIEW_AUDIT),
    # The hazard page (issue 11): inspectors' first page; also commanders, admins, departments.
    PageSpec("hazards.py", "nav.hazards", ":material/local_fire_department:", "hazards", Op.VIEW_MAP,
             home_for=frozenset({Role.INSPECTOR}), roles=HAZARD_PAGE_ROLES),
    # The closed loop of issue reports (issue 12).
    PageSpec("report.py", "nav.report", ":material/add_a_photo:", "report", Op.REPORT_ISSUE,
             home_for=frozenset({Role.GRID_WORKER})),
    PageSpec("queue.py", "nav.queue", ":material/checklist:", "queue", Op.HANDLE_ISSUE,
             home_for=frozenset({Role.DEPARTMENT})),
    PageSpec("issue.py", "nav.issue", ":material/description:", "issue", Op.VIEW_MAP),
    PageSpec("my_reports.py", "nav.my_reports", ":material/person_search:", "my-reports", Op.REPORT_ISSUE),
    PageSpec("zero_report.py", "nav.zero_report", ":material/event_available:", "zero-report",
             Op.VIEW_ZERO_REPORTS),
    PageSpec("routing.py", "nav.routing", ":material/alt_route:", "routing", Op.EDIT_ROUTING),
    # Issue 12: statistics and Open311 import (commanders, admins, department handlers; importers).
    PageSpec("issue_stats.py", "nav.issue_stats", ":material/leaderboard:", "issue-stats", Op.VIEW_ISSUE_STATS),
    PageSpec("data_import.py", "nav.data_import", ":material/upload_file:", "data-import", Op.IMPORT_POINTS),
    # Service stations (issue 13): every map reader; planners and admins edit, commanders and admins visit.
    PageSpec("stations.py", "nav.stations", ":material/home_pin:", "stations", Op.VIEW_MAP),
    # Issue 13: the commander's rankings (量化比评).
    PageSpec("rankings.py", "nav.rankings", ":material/leaderboard:", "rankings", Op.VIEW_BRIEFING),
)
SIGN_IN = PageSpec("sign_in.py", "nav.sign_in", ":material/login:", "sign-in", Op.VIEW_MAP)


def page_list(lang: str, session: Session | None) -> list[StreamlitPage]:
    """The pages offered to this session, in menu order, titled in ``lang``.

    Every page's URL path is registered in every state, so a deep link holds:

    - Signed out: the sign-in page is the only one in the menu; each other page's
      path shows the sign-in form too (hidden from the menu), and the sign-in reruns
      the app on that path, so the user lands on the page they asked for.
    - Signed in: the pages the role may use, in the menu; the others stay reachable by
      their path, hidden, and say that the role may not use them (their guard), rather
      than Streamlit's English "Page not found".
    """
    if session is None:
        return [_page(SIGN_IN, lang, default=True),
                *(_page(spec, lang, file=SIGN_IN.file, hidden=True) for spec in PAGES)]
    allowed = allowed_pages(session)
    return [*(_page(spec, lang, default=i == 0) for i, spec in enumerate(allowed)),
            *(_page(spec, lang, hidden=True) for spec in PAGES if spec not in allowed)]


def allowed_pages(session: Session) -> list[PageSpec]:
    """The pages ``session`` may use, its default page first (the rest in menu order)."""
    allowed = [spec for spec in PAGES if session.can(spec.op)
               and (spec.roles is None or session.user.role in spec.roles)]
    return sorted(allowed, key=lambda spec: session.user.role not in spec.home_for)  # stable sort


def _page(spec: PageSpec, lang: str, *, default: bool = False, file: str | None = None,
          hidden: bool = False) -> StreamlitPage:
    """``spec`` as an ``st.Page`` (running ``file`` instead of its own, when given)."""
    return st.Page(PAGES_DIR / (file or spec.file), title=t(spec.title_key, lang), icon=spec.icon,
                   url_path=spec.url_path, default=default, visibility="hidden" if hidden else "visible")


def build_navigation(lang: str, session: Session | None) -> StreamlitPage:
    """Register the pages with ``st.navigation`` and return the page to run.

    An address naming no page gets a hidden page of its own saying so (not Streamlit's
    English "Page not found"): :mod:`gridmap.ui.unknown_path`.
    """
    pages = page_list(lang, session)
    return st.navigation([*pages, *unknown_path_pages(pages, lang)], position="sidebar")


def main() -> None:
    """Run one page of the app for the current session."""
    lang = ui.current_language()
    # An emoji icon: Streamlit fetches ":material/...:" favicons from fonts.gstatic.com.
    st.set_page_config(page_title=t("app.title", lang), page_icon="🗺️", layout="wide")
    store = ui.store_or_stop(lang)
    # Imported here, in a script run: the map's component (streamlit-folium) registers itself only
    # inside one, and the server imports this file (for `app` below) before any run.
    from gridmap.ui.warm import start_warm_up

    start_warm_up(store.url, store)  # once per process: the commanders' snapshots, in the background
    try:
        _frame_and_page(store, lang)
    except StoreError as exc:  # the store failed mid-run (server gone, ...): words, not a red box
        ui.show_store_error(exc, lang, store.url)


def _frame_and_page(store: Store, lang: str) -> None:
    """Sign-in state, navigation and sidebar, then the page itself."""
    ui.refuse_insecure_production(store, lang)
    session = ui.current_session(store)
    if session is not None:
        ui.activate_scheduled_plans(session, lang)  # a plan whose time has come, on any page
    page = build_navigation(lang, session)
    st.sidebar.markdown(f"**{t('app.title', lang)}**")
    st.sidebar.caption(t("app.subtitle", lang))
    if session is not None:
        ui.user_box(session, lang, store)
    ui.language_switch()
    ui.store_box(store, lang, session)
    ui.sync_cookie()  # the sign-in cookie set, renewed or cleared, when this run changed it
    page.run()

if __name__ == "__main__":  # each script run (Streamlit runs this file as __main__)
    main()
else:  # `streamlit run app.py` imports this file once for its server: Streamlit's, plus the cookie route
    app = st.App(__file__, routes=session_cookie.routes(str(st.get_option("server.baseUrlPath") or "")))
