"""Start and stop a dashboard server for browser tests, benchmarks and screenshots.

The server listens on 127.0.0.1 only, on a free port; it is stopped by the PID this module
started, never by name.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ENTRY = Path(__file__).parent / "streamlit_app.py"
#: Flags for Debian's chromium in this workplace (no sandbox as root, no background network).
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_dashboard(timeout_s: float = 60.0, language: str | None = None) -> Iterator[str]:
    """Run ``streamlit run`` on the packaged entry point; yield its URL; stop it on exit."""
    port = free_port()
    environment = dict(os.environ)
    if language:
        environment["TIERSLIEUX_LANG"] = language
    command = [sys.executable, "-m", "streamlit", "run", str(ENTRY),
               "--server.address", "127.0.0.1", "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "viewer",
               "--server.fileWatcherType", "none"]
    process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if process.poll() is not None:
                error_output = process.stderr.read() if process.stderr else b""
                raise RuntimeError("the dashboard server stopped: "
                                   + error_output.decode(errors="replace")[-2000:])
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dashboard did not answer on {url} in {timeout_s} s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
