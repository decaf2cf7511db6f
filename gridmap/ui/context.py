"""Session context for pages: language, store handle, county.

The store handle is cached per URL with ``st.cache_resource`` and shared by every
session (both backends are safe to use from several threads). A store that cannot
be opened (unreachable, or migrated by a newer gridmap), or that fails while a page
reads it, is shown as an ``st.error`` in the page's language with what to do, never
as a traceback or Streamlit's redacted error box.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import streamlit as st

from gridmap.access import Session
from gridmap.domain import beijing_now
from gridmap.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, normalise_language, t
from gridmap.maps import TileConfigError, TileSource, missing_assets, tile_source
from gridmap.plan.versions import activate_due
from gridmap.store import SchemaTooNew, Store, StoreError, default_url, open_store
from gridmap.summary import mask_url
from gridmap.text import markdown_code
from gridmap.ui.text import escape_markdown, fmt_datetime

LANG_KEY = "lang"


def current_language() -> str:
    """The language chosen in this session (``"zh"`` until the user switches)."""
    return normalise_language(st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE))


def language_switch() -> str:
    """Draw the 中文 / English switch in the sidebar and return the chosen language."""
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = DEFAULT_LANGUAGE
    st.sidebar.radio(
        t("app.language", current_language()),
        LANGUAGES,
        key=LANG_KEY,
        format_func=LANGUAGE_NAMES.__getitem__,
        horizontal=True,
    )
    return current_language()


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_store(url: str) -> Store:
    """The open, migrated store at ``url``; one handle per URL for the whole server."""
    return open_store(url)


def store_or_stop(lang: str, url: str | None = None) -> Store:
    """The store named by ``url`` (default: ``GRIDMAP_DB`` or the embedded file).

    When it cannot be opened, show why in ``lang`` and stop the page run.

    Args:
        lang: Language of the error message.
        url: The store URL; :func:`gridmap.store.default_url` when None.

    Returns:
        The cached store handle.
    """
    url = url or default_url()
    try:
        return cached_store(url)
    except Exception as exc:  # any failure to open is shown to the user, not raised
        shown = escape_markdown(mask_url(url))
        if isinstance(exc, SchemaTooNew):
            st.error("\n\n".join([t("store.open_failed", lang, url=shown),
                                   t("store.schema_too_new", lang, found=exc.found, supported=exc.supported),
                                   t("store.schema_too_new_hint", lang)]), icon=":material/error:")
            st.stop()
        detail = escape_markdown(_redact(str(exc) or type(exc).__name__, url))
        st.error(
            "\n\n".join([
                t("store.open_failed", lang, url=shown),
                t("store.open_failed_detail", lang, detail=detail),
                t("store.open_failed_hint", lang),
            ]),
            icon=":material/error:",
        )
        st.stop()


def show_store_error(exc: StoreError, lang: str, url: str) -> None:
    """A store that failed while a page read it (the server went away, ...), as an ``st.error``.

    Args:
        exc: The store's error; its message names what failed.
        lang: Language of the message.
        url: The store URL (masked and redacted in the message).
    """
    detail = escape_markdown(_redact(str(exc) or type(exc).__name__, url))
    st.error("\n\n".join([t("store.read_failed", lang, detail=detail), t("store.open_failed_hint", lang)]),
             icon=":material/error:")


def _redact(text: str, url: str) -> str:
    """``text`` with the URL and its password, if any, masked."""
    text = text.replace(url, mask_url(url))
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text


def store_box(store: Store, lang: str, session: Session | None = None) -> None:
    """The store in use and, once signed in, the data's as-of time, in the sidebar (small print).

    The store's URL and backend describe the handle (shown before sign-in too); the
    as-of time is the session's county's, read through the session.
    """
    backend = t(f"store.backend.{store.backend}", lang)
    # In code formatting, verbatim: markdown escapes would show there as backslashes.
    lines = [t("store.caption", lang, url=markdown_code(mask_url(store.url)), backend=backend)]
    if session is not None:
        as_of = session.meta("as_of")
        lines.append(t("overview.as_of", lang, as_of=escape_markdown(fmt_datetime(as_of))) if as_of
                     else t("overview.as_of_unknown", lang))
    st.sidebar.caption("  \n".join(lines))


def map_page_or_stop(session: Session, lang: str) -> TileSource:
    """What every map page checks before drawing: data to show, a usable tile
    configuration, the local Leaflet files. Stops the page with the reason in words."""
    if not session.count("units"):
        st.info(t("command.no_data", lang), icon=":material/info:")
        st.stop()
    try:
        tiles = tile_source()
    except TileConfigError as exc:
        st.error(t("command.map_error", lang, detail=escape_markdown(t(exc.message_key, lang, **exc.values))),
                 icon=":material/error:")
        st.stop()
    if missing_assets():  # before anything is drawn: a live fragment would hide the reason
        st.error(t("map.assets_missing", lang), icon=":material/error:")
        st.stop()
    return tiles


# (store URL, county) -> time.monotonic() of the last look for due plans, in this process.
_LAST_ACTIVATION_CHECK: dict[tuple[str, str], float] = {}
ACTIVATION_CHECK_S = 15.0


def activate_scheduled_plans(session: Session, lang: str) -> None:
    """Scheduled plans whose effective time has come become the plan in force (exactly
    once, whoever's page load finds them due); a toast says so.

    Runs in the frame of every page, so it looks at most every :data:`ACTIVATION_CHECK_S`
    seconds per store and county in this process, not at every click.
    """
    key = (session.store_url, session.scope.county_code)
    now = time.monotonic()
    if now - _LAST_ACTIVATION_CHECK.get(key, -ACTIVATION_CHECK_S) < ACTIVATION_CHECK_S:
        return
    _LAST_ACTIVATION_CHECK[key] = now
    for version in activate_due(session, beijing_now()):
        st.toast(t("plan.page.activated", lang, version=version))
