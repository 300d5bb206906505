"""Property tests: random and truncated input to every parser gives data or one clear error."""

import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import ConfigError, Source, parse_consultation
from pipeline.ingest import IngestError, ingest_source
from pipeline.ingest.survey import attribute_names
from pipeline.schema import TABLES

if TYPE_CHECKING:
    from spacy.language import Language

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"
SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "harbourside-transport"
CASES = [
    ("responses", "csv", {"text": ["Q2"]}, SAMPLE / "survey-responses.csv"),
    ("responses", "jsonl", {"text": ["answer"], "id": "id"}, FIXTURES / "responses.jsonl"),
    ("responses", "json", {"text": ["answer"]}, None),
    ("transcript", "vtt", {}, SAMPLE / "public-meeting.vtt"),
    ("transcript", "srt", {}, FIXTURES / "meeting.srt"),
    ("transcript", "minutes", {}, FIXTURES / "minutes.txt"),
    ("transcript", "turns-json", {}, FIXTURES / "turns.json"),
    ("transcript", "cdp-json", {}, FIXTURES / "cdp.json"),
    ("document", "markdown", {}, SAMPLE / "options-appraisal.md"),
    ("document", "html", {}, FIXTURES / "decision.html"),
]
SUFFIX = {
    "csv": ".csv",
    "jsonl": ".jsonl",
    "json": ".json",
    "vtt": ".vtt",
    "srt": ".srt",
    "minutes": ".txt",
    "turns-json": ".json",
    "cdp-json": ".json",
    "markdown": ".md",
    "html": ".html",
}
# FUZZ_EXAMPLES=2000 pytest tests/pipeline/test_ingest_properties.py searches harder than CI does.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def outcome(kind: str, fmt: str, spec: dict[str, object], data: bytes) -> None:
    """Ingest ``data``; only an IngestError may come out, and what comes in must reconcile."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{SUFFIX[fmt]}"
        path.write_bytes(data)
        source = Source.model_validate({"path": path, "kind": kind, "stage": "problem", "format": fmt, **spec})
        try:
            got = ingest_source(source, "fuzz")
        except IngestError as error:
            message = str(error)
        else:
            assert got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged
            return
    assert message.startswith(str(path)), message


@FUZZ
@given(case=st.sampled_from(CASES), data=st.binary(max_size=400))
def test_random_bytes(case: tuple[str, str, dict[str, object], Path | None], data: bytes) -> None:
    kind, fmt, spec, _ = case
    outcome(kind, fmt, spec, data)


@FUZZ
@given(case=st.sampled_from([c for c in CASES if c[3] is not None]), cut=st.floats(0.0, 1.0))
def test_truncated_real_files(case: tuple[str, str, dict[str, object], Path | None], cut: float) -> None:
    kind, fmt, spec, original = case
    assert original is not None
    data = original.read_bytes()
    outcome(kind, fmt, spec, data[: int(len(data) * cut)])


@FUZZ
@given(text=st.text(max_size=300))
def test_random_text_as_csv(text: str) -> None:
    outcome("responses", "csv", {"text": ["Q"]}, ("Q,ID\n" + text).encode())


VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(max_examples=80, deadline=None)
@given(
    kind=VALUES,
    stage=VALUES,
    threshold=VALUES,
    title=VALUES,
    key=st.sampled_from(["kind", "stage", "format", "text", "header_rows", "speakers", "bogus"]),
)
def test_config_values_give_valid_models_or_config_errors(
    kind: object, stage: object, threshold: object, title: object, key: str
) -> None:
    def toml(value: object) -> str:
        if value is None:
            return '""'
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return '"' + value.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"') + '"'
        return repr(value).replace("'", '"')

    text = (
        f'[consultation]\ntitle = {toml(title)}\n[[sources]]\npath = "a.csv"\n{key} = {toml(kind)}\n'
        f'kind = {toml(stage)}\nstage = "problem"\n[analysis]\nlink_threshold = {toml(threshold)}\n'
    )
    try:
        parse_consultation(text, Path("c.toml"))
    except ConfigError as error:
        message = str(error)
    else:
        return
    assert message.startswith("c.toml"), message


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from pipeline.ingest.limits import available_memory

    huge = tmp_path / "responses.csv"
    with huge.open("wb") as handle:  # sparse: as large as the machine's memory, using no disk
        handle.truncate(available_memory())
    source = Source.model_validate({"path": huge, "kind": "responses", "stage": "problem", "text": ["Q"]})
    try:
        ingest_source(source, "big")
    except IngestError as error:
        message = str(error)
    else:
        raise AssertionError("an oversized file was read")
    assert message.startswith(f"{huge}: ")
    assert "too large to read here" in message
    assert "Split it into parts" in message


# Every column name of every run table: a survey's headers may be any of them.
INTERNAL_NAMES = sorted({name for columns in TABLES.values() for name in columns})


@cache
def rule_based_nlp() -> "Language":
    from models.nlp import blank_nlp

    return blank_nlp()


class KeepAll:
    """A redactor that finds nothing (prepare's frames are built the same either way)."""

    def redact_each(self, texts: Iterable[str | None], **_: object) -> list[tuple[str | None, Counter[str]]]:
        return [(text, Counter()) for text in texts]


@settings(max_examples=40, deadline=None)
@given(headers=st.lists(st.sampled_from(INTERNAL_NAMES), min_size=3, max_size=6, unique=True))
def test_headers_named_like_internal_columns_just_work(headers: list[str]) -> None:
    """A header may be ``text``, ``language``, ``weight``, ``question`` …: ingest and prepare still work."""
    from pipeline.prepare import passages_from_answers, with_clean_text, with_language
    from pipeline.prepare.campaigns import campaigns
    from pipeline.prepare.redact import redact_frames

    text, ident, when, *attributes = headers
    rows = [
        {text: "The buses stop far too early in the evening", ident: "A1", when: "14.06.2020 16:45"},
        {text: "", ident: "A2", when: "15.06.2020"},  # no free text: rejected
        {text: "Please add a protected cycle lane on the seafront", ident: "A1", when: "not a date"},
    ]
    table = pl.DataFrame(
        [{**row, **{a: f"{a} {n}" for a in attributes}} for n, row in enumerate(rows)],
        schema=dict.fromkeys(headers, pl.String()),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        table.write_csv(path)
        # format given: a header like "sha256" over a sentence would otherwise pass for Citizen Space's two rows
        spec = {"format": "csv", "text": [text], "id": ident, "date": when, "attributes": attributes}
        source = Source.model_validate({"path": path, "kind": "responses", "stage": "problem", **spec})
        got = ingest_source(source, "s")
    assert got.rows_read == 3 == got.rows_analysed + got.rows_rejected + got.rows_merged
    assert got.responses["response_id"].to_list() == ["A1", "A1#2"]
    assert got.responses["submitted"].to_list() == ["2020-06-14T16:45", None]
    assert got.rejects["reason"].to_list() == ["no free-text answer"]
    assert set(got.answers["question"]) == {text}
    for column, name in attribute_names(attributes):
        assert got.responses[name].to_list() == [f"{column} 0", f"{column} 2"]
    responses, answers = got.responses.pipe(with_clean_text), got.answers.pipe(with_clean_text)
    responses, answers, _ = redact_frames(responses, answers, KeepAll())
    _, responses = campaigns(with_language(responses))
    passages = passages_from_answers(answers, rule_based_nlp())
    assert passages["response_id"].to_list() == ["A1", "A1#2"]
    assert responses.height == 2
