"""One run of a consultation at a time, and the leftovers of runs that were killed.

``<workspace>/<slug>/.lock`` is held with ``flock`` for the whole of a run. The operating system
releases it when the process ends however it ends (SIGKILL, power cut of the process, a crash), so
a lock can never go stale; the file itself only says who holds it, for the message a second run
gets. A run that holds the lock knows that any ``runs/.<id>.partial`` folder of its consultation
belongs to a run that died, and removes it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

LOCK_FILE = ".lock"
PARTIAL = ".partial"


class RunLockedError(RuntimeError):
    """Another run of the same consultation is in progress; the message says whose and what to do."""


def _holder(handle: IO[str]) -> str:
    handle.seek(0)
    try:
        who = json.loads(handle.read() or "{}")
    except json.JSONDecodeError:
        return "another process"
    return f"process {who.get('pid', '?')} on {who.get('host', '?')}, started {who.get('started', '?')}"


@contextmanager
def consultation_lock(workspace: Path, slug: str, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the consultation's run lock for the block; refuse (after ``wait_s`` seconds) if it is taken."""
    folder = workspace / slug
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    with path.open("a+", encoding="utf-8") as handle:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLockedError(
                        f"another run of {slug!r} is in progress ({_holder(handle)}; lock {path}). "
                        "Wait for it to finish, or run with --wait SECONDS to queue behind it."
                    ) from None
                time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))
        try:
            handle.seek(0)
            handle.truncate()
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": stamp}))
            handle.flush()
            remove_partials(workspace, slug)
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_locked(workspace: Path, slug: str) -> bool:
    """Whether a run of ``slug`` holds its lock now."""
    path = workspace / slug / LOCK_FILE
    if not path.is_file():
        return False
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def _partials(folder: Path) -> list[Path]:
    runs = folder / "runs"
    if not runs.is_dir():
        return []
    return sorted(p for p in runs.iterdir() if p.name.startswith(".") and p.name.endswith(PARTIAL))


def remove_partials(workspace: Path, slug: str) -> list[Path]:
    """Remove the unfinished run folders of ``slug`` (call only while holding its lock)."""
    found = _partials(workspace / slug)
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    return found


def stale_partials(workspace: Path) -> list[Path]:
    """Unfinished run folders of consultations that no run holds now (left by killed runs)."""
    if not workspace.is_dir():
        return []
    found: list[Path] = []
    for folder in sorted(p for p in workspace.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if not is_locked(workspace, folder.name):
            found += _partials(folder)
    return found
