"""Words of the planner (page): ``key: (Chinese, English)``.

Keys start with ``plan.page.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
