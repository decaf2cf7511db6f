"""Sign-in state for a browser session, and the page guard every page calls first.

The signed-in user is kept in ``st.session_state[AUTH_KEY]`` as a small dict (user
name, sign-in time, last activity, session id, "keep signed in"). On every run
:func:`current_session` checks it again against the store (expiry, account disabled,
password changed, signed out elsewhere) and builds a fresh
:class:`~gridmap.access.Session`, so a role or jurisdiction change takes effect at the
user's next click.

A reload starts a new Streamlit session with empty state. So that it does not sign
the user out, the sign-in is also kept in a cookie (:data:`gridmap.auth.COOKIE_NAME`)
holding a signed token (:func:`gridmap.auth.issue_token`); a new session with that
cookie is signed in again by :func:`gridmap.auth.resume_session` (audited). Streamlit
reads cookies (``st.context.cookies``, sent with the page's first request); a script
run cannot set them (it talks over a WebSocket), so the server does, through one HTTP
route of gridmap's own (:mod:`gridmap.ui.session_cookie`): :func:`sync_cookie` queues
the change and sends the page a single-use nonce that the page trades for the
``Set-Cookie`` answer. The cookie is ``HttpOnly`` (no script in the page can read it),
``SameSite=Strict``, and ``Secure`` under HTTPS.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from gridmap import auth
from gridmap.access import Op, Session
from gridmap.i18n import label, t
from gridmap.settings import get_settings
from gridmap.store import Store
from gridmap.store.base import now
from gridmap.text import escape_markdown
from gridmap.ui import session_cookie

AUTH_KEY = "auth"
NOTICE_KEY = "auth_notice"
COOKIE_KEY = "auth_cookie"  # the cookie change (value, max_age) still to be sent to the browser
REFUSED_KEY = "auth_cookie_refused"  # the browser's cookie was checked and refused (or signed out)
# The cookie's last-activity stamp is renewed after this share of the idle time, so the
# idle expiry of a reload is at most this much longer than the live session's.
REFRESH_SHARE = 6


def current_session(store: Store) -> Session | None:
    """The signed-in user's session, or None (signed out, expired or disabled).

    A new browser session (a reload) with a valid sign-in cookie is signed in again.
    """
    state = st.session_state.get(AUTH_KEY)
    if not state:
        state = _resume_from_cookie(store)
        if not state:
            return None
    at = now()
    policy = _policy()
    problem = auth.session_problem(store, state["username"], state["signed_in_at"], state["last_seen"], at,
                                   policy, keep=bool(state.get("keep")), sid=state.get("sid"))
    user = None if problem else auth.current_user(store, state["username"])
    if user is None:
        sign_out(problem or "auth.disabled")
        return None
    state["last_seen"] = at
    if not state.get("keep") and at - state.get("cookie_seen", at) > dt.timedelta(
            minutes=policy.idle_minutes / REFRESH_SHARE):
        _remember(state, at)
    return Session(store, user)


def still_signed_in(store: Store) -> bool:
    """Whether this browser session's sign-in still holds, without counting as activity.

    For the live panel's timed reruns (and map clicks inside it), which never pass
    through :func:`current_session`: a disabled account, a changed password, a revoked
    session or the absolute limit ends the panel at its next tick. Idle time is not
    checked here, so the timed reruns neither extend nor end an idle sign-in; the next
    full run does that.
    """
    state = st.session_state.get(AUTH_KEY)
    if not state:
        return False
    at = now()
    problem = auth.session_problem(store, state["username"], state["signed_in_at"], at, at, _policy(),
                                   keep=bool(state.get("keep")), sid=state.get("sid"))
    return problem is None and auth.current_user(store, state["username"]) is not None


def sign_out(notice: str | None = None, store: Store | None = None) -> None:
    """Forget the signed-in user in this browser session and clear the sign-in cookie.

    With ``store`` (the sign-out button), the session id is also revoked in the store,
    so the cookie stops working on every copy of it (audited as ``sign_out``).
    """
    state = st.session_state.pop(AUTH_KEY, None)
    if state and state.get("sid"):
        if store is not None:
            auth.revoke_session(store, state["username"], state["sid"], now(), _policy())
        refused = st.session_state.setdefault(REFUSED_KEY, [])
        refused.append(state["sid"])
    st.session_state[COOKIE_KEY] = (None, None)
    if notice:
        st.session_state[NOTICE_KEY] = notice


def sync_cookie() -> None:
    """Send the pending cookie change (set, renewed or cleared) to the browser, once.

    Call on every run, after the session is known (``app.py`` does).
    """
    change = st.session_state.pop(COOKIE_KEY, None)
    if change:
        value, max_age = change
        nonce = session_cookie.GRANTS.issue(value, max_age)
        script = session_cookie.grant_script(nonce, str(st.get_option("server.baseUrlPath") or ""))
        st.sidebar.html(f"<script>{script}</script>", unsafe_allow_javascript=True, width="content")


def browser_cookie() -> str | None:
    """The sign-in cookie the browser sent with this session's first request, if any."""
    return st.context.cookies.get(auth.COOKIE_NAME)


def _policy() -> auth.SessionPolicy:
    return auth.SessionPolicy.from_settings(get_settings())


