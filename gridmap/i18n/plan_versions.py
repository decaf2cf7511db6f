"""Words of the planner (versions and impact): ``key: (Chinese, English)``.

Keys start with ``plan.versions.`` and ``plan.impact.``; the labels of the two layers
this area adds (``layer.plans``, ``layer.plan_saves``) and of its audit actions
(``audit.action.plan_*``) are written here too, so the area is in one place.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "layer.plans": ("网格方案版本", "Plan versions"),
    "layer.plan_saves": ("方案保存记录", "Plan saves"),
    "audit.action.plan_draft": ("新建方案草稿", "plan draft created"),
    "audit.action.plan_save": ("保存方案草稿", "plan draft saved"),
    "audit.action.plan_publish": ("发布方案", "plan published"),
    "audit.action.plan_schedule": ("定时发布方案", "plan scheduled"),
    "audit.action.plan_activate": ("定时方案生效", "scheduled plan took effect"),
    "audit.action.plan_discard": ("放弃方案草稿", "plan draft discarded"),
    "plan.versions.status.draft": ("草稿", "draft"),
    "plan.versions.status.scheduled": ("待生效", "scheduled"),
    "plan.versions.status.published": ("现行", "published"),
    "plan.versions.status.superseded": ("已替代", "superseded"),
    "plan.versions.status.discarded": ("已放弃", "discarded"),
    "plan.versions.change.added": ("新增", "added"),
    "plan.versions.change.removed": ("撤销", "removed"),
    "plan.versions.change.reshaped": ("边界调整", "reshaped"),
    "plan.versions.change.renamed": ("改名或改隶属", "renamed or re-parented"),
    "plan.versions.change.recounted": ("边界未变，户数变化", "unchanged, recounted"),
    "plan.versions.change.unchanged": ("未变", "unchanged"),
    "plan.versions.registered_name": ("现行方案", "Current plan"),
    "plan.versions.rollback_name": ("回退到方案{version}", "Roll back to plan {version}"),
    "plan.versions.not_found": ("没有第{version}版方案", "There is no plan version {version}"),
    "plan.versions.no_units": ("第{version}版方案没有任何单元，无法复制或发布",
                               "Plan version {version} has no units; it cannot be copied or published"),
    "plan.versions.name_missing": ("请填写方案名称", "Give the plan a name"),
    "plan.versions.name_too_long": ("方案名称最多{limit}个字（现在{length}个）",
                                    "A plan name has at most {limit} characters (this one has {length})"),
    "plan.versions.not_editable": (
        "第{version}版方案（{name}）是“{status}”状态，不能再修改；如需调整，请从它新建草稿",
        "Plan {version} ({name}) is {status} and can no longer be changed; create a new draft from it"),
    "plan.versions.not_publishable": (
        "第{version}版方案（{name}）是“{status}”状态，不能发布；只能发布草稿或待生效的方案",
        "Plan {version} ({name}) is {status} and cannot be published; only a draft or a scheduled plan can"),
    "plan.versions.already_current": ("第{version}版方案（{name}）就是现行方案，无需回退",
                                      "Plan {version} ({name}) is the current plan already; nothing to roll back"),
    "plan.versions.not_rollback_source": (
        "只能回退到发布过的方案；第{version}版（{name}）是“{status}”状态",
        "Only a plan that was published can be restored; plan {version} ({name}) is {status}"),
    "plan.versions.conflict": (
        "第{version}版方案（{name}）在您打开后已被{authors}保存过（现为第{revision}次保存，您打开时是第{expected}次），"
        "他们改动的单元：{unit_list}。您的修改没有丢失：请重新载入方案后再应用您的修改",
        "Plan {version} ({name}) was saved by {authors} after you opened it (save {revision}; you opened save "
        "{expected}); the units they changed: {unit_list}. Your edits are not lost: reload the plan and apply them "
        "again"),
    "plan.versions.more_units": ("等{count}个单元", "and {count} more"),
    "plan.versions.missing_columns": ("方案数据缺少列：{columns}", "The plan frame lacks the column(s) {columns}"),
    "plan.versions.duplicate_code": ("单元编码 {code}（{name}）在方案中出现了不止一次",
                                     "Unit code {code} ({name}) appears more than once in the plan"),
    "plan.versions.changed_unknown": ("标为已修改的单元 {code} 不在方案中",
                                      "Unit {code} is listed as changed but is not in the plan"),
    "plan.versions.removed_present": ("标为撤销的单元 {code}（{name}）仍在方案中",
                                      "Unit {code} ({name}) is listed as removed but is still in the plan"),
    "plan.versions.bad_geometry": ("单元 {code}（{name}）没有有效的面状边界",
                                   "Unit {code} ({name}) has no valid polygon boundary"),
    "plan.versions.bad_level": ("单元 {code}（{name}）的层级“{level}”不正确",
                                "Unit {code} ({name}) has an unknown level {level!r}"),
    "plan.versions.past_date": ("生效时间 {effective_at} 已经过去（现在是 {now}），请选择现在或将来的时间",
                                "The effective time {effective_at} has passed (it is {now} now); choose now or "
                                "a later time"),
    "plan.versions.blocked": ("第{version}版方案（{name}）还有{count}个错误，不能发布：{problems}",
                              "Plan {version} ({name}) still has {count} error(s) and cannot be published: "
                              "{problems}"),
    "plan.versions.role": ("{user}（{role}）不能新建、保存或发布网格方案",
                           "{user} ({role}) may not create, save or publish boundary plans"),
    "plan.versions.county_only": (
        "网格方案是全县统一的：只有辖区为全县的规划员或管理员可以新建、保存和发布（{user}的辖区是 {unit}）",
        "Boundary plans are county-wide: only a planner or admin whose jurisdiction is the whole county may "
        "create, save or publish them ({user}'s jurisdiction is {unit})"),
    "plan.impact.col.code": ("编码", "Code"),
    "plan.impact.col.name": ("名称", "Name"),
    "plan.impact.col.level": ("层级", "Level"),
    "plan.impact.col.change": ("变化", "Change"),
    "plan.impact.col.households": ("户数", "Households"),
    "plan.impact.col.residents": ("人口", "Residents"),
    "plan.impact.col.stations": ("服务站点", "Stations"),
    "plan.impact.col.open_issues": ("未办结事件", "Open issues"),
    "plan.impact.col.open_hazards": ("待整改隐患", "Open hazards"),
    "plan.impact.col.staff": ("网格人员", "Staff"),
    "plan.impact.col.zero_reports": ("每日零报告任务", "Daily zero-report duties"),
    "plan.impact.before": ("{what}（调整前）", "{what} (before)"),
    "plan.impact.after": ("{what}（调整后）", "{what} (after)"),
    "plan.impact.moved": ("{count}个点位将换到新的微网格", "{count} point(s) move to another micro-grid"),
}
