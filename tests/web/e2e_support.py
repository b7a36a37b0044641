"""What the browser tests share: Debian's Chromium, and the app served by uvicorn in a process of its own.

Not a thread of the test process: CPython 3.11's compiler is not safe when two threads parse source at once,
and a lazy import in a server thread (anyio's API, the app's own imports in a fresh clone without bytecode)
failed with "AST constructor recursion depth mismatch" while the tests imported a module. The process
inherits the test cache folders (MULTIVECTOR_CACHE_DIR), so what a test stores it serves.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = os.environ.get("MULTIVECTOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_app(cache: Path, extra: str = "", timeout: float = 180) -> Iterator[str]:
    """Yield the URL of the app (`create_app(cache_dir=cache, workers=2, idle_timeout=20.0{extra})`) on a free
    127.0.0.1 port once it is started and warm (the pages' first answers computed); stop it afterwards."""
    port = free_port()
    code = ("import uvicorn; from multivector.web import create_app; "
            f"uvicorn.run(create_app(cache_dir={str(cache)!r}, workers=2, idle_timeout=20.0{extra}), "
            f"host='127.0.0.1', port={port}, log_level='warning')")
    proc = subprocess.Popen([sys.executable, "-c", code])
    url = f"http://127.0.0.1:{port}"
    t0 = time.monotonic()
    while True:
        assert proc.poll() is None, "the server process ended before it started"
        assert time.monotonic() - t0 < timeout, "the server did not start and warm up"
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=5) as r:
                if b'"warm":true' in r.read():
                    break
        except OSError:
            pass
        time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


def launch_chromium() -> Iterator[object]:
    """Yield a headless Chromium driven by Playwright (never a downloaded browser); fail if there is none."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install it (apt-get install chromium) or set MULTIVECTOR_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()
