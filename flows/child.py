"""A server run as a child process in the foreground, stopped with its parent.

``throughline dashboard`` serves Streamlit from a child process. With ``subprocess.call`` a
SIGTERM to the CLI's pid ended the CLI alone and left Streamlit serving the port. ``run_child``
starts the child in a process group (and session) of its own, forwards SIGTERM, SIGINT and SIGHUP
to that whole group, waits for it to exit — killing the group after ``grace`` seconds — and
returns its exit status. Ctrl+C reaches the child once, through the parent.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from types import FrameType

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE_S = 10.0
POLL_S = 0.2


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signum)  # the child leads its group: its own children go too


def exit_status(returncode: int) -> int:
    """A child's return code as a shell would report it (killed by signal N: 128 + N)."""
    return returncode if returncode >= 0 else 128 - returncode


def run_child(command: Sequence[str], env: Mapping[str, str] | None = None, grace: float = GRACE_S) -> int:
    """Run ``command`` until it exits or this process is told to stop; return its exit status."""
    process = subprocess.Popen(list(command), env=None if env is None else dict(env), start_new_session=True)
    stop_at: list[float] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        _signal_group(process, signum)
        if not stop_at:
            stop_at.append(time.monotonic() + grace)

    handled = threading.current_thread() is threading.main_thread()  # signal handlers live in the main thread
    previous = {s: signal.signal(s, forward) for s in FORWARDED} if handled else {}
    try:
        while True:
            try:
                return exit_status(process.wait(timeout=POLL_S))
            except subprocess.TimeoutExpired:
                if stop_at and time.monotonic() > stop_at[0]:
                    _signal_group(process, signal.SIGKILL)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if process.poll() is None:  # this process is ending for another reason: take the server with it
            _signal_group(process, signal.SIGTERM)
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
