"""The "you said, we did" report: Markdown, HTML and DOCX from one reviewed run.

One structure (``report_data``) feeds three renderers, so the formats say the same thing. Per
theme, largest first: what people said (respondents, share, verbatim quotes), what the options
said, what was decided, the evidence on both sides with its method and scores, the status with
its confidence; then responsiveness overall and by group, the largest themes not taken up, and a
method note. Without a decision there is no verdict: the report says why where the
responsiveness would be (``trace_gap``) and which documents were not given. Public text is
escaped for each format (it is data, never markup).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import polars as pl
from docx.shared import Pt

from pipeline.responsiveness import DEFINITION, fates, headline
from pipeline.schema import STATUS_LABELS
from pipeline.trace import counts, document_stages, status_counts, trace_gap

QUOTES = 3
FORMATS = ("md", "html", "docx")
NOTHING_LINKED = {
    "options": "Nothing in the options addresses this theme.",
    "decision": "The decision does not address this theme.",
}
NOT_GIVEN = {"options": "No options paper was given.", "decision": "No decision was given."}


@dataclass
class ThemeSection:
    """What the report says about one theme."""

    theme_id: str
    label: str
    status: str
    confidence: float | None
    reason: str
    n_respondents: int
    share: float
    quotes: list[tuple[str, str]]  # (response id, text)
    options: list[dict[str, Any]] = field(default_factory=list)
    decision: list[dict[str, Any]] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    question: str | None = None  # the question its passages answer, when each question has its own themes


def question_headings(themes: list[ThemeSection]) -> list[str | None]:
    """Per theme, the question heading to print before it (None: same question as the theme before)."""
    out: list[str | None] = []
    previous: str | None = None
    for t in themes:
        out.append(f"Answers to: {t.question}" if t.question and t.question != previous else None)
        previous = t.question
    return out


@dataclass
class ReportData:
    """Everything the report shows."""

    title: str
    run_id: str
    analysed: int
    language_note: str
    headline: dict[str, Any]
    themes: list[ThemeSection]
    not_taken_up: list[ThemeSection]
    groups: pl.DataFrame
    stages: list[str]
    method: str
    status_counts: dict[str, int]
    documents: frozenset[str] = frozenset({"options", "decision"})  # stages with document passages
    gap: str | None = None  # why there is no verdict (no decision given), from ``trace_gap``
    options: list[dict[str, Any]] = field(default_factory=list)  # option by option (``option_rows``)

    def nothing(self, stage: str) -> str:
        """What to say when no passage of ``stage`` addresses a theme: none addresses it, or none was given."""
        return NOTHING_LINKED[stage] if stage in self.documents else NOT_GIVEN[stage]


def _evidence(links: pl.DataFrame, stage: str) -> list[dict[str, Any]]:
    chosen = links.filter((pl.col("stage") == stage) & counts())
    return chosen.sort(["confidence", "score"], descending=True, nulls_last=True).head(3).to_dicts()


def report_data(tables: dict[str, pl.DataFrame], manifest: dict[str, Any]) -> ReportData:
    """Gather the report's content from a (reviewed) run's tables and its manifest."""
    themes, status, links, quotes = (tables[n] for n in ("themes", "theme_status", "links", "quotes"))
    ranked = fates(themes, status)
    sections = []
    for row in ranked.iter_rows(named=True):
        mine = links.filter(pl.col("theme_id") == row["theme_id"])
        said = quotes.filter(pl.col("theme_id") == row["theme_id"]).sort("rank").head(QUOTES)
        sections.append(
            ThemeSection(
                theme_id=row["theme_id"],
                label=row["label"],
                status=row["status"],
                confidence=row["confidence"],
                reason=row["reason"] or "",
                n_respondents=row["n_respondents"],
                share=row["share"],
                quotes=list(zip(said["response_id"].to_list(), said["text"].to_list(), strict=True)),
                options=_evidence(mine, "options"),
                decision=_evidence(mine, "decision"),
                reviewed=sorted(set(mine["review"].drop_nulls().to_list())),
                question=row.get("question"),
            )
        )
    order = {q: i for i, q in enumerate(dict.fromkeys(s.question for s in sections))}
    sections.sort(key=lambda s: order[s.question])  # by question, largest first within each (stable)
    responsiveness = tables["responsiveness"]
    documents = document_stages(tables["passages"])
    gap = trace_gap(documents)  # no decision: no responsiveness, overall or by group
    return ReportData(
        title=str(manifest.get("consultation", {}).get("title", "Consultation")),
        run_id=str(manifest.get("run_id", "")),
        analysed=int(manifest.get("counts", {}).get("responses", 0) or 0),
        language_note=_language_note(manifest),
        headline=headline(responsiveness),
        themes=sections,
        not_taken_up=[s for s in sections if s.status == "not taken up"][:5],
        groups=responsiveness.filter((pl.col("attribute") != "all") & pl.lit(gap is None)),
        stages=list(manifest.get("consultation", {}).get("stages", [])),
        method=_method(manifest),
        status_counts=status_counts(ranked),
        documents=documents,
        gap=gap,
        options=_options(tables),
    )


OPTION_HEADER = ["Option", "Decision", "Respondents who addressed it", "Of whom argued against", "Reason given"]


def _options(tables: dict[str, pl.DataFrame]) -> list[dict[str, Any]]:
    """The option-by-option rows, when the run found options (older runs have none)."""
    from pipeline.trace.options_view import option_rows

    if tables.get("options") is None or tables["options"].is_empty():
        return []
    names = ("options", "option_outcomes", "response_options", "responses", "theme_options")
    return option_rows(*(tables[n] for n in names)).to_dicts()


def option_cells(row: dict[str, Any]) -> list[str]:
    """One option as table cells: id and title, outcome, respondents (share), opposing, reason."""
    return [
        f"{row['option_id']}: {row['title']}",
        str(row["outcome"]).capitalize(),
        f"{row['n_respondents']} ({_pct(row['share'])})",
        str(row["n_opposing"]),
        row["reason"] or "—",
    ]


def _language_note(manifest: dict[str, Any]) -> str:
    """A sentence on the responses left out of the themes for their language (empty when none were)."""
    other: dict[str, int] = manifest.get("counts", {}).get("unthemed_languages") or {}
    if not other:
        return ""
    listed = ", ".join(f"{language} {n}" for language, n in other.items())
    return (
        f" {sum(other.values())} responses were not themed because of their language ({listed}): they are "
        "counted here but are in no theme below."
    )


def _method(manifest: dict[str, Any]) -> str:
    analysis = manifest.get("config", {}).get("resolved", {}).get("analysis", {})
    threshold = analysis.get("link_threshold", 0.6)
    words = analysis.get("carryover_min_words", 3)
    aside = manifest.get("counts", {}).get("passages_set_aside", 0)
    return (
        "Responses were read, personal data redacted and campaign copies grouped; each answer was split into "
        "passages. Passages with nothing to theme (thanks, greetings, introductions, procedure, 'see attached', "
        f"'no comment': {aside} in this run) were set aside and counted. Themes were found by clustering sentence "
        "embeddings (all-MiniLM-L6-v2 unless configured otherwise), centred on each question's common direction, "
        "with Ward's method (each free-text question on its own when every question has enough answers), and "
        "named from their noun phrases and BERTopic's c-TF-IDF keywords. Each theme was compared with every passage of the options and decision "
        f"documents in three ways: meaning (mean cosine of the five closest theme passages, at least {threshold}), "
        f"carry-over of the public's own words (a local alignment of at least {words} content words used by "
        "several of the theme's respondents) and references to a numbered option the theme links to. A theme is "
        "adopted when a resolution does what it asks, considered (not adopted) when it reached the options or "
        "the decision's reasons but was rejected or deferred, contrary when the decision approves a change most "
        "of its respondents opposed (judged from words such as 'keep', 'don't close', 'object to'), and not "
        "taken up when nothing links. Confidence combines the signals that agree. Officers' reviews (confirmed "
        "or rejected links, renamed, merged or split themes) are applied. " + DEFINITION
    )


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def _confidence(value: float | None) -> str:
    """`` Confidence 80%.`` after a theme's size, nothing for a theme without a verdict."""
    return "" if value is None else f" Confidence {_pct(value)}."


