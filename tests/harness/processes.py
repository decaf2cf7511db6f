"""Process trees read from ``/proc``: who started whom, how much memory they hold, stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def children(pid: int) -> list[int]:
    """The processes ``pid`` started itself (its direct children), from ``/proc``."""
    return _children_by_parent().get(pid, [])


def descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (children, their children, ...), from ``/proc``."""
    by_parent = _children_by_parent()
    out, todo = [], [pid]
    while todo:
        for child in by_parent.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _children_by_parent() -> dict[int, list[int]]:
    by_parent: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            by_parent.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return by_parent


def tree_rss_kb(pid: int) -> tuple[int, int]:
    """Resident memory (``VmRSS``, kB) of ``pid`` and every process below it, and how many processes.

    A sum of RSS counts pages that processes share once per process: an upper bound.
    A process that has gone away meanwhile counts as 0.
    """
    total, count = 0, 0
    for each in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    count += 1
                    break
    return total, count


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and every process below it.

    Children that have ended count through their parent (``cutime``/``cstime``) once it
    has waited for them. A process that has gone away meanwhile counts as 0.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (then SIGKILL) the process groups of ``proc`` and of every process it started.

    Chromium's main process puts itself in a group of its own, so killing the launcher's
    group is not enough. The caller's own group is never signalled.
    """
    groups = set()
    for pid in [proc.pid, *descendants(proc.pid)]:
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(pid))
    groups.discard(os.getpgrp())
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for group in groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(group, sig)
        try:
            proc.wait(timeout=10)
            time.sleep(0.5)
        except subprocess.TimeoutExpired:
            continue
