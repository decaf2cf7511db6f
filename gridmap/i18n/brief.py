"""Words of the commander's briefing: rankings (量化比评), since you last looked, the town
brief. ``key: (Chinese, English)``; keys start with ``rank.``, ``since.`` or ``brief.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- navigation and the rankings page
    "nav.rankings": ("量化比评", "Rankings"),
    "op.view_briefing": ("查看量化比评和简报", "see rankings and briefs"),
    "rank.title": ("量化比评", "Rankings (量化比评)"),
    "rank.intro": ("按您设定的权重给各单位打分排名。比率同时给出原始值和经验贝叶斯平滑值：户数少的单位"
                   "不会因为偶然的一两件事排到最前面。",
                   "Units scored and ranked by the weights you set. Every rate is shown raw and "
                   "empirical-Bayes smoothed, so a unit with few households does not top the list by chance."),
    "rank.unit": ("比评范围", "Compare inside"),
    "rank.level": ("比评层级", "Level compared"),
    "rank.weights": ("各项权重", "Weights"),
    "rank.weights_help": ("0 表示不计入得分。", "0 leaves a criterion out of the score."),
    "rank.no_weight": ("请至少给一项权重大于 0。", "Give at least one criterion a weight above 0."),
    "rank.nothing": ("这一层级在所选范围内没有单位。", "There are no units of this level inside the selection."),
    "rank.formula_title": ("计算方法", "How the score is made"),
    "rank.formula": (
        "每项指标先算出比率：事件率、隐患率、超期率按每百户计，零报告率、按期办结率按比例计；再做"
        "经验贝叶斯平滑（把户数少的单位向全体平均值拉近，户数越少拉得越多）。每项指标上，平滑后最差的"
        "单位得 0 分，最好的得 100 分，其余按比例得分。总分 = Σ（权重 × 该项得分）÷ Σ 权重，只计该单位"
        "有数据的指标。总分最低的排第 1 名，最需要关注。本次权重：{weights}。",
        "Each criterion is first a rate: issues, hazards and overdue issues per 100 households; "
        "zero-report and on-time closure as shares. Each is then smoothed by empirical Bayes (units "
        "with few households are pulled towards the overall rate, the more the fewer they have). On "
        "each criterion the worst smoothed value gets 0 points, the best 100, the others in proportion. "
        "Score = Σ(weight × points) ÷ Σ weights, over the criteria the unit has data for. The lowest "
        "score is rank 1: it needs attention most. Weights used: {weights}."),
    "rank.period": ("统计期间 {date_from} 至 {date_to}（零报告为今日）", "Period {date_from} to {date_to} "
                    "(zero-reports: today)"),
    "rank.level_note": ("{names}：各单位之间的差别在正常波动范围内，平滑后都等于全体平均值（{values}），"
                        "这些项各单位都得 100 分，不影响排名。",
                        "{names}: the units differ no more than chance makes them differ, so smoothing gives "
                        "every one the overall rate ({values}); each unit gets 100 points there and the ranking "
                        "does not change."),
    "rank.show_raw": ("显示原始值", "Show raw figures"),
    "rank.download_csv": ("下载 CSV", "Download CSV"),
    "rank.download_xlsx": ("下载 Excel", "Download Excel"),
    "rank.crit.issue_rate": ("事件率（每百户）", "Issues per 100 households"),
    "rank.crit.hazard_rate": ("隐患率（每百户）", "Hazards per 100 households"),
    "rank.crit.overdue_rate": ("超期率（每百户）", "Overdue per 100 households"),
    "rank.crit.zero_report": ("今日零报告率", "Zero-report rate today"),
    "rank.crit.on_time": ("按期办结率", "Closed on time"),
    "rank.short.issue_rate": ("事件率", "Issues"),
    "rank.short.hazard_rate": ("隐患率", "Hazards"),
    "rank.short.overdue_rate": ("超期率", "Overdue"),
    "rank.short.zero_report": ("零报告率%", "Zero-report %"),
    "rank.short.on_time": ("按期办结率%", "On time %"),
    "rank.table_units": ("事件率、隐患率、超期率为每百户的件数；带 % 的列为百分比。",
                         "Issues, hazards and overdue are per 100 households; columns marked % are percentages."),
    "rank.col.rank": ("排名", "Rank"),
    "rank.col.unit": ("单位", "Unit"),
    "rank.col.score": ("得分", "Score"),
    "rank.col.households": ("户数", "Households"),
    "rank.col.raw": ("{name}·原始", "{name}, raw"),
    "rank.col.smoothed": ("{name}·平滑", "{name}, smoothed"),
    # --- since you last looked
    "since.title": ("自上次查看以来", "Since you last looked"),
    "since.window": ("{since} 至 {until}", "{since} to {until}"),
    "since.first": ("这是您第一次打开指挥一张图：下面是最近 {hours} 小时的变化。下次打开时显示自本次以来的变化。",
                    "This is your first visit of the command map: below are the last {hours} hours. Next "
                    "time you will see what changed since now."),
    "since.summary": ("新增事件 {new} 件 · 新超期 {overdue} 件 · 结案 {closed} 件 · 风险颜色调整 {risk} 个单位 · "
                      "零报告落后 {zero} 个网格",
                      "{new} new issues · {overdue} newly overdue · {closed} closed · {risk} risk colours "
                      "changed · {zero} grids behind on zero-reports"),
    "since.none": ("自上次查看以来没有变化。", "Nothing has changed since you last looked."),
    "since.kind.new": ("新增", "New"),
    "since.kind.overdue": ("新超期", "Newly overdue"),
    "since.kind.closed": ("结案", "Closed"),
    "since.col.kind": ("变化", "Change"),
    "since.col.at": ("时间", "When"),
    "since.col.unit": ("微网格", "Micro-grid"),
    "since.col.status": ("当前状态", "Status now"),
    "since.risk": ("风险颜色调整", "Risk colours changed"),
    "since.col.colour": ("现在颜色", "Colour now"),
    "since.zero": ("零报告落后的网格（{days} 天内缺报的微网格·天数）",
                   "Grids behind on zero-reports (micro-grid days missed in {days} days)"),
    "since.col.missed": ("缺报", "Missed"),
    "since.layer": ("自上次查看以来", "Since you last looked"),
    "since.legend": ("自上次查看以来：新增 / 新超期 / 结案；虚线框：风险颜色调整或零报告落后",
                     "Since you last looked: new / newly overdue / closed; dashed outline: risk colour "
                     "changed or behind on zero-reports"),
    # --- the town brief
    "brief.download": ("下载{name}简报（PDF）", "Download the brief of {name} (PDF)"),
    "brief.download_help": ("一页纸简报：地图、指标、近 8 周趋势、超期事件、排名、未走访站点。",
                            "A one-page brief: map, KPIs, 8-week trends, overdue issues, ranking, stations not "
                            "visited."),
    "brief.title": ("{name}工作简报", "{name}: brief"),
    "brief.subtitle": ("{county} · 数据截至 {as_of} · 统计期间 {date_from} 至 {date_to}",
                       "{county} · data as of {as_of} · period {date_from} to {date_to}"),
    "brief.map": ("各单位得分", "Units by score"),
    "brief.map_note": ("按得分分五档，颜色越深得分越低；数字为排名（第 1 名最需关注）。边界为示意。",
                       "Five classes of score, darker is lower; numbers are ranks (1 needs attention most). "
                       "Boundaries are approximate."),
    "brief.no_map": ("没有边界数据。", "No boundaries stored."),
    "brief.legend_high": ("得分高", "high score"),
    "brief.legend_low": ("低", "low"),
    "brief.legend_overdue": ("超期事件", "overdue issue"),
    "brief.legend_station": ("服务站点", "station"),
    "brief.trend_issues": ("近 8 周事件", "Issues, last 8 weeks"),
    "brief.trend_hazards": ("近 8 周隐患", "Hazards, last 8 weeks"),
    "brief.series.reported": ("上报", "reported"),
    "brief.series.closed": ("结案", "closed"),
    "brief.series.hazards": ("发现隐患", "hazards found"),
    "brief.weeks_note": ("每根柱为 7 天，标注其最后一天；最后一根截至数据时间。",
                         "Each bar is 7 days, labelled with its last day; the last one ends at the data's time."),
    "brief.overdue": ("超期最久的事件", "Most overdue issues"),
    "brief.no_overdue": ("没有超期事件。", "No overdue issues."),
    "brief.ranking": ("量化比评（默认权重）", "Ranking (default weights)"),
    "brief.no_ranking": ("没有可比评的下级单位。", "No units below to rank."),
    "brief.ranking_more": ("另有 {n} 个未列出。", "{n} more not listed."),
    "brief.ranking_note": ("得分 0–100，用平滑后的比率；事件率为每百户。", "Score 0-100 on smoothed rates; "
                           "issue rate per 100 households."),
    "brief.ranking_level": ("{names}：各单位差别在正常波动范围内，平滑后都取全体平均值，不影响排名。",
                            "{names}: the units differ no more than chance makes them differ; smoothed, each "
                            "takes the overall rate, so the ranking does not change."),
    "brief.col.category": ("类别", "Category"),
    "brief.col.unit": ("单位", "Unit"),
    "brief.col.days": ("超期天数", "Days overdue"),
    "brief.col.rank": ("排名", "Rank"),
    "brief.col.score": ("得分", "Score"),
    "brief.col.issue_rate": ("事件率 原始/平滑", "Issue rate raw / smoothed"),
    "brief.stations": ("未走访的服务站点", "Stations not visited"),
    "brief.no_visits": ("尚无走访记录（在用站点 {n} 个）。", "No visits recorded ({n} stations open)."),
    "brief.all_visited": ("近 30 天所有站点都已走访。", "Every station was visited in the last 30 days."),
    "brief.not_visited": ("近 30 天未走访 {n} 个：{names}。", "{n} not visited in the last 30 days: {names}. "),
    "brief.footer": ("由网格一张图在服务器上离线生成。", "Made offline on the server by gridmap."),
    "brief.cli_not_unit": ("{code} 不是当前方案中的单位。", "{code} is not a unit of the current plan."),
    "brief.cli_written": ("已写出 {path}", "Written {path}"),
    "brief.cli_suffix": ("输出文件须以 .pdf 或 .png 结尾：{path}", "The output file must end in .pdf or .png: {path}"),
}
