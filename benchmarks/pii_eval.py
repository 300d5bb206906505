"""Recall per type and over-redaction of the redactor on tests/fixtures/pii/testset.jsonl.

Run ``python -m benchmarks.pii_eval`` (``make bench-pii``); writes ``benchmarks/pii_eval.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.pii import PrivacySettings, Redactor
from pipeline.privacy_eval import PrivacyScore, score_detection

HERE = Path(__file__).resolve().parent
TESTSET = HERE.parent / "tests" / "fixtures" / "pii" / "testset.jsonl"
TARGETS = {
    "EMAIL_ADDRESS": 0.99,
    "PHONE_NUMBER": 0.99,
    "UK_POSTCODE": 0.99,
    "UK_NHS": 0.99,
    "UK_NINO": 0.99,
    "PERSON": 0.90,
}
MAX_OVER_REDACTION = 0.02


def evaluate(redactor: Redactor) -> PrivacyScore:
    """Score the redactor on the test set."""
    records = [json.loads(line) for line in TESTSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return score_detection(records, lambda text: [(r.start, r.end) for r in redactor.find(text)])


def main() -> None:
    """Print and save recall per type and over-redaction."""
    score = evaluate(Redactor(PrivacySettings()))
    result = {
        "recall": {k: round(score.recall(k), 4) for k in sorted(score.planted)},
        "planted": score.planted,
        "over_redaction": round(score.over_redaction, 4),
        "ordinary_words": score.ordinary_words,
    }
    (HERE / "pii_eval.json").write_text(json.dumps(result, indent=2) + "\n")
    for kind in sorted(score.planted):
        target = TARGETS.get(kind)
        print(
            f"{kind:15} recall {score.recall(kind):6.1%} of {score.planted[kind]:3}"
            + (f"  (target {target:.0%})" if target else "")
        )
    print(
        f"over-redaction: {score.over_redaction:.2%} of {score.ordinary_words} ordinary words "
        f"(target ≤ {MAX_OVER_REDACTION:.0%})"
    )


if __name__ == "__main__":
    main()
