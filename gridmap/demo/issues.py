"""Issue reports (随手拍 / 事件) over 12 months, and each one's lifecycle events.

About 0.56 issues per household per year, found near households. Every issue follows
one path through :data:`gridmap.domain.ISSUE_TRANSITIONS`; the paths and their shares:

==========  ======  ================================================================
main        90.5%   reported, accepted, dispatched, in_progress, resolved, verified, closed
returned     4.0%   ... dispatched, returned, dispatched, in_progress ...
redo         2.5%   ... resolved, in_progress (verification failed), resolved ...
handback     1.0%   ... in_progress, returned, dispatched, in_progress ...
duplicate    1.2%   reported, duplicate / reported, accepted, duplicate
invalid      0.8%   reported, invalid / ... dispatched, returned, invalid
==========  ======  ================================================================

Delays are drawn per step; the time to resolve depends on the category's deadline
(most well inside it, about 6% late, a few stuck for weeks). The status now is the
last step reached by ``as_of``, so recent issues are still open and some are overdue.

The command centre's in-tray (issue 12): of the reports of the last 24 hours before
``as_of`` whose path goes through 受理, :data:`WAITING_ACCEPT` still wait to be accepted
(their history is the 上报 row only) and :data:`WAITING_DISPATCH` were accepted and wait
to be dispatched (上报 and 受理 rows), so a fresh demo gives the queues' bulk accept and
dispatch something to act on. These draws use their own random stream, so the rest of
the demo is the same as without them. The whole generation is vectorised by path.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from gridmap.demo.context import SECOND, Context, jitter, random_times, to_timestamps
from gridmap.demo.names import ISSUE_TEXTS, masked_names, person_names
from gridmap.domain import CATEGORIES, ISSUE_TERMINAL, LAYERS, Channel, IssueStatus, Level
from gridmap.spatial.assign import assign
from gridmap.spatial.crs import STORE_CRS

RATE_PER_HOUSEHOLD = 0.56
_CATEGORY_SHARE = {"sanitation": 0.24, "municipal": 0.15, "traffic": 0.11, "fire_safety": 0.08, "dispute": 0.10,
                   "illegal_building": 0.06, "public_order": 0.07, "livelihood": 0.11, "pollution": 0.08}
_CHANNEL_SHARE = {Channel.GRID_PATROL: 0.45, Channel.CITIZEN_PHOTO: 0.30, Channel.HOTLINE: 0.15,
                  Channel.DEPUTY: 0.03, Channel.DEPARTMENT: 0.07}
DEPARTMENT_NAMES = {"enforcement": "综合行政执法局", "housing": "住建局", "traffic_police": "交警大队",
                    "emergency": "应急管理局", "justice": "司法局", "police": "公安局",
                    "civil_affairs": "民政局", "ecology": "生态环境分局"}

S = IssueStatus
PATHS: dict[str, tuple[tuple[IssueStatus, ...], float]] = {
    "main": ((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.VERIFIED, S.CLOSED), 0.905),
    "returned": ((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.RETURNED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED,
                  S.VERIFIED, S.CLOSED), 0.04),
    "redo": ((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RESOLVED, S.IN_PROGRESS, S.RESOLVED,
              S.VERIFIED, S.CLOSED), 0.025),
    "handback": ((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED, S.DISPATCHED, S.IN_PROGRESS,
                  S.RESOLVED, S.VERIFIED, S.CLOSED), 0.01),
    "duplicate": ((S.REPORTED, S.DUPLICATE), 0.008),
    "late_duplicate": ((S.REPORTED, S.ACCEPTED, S.DUPLICATE), 0.004),
    "invalid": ((S.REPORTED, S.INVALID), 0.005),
    "late_invalid": ((S.REPORTED, S.ACCEPTED, S.DISPATCHED, S.RETURNED, S.INVALID), 0.003),
}
# Median delay in hours before reaching a status (log-normal, sigma 0.8); resolving is
# drawn from the category deadline instead.
_MEDIAN_HOURS = {S.ACCEPTED: 0.3, S.DISPATCHED: 0.5, S.IN_PROGRESS: 1.5, S.VERIFIED: 3.0, S.CLOSED: 1.0,
                 S.RETURNED: 4.0, S.DUPLICATE: 1.0, S.INVALID: 2.0}
_LATE = 0.06
_STUCK = 0.004
# Shares of the last 24 hours' reports still in the command centre's in-tray at ``as_of``.
WAITING_ACCEPT = 0.25
WAITING_DISPATCH = 0.20
WAITING_HOURS = 24
_NOTES = {S.ACCEPTED: "已受理", S.IN_PROGRESS: "已签收,正在处置", S.RESOLVED: "处置完成,待核查",
          S.VERIFIED: "现场核查通过", S.CLOSED: "办结归档", S.RETURNED: "非本部门职责,退回重新派遣",
          S.DUPLICATE: "重复上报,已合并", S.INVALID: "信息不实,作废"}


def issues_frames(ctx: Context) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """``(issues, issue_events)`` ready for the store."""
    rng = ctx.rng("issues")
    issues = _issue_points(ctx, rng)
    path = rng.choice(list(PATHS), size=len(issues), p=np.array([p[1] for p in PATHS.values()]))
    events = _waiting(ctx, issues, path, _events(ctx, rng, issues, path))
    last = events.groupby("issue", sort=False).tail(1).set_index("issue")
    status = last["to_status"].reindex(np.arange(len(issues))).to_numpy()
    terminal = np.isin(status, [str(s) for s in ISSUE_TERMINAL])
    issues["status"] = status
    issues["closed_at"] = to_timestamps(np.where(terminal, last["at"].reindex(np.arange(len(issues))).to_numpy(),
                                                 np.datetime64("NaT")))
    issues = issues.drop(columns=["town"])
    # Issue 12 (schema 8): the demo's duplicates name no original and nothing is escalated yet.
    issues["duplicate_of"] = None
    issues["escalated_at"] = pd.NaT
    events["issue_id"] = issues["id"].to_numpy()[events["issue"].to_numpy()]
    events["micro_code"] = issues["micro_code"].to_numpy()[events["issue"].to_numpy()]
    events["department"] = issues["department"].to_numpy()[events["issue"].to_numpy()]
    events.insert(0, "id", [f"ev-{i:07d}" for i in range(len(events))])
    events["county_code"] = ctx.county_code
    events["at"] = to_timestamps(events["at"].to_numpy())
    return issues[[*LAYERS["issues"].columns, "geometry"]], events[LAYERS["issue_events"].columns]


def _issue_points(ctx: Context, rng: np.random.Generator) -> gpd.GeoDataFrame:
    hh = ctx.pop.households
    urban = ctx.places.villages["urban"].to_numpy()[hh["village"].to_numpy()]
    n = round(RATE_PER_HOUSEHOLD * len(hh))
    pick = rng.choice(len(hh), size=n, p=np.where(urban, 1.3, 1.0) / np.where(urban, 1.3, 1.0).sum())
    base = ctx.household_xy()[pick]
    xy = jitter(rng, base, 40.0, ctx.places.area)
    category = rng.choice(list(_CATEGORY_SHARE), size=n, p=np.array(list(_CATEGORY_SHARE.values())))
    reported = np.sort(random_times(rng, n, ctx.start64, ctx.now64, weekend=0.7, hours=(7.0, 21.0), anytime=0.15))
    deadline_h = np.array([CATEGORIES[c].deadline_hours for c in category])
    frame = pd.DataFrame({
        "id": [f"is-{i:06d}" for i in range(n)], "county_code": ctx.county_code, "category": category,
        "description": _descriptions(rng, category),
        "channel": rng.choice([str(c) for c in _CHANNEL_SHARE], size=n, p=np.array(list(_CHANNEL_SHARE.values()))),
        "department": [CATEGORIES[c].department for c in category],
        "reported_at": to_timestamps(reported),
        "deadline": to_timestamps(reported + (deadline_h * 3600).astype(np.int64) * SECOND),
    })
    lon, lat = ctx.places.to_store_xy(xy[:, 0], xy[:, 1])
    points = gpd.GeoDataFrame(frame, geometry=shapely.points(lon, lat), crs=STORE_CRS)
    points = assign(points, ctx.units[["code", "level", "parent_code", "geometry"]])
    points["reporter"] = _reporters(ctx, rng, points)
    points["town"] = ctx.units["town"].to_numpy()[ctx.household_micro[pick]]
    return points


def _descriptions(rng: np.random.Generator, category: np.ndarray) -> np.ndarray:
    out = np.empty(len(category), dtype=object)
    for code, texts in ISSUE_TEXTS.items():
        rows = np.flatnonzero(category == code)
        out[rows] = rng.choice(np.array(texts, dtype=object), size=len(rows))
    return out


def _reporters(ctx: Context, rng: np.random.Generator, points: pd.DataFrame) -> np.ndarray:
    """Grid workers for patrols, masked citizens, the hotline, deputies, departments."""
    n = len(points)
    channel = points["channel"].to_numpy()
    out = np.empty(n, dtype=object)
    out[:] = masked_names(rng, n)
    patrol = np.flatnonzero((channel == Channel.GRID_PATROL) & points["grid_code"].notna().to_numpy())
    workers = {code: ctx.leader(code, "grid_worker") for code in ctx.units["code"].to_numpy()[ctx.level_rows(Level.GRID)]}
    out[patrol] = [workers[g] for g in points["grid_code"].to_numpy()[patrol]]
    out[channel == Channel.HOTLINE] = "12345热线"
    deputies = np.flatnonzero(channel == Channel.DEPUTY)
    out[deputies] = "人大代表" + person_names(rng, len(deputies))
    departments = np.flatnonzero(channel == Channel.DEPARTMENT)
    out[departments] = [DEPARTMENT_NAMES[d] for d in points["department"].to_numpy()[departments]]
    return out


# --------------------------------------------------------------------------- lifecycle


def _events(ctx: Context, rng: np.random.Generator, issues: pd.DataFrame, path: np.ndarray) -> pd.DataFrame:
    """Every issue's events up to ``as_of``, ordered by issue and time."""
    reported = issues["reported_at"].to_numpy().astype("datetime64[s]")
    deadline_h = ((issues["deadline"].to_numpy() - issues["reported_at"].to_numpy()) / np.timedelta64(1, "h"))
    stuck = rng.random(len(issues)) < _STUCK
    frames = []
    for name, (steps, _share) in PATHS.items():
        rows = np.flatnonzero(path == name)
        if len(rows) == 0:
            continue
        delays = np.column_stack([np.zeros(len(rows))] + [
            _delay_hours(rng, steps[k], deadline_h[rows], stuck[rows], second=steps[:k].count(steps[k]) > 0)
            for k in range(1, len(steps))])
        at = reported[rows, None] + (np.cumsum(delays, axis=1) * 3600).astype(np.int64) * SECOND
        frames.append(pd.DataFrame({
            "issue": np.repeat(rows, len(steps)), "at": at.ravel(),
            "from_status": np.tile(np.array([None, *(str(s) for s in steps[:-1])], dtype=object), len(rows)),
            "to_status": np.tile(np.array([str(s) for s in steps], dtype=object), len(rows)),
        }))
    events = pd.concat(frames, ignore_index=True)
    events = events[events["at"].to_numpy() <= ctx.now64]
    events = events.sort_values(["issue", "at"], kind="stable").reset_index(drop=True)
    events["actor"], events["note"] = _actors_and_notes(ctx, rng, issues, events)
    return events


