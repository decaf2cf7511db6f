"""Upload checks (gridmap.uploads).

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "upload.empty": (
        "文件 {name} 是空的（0 字节），请重新选择文件。",
        "The file {name} is empty (0 bytes); choose the file again.",
    ),
    "upload.too_large": (
        "文件 {name} 大小为 {size}，超过上限 {limit}，请压缩或拆分后再上传。",
        "The file {name} is {size}, above the limit of {limit}; compress or split it and upload again.",
    ),
    "upload.markup": (
        "文件 {name} 的内容是 {found}（网页或标记文件），其中可以嵌入脚本，不予接收。",
        "The file {name} is {found} (a web page or markup file), which can carry scripts; it was refused.",
    ),
    "upload.unknown_content": (
        "无法识别文件 {name} 的内容类型，不予接收。",
        "The content of the file {name} is of an unknown type; it was refused.",
    ),
    "upload.not_image": (
        "文件 {name} 不是支持的图片：需要 JPEG、PNG 或 WebP，而文件内容是 {found}。",
        "The file {name} is not a supported picture: JPEG, PNG or WebP expected, but its content is {found}.",
    ),
    "upload.not_data": (
        "文件 {name} 不是支持的数据文件：需要 GeoPackage、GeoJSON、Shapefile 的 zip 压缩包或 CSV，而文件内容是 {found}。",
        "The file {name} is not a supported data file: GeoPackage, GeoJSON, a zipped Shapefile or CSV expected, but its content is {found}.",
    ),
    "upload.name_mismatch": (
        "文件 {name} 的内容是 {found}，与文件名后缀 {suffix} 不符；请确认选择了正确的文件，或将后缀改为 {right} 后重新上传。",
        "The file {name} contains {found}, which does not match its suffix {suffix}; check that you chose the right file, or rename it to {right} and upload it again.",
    ),
    "upload.note.renamed": (
        "文件 {name} 的内容是 {found}，已按 {right} 文件接收（原后缀 {suffix}）。",
        "The file {name} contains {found}; it was accepted as a {right} file (its suffix was {suffix}).",
    ),
    "upload.shapefile_alone": (
        "Shapefile {name} 不能单独上传：请把 .shp、.shx、.dbf、.prj（及 .cpg）一起打包成 zip 后上传。",
        "The Shapefile {name} cannot be uploaded on its own: zip the .shp, .shx, .dbf and .prj files (and .cpg) together and upload the zip.",
    ),
    "upload.not_geopackage": (
        "文件 {name} 是 SQLite 数据库，但不是 GeoPackage（缺少 GeoPackage 标识）。",
        "The file {name} is an SQLite database but not a GeoPackage (it lacks the GeoPackage id).",
    ),
    "upload.text_encoding": (
        "无法识别 {name} 的文字编码（既不是 UTF-8 也不是 GB18030），请另存为 UTF-8 后再上传。",
        "The text encoding of {name} is not recognised (neither UTF-8 nor GB18030); save it as UTF-8 and upload it again.",
    ),
    "upload.too_many_pixels": (
        "图片 {name} 为 {width}×{height} 像素（约 {megapixels} 百万像素），超过上限 {limit} 百万像素（疑似“解压炸弹”），请缩小后再上传。",
        "The picture {name} is {width}×{height} pixels (about {megapixels} megapixels), above the limit of {limit} megapixels (a possible decompression bomb); make it smaller and upload it again.",
    ),
    "upload.image_unreadable": (
        "无法读取图片 {name}（文件损坏或不完整）：{detail}",
        "The picture {name} cannot be read (damaged or incomplete): {detail}",
    ),
    "upload.bad_archive": ("压缩包 {name} 被拒绝：{detail}", "The zip archive {name} was refused: {detail}"),
    "upload.archive_no_data": (
        "压缩包 {name} 中没有可导入的数据文件（.shp、.gpkg、.geojson 或 .csv；.txt 须有经纬度列或 WKT 列），其中只有：{members}。",
        "The zip archive {name} holds no data file to import (.shp, .gpkg, .geojson or .csv; a .txt needs coordinate or WKT columns); it holds only: {members}.",
    ),
    "upload.archive_member_markup": (
        "压缩包 {name} 中的 {member} 实际是 {found}（网页或标记文件），不予接收。",
        "{member} in the zip archive {name} is really {found} (a web page or markup file); it was refused.",
    ),
    "upload.archive_member_mismatch": (
        "压缩包 {name} 中的 {member} 内容是 {found}，与后缀不符（应为 {expected}）。",
        "{member} in the zip archive {name} contains {found}, which does not match its suffix ({expected} expected).",
    ),
    "upload.geojson_not_utf8": (
        "压缩包 {name} 中的 GeoJSON 文件 {member} 不是 UTF-8 编码，请另存为 UTF-8 后重新打包。",
        "The GeoJSON file {member} in the zip archive {name} is not UTF-8; save it as UTF-8 and zip it again.",
    ),
    "upload.bad_geojson": (
        "文件 {name} 不是有效的 GeoJSON：{detail}",
        "The file {name} is not valid GeoJSON: {detail}",
    ),
    "upload.json_too_deep": (
        "文件 {name} 的 JSON 嵌套 {depth} 层，超过上限 {limit} 层（GeoJSON 通常不超过 10 层），不予接收。",
        "The file {name} is JSON nested {depth} levels deep, above the limit of {limit} (GeoJSON rarely needs 10); it was refused.",
    ),
    "upload.not_geojson": ("文件 {name}：{what}", "The file {name}: {what}"),
    "upload.note.metadata_removed": (
        "已去除照片中的全部元数据（拍摄位置、设备信息等），只保存画面本身。",
        "All metadata (location, camera details and the like) was removed from the photo; only the picture is kept.",
    ),
    "upload.note.colour_converted": (
        "照片的色彩已转换为标准 sRGB。",
        "The photo's colours were converted to standard sRGB.",
    ),
    "upload.note.gps_found": (
        "照片记录了拍摄位置：纬度 {lat}，经度 {lon}（WGS84），可选择用作位置。",
        "The photo records where it was taken: latitude {lat}, longitude {lon} (WGS84); you can use it as the location.",
    ),
    "upload.note.transcoded": (
        "GeoJSON 文件是 GB18030（GBK）编码，已转换为 UTF-8。",
        "The GeoJSON file was encoded in GB18030 (GBK); it was converted to UTF-8.",
    ),
    "upload.note.gb18030": (
        "CSV 文件不是 UTF-8 编码，将按 GB18030（GBK）读取。",
        "The CSV file is not UTF-8; it will be read as GB18030 (GBK).",
    ),
    "upload.use_photo_location": ("使用照片中的拍摄位置", "Use the location stored in the photo"),
}
