"""The review store: reviews, supersession, withdrawal, the audit log and concurrent editors."""

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from pipeline.review import ReviewError, ReviewStore, match_theme, text_key


def test_reviews_are_stored_superseded_and_withdrawn_with_an_audit_trail(tmp_path: Path) -> None:
    store = ReviewStore(tmp_path / "review.sqlite")
    members = {"p1", "p2", "p3"}
    first = store.add(
        "rename", members, {"label": "Buses"}, "ana", run_id="run1", theme_id="T01", before="Evening buses"
    )
    second = store.add("rename", members | {"p4"}, {"label": "Bus services"}, "ben", run_id="run1", theme_id="T01")
    assert [r.id for r in store.active()] == [second]  # same theme (Jaccard 0.75): the newer name wins
    store.withdraw(second, "ana")
    assert store.active() == []
    log = store.audit_log()
    assert log["action"].to_list() == ["withdraw rename", "rename", "rename"]
    assert log["who"].to_list() == ["ana", "ben", "ana"]
    assert log.filter(pl.col("review_id") == first)["before"].to_list() == ['"Evening buses"']
    assert store.version() == 3
    with pytest.raises(ReviewError, match="no active review"):
        store.withdraw(second, "ana")
    with pytest.raises(ReviewError, match="unknown review kind"):
        store.add("delete", members, {}, "ana")


def test_concurrent_editors_all_land(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    ReviewStore(path)
    errors: list[BaseException] = []

    def edit(who: int) -> None:
        try:
            store = ReviewStore(path)
            for k in range(10):
                store.add("link", {f"p{who}"}, {"verdict": "confirmed"}, f"user{who}", target=f"d{k}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    store = ReviewStore(path)
    assert len(store.active()) == 40
    assert store.audit_log().height == 40


def test_a_review_finds_its_theme_by_members_not_by_id() -> None:
    assignments = pl.DataFrame(
        {"passage_id": ["a", "b", "c", "d", "e", "f"], "theme_id": ["T02", "T02", "T02", "T01", "T01", "T01"]}
    )
    assert match_theme(assignments, {"a", "b", "c", "x"}) == "T02"  # renumbered: still found
    assert match_theme(assignments, {"a", "x", "y", "z"}) is None  # overlap 1/6: a different theme


def test_document_passages_are_keyed_by_normalised_text() -> None:
    assert text_key("Approves  the\nplan.") == text_key("approves the plan.")
    assert text_key("approves the plan") != text_key("rejects the plan")


EDITOR = """
import sys
from pathlib import Path
from pipeline.review import ReviewStore
store, who = ReviewStore(Path(sys.argv[1])), int(sys.argv[2])
print("ready", flush=True)
for k in range(10):
    store.add("rename", {f"p{who}-{k}"}, {"label": f"Name {who}.{k}"}, f"user{who}", target="")
"""


def test_editors_in_separate_processes_and_one_killed_mid_edit(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    ReviewStore(path)
    killed = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"db = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE')\n"
            'db.execute("INSERT INTO reviews (kind, members, target, value, created_by, created_at)'
            " VALUES ('rename', '[]', '', '{}', 'killed', 'now')\")\n"
            "print('writing', flush=True)\n"
            "time.sleep(600)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert killed.stdout is not None
    assert killed.stdout.readline().strip() == "writing"  # holds the write lock, uncommitted
    editors = [
        subprocess.Popen(
            [sys.executable, "-c", EDITOR, str(path), str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for i in range(4)
    ]
    for editor in editors:
        assert editor.stdout is not None
        assert editor.stdout.readline().strip() == "ready"
    time.sleep(0.5)  # every editor is now waiting for the killed writer's lock
    killed.send_signal(signal.SIGKILL)  # the editors were waiting on its lock
    killed.wait()
    killed.stdout.close()
    for editor in editors:
        _, errors = editor.communicate(timeout=120)
        assert editor.returncode == 0, errors
    store = ReviewStore(path)
    active = store.active()
    assert len(active) == 40  # every edit landed, the killed one's did not
    assert "killed" not in {r.created_by for r in active}
    assert store.audit_log().height == 40
