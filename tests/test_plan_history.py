"""Undo and redo over real edits of the 3x3 block (see tests/test_plan_edit.py)::

    +---+---+---+
    | 7 | 8 | 9 |
    +---+---+---+
    | 4 | 5 | 6 |     micro-grids of grid 33032710300101
    +---+---+---+
    | 1 | 2 | 3 |
    +---+---+---+
"""

from __future__ import annotations

import pytest
import shapely

from gridmap.plan.edit import merge, reshape
from gridmap.plan.errors import BadEdit
from gridmap.plan.history import DEFAULT_LIMIT, EditHistory
from tests.plan_edit_fixtures import VILLAGE, geom, micro_block, poly

M5 = VILLAGE + "01005"


def _drag(plan, n: int):
    """Micro 5's corner (2,2) dragged a little further each time."""
    return reshape(plan, M5, poly((1, 1), (2, 1), (2 + 0.01 * n, 2 + 0.01 * n), (1, 2)))


def test_undo_redo_walk_through_real_edits() -> None:
    start = micro_block(3, 3)
    h = EditHistory(start)
    assert not h.can_undo and not h.can_redo
    h.push(_drag(h.plan, 1))
    h.push(merge(h.plan, [VILLAGE + "01001", VILLAGE + "01002"]))
    assert h.labels("en") == ["Reshaped 1格5 (33032710300101005)",
                              "Merged 1格1（33032710300101001）、1格2（33032710300101002） into 1格1 (33032710300101001)"]
    after_merge = h.plan
    once = h.undo()
    assert VILLAGE + "01002" in set(once["code"]) and h.can_redo
    assert h.redo_labels("zh") == [h.redo_step.text("zh")]
    assert h.undo() is start and not h.can_undo
    with pytest.raises(BadEdit) as err:
        h.undo()
    assert err.value.key == "plan.edit.nothing_to_undo"
    h.redo()
    assert h.redo() is after_merge
    with pytest.raises(BadEdit):
        h.redo()


def test_a_new_edit_after_undo_drops_the_undone_steps() -> None:
    h = EditHistory(micro_block(3, 3))
    h.push(_drag(h.plan, 1))
    h.push(_drag(h.plan, 2))
    h.undo()
    h.push(_drag(h.plan, 5))
    assert not h.can_redo and len(h) == 2
    assert shapely.get_coordinates(geom(h.plan, M5)).max(axis=0)[0] == pytest.approx(120.50205)


def test_at_least_twenty_steps_are_kept_and_the_limit_is_configurable() -> None:
    assert DEFAULT_LIMIT >= 20
    start = micro_block(3, 3)
    h = EditHistory(start)
    for n in range(1, 26):
        h.push(_drag(h.plan, n % 9 + 1))
    for _ in range(25):
        h.undo()
    assert h.plan is start
    small = EditHistory(start, limit=3)
    plans = [small.push(_drag(small.plan, n)) for n in range(1, 6)]
    assert len(small) == 3
    for _ in range(3):
        small.undo()
    assert not small.can_undo and small.plan is plans[1]
    with pytest.raises(ValueError):
        EditHistory(start, limit=0)
