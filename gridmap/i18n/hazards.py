"""The hazard page (隐患排查): filters, views, hot spots, recording, rectification, places, route.

Each key is written once: ``key: (Chinese, English)``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "nav.hazards": ("隐患排查", "Hazards"),
    "hazards.title": ("隐患排查一张图", "Hazard map"),
    "hazards.not_for_role": (
        "“{role}”不能使用隐患排查页面；此页面供{roles}使用。请从左侧菜单打开其他页面。",
        "The role “{role}” cannot use the hazard page; it is for: {roles}. Open another page from the menu.",
    ),
    "workflow.address_too_long": ("地址太长：{n} 个字符，最多 {limit} 个。",
                                  "The address is too long: {n} characters, at most {limit}."),
    "hazards.store_failed": ("保存失败，未写入任何内容：{detail}", "Nothing was saved: {detail}"),
    "hazards.stats_missing": ("统计模块尚未安装（gridmap.hotspots），此处暂显示隐患点位。",
                              "The statistics module (gridmap.hotspots) is not available; the points are shown."),
    "hazards.stats_refused": ("无法计算：{detail}", "Cannot be computed: {detail}"),
    # -- filters -------------------------------------------------------------------
    "hazards.filters": ("筛选（条件保存在网页地址中）", "Filters (kept in the page's address)"),
    "hazards.share": ("把此视图发给同事的链接：", "The link to send a colleague this view:"),
    "hazards.all": ("全部", "All"),
    "hazards.anyone": ("全部巡查员", "Any inspector"),
    "hazards.whole": ("整个辖区", "The whole jurisdiction"),
    "hazards.f.types": ("隐患类型", "Hazard types"),
    "hazards.f.statuses": ("整改状态", "Statuses"),
    "hazards.f.severities": ("隐患等级", "Severity"),
    "hazards.f.places": ("场所类型", "Place types"),
    "hazards.f.period": ("发现时间", "Found in"),
    "hazards.f.unit": ("区域（任一层级）", "Area (any level)"),
    "hazards.f.inspector": ("巡查员", "Inspector"),
    "hazards.f.overdue": ("只看超期", "Overdue only"),
    "hazards.f.overdue_help": ("超期：未整改（已发现、整改中、已超期）且已过整改期限。",
                               "Overdue: not yet rectified (found, being rectified, overdue) and past the deadline."),
    "hazards.f.view": ("地图显示", "Map view"),
    "hazards.f.measure": ("区域着色指标", "Colour areas by"),
    "hazards.f.basis": ("热点分析单元", "Hot spots on"),
    "hazards.period_fallback": ("暂按近30天统计。", "The last 30 days are shown meanwhile."),
    "hazards.view.points": ("隐患点位", "Points"),
    "hazards.view.heat": ("热力图", "Heat"),
    "hazards.view.hex": ("六边形格网", "Hexagons"),
    "hazards.view.units": ("按区域", "By area"),
    "hazards.view.hotspots": ("热点分析", "Hot spots"),
    "hazards.view.emerging": ("时空热点趋势", "Emerging hot spots"),
    "hazards.view.cycle": ("超周期未巡查", "Due for a visit"),
    "hazards.measure.count": ("隐患数", "Hazards"),
    "hazards.measure.open": ("待整改数", "Open hazards"),
    "hazards.measure.overdue": ("超期数", "Overdue hazards"),
    "hazards.measure.per_100": ("每百户隐患数", "Hazards per 100 households"),
    "hazards.measure.rectified_share": ("整改率", "Rectified share"),
    "hazards.f.statistic": ("热点方法", "Hot-spot method"),
    "hazards.f.statistic_help": ("Gi* 找隐患扎堆的片区（热点、冷点）；局部莫兰指数还能找出“孤岛”："
                                 "周边都少、唯独它多的单元（高值异常），或周边都多、唯独它少的单元（低值异常）。",
                                 "Gi* finds areas where hazards cluster (hot and cold spots); Local Moran's I also "
                                 "finds the odd ones out: a unit with many among neighbours with few (high among "
                                 "low), or few among many (low among high)."),
    "hazards.statistic.gi": ("Gi* 热点", "Gi* hot spots"),
    "hazards.statistic.moran": ("局部莫兰（异常值）", "Local Moran (outliers)"),
    "hazards.basis.micro": ("微网格", "Micro-grids"),
    "hazards.basis.h3": ("H3 六边形", "H3 hexagons"),
    # -- the address ---------------------------------------------------------------
    "hazards.url.problem": ("地址中的参数 {parameter}=“{value}”无法使用：{reason} 已改用默认值。",
                            "The address parameter {parameter}=“{value}” cannot be used: {reason} Its default is "
                            "used instead."),
    "hazards.url.bad_codes": ("“{codes}”不是可选项；可选：{choices}。",
                              "“{codes}” is not a choice; choose from: {choices}."),
    "hazards.url.bad_period": ("时间应为 {presets} 之一，或“开始..结束”，例如 {example}。",
                               "The period must be one of {presets}, or “first..last”, e.g. {example}."),
    "hazards.url.bad_unit": ("不是区域编码（12、14 或 17 位数字）。",
                             "This is not a unit code (12, 14 or 17 digits)."),
    "hazards.url.unknown_unit": ("您的辖区内没有这个区域。", "Your jurisdiction has no such unit."),
    "hazards.url.bad_inspector": ("巡查员姓名为空、超过 {limit} 个字符或含不可见字符。",
                                  "The inspector's name is empty, longer than {limit} characters, or holds "
                                  "invisible characters."),
    "hazards.url.bad_switch": ("应为 0 或 1。", "It must be 0 or 1."),
    "hazards.url.bad_choice": ("可选：{choices}。", "Choose one of: {choices}."),
    "hazards.url.unknown_parameter": ("此页面没有这个参数；可用参数：{known}。",
                                      "This page has no such parameter; known: {known}."),
    # -- counts --------------------------------------------------------------------
    "hazards.kpi.found": ("隐患", "Hazards"),
    "hazards.kpi.open": ("待整改", "Open"),
    "hazards.kpi.overdue": ("超期", "Overdue"),
    "hazards.kpi.rectified": ("已整改/已复核", "Rectified / verified"),
    # -- map -----------------------------------------------------------------------
    "hazards.locate": ("用本机定位（GPS）选点", "Use this device's position (GPS)"),
    "hazards.locate_unavailable": ("浏览器未提供定位（需 HTTPS 或 localhost，并允许定位）",
                                   "The browser gave no position (needs HTTPS or localhost, and permission)"),
    "hazards.pick_layer": ("新隐患位置", "New hazard's position"),
    "hazards.heat_note": ("热力图只是视觉印象，颜色深浅取决于半径与缩放，不代表统计上的热点；"
                          "判断隐患是否真正聚集请看“热点分析”。",
                          "The heat map is a visual impression only: its colours depend on the radius and the "
                          "zoom and do not mean a statistical hot spot. See “Hot spots” for real clusters."),
    "hazards.no_households": ("您的角色看不到户数，因此这里只显示隐患数，不显示每百户比率。",
                              "Your role does not see household figures, so counts are shown, not rates per 100 "
                              "households."),
    "hazards.hex.count": ("隐患数", "Hazards"),
    "hazards.hex.households": ("户数", "Households"),
    "hazards.hex.rate": ("每百户", "Per 100 households"),
    "hazards.hex.legend": ("隐患数（H3 第 {res} 级）", "Hazards (H3 resolution {res})"),
    "hazards.hex.method": ("H3 第 {res} 级六边形（边长约 {edge} 米），随地图缩放变化；共 {n} 个有隐患的格子。",
                           "H3 hexagons of resolution {res} (edges about {edge} m), following the zoom; {n} cells "
                           "hold hazards."),
    "hazards.hex.coarser": ("缩放对应第 {wanted} 级，但区域格子数会超过 {limit}，改用第 {res} 级；放大或选小区域可更细。",
                            "The zoom asks for resolution {wanted}, but the area would hold more than {limit} "
                            "cells: {res} is used. Zoom in or pick a smaller area for finer cells."),
    # -- hot spots -----------------------------------------------------------------
    "hazards.hot.legend": ("热点分析（Gi*，置信度）", "Hot spots (Gi*, confidence)"),
    "hazards.hot.bin.3": ("热点 99% 置信度", "Hot spot, 99% confidence"),
    "hazards.hot.bin.2": ("热点 95% 置信度", "Hot spot, 95% confidence"),
    "hazards.hot.bin.1": ("热点 90% 置信度", "Hot spot, 90% confidence"),
    "hazards.hot.bin.0": ("不显著", "Not significant"),
    "hazards.hot.bin.-1": ("冷点 90% 置信度", "Cold spot, 90% confidence"),
    "hazards.hot.bin.-2": ("冷点 95% 置信度", "Cold spot, 95% confidence"),
    "hazards.hot.bin.-3": ("冷点 99% 置信度", "Cold spot, 99% confidence"),
    "hazards.hot.col.bin": ("结果", "Result"),
    "hazards.hot.col.count": ("隐患数", "Hazards"),
    "hazards.hot.unit": ("微网格", "Micro-grid"),
    "hazards.hot.cell": ("H3 格子", "H3 cell"),
    "hazards.hot.no_units": ("所选区域没有微网格，无法分析。", "The selection has no micro-grids to analyse."),
    "hazards.hot.method": (
        "计算方法：Getis-Ord Gi* 热点分析，变量为{variable}；邻域为{neighbours}；{inference}；{correction}。"
        "共 {n} 个分析单元（没有隐患的单元也计入）。",
        "Method: Getis-Ord Gi* hot spot analysis of {variable}; neighbours: {neighbours}; {inference}; "
        "{correction}. {n} units analysed (units without hazards included).",
    ),
    "hazards.hot.variable.count": ("隐患数", "the hazard count"),
    "hazards.hot.variable.rate": ("每百户隐患数（原始比率）", "hazards per 100 households (raw rate)"),
    "hazards.hot.variable.rate_eb": ("每百户隐患数（经验贝叶斯平滑，户数很少的单元不会因偶然排在前面）",
                                     "hazards per 100 households, empirical-Bayes smoothed (a unit of a few "
                                     "households does not top the list by chance)"),
    "hazards.hot.neighbours.queen": ("相邻（共边或共点）的微网格，含自身", "units sharing an edge or a corner, "
                                     "the unit itself included"),
    "hazards.hot.neighbours.h3": ("周围 {k} 圈 H3 格子（第 {res} 级），含自身",
                                  "the H3 cells within {k} ring(s) (resolution {res}), the cell itself included"),
    "hazards.hot.permutations": ("显著性由 {n} 次条件置换检验得出", "significance from {n} conditional permutations"),
    "hazards.hot.analytic": ("置换检验引擎仍在预热，暂用正态近似的 z 值（预热后自动改为 {n} 次置换）",
                             "the permutation engine is still warming up: analytic (normal) z-scores for now, "
                             "{n} permutations once it is ready"),
    "hazards.hot.fdr": ("按错误发现率（FDR，Benjamini-Hochberg）校正，α = {alpha}",
                        "corrected for the false discovery rate (FDR, Benjamini-Hochberg), α = {alpha}"),
    "hazards.hot.no_correction": ("未做多重检验校正，α = {alpha}", "no multiple-testing correction, α = {alpha}"),
    "hazards.hot.warming": ("置换检验引擎正在后台编译（每个服务进程一次，约一分钟，机器繁忙时可达数分钟）：当前结果为正态近似，"
                            "编译完成后刷新页面即为 999 次置换结果。",
                            "The permutation engine is compiling in the background (once per server process: about a "
                            "minute, several on a busy machine): these results use analytic z-scores; once it is "
                            "ready, a refresh gives the 999-permutation results."),
    "hazards.hot.count_only": ("按隐患数分析（您的角色看不到户数，无法按每百户比率分析）。",
                               "Analysed on counts (your role does not see households, so rates per 100 households "
                               "cannot be used)."),
    "hazards.moran.legend": ("局部莫兰指数（聚集与异常值）", "Local Moran's I (clusters and outliers)"),
    "hazards.moran.cluster.HH": ("高-高：高值聚集（自身多、周边也多）", "High-high: a cluster of high values"),
    "hazards.moran.cluster.LL": ("低-低：低值聚集（自身少、周边也少）", "Low-low: a cluster of low values"),
    "hazards.moran.cluster.HL": ("高-低：高值异常（自身多、周边少）", "High-low: high among low (an outlier)"),
    "hazards.moran.cluster.LH": ("低-高：低值异常（自身少、周边多）", "Low-high: low among high (an outlier)"),
    "hazards.moran.cluster.none": ("不显著", "Not significant"),
    "hazards.moran.col": ("类型", "Type"),
    "hazards.moran.method": (
        "计算方法：局部莫兰指数（Anselin 局部 Moran's I），变量为{variable}；邻域为相邻（共边或共点）的微网格，"
        "不含自身，按行标准化；{inference}；{correction}。共 {n} 个微网格（没有隐患的也计入）。",
        "Method: Local Moran's I (Anselin) of {variable}; neighbours: micro-grids sharing an edge or a corner, the "
        "unit itself excluded, row-standardised; {inference}; {correction}. {n} micro-grids analysed (those "
        "without hazards included).",
    ),
    "hazards.moran.found": ("显著的：高-高 {HH} 个，低-低 {LL} 个，高-低（高值异常）{HL} 个，低-高（低值异常）{LH} 个。",
                            "Significant: high-high {HH}, low-low {LL}, high-low (outliers) {HL}, low-high "
                            "(outliers) {LH}."),
    "hazards.moran.micro_only": ("局部莫兰指数只在微网格上计算（已忽略“H3 六边形”）。",
                                 "Local Moran's I is computed on micro-grids only (the H3 choice is ignored)."),
    "hazards.hot.found": ("{n} 个单元中：热点 {hot} 个，冷点 {cold} 个（FDR 校正后显著）。",
                          "Of {n} units: {hot} hot spots and {cold} cold spots (significant after FDR)."),
    # -- emerging ------------------------------------------------------------------
    "hazards.pattern.legend": ("时空热点趋势（{first} 至 {last}，{weeks} 周）",
                               "Emerging hot spots ({first} to {last}, {weeks} weeks)"),
    "hazards.pattern.col": ("趋势类型", "Pattern"),
    "hazards.pattern.hot": ("{pattern}热点", "{pattern} hot spot"),
    "hazards.pattern.cold": ("{pattern}冷点", "{pattern} cold spot"),
    "hazards.pattern.none": ("无明显趋势", "No pattern"),
    "hazards.pattern.new": ("新增", "New"),
    "hazards.pattern.consecutive": ("连续", "Consecutive"),
    "hazards.pattern.intensifying": ("加强", "Intensifying"),
    "hazards.pattern.persistent": ("持续", "Persistent"),
    "hazards.pattern.diminishing": ("减弱", "Diminishing"),
    "hazards.pattern.sporadic": ("零星", "Sporadic"),
    "hazards.pattern.oscillating": ("振荡", "Oscillating"),
    "hazards.pattern.historical": ("历史", "Historical"),
    "hazards.emerging.method": (
        "计算方法：时空立方体（每周一层，共 {weeks} 周：{first} 至 {last}，即所选“发现时间”时段内的整周），"
        "每层做 Gi*（邻域：{neighbours}，含前 {window} 周），{correction}；再对每个单元的 z 值序列做 Mann-Kendall "
        "趋势检验，按 ArcGIS 的八种类型归类。其余筛选条件照用。",
        "Method: a space-time cube (one slice per week, {weeks} weeks: {first} to {last}, the whole weeks of the "
        "“found in” period); Gi* per slice (neighbours: {neighbours}, with the {window} week(s) before), "
        "{correction}; then a Mann-Kendall trend on each unit's series of z-scores, classified into ArcGIS's eight "
        "patterns. The other filters apply too.",
    ),
    "hazards.emerging.defs": (
        "新增：只在最后一周是热点；连续：最后几周连续是热点、之前不是；加强/持续/减弱：九成以上的周是热点，强度上升/无趋势/下降；"
        "零星：时有时无、从不是冷点；振荡：最后一周是热点、之前某周是冷点；历史：九成以上的周是热点，但最后一周不是。",
        "New: hot only in the final week; consecutive: an unbroken run of hot weeks at the end, not hot before; "
        "intensifying / persistent / diminishing: hot in 90% of the weeks or more, rising / steady / falling; "
        "sporadic: on and off, never cold; oscillating: hot in the final week, cold in some earlier one; "
        "historical: hot in 90% of the weeks or more, but not in the final one.",
    ),
    "hazards.emerging.extended": ("所选时段（{first} 至 {last}）不足 {weeks} 周，而趋势至少要看 {weeks} 周："
                                  "这里显示截至 {last} 的 {weeks} 周（自 {start} 起）。",
                                  "The period ({first} to {last}) is shorter than the {weeks} weeks a trend needs: "
                                  "shown are the {weeks} weeks up to {last} (from {start})."),
    "hazards.emerging.skipped": ("时段开头 {first} 起的 {days} 天凑不满一周，未计入；周次自 {start} 起。",
                                 "The first {days} day(s) of the period (from {first}) make no whole week and are "
                                 "left out; the weeks start on {start}."),
    "hazards.emerging.nothing": ("没有单元呈现趋势类型。", "No unit shows a pattern."),
    # -- tabs ----------------------------------------------------------------------
    "hazards.tab.record": ("登记隐患", "Record"),
    "hazards.tab.detail": ("整改办理", "Rectify"),
    "hazards.tab.cycle": ("巡查周期", "Cycles"),
    "hazards.tab.route": ("巡查路线", "Route"),
    "hazards.tab.rank": ("排名", "Rankings"),
    # -- record --------------------------------------------------------------------
    "hazards.record.not_allowed": ("“{role}”不能登记隐患（巡查员和网格员可以）。",
                                   "The role “{role}” cannot record hazards (inspectors and grid workers can)."),
    "hazards.record.pick_hint": ("在地图上点击隐患所在位置，或点地图左上角的准星按钮用本机定位；也可以勾选“用照片中的位置”。",
                                 "Click the hazard's spot on the map, or the cross-hair button at the map's top "
                                 "left for this device's position; or tick “use the photo's position”."),
    "hazards.record.picked": ("位置：经度 {lon}，纬度 {lat}（{source}）",
                              "Position: longitude {lon}, latitude {lat} ({source})"),
    "hazards.record.source.map": ("地图选点或本机定位", "map click or device position"),
    "hazards.record.source.photo": ("照片位置", "the photo's position"),
    "hazards.record.deadlines": ("整改期限按等级：重大 {high} 天，较大 {medium} 天，一般 {low} 天，自发现时起算。",
                                 "Deadline by severity: high {high} day(s), medium {medium}, low {low}, from the "
                                 "moment it is found."),
    "hazards.record.place": ("场所类型", "Place type"),
    "hazards.record.severity": ("隐患等级", "Severity"),
    "hazards.record.types": ("隐患类型（可多选）", "Hazard types (one or more)"),
    "hazards.record.types_placeholder": ("请选择", "Choose"),
    "hazards.record.address": ("地址（选填）", "Address (optional)"),
    "hazards.record.inspector": ("巡查员", "Inspector"),
    "hazards.record.note": ("情况说明（选填）", "Note (optional)"),
    "hazards.record.photo": ("现场照片（选填；位置信息读取后即删除）",
                             "Photo (optional; its location data is removed once read)"),
    "hazards.record.use_photo_position": ("用照片中的位置", "Use the photo's position"),
    "hazards.record.submit": ("登记", "Record"),
    "hazards.record.no_position": ("还没有位置：请先在地图上点击，或用本机定位、照片位置。",
                                   "No position yet: click the map first, or use the device's or the photo's "
                                   "position."),
    "hazards.record.no_photo": ("勾选了“用照片中的位置”，但没有上传照片。",
                                "“Use the photo's position” is ticked, but no photo was uploaded."),
    "hazards.record.photo_without_gps": ("照片 {name} 中没有位置信息；请在地图上选点。",
                                         "The photo {name} holds no position; pick the spot on the map."),
    "hazards.record.done": ("已登记隐患 {id}，整改期限 {deadline}。", "Hazard {id} recorded; due by {deadline}."),
    # -- detail --------------------------------------------------------------------
    "hazards.detail.none": ("当前筛选下没有隐患。", "No hazard matches the filters."),
    "hazards.detail.pick": ("选择隐患（也可在地图上点击）", "Pick a hazard (or click it on the map)"),
    "hazards.detail.status": ("状态", "Status"),
    "hazards.detail.late": ("已超期", "overdue"),
    "hazards.detail.types": ("隐患类型", "Hazards"),
    "hazards.detail.place": ("场所类型", "Place type"),
    "hazards.detail.severity": ("等级", "Severity"),
    "hazards.detail.found_at": ("发现时间", "Found"),
    "hazards.detail.deadline": ("整改期限", "Deadline"),
    "hazards.detail.inspector": ("巡查员", "Inspector"),
    "hazards.detail.address": ("地址", "Address"),
    "hazards.detail.micro": ("微网格", "Micro-grid"),
    "hazards.detail.timeline": ("办理记录", "History"),
    "hazards.detail.no_history": ("没有逐步记录（导入的数据）；发现于 {found}。",
                                  "No step-by-step history (imported data); found {found}."),
    "hazards.detail.no_steps": ("“{role}”现在不能对这条隐患办理下一步。",
                                "The role “{role}” has no step to take on this hazard now."),
    "hazards.detail.note": ("办理说明", "Note"),
    "hazards.detail.photo": ("照片（选填）", "Photo (optional)"),
    "hazards.detail.photo_by": ("{who} 上传", "by {who}"),
    "hazards.detail.step": ("改为“{status}”", "Mark “{status}”"),
    "hazards.detail.stepped": ("隐患 {id} 已改为“{status}”。", "Hazard {id} is now “{status}”."),
    # -- cycles and recurring ------------------------------------------------------
    "hazards.cycle.bad_place": ("GRIDMAP_INSPECTION_CYCLES 中的“{entry}”无法使用：场所类型应为 residential、rental、shop、"
                                "small_venue、workshop、ground_floor、public 之一，写作 类型=天数；沿用默认周期。",
                                "“{entry}” in GRIDMAP_INSPECTION_CYCLES cannot be used: write place=days with a place "
                                "type of residential, rental, shop, small_venue, workshop, ground_floor, public; the "
                                "default cycle is kept."),
    "hazards.cycle.bad_days": ("GRIDMAP_INSPECTION_CYCLES 中的“{entry}”无法使用：天数应为 1 到 3650 的整数；沿用默认周期。",
                               "“{entry}” in GRIDMAP_INSPECTION_CYCLES cannot be used: the days must be a whole "
                               "number from 1 to 3650; the default cycle is kept."),
    "hazards.cycle.method": ("同一场所：地址相同，或无地址时同类场所相距 {radius} 米以内。巡查周期（天）：{cycles}。",
                             "The same place: the same address or, without one, a place of the same type within "
                             "{radius} m. Cycles (days): {cycles}."),
    "hazards.cycle.title": ("超周期未巡查的场所：{n} 处", "Places due for a visit: {n}"),
    "hazards.cycle.none": ("所有场所都在周期内巡查过。", "Every place was visited within its cycle."),
    "hazards.cycle.col.place": ("场所类型", "Place type"),
    "hazards.cycle.col.address": ("地址", "Address"),
    "hazards.cycle.col.micro": ("微网格", "Micro-grid"),
    "hazards.cycle.col.last": ("上次巡查", "Last visit"),
    "hazards.cycle.col.cycle": ("周期（天）", "Cycle (days)"),
    "hazards.cycle.col.over": ("超出天数", "Days over"),
    "hazards.cycle.legend": ("超周期未巡查", "Due for a visit"),
    "hazards.cycle.map_note": ("地图显示 {n} 处超周期未巡查的场所（按全部巡查记录判断，不受筛选影响）。",
                               "The map shows {n} places due for a visit (judged on every inspection, whatever the "
                               "filters)."),
    "hazards.recurring.days": ("整改后多少天内再次发现算“反复”", "Found again within this many days of rectification"),
    "hazards.recurring.title": ("反复出现的隐患：{n} 起（整改后 {days} 天内）",
                                "Recurring hazards: {n} (within {days} days of rectification)"),
    "hazards.recurring.method": ("同一场所（地址相同，或同类场所 {radius} 米内）在上一条隐患整改后 {days} 天内又发现隐患。",
                                 "A hazard found at the same place (same address, or the same place type within "
                                 "{radius} m) within {days} days after an earlier one there was rectified."),
    "hazards.recurring.col.earlier": ("前一条隐患", "Earlier hazard"),
    "hazards.recurring.col.rectified": ("整改时间", "Rectified"),
    "hazards.recurring.col.later": ("再次发现", "Found again"),
    "hazards.recurring.col.found": ("发现时间", "Found"),
    "hazards.recurring.col.days": ("间隔天数", "Days after"),
    # -- route ---------------------------------------------------------------------
    "hazards.route.source": ("巡查对象", "Stops"),
    "hazards.route.source.filter": ("当前筛选中未整改、超期的隐患", "Open or overdue hazards of the filter"),
    "hazards.route.source.hot": ("热点内未整改、超期的隐患", "Open or overdue hazards in the hot spots"),
    "hazards.route.limit": ("最多站点数", "At most this many stops"),
    "hazards.route.shortlist": ("待巡查 {n} 处；取最紧急的 {limit} 处（超期优先，再按发现时间）。",
                                "{n} places to visit; the {limit} most urgent are taken (overdue first, then the "
                                "oldest)."),
    "hazards.route.make": ("生成巡查路线", "Make the route"),
    "hazards.route.summary": ("路线共 {n} 站，直线距离合计约 {km} 公里。", "{n} stops, about {km} km in straight lines."),
    "hazards.route.method": ("顺序：最近邻法起步，再用 2-opt 改进，按平面直线距离（米制坐标）计算，实际步行距离会更长。",
                             "Order: nearest neighbour, improved by 2-opt, on straight-line distances in metres; "
                             "the walk itself is longer."),
    "hazards.route.col.order": ("顺序", "Order"),
    "hazards.route.col.id": ("隐患编号", "Hazard"),
    "hazards.route.col.status": ("状态", "Status"),
    "hazards.route.col.place": ("场所类型", "Place type"),
    "hazards.route.col.leg": ("距上一站（米）", "From the previous stop (m)"),
    "hazards.route.col.lon": ("经度", "Longitude"),
    "hazards.route.col.lat": ("纬度", "Latitude"),
    "hazards.route.csv": ("下载路线 CSV", "Download route CSV"),
    "hazards.route.gpx": ("下载路线 GPX", "Download route GPX"),
    "hazards.route.gpx_name": ("隐患巡查路线", "Hazard inspection route"),
    "hazards.route.layer": ("巡查路线", "Route"),
    "hazards.route.legend": ("巡查站点（按顺序编号）", "Stops, numbered in order"),
    "hazards.route.clear": ("清除路线", "Clear the route"),
    # -- rankings ------------------------------------------------------------------
    "hazards.rank.by": ("排名依据", "Rank by"),
    "hazards.rank.no_households": ("您的角色看不到户数：按隐患数、整改率或超期数排名，不按每百户比率。",
                                   "Your role does not see households: ranked by hazards, rectification rate or "
                                   "overdue count, not by rates per 100 households."),
    "hazards.rank.col.rank": ("名次", "Rank"),
    "hazards.rank.col.name": ("区域", "Unit"),
    "hazards.rank.col.households": ("户数", "Households"),
    "hazards.rank.col.rate": ("每百户隐患（原始）", "Per 100 households (raw)"),
    "hazards.rank.col.rate_eb": ("每百户隐患（平滑）", "Per 100 households (smoothed)"),
    "hazards.rank.col.hazards": ("隐患数", "Hazards"),
    "hazards.rank.col.rectified": ("已整改", "Rectified"),
    "hazards.rank.col.rectification_rate": ("整改率（%）", "Rectification rate (%)"),
    "hazards.rank.col.open": ("待整改", "Open"),
    "hazards.rank.col.overdue": ("超期", "Overdue"),
    "hazards.rank.csv": ("下载排名 CSV", "Download rankings CSV"),
    "hazards.rank.xlsx": ("下载排名 Excel", "Download rankings XLSX"),
}
