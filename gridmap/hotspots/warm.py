"""Warming esda's permutation code once per process, in the background.

esda runs its conditional permutations through numba (pinned in ``requirements.txt``);
the first such call in a process compiles them. Measured on the 2-CPU development
machine: 25 s idle, 35-70 s with other work running, up to 230 s while four test suites shared it
(``benchmarks/bench_hotspots.py`` prints it), and paid again by every new process -- esda's functions are not compiled with numba's
``cache=True``, so nothing is kept on disk. :func:`warm_up` pays it once per process (a
small Gi* and Local Moran with permutations), guarded by a lock so concurrent callers wait
for one compilation instead of starting several; :func:`start_background` runs it in a
daemon thread, started with the app's own start-up warm-up (:mod:`gridmap.ui.warm`).

Until :func:`is_warm` is true the analysis functions use analytic z-scores and p-values
only (``Method.permutations == 0``) and the page says so; analytic runs take no lock
(:func:`gridmap.hotspots.gistar.permutation_lock`), so they never wait for the
compilation. The warm-up itself holds the permutation lock only without numba (esda then
seeds NumPy's global random state; nothing to compile, well under a second); numba's
random state is per thread, so a compiling warm-up disturbs no one's draws.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import threading
import time
import warnings

import numpy as np

log = logging.getLogger(__name__)

__all__ = ["compiles", "is_warm", "start_background", "warm_up", "warm_up_seconds"]

_lock = threading.Lock()
_warm = threading.Event()
_thread: threading.Thread | None = None
_seconds: float | None = None


def compiles() -> bool:
    """Whether esda's permutations are compiled by numba here (numba importable)."""
    return importlib.util.find_spec("numba") is not None


def is_warm() -> bool:
    """Whether esda's permutation code is compiled (or needs no compiling) in this process."""
    return _warm.is_set()


def warm_up_seconds() -> float | None:
    """How long this process's warm-up took (None until it has run)."""
    return _seconds


def warm_up() -> None:
    """Compile esda's permutation code once per process; idempotent and thread-safe."""
    global _seconds
    if _warm.is_set():
        return
    with _lock:
        if _warm.is_set():
            return
        import esda
        import libpysal

        from gridmap.hotspots.gistar import ESDA_LOCK

        started = time.perf_counter()
        w = libpysal.weights.lat2W(6, 6, rook=False)
        y = np.arange(36, dtype=np.float64) % 7
        guard = contextlib.nullcontext() if compiles() else ESDA_LOCK
        with guard, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            esda.G_Local(y, w, transform="B", star=True, permutations=99, n_jobs=1, seed=0, keep_simulations=False)
            esda.Moran_Local(y, w, transformation="r", permutations=99, n_jobs=1, seed=0, keep_simulations=False)
        _seconds = time.perf_counter() - started
        _warm.set()
        log.info("gridmap hotspots: esda permutations warm in %.1f s", _seconds)


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
