"""Words of the planner (edit): ``key: (Chinese, English)``.

Keys start with ``plan.edit.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
