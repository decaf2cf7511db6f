"""The sign-in cookie, set by the server with ``HttpOnly``: no script in the page can read it.

A Streamlit script run talks to the browser over a WebSocket, which cannot set a
cookie. Streamlit 1.67 serves the app with Starlette and lets the app add HTTP routes
(``st.App(script, routes=...)``, which ``streamlit run app.py`` picks up when
``app.py`` defines ``app = st.App(...)``); gridmap adds one, :data:`GRANT_PATH`.

A cookie change (set, renew, clear) goes through a *grant*:

1. the script run queues the cookie's new value with :func:`issue_grant`, which keeps it
   in this process and returns a random, single-use nonce valid for
   :data:`GRANT_TTL_S` seconds;
2. the page gets a few lines of JavaScript (:func:`grant_script`) that POST the nonce to
   :data:`GRANT_PATH`;
3. the route (:func:`grant_endpoint`) redeems the nonce and answers with the
   ``Set-Cookie`` header: ``HttpOnly; SameSite=Strict; Path=/``, ``Secure`` when the
   request came over HTTPS (directly or through a proxy that says so in
   ``X-Forwarded-Proto``).

The token itself never reaches the page, and ``document.cookie`` never shows it. The
nonce is in the page for the milliseconds until the fetch runs and works once; the
``Set-Cookie`` answer is a header scripts cannot read. Grants live in the server
process's memory: with several server processes behind one address, the balancer
must keep a browser on one process (Streamlit needs that anyway for its WebSocket).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gridmap.auth import COOKIE_NAME

GRANT_ROUTE = "_gridmap/session"
GRANT_TTL_S = 30.0
MAX_GRANTS = 10_000  # bounds the memory a flood of sign-ins (or a bug) can take
NONCE_BYTES = 24


@dataclass(frozen=True)
class Grant:
    """One pending cookie change: the cookie value (None: delete it) and its lifetime.

    ``max_age`` None makes a browser-session cookie (gone when the browser closes).
    """

    value: str | None
    max_age: int | None
    expires: float  # time.monotonic() after which the grant is void


class Grants:
    """Pending cookie changes by nonce, thread-safe (script threads issue, the event loop redeems)."""

    def __init__(self, ttl_s: float = GRANT_TTL_S, max_grants: int = MAX_GRANTS) -> None:
        self._ttl_s = ttl_s
        self._max = max_grants
        self._lock = threading.Lock()
        self._pending: dict[str, Grant] = {}

    def issue(self, value: str | None, max_age: int | None) -> str:
        """Queue a cookie change; returns the single-use nonce that redeems it."""
        nonce = secrets.token_urlsafe(NONCE_BYTES)
        at = time.monotonic()
        with self._lock:
            self._sweep(at)
            while len(self._pending) >= self._max:  # the oldest first (dicts keep insertion order)
                self._pending.pop(next(iter(self._pending)))
            self._pending[nonce] = Grant(value, max_age, at + self._ttl_s)
        return nonce

    def redeem(self, nonce: str) -> Grant | None:
        """The grant of ``nonce``, removed; None when unknown, used or expired."""
        at = time.monotonic()
        with self._lock:
            grant = self._pending.pop(nonce, None)
            self._sweep(at)
        if grant is None or grant.expires < at:
            return None
        return grant

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)

    def _sweep(self, at: float) -> None:
        for nonce in [n for n, g in self._pending.items() if g.expires < at]:
            del self._pending[nonce]


GRANTS = Grants()


def set_cookie_header(grant: Grant, *, secure: bool) -> str:
    """The ``Set-Cookie`` header value for ``grant``."""
    parts = [f"{COOKIE_NAME}={grant.value or ''}", "Path=/", "HttpOnly", "SameSite=Strict"]
    if grant.value is None:
        parts.append("Max-Age=0")
    elif grant.max_age is not None:
        parts.append(f"Max-Age={max(grant.max_age, 0)}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def came_over_https(request: Request) -> bool:
    """Whether the browser reached the server over HTTPS (itself, or a proxy in front that says so)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


async def grant_endpoint(request: Request) -> Response:
    """POST a nonce (the body): 204 with the ``Set-Cookie`` header, or 404 (unknown, used, expired)."""
    body = (await request.body())[:200].decode("ascii", errors="replace").strip()
    grant = GRANTS.redeem(body) if body else None
    headers = {"Cache-Control": "no-store"}
    if grant is None:
        return Response(status_code=404, headers=headers)
    headers["Set-Cookie"] = set_cookie_header(grant, secure=came_over_https(request))
    return Response(status_code=204, headers=headers)


def grant_path(base_url_path: str) -> str:
    """The URL path of the grant route under Streamlit's ``server.baseUrlPath``."""
    base = base_url_path.strip("/")
    return f"/{base}/{GRANT_ROUTE}" if base else f"/{GRANT_ROUTE}"


def routes(base_url_path: str = "") -> list[Route]:
    """The HTTP routes gridmap adds to Streamlit's server (``st.App(..., routes=routes())``)."""
    return [Route(grant_path(base_url_path), grant_endpoint, methods=["POST"])]


def grant_script(nonce: str, base_url_path: str) -> str:
    """JavaScript that redeems ``nonce``: the server's answer sets (or clears) the cookie."""
    url = json.dumps(grant_path(base_url_path))
    return (f"fetch({url}, {{method: 'POST', body: {json.dumps(nonce)}, credentials: 'same-origin', "
            f"cache: 'no-store', keepalive: true}});")
