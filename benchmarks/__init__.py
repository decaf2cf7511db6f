"""Benchmarks: scripts, not tests. Each ``bench_NAME.py`` runs on its own
(``python benchmarks/bench_NAME.py`` or ``python -m gridmap bench NAME``); the modules
without the prefix are what several of them share. See ``benchmarks/README.md``.
"""
