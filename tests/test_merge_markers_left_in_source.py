"""Regression: a merge left conflict markers in a docstring (``gridmap/i18n/__init__.py``).

Python does not mind markers inside a string, so nothing else failed. Every tracked
text file is checked for lines that are git conflict markers.
"""

from __future__ import annotations

import re
import subprocess

from tests.conftest import REPO_ROOT

MARKER = re.compile(r"^(<{7} |={7}$|>{7} )", re.MULTILINE)
TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".cfg", ".json", ".sh", ".yml", ".yaml", ""}


def test_no_conflict_markers_in_tracked_files() -> None:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    offenders = []
    for name in listed.stdout.splitlines():
        path = REPO_ROOT / name
        if path.suffix not in TEXT_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{name}:{text.count(chr(10), 0, m.start()) + 1}" for m in MARKER.finditer(text)]
    assert not offenders, f"git conflict markers left in: {', '.join(offenders)}"
