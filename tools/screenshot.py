"""Screenshot of the command map for the README: ``python tools/screenshot.py [--db URL] [-o PNG]``.

Starts ``streamlit run app.py`` on a free port against a store (default: the county demo
in ``data/screenshot/county.db``, generated on first use, ~45 s), signs in as the demo
commander in Debian's Chromium, waits until the map has drawn its units, and saves the
page. Prints any request that left localhost (there must be none).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DB = REPO / "data" / "screenshot" / "county.db"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_county(db: Path) -> str:
    url = f"sqlite:///{db}"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        print(f"generating the county demo into {db} (about 45 s) ...", flush=True)
        subprocess.run([sys.executable, "-m", "gridmap", "demo", "--scale", "county", "--today", "2026-11-23",
                        "--db", url], cwd=REPO, check=True)
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=None, help="store URL (default: the county demo in data/screenshot/)")
    parser.add_argument("-o", "--output", default=str(REPO / "docs" / "command_map.png"))
    parser.add_argument("--user", default="commander")
    parser.add_argument("--password", default="demo-commander-2026")
    parser.add_argument("--width", type=int, default=1500)
    parser.add_argument("--height", type=int, default=1150)
    args = parser.parse_args()
    url = args.db or _ensure_county(DEFAULT_DB)

    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = {**os.environ, "GRIDMAP_DB": url, "GRIDMAP_TILES": os.environ.get("GRIDMAP_TILES", "none")}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1"],
                              cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                              start_new_session=True)
    offsite: list[str] = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=os.environ.get("GRIDMAP_CHROMIUM", "/usr/bin/chromium"),
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": args.width, "height": args.height}, locale="zh-CN")
            page.on("request", lambda r: offsite.append(r.url)
                    if r.url.startswith("http") and not r.url.startswith(("http://127.0.0.1", "http://localhost"))
                    else None)
            page.goto(base)
            page.get_by_label("用户名").fill(args.user)
            page.get_by_label("密码").fill(args.password)
            page.get_by_role("button", name="登录").click()
            page.get_by_role("heading", name="指挥一张图").wait_for(timeout=120_000)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                frames = [f for f in page.frames if "streamlit_folium" in f.url]
                if frames and frames[0].evaluate(
                        "() => { if (!window.map) return false; let n = 0; window.map.eachLayer(l => "
                        "{ if (l.feature && l.feature.properties && l.feature.properties.code) n++ }); return n > 0 }"):
                    break
                time.sleep(0.5)
            page.wait_for_timeout(1500)
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.output, full_page=True)
            browser.close()
    finally:
        os.killpg(os.getpgid(server.pid), signal.SIGTERM)
    print(f"saved {args.output}")
    print("requests off localhost:", offsite or "none")
    return 1 if offsite else 0


if __name__ == "__main__":
    sys.exit(main())
