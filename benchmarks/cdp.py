"""What Chrome's DevTools Protocol tells a benchmark: bytes received, JS heap, live objects.

Each takes a CDP session of one page (``context.new_cdp_session(page)``).
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Iterator
from typing import Any

MB = 1_000_000


class NetMeter:
    """Bytes received by one page (and its same-process iframes), through CDP."""

    def __init__(self, cdp: Any) -> None:
        self.reset()
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.send("Network.enable")
        self.clock_offset: float | None = None  # wall time - CDP monotonic timestamp

    def reset(self) -> None:
        self.http = 0
        self.decoded = 0
        self.ws = 0
        self.ws_frames = 0
        self.requests = 0
        self.urls: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.frames: list[tuple[float, int]] = []  # (CDP timestamp, bytes)
        self.finished_at: dict[str, float] = {}  # url -> CDP timestamp
        self.script_runs: dict[str, int] = {}  # Streamlit script_finished status -> count

    def _sent(self, event: dict[str, Any]) -> None:
        if event.get("wallTime") and event.get("timestamp"):
            self.clock_offset = float(event["wallTime"]) - float(event["timestamp"])

    def _response(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["response"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        size = int(event.get("encodedDataLength") or 0)
        self.http += size
        self.requests += 1
        url = self.urls.get(event["requestId"], "?")
        self.sizes[url] = self.sizes.get(url, 0) + size
        self.finished_at[url] = float(event.get("timestamp") or 0.0)

    def _data(self, event: dict[str, Any]) -> None:
        self.decoded += int(event.get("dataLength") or 0)

    def _frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        payload = response.get("payloadData") or ""
        if response.get("opcode") == 2:  # Streamlit's protobuf ForwardMsgs, base64-encoded by CDP
            data = base64.b64decode(payload)
            size = len(data)
            self._count_run(data)
        else:
            size = len(payload.encode("utf-8"))
        self.ws += size
        self.ws_frames += 1
        self.frames.append((float(event.get("timestamp") or 0.0), size))

    def _count_run(self, data: bytes) -> None:
        """Count finished script runs (full page runs and fragment runs) among the messages."""
        try:
            from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "script_finished":
                name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                self.script_runs[name] = self.script_runs.get(name, 0) + 1
        except Exception:  # not a ForwardMsg: nothing to count
            pass

    def runs_text(self) -> str:
        names = {"FINISHED_SUCCESSFULLY": "full", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY": "fragment",
                 "FINISHED_EARLY_FOR_RERUN": "ended early by a rerun"}
        parts = [f"{n} {names.get(k, k.lower())}" for k, n in sorted(self.script_runs.items())]
        return "script runs: " + (", ".join(parts) if parts else "none")

    @property
    def total(self) -> int:
        return self.http + self.ws

    def http_by_kind(self) -> dict[str, int]:
        """HTTP bytes: Streamlit's own frontend chunks, the map (st_folium component + Leaflet files), other."""
        out = {"streamlit": 0, "map": 0, "other": 0}
        for url, size in self.sizes.items():
            path = urllib.parse.urlparse(url).path
            if "/component/" in path or path.startswith("/app/static/"):
                out["map"] += size
            elif path.startswith("/static/") or path.startswith("/_stcore/"):
                out["streamlit"] += size
            else:
                out["other"] += size
        return out

    def chunks_done(self, since_wall: float) -> str:
        """When the last of Streamlit's own JS/CSS chunks had arrived, relative to ``since_wall``."""
        done = [t for url, t in self.finished_at.items()
                if urllib.parse.urlparse(url).path.startswith("/static/")]
        if not done or self.clock_offset is None:
            return "no Streamlit chunks fetched"
        return f"Streamlit chunks done +{max(done) + self.clock_offset - since_wall:.2f} s"

    def ws_times(self, since_wall: float) -> str:
        """When the websocket frames arrived, relative to ``since_wall`` (time.time())."""
        if not self.frames or self.clock_offset is None:
            return "no websocket frames"
        rel = [(ts + self.clock_offset - since_wall, size) for ts, size in self.frames]
        big = max(rel, key=lambda f: f[1])
        return (f"websocket: first frame +{rel[0][0]:.2f} s, largest ({big[1] / 1000:.0f} kB) +{big[0]:.2f} s, "
                f"last +{rel[-1][0]:.2f} s")

    def largest(self, n: int = 3) -> str:
        top = sorted(self.sizes.items(), key=lambda kv: -kv[1])[:n]
        return ", ".join(f"{url.rsplit('/', 1)[-1][:40] or url} {size / 1000:.0f} kB" for url, size in top)


def heap_mb(cdp: Any) -> tuple[float, int]:
    """JS heap used after a forced GC (MB) and the DOM node count, for the page's renderer."""
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics.get("JSHeapUsedSize", 0)) / MB, int(metrics.get("Nodes", 0))


class FrameObjects:
    """Live JS objects of a class inside the map iframe (CDP ``Runtime.queryObjects``, after a GC)."""

    def __init__(self, cdp: Any) -> None:
        self.cdp = cdp
        self.contexts: dict[str, int] = {}
        cdp.on("Runtime.executionContextCreated", self._created)
        cdp.send("Runtime.enable")

    def _created(self, event: dict[str, Any]) -> None:
        context = event["context"]
        aux = context.get("auxData") or {}
        if aux.get("isDefault"):
            self.contexts[aux["frameId"]] = context["id"]

    def count(self, prototype: str) -> int | None:
        def walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
            yield node["frame"]
            for child in node.get("childFrames", []):
                yield from walk(child)

        tree = self.cdp.send("Page.getFrameTree")["frameTree"]
        frame_id = next((f["id"] for f in walk(tree) if "streamlit_folium" in f.get("url", "")), None)
        context = self.contexts.get(frame_id or "")
        if context is None:
            return None
        group = "gmcount"
        try:
            proto = self.cdp.send("Runtime.evaluate", {"expression": prototype, "contextId": context,
                                                       "objectGroup": group})["result"]["objectId"]
            found = self.cdp.send("Runtime.queryObjects", {"prototypeObjectId": proto, "objectGroup": group})
            length = self.cdp.send("Runtime.callFunctionOn", {
                "functionDeclaration": "function () { return this.length }",
                "objectId": found["objects"]["objectId"], "returnByValue": True})
            return int(length["result"]["value"])
        finally:
            self.cdp.send("Runtime.releaseObjectGroup", {"objectGroup": group})
