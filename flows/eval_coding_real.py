"""The ``coding`` part of ``throughline eval-real``: guided coding on NHS FFT phase 1, two frameworks.

Runs ``flows.evaluation.run_eval``'s coding part with the specs in ``evaluation/`` (9 themes and
44 sub-themes), on the data under ``data`` rather than the specs' own paths, and keeps the
figures ``pipeline.quality_coding`` shows: every method beside logistic regression on the same
examples and BERTopic's zero-shot, the test half, the vectors' ceiling, the review loop and the
learnt tone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.evaluation import run_eval
from pipeline.theme_eval import load_eval_spec

SPECS = {
    "themes": Path(__file__).resolve().parent.parent / "evaluation" / "nhs-fft.toml",
    "sub_themes": Path(__file__).resolve().parent.parent / "evaluation" / "nhs-fft-subcategories.toml",
}
CACHE = Path("workspace") / ".cache" / "embeddings"


def coding_part(data: Path) -> dict[str, Any]:
    """Per framework, the guided-coding figures (``run_eval``'s ``guided``)."""
    from flows.eval_real import MissingData

    source = data / "nhs-fft-phase1" / "text_data.csv"
    if not source.exists():
        raise MissingData(f"{source}: not found")
    out: dict[str, Any] = {}
    for name, path in SPECS.items():
        spec = load_eval_spec(path)
        spec = spec.model_copy(update={"dataset": spec.dataset.model_copy(update={"path": source})})
        result = run_eval(spec, CACHE, parts=("coding",))
        out[name] = {"dataset": result["dataset"], "comments": result["comments"]} | kept(result["guided"])
    return out


KEPT = ("micro_f1", "micro_f1_ci", "micro_precision", "micro_recall", "macro_f1", "uncoded_share")


def kept(guided: dict[str, Any]) -> dict[str, Any]:
    """The figures the page shows: per method, its micro and macro scores.

    The per-code detail stays in ``throughline eval``'s own output.
    """
    return {
        key: {k: v for k, v in value.items() if k in KEPT} if isinstance(value, dict) and "per_code" in value else value
        for key, value in guided.items()
        if key != "classifier_codes"
    }
