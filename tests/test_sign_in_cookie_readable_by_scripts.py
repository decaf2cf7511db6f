"""Regression (issue 9, item 6 follow-up): the sign-in cookie was readable by any script in the page.

``gridmap.ui.auth`` wrote ``gridmap_session`` with ``document.cookie = ...`` from an
``st.html`` script, so it could not be ``HttpOnly``. The server now sets it through
gridmap's own route (:mod:`gridmap.ui.session_cookie`): the page only ever holds a
single-use nonce. These tests drive the real route handler with real ASGI requests;
the browser round trip (``document.cookie`` without the token, a reload still signed
in) is ``tests/browser/test_reload_keeps_sign_in.py``.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

import app
from gridmap.ui import session_cookie
from gridmap.ui.session_cookie import GRANTS, Grants, grant_endpoint, grant_path, grant_script, routes


def _post(body: bytes, *, scheme: str = "http", headers: dict[str, str] | None = None) -> Response:
    """Run the grant route on one POST request, as the server would."""
    raw_headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": "POST", "path": grant_path(""), "scheme": scheme, "headers": raw_headers,
             "query_string": b"", "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 5000),
             "root_path": ""}
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return asyncio.run(grant_endpoint(Request(scope, receive)))


def test_a_grant_sets_an_http_only_strict_cookie_once() -> None:
    nonce = GRANTS.issue("v1.token.sig", 3600)
    answer = _post(nonce.encode())
    assert answer.status_code == 204
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("gridmap_session=v1.token.sig;")
    parts = {p.strip() for p in cookie.split(";")}
    assert {"HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=3600"} <= parts
    assert "Secure" not in parts  # plain http: a Secure cookie would be dropped
    assert answer.headers["cache-control"] == "no-store"
    replay = _post(nonce.encode())
    assert replay.status_code == 404 and "set-cookie" not in replay.headers


def test_secure_over_https_and_behind_a_proxy_that_says_so() -> None:
    direct = _post(GRANTS.issue("a", None).encode(), scheme="https")
    proxied = _post(GRANTS.issue("b", None).encode(), headers={"X-Forwarded-Proto": "https"})
    for answer in (direct, proxied):
        parts = {p.strip() for p in answer.headers["set-cookie"].split(";")}
        assert "Secure" in parts and "HttpOnly" in parts
        assert not any(p.startswith("Max-Age") for p in parts)  # a browser-session cookie


def test_a_clear_grant_deletes_the_cookie() -> None:
    answer = _post(GRANTS.issue(None, None).encode())
    parts = [p.strip() for p in answer.headers["set-cookie"].split(";")]
    assert parts[0] == "gridmap_session=" and "Max-Age=0" in parts and "HttpOnly" in parts


def test_unknown_empty_and_oversized_nonces_set_nothing() -> None:
    for body in (b"", b"not-a-nonce", b"x" * 100_000, "登录".encode(), b"\xff\xfe"):
        answer = _post(body)
        assert answer.status_code == 404 and "set-cookie" not in answer.headers


def test_an_expired_grant_sets_nothing() -> None:
    grants = Grants(ttl_s=0.05)
    nonce = grants.issue("v", 60)
    time.sleep(0.1)
    assert grants.redeem(nonce) is None
    assert len(grants) == 0  # swept, not kept


def test_pending_grants_are_bounded_oldest_first() -> None:
    grants = Grants(max_grants=3)
    nonces = [grants.issue(str(i), 60) for i in range(5)]
    assert len(grants) == 3
    assert grants.redeem(nonces[0]) is None and grants.redeem(nonces[1]) is None
    redeemed = grants.redeem(nonces[4])
    assert redeemed is not None and redeemed.value == "4"


def test_parallel_redeems_of_one_nonce_win_once() -> None:
    grants = Grants()
    for _ in range(50):
        nonce = grants.issue("v", 60)
        wins: list[object] = []
        barrier = threading.Barrier(8)

        def redeem(n: str = nonce, won: list[object] = wins, start: threading.Barrier = barrier) -> None:
            start.wait()
            if grants.redeem(n) is not None:
                won.append(1)

        threads = [threading.Thread(target=redeem) for _ in range(8)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        assert len(wins) == 1


def test_the_page_gets_a_nonce_never_the_token() -> None:
    token = "v1.eyJ1IjoiYWRtaW4ifQ.secret-signature"
    nonce = GRANTS.issue(token, 60)
    script = grant_script(nonce, "")
    assert token not in script and nonce in script and "document.cookie" not in script
    assert '"/_gridmap/session"' in script
    assert '"/gridmap/_gridmap/session"' in grant_script(nonce, "/gridmap/")


def test_app_py_serves_the_route() -> None:
    """``streamlit run app.py`` finds ``app`` (an ``st.App``) and serves gridmap's route with Streamlit's."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    assert discover_asgi_app(Path(app.__file__)).import_string == "app:app"
    served = [r.path for r in app.app._user_routes]  # st.App keeps no public list of them
    assert served == [r.path for r in routes()] == [session_cookie.grant_path("")]
