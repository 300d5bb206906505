"""The trace section of ``docs/QUALITY.md`` (from ``flows/eval_trace_real.py``'s results)."""

from __future__ import annotations

from typing import Any

from pipeline.quality_doc import opening


def _f1(scores: dict[str, Any]) -> str:
    low, high = scores["micro_f1_ci"]
    return (
        f"{scores['micro_f1']:.3f} ({low:.2f}–{high:.2f}) | {scores['micro_precision']:.3f} "
        f"| {scores['micro_recall']:.3f}"
    )


def trace_section(part: dict[str, Any]) -> list[str]:
    """NYC attribution per element, and Valladolid outcomes per proposal, beside their baselines."""
    nyc, valladolid, decidim = part["nyc"], part["valladolid"], part.get("decidim")
    lines = [
        *opening(
            "Trace: which options each response addresses, and what was decided",
            part,
            "`flows/eval_trace_real.py` says how each figure is made. Attribution settings were tuned on",
            "the NYC dev half (testimonies whose id hashes even) and are reported on the test half.",
        ),
        f"**City of Yes planning-commission hearing** ({nyc['testimonies']} testimonies; "
        f"{nyc['test_testimonies']} in the test half): options parsed from City Planning's description "
        f"({len(nyc['options'])} {'/'.join(nyc['options_origin'])}s: {', '.join(nyc['options'])}); "
        "(testimony, element) pairs against the silver labels (6 elements), micro-averaged, 95% bootstrap "
        f"interval. Attribution took {nyc['seconds_attribution']} s.",
        "",
        "| method | test F1 (95% CI) | precision | recall | dev F1 |",
        "|---|---|---|---|---|",
    ]
    for name, halves in nyc["methods"].items():
        lines.append(f"| {name} | {_f1(halves['test'])} | {halves['dev']['micro_f1']:.3f} |")
    per = nyc["methods"]["throughline"]["test"]["per_option"]
    lines += [
        "",
        "Throughline's F1 per element (test): " + ", ".join(f"{k.lower()} {v:.2f}" for k, v in sorted(per.items())),
        "",
        *(_decidim(decidim) if decidim else []),
        f"**Valladolid participatory budget** ({valladolid['proposals']} proposals as options; the district "
        f"tables' minutes list {valladolid['in_minutes']}): outcome per proposal read from the minutes' table "
        f"(Spanish outcome words, ids) against the minutes' own summary column: accuracy "
        f"**{valladolid['accuracy']:.3f}** (majority outcome, *{valladolid['majority_outcome']}*: "
        f"{valladolid['majority_accuracy']:.3f}). Disagreements: "
        + (", ".join(f"{k} {v}" for k, v in valladolid["confusion"].items()) or "none")
        + ". Exclusion reasons attached to their proposal: "
        f"{valladolid['reasons_attached']}/{valladolid['excluded_with_reason']}. Both columns come from the same "
        "minutes, so this measures the reader, not judgement; the 7 *Reserva* proposals are read as deferred "
        "where the summary column counts them as selected.",
        "",
        *(_valladolid_run(part["valladolid_run"]) if part.get("valladolid_run") else []),
    ]
    return lines


def _valladolid_run(found: dict[str, Any]) -> list[str]:
    outcomes, reasons, statuses = found["outcomes"], found["reasons"], found["statuses"]
    low, high = outcomes["accuracy_ci"]
    origins = ", ".join(f"{n} from the {o}" for o, n in found["options_by_origin"].items())
    return [
        "**Valladolid as a whole consultation** (`throughline eval-trace`, `evaluation/valladolid`): the "
        "proposals as responses (each naming itself in its `code` column), the minutes as a decisions table "
        f'(`kind = "decisions"`). {found["options"]} options ({origins}). Outcome per option against the '
        f"minutes' summary column: **{outcomes['accuracy']:.3f}** ({low:.2f}–{high:.2f}; majority "
        f"{outcomes['majority_accuracy']:.3f}). Reasons: {reasons['reason_found']}/{reasons['with_reason']} "
        f"options with an official reason got it. Theme statuses against the statuses the gold outcomes give: "
        f"{statuses['agree']}/{statuses['themes']} (expected: "
        + ", ".join(f"{k} {v}" for k, v in statuses["expected"].items())
        + "); reliability of the confidence: "
        + ", ".join(f"{b['confidence']}: {b['right']}/{b['themes']}" for b in statuses["reliability"])
        + f". Analysis and scoring took {found['analysis_seconds']} s.",
        "",
        "Largest themes and their statuses (Spanish text with the English default model; the labels show it): "
        + "; ".join(found["largest_themes"])
        + ".",
        "",
    ]


def _decidim(found: dict[str, Any]) -> list[str]:
    rows = [
        "**Decidim Barcelona** (proposals → the funded projects that cite them): "
        f"{found['projects']} projects as options (title and description, Catalan), each of "
        f"{found['proposals']} proposal titles attributed ({found['true_links']} true links; "
        "the English default model, Catalan and Spanish stop words and word frequencies). "
        "The link-based trace of issue 6 scored F1 0.590.",
        "",
        "| method | precision | recall | F1 | links |",
        "|---|---|---|---|---|",
    ]
    named = {"throughline": found["throughline"], "every project": found["every_project"]}
    named |= {f"throughline, strongest evidence {m}": v for m, v in found["by_strongest_evidence"].items()}
    for name, s in named.items():
        rows.append(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['predicted']} |")
    return [*rows, ""]
