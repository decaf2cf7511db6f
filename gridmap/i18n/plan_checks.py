"""Words of the planner (checks): ``key: (Chinese, English)``.

Keys start with ``plan.checks.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
