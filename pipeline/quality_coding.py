"""The guided-coding section of ``docs/QUALITY.md`` (from ``flows/eval_coding_real.py``'s results)."""

from __future__ import annotations

from typing import Any

from pipeline.quality_doc import opening

METHODS = (
    ("descriptions/forced", "Throughline prototypes: descriptions only"),
    ("descriptions_and_examples/forced", "Throughline prototypes: descriptions + examples"),
    ("classifier_unspread/forced", "Throughline classifier, each comment alone"),
    ("classifier/forced", "**Throughline classifier** (spread over neighbours; the default)"),
    ("logistic_regression/best_code", "Logistic regression on the same examples (best code)"),
    ("logistic_regression/same_examples", "Logistic regression on the same examples (≥ 0.5)"),
    ("bertopic_zeroshot/defaults", "BERTopic zero-shot (descriptions, its defaults)"),
)
TARGETS = {"descriptions/forced": 0.60, "classifier/forced": 0.72}


def _f1(s: dict[str, Any]) -> str:
    low, high = s["micro_f1_ci"]
    return f"{s['micro_f1']:.3f} ({low:.3f}–{high:.3f})"


def coding_section(part: dict[str, Any]) -> list[str]:
    """Per framework: every method beside its baselines, the ceiling, the review loop and tone."""
    lines = opening(
        "Guided coding: the analysts' codebook, learnt from their examples",
        part,
        "NHS Friends and Family Test phase 1 comments, coded by NHS analysts, against the codebook a new",
        "user would write from the framework's names (`evaluation/nhs-fft.toml`,",
        "`evaluation/nhs-fft-subcategories.toml`). Examples are drawn per code with seed 0 and left out of",
        "the scoring; every comment is coded (best code, plus any scoring ≥ 0.8 of it). Micro-F1 with a",
        "95% bootstrap interval, macro-F1 beside it.",
    )
    for key, title in (("themes", "9 themes"), ("sub_themes", "44 sub-themes")):
        g = part.get(key)
        if not g:
            continue
        k = g["examples_per_code"]
        lines += [
            f"**{title}** ({g['scored_comments']:,} comments scored; {k} examples per code"
            + (
                f", fewer for {len(g['codes_with_fewer_examples'])} codes that have fewer"
                if g["codes_with_fewer_examples"]
                else ""
            )
            + "):",
            "",
            "| method | micro-F1 (95% CI) | macro-F1 | target |",
            "|---|---|---|---|",
        ]
        for name, label in METHODS:
            if name in g:
                target = TARGETS.get(name) if key == "themes" else None
                lines.append(
                    f"| {label} | {_f1(g[name])} | {g[name]['macro_f1']:.3f} | "
                    + (f"≥ {target:.2f} {'met' if g[name]['micro_f1'] >= target else 'missed'}" if target else "")
                    + " |"
                )
        t, c = g["test_half"], g["ceiling"]
        lines += [
            "",
            f"- Test half ({t['comments']:,} comments; the spreading was tuned on the other half): the classifier "
            f"{_f1(t['classifier/forced'])}, each comment alone {_f1(t['classifier_unspread/forced'])}.",
            f"- The ceiling of these vectors: a logistic regression trained on {c['trained_on']:,} human-coded "
            f"comments scores {_f1(c)} (macro {c['macro_f1']:.3f}) on {c['comments']:,} others.",
        ]
        loop = g.get("review_loop") or []
        if loop:
            curve = ", ".join(f"{s['reviews']}: {s['micro_f1']:.3f}" for s in loop)
            last = loop[-2] if len(loop) > 1 else loop[-1]
            lines.append(
                f"- Simulated review (50 per round, the least sure 40 + 10 at random), micro-F1 after n reviews: "
                f"{curve}"
                + (
                    " (target ≥ 0.78 after 300: " + ("met" if loop[-1]["micro_f1"] >= 0.78 else "missed") + ")"
                    if key == "themes"
                    else ""
                )
                + f"; refit {max(s['refit_seconds'] for s in loop):.1f} s at most; agreement estimated from "
                f"{last.get('random_draws', 0)} random draws {last['estimated_agreement']:.0%}."
            )
        if g.get("tone_learnt"):
            tone = g["tone_learnt"]
            lines.append(
                f"- Tone learnt from the {tone['examples']} examples' criticality codes: Spearman "
                f"{tone['spearman_with_question']:.3f} with the question, {tone['spearman_without_question']:.3f} "
                "without (VADER, the default without tone examples: see docs/EVALUATION.md)."
            )
        lines.append("")
    return lines
