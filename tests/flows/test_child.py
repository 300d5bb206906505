"""``throughline dashboard`` stops its Streamlit child when it is told to stop (SIGTERM, SIGINT)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from flows.child import exit_status, run_child

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def answers(port: int) -> bool:
    """Whether anything accepts a connection on the port."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, …), or None once it is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] != "Z"


def test_exit_status_reads_like_a_shell() -> None:
    assert exit_status(0) == 0
    assert exit_status(3) == 3
    assert exit_status(-signal.SIGTERM) == 128 + signal.SIGTERM


def test_run_child_returns_the_child_status() -> None:
    assert run_child([sys.executable, "-c", "raise SystemExit(3)"]) == 3


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc to find the child")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_stopping_the_dashboard_command_stops_streamlit(tmp_path: Path, signum: signal.Signals) -> None:
    port = free_port()
    command = [sys.executable, "-m", "flows.cli", "dashboard", "-w", str(tmp_path / "workspace"), "--port", str(port)]
    parent = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    try:
        deadline = time.monotonic() + 90
        while not healthy(port):
            assert parent.poll() is None, "the dashboard command exited before serving"
            assert time.monotonic() < deadline, "the dashboard did not answer in 90 s"
            time.sleep(0.5)
        children = descendants(parent.pid)
        assert children, "Streamlit serves from a child process"
        parent.send_signal(signum)
        parent.wait(timeout=20)
        free_by = time.monotonic() + 5
        while answers(port) and time.monotonic() < free_by:
            time.sleep(0.2)
        assert not answers(port), "the port still answers after the dashboard command stopped"
        assert not [pid for pid in children if alive(pid)], "a child of the dashboard command is still running"
    finally:
        for pid in [parent.pid, *children]:  # only what this test started
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        parent.wait(timeout=10)
