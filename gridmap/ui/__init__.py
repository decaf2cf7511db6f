"""Streamlit helpers shared by the pages. The only part of gridmap that imports Streamlit.

- :func:`current_language`, :func:`language_switch` -- the 中文 / English choice.
- :func:`cached_store`, :func:`store_or_stop`, :func:`show_store_error` -- one store
  handle per URL, or a clear error on the page.
- :func:`current_session`, :func:`page_session`, :func:`sign_in_form`, :func:`user_box`,
  :func:`sync_cookie` -- sign-in state (kept across reloads in a signed cookie) and the
  guard each page calls first.
- :func:`escape_markdown`, :func:`escape_html` -- stored text made safe (both from
  :mod:`gridmap.text`, the one escaping module).
- :func:`fmt_count`, :func:`fmt_datetime` -- numbers and times as the pages show them.
"""

from gridmap.ui.auth import (
    AUTH_KEY,
    audit_action_label,
    audit_layer_label,
    current_session,
    page_session,
    refuse_insecure_production,
    sign_in_form,
    sign_out,
    sync_cookie,
    user_box,
)
from gridmap.ui.context import (
    LANG_KEY,
    activate_scheduled_plans,
    cached_store,
    current_language,
    language_switch,
    map_page_or_stop,
    show_store_error,
    store_box,
    store_or_stop,
)
from gridmap.ui.text import escape_html, escape_markdown, fmt_count, fmt_datetime

__all__ = [
    "AUTH_KEY",
    "LANG_KEY",
    "activate_scheduled_plans",
    "audit_action_label",
    "audit_layer_label",
    "cached_store",
    "current_language",
    "current_session",
    "escape_html",
    "escape_markdown",
    "fmt_count",
    "fmt_datetime",
    "language_switch",
    "map_page_or_stop",
    "page_session",
    "refuse_insecure_production",
    "show_store_error",
    "sign_in_form",
    "sign_out",
    "store_box",
    "store_or_stop",
    "sync_cookie",
    "user_box",
]
