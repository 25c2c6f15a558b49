"""The HTML report in a real browser: headless Chromium driven over the DevTools protocol.

The seeds' run report must show its sections, seed 001's repeated headline as a paragraph cluster
with its similarities, and the same rule hits as summary.json; a corpus holding <script> must show
it as text, never run it; and no page may log a console error (a script error, or anything the
page's Content-Security-Policy blocked). A screenshot of each page is saved (set
CLEANSE_SCREENSHOTS=DIR to keep them). CI installs Debian's chromium (.ci/run); without it the
tests skip, saying so.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from cleanse.cli import main

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--remote-debugging-port=0", "--window-size=1280,900",
]  # fmt: skip

websocket = pytest.importorskip("websocket", reason="websocket-client (the dev extra) drives the browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does it)"
)


class Browser:
    """One headless Chromium with a fresh profile, and one page driven over its DevTools socket."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().count("\n") >= 1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                pytest.fail(f"chromium did not start (exit status {self.proc.returncode})")
            time.sleep(0.05)
        port = port_file.read_text().split("\n")[0].strip()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=30) as answer:
            targets = json.load(answer)
        url = next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")
        self.ws = websocket.create_connection(url, timeout=60, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(method)
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def call(self, method: str, **params: object) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    msg = f"{method}: {message['error']}"
                    raise AssertionError(msg)
                return message.get("result", {})
            self.events.append(message)

    def open(self, path: Path) -> None:
        """Load a file and wait for its load event."""
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=path.resolve().as_uri())
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            self.events.append(json.loads(self.ws.recv()))

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            msg = f"{expression}: {result['exceptionDetails']}"
            raise AssertionError(msg)
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and blocked loads logged since the page opened."""
        self.call("Runtime.evaluate", expression="0")  # flush events queued before this point
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"])[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"))[:500])
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", "")[:500])
        return found

    def screenshot(self, target: Path) -> None:
        """The whole page as a PNG."""
        height = int(self.evaluate("document.documentElement.scrollHeight"))
        self.call("Emulation.setDeviceMetricsOverride", width=1280, height=min(height, 16000), deviceScaleFactor=1, mobile=False)
        shot = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        target.write_bytes(base64.b64decode(shot["data"]))
        keep = os.environ.get("CLEANSE_SCREENSHOTS")
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(target, Path(keep) / target.name)

    def close(self) -> None:
        """Stop the browser."""
        if getattr(self, "ws", None) is not None:
            self.ws.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    instance = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds-run") / "out"
    assert main(["run", str(SEEDS), str(out), "-q", "--workers", "1"]) == 0
    return out / ".cleanse"


def test_seeds_report_in_chromium(browser, seeds_report, tmp_path):
    summary = json.loads((seeds_report / "summary.json").read_text(encoding="utf-8"))
    browser.open(seeds_report / "report.html")
    sections = browser.evaluate("Array.from(document.querySelectorAll('main section h2')).map(h => h.textContent)")
    assert sections == ["Summary", "Rules", "Sources", "Duplicates", "Rejected inputs"]
    # Seed 001 repeats its headline: line 3 is kept, three copies are removed with their similarity.
    cluster = browser.evaluate(
        """(() => { const c = document.querySelector('.cluster[data-kept="001_86e46f91a25bda8f.txt"]');
        return c && {head: c.querySelector('h4').textContent, kept: c.querySelector('.kept-copy').textContent,
        sims: Array.from(c.querySelectorAll('.badge.sim')).map(b => b.dataset.similarity),
        shown: c.getBoundingClientRect().height > 0}; })()"""
    )
    assert cluster is not None, "seed 001's headline cluster is not in the page"
    assert "cluster of 4" in cluster["head"] and "line 3" in cluster["head"]
    assert cluster["kept"].replace("\xa0", " ").startswith("« La mise en scène du rapprochement entre Moscou et Pyongyang")
    assert sorted(cluster["sims"]) == ["0.82", "0.90", "1.00"] and cluster["shown"]
    hits = browser.evaluate(
        """Object.fromEntries(Array.from(document.querySelectorAll('#rules-table tbody tr'))
        .map(r => [r.cells[0].querySelector('.id').textContent, Number(r.cells[2].dataset.v)]))"""
    )
    assert hits == {rule: counts["changes"] for rule, counts in summary["rules"].items()}
    cards = browser.evaluate(
        "Object.fromEntries(Array.from(document.querySelectorAll('.card')).map(c => [c.dataset.card, c.querySelector('b').textContent]))"
    )
    assert cards["documents in"] == str(summary["documents"]["in"])
    assert cards["characters removed"].startswith(f"{summary['characters']['in'] - summary['characters']['out']:,}")
    # The script sorts: a click on "hits" puts the busiest rule first.
    browser.evaluate("document.querySelectorAll('#rules-table th')[2].click()")
    first = browser.evaluate("Number(document.querySelector('#rules-table tbody tr').cells[2].dataset.v)")
    assert first == max(c["changes"] for c in summary["rules"].values())
    browser.screenshot(tmp_path / "seeds-report.png")
    assert (tmp_path / "seeds-report.png").stat().st_size > 10_000
    assert browser.errors() == []


def test_html_in_the_corpus_is_shown_never_run(browser, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    hostile = (
        "<script>window.__ran = 1; console.error('ran')</script> Les négociations reprennent à Bruxelles "
        "ce lundi entre les ministres des finances de la zone euro <img src=x onerror=\"window.__ran=2\">"
    )
    (src / "a.txt").write_text(f"{hostile}\nPartager\nLe texte de l'article continue ici.\n", encoding="utf-8")
    (src / "b.txt").write_text(f"{hostile}\nUn autre article, sur un autre sujet.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(src), str(out), "-q", "--workers", "1"]) == 0
    page = (out / ".cleanse" / "report.html").read_text(encoding="utf-8")
    assert "<script>window.__ran" not in page and "<img src=x" not in page
    browser.open(out / ".cleanse" / "report.html")
    assert browser.evaluate("window.__ran === undefined && document.images.length === 0")
    shown = browser.evaluate("document.querySelector('#duplicates').textContent")
    assert "<script>window.__ran = 1;" in shown
    browser.screenshot(tmp_path / "hostile-report.png")
    assert browser.errors() == []
