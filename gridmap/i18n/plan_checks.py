"""Words of the planner (checks and balance): ``key: (Chinese, English)``.

Keys start with ``plan.checks.`` (one sentence per finding of
:mod:`gridmap.plan.checks`, naming the unit by name and code) and ``plan.balance.``
(the balance panel's column headings and summary).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- refusals
    "plan.checks.no_such_unit": ("规划中没有编码为 {code} 的单位", "The plan has no unit with code {code}"),
    "plan.checks.bad_band": ("{code} 的户数范围 {low}–{high} 无效：下限不能大于上限，也不能小于 0",
                             "The household band {low}–{high} of {code} is invalid: the low end must be at least "
                             "0 and not above the high end"),
    # --- geometry
    "plan.checks.invalid.empty": ("{name}（{code}）没有边界，请重新画出它的范围",
                                  "{name} ({code}) has no boundary; draw its area again"),
    "plan.checks.invalid.not_polygon": ("{name}（{code}）的边界不是一个面（可能只画了线或点），请重新画出它的范围",
                                        "The boundary of {name} ({code}) is not an area (a line or a point?); "
                                        "draw its area again"),
    "plan.checks.invalid.self_intersection": ("{name}（{code}）的边界自己交叉（像“8”字），请拖动交叉处的点把它分开",
                                              "The boundary of {name} ({code}) crosses itself (a figure of "
                                              "eight); drag the crossing vertices apart"),
    "plan.checks.invalid.too_few_points": ("{name}（{code}）的边界点太少，围不成一个面",
                                           "The boundary of {name} ({code}) has too few points to enclose an "
                                           "area"),
    "plan.checks.invalid.disconnected_interior": ("{name}（{code}）的内部被它自己的洞切开了，请修改洞的边界",
                                                  "The inside of {name} ({code}) is cut apart by its own holes; "
                                                  "fix the holes' boundaries"),
    "plan.checks.invalid.hole_outside": ("{name}（{code}）有一个洞跑到了外边界之外",
                                         "{name} ({code}) has a hole outside its outer boundary"),
    "plan.checks.invalid.nested": ("{name}（{code}）的边界里有重叠或套在一起的圈",
                                   "The boundary of {name} ({code}) has rings that overlap or nest"),
    "plan.checks.invalid.bad_coordinate": ("{name}（{code}）的边界有无效的坐标",
                                           "The boundary of {name} ({code}) has an invalid coordinate"),
    "plan.checks.invalid.not_closed": ("{name}（{code}）的边界没有闭合", "The boundary of {name} ({code}) is not closed"),
    "plan.checks.invalid.other": ("{name}（{code}）的边界无效（{detail}）",
                                  "The boundary of {name} ({code}) is invalid ({detail})"),
    "plan.checks.overlap": ("{name}（{code}）与{other_name}（{other_code}）重叠了 {area} 平方米，同一块地只能属于一个单位",
                            "{name} ({code}) and {other_name} ({other_code}) overlap by {area} m²; a place "
                            "belongs to one unit only"),
    "plan.checks.gap": ("{name}（{code}）内有一块 {area} 平方米的空白，没有划入任何下级单位",
                        "{name} ({code}) has a gap of {area} m² that belongs to none of its units"),
    "plan.checks.outside_parent": ("{name}（{code}）有 {area} 平方米超出了上级{parent_name}（{parent_code}）的范围",
                                   "{area} m² of {name} ({code}) lie outside its parent {parent_name} "
                                   "({parent_code})"),
    "plan.checks.non_contiguous": ("{name}（{code}）分成了 {parts} 块互不相连的区域",
                                   "{name} ({code}) is in {parts} separate pieces"),
    "plan.checks.embedded": ("{name}（{code}）被{other_name}（{other_code}）整个包围在中间（“岛中岛”），请确认是否有意这样划分",
                             "{name} ({code}) lies wholly inside {other_name} ({other_code}), an enclave; "
                             "check that this is intended"),
    "plan.checks.sliver": ("{name}（{code}）面积只有 {area} 平方米，小于 {min_area} 平方米，可能是画图时留下的碎片",
                           "{name} ({code}) is only {area} m², less than {min_area} m²: probably a sliver left "
                           "by drawing"),
    # --- nesting
    "plan.checks.nesting.duplicate": ("编码 {code}（{name}）在规划中出现了 {count} 次，每个单位的编码必须唯一",
                                      "Code {code} ({name}) appears {count} times in the plan; codes must be "
                                      "unique"),
    "plan.checks.nesting.unknown_level": ("{name}（{code}）的层级“{level}”无法识别",
                                          "{name} ({code}) has an unknown level “{level}”"),
    "plan.checks.nesting.no_parent": ("{name}（{code}）没有上级单位", "{name} ({code}) has no parent unit"),
    "plan.checks.nesting.unknown_parent": ("{name}（{code}）的上级单位 {parent_code} 不在规划中",
                                           "The parent {parent_code} of {name} ({code}) is not in the plan"),
    "plan.checks.nesting.wrong_level": ("{name}（{code}）的层级与上级{parent_name}（{parent_code}）不相符",
                                        "The level of {name} ({code}) does not fit under {parent_name} "
                                        "({parent_code})"),
    "plan.checks.nesting.code": ("{name}（{code}）的编码应是上级{parent_name}（{parent_code}）的编码加上序号，共 {length} 位数字",
                                 "The code of {name} ({code}) should be its parent's code ({parent_name}, "
                                 "{parent_code}) followed by a number, {length} digits in all"),
    # --- people
    "plan.checks.band.over": ("{name}（{code}）有 {households} 户，超过 {low}–{high} 户的范围，可考虑拆分",
                              "{name} ({code}) has {households} households, above the {low}–{high} band; "
                              "consider splitting it"),
    "plan.checks.band.under": ("{name}（{code}）只有 {households} 户，少于 {low}–{high} 户的范围，可考虑与相邻微网格合并",
                               "{name} ({code}) has only {households} households, below the {low}–{high} band; "
                               "consider merging it with a neighbour"),
    "plan.checks.worker.over": ("{name}（{code}）有 {households} 户、{workers} 名专职网格员，每人约 {per_worker} 户，超过每人 {max} 户",
                                "{name} ({code}) has {households} households and {workers} full-time grid "
                                "worker(s): about {per_worker} each, more than {max}"),
    "plan.checks.worker.none": ("{name}（{code}）有 {households} 户，但没有专职网格员",
                                "{name} ({code}) has {households} households but no full-time grid worker"),
    "plan.checks.staff_missing": ("{name}（{code}）还没有配备人员", "{name} ({code}) has nobody assigned"),
    # --- balance panel
    "plan.balance.code": ("编码", "Code"),
    "plan.balance.name": ("名称", "Name"),
    "plan.balance.households": ("户数", "Households"),
    "plan.balance.residents": ("人口", "Residents"),
    "plan.balance.ideal": ("理想户数", "Ideal"),
    "plan.balance.deviation": ("偏差（户）", "Deviation"),
    "plan.balance.deviation_pct": ("偏差（%）", "Deviation (%)"),
    "plan.balance.within_band": ("在范围内", "Within band"),
    "plan.balance.ideal_micro": ("微网格的理想户数取 {low}–{high} 户范围的中间值 {ideal} 户",
                                 "The ideal for a micro-grid is the middle of its {low}–{high} band: {ideal}"),
    "plan.balance.ideal_mean": ("理想户数为平均值：{households} 户 ÷ {children} 个单位",
                                "The ideal is the mean: {households} households ÷ {children} units"),
    "plan.balance.summary": ("共 {children} 个单位、{households} 户；最大偏差 {max_pct}%，{out_of_band} 个不在范围内",
                             "{children} units, {households} households; largest deviation {max_pct}%, "
                             "{out_of_band} outside the band"),
    "plan.balance.suggested": ("按每个微网格 {ideal} 户计，建议划为 {suggested} 个微网格（现有 {children} 个）",
                               "At {ideal} households per micro-grid, {suggested} micro-grids are suggested "
                               "(now {children})"),
}
