"""What a commander waits from the click on 登录 to the command map, measured inside each page.

Several users at once: each visitor gets a fresh browser context (nothing cached), opens the
app and fills the sign-in form (:func:`open_visitors`); then every page clicks 登录 at the
same agreed instant, from a timer in the page (:func:`click_together`), and records in its
own clock when the Leaflet map in the ``streamlit_folium`` iframe holds unit polygons (the
test of :data:`tests.harness.UNITS_READY_JS`) and has painted two more frames. Python only
collects the results (:func:`collect`), so neither Playwright's round trips nor the order in
which it looks at the pages adds to the times. With one visitor this is the same clock as
``bench_map_browser``'s sign-in -> map, minus Playwright's click overhead (tens of ms).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.harness import UNITS_READY_JS, fill_sign_in, new_context, wait_for_app

# Arguments: [epoch ms of the click, the source of UNITS_READY_JS]. The units test is compiled
# in the iframe's own window (it reads that window's `map` and `L`).
_CLICK_AND_CLOCK_JS = """([at, unitsReady]) => {
  const now = () => performance.timeOrigin + performance.now();
  const state = window.__gmSignIn = {visibility: document.visibilityState};
  const button = Array.from(document.querySelectorAll('button')).find(b => b.innerText.trim() === '登录');
  if (!button) { state.problem = 'no 登录 button on the page'; return false; }
  const poll = () => {
    try {
      const f = document.querySelector("iframe[title*='streamlit_folium']");
      if (f && !state.iframe) state.iframe = now();
      const w = f && f.contentWindow;
      if (w && w.map) {
        if (!w.__gmUnitsReady) w.__gmUnitsReady = w.eval('(' + unitsReady + ')');
        const n = w.__gmUnitsReady(null);
        if (n) {
          state.units = n;
          w.requestAnimationFrame(() => w.requestAnimationFrame(() => { state.ready = now(); }));
          return;
        }
      }
    } catch (e) {}
    setTimeout(poll, 10);
  };
  setTimeout(() => { state.clicked = now(); button.click(); poll(); }, Math.max(0, at - Date.now()));
  return true }"""

_ALERT_JS = """() => Array.from(document.querySelectorAll("[data-testid='stAlert'], [data-testid='stException']"))
  .map(e => e.innerText.trim()).filter(Boolean).join(' | ')"""


@dataclass
class Visitor:
    """One user's browser context, with the app open and the sign-in form filled."""

    user: str
    context: Any
    page: Any
    form_s: float  # goto -> the sign-in form drawn


@dataclass
class Wait:
    """What one visitor waited."""

    user: str
    form_s: float
    ready_s: float | None  # click -> map ready; None when it was not within the timeout
    iframe_s: float | None  # click -> the map's iframe on the page (the server's answer has arrived)
    click_late_ms: float  # how much later than the agreed instant the click fired
    units: int
    visibility: str
    problem: str = ""


def open_visitors(browser: Any, base_url: str, users: Sequence[str], password: str,
                  timeout_ms: int) -> list[Visitor]:
    """A fresh context per user, one after the other: open the app, fill the form (not clicked)."""
    out: list[Visitor] = []
    for user in users:
        context = new_context(browser, timeout_ms)
        page = context.new_page()
        started = time.perf_counter()
        fill_sign_in(page, base_url, user, password, timeout_ms)
        out.append(Visitor(user, context, page, time.perf_counter() - started))
    return out


def click_together(visitors: Sequence[Visitor], lead_s: float = 1.0) -> float:
    """Let every page click 登录 at the same instant, ``lead_s`` from now; returns that instant (epoch s).

    Each page gets 0.3 s more to be armed in (a busy machine); a page armed late clicks at once.
    """
    at = time.time() + lead_s + 0.3 * len(visitors)
    for visitor in visitors:
        visitor.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        visitor.page.evaluate(_CLICK_AND_CLOCK_JS, [at * 1000, UNITS_READY_JS])
    return at


def collect(visitors: Sequence[Visitor], at: float, timeout_s: float) -> list[Wait]:
    """Wait until every page has its map (or ``timeout_s`` after the click); each one's wait."""
    deadline = at + timeout_s
    states: list[dict[str, Any]] = [{} for _ in visitors]
    while time.time() < deadline:
        for i, visitor in enumerate(visitors):
            if "ready" not in states[i]:
                with contextlib.suppress(Exception):  # the page is busy: look again
                    states[i] = visitor.page.evaluate("() => window.__gmSignIn || {}")
        if all("ready" in state or "problem" in state for state in states):
            break
        time.sleep(0.25)
    out = []
    for visitor, state in zip(visitors, states, strict=True):
        clicked = state.get("clicked")
        ready = state.get("ready")
        problem = state.get("problem", "")
        if ready is None and not problem:
            with contextlib.suppress(Exception):
                problem = visitor.page.evaluate(_ALERT_JS)
            problem = problem or f"no map within {timeout_s:.0f} s of the click"
        iframe = state.get("iframe")
        out.append(Wait(visitor.user, visitor.form_s,
                        (ready - clicked) / 1000 if ready is not None and clicked is not None else None,
                        (iframe - clicked) / 1000 if iframe is not None and clicked is not None else None,
                        clicked - at * 1000 if clicked is not None else float("nan"),
                        int(state.get("units", 0)), str(state.get("visibility", "?")), problem))
    return out


def settle(visitors: Sequence[Visitor], timeout_ms: int) -> None:
    """Wait until every page's app has finished its runs (late messages included)."""
    for visitor in visitors:
        with contextlib.suppress(Exception):
            wait_for_app(visitor.page, timeout_ms, quiet_ms=500)


def close(visitors: Sequence[Visitor]) -> None:
    """Close every visitor's context (its Streamlit session ends with the websocket)."""
    for visitor in visitors:
        with contextlib.suppress(Exception):
            visitor.context.close()
