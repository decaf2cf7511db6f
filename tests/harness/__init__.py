"""The browser/server harness shared by ``tests/browser/``, ``benchmarks/`` and ``tools/``.

The real app served by ``streamlit run app.py``, driven by Debian's Chromium through
Playwright's sync API. Plain Python: nothing here imports pytest, so a benchmark or a
tool imports it as it is (``sys.path`` holding the repository root); the pytest
fixtures in ``tests/browser/conftest.py`` wrap it.

- :mod:`.server` -- :class:`StreamlitServer` (``streamlit run app.py`` on a free port,
  in its own process group, logging to a file) and :func:`free_port`.
- :mod:`.processes` -- process trees from ``/proc``: their resident memory and CPU time, and
  :func:`kill_tree` for programs that leave their parent's process group.
- :mod:`.browser` -- :data:`CHROMIUM_ARGS`, :func:`launch_chromium`, :func:`new_context`,
  the sign-in steps (:func:`fill_sign_in`, :func:`sign_in`) and :func:`wait_for_app`.
- :mod:`.command_map` -- the Leaflet map inside the ``streamlit_folium`` iframe:
  :func:`wait_map` (its unit polygons are drawn), :func:`unit_click_point` and
  :func:`click_unit` (a real mouse click inside a unit's polygon).
"""

from tests.harness.browser import (
    APP_SETTLED_JS,
    CHROMIUM_ARGS,
    LOCAL_HOSTS,
    PAGE_TIMEOUT_MS,
    chromium_path,
    fill_sign_in,
    launch_chromium,
    new_context,
    sign_in,
    wait_for_app,
)
from tests.harness.command_map import (
    CLICK_POINT_JS,
    IFRAME_COUNTER_JS,
    MAP_IFRAME,
    TWO_FRAMES_JS,
    UNITS_READY_JS,
    click_unit,
    find_map_frame,
    unit_click_point,
    wait_map,
)
from tests.harness.processes import children, descendants, kill_tree, tree_cpu_s, tree_rss_kb
from tests.harness.server import ServerError, StreamlitServer, free_port

__all__ = [
    "APP_SETTLED_JS",
    "CHROMIUM_ARGS",
    "CLICK_POINT_JS",
    "IFRAME_COUNTER_JS",
    "LOCAL_HOSTS",
    "MAP_IFRAME",
    "PAGE_TIMEOUT_MS",
    "TWO_FRAMES_JS",
    "UNITS_READY_JS",
    "ServerError",
    "StreamlitServer",
    "children",
    "chromium_path",
    "click_unit",
    "descendants",
    "fill_sign_in",
    "find_map_frame",
    "free_port",
    "kill_tree",
    "launch_chromium",
    "new_context",
    "sign_in",
    "tree_cpu_s",
    "tree_rss_kb",
    "unit_click_point",
    "wait_for_app",
    "wait_map",
]
