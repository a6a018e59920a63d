"""Headless Chromium: how a person sees the report, for tests and the README picture.

Debian's ``chromium`` package and ``fonts-noto-cjk`` (Korean) are installed by the
project's setup (``.ci/run``, ``make browser``). Only ``file://`` pages are opened,
with networking to anything but loopback refused, so a page that tried to fetch an
external asset would show it as a console error.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
INSTALL_HINT = "install it with: apt-get install -y chromium fonts-noto-cjk (or make browser)"


class BrowserError(RuntimeError):
    """Chromium is missing or failed; the message says how to fix it."""


def executable() -> str:
    for name in (os.environ.get("ASSETPACK_CHROMIUM"), *CANDIDATES):
        if name and (found := shutil.which(name)):
            return found
    raise BrowserError(f"no headless Chromium found; {INSTALL_HINT}")


def _run(args: list[str], timeout: float = 120) -> tuple[subprocess.CompletedProcess, list[str]]:
    """Run Chromium on a page; return the process and the errors the page caused."""
    with tempfile.TemporaryDirectory(prefix="assetpack-chromium-") as profile:
        netlog = Path(profile, "net.json")
        cmd = [executable(), "--headless=new", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-pings", "--disable-domain-reliability",
               # Nothing leaves the machine: every host but loopback is unresolvable.
               "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
               f"--log-net-log={netlog}", "--enable-logging=stderr", "--v=0", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "HOME": profile})
        if proc.returncode != 0:
            raise BrowserError(f"chromium exited {proc.returncode}: "
                               f"{proc.stderr.strip()[-500:]}")
        errors = console_messages(proc.stderr) + [
            f"the page fetched {url}" for url in page_requests(netlog)]
    return proc, errors


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the console: the report has no script, so any is an error."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself requested (not Chromium's own background requests), from
    Chromium's net log: the page's requests carry its ``file://`` isolation key."""
    try:
        events = json.loads(netlog.read_text()).get("events", [])
    except (OSError, ValueError):
        # Chromium finishes the log on exit; a truncated one still lists the requests.
        text = netlog.read_text() if netlog.exists() else ""
        events = json.loads(text.rstrip().rstrip(",") + "]}").get("events", []) if text else []
    urls = []
    for event in events:
        params = event.get("params") or {}
        key = str(params.get("network_isolation_key", ""))
        url = params.get("url", "")
        if key.startswith("file://") and url and not url.startswith(("file:", "data:")):
            urls.append(url)
    return sorted(set(urls))


def dump_dom(page: Path) -> tuple[str, list[str]]:
    """The DOM after the browser parsed the page, and the errors the page caused."""
    proc, errors = _run(["--dump-dom", page.resolve().as_uri()])
    return proc.stdout, errors


def screenshot(page: Path, png: Path, width: int = 1000, height: int = 2400) -> list[str]:
    """Save a PNG of the page; return the errors the page caused."""
    png.parent.mkdir(parents=True, exist_ok=True)
    _, errors = _run([f"--window-size={width},{height}", f"--screenshot={png.resolve()}",
                      page.resolve().as_uri()])
    if not png.is_file():
        raise BrowserError(f"chromium wrote no screenshot to {png}")
    return errors
