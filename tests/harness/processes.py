"""Process trees read from ``/proc``: who started whom, how much memory they hold, stopping them."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path


def descendants(pid: int) -> list[int]:
    """Process ids below ``pid`` (children, their children, ...), from ``/proc``."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


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
