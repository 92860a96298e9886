"""A small driver for headless Chromium over the DevTools protocol, through
--remote-debugging-pipe (fds 3 and 4, NUL-separated JSON): no WebSocket,
no Node.js, nothing to install but the browser.

    with Browser() as b:
        page = b.new_page(1400, 900)
        page.open("file:///tmp/report.html")
        page.evaluate("document.title")
        page.screenshot("out.png")

Each page records every network request it makes (page.requests), and
every uncaught exception and console error (page.errors).
"""
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
    "--disable-dev-shm-usage", "--remote-debugging-pipe", "about:blank",
]


def chromium_path():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(Exception):
    pass


class Browser:
    def __init__(self, executable=None, timeout=60):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="glossa-chromium-")
        exe = executable or chromium_path()
        if not exe:
            raise BrowserError("no chromium found")
        # The child's fd 3 reads our commands, its fd 4 writes answers.
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        for fd in (to_r, from_w):
            os.close(fd)

        def wire():
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)

        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        self.proc = subprocess.Popen(
            [exe, "--user-data-dir=" + self.profile] + FLAGS,
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
            preexec_fn=wire, close_fds=False)
        os.close(hi_r)
        os.close(hi_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self.w, self.r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("timed out waiting for chromium")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed its pipe (see "
                                       "its log: %s)" % self.log.name)
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=None):
        self.next_id += 1
        mid = self.next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_message(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise BrowserError("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, session=None, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and (
                        session is None or m.get("sessionId") == session):
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def new_page(self, width=1400, height=900):
        target = self.send("Target.createTarget", {"url": "about:blank"})
        session = self.send("Target.attachToTarget", {
            "targetId": target["targetId"], "flatten": True})["sessionId"]
        return Page(self, session, target["targetId"], width, height)


class Page:
    def __init__(self, browser, session, target_id, width, height):
        self.b = browser
        self.session = session
        self.target_id = target_id
        self.requests = []
        self.errors = []
        for domain in ("Page", "Runtime", "Network"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": False})

    def send(self, method, params=None, timeout=None):
        return self.b.send(method, params, self.session, timeout)

    def close(self):
        self.b.send("Target.closeTarget", {"targetId": self.target_id})

    def _collect(self):
        """Moves this page's requests and errors out of the event queue."""
        keep = []
        for m in self.b.events:
            if m.get("sessionId") != self.session:
                keep.append(m)
                continue
            method, p = m.get("method"), m.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests.append(p["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                self.errors.append(d.get("exception", {}).get(
                    "description", d.get("text")))
            elif (method == "Runtime.consoleAPICalled"
                  and p.get("type") in ("error", "assert")):
                self.errors.append(" ".join(
                    str(a.get("value", a.get("description")))
                    for a in p.get("args", [])))
            elif method == "Page.loadEventFired":
                keep.append(m)
        self.b.events = keep

    def open(self, url, ready="document.documentElement.dataset.ready",
             timeout=60):
        """Loads url and waits for its load event and for `ready` to be
        true. Returns the seconds from the navigation to the load event."""
        t0 = time.monotonic()
        self.send("Page.navigate", {"url": url})
        self.b.wait_event("Page.loadEventFired", self.session, timeout)
        loaded = time.monotonic() - t0
        self.wait_for(ready, timeout)
        return loaded

    def wait_for(self, expr, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.evaluate(expr):
            if time.monotonic() > deadline:
                raise BrowserError("timed out waiting for: " + expr)
            time.sleep(0.05)

    def evaluate(self, expr):
        r = self.send("Runtime.evaluate", {
            "expression": expr, "returnByValue": True, "awaitPromise": True})
        self._collect()
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise BrowserError("%s: %s" % (expr[:80], d.get(
                "exception", {}).get("description", d.get("text"))))
        return r["result"].get("value")

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
