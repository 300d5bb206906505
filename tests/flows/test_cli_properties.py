"""Property test: whatever arguments a user types, the CLI answers with a message, never a traceback."""

import tempfile
from collections.abc import Callable
from contextlib import chdir

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
# Commands that only read their arguments and files (bench, server and dashboard run until stopped;
# doctor loads every model: each has its own test).
COMMANDS = [
    ["analyse"],
    ["inspect"],
    ["score"],
    ["report"],
    ["export"],
    ["eval"],
    ["eval-trace"],
    ["review", "link"],
    ["review", "rename"],
    ["review", "merge"],
    ["review", "split"],
    ["review", "withdraw"],
    ["review", "log"],
]
WORDS = st.one_of(
    st.sampled_from(
        ["-w", "--workspace", "--consultation", "--theme", "--fresh", "--wait", "--format", "--sizes", "--by"]
    ),
    st.sampled_from(["", ".", "/", "-1", "nan", "1e9", "T01", "T99", "x.toml", "../", "--", "-"]),
    st.text(min_size=0, max_size=12),
    st.integers(-5, 5).map(str),
)


# Paths that name a folder where a file is wanted ('' is the current folder): every command, every time,
# not only when the random search happens to draw them (CI once drew `eval-trace ''`).
FOLDER_PATHS = [[""], ["."], ["/"]]


def _with_folder_paths(test: Callable[..., None]) -> Callable[..., None]:
    for command in COMMANDS:
        for words in FOLDER_PATHS:
            test = example(command=command, words=words)(test)
    return test


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), words=st.lists(WORDS, max_size=5))
@_with_folder_paths
def test_any_arguments_get_an_answer_not_a_traceback(command: list[str], words: list[str]) -> None:
    with tempfile.TemporaryDirectory() as empty, chdir(empty):  # relative paths land in an empty folder
        result = runner.invoke(app, [*command, *words])
    assert result.exit_code in (0, 1, 2), (command, words, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        command,
        words,
        repr(result.exception),
    )
    assert "Traceback" not in result.output