def _waiting(ctx: Context, issues: pd.DataFrame, path: np.ndarray, events: pd.DataFrame) -> pd.DataFrame:
    """``events`` with the in-tray's issues cut back to 上报 (awaiting acceptance) or to
    上报, 受理 (awaiting dispatch): a prefix of their path, so the history stays legal."""
    rng = ctx.rng("issues_waiting")
    reported = issues["reported_at"].to_numpy().astype("datetime64[s]")
    through_accept = np.isin(path, [name for name, (steps, _s) in PATHS.items() if steps[1] == S.ACCEPTED])
    recent = through_accept & (reported > ctx.now64 - WAITING_HOURS * 3600 * SECOND)
    draw = rng.random(len(issues))
    keep_steps = np.full(len(issues), np.iinfo(np.int64).max)
    keep_steps[recent & (draw < WAITING_ACCEPT)] = 1
    keep_steps[recent & (draw >= WAITING_ACCEPT) & (draw < WAITING_ACCEPT + WAITING_DISPATCH)] = 2
    step = events.groupby("issue", sort=False).cumcount().to_numpy()
    kept = step < keep_steps[events["issue"].to_numpy()]
    return events[kept].reset_index(drop=True)


def _delay_hours(rng: np.random.Generator, status: IssueStatus, deadline_h: np.ndarray,
                 stuck: np.ndarray, *, second: bool) -> np.ndarray:
    n = len(deadline_h)
    if status == S.RESOLVED:
        share = np.where(rng.random(n) < _LATE, rng.uniform(1.05, 2.5, n), rng.beta(1.2, 4.0, n))
        hours = deadline_h * share * (0.5 if second else 1.0)
        return np.where(stuck & ~second, deadline_h * rng.uniform(8.0, 40.0, n), hours)
    median = _MEDIAN_HOURS[status] * (2.0 if second else 1.0)
    return median * np.exp(rng.normal(0.0, 0.8, n))


