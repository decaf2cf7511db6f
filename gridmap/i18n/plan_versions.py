"""Words of the planner (versions): ``key: (Chinese, English)``.

Keys start with ``plan.versions.``.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
