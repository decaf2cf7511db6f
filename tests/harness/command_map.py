"""The command map's Leaflet map inside the ``streamlit_folium`` iframe, seen from Playwright.

streamlit-folium keeps the map in ``window.map`` of a same-origin iframe; every unit
polygon carries its code in ``feature.properties.code``.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Page

MAP_IFRAME = "iframe[title='streamlit_folium.st_folium']"

# The number of unit polygons drawn (false while none is); with want.prefix, only once every
# unit lies in it (and is not want.exclude): e.g. after a drill-down, the town's villages.
UNITS_READY_JS = """(want) => { try {
  if (!window.map || typeof L === 'undefined' || !(window.map instanceof L.Map)) return false;
  const codes = [];
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code
                                  && l.getLatLngs) codes.push(l.feature.properties.code) });
  if (!codes.length) return false;
  if (want && want.prefix && !codes.every(c => c.startsWith(want.prefix) && c !== want.exclude)) return false;
  return codes.length } catch (e) { return false } }"""

# Resolves once the browser has painted two more frames.
TWO_FRAMES_JS = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"

# A point inside the unit's polygon where the map itself (not a marker) is under the mouse,
# in the iframe's viewport coordinates; null if there is none.
CLICK_POINT_JS = """(code) => {
  let target = null;
  window.map.eachLayer(l => { if (l.feature && l.feature.properties && l.feature.properties.code === code
                                  && l.getLatLngs) target = l });
  if (!target) return null;
  let ring = target.getLatLngs();
  while (Array.isArray(ring[0])) ring = ring[0];  // the outer ring of the first polygon
  const inside = (lat, lng) => { let c = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], b = ring[j];
      if ((a.lat > lat) !== (b.lat > lat) && lng < (b.lng - a.lng) * (lat - a.lat) / (b.lat - a.lat) + a.lng) c = !c;
    } return c };
  const b = target.getBounds();
  for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
    const lat = b.getSouth() + (b.getNorth() - b.getSouth()) * i / 12;
    const lng = b.getWest() + (b.getEast() - b.getWest()) * j / 12;
    if (!inside(lat, lng)) continue;
    const p = window.map.latLngToContainerPoint([lat, lng]);
    const size = window.map.getSize();
    if (p.x < 20 || p.y < 20 || p.x > size.x - 20 || p.y > size.y - 20) continue;
    const rect = window.map.getContainer().getBoundingClientRect();
    const el = document.elementFromPoint(rect.left + p.x, rect.top + p.y);
    if (el && (el.tagName === 'CANVAS' || el === target._path)) return {x: rect.left + p.x, y: rect.top + p.y};
  }
  return null }"""


# Top document: count the streamlit_folium iframes created from now on in window.__gmIframes
# (a remount of the map makes a new one); returns the count so far.
IFRAME_COUNTER_JS = """() => {
  if (window.__gmIframes !== undefined) return window.__gmIframes;
  window.__gmIframes = 0;
  const count = (n) => {
    if (n.nodeType !== 1) return;
    let found = 0;
    if (n.tagName === 'IFRAME' && (n.title || '').includes('streamlit_folium')) found = 1;
    else if (n.querySelectorAll) found = n.querySelectorAll("iframe[title*='streamlit_folium']").length;
    window.__gmIframes += found;
  };
  new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(count)))
    .observe(document.documentElement, {childList: true, subtree: true});
  return 0 }"""

def find_map_frame(page: Page) -> Frame | None:
    """The ``streamlit_folium`` iframe as it is now (drawn or not), or None."""
    for frame in page.frames:
        if "streamlit_folium" in frame.url and not frame.is_detached():
            return frame
    return None


def wait_map(page: Page, want: dict[str, str] | None, timeout_s: float) -> tuple[Frame, int]:
    """Wait (polling every animation frame) until the map draws the wanted units, then two more frames.

    ``want``: None for any unit, or ``{"prefix": ..., "exclude": ...}`` (see :data:`UNITS_READY_JS`).
    Returns the iframe and the number of units drawn; raises ``RuntimeError`` after ``timeout_s``.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        frame = find_map_frame(page)
        if frame is None:
            page.wait_for_timeout(20)
            continue
        try:
            remaining = max(100, int((deadline - time.monotonic()) * 1000))
            handle = frame.wait_for_function(UNITS_READY_JS, arg=want, polling="raf", timeout=remaining)
            n = int(handle.json_value())
            frame.evaluate(TWO_FRAMES_JS)
            return frame, n
        except Exception as exc:  # the frame navigated or was replaced: look again
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:200]:
                break
            page.wait_for_timeout(20)
    raise RuntimeError(f"the command map did not draw the wanted units ({want}) within {timeout_s:.0f} s")


def unit_click_point(page: Page, frame: Frame, code: str, settle_ms: int = 0) -> tuple[float, float]:
    """Page coordinates of a free spot inside unit ``code`` (the map scrolled into view first)."""
    iframe = page.locator(MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    if settle_ms:
        page.wait_for_timeout(settle_ms)
    point = frame.evaluate(CLICK_POINT_JS, code)
    for _ in range(30):  # a busy machine: the map may still be moving or a tooltip fading (up to ~3 s)
        if point is not None:
            break
        page.wait_for_timeout(100)
        point = frame.evaluate(CLICK_POINT_JS, code)
    assert point is not None, f"no free spot inside unit {code} to click"
    box = iframe.bounding_box()
    assert box is not None, "the map iframe has no box on the page"
    return box["x"] + point["x"], box["y"] + point["y"]


def click_unit(page: Page, frame: Frame, code: str) -> None:
    """A real mouse click inside unit ``code`` on the map (what a commander does to drill down)."""
    page.mouse.click(*unit_click_point(page, frame, code))
