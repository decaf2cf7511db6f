"""The deterministic demo county: 苍南县 (330327) at its real place, with invented people.

- :func:`generate` -- every layer of :data:`gridmap.domain.LAYERS` as frames, for
  ``"small"`` (宜山镇 alone) or ``"county"`` (all 18 towns), from a seed.
- :func:`load_demo` -- generate and write it into a store in one transaction.
- :data:`SCALES`, :data:`COUNTY_CODE`, :data:`SMALL_TOWN_CODE`.

Real: the county outline, the towns and villages with their NBS codes and names
(``geodata/``). Approximate: the town, village, grid and micro-grid polygons
(``approximate=True``). Invented: households, people, stations, hazards, issues and
reports. Module map: ``places`` (real data and layout), ``population`` (households,
grouping), ``hierarchy`` (polygons), ``units``/``households``/``stations``/``hazards``/
``issues``/``reports`` (one layer each), ``build`` (the recipe), ``load`` (the store).
"""

from gridmap.demo.build import SCALES, generate
from gridmap.demo.load import load_demo
from gridmap.demo.places import COUNTY_CODE, SMALL_TOWN_CODE

__all__ = ["COUNTY_CODE", "SCALES", "SMALL_TOWN_CODE", "generate", "load_demo"]
