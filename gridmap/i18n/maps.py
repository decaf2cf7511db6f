"""The map (gridmap.maps): layers, legends, tiles.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "map.layer.new": ("刚刚新增", "Just arrived"),
    "map.layer.boundaries": ("{level}边界", "{level} boundaries"),
    "map.field.name": ("名称", "Name"),
    "map.field.value": ("数值", "Value"),
    "map.field.households": ("户数", "Households"),
    "map.field.risk": ("三色等级", "Risk colour"),
    "map.field.type": ("类型", "Type"),
    "map.field.status": ("状态", "Status"),
    "map.field.category": ("类别", "Category"),
    "map.field.description": ("描述", "Description"),
    "map.field.reported_at": ("上报时间", "Reported"),
    "map.field.deadline": ("办理时限", "Deadline"),
    "map.field.found_at": ("发现时间", "Found"),
    "map.field.severity": ("隐患等级", "Severity"),
    "map.field.place_type": ("场所类型", "Place"),
    "map.field.hazards": ("隐患类型", "Hazards"),
    "map.legend.risk": ("三色管理", "Three-colour risk"),
    "map.legend.overdue": ("已超期", "Overdue"),
    "map.legend.no_data": ("无数据", "No data"),
    "map.legend.heat": ("密度：低 → 高", "Density: low → high"),
    "map.legend.cluster": ("聚合：数字为点数", "Cluster: the number counts points"),
    "map.legend.cluster_late": ("红圈：聚合中含超期", "Red ring: holds overdue points"),
    "map.legend.new": ("本次刷新新增（蓝色虚线圈）", "New since the last refresh (blue dashed ring)"),
    "map.assets_missing": (
        "地图组件（Leaflet 及插件）尚未安装到 static/vendor，请先运行 `make assets`。",
        "The map components (Leaflet and plugins) are not installed in static/vendor; run `make assets` first.",
    ),
    "map.tiles.error.unknown": (
        "底图配置有误：GRIDMAP_TILES={value} 不是可用的底图，可选：{choices}。",
        "Tile configuration error: GRIDMAP_TILES={value} is not a tile source; choose one of {choices}.",
    ),
    "map.tiles.error.conflict": (
        "同时设置了 GRIDMAP_TILE_URL 和 GRIDMAP_TILES={source}，请只保留一个（或设 GRIDMAP_TILES=custom）。",
        "Both GRIDMAP_TILE_URL and GRIDMAP_TILES={source} are set; keep one (or set GRIDMAP_TILES=custom).",
    ),
    "map.tiles.error.tianditu_key": (
        "使用天地图底图需要在环境变量 {variable} 中配置天地图浏览器端密钥（tk）。",
        "Tianditu tiles need a Tianditu browser key (tk) in the environment variable {variable}.",
    ),
    "map.tiles.error.custom_url": (
        "自定义底图需要在环境变量 {variable} 中配置包含 {{x}}、{{y}}、{{z}} 的瓦片地址。",
        "A custom tile server needs a tile URL containing {{x}}, {{y}} and {{z}} in the environment variable {variable}.",
    ),
    "map.tiles.error.custom_attribution": (
        "自定义底图需要在环境变量 {variable} 中填写底图数据的版权署名。",
        "A custom tile server needs the tile data's copyright credit in the environment variable {variable}.",
    ),
    "map.tiles.error.custom_crs": (
        "GRIDMAP_TILE_CRS={value} 无效，可选 wgs84 或 gcj02。",
        "GRIDMAP_TILE_CRS={value} is not valid; use wgs84 or gcj02.",
    ),
    "map.tiles.error.custom_zoom": (
        "GRIDMAP_TILE_MAX_ZOOM={value} 不是 1–22 之间的缩放级别。",
        "GRIDMAP_TILE_MAX_ZOOM={value} is not a zoom level between 1 and 22.",
    ),
}
