"""Turn hand labels (passage id, substance/other, category) into evaluation/substance/labels.jsonl.

Labellers read each passage of ``pipeline.realtext.substance_sample`` and wrote
``{"id", "label", "category"}``; this keeps only what the project may hold: the id, a hash of the
passage, the split (by record, as the redaction set) and the label. The passages are read back
from ``../shared/data``. Run: ``python scripts/import_substance_labels.py LABELS.jsonl...``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pipeline.realtext import SUBSTANCE_QUOTAS, substance_sentences, text_hash
from scripts.import_redaction_labels import split_of

OUT = Path("evaluation/substance/labels.jsonl")


def main(paths: list[str]) -> None:
    """Write the labels file from the labellers' files."""
    passages = substance_sentences(Path("../shared/data"), set(SUBSTANCE_QUOTAS))
    rows = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            label = item["label"]
            if label not in ("substance", "other"):
                raise SystemExit(f"{path}: {item['id']}: label {label!r} is neither 'substance' nor 'other'")
            rows.append(
                {
                    "id": item["id"],
                    "sha": text_hash(passages[item["id"]]),
                    "split": split_of(item["id"]),
                    "label": label,
                    "category": item.get("category") or "",
                }
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} passages -> {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
