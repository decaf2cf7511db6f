"""The planner's library (网格规划): boundary plans, their edits, checks and versions.

No Streamlit here. A *plan* is the units of one plan version of a county, as a
GeoDataFrame in EPSG:4326 with the columns of the ``units`` layer; the editable
coverage lives on the grid Leaflet returns (:data:`PRECISION`, 1e-6 degrees), and
metric work (areas, slivers, distances) is done in :func:`gridmap.spatial.crs.metric_crs`.

Modules:

- :mod:`gridmap.plan.model` -- shared types: :class:`Problem`, :data:`PRECISION`,
  :func:`snap`, the plan frame's columns.
- :mod:`gridmap.plan.errors` -- :class:`PlanError` and its kinds, in words.
- :mod:`gridmap.plan.edit` -- reshape (neighbours follow), split, merge, add; undo/redo.
- :mod:`gridmap.plan.checks` -- the validator: ``plan -> list[Problem]`` callables; balance.
- :mod:`gridmap.plan.versions` -- drafts, optimistic saves, publish (now or scheduled),
  impact preview, history and roll-back.
- :mod:`gridmap.plan.partition` -- auto-partition into ~30-household micro-grids;
  assignment (cell -> micro-grid) in and out; GeoPackage round trip.
"""
