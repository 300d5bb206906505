"""Each dashboard page rendered with Streamlit's AppTest on the analysed sample."""

import re
import shutil
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.render import STATUS_LABELS
from pipeline import review
from pipeline.schema import answering
from pipeline.store import VECTORS_FILE, latest_run, read_run_table
from pipeline.trace import NO_DECISION, NO_DOCUMENTS, document_stages, theme_status

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
pytestmark = pytest.mark.slow


@pytest.fixture
def app(sample_workspace: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(sample_workspace))
    return AppTest.from_file(APP, default_timeout=60)


def test_overview(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Harbourside town centre transport plan"
    assert "responses submitted 2026-01-" in app.caption[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Rows read"] == "473"
    assert metrics["Rejected"] == "5"
    warning = app.warning[0].value
    assert "3 responses are not themed because of their language" in warning
    assert "pl: 1" in warning
    assert any("Personal data redacted before analysis" in c.value for c in app.caption)
    campaigns = app.dataframe[1].value
    assert campaigns["n_members"].max() == 46
    shown = [m for m in STATUS_LABELS.values() if m in metrics]
    assert {"Adopted", "Considered, not adopted", "Not taken up"} <= set(shown)
    assert sum(int(metrics[m]) for m in shown) == int(metrics["Themes"])


def test_themes(app: AppTest) -> None:
    app.switch_page("views/themes.py").run()
    assert not app.exception
    cards = [s.value for s in app.subheader if re.match(r"T\d+ · ", s.value)]
    assert len(cards) >= 8
    quotes = "\n".join(m.value for m in app.markdown if m.value.startswith(">"))
    assert quotes.count("> — *") >= 3 * len(cards)
    assert any("Includes a campaign of 46 near-identical responses" in i.value for i in app.info)
    parents = [e.label for e in app.expander if e.label.startswith("P")]
    assert len(parents) >= 2
    assert all("respondents" in label for label in parents)
    assert any("joins its nearest theme when their similarity is at least" in c.value for c in app.caption)
    assert any(c.value.startswith("Tone: ") for c in app.caption)
    glance = app.dataframe[0].value
    assert list(glance.columns) == ["Theme", "Respondents", "Share", "Status", "Tone", "Trend"]
    # the trend counts dated respondents per week: never more than the theme's respondents
    assert all(0 < sum(t) <= n for t, n in zip(glance["Trend"], glance["Respondents"], strict=True))
    assert len({len(t) for t in glance["Trend"]}) == 1  # one shared time axis
    app.text_input(key="theme_filter").input("toilet").run()
    cards = [s.value for s in app.subheader if re.match(r"T\d+ · ", s.value)]
    assert 1 <= len(cards) < 4
    assert any("oilet" in c for c in cards)


def test_themes_heatmap_trend_and_filters(app: AppTest) -> None:
    app.switch_page("views/themes.py").run()
    everyone = app.dataframe[0].value
    app.session_state["themes_view"] = "Breakdown heatmap"
    app.run()
    assert not app.exception
    assert not [s for s in app.subheader if re.match(r"T\d+ · ", s.value)]  # only the open tab runs
    app.selectbox(key="breakdown_by").select("age_band").run()
    assert [c.key for c in app.get("plotly_chart")] == ["heatmap"]
    table = app.dataframe[1].value
    assert table.columns[0] == "Theme"
    assert table.columns[-1] == "Differs by group? (chi-square)"
    assert {"16-24", "25-34", "Prefer not to say"} <= set(table.columns)
    cells = table.drop(columns=["Theme", "Differs by group? (chi-square)"]).to_numpy().ravel().tolist()
    assert "suppressed" in cells  # small groups are marked, not shown
    assert any(re.fullmatch(r"\d+% \(\d+ of \d+\)", c) for c in cells)
    assert any("suppressed, fewer than 5 respondents expected" in c.value for c in app.caption)

    app.session_state["themes_view"] = "Trend table"
    app.run()
    trend = app.dataframe[1].value
    assert list(trend.columns)[:2] == ["Theme", "2026-01-19"]  # weeks from the Monday of the first submission
    assert trend.drop(columns=["Theme"]).sum(axis=1).tolist() == [sum(t) for t in everyone["Trend"]]

    # a respondent filter narrows the whole page to Harbour ward
    app.multiselect(key="only|attr_ward").select("Harbour").run()
    assert not app.exception
    harbour = app.dataframe[0].value
    assert harbour["Respondents"].sum() < everyone["Respondents"].sum()
    assert all(
        h <= everyone.set_index("Theme").loc[t, "Respondents"]
        for t, h in zip(harbour["Theme"], harbour["Respondents"], strict=True)
    )
    assert any("Showing the 72 respondents who match the filters" in c.value for c in app.caption)
    app.session_state["themes_view"] = "Breakdown heatmap"
    app.run()
    app.selectbox(key="breakdown_by").select("ward").run()
    assert any(c.value.startswith("Nothing to compare") for c in app.caption)  # one ward left
    app.selectbox(key="breakdown_by").select("respondent_type").run()
    table = app.dataframe[1].value
    cells = table.drop(columns=["Theme", "Differs by group? (chi-square)"]).to_numpy().ravel().tolist()
    assert any(re.fullmatch(r"\d+% \(\d+ of \d+\)", c) for c in cells)  # Harbour's own counts
    assert "suppressed" in cells  # fewer respondents: more cells too small to show


def test_a_blank_attribute_is_a_filter_value_and_the_groups_add_up(app: AppTest, sample_run: Path) -> None:
    app.switch_page("views/themes.py").run()
    respondents = answering(read_run_table(sample_run, "responses"), read_run_table(sample_run, "passages"))
    options = app.multiselect(key="only|attr_q3_how_far_do_you_support_the_draft_plan").options
    assert "Not stated" in options
    kept = []
    for value in options:
        app.multiselect(key="only|attr_q3_how_far_do_you_support_the_draft_plan").set_value([value]).run()
        assert not app.exception
        [shown] = [c.value for c in app.caption if "respondents who match the filters" in c.value]
        kept.append(int(re.findall(r"Showing the (\d+) respondents", shown)[0]))
    assert sum(kept) == respondents["respondent_id"].n_unique()  # every respondent is in exactly one group
    app.session_state["themes_view"] = "Breakdown heatmap"
    app.multiselect(key="only|attr_q3_how_far_do_you_support_the_draft_plan").set_value([]).run()
    app.selectbox(key="breakdown_by").select("q3_how_far_do_you_support_the_draft_plan").run()
    assert "Not stated" in app.dataframe[1].value.columns


def test_trace(app: AppTest) -> None:
    app.switch_page("views/trace.py").run()
    assert not app.exception
    assert app.title[0].value.startswith("Trace")
    labels = [e.label for e in app.expander]
    assert any(label.endswith("Adopted") for label in labels)
    assert any(label.endswith("Not taken up") for label in labels)
    assert len(app.dataframe) == 1
    assert [getattr(b, "label", None) for b in app.get("download_button")] == [
        "Report (Markdown)",
        "Report (HTML)",
        "Report (Word)",
    ]
    assert any(m.label == "Responsiveness" for m in app.metric)


def test_trace_link_review_is_recorded_and_shown(
    workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_copy
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("views/trace.py").run()
    app.sidebar.text_input[0].input("Officer Jones").run()
    reject = next(b for b in app.button if b.key and b.key.startswith("reject|"))
    theme_id, passage_id = str(reject.key).split("|")[1:]
    reject.click().run()
    assert not app.exception
    store = review.store_for(latest_run(workspace, "harbourside-transport") or workspace)
    [entry] = store.audit_log().iter_rows(named=True)
    assert (entry["who"], entry["theme_id"], entry["action"]) == ("Officer Jones", theme_id, "link")
    assert '"rejected"' in entry["after"]
    assert passage_id in entry["after"]
    assert any(c.value == "Link rejected by a reviewer." for c in app.caption)


def test_empty_workspace_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert "throughline analyse" in app.info[0].value


def test_scrutiny(app: AppTest, sample_run: Path) -> None:
    app.switch_page("views/scrutiny.py").run()
    assert not app.exception
    assert app.title[0].value.startswith("Scrutiny")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Responsiveness"].endswith("%")
    # one status per theme
    assert (
        sum(int(metrics.get(label, 0)) for label in STATUS_LABELS.values())
        == read_run_table(sample_run, "themes").height
    )
    assert "Not traced" not in metrics  # only shown when a run has no decision
    assert [s.value for s in app.subheader][:3] == [
        "Largest themes not taken up",
        "Scorecard: public weight against fate",
        "Responsiveness by group",
    ]
    ranked = app.dataframe[0].value
    assert list(ranked["n_respondents"]) == sorted(ranked["n_respondents"], reverse=True)
    app.selectbox(key="scrutiny_attr").select("ward").run()
    assert not app.exception
    assert len(app.dataframe[1].value) >= 2


def test_export(app: AppTest) -> None:
    app.switch_page("views/export.py").run()
    assert not app.exception
    listed = app.dataframe[0].value
    assert "links" in set(listed["table"])
    app.button[0].click().run()
    assert not app.exception
    assert [getattr(b, "label", None) for b in app.get("download_button")] == ["Download the data package (ZIP)"]


def test_themes_rename_merge_and_split_from_the_page(
    workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = workspace_copy
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page("views/themes.py").run()
    app.sidebar.text_input(key="reviewer").input("Officer Patel").run()
    assert not [t for t in app.text_input if t.key and t.key.startswith("rename|")]  # edits open in a dialog
    app.button(key="edit|T03").click().run()
    app.text_input(key="rename|T03").input("Buses after dark").run()
    app.button(key="do-rename|T03").click().run()
    assert not app.exception
    assert any(s.value == "T03 · Buses after dark" for s in app.subheader)
    assert not [t for t in app.text_input if t.key and t.key.startswith("rename|")]  # the dialog closed
    app.button(key="edit|T08").click().run()
    app.multiselect(key="merge|T08").select("T10").run()
    app.button(key="do-merge|T08").click().run()
    assert not app.exception
    headings = [s.value for s in app.subheader]
    assert not any(h.startswith("T10 ·") for h in headings)
    app.button(key="edit|T05").click().run()
    app.button(key="do-split|T05").click().run()
    assert not app.exception
    headings = [s.value for s in app.subheader]
    assert any(h.startswith("T05.1 ·") for h in headings)
    assert any(h.startswith("T05.2 ·") for h in headings)
    log = review.store_for(latest_run(workspace, "harbourside-transport") or workspace).audit_log()
    assert log["action"].to_list() == ["split", "merge", "rename"]
    assert set(log["who"]) == {"Officer Patel"}


def test_bad_input_on_the_page_gets_a_message(
    workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace_copy))
    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page("views/themes.py").run()
    app.button(key="edit|T03").click().run()
    app.text_input(key="rename|T03").input("   ").run()
    app.button(key="do-rename|T03").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == ["A theme needs a name: type one (up to 120 characters)."]
    assert not review.store_for(latest_run(workspace_copy, "harbourside-transport") or workspace_copy).active()
    not_a_folder = tmp_path / "workspace.txt"
    not_a_folder.write_text("")
    for where, said in ((not_a_folder, "is a file, not a workspace folder"), (tmp_path / "none", "does not exist")):
        monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(where))
        page = AppTest.from_file(APP, default_timeout=90)
        page.run()
        assert not page.exception
        assert any(said in m.value for m in [*page.error, *page.info]), said


def test_public_mode_hides_individual_responses_and_editing(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THROUGHLINE_PUBLIC", "1")
    app.switch_page("views/themes.py").run()
    assert not app.exception
    assert not [m for m in app.markdown if m.value.startswith(">")]  # no quotes
    assert not [b for b in app.button if b.key and b.key.startswith(("do-", "edit|"))]  # no editing
    assert not app.get("expander") or not [e for e in app.expander if e.label.startswith("Filter respondents")]
    assert any("Public view" in i.value for i in app.sidebar.info)
    app.switch_page("views/trace.py").run()
    assert not app.exception
    assert not [b for b in app.button if b.key and b.key.startswith(("confirm|", "reject|"))]
    assert not any(c.value.startswith("Closest public passage") for c in app.caption)
    app.switch_page("views/export.py").run()
    listed = dict(app.dataframe[0].value[["table", "rows"]].itertuples(index=False))
    assert listed["responses"] == 0
    assert listed["quotes"] == 0


def test_hostile_text_renders_inert(workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = workspace_copy
    run = latest_run(workspace, "harbourside-transport")
    assert run is not None
    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![x](http://evil.example/p.png) $x$"
    quotes = pl.read_parquet(run / "quotes.parquet")
    quotes.with_columns(text=pl.when(pl.col("rank") == 1).then(pl.lit(hostile)).otherwise("text")).write_parquet(
        run / "quotes.parquet"
    )
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("views/themes.py").run()
    assert not app.exception
    shown = [m.value for m in app.markdown if "onerror" in m.value]
    assert shown
    for value in shown:  # every Markdown control character escaped, so it shows as text
        assert "\\<img" in value
        assert "\\[click\\]\\(javascript" in value
        assert not re.search(r"(?<!\\)\]\(", value)  # no live link or image syntax left
        assert "\\!\\[x\\]" in value


def test_runs_lists_and_compares(workspace_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace = workspace_copy
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("views/runs.py").run()
    assert not app.exception
    assert len(app.dataframe[0].value) == 1
    assert any("one run" in i.value for i in app.info)
    run = latest_run(workspace, "harbourside-transport")
    assert run is not None
    shutil.copytree(run, run.parent / "29990101T000000Z-copy")  # a second (identical) run
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("views/runs.py").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["New responses"] == "0"
    assert metrics["Status changed"] == "0"
    assert set(app.dataframe[1].value["change"]) == {"same"}


def test_explore_by_words_by_meaning_and_a_whole_response(app: AppTest) -> None:
    app.switch_page("views/explore.py").run()
    assert not app.exception
    everything = len(app.dataframe[0].value)
    app.text_input(key="explore_query").input("toilets").run()
    found = app.dataframe[0].value
    assert 0 < len(found) < everything
    assert all("toilet" in text.lower() for text in found["text"])
    app.toggle(key="explore_meaning").set_value(True).run()
    assert not app.exception
    ranked = app.dataframe[0].value
    assert list(ranked["similarity"]) == sorted(ranked["similarity"], reverse=True)
    assert "toilet" in ranked["text"].iloc[0].lower()
    app.multiselect(key="explore_stage").select("decision").run()
    assert set(app.dataframe[0].value["stage"]) == {"decision"}
    app.multiselect(key="explore_stage").unselect("decision").run()
    app.toggle(key="explore_meaning").set_value(False).run()
    first = app.dataframe[0].value["response_id"].dropna().iloc[0]
    app.selectbox(key="explore_response").select(first).run()
    assert not app.exception
    assert any(m.value.startswith(f"**{first.replace('-', chr(92) + '-')}**") for m in app.markdown)


def _without_documents(workspace: Path, monkeypatch: pytest.MonkeyPatch, *stages: str) -> AppTest:
    """The app over the sample's run rewritten as if its documents at ``stages`` had not been given."""
    run = latest_run(workspace, "harbourside-transport")
    assert run is not None
    passages = read_run_table(run, "passages")
    kept = ~((pl.col("kind") == "section") & pl.col("stage").is_in(stages))
    np.save(run / VECTORS_FILE, np.load(run / VECTORS_FILE)[passages.select(kept).to_series().to_numpy()])
    passages = passages.filter(kept)
    links = read_run_table(run, "links").filter(~pl.col("stage").is_in(stages))
    status = theme_status(read_run_table(run, "themes"), links, 0.6, stages=document_stages(passages))
    for name, frame in (("passages", passages), ("links", links), ("theme_status", status)):
        frame.write_parquet(run / f"{name}.parquet")
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    return AppTest.from_file(APP, default_timeout=60)


def test_a_run_without_options_or_decision_says_why_on_every_page(
    workspace_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _without_documents(workspace_copy, monkeypatch, "options", "decision")
    app.run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert "Responsiveness" not in metrics
    assert metrics["Not traced"] == metrics["Themes"]
    assert "Not taken up" not in metrics
    assert NO_DOCUMENTS in [i.value for i in app.info]

    app.switch_page("views/trace.py").run()
    assert not app.exception
    assert [i.value for i in app.info] == [NO_DOCUMENTS]
    assert not [m for m in app.metric if m.label == "Responsiveness"]
    assert not app.get("plotly_chart")  # no options: no theme → option → outcome flow to draw
    assert all(label.endswith("Not traced") for label in (e.label for e in app.expander))
    captions = [c.value for c in app.caption]
    assert "No options paper was given." in captions
    assert "No decision was given." in captions
    assert not [m for m in app.markdown if "confidence" in m.value]

    app.switch_page("views/scrutiny.py").run()
    assert not app.exception
    assert NO_DOCUMENTS in [i.value for i in app.info]
    assert not [m for m in app.metric if m.label == "Responsiveness"]
    assert "Largest themes not taken up" not in [s.value for s in app.subheader]
    assert f"Not computed: {NO_DOCUMENTS}" in [c.value for c in app.caption]


def test_options_without_a_decision_are_linked_but_give_no_outcome(
    workspace_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _without_documents(workspace_copy, monkeypatch, "decision")
    app.switch_page("views/trace.py").run()
    assert not app.exception
    assert [i.value for i in app.info] == [NO_DECISION]
    assert len(app.get("plotly_chart")) == 1  # theme → option still drawn
    assert any(c.value.startswith("Left: themes") and "no decision was given" in c.value for c in app.caption)
    assert "No decision was given." in [c.value for c in app.caption]
    reasons = [m.value for m in app.markdown if m.value.startswith("**Not traced**")]
    assert any("it reached the options" in r for r in reasons)


def test_options_are_renamed_and_links_to_them_rejected_from_the_page(
    workspace_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace_copy))
    app = AppTest.from_file(APP, default_timeout=90)
    app.switch_page("views/options.py").run()
    app.sidebar.text_input(key="reviewer").input("Officer Khan").run()
    app.text_input(key="option-title|O7").input("Evening and Sunday buses")  # a form: submitted with its button
    app.button(key="do-option|O7").click().run()
    assert not app.exception
    assert any("O7 · Evening and Sunday buses" in e.label for e in app.expander)
    run = latest_run(workspace_copy, "harbourside-transport") or workspace_copy
    linked = review.open_run(run).tables["response_options"].filter(pl.col("option_id") == "O7")
    response = str(linked["response_id"][0])
    app.text_input(key="attribution-response|O7").input(response)
    app.radio(key="attribution-verdict|O7").set_value("rejected")
    app.button(key="do-attribution|O7").click().run()
    assert not app.exception
    app.text_input(key="attribution-response|O7").input("no-such-response")
    app.button(key="do-attribution|O7").click().run()
    assert any("no response 'no-such-response'" in e.value for e in app.error)
    log = review.store_for(run).audit_log()
    assert log["action"].to_list() == ["attribution", "option"]
    assert set(log["who"]) == {"Officer Khan"}
    after = review.open_run(run).tables["response_options"]
    assert after.filter((pl.col("option_id") == "O7") & (pl.col("response_id") == response)).is_empty()


def test_analysts_teach_the_codebook_on_the_coding_page(
    coded_sample_run: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = coded_sample_run
    workspace = run.parent.parent.parent
    monkeypatch.setenv("THROUGHLINE_WORKSPACE", str(workspace))
    app = AppTest.from_file(APP, default_timeout=120)
    app.switch_page("views/coding.py").run()
    assert not app.exception
    app.sidebar.text_input(key="reviewer").input("Analyst Rao").run()
    offered = [m for m in app.multiselect if m.key and m.key.startswith("codes|")]
    assert len(offered) == 8
    offered[-1].set_value(["Evening buses"])  # the last is one of the random draws
    app.button(key="save|7").click().run()
    assert not app.exception
    store = review.store_for(run)
    [entry] = [r for r in store.active() if r.kind == "code"]
    assert entry.value["codes"] == ["Evening buses"]
    assert entry.value["at_random"] is True
    assert store.audit_log()["who"].to_list() == ["Analyst Rao"]
    agreement = {m.label: m.value for m in app.metric}["Agreement with you (random draws)"]
    assert agreement in ("0%", "100%")
