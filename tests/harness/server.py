"""The app as users get it: ``streamlit run app.py`` on a free port against one store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.harness.processes import tree_cpu_s, tree_rss_kb

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVER_START_TIMEOUT_S = 120.0


class ServerError(RuntimeError):
    """The server exited or did not answer in time; the message ends with its log's tail."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StreamlitServer:
    """``streamlit run app.py`` in its own process group, logging to ``workdir/streamlit-PORT.log``.

    The environment is this process's, without ``GRIDMAP_ENV`` (development mode, so demo
    passwords are accepted), with ``GRIDMAP_DB``, ``GRIDMAP_DATA=workdir``,
    ``GRIDMAP_TILES=none``, ``GRIDMAP_HOTSPOTS_WARM=0`` (no numba compilation per
    server: 25-70 s of a core each; a test that wants it passes ``1``) and then ``env`` on top. Use it as a context manager, or call
    :meth:`start` and :meth:`stop`.
    """

    def __init__(self, db_url: str, workdir: Path, env: dict[str, str] | None = None, *,
                 start_timeout_s: float = SERVER_START_TIMEOUT_S) -> None:
        self.db_url = db_url
        self.extra_env = dict(env or {})
        self.workdir = workdir
        self.start_timeout_s = start_timeout_s
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None  # time.monotonic() when the process was started
        self.healthy_at: float | None = None  # ... and when /_stcore/health first answered

    def __enter__(self) -> StreamlitServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> str:
        """Start the server and wait until ``/_stcore/health`` answers; returns the base URL."""
        env = {key: value for key, value in os.environ.items() if key != "GRIDMAP_ENV"}
        env.update({"GRIDMAP_DB": self.db_url, "GRIDMAP_DATA": str(self.workdir), "PYTHONUNBUFFERED": "1",
                    "GRIDMAP_TILES": "none", "GRIDMAP_HOTSPOTS_WARM": "0", **self.extra_env})
        cmd = [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]
        with open(self.log_path, "wb") as log:
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_healthy()
        return self.base_url

    def _wait_healthy(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + self.start_timeout_s
        last_error = ""
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"streamlit exited with {self.proc.returncode} before it was ready:\n"
                                  f"{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        self.healthy_at = time.monotonic()
                        return
            except (urllib.error.URLError, OSError) as exc:
                last_error = str(exc)
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"streamlit did not answer /_stcore/health within {self.start_timeout_s:.0f} s "
                          f"({last_error}):\n{self.log_tail()}")

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no log)"

    def errors(self) -> list[str]:
        """The start (600 characters) of every traceback the server logged."""
        text = self.log_tail(10**8)
        return [chunk[:600] for chunk in text.split("Traceback (most recent call last):")[1:]]

    def rss_kb(self) -> tuple[int, int]:
        """Resident memory (kB) of the server and every process it started, and how many processes."""
        if self.proc is None or self.proc.poll() is not None:
            return 0, 0
        return tree_rss_kb(self.proc.pid)

    def cpu_s(self) -> float:
        """CPU seconds the server and every process it started have used so far."""
        if self.proc is None or self.proc.poll() is not None:
            return 0.0
        return tree_cpu_s(self.proc.pid)

    def stop(self) -> None:
        """Terminate the server's whole process group (SIGTERM, then SIGKILL)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)
