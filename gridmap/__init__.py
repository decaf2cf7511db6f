"""gridmap: 网格一张图 — map-centric grid governance."""
