"""A local Prefect server kept running between analyses, found by ``throughline analyse``.

Without a server Prefect starts a temporary one for every run (7–11 s here). ``throughline
server`` runs ``prefect server start`` on 127.0.0.1 with the workspace's ``PREFECT_HOME`` and
records its address in ``<PREFECT_HOME>/server-url`` while it runs; ``use_running_server`` points
the current process at it when it answers its health check, so an unchanged re-run takes seconds.
A ``PREFECT_API_URL`` set by the user always wins.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

from flows.child import run_child

URL_FILE = "server-url"


def url_file(prefect_home: Path) -> Path:
    """Where a running server's API address is recorded."""
    return prefect_home / URL_FILE


def healthy(api_url: str, timeout: float = 0.5) -> bool:
    """Whether a Prefect API answers at ``api_url`` (``http://host:port/api``)."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def use_running_server(prefect_home: Path) -> str | None:
    """Set ``PREFECT_API_URL`` to the workspace's running server, if there is one; returns it."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"]
    path = url_file(prefect_home)
    if not path.is_file():
        return None
    url = path.read_text().strip()
    if not url.startswith("http://127.0.0.1:") or not healthy(url):
        return None
    os.environ["PREFECT_API_URL"] = url
    return url


def serve(prefect_home: Path, port: int) -> int:
    """Run the Prefect server in the foreground until interrupted; returns its exit status."""
    url = f"http://127.0.0.1:{port}/api"
    if healthy(url):
        raise RuntimeError(f"something already answers on port {port}; choose another with --port")
    prefect_home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(prefect_home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    url_file(prefect_home).write_text(url + "\n")
    try:
        return run_child(command, env)  # SIGTERM, SIGINT and SIGHUP stop the server's whole process group
    finally:
        url_file(prefect_home).unlink(missing_ok=True)
