"""Issue 9 item 10: Leaflet's attribution prefix (its link and flag) sat on a county map.

Only the data and tile attributions are shown.
"""

from __future__ import annotations

import re

from gridmap.maps import OFFLINE, base_map, tile_source


def test_no_leaflet_prefix_in_the_attribution() -> None:
    for tiles in (OFFLINE, tile_source({"GRIDMAP_TILES": "gaode"})):
        html = base_map((27.51, 120.41), tiles=tiles, check_assets=False).get_root().render()
        assert re.search(r"attributionControl\.setPrefix\((false|''|\"\")\)", html), \
            "the base map must switch Leaflet's prefix off"