def _resume_from_cookie(store: Store) -> dict[str, Any] | None:
    """A new sign-in state from the browser's cookie, or None (no cookie, or refused)."""
    value = browser_cookie()
    if not value:
        return None
    secret = auth.session_secret(get_settings())
    token = auth.read_token(secret, value)
    if token is not None and token.sid in st.session_state.get(REFUSED_KEY, ()):
        return None  # signed out or expired in this session: st.context still has the old cookie
    at = now()
    result = auth.resume_session(store, secret, value, at, _policy())
    if not result.ok or result.token is None or result.user is None:
        if result.token is not None:
            st.session_state.setdefault(REFUSED_KEY, []).append(result.token.sid)
            st.session_state[NOTICE_KEY] = result.reason
        st.session_state[COOKIE_KEY] = (None, None)
        return None
    state: dict[str, Any] = {"username": result.user.username, "signed_in_at": result.token.signed_in_at,
                                "last_seen": at, "sid": result.token.sid, "keep": result.token.keep}
    _remember(state, at)
    st.session_state[AUTH_KEY] = state
    return state


def _remember(state: dict[str, Any], at: dt.datetime) -> None:
    """Queue the sign-in cookie for ``state`` (its last activity: ``at``)."""
    policy = _policy()
    token = auth.SessionToken(str(state["username"]), str(state["sid"]), state["signed_in_at"],
                              at, bool(state.get("keep")))
    state["cookie_seen"] = at
    max_age = int((token.expires_at(policy) - at).total_seconds())
    value = auth.issue_token(auth.session_secret(get_settings()), token)
    st.session_state[COOKIE_KEY] = (value, max_age if token.keep else None)


def sign_in_form(store: Store, lang: str) -> None:
    """The sign-in form; a successful sign-in reruns the app as that user.

    The fields take any length (a browser drops a paste longer than a field's limit
    without a word); lengths are checked here, with a message that names the limit.
    """
    leave_pages_directory_mode()
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.warning(t(notice, lang), icon=":material/logout:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input(t("auth.username", lang), key="sign_in_user")
        password = st.text_input(t("auth.password", lang), type="password", key="sign_in_password")
        # No help= tooltip: its button says "Help for ..." in English and is named like the 登录 button.
        keep = st.checkbox(t("auth.keep", lang), key="sign_in_keep")
        st.caption(t("auth.keep_help", lang))
        submitted = st.form_submit_button(t("auth.submit", lang), type="primary")
    if submitted:
        problem = _form_problem(username, password, lang)
        if problem:
            st.error(problem, icon=":material/error:")
        else:
            result = auth.sign_in(store, username, password)
            if result.ok and result.user is not None:
                at = now()
                state: dict[str, Any] = {"username": result.user.username, "signed_in_at": at,
                                            "last_seen": at, "sid": auth.new_session_id(), "keep": bool(keep)}
                _remember(state, at)
                st.session_state[AUTH_KEY] = state
                st.rerun()  # on the page the URL asked for: app.py registers every page's path
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


def user_box(session: Session, lang: str, store: Store) -> None:
    """Who is signed in, in the sidebar, with the sign-out button (which revokes the session in ``store``)."""
    user = session.user
    found = session.read("units", where={"code": user.unit_code, "plan_version": session.current_plan()},
                         columns=["name"], limit=1)
    unit = f"{found['name'].iloc[0]}（{user.unit_code}）" if len(found) else user.unit_code
    st.sidebar.caption(t("auth.signed_in_as", lang, name=escape_markdown(user.display_name),
                         role=label("role", user.role, lang), unit=escape_markdown(unit)))
    if st.sidebar.button(t("auth.sign_out", lang), key="sign_out", icon=":material/logout:"):
        sign_out(store=store)
        st.rerun()


def leave_pages_directory_mode() -> None:
    """Rerun through ``app.py`` when Streamlit ran a ``pages/`` file on its own.

    A fresh server process treats a ``pages/`` directory as the old multipage layout
    until ``st.navigation`` runs once; if its first visitor opens a deep link
    (``/audit``), Streamlit runs ``pages/audit.py`` alone, without the frame (no
    navigation, no sign-in form), and keeps doing so for every new visitor until
    someone opens ``/``. This clears that mode (Streamlit's own flag, which
    ``st.navigation`` clears too) and reruns: the page's URL path is the same, so the
    rerun lands on it, inside the frame.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_session(op: Op, lang: str, store: Store) -> Session:
    """The page guard: the signed-in session if it may perform ``op``; otherwise stop.

    Every page calls this first, so a page reached by its direct URL is as protected
    as one reached through the menu.
    """
    leave_pages_directory_mode()
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


def audit_action_label(action: object, lang: str) -> str:
    """An audit record's action in words (``sign_in`` -> 登录); an unknown code as stored."""
    code = "" if action is None or action != action else str(action)
    try:
        return t(f"audit.action.{code}", lang)
    except KeyError:
        return code


def audit_layer_label(layer_name: object, lang: str) -> str:
    """An audit record's layer in words (``users`` -> 用户账号); an unknown name as stored."""
    name = "" if layer_name is None or layer_name != layer_name else str(layer_name)
    for key in (f"layer.{name}", f"audit.layer.{name}"):
        try:
            return t(key, lang)
        except KeyError:
            continue
    return name
