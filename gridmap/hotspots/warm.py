"""Readying the permutation kernel once per process, in the background.

The conditional permutations of Gi* and Local Moran run through numba
(:mod:`gridmap.hotspots.permute`, numba pinned in ``requirements.txt``). The kernel is
compiled with numba's on-disk cache: the first process on a machine compiles it (about
2 s on the 2-CPU development machine, plus about 2 s to import numba), later processes
load it (under 0.5 s); ``benchmarks/bench_hotspots.py`` prints both. esda's own
permutation code, which the analysis no longer calls, compiled in 25 s idle and 35-230 s
under load, in every new process.

:func:`warm_up` does it once per process, guarded by a lock so concurrent callers wait
for one compilation instead of starting several; :func:`start_background` runs it in a
daemon thread, started with the app's own start-up warm-up (:mod:`gridmap.ui.warm`).
Until :func:`is_warm` is true the analysis functions use analytic z-scores and p-values
only (``Method.permutations == 0``) and the page says so; analytic runs take no lock, so
they never wait for the compilation.
"""

from __future__ import annotations

import logging
import threading
import time

from gridmap.hotspots import permute

log = logging.getLogger(__name__)

__all__ = ["compiles", "is_warm", "start_background", "warm_up", "warm_up_seconds"]

compiles = permute.compiled  # whether numba compiles the kernel here
_lock = threading.Lock()
_warm = threading.Event()
_thread: threading.Thread | None = None
_seconds: float | None = None


def is_warm() -> bool:
    """Whether the permutation kernel is compiled (or needs no compiling) in this process."""
    return _warm.is_set()


def warm_up_seconds() -> float | None:
    """How long this process's warm-up took (None until it has run)."""
    return _seconds


def warm_up() -> None:
    """Compile or load the permutation kernel once per process; idempotent and thread-safe."""
    global _seconds
    if _warm.is_set():
        return
    with _lock:
        if _warm.is_set():
            return
        started = time.perf_counter()
        permute.warm()
        _seconds = time.perf_counter() - started
        _warm.set()
        log.info("gridmap hotspots: permutation kernel ready in %.1f s", _seconds)


def _run() -> None:
    try:
        warm_up()
    except Exception:  # never shown: the analysis stays analytic-only
        log.warning("gridmap hotspots warm-up failed", exc_info=True)


def start_background() -> threading.Thread:
    """Start (once per process) the warm-up in a daemon thread; returns the thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_run, name="gridmap-hotspots-warm-up", daemon=True)
            _thread.start()
        return _thread
