"""One run of a consultation at a time; a killed holder never leaves the lock taken."""

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from flows.lock import RunLockedError, consultation_lock, is_locked, stale_partials


def test_a_second_run_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    with consultation_lock(tmp_path, "plan"):
        assert is_locked(tmp_path, "plan")
        with pytest.raises(RunLockedError) as refused, consultation_lock(tmp_path, "plan"):
            pass
        message = str(refused.value)
        assert "another run of 'plan' is in progress" in message
        assert f"process {os.getpid()}" in message
        assert "--wait" in message
        with consultation_lock(tmp_path, "other"):  # other consultations are not held up
            pass
    assert not is_locked(tmp_path, "plan")


def test_a_waiting_run_goes_ahead_when_the_first_finishes(tmp_path: Path) -> None:
    order: list[str] = []
    holding = threading.Event()

    def first() -> None:
        with consultation_lock(tmp_path, "plan"):
            holding.set()
            time.sleep(0.6)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait()
    with consultation_lock(tmp_path, "plan", wait_s=30):
        order.append("second ran")
    thread.join()
    assert order == ["first done", "second ran"]  # serialised, never interleaved


def test_a_killed_holder_releases_the_lock_and_its_partial_run_is_cleared(tmp_path: Path) -> None:
    holder = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from flows.lock import consultation_lock
        with consultation_lock(Path({str(tmp_path)!r}), "plan"):
            (Path({str(tmp_path)!r}) / "plan" / "runs" / ".20260101T000000Z-abc123.partial").mkdir(parents=True)
            print("held", flush=True)
            time.sleep(600)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    assert is_locked(tmp_path, "plan")
    assert stale_partials(tmp_path) == []  # a partial run of a live run is not stale
    process.send_signal(signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert not is_locked(tmp_path, "plan")
    leftover = stale_partials(tmp_path)
    assert [p.name for p in leftover] == [".20260101T000000Z-abc123.partial"]
    with consultation_lock(tmp_path, "plan"):  # the next run takes the lock and clears the leftover
        assert not leftover[0].exists()
