"""The import page (pages/data_import.py): files in, Open311 GeoReport v2 out."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.data_import": ("数据导入", "Import data"),
    "dimport.title": ("数据导入", "Import data"),
    "dimport.caption": (
        "导入事件、房屋、服务站点或隐患点位文件：GeoJSON、GeoPackage、Shapefile（zip）、CSV，"
        "以及 Open311 GeoReport v2 服务请求 JSON（自动识别，作为事件导入）。导入要么全部写入，要么什么都不写。",
        "Import a file of issues, households, service stations or hazards: GeoJSON, GeoPackage, Shapefile (zip), "
        "CSV, and Open311 GeoReport v2 service requests JSON (recognised by its content, imported as issues). "
        "An import writes everything or nothing.",
    ),
    "dimport.layer": ("导入到", "Import into"),
    "dimport.unknown_category": ("未知服务代码归入", "File unknown service codes under"),
    "dimport.unknown_help": (
        "Open311 文件中不对应任何事件类别的服务代码：归入所选类别（导入报告会列出条数），或拒绝整个文件",
        "Open311 service codes that match no issue category: file them under this category (the report counts "
        "them), or refuse the file",
    ),
    "dimport.refuse_unknown": ("不归入（拒绝文件并列出代码）", "None (refuse the file, naming the codes)"),
    "dimport.file": ("选择文件", "Choose a file"),
    "dimport.run": ("导入", "Import"),
    "dimport.store_error": ("数据库拒绝了写入，未写入任何数据：{detail}", "The store refused the write; nothing was written: {detail}"),
    "dimport.open311_out": ("导出 Open311 GeoReport v2", "Export Open311 GeoReport v2"),
    "dimport.open311_out_caption": (
        "服务类型列表（事件类别）与服务请求（辖区内的事件），JSON 格式，符合 GeoReport v2 规范。",
        "The service list (issue categories) and the service requests (the issues of your jurisdiction) as "
        "GeoReport v2 JSON.",
    ),
    "dimport.services": ("下载服务类型列表 services.json", "Download services.json"),
    "dimport.requests": ("下载服务请求 requests.json", "Download requests.json"),
}
