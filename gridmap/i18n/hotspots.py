"""Words of the hot-spot statistics (methods, bins, patterns, rankings, routes): ``key: (Chinese, English)``.

Keys start with ``hotspots.``; :mod:`gridmap.hotspots.words` puts them together into the
sentences the hazard page shows ("what was computed").
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- what was computed
    "hotspots.variable.count": ("隐患数", "number of hazards"),
    "hotspots.variable.rate": ("每百户隐患数", "hazards per 100 households"),
    "hotspots.variable.rate_eb": ("每百户隐患数（经验贝叶斯平滑，户数少的单元向总体水平收缩）",
                                  "hazards per 100 households (empirical-Bayes smoothed: units with few "
                                  "households are pulled towards the overall rate)"),
    "hotspots.neighbours.queen": ("相邻单元（边或角相接）及其自身",
                                  "neighbouring units (sharing an edge or a corner) and the unit itself"),
    "hotspots.neighbours.h3": ("周围 {k} 圈六边形及其自身", "the hexagons within {k} ring(s) and the hexagon itself"),
    "hotspots.inference.permutations": ("{permutations} 次随机置换检验", "{permutations} random permutations"),
    "hotspots.inference.analytic": ("解析法 z 值（置换检验正在后台准备，稍后自动启用）",
                                    "analytic z-scores (permutation tests are being prepared in the background "
                                    "and will be used shortly)"),
    "hotspots.correction.fdr": ("已做错误发现率（FDR）校正", "corrected for the false discovery rate (FDR)"),
    "hotspots.correction.none": ("未做多重检验校正", "no correction for multiple testing"),
    "hotspots.method": ("热点分析（Getis-Ord Gi*）：指标为{variable}；邻域为{neighbours}；{inference}；{correction}；"
                        "显著性水平 {confidence}% 置信度；共 {units} 个{where}。",
                        "Hot spot analysis (Getis-Ord Gi*): variable {variable}; neighbourhood {neighbours}; "
                        "{inference}; {correction}; significance at {confidence} % confidence; {units} {where}."),
    "hotspots.where.units": ("单元", "units"),
    "hotspots.where.h3": ("六边形（H3 第 {resolution} 级）", "hexagons (H3 resolution {resolution})"),
    "hotspots.emerging.method": ("时空热点分析：{weeks} 周，每周一层；邻域为{neighbours}及前 {window} 周的同一邻域；"
                                 "每周分别计算 Gi* 并{correction}；趋势用 Mann-Kendall 检验。",
                                 "Emerging hot spot analysis: {weeks} weeks, one slice per week; neighbourhood "
                                 "{neighbours} and the same neighbourhood in the {window} week(s) before; Gi* per "
                                 "week, {correction}; trend by the Mann-Kendall test."),
    # --- confidence bins (ArcGIS Gi_Bin)
    "hotspots.bin.3": ("热点（99% 置信度）", "Hot spot, 99 % confidence"),
    "hotspots.bin.2": ("热点（95% 置信度）", "Hot spot, 95 % confidence"),
    "hotspots.bin.1": ("热点（90% 置信度）", "Hot spot, 90 % confidence"),
    "hotspots.bin.0": ("不显著", "Not significant"),
    "hotspots.bin.-1": ("冷点（90% 置信度）", "Cold spot, 90 % confidence"),
    "hotspots.bin.-2": ("冷点（95% 置信度）", "Cold spot, 95 % confidence"),
    "hotspots.bin.-3": ("冷点（99% 置信度）", "Cold spot, 99 % confidence"),
    # --- emerging patterns
    "hotspots.pattern.none": ("无明显模式", "No pattern detected"),
    "hotspots.pattern.new.hot": ("新热点", "New hot spot"),
    "hotspots.pattern.consecutive.hot": ("连续热点", "Consecutive hot spot"),
    "hotspots.pattern.intensifying.hot": ("加剧热点", "Intensifying hot spot"),
    "hotspots.pattern.persistent.hot": ("持续热点", "Persistent hot spot"),
    "hotspots.pattern.diminishing.hot": ("减弱热点", "Diminishing hot spot"),
    "hotspots.pattern.sporadic.hot": ("零星热点", "Sporadic hot spot"),
    "hotspots.pattern.oscillating.hot": ("振荡热点", "Oscillating hot spot"),
    "hotspots.pattern.historical.hot": ("历史热点", "Historical hot spot"),
    "hotspots.pattern.new.cold": ("新冷点", "New cold spot"),
    "hotspots.pattern.consecutive.cold": ("连续冷点", "Consecutive cold spot"),
    "hotspots.pattern.intensifying.cold": ("加剧冷点", "Intensifying cold spot"),
    "hotspots.pattern.persistent.cold": ("持续冷点", "Persistent cold spot"),
    "hotspots.pattern.diminishing.cold": ("减弱冷点", "Diminishing cold spot"),
    "hotspots.pattern.sporadic.cold": ("零星冷点", "Sporadic cold spot"),
    "hotspots.pattern.oscillating.cold": ("振荡冷点", "Oscillating cold spot"),
    "hotspots.pattern.historical.cold": ("历史冷点", "Historical cold spot"),
    # --- what each pattern means (hot; cold mirrors it)
    "hotspots.pattern_help.new": ("只在最近一周成为显著热点，此前从未是热点",
                                  "A significant hot spot in the latest week only, never before"),
    "hotspots.pattern_help.consecutive": ("最近连续至少两周是热点，此前从未是热点，热点周数不到九成",
                                          "A hot spot for an unbroken run of at least two latest weeks, never "
                                          "before that run, and in fewer than 90 % of the weeks"),
    "hotspots.pattern_help.intensifying": ("至少九成的周（含最近一周）是热点，且强度显著上升",
                                           "A hot spot in at least 90 % of the weeks, the latest included, "
                                           "growing significantly stronger"),
    "hotspots.pattern_help.persistent": ("至少九成的周（含最近一周）是热点，强度没有明显变化",
                                         "A hot spot in at least 90 % of the weeks, the latest included, with no "
                                         "clear trend"),
    "hotspots.pattern_help.diminishing": ("至少九成的周（含最近一周）是热点，但强度显著下降",
                                          "A hot spot in at least 90 % of the weeks, the latest included, growing "
                                          "significantly weaker"),
    "hotspots.pattern_help.sporadic": ("最近一周是热点，此前时有时无，从未是冷点",
                                       "A hot spot in the latest week, on and off before, never a cold spot"),
    "hotspots.pattern_help.oscillating": ("最近一周是热点，但此前某周曾是冷点",
                                          "A hot spot in the latest week that was a cold spot in an earlier week"),
    "hotspots.pattern_help.historical": ("最近一周不是热点，但至少九成的周曾是热点",
                                         "Not a hot spot in the latest week, but in at least 90 % of the weeks"),
    # --- rankings
    "hotspots.rank_by.rate_eb": ("每百户隐患数（平滑后）", "hazards per 100 households (smoothed)"),
    "hotspots.rank_by.rate": ("每百户隐患数", "hazards per 100 households"),
    "hotspots.rank_by.rectification_rate": ("整改率（低者在前）", "rectification rate (lowest first)"),
    "hotspots.rank_by.overdue": ("超期未整改数", "overdue hazards"),
    "hotspots.rank_by.hazards": ("隐患数", "number of hazards"),
    "hotspots.ranking.method": ("按{by}排序，问题最多的在前。平滑方法：全局经验贝叶斯，户数少的单元向全县平均 {overall} "
                                "（每百户）收缩；整改率 = 已整改和已复核的隐患 ÷ 全部隐患；超期 = 未整改且已过整改期限。",
                                "Ranked by {by}, most in need of attention first. Smoothing: global empirical "
                                "Bayes; units with few households are pulled towards the overall {overall} per 100 "
                                "households. Rectification rate = hazards rectified or verified / all hazards; "
                                "overdue = not rectified and past the deadline."),
    "hotspots.column.rank": ("排名", "Rank"),
    "hotspots.column.code": ("编码", "Code"),
    "hotspots.column.name": ("名称", "Name"),
    "hotspots.column.households": ("户数", "Households"),
    "hotspots.column.hazards": ("隐患数", "Hazards"),
    "hotspots.column.rate": ("每百户隐患", "Per 100 households"),
    "hotspots.column.rate_eb": ("每百户隐患（平滑）", "Per 100 households (smoothed)"),
    "hotspots.column.rectified": ("已整改", "Rectified"),
    "hotspots.column.rectification_rate": ("整改率（%）", "Rectification rate (%)"),
    "hotspots.column.open": ("未整改", "Open"),
    "hotspots.column.overdue": ("超期", "Overdue"),
    # --- route
    "hotspots.route.method": ("巡查路线：{stops} 个地点，全程约 {km} 公里（按直线距离计算，不是沿道路的距离）；"
                              "先就近依次走，再用 2-opt 调整顺序缩短路线。",
                              "Inspection route: {stops} places, about {km} km in all (straight-line distances, "
                              "not along streets); nearest place first, then shortened by 2-opt."),
    "hotspots.route.stop": ("第 {stop} 站", "Stop {stop}"),
}
