"""Sentences of the real data sets in ``../shared/data``, addressed by stable ids.

The hand-labelled redaction set (``evaluation/redaction/labels.jsonl``) holds only ids, a hash of
each sentence and the character offsets of its personal-data spans: the sentences themselves are
read back from ``../shared/data`` here, so no real person's words or name are copied into the
project. An id is ``<set>:<record>:<n>``: the data set, the record (row id, file and turn) and the
sentence's position within that record after :func:`sentences_of`, a plain regular-expression
splitter that never changes with a model's version.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+(?=[\"'“¿¡(]?[A-ZÀ-Ý0-9¿¡\u4e00-\u9fff])|\n+")
_TAGS = re.compile(r"<[^>]+>")
MIN_CHARS = 12
MAX_CHARS = 600


def html_text(text: str) -> str:
    """``text`` without HTML tags (each a line break) and with its entities decoded."""
    return html.unescape(_TAGS.sub("\n", text))


def sentences_of(text: str) -> list[str]:
    """``text`` split at sentence ends and line breaks; HTML tags and entities removed."""
    plain = html_text(text)
    return [s.strip() for s in _SENTENCE_END.split(plain) if s and s.strip()]


def text_hash(text: str) -> str:
    """A short hash that tells whether an id still points at the same sentence."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def csv_rows(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    """The rows of a CSV file as dicts (a byte-order mark is dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def records(data: Path) -> Iterator[tuple[str, str, str]]:
    """(set, record, text) of every free-text record the redaction set draws on."""
    nyc = data / "nyc-city-of-yes"
    for hearing in ("city-planning-commission-data", "city-council-data"):
        path = nyc / hearing / "transcript.json"
        if path.exists():
            for i, row in enumerate(json.loads(path.read_text(encoding="utf-8"))):
                yield "nyc", f"{hearing.split('-')[1]}.{i}", str(row.get("text") or "")
    regs = data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv"
    if regs.exists():
        for row in csv_rows(regs):
            yield "regs", row["Document ID"], row.get("Comment") or ""
    for path in sorted((data / "qmsum-committee" / "data" / "Committee" / "all").glob("*.json")):
        for i, turn in enumerate(json.loads(path.read_text(encoding="utf-8"))["meeting_transcripts"]):
            yield "qmsum", f"{path.stem}.{i}", str(turn.get("content") or "")
    for path in sorted((data / "polis").glob("*/comments.csv")):
        for row in csv_rows(path):
            key = row.get("comment-id") or row.get("comment_id") or ""
            yield "polis", f"{path.parent.name}.{key}", row.get("comment-body") or row.get("comment_body") or ""
    valladolid = data / "valladolid-pb-2027" / "proposals_data.csv"
    if valladolid.exists():
        for row in csv_rows(valladolid):
            yield "valladolid", row["code"], f"{row.get('title') or ''}.\n{row.get('description') or ''}"
    decidim = data / "decidim-barcelona-pb"
    projects = decidim / "www.decidim.barcelona-open-data-projects.csv"
    if projects.exists():
        for row in csv_rows(projects, ";"):
            for locale in ("ca", "es"):
                yield "decidim", f"project.{row['id']}.{locale}", row.get(f"description/{locale}") or ""
    comments = decidim / "www.decidim.barcelona-open-data-result_comments.csv"
    if comments.exists():
        for row in csv_rows(comments, ";"):
            body = row.get("body") or ""
            try:
                parsed = json.loads(body)
                body = " ".join(str(v) for v in parsed.values()) if isinstance(parsed, dict) else body
            except ValueError:
                pass
            yield "decidim", f"comment.{row['id']}", body


def real_sentences(data: Path) -> dict[str, str]:
    """Every sentence of the real sets, by id (sentences of 12–600 characters)."""
    out: dict[str, str] = {}
    for name, record, text in records(data):
        for n, sentence in enumerate(sentences_of(text)):
            if MIN_CHARS <= len(sentence) <= MAX_CHARS:
                out[f"{name}:{record}:{n}"] = sentence
    return out


# Sentences likely to hold personal data: capitalised word pairs, "@", long digit runs, name cues.
_CUES = re.compile(
    r"[a-z,;]\s+[A-ZÀ-Ý][a-zà-ÿ]+\s+[A-ZÀ-Ý][a-zà-ÿ]+|@|\d[\d\s().-]{6,}\d|\b(?:[Mm]y name|I'm|I am|[Mm]e llamo|"
    r"[Ss]oy|[Ee]m dic|Mr|Mrs|Ms|Dr|[Cc]alle|C/|[Cc]arrer|[Aa]venida)\b"
)
# A further stratum of sentences with a strong name cue, so that names are not too rare to score.
_NAME_CUES = re.compile(
    r"\b(?:[Mm]y name is|I'm [A-Z]|[Tt]hank you,|[Cc]ouncil [Mm]ember|Commissioner|Chair [A-Z]|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|"
    r"Sincerely|Regards|[Mm]e llamo|[Ss]oy [A-Z])\b"
)
QUOTAS = {
    "nyc": 140,
    "regs": 120,
    "qmsum": 90,
    "polis-en": 50,
    "polis-zh": 20,
    "valladolid": 130,
    "decidim": 80,
    "names:nyc": 70,
    "names:regs": 50,
    "names:qmsum": 40,
}


def _stratum(sentence_id: str, sentence: str) -> str:
    name = sentence_id.split(":")[0]
    if name == "polis":
        return "polis-zh" if ":vtaiwan" in sentence_id else "polis-en"
    return name


def sampled_ids(sentences: dict[str, str], quotas: dict[str, int] = QUOTAS) -> list[str]:
    """The labelled set's ids: per stratum, half sentences with a personal-data cue, half any others.

    Chosen by the hash of each id, so the draw is the same on every machine and never depends on
    Python's random state.
    """
    order = sorted(sentences, key=lambda i: hashlib.sha1(i.encode()).hexdigest())
    chosen: list[str] = []
    for stratum, quota in quotas.items():
        if stratum.startswith("names:"):
            taken = set(chosen)
            pool = [i for i in order if i not in taken and i.startswith(stratum.removeprefix("names:") + ":")]
            chosen += [i for i in pool if _NAME_CUES.search(sentences[i])][:quota]
            continue
        pool = [i for i in order if _stratum(i, sentences[i]) == stratum]
        cued = [i for i in pool if _CUES.search(sentences[i])][: quota // 2]
        rest = [i for i in pool if i not in set(cued)][: quota - len(cued)]
        chosen += cued + rest
    return chosen


def substance_records(data: Path) -> Iterator[tuple[str, str, str]]:
    """The records of :func:`records` plus the NHS comments (short answers such as "N/A", "Nothing")."""
    yield from records(data)
    nhs = data / "nhs-fft-phase1" / "text_data.csv"
    if nhs.exists():
        for row in csv_rows(nhs):
            yield "nhs", row["row_index"], row.get("feedback") or ""


# Passages likely to be procedure or boilerplate: so that the non-substantive kind is not too rare to score.
_PROCEDURE_CUES = re.compile(
    r"(?i)\b(?:thank|good (?:morning|afternoon|evening)|my name|on behalf|chair|see (?:the )?attach|attached|"
    r"no comment|n/?a\b|next speaker|calendar number|testimony|minute|microphone|unmute|can you hear|"
    r"I represent|I'm here|I am here|hello|hi\b|sincerely|dear\b)"
)
SUBSTANCE_QUOTAS = {"nyc": 200, "regs": 110, "qmsum": 130, "polis": 60, "nhs": 100}


def substance_sentences(data: Path, sets: set[str]) -> dict[str, str]:
    """Every passage of ``sets`` by id, however short ("N/A" counts); Polis in English only."""
    out: dict[str, str] = {}
    for name, record, text in substance_records(data):
        if name not in sets or (name == "polis" and record.startswith("vtaiwan")):
            continue
        for n, sentence in enumerate(sentences_of(text)):
            if 2 <= len(sentence) <= MAX_CHARS:
                out[f"{name}:{record}:{n}"] = sentence
    return out


def substance_sample(data: Path, quotas: dict[str, int] = SUBSTANCE_QUOTAS) -> dict[str, str]:
    """The substance set's passages by id: per set, half with a procedure cue, half any others.

    Ids are those of :func:`real_sentences` (``<set>:<record>:<n>``), drawn by the hash of each id
    (salted, so the draw differs from the redaction set's); Polis is English only.
    """
    sentences = substance_sentences(data, set(quotas))
    order = sorted(sentences, key=lambda i: hashlib.sha1(f"substance:{i}".encode()).hexdigest())
    chosen: list[str] = []
    for name, quota in quotas.items():
        pool = [i for i in order if i.startswith(name + ":")]
        cued = [i for i in pool if _PROCEDURE_CUES.search(sentences[i])][: quota // 2]
        taken = set(cued)
        chosen += cued + [i for i in pool if i not in taken][: quota - len(cued)]
    return {i: sentences[i] for i in chosen}