def _actors_and_notes(ctx: Context, rng: np.random.Generator, issues: pd.DataFrame,
                      events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Who did each step and what they noted. One dispatcher, one handler and the
    grid worker of the place follow an issue through its life."""
    n_issues = len(issues)
    towns = ctx.places.towns["name"].to_numpy()
    dispatchers = person_names(rng, len(towns) * 4).reshape(len(towns), 4)
    town = issues["town"].to_numpy()
    centre = towns[town] + "综治中心 " + dispatchers[town, rng.integers(0, 4, n_issues)]
    dept_label = np.array([DEPARTMENT_NAMES[d] for d in issues["department"]], dtype=object)
    handler = dept_label + " " + person_names(rng, n_issues)
    workers = {code: ctx.leader(code, "grid_worker") for code in ctx.units["code"].to_numpy()[ctx.level_rows(Level.GRID)]}
    checker = np.array([workers.get(g, "网格员") if isinstance(g, str) else "网格员" for g in issues["grid_code"]],
                       dtype=object)
    issue = events["issue"].to_numpy()
    to = events["to_status"].to_numpy()
    choice = np.select(
        [to == str(S.REPORTED), np.isin(to, [str(S.IN_PROGRESS), str(S.RESOLVED), str(S.RETURNED)]),
         to == str(S.VERIFIED)], [0, 2, 3], default=1)
    people = np.stack([issues["reporter"].to_numpy(dtype=object), centre, handler, checker])
    actor = people[choice, issue]
    texts = np.stack([issues["description"].to_numpy(dtype=object), "派遣至" + dept_label])
    note = pd.Series(to).map({str(k): v for k, v in _NOTES.items()}).fillna("").to_numpy(dtype=object)
    note = np.where(to == str(S.DISPATCHED), texts[1, issue], note)
    note = np.where(to == str(S.REPORTED), texts[0, issue], note)
    redo = (to == str(S.IN_PROGRESS)) & (events["from_status"].to_numpy() == str(S.RESOLVED))
    note = np.where(redo, "核查未通过,重新处置", note)
    return actor, note
