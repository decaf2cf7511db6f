"""Bug: an analytic hot-spot analysis waited for the background warm-up's numba compilation.

The page promises analytic z-scores until the permutation code is compiled. But the
warm-up held the lock that serialises esda's permutation runs for the whole compilation
(a minute or more with numba), and analytic runs took the same lock: the first hot-spot view of a
new server process hung until the compilation was done (measured: 60 s for a 400-unit
lattice). Analytic runs draw no random numbers and now take no lock. (The permutations
now run through gridmap.hotspots.permute, cached on disk, so the warm-up is short; the
analytic runs must still not wait for it.)

One fresh interpreter (the compilation is once per process): analytic before the warm-up,
analytic *while* it compiles (quickly, and still analytic), the warm-up run once under
concurrent callers, permutations after it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.conftest import REPO_ROOT

ANALYTIC_WHILE_COMPILING_S = 5.0


def test_analytic_hot_spots_do_not_wait_for_the_warm_up() -> None:
    script = textwrap.dedent(f"""
        import threading, time
        import gridmap.hotspots as hs
        from gridmap.hotspots import warm
        from tests.hotspots_fixtures import lattice, points_for_counts
        assert warm.compiles(), "numba is not installed (requirements.txt pins it)"
        units = lattice(12, 12)
        pts = points_for_counts(units, [i % 7 for i in range(144)])
        before = hs.hotspots_by_unit(units, pts, variable="count")
        assert not hs.is_warm() and before.method.permutations == 0 and not before.method.warm
        assert before.frame["p_sim"].isna().all()
        thread = hs.start_background()
        during = []
        while not hs.is_warm():
            shifted = points_for_counts(units, [(i + len(during) + 1) % 7 for i in range(144)])
            cold = not hs.is_warm()
            started = time.perf_counter()
            result = hs.hotspots_by_unit(units, shifted, variable="count")
            if cold:
                during.append(time.perf_counter() - started)
                assert result.method.permutations == 0 and not result.method.warm
            time.sleep(0.2)
        assert during, "the warm-up ended before an analysis could run during it"
        assert max(during) < {ANALYTIC_WHILE_COMPILING_S}, f"analytic run took {{max(during):.1f}} s while compiling"
        threads = [threading.Thread(target=hs.warm_up) for _ in range(6)] + [threading.Thread(target=hs.start_background)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert hs.start_background() is thread
        thread.join()
        assert hs.is_warm() and warm.warm_up_seconds() is not None
        after = hs.hotspots_by_unit(units, pts, variable="count")
        assert after.method.permutations == 999 and after.method.warm
        print("ok", len(during), round(max(during), 3), round(warm.warm_up_seconds(), 1))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=400,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.startswith("ok"), proc.stdout
