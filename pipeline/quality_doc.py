"""``docs/QUALITY.md`` from the scoreboard's results (``evaluation/results/real.json``).

Input: the dict ``flows.eval_real.run_eval_real`` writes, one entry per part. Output: Markdown, one
section per part that has been run, each with its commit and date, the figures beside their
baselines, and what the figures do not show. Pure: the same results give the same page.
"""

from __future__ import annotations

from typing import Any

from pipeline.stats import wilson

TARGETS = {"NAME": (0.90, 0.90)}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}" if value in (0, 1) else f"{value:.1%}"


def with_ci(value: float | None, successes: int | None, n: int) -> str:
    """A percentage with its 95% Wilson interval."""
    interval = wilson(successes, n) if successes is not None else None
    if value is None or interval is None:
        return _pct(value)
    return f"{_pct(value)} ({interval[0]:.0%}–{interval[1]:.0%})"


def _stamp(part: dict[str, Any]) -> str:
    return f"*Measured {part.get('date', '?')} at commit `{part.get('commit', '?')}` in {part.get('seconds', '?')} s.*"


def opening(title: str, part: dict[str, Any], *intro: str) -> list[str]:
    """A part's heading, when and where it was measured, and what it measures."""
    return [f"## {title}", "", _stamp(part), "", *intro, *([""] if intro else [])]


def quality_markdown(results: dict[str, Any]) -> str:
    """The whole page."""
    parts = results.get("parts", {})
    lines = [
        "# Quality on real data",
        "",
        "Every figure here is measured on the real public data sets in `../shared/data` (none written",
        "by us), beside trivial baselines, by one command: `make eval-real` (`throughline eval-real`;",
        "`--only redaction,language` runs some parts and keeps the others' last results). The raw",
        "figures are in `evaluation/results/real.json`. The bundled sample is not used here: it only",
        "shows that nothing is broken.",
        "",
    ]
    from pipeline.quality_coding import coding_section
    from pipeline.quality_themes import substance_section, themes_section  # they use this module's helpers
    from pipeline.quality_trace import trace_section

    renderers = {
        "redaction": _redaction,
        "language": _language,
        "placeholders": _placeholders,
        "dates": _dates,
        "substance": substance_section,
        "themes": themes_section,
        "trace": trace_section,
        "coding": coding_section,
    }
    for name, render in renderers.items():
        if name in parts:
            lines += render(parts[name])
    missing = [name for name in renderers if name not in parts]
    if missing:
        lines += [f"*Not yet measured: {', '.join(missing)}.*", ""]
    return "\n".join(lines).rstrip() + "\n"


def _redaction(part: dict[str, Any]) -> list[str]:
    test = part["splits"]["test"]
    dev = part["splits"]["dev"]
    lines = [
        *opening("Redaction", part),
        f"A hand-labelled set of {test['sentences'] + dev['sentences']} real sentences "
        "(`evaluation/redaction/labels.jsonl`: hearing transcripts, regulations.gov comments,",
        "committee transcripts, Polis statements, Valladolid and Decidim proposals in Spanish and Catalan,",
        f"vTaiwan in Chinese; {test['non_english_sentences'] + dev['non_english_sentences']} not in English),",
        "every person's name, email, phone, postal address and URL marked by hand before any rule was",
        "tuned. Split by record into a dev half (the rules were tuned on it) and a **test half (the",
        "figures)**. The file holds ids, hashes and offsets only; the sentences are read from",
        "`../shared/data`. A detected span is right when it overlaps a labelled one; a labelled span",
        "is found when 80% of its characters are redacted.",
        "",
        f"Test half: {test['sentences']} sentences ({test['non_english_sentences']} not in English).",
        "",
        "| system | type | precision (95% CI) | recall (95% CI) | labelled | detected |",
        "|---|---|---|---|---|---|",
    ]
    for system, figures in test["systems"].items():
        for kind, row in figures["types"].items():
            target = TARGETS.get(kind)
            mark = f" (target ≥ {target[0]:.0%} / {target[1]:.0%})" if target and system == "throughline" else ""
            lines.append(
                f"| {system} | {kind}{mark} | {with_ci(row['precision'], row.get('right'), row['detected'])} "
                f"| {with_ci(row['recall'], row.get('found'), row['labelled'])} "
                f"| {row['labelled']} | {row['detected']} |"
            )
    labelled = test["systems"]["throughline"].get("non_english_labelled", 0)
    lines += [
        "",
        f"Names found in the non-English sentences of the test half ({labelled} labelled there; every other "
        "detection is a word redacted by an English model):",
        "",
        "| system | NAME spans detected in non-English text | of them a real name |",
        "|---|---|---|",
    ]
    for system, figures in test["systems"].items():
        lines.append(f"| {system} | {figures['non_english_names']} | {figures['non_english_names_right']} |")
    ours = test["systems"]["throughline"]
    dev_name = dev["systems"]["throughline"]["types"].get("NAME", {})
    lines += [
        "",
        f"Dev half (tuned on): NAME precision {_pct(dev_name.get('precision'))}, "
        f"recall {_pct(dev_name.get('recall'))}.",
        "",
        "What Throughline still gets wrong on the test half — spans it redacted that are not personal data:",
        "",
    ]
    lines += [f"- `{kind}` \u201c{text}\u201d ({item})" for item, kind, text in ours["wrong"]] or ["- none"]
    missed = ", ".join(f"{n} {kind}" for kind, n in ours["missed"].items()) or "none"
    lines += [
        "",
        f"Labelled spans it missed (not shown: they are people's names): {missed}. They are mostly",
        "lone surnames or first names with no title or introduction, names garbled by speech",
        "recognition, and names in other-language sentences with no title or \u201cme llamo\u201d",
        "(non-English text gets the patterns and the strong cues only, never the English name finder).",
        "",
    ]
    return lines


