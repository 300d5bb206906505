"""Turn hand labels (sentence id + the exact text of each span) into evaluation/redaction/labels.jsonl.

Labellers wrote ``{"id", "spans": [{"text", "type"}]}`` per sentence while reading the sentence
itself; this keeps only what the project may hold: the id, a hash of the sentence, the split and
each span's offsets and type. Run: ``python scripts/import_redaction_labels.py LABELS.jsonl...``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from pipeline.realtext import real_sentences, text_hash

OUT = Path("evaluation/redaction/labels.jsonl")


def split_of(sentence_id: str) -> str:
    """Dev or test, by a hash of the record (every sentence of one record falls in one half)."""
    record = sentence_id.rsplit(":", 1)[0]
    return "dev" if int(hashlib.sha1(record.encode()).hexdigest(), 16) % 2 == 0 else "test"


def offsets(text: str, spans: list[dict[str, str]]) -> list[list[object]]:
    """Each span's [start, end, type], found in order of appearance."""
    out: list[list[object]] = []
    cursor: dict[str, int] = {}
    for span in spans:
        start = text.find(span["text"], cursor.get(span["text"], 0))
        if start < 0:
            start = text.find(span["text"])
        if start < 0:
            raise SystemExit(f"span {span['text']!r} not in sentence {text!r}")
        cursor[span["text"]] = start + len(span["text"])
        out.append([start, start + len(span["text"]), span["type"]])
    return out


def main(paths: list[str]) -> None:
    """Write the labels file from the labellers' files."""
    sentences = real_sentences(Path("../shared/data"))
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            text = sentences[item["id"]]
            row = {"id": item["id"], "sha": text_hash(text), "split": split_of(item["id"])}
            row["spans"] = offsets(text, item["spans"])
            rows.append(row)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} sentences -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
