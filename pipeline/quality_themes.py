"""The substance and theme sections of ``docs/QUALITY.md`` (from ``flows/eval_themes_real.py``'s results)."""

from __future__ import annotations

from typing import Any

from pipeline.quality_doc import opening, with_ci


def substance_section(part: dict[str, Any]) -> list[str]:
    """The substance detector beside its two trivial baselines, per half."""
    lines = [
        *opening(
            "Substance or procedure",
            part,
            "The non-substantive detector (`pipeline/themes/substance.py`) on 600 real passages hand-labelled",
            "substance / other (NYC hearings, QMSum committees, regulations.gov, Polis, NHS;",
            "`evaluation/substance/labels.jsonl`). Rules were written on the dev half; the test half is the",
            "figure. Baselines: *three words or fewer*, and *a keyword* (thank, hello, good morning,",
            "attached, n/a, no comment, my name).",
        ),
        "| half | method | precision (95% CI) | recall (95% CI) |",
        "|---|---|---|---|",
    ]
    for split in ("test", "dev"):
        half = part[split]
        for name in ("throughline", "three_words_or_fewer", "keyword"):
            m = half[name]
            lines.append(
                f"| {split} ({half['passages']}, {half['other']} other) | {name.replace('_', ' ')} "
                f"| {with_ci(m['precision'], m['tp'], m['said'])} | {with_ci(m['recall'], m['tp'], half['other'])} |"
            )
    per = part["test"].get("per_category", {})
    if per:
        found = ", ".join(f"{k} {v['found']}/{v['gold']}" for k, v in per.items())
        lines += ["", f"Recall per category on the test half (found/labelled): {found}."]
    return [*lines, ""]


def _shape_row(name: str, shape: dict[str, Any], extra: str = "") -> str:
    procedure = ", ".join(shape["procedure_themes"]) or "none"
    return (
        f"| {name} | {shape['themes']} | {shape['largest_share']:.0%} | {shape['unthemed_passages']:.0%} "
        f"| {shape['set_aside_passages']:.0%} | {procedure} | {extra} |"
    )


def themes_section(part: dict[str, Any]) -> list[str]:
    """Theme figures per real set beside plain BERTopic, then the theme lists themselves."""
    lines = [
        *opening(
            "Themes",
            part,
            "Throughline's theme discovery (substance set aside, per question, Ward on centred vectors,",
            "refined; `pipeline/themes/`) beside plain `BERTopic().fit_transform` with only UMAP seeded, on",
            "the same passages and vectors (flows/eval_themes_real.py says how each figure is made).",
        ),
    ]
    nhs = part.get("nhs")
    if nhs:
        lines += [
            f"**NHS FFT phase 1** ({nhs['comments']} comments, {nhs['passages']} passages): per comment against",
            "the human codes.",
            "",
            "| method | themes | NMI vs 9 | NMI vs 44 | ARI vs 44 |",
            "|---|---|---|---|---|",
        ]
        for name in ("throughline", "throughline_target25", "bertopic"):
            m = nhs[name]
            lines.append(
                f"| {name.replace('_', ' ')} | {m['shape']['themes']} | {m['label']['nmi']:.3f} "
                f"| {m['subcategory']['nmi']:.3f} | {m['subcategory']['ari']:.3f} |"
            )
        lines.append("")
    qmsum = part.get("qmsum")
    if qmsum:
        lines += [
            f"**QMSum committee meetings** ({qmsum['meetings']} meetings): mean NMI of the turns' themes against",
            f"the human topic spans: Throughline {qmsum['throughline_nmi']:.3f}, plain BERTopic",
            f"{qmsum['bertopic_nmi']:.3f} (Throughline higher in {qmsum['throughline_better_in']} meetings);",
            f"{qmsum['set_aside_turns']:.0%} of turns set aside as procedure.",
            "",
        ]
    header = [
        "| method | themes | largest theme (respondents) | unthemed passages | set aside | procedure themes | |",
        "|---|---|---|---|---|---|---|",
    ]
    nyc = part.get("nyc")
    if nyc:
        lines += [f"**City of Yes planning-commission hearing** ({nyc['testimonies']} testimonies):", "", *header]
        for name in ("throughline", "bertopic"):
            m = nyc[name]
            covered = sum(v is not None for v in m["elements"].values())
            lines.append(_shape_row(name, m["shape"], f"elements with a theme: {covered}/{len(m['elements'])}"))
        lines += ["", "Proposal elements (≥ 30 testimonies) and the theme that covers each:", ""]
        for element in nyc["throughline"]["elements"]:
            lines.append(
                f"- {element}: Throughline *{nyc['throughline']['elements'][element] or '—'}*, "
                f"BERTopic *{nyc['bertopic']['elements'][element] or '—'}*"
            )
        lines.append("")
    for key, value in part.items():
        if key == "regulations" or key.startswith("polis:"):
            title = "regulations.gov CMS-2025-0050" if key == "regulations" else f"Polis {key.split(':', 1)[1]}"
            lines += [f"**{title}** ({value['respondents']} respondents, {value['passages']} passages):", "", *header]
            lines.append(
                _shape_row("throughline", value["throughline"], f"1e-6 ARI {value['throughline']['perturbed_ari']}")
            )
            lines.append(_shape_row("throughline, 25 themes", value["throughline_target25"]))
            lines.append(_shape_row("bertopic", value["bertopic"], f"seed ARI {value['bertopic']['seed_ari']}"))
            lines.append("")
    lists = [
        (k, v) for k, v in part.items() if isinstance(v, dict) and "throughline" in v and "shape" in v["throughline"]
    ]
    lists += [
        (k, {"throughline": {"shape": v["throughline"]}})
        for k, v in part.items()
        if k == "regulations" or k.startswith("polis:")
    ]
    lines += ["### Theme lists (Throughline, largest first, respondents)", ""]
    for key, value in lists:
        shown = "; ".join(f"{label} ({n})" for label, n in value["throughline"]["shape"]["list"][:40])
        lines += [f"- **{key}**: {shown}", ""]
    return lines
