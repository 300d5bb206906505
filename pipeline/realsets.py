"""The real theme-evaluation sets of ``../shared/data``, read into plain frames.

Each reader returns what ``flows/eval_themes_real.py`` needs and nothing more: the texts, what a
text answers or belongs to, and the human (or silver) labels where the set has them. Readers
raise ``FileNotFoundError`` naming the file when a set is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl

from pipeline.prepare.passages import MIN_WORDS, TURN_MIN_WORDS, chunks, is_formula
from pipeline.realtext import csv_rows, sentences_of

NYC_HEARING = "city-planning-commission-data"
# Speakers of the hearing who run it rather than testify (speakers.json's organisation).
OFFICIAL_ORGANISATIONS = ("City Planning",)
POLIS_ENGLISH = ("american-assembly.bowling-green", "march-on.operation-marchin-orders", "bg2050-volunteers")


def _need(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(f"{path}: not found (the real data sets live in ../shared/data)")
    return path


def passages_of(text: str, spoken: bool = False) -> list[str]:
    """A text's passages as the pipeline cuts them (``pipeline.prepare.passages``), on regex sentences."""
    return chunks(sentences_of(text), TURN_MIN_WORDS if spoken else MIN_WORDS, is_formula)


def nhs_comments(data: Path) -> pl.DataFrame:
    """NHS FFT phase 1: ``text``, ``question`` and the human ``label`` (9) and ``subcategory`` (44)."""
    path = _need(data / "nhs-fft-phase1" / "text_data.csv")
    frame = pl.read_csv(path, infer_schema=False).filter(pl.col("feedback").str.strip_chars().str.len_chars() > 0)
    return frame.select(
        response_id=pl.col("row_index"),
        text=pl.col("feedback"),
        question=pl.col("question"),
        label=pl.col("label").fill_null(""),
        subcategory=pl.col("subcategory").fill_null(""),
    )


def qmsum_meetings(data: Path) -> dict[str, pl.DataFrame]:
    """QMSum committee meetings: per meeting its turns (``text``) and human topic (``topic``, null outside)."""
    folder = _need(data / "qmsum-committee" / "data" / "Committee" / "all")
    out = {}
    for path in sorted(folder.glob("*.json")):
        meeting = json.loads(path.read_text(encoding="utf-8"))
        turns = [str(t.get("content") or "") for t in meeting["meeting_transcripts"]]
        topic: list[int | None] = [None] * len(turns)
        for k, item in enumerate(meeting["topic_list"]):
            for start, end in item.get("relevant_text_span") or []:
                for i in range(int(start), min(int(end), len(turns) - 1) + 1):
                    topic[i] = k if topic[i] is None else topic[i]
        out[path.stem] = pl.DataFrame(
            {"response_id": [f"{path.stem}.{i}" for i in range(len(turns))], "text": turns, "topic": topic},
            schema={"response_id": pl.String(), "text": pl.String(), "topic": pl.Int64()},
        )
    return out


