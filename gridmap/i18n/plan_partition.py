"""Words of the planner (partition): ``key: (Chinese, English)``.

Keys start with ``plan.partition.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