def _md(text: str) -> str:
    """Public or document text as inert Markdown (no links, images, HTML or emphasis)."""
    text = re.sub(r"([\\`*_\[\]|<>~])", r"\\\1", " ".join(str(text).split()))
    return re.sub(r"(?i)(://|\bwww)\.?", lambda m: m.group(0).replace(":", "\\:").replace(".", "\\."), text)


def to_markdown(data: ReportData) -> str:
    """The report as Markdown."""
    h = data.headline
    out = [
        f"# You said, we did: {_md(data.title)}",
        "",
        f"Run {data.run_id}. {data.analysed} responses analysed; stages: {', '.join(data.stages)}.{data.language_note}",
        "",
        f"**Responsiveness: not computed.** {_md(data.gap)}"
        if data.gap
        else f"**Responsiveness: {_pct(h['share_reached'])}** of respondents with a theme "
        f"({h['n_reached']} of {h['n_respondents']}) raised something the decision adopted in whole or in part.",
        "",
        "| Status | Themes |",
        "|---|---|",
        *(f"| {_label(s)} | {n} |" for s, n in data.status_counts.items()),
        "",
    ]
    if not data.gap:
        out += ["## Largest themes not taken up", ""]
        out += [f"- {_md(t.label)}: {t.n_respondents} respondents ({_pct(t.share)})" for t in data.not_taken_up] or [
            "- None: every theme reached the options or the decision."
        ]
        out.append("")
    if data.options:
        out += ["## Option by option", "", "| " + " | ".join(OPTION_HEADER) + " |", "|---|---|---|---|---|"]
        out += ["| " + " | ".join(_md(c).replace("|", "/") for c in option_cells(row)) + " |" for row in data.options]
        out.append("")
    out += ["## Theme by theme", ""]
    for t, heading in zip(data.themes, question_headings(data.themes), strict=True):
        out += [f"### {_md(heading)}", ""] if heading else []
        out += [
            f"### {_md(t.label)} ({t.theme_id}): {_label(t.status)}",
            "",
            f"*{t.n_respondents} respondents ({_pct(t.share)}).{_confidence(t.confidence)}"
            + (f" Reviewed: {', '.join(t.reviewed)}.*" if t.reviewed else "*"),
            "",
            "**You said**",
            "",
            *(f"> {_md(text)} ({_md(rid)})\n" for rid, text in t.quotes),
            "**What the options said**",
            "",
            *(_md_link(link) for link in t.options),
            *([f"- {data.nothing('options')}"] if not t.options else []),
            "",
            "**What was decided**",
            "",
            *(_md_link(link) for link in t.decision),
            *([f"- {data.nothing('decision')}"] if not t.decision else []),
            "",
        ]
    out += ["## Responsiveness by group", ""]
    if data.gap:
        out.append(f"Not computed: {_md(data.gap)}")
    else:
        out += ["| Attribute | Group | Respondents | Reached the decision |", "|---|---|---|---|"]
    for row in data.groups.iter_rows(named=True):
        reached = (
            "suppressed (fewer than 10)" if row["suppressed"] else f"{row['n_reached']} ({_pct(row['share_reached'])})"
        )
        out.append(f"| {_md(row['attribute'])} | {_md(row['value'])} | {row['n_respondents']} | {reached} |")
    out += ["", "## Method", "", data.method, ""]
    return "\n".join(out)


