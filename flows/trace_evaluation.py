"""``throughline eval-trace SPEC``: a consultation's trace scored against any gold file.

The spec (``pipeline/trace/scoring.py`` documents it) is checked first — every file and column,
all problems at once — then the consultation is analysed (earlier runs' steps are reused) and
its run's trace tables are scored: response → option links beside every option and one keyword
per option, option outcomes beside the majority outcome, the stated reasons, and each theme's
status against the status the gold outcomes give, with a reliability table of its confidence.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.trace.attribution import listed_options
from pipeline.trace.scoring import (
    TraceSpec,
    half_of,
    keyword_links,
    link_scores,
    outcome_scores,
    read_gold_links,
    read_gold_outcomes,
    reason_scores,
    status_scores,
)

Result = dict[str, Any]
HALVES = ("all", "dev", "test")


def run_trace_eval(spec: TraceSpec, workspace: Path, half: str = "all") -> Result:
    """Analyse the spec's consultation and score its trace against the gold."""
    from flows.analyse import analyse
    from pipeline.config import load_consultation
    from pipeline.store import read_run_table

    started = time.perf_counter()
    config = load_consultation(spec.consultation)
    run = analyse(spec.consultation, workspace)
    tables = {
        name: read_run_table(run, name)
        for name in ("options", "response_options", "option_outcomes", "theme_options", "theme_status", "responses")
    }
    options = listed_options(tables["options"])
    result: Result = {
        "consultation": config.consultation.title,
        "run": run.name,
        "run_folder": str(run),
        "options": len(options),
        "analysis_seconds": round(time.perf_counter() - started, 1),
    }
    if spec.links:
        result["links"] = _links(spec, tables, options, config.analysis.languages, half)
    if spec.outcomes:
        result |= _outcomes(spec, tables, options)
    return result


def _links(spec: TraceSpec, tables: dict[str, pl.DataFrame], options: list[Any], languages: Any, half: str) -> Result:
    assert spec.links is not None
    gold, unmatched = read_gold_links(spec.links, options)
    known = set(tables["responses"]["response_id"].to_list())
    ids = sorted(r for r in gold if r in known and (half == "all" or half_of(r) == half))
    predicted: dict[str, set[str]] = {}
    by_method: dict[str, dict[str, set[str]]] = {}
    for response, option, method in tables["response_options"].select("response_id", "option_id", "method").iter_rows():
        predicted.setdefault(response, set()).add(option)
        by_method.setdefault(method, {}).setdefault(response, set()).add(option)
    texts = dict(tables["responses"].select("response_id", "text").iter_rows())
    methods = {
        "throughline": predicted,
        **{f"throughline, strongest evidence {m}": found for m, found in sorted(by_method.items())},
        "every option": {r: {o.option_id for o in options} for r in ids},
        "keyword per option": keyword_links(options, {r: texts.get(r) or "" for r in ids}, languages),
    }
    return {
        "half": half,
        "responses": len(ids),
        "gold_pairs": sum(len(gold[r]) for r in ids),
        "responses_not_in_run": sorted(r for r in gold if r not in known)[:20],
        "gold_values_naming_no_option": sorted(set(unmatched))[:20],
        "methods": {name: link_scores(gold, found, ids) for name, found in methods.items()},
    }


def _outcomes(spec: TraceSpec, tables: dict[str, pl.DataFrame], options: list[Any]) -> Result:
    assert spec.outcomes is not None
    gold, problems = read_gold_outcomes(spec.outcomes, options)
    outcomes = tables["option_outcomes"]
    found = dict(outcomes.select("option_id", "outcome").iter_rows())
    reasons = dict(outcomes.select("option_id", "reason").iter_rows())
    titles = {o.option_id: o.title for o in options}
    return {
        "outcomes": outcome_scores(gold, found) | {"gold_rows_not_used": problems[:20], "not_used": len(problems)},
        "reasons": reason_scores(gold, reasons),
        "statuses": status_scores(tables["theme_status"], tables["theme_options"], gold, titles),
    }


def _ci(scores: Result) -> str:
    low, high = scores["micro_f1_ci"]
    return f"{scores['micro_f1']:.3f} ({low:.2f}–{high:.2f})"


def markdown(result: Result) -> str:
    """The figures as Markdown."""
    lines = [f"**{result['consultation']}** (run {result['run']}, {result['options']} options)", ""]
    links = result.get("links")
    if links:
        lines += [
            f"Response → option links, {links['half']} responses: {links['responses']} scored, "
            f"{links['gold_pairs']} gold pairs.",
            "",
            "| method | F1 (95% CI) | precision | recall | macro F1 |",
            "|---|---|---|---|---|",
        ]
        for name, s in links["methods"].items():
            lines.append(
                f"| {name} | {_ci(s)} | {s['micro_precision']:.3f} | {s['micro_recall']:.3f} | {s['macro_f1']:.3f} |"
            )
        if links["gold_values_naming_no_option"]:
            lines.append(f"\nGold values that name no option: {', '.join(links['gold_values_naming_no_option'])}")
        lines.append("")
    outcomes = result.get("outcomes")
    if outcomes and outcomes.get("options"):
        low, high = outcomes["accuracy_ci"]
        lines += [
            f"Outcome per option ({outcomes['options']} options in the gold): accuracy **{outcomes['accuracy']:.3f}** "
            f"({low:.2f}–{high:.2f}); majority outcome *{outcomes['majority_outcome']}* "
            f"{outcomes['majority_accuracy']:.3f}. Disagreements: "
            + (", ".join(f"{k} {v}" for k, v in outcomes["confusion"].items()) or "none")
            + ".",
            "",
        ]
    reasons = result.get("reasons")
    if reasons and reasons["with_reason"]:
        lines += [
            f"Reasons: {reasons['reason_found']}/{reasons['with_reason']} options with a gold reason got one "
            f"({reasons['same_reason']} in the same words).",
            "",
        ]
    statuses = result.get("statuses")
    if statuses and statuses["themes"]:
        lines += [
            f"Theme statuses against the statuses the gold outcomes give: {statuses['agree']}/{statuses['themes']}"
            + (
                " (" + ", ".join(f"{k} {v}" for k, v in statuses["disagreements"].items()) + ")"
                if statuses["disagreements"]
                else ""
            )
            + ". Reliability of the confidence: "
            + ", ".join(f"{b['confidence']}: {b['right']}/{b['themes']} right" for b in statuses["reliability"])
            + ".",
            "",
        ]
    return "\n".join(lines)
