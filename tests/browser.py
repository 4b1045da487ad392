"""A real headless Chromium, cut off from the network, driven over the DevTools protocol.

Only loopback is used: the DevTools socket Chromium opens on 127.0.0.1. Pages get no network at
all (offline emulation, and a resolver that resolves nothing), and every request a page tries is
recorded so a test can check there were none.
"""
from __future__ import annotations

import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("MALIKG_CHROMIUM", "/usr/bin/chromium")
#: How long to wait for Chromium or a page before failing (a bound, not something tests measure).
PATIENCE = 60.0


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium; CI installs it)"
    try:
        import websocket  # noqa: F401
    except ImportError:
        return "websocket-client is not installed (pip install -e '.[test]')"
    return None


@dataclass
class PageReport:
    """What happened while a page loaded."""
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class Browser:
    """One Chromium process; ``open(path)`` loads a file in a fresh tab and returns a ``Page``."""

    def __init__(self, width: int = 1400, height: int = 900):
        import websocket

        self.width, self.height = width, height
        self._profile = tempfile.mkdtemp(prefix="malikg-chromium-")
        self._process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--disable-default-apps", "--no-first-run",
             "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
             "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={width},{height}",
             f"--user-data-dir={self._profile}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            port, path = self._devtools_address()
            self._socket = websocket.create_connection(f"ws://127.0.0.1:{port}{path}",
                                                       timeout=PATIENCE, suppress_origin=True)
        except BaseException:
            self.close()
            raise
        self._ids = itertools.count(1)
        self._pending_events: list[dict] = []

    def _devtools_address(self) -> tuple[str, str]:
        # With port 0 Chromium picks a free port and writes it to this file: no race for a port.
        marker = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"chromium exited with {self._process.returncode}")
            lines = marker.read_text().splitlines() if marker.exists() else []
            if len(lines) >= 2:
                return lines[0], lines[1]
            time.sleep(0.05)
        raise TimeoutError("chromium did not open its DevTools port")

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one DevTools command and return its result (events that arrive meanwhile are kept)."""
        message_id = next(self._ids)
        message = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        while True:
            reply = json.loads(self._socket.recv())
            if reply.get("id") == message_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._pending_events.append(reply)

    def next_event(self) -> dict:
        if self._pending_events:
            return self._pending_events.pop(0)
        while True:
            reply = json.loads(self._socket.recv())
            if "method" in reply:
                return reply

    def open(self, path: Path) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        page.load(Path(path))
        return page

    def close(self) -> None:
        socket = getattr(self, "_socket", None)
        if socket is not None:
            try:
                socket.close()
            except OSError:
                pass
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Page:
    """One tab, offline, with its console errors and attempted requests recorded."""

    def __init__(self, browser: Browser, target: str, session: str):
        self.browser, self.target, self.session = browser, target, session
        self.report = PageReport()

    def send(self, method: str, params: dict | None = None) -> dict:
        return self.browser.send(method, params, self.session)

    def load(self, path: Path) -> None:
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Network.emulateNetworkConditions",
                  {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.browser.width, "height": self.browser.height,
                   "deviceScaleFactor": 1, "mobile": False})
        self.send("Page.navigate", {"url": path.resolve().as_uri()})
        self._wait_for(lambda event: event["method"] == "Page.loadEventFired")

    def _wait_for(self, done) -> None:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            event = self.browser.next_event()
            if event.get("sessionId") != self.session:
                continue
            self._record(event)
            if done(event):
                return
        raise TimeoutError("the page did not finish loading")

    def _record(self, event: dict) -> None:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.report.console_errors.append(
                details.get("exception", {}).get("description") or details.get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.report.console_errors.append(
                " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params["args"]))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.report.console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            self.report.requests.append(params["request"]["url"])

    def drain(self) -> None:
        """Record the events that have arrived for this page so far."""
        for event in list(self.browser._pending_events):
            if event.get("sessionId") == self.session:
                self.browser._pending_events.remove(event)
                self._record(event)

    def outside_requests(self) -> list[str]:
        """Every request the page tried beyond its own file (and data: URLs), so far."""
        self.drain()
        return [url for url in self.report.requests if not url.startswith(("file:", "data:"))]

    def problems(self) -> dict[str, list[str]]:
        """The console errors and outside requests so far: both empty for a page that works offline."""
        self.drain()
        return {"console_errors": list(self.report.console_errors), "outside_requests": self.outside_requests()}

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True, "timeout": PATIENCE * 1000})
        self.drain()
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_until(self, condition: str) -> None:
        """Wait, inside the page, until the JavaScript ``condition`` is true."""
        self.evaluate(f"""new Promise(function (resolve, reject) {{
            var started = Date.now();
            (function check() {{
                if ({condition}) {{ resolve(true); }}
                else if (Date.now() - started > {int(PATIENCE * 1000)}) {{ reject(new Error("timed out")); }}
                else {{ setTimeout(check, 50); }}
            }})();
        }})""")

    def hover(self, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})
