"""Write a generated demo into a store in one transaction."""

from __future__ import annotations

import datetime as dt

from gridmap.auth import DEMO_ACCOUNTS, demo_account_rows, grid_place
from gridmap.demo.build import Progress, as_of_for, generate_at
from gridmap.demo.places import COUNTY_CODE, Scale
from gridmap.domain import DATA_LAYERS, Scope
from gridmap.store.base import Store

PLAN_VERSION = 1


def load_demo(store: Store, scale: Scale, seed: int = 7, progress: Progress | None = None, actor: str = "demo",
              today: dt.date | None = None) -> dict[str, int]:
    """Generate the demo and replace the county's data in ``store`` with it.

    Everything is written in ONE transaction (all layers, plus the meta keys
    ``plan_version``, ``as_of`` and ``demo_scale``): either the whole demo is there or
    nothing changed.

    Args:
        store: an open, migrated store.
        scale: ``"small"`` or ``"county"`` (see :func:`gridmap.demo.generate`).
        seed: the generator's seed.
        progress: called as ``progress(stage label in Chinese, fraction done)``.
        actor: who loads it (recorded in the audit log).
        today: the last day the data cover; by default the current Beijing date.

    Returns:
        The number of rows written per layer.
    """
    as_of = as_of_for(today)
    report = progress or (lambda stage, fraction: None)
    frames = generate_at(scale, seed, lambda stage, f: report(stage, 0.8 * f) if f < 1.0 else None, as_of)
    counts: dict[str, int] = {}
    report("写入数据库", 0.8)
    with store.transaction(actor, Scope.county(COUNTY_CODE)) as tx:
        for i, name in enumerate(DATA_LAYERS):
            counts[name] = tx.replace(name, frames[name], note=f"demo {scale} seed {seed}")
            report("写入数据库", 0.8 + 0.2 * (i + 1) / len(DATA_LAYERS))
        # One account per role with its documented password (README, "Demo accounts").
        units = frames["units"]
        first_grid = str(sorted(units.loc[units["level"] == "grid", "code"])[0])
        names = dict(zip(units["code"].astype(str), units["name"].astype(str), strict=True))
        counts["users"] = tx.replace("users", demo_account_rows(COUNTY_CODE, first_grid, grid_place(names, first_grid)),
                                     where={"id": [a.username for a in DEMO_ACCOUNTS]}, note="demo accounts")
        tx.set_meta("plan_version", str(PLAN_VERSION))
        tx.set_meta("as_of", as_of.isoformat())
        tx.set_meta("demo_scale", scale)
    report("完成", 1.0)
    return counts