def nyc_testimonies(data: Path) -> pl.DataFrame:
    """The City of Yes planning-commission hearing: each testimony's own words and the elements it discusses.

    The words are the transcript's sentences inside the testimony's time window, less those of the
    hearing's officials (chair, commissioners, planning staff); ``elements`` are the silver labels
    of ``proposal-elements-analysis`` (matched on the testimony's start time).
    """
    hearing = data / "nyc-city-of-yes" / NYC_HEARING
    transcript = json.loads(_need(hearing / "transcript.json").read_text(encoding="utf-8"))
    speakers = json.loads(_need(hearing / "speakers.json").read_text(encoding="utf-8"))
    testimonies = json.loads(_need(hearing / "testimonies.json").read_text(encoding="utf-8"))
    officials = {
        str(s["label"]) for s in speakers if any(o in str(s.get("organization") or "") for o in OFFICIAL_ORGANISATIONS)
    }
    elements: dict[float, list[str]] = {}
    for path in sorted((data / "nyc-city-of-yes" / "proposal-elements-analysis").glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        found = [e["element_of_proposal"] for e in item["elements_discussed"].values() if e["element_is_discussed"]]
        elements[round(float(item["testimony"]["start_time_in_seconds"]), 1)] = found
    rows = []
    for i, testimony in enumerate(testimonies):
        start, end = float(testimony["start_time_in_seconds"]), float(testimony["end_time_in_seconds"])
        words = [
            str(line["text"])
            for line in transcript
            if start <= float(line["start_time"]) <= end and str(line["speaker"]) not in officials
        ]
        rows.append((f"T{i:03d}", " ".join(words), elements.get(round(start, 1), [])))
    return pl.DataFrame(rows, schema=["response_id", "text", "elements"], orient="row")


def nyc_elements(data: Path) -> list[tuple[str | None, str, str]]:
    """The City of Yes proposal's 8 elements as City Planning describes them: (silver key, title, text).

    The descriptions are the ``PROMPT`` of ``proposal_elements_analysis.py`` after "has the
    following elements:", one ``# Heading`` section each; the key is the silver labels' name for
    the element (None for the two elements the labels never use).
    """
    import ast

    source = _need(data / "nyc-city-of-yes" / "proposal_elements_analysis.py").read_text(encoding="utf-8")
    prompt = next(
        str(ast.literal_eval(node.value))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PROMPT" for t in node.targets)
    )
    body = prompt.split("following elements:", 1)[1]
    keys = sorted({k for ks in nyc_silver_keys(data) for k in ks})
    out: list[tuple[str | None, str, str]] = []
    for section in re.split(r"^# ", body, flags=re.MULTILINE)[1:]:
        title, _, text = section.partition("\n")
        words = {w.rstrip("s") for w in re.findall(r"[a-z]+", re.sub(r"\(.*?\)", "", title).lower())}
        key = next((k for k in keys if words <= {w.rstrip("s") for w in k.lower().split("_")}), None)
        text = " ".join(text.split())
        out.append((key, title.strip(), text[: text.find("{") if "{" in text else len(text)].strip()))
    return out


def nyc_silver_keys(data: Path) -> list[list[str]]:
    """The element keys each silver label file marks as discussed."""
    out = []
    for path in sorted((data / "nyc-city-of-yes" / "proposal-elements-analysis").glob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        out.append([e["element_of_proposal"] for e in item["elements_discussed"].values() if e["element_is_discussed"]])
    return out


VALLADOLID = "valladolid-pb-2027"
# The table minutes' own summary of each proposal's fate (``situacion``), as the outcome it means.
VALLADOLID_SITUATIONS = {
    "Mesa y final": "approved",
    "Mesa pero no final": "approved",
    "Descartada por mesa y fuera de la final": "rejected",
    "Descartada por mesa y en la final": "rejected",
    "Final pero no detectada en mesa": "not mentioned",
}


def valladolid_proposals(data: Path) -> pl.DataFrame:
    """Valladolid's participatory-budget proposals: code, title, description (Spanish)."""
    rows = [
        (r["code"], r["title"], r.get("description") or "")
        for r in csv_rows(_need(data / VALLADOLID / "proposals_data.csv"))
    ]
    return pl.DataFrame(rows, schema=["code", "title", "description"], orient="row")


def valladolid_minutes(data: Path) -> pl.DataFrame:
    """The district tables' decisions: one row per proposal the minutes list, as published."""
    rows = list(csv_rows(_need(data / VALLADOLID / "mesa-final-unificado.csv")))
    return pl.DataFrame(rows, infer_schema_length=None).select(
        pl.col("propuesta_id").alias("code"), "decision_mesa", "razon_exclusion", "tipo_razon_exclusion", "situacion"
    )


def regulations_comments(data: Path) -> pl.DataFrame:
    """regulations.gov CMS-2025-0050: each public comment's text."""
    path = _need(data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv")
    rows = [(r["Document ID"], r.get("Comment") or "") for r in csv_rows(path)]
    return pl.DataFrame(rows, schema=["response_id", "text"], orient="row").filter(pl.col("text").str.len_chars() > 0)


def polis_statements(data: Path) -> dict[str, pl.DataFrame]:
    """The English Polis conversations: each statement (moderated-out ones included, as exported)."""
    out = {}
    for name in POLIS_ENGLISH:
        rows = [
            (
                row.get("comment-id") or row.get("comment_id") or "",
                row.get("comment-body") or row.get("comment_body") or "",
            )
            for row in csv_rows(_need(data / "polis" / name / "comments.csv"))
        ]
        frame = pl.DataFrame(rows, schema=["response_id", "text"], orient="row")
        out[name] = frame.filter(pl.col("text").str.strip_chars().str.len_chars() > 0)
    return out


def polis_topic(data: Path, name: str) -> str:
    """A Polis conversation's topic, its title (``summary.csv``: "Improving Bowling Green / Warren County")."""
    path = data / "polis" / name / "summary.csv"
    rows = [line.split(",", 1) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    return next((value.strip().strip('"') for key, *rest in rows if key == "topic" for value in rest), "")


# The titles of the other sets, as their bodies published them.
NYC_TITLE = "City of Yes for Housing Opportunity"
REGULATIONS_TITLE = "Request for Information: Health Technology Ecosystem"


def exploded(frame: pl.DataFrame, split: bool = True, spoken: bool = False) -> pl.DataFrame:
    """One row per passage (``passage_id``, ``response_id``, ``text`` and the frame's other columns).

    ``spoken`` texts (a hearing's testimonies) are cut as the pipeline cuts transcript turns.
    """
    texts = [passages_of(t, spoken) if split else [t] for t in frame["text"].to_list()]
    return (
        frame.with_columns(text=pl.Series(texts, dtype=pl.List(pl.String())))
        .explode("text")
        .filter(pl.col("text").is_not_null())
        .with_columns(
            passage_id=pl.col("response_id") + ":" + pl.int_range(pl.len()).over("response_id").cast(pl.String())
        )
    )
