"""Two planners at once: the second save of the same draft is refused with a diff, nothing lost.

Both load draft 2 at revision 0. Ann moves the M1|M2 edge and saves (revision 1). Bob,
who reshaped M3 and M4 meanwhile, saves with expected revision 0: refused, and the
message names Ann and M1, M2. Bob's plan in memory is untouched; after reloading he
applies his edit to the new revision and saves (revision 2). Both backends, and once
with the two saves racing in threads (exactly one wins).

    27.52 +------+--+--------+
          |  M1  |  |   M2   |   Ann: M1|M2 edge at 120.408
    27.51 +------+--+--+-----+
          |  M3        |  M4 |   Bob: M3|M4 edge at 120.417
    27.50 +------------+-----+
"""

from __future__ import annotations

import threading

import pytest

from gridmap.plan import versions as v
from gridmap.plan.errors import PlanConflict
from gridmap.store import Store
from tests.plan_version_fixtures import M1, M2, M3, M4, assert_published_plan_is_sound, planner, seed, shifted


@pytest.fixture
def draft(store: Store) -> Store:
    seed(store)
    v.create_draft(planner(store, "ann"), "共同草稿")
    return store


def _edit(plan, codes):
    new, _ = shifted(plan)
    out = plan.copy()
    for code in codes:
        out.loc[out["code"] == code, "geometry"] = new.loc[new["code"] == code, "geometry"].iloc[0]
    return out


def test_the_second_save_is_refused_naming_who_and_which_units(draft: Store) -> None:
    ann, bob = planner(draft, "ann"), planner(draft, "bob")
    ann_plan = v.load_plan(ann, 2)
    bob_plan = v.load_plan(bob, 2)
    loaded = v.plan_info(bob, 2).revision
    v.save_draft(ann, 2, _edit(ann_plan, [M1, M2]), changed={M1, M2}, removed=set(), expected_revision=loaded)

    bob_edit = _edit(bob_plan, [M3, M4])
    snapshot = bob_edit.copy()
    with pytest.raises(PlanConflict) as refused:
        v.save_draft(bob, 2, bob_edit, changed={M3, M4}, removed=set(), expected_revision=loaded)
    conflict = refused.value
    assert isinstance(conflict, v.DraftConflict)
    assert (conflict.expected_revision, conflict.revision) == (0, 1)
    assert conflict.units == sorted([M1, M2])
    assert conflict.saves["author"].tolist() == ["ann"]
    for lang in ("zh", "en"):
        text = conflict.text(lang)
        assert "ann" in text and M1 in text and M2 in text and "第1微网格" in text
    assert "重新载入" in conflict.text("zh")
    # nothing lost: Bob's frame is untouched, the store holds Ann's save only
    assert bob_edit.equals(snapshot)
    stored = v.load_plan(bob, 2).set_index("code")
    assert stored.loc[M1, "geometry"].bounds[2] == pytest.approx(120.408)
    assert stored.loc[M3, "geometry"].bounds[2] == pytest.approx(120.41)
    # Bob reloads and re-applies his edit
    info = v.plan_info(bob, 2)
    merged = _edit(v.load_plan(bob, 2), [M3, M4])
    saved = v.save_draft(bob, 2, merged, changed={M3, M4}, removed=set(), expected_revision=info.revision)
    assert saved.revision == 2
    both = v.load_plan(bob, 2).set_index("code")
    assert both.loc[M1, "geometry"].bounds[2] == pytest.approx(120.408)
    assert both.loc[M3, "geometry"].bounds[2] == pytest.approx(120.417)
    assert v.plan_saves(bob, 2)["author"].tolist() == ["ann", "bob"]
    v.publish(bob, 2)
    assert_published_plan_is_sound(draft)


def test_two_saves_racing_in_threads_one_wins_one_is_refused(draft: Store) -> None:
    names = ["ann", "bob"]
    plans = {n: _edit(v.load_plan(planner(draft, n), 2), [M1, M2] if n == "ann" else [M3, M4]) for n in names}
    results: dict[str, object] = {}
    start = threading.Barrier(len(names))

    def save(name: str) -> None:
        start.wait()
        try:
            results[name] = v.save_draft(planner(draft, name), 2, plans[name],
                                         changed={M1, M2} if name == "ann" else {M3, M4}, removed=set(),
                                         expected_revision=0)
        except PlanConflict as exc:
            results[name] = exc

    threads = [threading.Thread(target=save, args=(n,)) for n in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    won = [n for n in names if isinstance(results[n], v.PlanInfo)]
    lost = [n for n in names if isinstance(results[n], PlanConflict)]
    assert len(won) == 1 and len(lost) == 1, results
    assert v.plan_info(planner(draft), 2).revision == 1
    assert v.plan_saves(planner(draft), 2)["author"].tolist() == won
    assert won[0] in results[lost[0]].text("en")  # type: ignore[union-attr]
