"""The "you said, we did" report on small hand-made runs: with a decision, with options only, with neither."""

from pathlib import Path

import docx
import polars as pl

from pipeline.report import report_data, to_docx, to_html, to_markdown
from pipeline.responsiveness import responsiveness
from pipeline.schema import empty
from pipeline.trace import NO_DECISION, NO_DOCUMENTS, theme_status

MANIFEST = {"run_id": "r1", "consultation": {"title": "Buses", "stages": ["problem"]}, "counts": {"responses": 4}}


def tables(stages: tuple[str, ...], statuses: dict[str, str] | None = None) -> dict[str, pl.DataFrame]:
    """A run of four respondents and two themes, with document passages at ``stages``."""
    themes = pl.DataFrame(
        {
            "theme_id": ["T1", "T2"],
            "label": ["Evening buses", "Pavements"],
            "n_respondents": [3, 1],
            "share": [0.75, 0.25],
        }
    )
    responses = pl.DataFrame(
        {
            "response_id": ["a", "b", "c", "d"],
            "respondent_id": ["a", "b", "c", "d"],
            "channel": ["survey"] * 4,
            "attr_ward": ["North", "North", "South", None],
        }
    )
    assignments = pl.DataFrame(
        {
            "passage_id": ["a:0", "b:0", "c:0", "d:0"],
            "response_id": ["a", "b", "c", "d"],
            "theme_id": ["T1"] * 3 + ["T2"],
        }
    )
    passages = pl.DataFrame(
        {"kind": ["answer"] * 4 + ["section"] * len(stages), "stage": ["problem"] * 4 + list(stages)}
    )
    status = theme_status(themes, empty("links"), 0.6, stages=stages)
    if statuses:
        status = status.with_columns(pl.col("theme_id").replace_strict(statuses).alias("status"))
    quotes = pl.DataFrame({"theme_id": ["T1"], "rank": [1], "response_id": ["a"], "text": ["More evening buses."]})
    return {
        "themes": themes,
        "theme_status": status,
        "links": empty("links"),
        "quotes": quotes,
        "passages": passages,
        "responsiveness": responsiveness(assignments, status, responses),
    }


def docx_text(data: object, tmp_path: Path) -> str:
    path = tmp_path / "report.docx"
    to_docx(data, path)  # type: ignore[arg-type]
    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_a_responses_only_report_says_why_there_is_no_verdict(tmp_path: Path) -> None:
    data = report_data(tables(()), MANIFEST)
    assert data.headline["share_reached"] is None
    assert data.status_counts == {"not traced": 2}
    assert data.groups.is_empty()
    markdown = to_markdown(data)
    assert f"**Responsiveness: not computed.** {NO_DOCUMENTS}" in markdown
    assert "| Not traced | 2 |" in markdown
    assert "0%" not in markdown
    assert "Not taken up" not in markdown
    assert "Largest themes not taken up" not in markdown
    assert "Confidence –" not in markdown
    assert markdown.count("- No options paper was given.") == 2
    assert markdown.count("- No decision was given.") == 2
    assert f"Not computed: {NO_DOCUMENTS}" in markdown
    page = to_html(data)
    assert "No options paper or decision was given, so nothing can be traced" in page
    assert "stage = &quot;options&quot; or &quot;decision&quot;" in page
    assert "class='status not-traced'" in page
    assert "0%" not in page
    word = docx_text(data, tmp_path)
    assert "Responsiveness: not computed. " + NO_DOCUMENTS in word
    assert "Largest themes not taken up" not in word
    assert "No decision was given." in word


def test_options_without_a_decision_say_no_decision_was_given(tmp_path: Path) -> None:
    data = report_data(tables(("options",)), MANIFEST)
    markdown = to_markdown(data)
    assert f"**Responsiveness: not computed.** {NO_DECISION}" in markdown
    assert "- Nothing in the options addresses this theme." in markdown
    assert "- No decision was given." in markdown
    assert "no decision was given, so it has no outcome; no options passage addresses it" in {
        t.reason for t in data.themes
    }
    assert "No decision was given." in docx_text(data, tmp_path)


def test_with_a_decision_the_report_gives_its_verdicts() -> None:
    data = report_data(tables(("options", "decision"), {"T1": "adopted", "T2": "not taken up"}), MANIFEST)
    assert data.gap is None
    markdown = to_markdown(data)
    assert "**Responsiveness: 75%** of respondents with a theme (3 of 4)" in markdown
    assert "| Not traced |" not in markdown
    assert "## Largest themes not taken up\n\n- Pavements: 1 respondents (25%)" in markdown
    assert "- The decision does not address this theme." in markdown
    assert "| ward | Not stated | 1 |" in markdown


def test_responses_left_out_for_their_language_are_said_in_every_format(tmp_path: Path) -> None:
    manifest = {**MANIFEST, "counts": {"responses": 4, "unthemed_languages": {"de": 20, "fr": 10}}}
    data = report_data(tables(("options", "decision")), manifest)
    said = "30 responses were not themed because of their language (de 20, fr 10)"
    assert said in to_markdown(data)
    assert said in to_html(data)
    assert said in docx_text(data, tmp_path)
    assert "not themed because of their language" not in to_markdown(report_data(tables(("decision",)), MANIFEST))


def test_themes_of_several_questions_are_grouped_under_their_question() -> None:
    from pipeline.report import ThemeSection, question_headings

    def section(theme_id: str, question: str | None) -> ThemeSection:
        return ThemeSection(theme_id, theme_id, "adopted", None, "", 1, 0.1, [], question=question)

    themes = [section("T01", "Q1"), section("T03", "Q1"), section("T02", "Q2")]
    assert question_headings(themes) == ["Answers to: Q1", None, "Answers to: Q2"]
    assert question_headings([section("T01", None), section("T02", None)]) == [None, None]