def _language(part: dict[str, Any]) -> list[str]:
    lines = [
        *opening(
            "Language of short answers",
            part,
            "Texts under 8 words, from sets whose language is known. *Throughline*: the identifier's",
            "answer only when the text has 8 words or more and it is ≥ 90% sure, otherwise the set's main",
            "language. *Identifier alone*: py3langid over all its languages (what ran before; texts under",
            "4 words were `und` and themed).",
        ),
        "| set | texts | short | short right (Throughline) | short right (identifier alone) "
        "| short `und` before | all right | short taken for |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in part["sets"]:
        wrong = ", ".join(f"{k} {v}" for k, v in s["short_wrong_as"].items()) or "—"
        lines.append(
            f"| {s['set']} ({s['what']}) | {s['texts']} | {s['short']} | {_pct(s['short_right'])} "
            f"| {_pct(s['short_right_identifier'])} | {_pct(s['short_undetermined_before'])} "
            f"| {_pct(s['all_right'])} | {wrong} |"
        )
    lines += [
        "",
        "Each set is one consultation, so its short texts take its own main language. The mixed row",
        "shows the price of not guessing on a few words: in an English consultation with one Spanish",
        "title in ten, the short Spanish titles are taken for English (and themed with the English model).",
        "",
    ]
    return lines


def _placeholders(part: dict[str, Any]) -> list[str]:
    lines = [
        *opening(
            "Placeholders kept whole",
            part,
            "Per set, records (chosen by hash) redacted and cut into sentence passages; a passage is",
            "broken when a bracket is left outside a whole placeholder (\u201cMy name is [\u201d /",
            "\u201cNAME], and I live\u2026\u201d). *Before*: spaCy's sentences as they come.",
        ),
        "| set | records | redactions | passages | broken | broken before | `[ ` padded |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in part["sets"]:
        counts = ", ".join(f"{k} {v}" for k, v in s["redactions"].items()) or "none"
        lines.append(
            f"| {s['set']} | {s['records']} | {counts} | {s['passages']} | {s['broken']} "
            f"| {s['broken_before']} of {s['before_passages']} | {s['padded']} |"
        )
    return [*lines, ""]


def _dates(part: dict[str, Any]) -> list[str]:
    lines = [
        *opening(
            "Dates",
            part,
            "Every date column of the real sets, read by `pipeline.ingest.dates` (the order of day and",
            "month decided over the whole column) beside Polars' own `str.to_datetime` inference.",
        ),
        "| set | column | example | values | parsed | parsed by Polars | day/month | range |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for c in part["columns"]:
        order = (c["order"] or "—") + (" (guessed)" if c["guessed"] else "")
        span = f"{c['first']} → {c['last']}" if c["first"] else "—"
        lines.append(
            f"| {c['set']} | {c['column']} | `{c['example']}` | {c['values']} | {c['parsed']} "
            f"| {c['parsed_polars']} | {order} | {span} |"
        )
    return [*lines, ""]
