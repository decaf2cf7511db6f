"""Sign-in state for a browser session, and the page guard every page calls first.

The signed-in user is kept in ``st.session_state[AUTH_KEY]`` as a small dict (user
name, sign-in time, last activity). On every run :func:`current_session` checks it
again against the store (expiry, account disabled, password changed) and builds a
fresh :class:`~gridmap.access.Session`, so a role or jurisdiction change takes effect
at the user's next click.
"""

from __future__ import annotations

import streamlit as st

from gridmap import auth
from gridmap.access import Op, Session
from gridmap.i18n import label, t
from gridmap.settings import get_settings
from gridmap.store import Store
from gridmap.store.base import now
from gridmap.text import escape_markdown

AUTH_KEY = "auth"
NOTICE_KEY = "auth_notice"


def current_session(store: Store) -> Session | None:
    """The signed-in user's session, or None (signed out, expired or disabled)."""
    state = st.session_state.get(AUTH_KEY)
    if not state:
        return None
    at = now()
    problem = auth.session_problem(store, state["username"], state["signed_in_at"], state["last_seen"], at,
                                   auth.SessionPolicy.from_settings(get_settings()))
    user = None if problem else auth.current_user(store, state["username"])
    if user is None:
        sign_out(problem or "auth.disabled")
        return None
    state["last_seen"] = at
    return Session(store, user)


def sign_out(notice: str | None = None) -> None:
    """Forget the signed-in user in this browser session."""
    st.session_state.pop(AUTH_KEY, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def sign_in_form(store: Store, lang: str) -> None:
    """The sign-in form; a successful sign-in reruns the app as that user.

    The fields take any length (a browser drops a paste longer than a field's limit
    without a word); lengths are checked here, with a message that names the limit.
    """
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(t(notice, lang), icon=":material/logout:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input(t("auth.username", lang), key="sign_in_user")
        password = st.text_input(t("auth.password", lang), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        problem = _form_problem(username, password, lang)
        if problem:
            st.error(problem, icon=":material/error:")
        else:
            result = auth.sign_in(store, username, password)
            if result.ok and result.user is not None:
                at = now()
                st.session_state[AUTH_KEY] = {"username": result.user.username, "signed_in_at": at,
                                              "last_seen": at}
                st.rerun()
            until = result.until.strftime("%H:%M") if result.until else ""
            st.error(t(result.reason or "auth.bad_credentials", lang, until=until), icon=":material/error:")
    if not store.has_accounts():
        st.info(t("auth.no_accounts", lang), icon=":material/info:")
    elif not get_settings().production:
        st.caption(t("auth.demo_hint", lang))


def _form_problem(username: str, password: str, lang: str) -> str | None:
    """What is wrong with the form's input before any sign-in is tried, or None."""
    if not username.strip() or not password:
        return t("auth.empty_fields", lang)
    if len(username.strip()) > auth.MAX_USERNAME_LENGTH:
        return t("auth.username_too_long", lang, n=auth.MAX_USERNAME_LENGTH)
    if len(password) > auth.MAX_PASSWORD_LENGTH:
        return t("auth.sign_in_password_too_long", lang, length=f"{len(password):,}",
                 n=f"{auth.MAX_PASSWORD_LENGTH:,}")
    return None


def user_box(session: Session, lang: str) -> None:
    """Who is signed in, in the sidebar, with the sign-out button."""
    user = session.user
    found = session.read("units", where={"code": user.unit_code}, columns=["name"], limit=1)
    unit = f"{found['name'].iloc[0]}（{user.unit_code}）" if len(found) else user.unit_code
    st.sidebar.caption(t("auth.signed_in_as", lang, name=escape_markdown(user.display_name),
                         role=label("role", user.role, lang), unit=escape_markdown(unit)))
    if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
        sign_out()
        st.rerun()


def page_session(op: Op, lang: str, store: Store) -> Session:
    """The page guard: the signed-in session if it may perform ``op``; otherwise stop.

    Every page calls this first, so a page reached by its direct URL is as protected
    as one reached through the menu.
    """
    session = current_session(store)
    if session is None:
        st.warning(t("auth.sign_in_first", lang), icon=":material/lock:")
        st.stop()
    if not session.can(op):
        st.error(t("auth.permission_denied", lang, role=label("role", session.user.role, lang),
                   op=t(f"op.{Op(op).value}", lang)), icon=":material/block:")
        st.stop()
    return session


def refuse_insecure_production(store: Store, lang: str) -> None:
    """With ``GRIDMAP_ENV=production``, stop with the list of blockers (demo passwords, ...)."""
    if not get_settings().production:
        return
    blockers = _production_blockers(store.url, lang)
    if blockers:
        lines = "\n".join(f"- {escape_markdown(message)}" for message in blockers)
        st.error(f"{t('auth.production_blocked', lang)}\n\n{lines}\n\n{t('auth.production_hint', lang)}",
                 icon=":material/gpp_bad:")
        st.stop()


@st.cache_data(ttl=60, show_spinner=False)
def _production_blockers(url: str, lang: str) -> list[str]:
    """The production blockers' messages, checked at most once a minute (argon2 is slow).

    Not jurisdiction data: the same list for every user of the server.
    """
    from gridmap.config import production_blockers
    from gridmap.ui.context import cached_store

    return [b.message(lang) for b in production_blockers(cached_store(url))]
