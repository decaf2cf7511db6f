"""The README's sample town brief: ``python tools/sample_brief.py [--db URL] [--unit CODE] [-o docs/sample_brief]``.

Without ``--db`` it generates the small demo county into a temporary store, anchored at a
fixed day and seed (``--today 2026-11-23``, seed 7), so the sample is the same on every
run; then it writes the brief of ``--unit`` (default 330327103000, 宜山镇, the small demo's
town) as ``<out>.pdf`` (WeasyPrint, Noto CJK embedded) and ``<out>.png`` (headless
Chromium's screenshot of the same HTML), exactly as ``python -m gridmap brief`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from gridmap.access import Session  # noqa: E402
from gridmap.brief.render import brief_html, brief_pdf, brief_png  # noqa: E402
from gridmap.brief.town import brief_data  # noqa: E402
from gridmap.domain import Scope  # noqa: E402
from gridmap.store import open_store  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default=None, help="a store (default: the small demo, generated)")
    ap.add_argument("--unit", default="330327103000")
    ap.add_argument("-o", "--output", default=str(REPO / "docs" / "sample_brief"), help="path without suffix")
    ap.add_argument("--lang", choices=["zh", "en"], default="zh")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db
        if url is None:
            from gridmap.demo import load_demo

            url = f"sqlite:///{Path(tmp) / 'demo.db'}"
            with open_store(url) as store:
                load_demo(store, "small", seed=7, today=dt.date(2026, 11, 23))
        with open_store(url) as store:
            session = Session.system(store, Scope.county(args.unit[:6]), actor="sample")
            data = brief_data(session, args.unit)
            html = brief_html(data, args.lang)
            out = Path(args.output)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.with_suffix(".pdf").write_bytes(brief_pdf(data, args.lang, html=html))
            out.with_suffix(".png").write_bytes(brief_png(data, args.lang, html=html, chromium=args.chromium,
                                                          scale=1.5))
    print(f"wrote {out.with_suffix('.pdf')} and {out.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