def _describe(link: dict[str, Any]) -> str:
    method = str(link["method"])
    if method == "near miss":
        method = "below the threshold"
    parts = [f"{link['role']} in {link['source_id']}", str(link["action"]), f"found by {method.replace('+', ', ')}"]
    if "semantic" in method or method == "below the threshold":
        parts.append(f"similarity {link['score']:.2f}")
    if link.get("carryover_words"):
        parts.append(f"{link['carryover_respondents']} respondents' words reused")
    if link.get("reference"):
        parts.append(f"names {link['reference']}")
    if link.get("review"):
        parts.append(f"{link['review']} by a reviewer")
    return "; ".join(parts)


def _md_link(link: dict[str, Any]) -> str:
    carried = f" Words carried over: “{_md(link['doc_span'])}”." if link.get("doc_span") else ""
    closest = (
        f" Closest public passage: “{_md(link['evidence_text'])}” ({_md(link['evidence_response_id'])})"
        if link.get("evidence_text")
        else ""
    )
    return f"- “{_md(link['text'])}” ({_md(_describe(link))}).{carried}{closest}"


_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1a1a1a;line-height:1.45}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;margin-top:2rem}
.headline{font-size:1.3rem;background:#f3f6fa;border-left:6px solid #0072B2;padding:.8rem 1rem}
.status{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;color:#fff;font-size:.85rem}
.adopted{background:#0072B2}.adopted-in-part{background:#56B4E9;color:#000}.considered{background:#E69F00;color:#000}
.not-taken-up{background:#D55E00}.contrary{background:#CC79A7;color:#000}.not-traced{background:#BBBBBB;color:#000}
blockquote{margin:.3rem 0;padding:.3rem .8rem;border-left:4px solid #999;background:#fafafa}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}
.evidence{font-size:.92rem}.meta{color:#555;font-size:.9rem}
"""


def to_html(data: ReportData) -> str:
    """The report as one self-contained HTML page."""
    e = html.escape
    h = data.headline
    body = [
        f"<h1>You said, we did: {e(data.title)}</h1>",
        f"<p class='meta'>Run {e(data.run_id)}. {data.analysed} responses analysed; stages: "
        f"{e(', '.join(data.stages))}.{e(data.language_note)}</p>",
        f"<p class='headline'><strong>Responsiveness: not computed.</strong> {e(data.gap)}</p>"
        if data.gap
        else f"<p class='headline'><strong>{_pct(h['share_reached'])}</strong> of respondents with a theme "
        f"({h['n_reached']} of {h['n_respondents']}) raised something the decision adopted in whole or in part.</p>",
        "<table><tr><th>Status</th><th>Themes</th></tr>",
        *(f"<tr><td>{e(_label(s))}</td><td>{n}</td></tr>" for s, n in data.status_counts.items()),
    ]
    body.append("</table>")
    if not data.gap:
        body += [
            "<h2>Largest themes not taken up</h2><ul>",
            *(f"<li>{e(t.label)}: {t.n_respondents} respondents ({_pct(t.share)})</li>" for t in data.not_taken_up),
            *(["<li>None: every theme reached the options or the decision.</li>"] if not data.not_taken_up else []),
            "</ul>",
        ]
    if data.options:
        body += [
            "<h2>Option by option</h2><table><tr>" + "".join(f"<th>{e(h)}</th>" for h in OPTION_HEADER) + "</tr>",
            *("<tr>" + "".join(f"<td>{e(c)}</td>" for c in option_cells(row)) + "</tr>" for row in data.options),
            "</table>",
        ]
    body.append("<h2>Theme by theme</h2>")
    for t, heading in zip(data.themes, question_headings(data.themes), strict=True):
        if heading:
            body.append(f"<h2 class='question'>{e(heading)}</h2>")
        css = t.status.replace(" ", "-")
        body += [
            f"<section><h3>{e(t.label)} <small>({e(t.theme_id)})</small> "
            f"<span class='status {css}'>{e(_label(t.status))}</span></h3>",
            f"<p class='meta'>{t.n_respondents} respondents ({_pct(t.share)}).{_confidence(t.confidence)}"
            + (f" Reviewed: {e(', '.join(t.reviewed))}." if t.reviewed else "")
            + "</p><h4>You said</h4>",
            *(f"<blockquote>{e(text)} <span class='meta'>({e(rid)})</span></blockquote>" for rid, text in t.quotes),
            "<h4>What the options said</h4>",
            _html_links(t.options, data.nothing("options")),
            "<h4>What was decided</h4>",
            _html_links(t.decision, data.nothing("decision")),
            "</section>",
        ]
    body += [
        f"<h2>Responsiveness by group</h2><p>Not computed: {e(data.gap)}</p>"
        if data.gap
        else "<h2>Responsiveness by group</h2><table><tr><th>Attribute</th><th>Group</th><th>Respondents</th>"
        "<th>Reached the decision</th></tr>"
    ]
    for row in data.groups.iter_rows(named=True):
        reached = (
            "suppressed (fewer than 10)" if row["suppressed"] else f"{row['n_reached']} ({_pct(row['share_reached'])})"
        )
        body.append(
            f"<tr><td>{e(str(row['attribute']))}</td><td>{e(str(row['value']))}</td>"
            f"<td>{row['n_respondents']}</td><td>{e(reached)}</td></tr>"
        )
    body += [*([] if data.gap else ["</table>"]), "<h2>Method</h2>", f"<p>{e(data.method)}</p>"]
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>You said, we did: {e(data.title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def _html_links(links: list[dict[str, Any]], none: str) -> str:
    if not links:
        return f"<p>{html.escape(none)}</p>"
    items = []
    for link in links:
        carried = f"<br>Words carried over: “{html.escape(link['doc_span'])}”" if link.get("doc_span") else ""
        closest = (
            f"<br>Closest public passage: “{html.escape(link['evidence_text'])}” "
            f"<span class='meta'>({html.escape(link['evidence_response_id'] or '')})</span>"
            if link.get("evidence_text")
            else ""
        )
        items.append(
            f"<li class='evidence'>“{html.escape(link['text'])}” <span class='meta'>"
            f"({html.escape(_describe(link))})</span>{carried}{closest}</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def to_docx(data: ReportData, path: Path) -> None:
    """The report as a Word document (to attach to a committee paper)."""
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10.5)
    h = data.headline
    document.add_heading(f"You said, we did: {data.title}", level=0)
    document.add_paragraph(
        f"Run {data.run_id}. {data.analysed} responses analysed; stages: {', '.join(data.stages)}.{data.language_note}"
    )
    lead = document.add_paragraph()
    if data.gap:
        lead.add_run("Responsiveness: not computed.").bold = True
        lead.add_run(f" {data.gap}")
    else:
        lead.add_run(f"Responsiveness: {_pct(h['share_reached'])}").bold = True
        lead.add_run(
            f" of respondents with a theme ({h['n_reached']} of {h['n_respondents']}) raised something the decision "
            "adopted in whole or in part."
        )
    _docx_table(document, ["Status", "Themes"], [[_label(s), str(n)] for s, n in data.status_counts.items()])
    if not data.gap:
        document.add_heading("Largest themes not taken up", level=1)
        for t in data.not_taken_up:
            document.add_paragraph(f"{t.label}: {t.n_respondents} respondents ({_pct(t.share)})", style="List Bullet")
        if not data.not_taken_up:
            document.add_paragraph("None: every theme reached the options or the decision.")
    if data.options:
        document.add_heading("Option by option", level=1)
        _docx_table(document, OPTION_HEADER, [option_cells(row) for row in data.options])
    document.add_heading("Theme by theme", level=1)
    for t, heading in zip(data.themes, question_headings(data.themes), strict=True):
        if heading:
            document.add_heading(heading, level=1)
        document.add_heading(f"{t.label} ({t.theme_id}): {_label(t.status)}", level=2)
        meta = f"{t.n_respondents} respondents ({_pct(t.share)}).{_confidence(t.confidence)}"
        document.add_paragraph(meta + (f" Reviewed: {', '.join(t.reviewed)}." if t.reviewed else ""))
        document.add_heading("You said", level=3)
        for rid, text in t.quotes:
            document.add_paragraph(f"“{text}” ({rid})", style="Quote")
        for title, links, none in (
            ("What the options said", t.options, data.nothing("options")),
            ("What was decided", t.decision, data.nothing("decision")),
        ):
            document.add_heading(title, level=3)
            for link in links:
                carried = f" Words carried over: “{link['doc_span']}”." if link.get("doc_span") else ""
                closest = (
                    f" Closest public passage: “{link['evidence_text']}” ({link['evidence_response_id']})"
                    if link.get("evidence_text")
                    else ""
                )
                document.add_paragraph(f"“{link['text']}” ({_describe(link)}).{carried}{closest}", style="List Bullet")
            if not links:
                document.add_paragraph(none)
    document.add_heading("Responsiveness by group", level=1)
    rows = [
        [
            str(r["attribute"]),
            str(r["value"]),
            str(r["n_respondents"]),
            "suppressed (fewer than 10)" if r["suppressed"] else f"{r['n_reached']} ({_pct(r['share_reached'])})",
        ]
        for r in data.groups.iter_rows(named=True)
    ]
    if data.gap:
        document.add_paragraph(f"Not computed: {data.gap}")
    else:
        _docx_table(document, ["Attribute", "Group", "Respondents", "Reached the decision"], rows)
    document.add_heading("Method", level=1)
    document.add_paragraph(data.method)
    document.save(str(path))


def _docx_table(document: Any, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def write_reports(data: ReportData, folder: Path, formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the report in each of ``formats`` into ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"you-said-we-did.{fmt}"
        tmp = path.with_name(f".{path.name}.tmp")
        if fmt == "md":
            tmp.write_text(to_markdown(data), encoding="utf-8")
        elif fmt == "html":
            tmp.write_text(to_html(data), encoding="utf-8")
        elif fmt == "docx":
            to_docx(data, tmp)
        else:
            raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")
        tmp.replace(path)
        written.append(path)
    return written
