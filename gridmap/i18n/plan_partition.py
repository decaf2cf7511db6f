"""Words of the planner (partition, assignment and transfer): ``key: (Chinese, English)``.

Keys start with ``plan.partition.`` (cells, assignment, auto-partition) and
``plan.transfer.`` (GeoPackage and assignment CSV in and out).
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # cells and assignment
    "plan.partition.unknown_unit": ("方案中没有单元 {code}", "Unit {code} is not in the plan"),
    "plan.partition.not_grid": ("{name}（{code}）不是网格：按户调整只能在一个网格的微网格之间进行",
                                "{name} ({code}) is not a grid: households move between the micro-grids of one grid"),
    "plan.partition.unknown_micro": ("{code} 不是网格 {parent} 下的微网格", "{code} is not a micro-grid of grid {parent}"),
    "plan.partition.unknown_household": ("网格 {parent} 内没有这些住户：{ids}", "No such households in grid {parent}: {ids}"),
    "plan.partition.unknown_cell": ("网格 {parent} 没有这些单元格：{ids}", "Grid {parent} has no such cells: {ids}"),
    "plan.partition.unassigned": ("网格 {parent} 的单元格 {ids} 没有分到微网格",
                                  "Cells {ids} of grid {parent} are not assigned to a micro-grid"),
    "plan.partition.not_contiguous": ("微网格 {code} 会被分成 {parts} 块，不相连；请换一种分法",
                                      "Micro-grid {code} would be in {parts} separate pieces; assign differently"),
    "plan.partition.nothing_to_move": ("这些住户已经在微网格 {code} 里", "These households are already in micro-grid {code}"),
    "plan.partition.not_neighbour": ("微网格 {source} 与 {code} 不相邻：住户只能调到相邻的微网格",
                                     "Micro-grid {source} does not border {code}: households move to a neighbouring micro-grid only"),
    "plan.partition.new_name": ("{grid}{n}号微网格", "{grid} micro-grid {n}"),
    "plan.partition.bad_plan": ("方案缺少列：{columns}", "The plan lacks columns: {columns}"),
    "plan.partition.assigned": ("重新划分网格 {code} 的微网格（{count} 个）", "Reassigned the micro-grids of grid {code} ({count})"),
    "plan.partition.moved": ("把 {count} 户调到微网格 {code}", "Moved {count} households to micro-grid {code}"),
    # auto-partition
    "plan.partition.wrong_level": ("{name}（{code}）是{level}：自动划分只对村（社区）或网格",
                                   "{name} ({code}) is a {level}: auto-partition works on a village/community or a grid"),
    "plan.partition.no_grids": ("{name}（{code}）还没有网格：先把它分成网格，再自动划分微网格",
                                "{name} ({code}) has no grids yet: split it into grids first, then auto-partition"),
    "plan.partition.no_households": ("网格 {name}（{code}）内没有住户，无法按户数划分",
                                     "Grid {name} ({code}) holds no households: nothing to partition by"),
    "plan.partition.too_few_cells": ("网格 {name}（{code}）只有 {cells} 个单元格，分不出 {parts} 个微网格",
                                     "Grid {name} ({code}) has only {cells} cells, too few for {parts} micro-grids"),
    "plan.partition.failed": ("网格 {name}（{code}）无法分成每格 {low}–{high} 户的相连微网格（已试 {tries} 次）",
                              "Grid {name} ({code}) could not be split into contiguous micro-grids of {low}-{high} households ({tries} tries)"),
    "plan.partition.bad_target": ("每个微网格的目标户数要大于 0，现在是 {target}", "The target households per micro-grid must be above 0, got {target}"),
    "plan.partition.bad_tolerance": ("允许偏差要在 0 到 1 之间，现在是 {tolerance}", "The tolerance must be between 0 and 1, got {tolerance}"),
    "plan.partition.codes_full": ("网格 {code} 下的微网格编号已用完（最多 999 个）", "Grid {code} has no micro-grid numbers left (999 at most)"),
    "plan.partition.done": ("把 {code} 自动分成 {count} 个微网格（每格 {low}–{high} 户）",
                            "Auto-partitioned {code} into {count} micro-grids ({low}-{high} households each)"),
    "plan.partition.progress_cells": ("正在生成网格 {code} 的单元格", "Building the cells of grid {code}"),
    "plan.partition.progress_split": ("正在划分网格 {code}（每格 {low}–{high} 户，第 {attempt} 次）",
                                      "Partitioning grid {code} ({low}-{high} households, try {attempt})"),
    "plan.partition.progress_done": ("划分完成", "Partition done"),
    # GeoPackage and CSV in and out
    "plan.transfer.unreadable": ("无法读取这个文件：它不是 GeoPackage（{detail}）", "Cannot read this file: it is not a GeoPackage ({detail})"),
    "plan.transfer.level_missing": ("GeoPackage 缺少图层“{level}”（应有：{levels}）",
                                    "The GeoPackage lacks the layer \"{level}\" (expected: {levels})"),
    "plan.transfer.layer_rejected": ("图层“{layer}”有错误：{problems}", "Layer \"{layer}\" has errors: {problems}"),
    "plan.transfer.wrong_level": ("图层“{layer}”的要素 {code} 的层级是“{level}”", "Feature {code} of layer \"{layer}\" has level \"{level}\""),
    "plan.transfer.nesting": ("单元嵌套有错误：{problems}", "The units do not nest: {problems}"),
    "plan.transfer.reprojected": ("图层“{layer}”从 {crs} 转换到 EPSG:4326", "Layer \"{layer}\" was reprojected from {crs} to EPSG:4326"),
    "plan.transfer.note": ("图层“{layer}”：{note}", "Layer \"{layer}\": {note}"),
    "plan.transfer.repaired": ("图层“{layer}”：{repair}", "Layer \"{layer}\": {repair}"),
    "plan.transfer.csv_unreadable": ("无法读取分配表（CSV）：{detail}", "Cannot read the assignment CSV: {detail}"),
    "plan.transfer.csv_columns": ("分配表需要列 micro_code 以及 cell_id 或 household_id，现在是：{columns}",
                                  "The assignment CSV needs micro_code and cell_id or household_id columns, got: {columns}"),
    "plan.transfer.csv_rejected": ("分配表有 {count} 处错误：{problems}", "The assignment CSV has {count} errors: {problems}"),
    "plan.transfer.row_empty": ("第 {row} 行：缺少{column}", "Row {row}: {column} is empty"),
    "plan.transfer.row_unknown_id": ("第 {row} 行：网格里没有 {id}", "Row {row}: {id} is not in the grid"),
    "plan.transfer.row_unknown_code": ("第 {row} 行：{code} 不是这个网格的微网格", "Row {row}: {code} is not a micro-grid of this grid"),
    "plan.transfer.row_twice": ("第 {row} 行：{id} 在第 {first} 行已经出现过", "Row {row}: {id} is already listed in row {first}"),
    "plan.transfer.row_split_cell": ("第 {row} 行：{id} 与同楼（同单元格）的住户（第 {first} 行）分到了不同微网格",
                                     "Row {row}: {id} goes to another micro-grid than its building cluster (row {first})"),
}
