"""Import and export messages (gridmap.io): problems, repairs, notes and the report.

Each key is written once: ``key: (Chinese, English)``. A problem's text is
``io.located`` = ``<where>：<detail>``; the ``where`` words are ``io.where.*``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --------------------------------------------------------------- where, refusal, report
    "io.where.file": ("文件", "File"),
    "io.where.feature": ("第 {n} 个要素", "Feature {n}"),
    "io.where.feature_ref": ("第 {n} 个要素（{ref}）", "Feature {n} ({ref})"),
    "io.where.unit": ("单元 {code}", "Unit {code}"),
    "io.located": ("{where}：{detail}", "{where}: {detail}"),
    "io.rejected.header": (
        "导入被拒绝，未写入任何数据：发现 {count} 个问题",
        "Import refused, nothing was written: {count} problem(s) found",
    ),
    "io.rejected.more": ("……另有 {count} 个问题", "... and {count} more problem(s)"),
    "io.rejected.repairs": (
        "读取时已做的修复（因导入被拒绝，均未写入）：{count} 条",
        "Repairs made while reading (none written, since the import was refused): {count}",
    ),
    "io.report.summary": (
        "{layer}：读取 {read} 条，写入 {written} 条（{mode}），修复 {repaired} 条，不在任何微网格内 {outside} 条",
        "{layer}: {read} read, {written} written ({mode}), {repaired} repaired, {outside} in no micro-grid",
    ),
    "io.mode.append": ("追加", "appended"),
    "io.mode.replace": ("替换", "replaced"),
    "io.report.note": ("说明：{note}", "Note: {note}"),
    "io.report.repair": ("修复：{repair}", "Repaired: {repair}"),
    "io.report.more_repairs": ("……另有 {count} 条修复", "... and {count} more repair(s)"),
    "io.size.mib": ("{mib} MiB", "{mib} MiB"),
    "io.size.bytes": ("{n:,} 字节", "{n:,} bytes"),
    # --------------------------------------------------------------- files and archives
    "io.file.missing": ("找不到文件 {path}", "File {path} not found"),
    "io.file.not_a_file": ("{path} 不是文件", "{path} is not a file"),
    "io.file.too_large": (
        "文件 {name} 共 {size}，超过上限 {limit}；请拆分后分批导入",
        "The file {name} is {size}, above the limit of {limit}; split it and import the parts one by one",
    ),
    "io.file.no_features": ("{name} 中没有任何要素", "{name} holds no features"),
    "io.format.unsupported": (
        "不支持的文件类型 {suffix}；支持 GeoJSON、GeoPackage、Shapefile（.zip 或 .shp）和 CSV",
        "Unsupported file type {suffix}; GeoJSON, GeoPackage, Shapefile (.zip or .shp) and CSV can be imported",
    ),
    "io.read.failed": ("无法读取 {name}：{detail}", "{name} cannot be read: {detail}"),
    "io.zip.bad": ("{name} 不是有效的 zip 压缩包（{detail}）", "{name} is not a valid zip archive ({detail})"),
    "io.zip.too_many_members": (
        "压缩包内有 {count} 个文件，超过上限 {limit}",
        "The zip archive holds {count} files, above the limit of {limit}",
    ),
    "io.zip.too_large_unpacked": (
        "压缩包解压后共 {size}，超过上限 {limit}",
        "The zip archive unpacks to {size}, above the limit of {limit}",
    ),
    "io.zip.symlink": (
        "压缩包成员 {member} 是符号链接，不予解压",
        "The zip member {member} is a symbolic link; it is not unpacked",
    ),
    "io.zip.encrypted": (
        "压缩包成员 {member} 已加密，请去掉密码后再导入",
        "The zip member {member} is encrypted; remove the password and import it again",
    ),
    "io.zip.ratio": (
        "压缩包成员 {member} 压缩比 {ratio}:1，超过上限 {limit}:1（疑似压缩炸弹）",
        "The zip member {member} is compressed {ratio}:1, above the limit of {limit}:1 (a possible zip bomb)",
    ),
    "io.zip.traversal": (
        "压缩包成员名 {member} 指向解压目录之外（绝对路径或含 ..），不予解压",
        "The zip member name {member} points outside the unpacking folder (an absolute path or ..); "
        "it is not unpacked",
    ),
    "io.zip.escapes": (
        "压缩包成员名 {member} 指向解压目录之外，不予解压",
        "The zip member name {member} points outside the unpacking folder; it is not unpacked",
    ),
    "io.zip.member_size": (
        "压缩包成员 {member} 的实际大小超过其声明的 {size} 字节",
        "The zip member {member} is larger than the {size} bytes it declares",
    ),
    "io.zip.no_data": (
        "压缩包 {archive} 中没有可读取的数据文件（.shp、.gpkg、.geojson 或 .csv；.txt 须有经纬度列或 WKT 列），"
        "其中只有：{members}",
        "The zip archive {archive} holds no data file to import (.shp, .gpkg, .geojson or .csv; a .txt needs "
        "coordinate or WKT columns); it holds only: {members}",
    ),
    "io.zip.several": (
        "压缩包 {archive} 中有多个数据文件（{names}）；请只放一个，或将要导入的文件命名为 {layer}",
        "The zip archive {archive} holds several data files ({names}); keep only one, or name the one to "
        "import {layer}",
    ),
    "io.shp.siblings_missing": (
        "Shapefile {name} 缺少配套文件 {missing}；请把 .shp/.shx/.dbf/.prj（及 .cpg）一起打包成 zip 导入",
        "The Shapefile {name} lacks {missing}; zip the .shp/.shx/.dbf/.prj (and .cpg) files together and "
        "import the zip",
    ),
    "io.gpkg.several_layers": (
        "{name} 含多个图层（{layers}）；请将要导入的图层命名为 {layer}",
        "{name} holds several layers ({layers}); name the one to import {layer}",
    ),
    # --------------------------------------------------------------- JSON
    "io.json.too_deep": (
        "{name} 的 JSON 嵌套 {depth} 层，超过上限 {limit} 层（GeoJSON 通常不超过 10 层），不予读取",
        "{name} is JSON nested {depth} levels deep, above the limit of {limit} (GeoJSON rarely needs 10); "
        "it is not read",
    ),
    "io.json.invalid": (
        "{name} 不是有效的 JSON：第 {line} 行第 {column} 列：{detail}",
        "{name} is not valid JSON: line {line}, column {column}: {detail}",
    ),
    "io.json.not_importable": ("{name}：{what}", "{name}: {what}"),
    "io.json.open311_requests_found": (
        "这是 Open311 GeoReport v2 服务请求（service requests）JSON（{count} 条）：请作为事件导入"
        "（python -m gridmap import issues 文件，或“数据导入”页面）",
        "this is Open311 GeoReport v2 service requests JSON ({count} record(s)): import it as issues "
        "(python -m gridmap import issues FILE, or the Import data page)",
    ),
    "io.json.open311_services_found": (
        "这是 Open311 GeoReport v2 服务类型列表（services）JSON（{count} 条）：其中没有事件，无需导入",
        "this is an Open311 GeoReport v2 service list (services) JSON ({count} record(s)): it holds no issues "
        "and is not imported",
    ),
    "io.json.not_geojson_type": (
        "不是 GeoJSON：顶层 type 为 {type}，应为 {types} 之一",
        "not GeoJSON: the top-level type is {type}, expected one of {types}",
    ),
    "io.json.not_geojson_keys": (
        "不是 GeoJSON：顶层对象没有 type 成员（现有成员：{keys}）",
        "not GeoJSON: the top-level object has no type member (it has: {keys})",
    ),
    "io.json.not_geojson_top": (
        "不是 GeoJSON：顶层是{top}，应为含 \"type\": \"FeatureCollection\" 的对象",
        "not GeoJSON: the top level is {top}, expected an object with \"type\": \"FeatureCollection\"",
    ),
    "io.json.top.list": ("数组（列表）", "an array (a list)"),
    "io.json.top.string": ("字符串", "a string"),
    "io.json.top.number": ("数字", "a number"),
    "io.json.top.literal": ("true/false/null", "true/false/null"),
    # --------------------------------------------------------------- CSV
    "io.csv.unparsable": ("无法解析 CSV 文件 {name}：{detail}", "The CSV file {name} cannot be parsed: {detail}"),
    "io.csv.encoding": (
        "无法识别 {name} 的文字编码（既不是 UTF-8 也不是 GB18030）；请另存为 UTF-8 CSV",
        "The text encoding of {name} is not recognised (neither UTF-8 nor GB18030); save it as a UTF-8 CSV",
    ),
    "io.csv.no_coordinates": (
        "CSV 中找不到坐标列；需要经纬度列（{pairs}）或 WKT 列（{wkt}）；现有列：{columns}",
        "The CSV has no coordinate columns; it needs longitude/latitude columns ({pairs}) or a WKT column "
        "({wkt}); its columns: {columns}",
    ),
    "io.csv.not_a_table": (
        "{name} 看起来不是表格：第一行 {first} 没有用逗号（或制表符、分号）分隔的列名；"
        "CSV 需要经纬度列（{pairs}）或 WKT 列（{wkt}）",
        "{name} does not look like a table: its first line {first} has no column names separated by commas "
        "(or tabs, semicolons); a CSV needs longitude/latitude columns ({pairs}) or a WKT column ({wkt})",
    ),
    "io.csv.not_number": (
        "坐标列 {column} 的值 {value} 不是数字",
        "the value {value} of the coordinate column {column} is not a number",
    ),
    "io.note.csv_utf8": ("CSV 已按 UTF-8 读取", "The CSV was read as UTF-8"),
    "io.note.csv_gb18030": (
        "CSV 不是 UTF-8 编码，已按 GB18030（GBK）读取",
        "The CSV is not UTF-8; it was read as GB18030 (GBK)",
    ),
    "io.note.csv_delimiter": ("CSV 的列以{delimiter}分隔", "The CSV columns are separated by {delimiter}"),
    "io.delimiter.comma": ("逗号", "commas"),
    "io.delimiter.tab": ("制表符", "tabs"),
    "io.delimiter.semicolon": ("分号", "semicolons"),
    "io.delimiter.bar": ("竖线 |", "bars (|)"),
    "io.note.dbf_utf8": (
        "属性表（.dbf）未声明编码（缺少 .cpg），已按 UTF-8 读取",
        "The attribute table (.dbf) declares no encoding (no .cpg); it was read as UTF-8",
    ),
    "io.note.dbf_gb18030": (
        "属性表（.dbf）未声明编码（缺少 .cpg）且不是 UTF-8，已按 GB18030（GBK）读取",
        "The attribute table (.dbf) declares no encoding (no .cpg) and is not UTF-8; it was read as "
        "GB18030 (GBK)",
    ),
    # --------------------------------------------------------------- geometry
    "io.geom.unreadable": ("几何无法解析（格式错误）", "the geometry cannot be parsed (malformed)"),
    "io.geom.missing": (
        "没有几何（空值，或几何类型无法识别）",
        "no geometry (empty, or a geometry type that is not recognised)",
    ),
    "io.geom.null": ("没有几何（geometry 为 null）", "no geometry (geometry is null)"),
    "io.geom.feature_not_object": (
        "不是 GeoJSON 要素对象（Feature）",
        "not a GeoJSON feature object (Feature)",
    ),
    "io.geom.not_object": (
        "geometry 的值 {value} 不是 GeoJSON 几何对象",
        "the geometry value {value} is not a GeoJSON geometry object",
    ),
    "io.geom.unknown_type": (
        "几何类型 {type} 不是 GeoJSON 的几何类型；应为 {types} 之一",
        "the geometry type {type} is not a GeoJSON geometry type; expected one of {types}",
    ),
    "io.geom.no_coordinates": ("{type} 几何缺少 coordinates", "the {type} geometry has no coordinates"),
    "io.geom.text_coordinates": (
        "坐标是文本（如 {value}），应为数字：请去掉坐标两边的引号",
        "the coordinates are text (such as {value}), not numbers: remove the quotes around them",
    ),
    "io.geom.bad_coordinates": (
        "{type} 的 coordinates 结构不对（嵌套层数或点数不符合 GeoJSON 规范）",
        "the coordinates of the {type} have the wrong shape (nesting depth or number of points "
        "does not match GeoJSON)",
    ),
    "io.geom.bad_collection": (
        "几何集合（GeometryCollection）无法读取：其成员的结构不对",
        "the GeometryCollection cannot be read: its members have the wrong shape",
    ),
    "io.geom.wkt_unreadable": (
        "{column} 列的 WKT 文本 {value} 无法解析（应如 POINT (120.4 27.5)）",
        "the WKT text {value} in column {column} cannot be parsed (expected e.g. POINT (120.4 27.5))",
    ),
    "io.geom.empty": ("几何为空（没有坐标）", "the geometry is empty (no coordinates)"),
    "io.geom.nonfinite": ("坐标含 NaN 或无穷大", "a coordinate is NaN or infinite"),
    "io.geom.too_many_vertices": (
        "有 {count:,} 个顶点，超过每个要素的上限 {limit:,}；请在 GIS 软件中简化（如 1 米容差）后再导入",
        "has {count:,} vertices, above the limit of {limit:,} per feature; simplify it in a GIS "
        "(e.g. with a 1 m tolerance) and import it again",
    ),
    "io.geom.wrong_type": (
        "几何类型为 {type}，{layer} 图层需要{want}",
        "the geometry type is {type}; the {layer} layer needs {want}",
    ),
    "io.want.point": ("点（Point）", "points (Point)"),
    "io.want.polygon": ("面（Polygon/MultiPolygon）", "polygons (Polygon/MultiPolygon)"),
    "io.geom.range_swapped": (
        "坐标 {at} 超出经纬度范围，看起来经度和纬度写反了（looks like latitude/longitude swapped）；"
        "请交换两列后再导入",
        "the coordinate {at} is outside longitude/latitude range: it looks like latitude/longitude swapped; "
        "swap the two columns and import again",
    ),
    "io.geom.range_projected": (
        "坐标 {at} 超出经纬度范围，看起来是投影坐标（米），例如 EPSG:4549（looks like projected metres）；"
        "请用 --crs 指明坐标系",
        "the coordinate {at} is outside longitude/latitude range: it looks like projected metres, "
        "e.g. EPSG:4549; give the CRS with --crs",
    ),
    "io.geom.range": (
        "坐标 {at} 超出经纬度范围（经度 -180~180，纬度 -90~90）",
        "the coordinate {at} is outside longitude/latitude range (longitude -180 to 180, latitude -90 to 90)",
    ),
    "io.geom.transform_failed": (
        "坐标无法从 {crs} 转换为经纬度（超出该坐标系的范围）",
        "the coordinates cannot be converted from {crs} to longitude/latitude (outside that CRS's area)",
    ),
    "io.geom.antimeridian": (
        "跨越 180° 经线（日界线）：经度从 {west} 到 {east}，不可能属于国内的县；"
        "请检查坐标的正负号和坐标系",
        "crosses the 180th meridian (the date line): longitudes run from {west} to {east}, which no "
        "county in China does; check the signs of the coordinates and the CRS",
    ),
    "io.geom.outside_china": (
        "坐标 {at} 不在中国境内（经度 {lon0}~{lon1}°E，纬度 {lat0}~{lat1}°N）；"
        "请检查坐标系（--crs）、经纬度顺序和正负号",
        "the coordinate {at} is outside China (longitude {lon0}-{lon1}E, latitude {lat0}-{lat1}N); "
        "check the CRS (--crs), the axis order and the signs",
    ),
    "io.geom.too_large": (
        "范围为经度 {width}° × 纬度 {height}°，超过一个县的合理范围（每个方向不超过 {limit}°）；"
        "请检查坐标或坐标系",
        "spans {width} degrees of longitude by {height} degrees of latitude, more than a county can "
        "(at most {limit} degrees each way); check the coordinates or the CRS",
    ),
    "io.geom.below_precision": (
        "比 {decimals} 位小数（约 1 厘米）的精度还小，取整后没有剩下任何面积",
        "is smaller than {decimals} decimals (about 1 cm) can hold: nothing is left after rounding",
    ),
    "io.crs.name": ("EPSG:{code}（{name}）", "EPSG:{code} ({name})"),
    "io.crs.unknown_arg": (
        "--crs {crs} 不是可识别的坐标系；示例：EPSG:4326、EPSG:4549",
        "--crs {crs} is not a known CRS; examples: EPSG:4326, EPSG:4549",
    ),
    "io.crs.unknown_file": (
        "无法识别文件声明的坐标系（{crs}）；请用 --crs 指明，例如 EPSG:4549",
        "The CRS the file declares is not recognised ({crs}); give it with --crs, e.g. EPSG:4549",
    ),
    "io.crs.none": (
        "文件没有坐标系信息（Shapefile 缺少 .prj，或图层未定义坐标系）；{hint}",
        "The file has no CRS (a Shapefile without .prj, or a layer with an undefined CRS); {hint}",
    ),
    "io.hint.crs": ("请用 --crs 指明坐标系", "give the CRS with --crs"),
    "io.hint.crs_lonlat": (
        "坐标看起来是中国境内的经纬度；如确为 WGS84 经纬度，请加 --crs EPSG:4326 再导入",
        "the coordinates look like longitude/latitude in China; if they are WGS84, import again with "
        "--crs EPSG:4326",
    ),
    "io.hint.crs_projected": (
        "坐标看起来是投影坐标（米），例如 EPSG:4549（CGCS2000 3 度带 120E）；请用 --crs 指明坐标系",
        "the coordinates look like projected metres, e.g. EPSG:4549 (CGCS2000 3-degree zone 120E); "
        "give the CRS with --crs",
    ),
    "io.crs.projected_but_degrees": (
        "坐标系是投影坐标系 {crs}（单位米），但坐标看起来是经纬度；若是 WGS84 经纬度，请使用 --crs EPSG:4326",
        "The CRS is the projected {crs} (metres), but the coordinates look like longitude/latitude; "
        "if they are WGS84, use --crs EPSG:4326",
    ),
    "io.crs.gcj02_projected": (
        "--source-crs gcj02 要求坐标是经纬度，但文件坐标系是投影坐标系 {crs}",
        "--source-crs gcj02 needs longitude/latitude, but the file's CRS is the projected {crs}",
    ),
    "io.note.crs_overridden": (
        "文件声明的坐标系为 {declared}，已按 --crs 指定的 {crs} 解读",
        "The file declares {declared}; it was read as {crs}, as --crs says",
    ),
    "io.note.transformed": (
        "坐标已从 {crs} 转换为 WGS84（EPSG:4326）",
        "Coordinates were converted from {crs} to WGS84 (EPSG:4326)",
    ),
    "io.note.gcj02": (
        "坐标已从 GCJ-02（高德/腾讯地图坐标）转换为 WGS84",
        "Coordinates were converted from GCJ-02 (Gaode/Tencent map coordinates) to WGS84",
    ),
    "io.note.precision": (
        "转换后的坐标已统一保留 {decimals} 位小数（约 1 厘米）",
        "The converted coordinates were rounded to {decimals} decimals (about 1 cm)",
    ),
    # --------------------------------------------------------------- repairs
    "io.repair.ring_closed": (
        "面的环未闭合（首尾坐标不同），已自动闭合",
        "a ring was not closed (first and last points differ); it was closed",
    ),
    "io.repair.z_dropped": (
        "含高程（Z/M）坐标，已去掉，只保留平面坐标",
        "had height (Z/M) values; they were dropped and only the plane coordinates kept",
    ),
    "io.repair.single_point": (
        "只含一个点的多点（MultiPoint），已改为点",
        "a MultiPoint holding one point; it became a Point",
    ),
    "io.repair.precision": (
        "坐标超过 {decimals} 位小数（约 1 厘米），已四舍五入到 {decimals} 位",
        "coordinates had more than {decimals} decimals (about 1 cm); they were rounded to {decimals}",
    ),
    "io.repair.orientation": (
        "环的方向不符合 RFC 7946（外环应为逆时针、内环为顺时针），已调整",
        "ring orientation did not follow RFC 7946 (exterior counter-clockwise, holes clockwise); "
        "it was reversed",
    ),
    "io.repair.made_valid": ("{reason}，已修复（make_valid）", "{reason}, repaired (make_valid)"),
    "io.repair.nothing_left": (
        "{reason}，修复后没有剩下面（退化为线或点）",
        "{reason}; a repair leaves no area (it collapses to lines or points)",
    ),
    "io.repair.cancelling": (
        "{reason}，各部分面积相互抵消（如 8 字形），无法安全地自动修复；请在 GIS 软件中修正",
        "{reason}; its parts cancel each other's area (like a figure 8), so it cannot be repaired safely; "
        "fix it in a GIS",
    ),
    "io.repair.area_change": (
        "{reason}，自动修复会使面积变化 {change}（上限 {limit}）；请在 GIS 软件中修正",
        "{reason}; a repair would change the area by {change} (limit {limit}); fix it in a GIS",
    ),
    "io.geos.reason": ("{words}（{what}）", "{words} ({what})"),
    "io.geos.reason_at": ("{words}（{what}，位置 {at}）", "{words} ({what}, at {at})"),
    "io.geos.ring_self_intersection": ("环自相交", "ring self-intersection"),
    "io.geos.self_intersection": ("面自相交", "self-intersection"),
    "io.geos.too_few_points": ("点数不足", "too few points"),
    "io.geos.hole_outside_shell": ("内环（洞）在外环之外", "a hole lies outside its shell"),
    "io.geos.nested_holes": ("内环相互嵌套", "nested holes"),
    "io.geos.interior_disconnected": ("内部不连通", "the interior is disconnected"),
    "io.geos.nested_shells": ("外环相互嵌套", "nested shells"),
    "io.geos.duplicate_rings": ("环重复", "duplicate rings"),
    "io.geos.invalid_coordinate": ("坐标无效", "an invalid coordinate"),
    "io.geos.invalid": ("几何无效", "invalid geometry"),
    # --------------------------------------------------------------- attributes
    "io.note.ignored_columns": (
        "以下列不属于 {layer} 图层，已忽略：{columns}",
        "These columns are not part of the {layer} layer and were ignored: {columns}",
    ),
    "io.note.recomputed_columns": (
        "列 {columns} 将按坐标重新计算，文件中的值已忽略",
        "The columns {columns} are computed from the coordinates; the file's values were ignored",
    ),
    "io.field.missing_required": ("缺少必填字段 {column}", "the required field {column} is missing"),
    "io.field.required_empty": ("必填字段 {column} 为空", "the required field {column} is empty"),
    "io.field.invalid": ("字段 {column} 的值 {value} {reason}", "the value {value} of the field {column} {reason}"),
    "io.field.duplicate_id": ("id {id} 重复（第 {rows} 个要素）", "the id {id} is repeated (features {rows})"),
    "io.value.not_int": ("不是整数", "is not a whole number"),
    "io.value.not_number": ("不是数字", "is not a number"),
    "io.value.not_finite": ("不是有限的数字", "is not a finite number"),
    "io.value.not_bool": (
        "不是布尔值（应为 true/false、是/否 或 1/0）",
        "is not a yes/no value (true/false, 是/否 or 1/0 expected)",
    ),
    "io.value.not_datetime": (
        "不是日期时间（应为 2026-11-01 09:30:00 这样的格式）",
        "is not a date and time (expected like 2026-11-01 09:30:00)",
    ),
    "io.value.not_date": ("不是日期（应为 2026-11-01 这样的格式）", "is not a date (expected like 2026-11-01)"),
    "io.value.not_date_has_time": (
        "不是日期（应为 2026-11-01 这样的格式，不含时刻）",
        "is not a date (expected like 2026-11-01, without a time of day)",
    ),
    "io.value.not_json_text": ("不是 JSON 文本", "is not JSON text"),
    "io.value.bad_json": (
        "不是有效的 JSON（{detail}，第 {pos} 个字符）",
        "is not valid JSON ({detail}, at character {pos})",
    ),
    "io.value.json_too_deep": (
        "是嵌套 {depth} 层的 JSON，超过上限 {limit} 层",
        "is JSON nested {depth} levels deep, above the limit of {limit}",
    ),
    "io.value.not_choice": ("不在允许的取值内；允许：{choices}", "is not an allowed value; allowed: {choices}"),
    # --------------------------------------------------------------- units
    "io.unit.parent_derived": (
        "未填上级编码，已按编码推定为 {parent}",
        "no parent code was given; {parent} was derived from the code",
    ),
    "io.unit.duplicate_code": ("编码重复（第 {rows} 个要素）", "the code is repeated (features {rows})"),
    "io.unit.code_length": (
        "{level}编码应为 {want} 位数字，实际为 {length} 位",
        "codes at level {level} have {want} digits; this one has {length} characters",
    ),
    "io.unit.parent_missing": (
        "上级单元 {parent} 既不在文件中也不在库中；请先导入上级单元",
        "the parent unit {parent} is neither in the file nor in the store; import the parent units first",
    ),
    "io.unit.level_mismatch": (
        "层级为{level}，其上级应为{want}，但上级 {parent} 是{parent_level}",
        "its level is {level}, so its parent must be at level {want}, but the parent {parent} is at level "
        "{parent_level}",
    ),
    "io.unit.prefix": (
        "编码不以上级 {parent} 的编码前缀 {prefix} 开头",
        "the code does not start with {prefix}, the code prefix of its parent {parent}",
    ),
    "io.unit.outside_parent": (
        "超出上级单元 {parent} 的范围 {area} 平方米（占本单元面积 {share}）",
        "lies {area} m² outside its parent unit {parent} ({share} of its area)",
    ),
    "io.unit.overlap": (
        "与同级单元 {other} 重叠 {area} 平方米（占较小者面积 {share}）",
        "overlaps the sibling unit {other} by {area} m² ({share} of the smaller one's area)",
    ),
    "io.units.several_versions": (
        "文件含多个规划版本 {versions}；一次只能导入一个版本",
        "the file holds several plan versions ({versions}); import one version at a time",
    ),
    "io.units.exists": (
        "已存在于第 {version} 版规划中；要整体替换请用 replace 模式",
        "already exists in plan version {version}; use the replace mode to replace the units as a whole",
    ),
    # --------------------------------------------------------------- store side
    "io.county.other": (
        "county_code 为 {value}，不属于本县 {county}",
        "county_code is {value}, not this county ({county})",
    ),
    "io.county.unit_other": (
        "单元编码 {code} 不属于本县 {county}",
        "the unit code {code} is not of this county ({county})",
    ),
    "io.note.no_micro_grids": (
        "本县第 {plan} 版规划中还没有微网格，全部点位暂标为“未落格”；导入边界后请重新分配",
        "Plan version {plan} of the county has no micro-grids yet, so every point is marked as in no "
        "micro-grid; assign them again after importing the boundaries",
    ),
    "io.assign.failed": ("无法把点位分配到网格：{detail}", "the points cannot be assigned to grids: {detail}"),
    "io.write.refused": (
        "写入被拒绝，已全部回滚：{detail}",
        "the write was refused and everything rolled back: {detail}",
    ),
}
