"""Theme quality on the bundled sample: labels, hierarchy, outliers, breakdowns, stability, guided coding."""

import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.evaluate import load_key, score_against_key
from pipeline.store import read_manifest, read_run_table

pytestmark = pytest.mark.slow

STOP = {"the", "and", "of", "to", "a", "in", "is", "it", "for", "on", "that", "this", "be", "are"}


def test_labels_are_short_noun_phrases_not_stop_word_soup(sample_run: Path) -> None:
    themes = read_run_table(sample_run, "themes")
    labels = themes["label"].to_list()
    assert len(set(labels)) == len(labels)
    for label in labels:
        words = label.lower().split()
        assert 1 <= len(words) <= 5, label
        assert words[0] not in STOP, label
        assert words[-1] not in STOP, label
        assert not re.search(r"\d+_", label), label
    # what an analyst would call the planted themes (allowing the model its wording)
    text = " | ".join(labels).lower()
    for expected in ("toilet", "bus", "parking", "cycl", "school", "speed"):  # "cycle" or "cycling"
        assert expected in text, (expected, labels)
    assert (themes["keywords"].list.len() >= 1).all()


def test_parents_fold_every_theme(sample_run: Path) -> None:
    themes = read_run_table(sample_run, "themes")
    groups = read_run_table(sample_run, "theme_groups")
    assert 2 <= groups.height < themes.height
    assert sorted(groups["theme_ids"].explode().to_list()) == sorted(themes["theme_id"].to_list())
    assert themes["parent_id"].is_in(groups["parent_id"].to_list()).all()
    # a parent holds at least as many respondents as its largest child, at most all of them
    for row in groups.iter_rows(named=True):
        children = themes.filter(pl.col("theme_id").is_in(row["theme_ids"]))
        assert children["n_respondents"].max() <= row["n_respondents"] <= children["n_respondents"].sum()
    assert groups["label"].n_unique() == groups.height


def test_few_respondents_left_unthemed_and_the_threshold_is_recorded(sample_run: Path) -> None:
    manifest = read_manifest(sample_run)
    outliers = manifest["themes"]["outliers"]
    assert outliers["unthemed"] <= 0.10 * manifest["counts"]["passages"]
    assert outliers["floor"] == 0.25  # the join threshold of dissolved small clusters, as configured
    public = manifest["counts"]["responses"] - manifest["counts"]["responses_other_language"]
    assert manifest["counts"]["responses_unthemed"] / public <= 0.10 + 0.02  # a margin for set-aside respondents
    stability = manifest["themes"]["stability"]
    assert stability["method"] == "deterministic"
    assert stability["mean_ari"] == 1.0


def test_breakdowns_by_every_attribute_with_suppression(sample_run: Path) -> None:
    table = read_run_table(sample_run, "breakdowns")
    attributes = set(table["attribute"])
    assert {"respondent_type", "ward", "age_band", "question", "channel"} <= attributes
    assert any(a.startswith("q1_how_do_you_usually_travel") for a in attributes)  # closed questions too
    small = table.filter(pl.col("expected") < 5)
    assert small["suppressed"].all()
    assert small["share"].is_null().all()
    shown = table.filter(~pl.col("suppressed"))
    assert (shown["share"] - shown["n_theme"] / shown["n_group"]).abs().max() < 1e-12  # type: ignore[operator]
    assert shown["p_value"].drop_nulls().is_between(0, 1).all()
    themes = read_run_table(sample_run, "themes")
    assert themes["sentiment"].is_between(-1, 1).all()
    assert themes["share_negative"].is_between(0, 1).all()


def test_a_codebook_codes_its_themes_and_discovers_the_rest(
    sample_dir: Path, tmp_path: Path, prefect_harness: None
) -> None:
    from flows.analyse import analyse

    folder = tmp_path / "guided"
    shutil.copytree(sample_dir, folder)
    config = folder / "consultation.toml"
    config.write_text(
        config.read_text()
        + """
[[codebook]]
name = "Public toilets"
description = "Public toilets and places to sit in the town centre."

[[codebook]]
name = "Evening and Sunday buses"
description = "Bus services in the evening and on Sundays, bus frequency."
examples = ["There is no bus home after six in the evening.", "We need buses on a Sunday."]
""",
        encoding="utf-8",
    )
    run = analyse(config, tmp_path / "workspace")
    themes = read_run_table(run, "themes")
    coded = themes.filter(pl.col("origin") == "codebook")
    assert sorted(coded["label"].to_list()) == ["Evening and Sunday buses", "Public toilets"]
    assert themes.filter(pl.col("origin") == "discovered").height >= 5
    result = score_against_key(
        load_key(sample_dir / "answer_key.toml"),
        read_run_table(run, "assignments"),
        read_run_table(run, "theme_status"),
    )
    found = dict(zip(result["planted"], result["theme_id"], strict=True))
    label_of = dict(zip(themes["theme_id"], themes["label"], strict=True))
    assert label_of[found["toilets_seating"]] == "Public toilets"
    assert label_of[found["buses"]] == "Evening and Sunday buses"
    assert result["found"].mean() >= 0.8  # type: ignore[operator]
    assert read_manifest(run)["themes"]["codebook_themes"] == 2


def test_a_codebook_with_enough_examples_is_learnt_and_says_how_well(
    sample_dir: Path, tmp_path: Path, prefect_harness: None
) -> None:
    from flows.analyse import analyse

    folder = tmp_path / "learnt"
    shutil.copytree(sample_dir, folder)
    config = folder / "consultation.toml"
    toilets = [
        "The public toilets are always locked.",
        "Please reopen the toilets by the harbour.",
        "There is nowhere to sit down in the town centre.",
        "More benches and clean toilets for older visitors.",
        "The toilets at the bus station are filthy.",
        "We need seating and public toilets in the square.",
    ]
    buses = [
        "There is no bus home after six in the evening.",
        "We need buses on a Sunday.",
        "The last bus leaves far too early.",
        "Evening buses would let me work late.",
        "Buses every hour on Sundays at least.",
        "I cannot get home from the theatre without a bus.",
    ]
    config.write_text(
        config.read_text()
        + f"""
[[codebook]]
name = "Public toilets"
description = "Public toilets and places to sit in the town centre."
examples = {toilets!r}

[[codebook]]
name = "Evening and Sunday buses"
description = "Bus services in the evening and on Sundays, bus frequency."
examples = {buses!r}
""".replace("'", '"'),
        encoding="utf-8",
    )
    run = analyse(config, tmp_path / "workspace")
    coding = read_manifest(run)["themes"]["coding"]
    assert [c["method"] for c in coding] == ["classifier", "classifier"]
    assert all(0.0 <= c["precision"] <= 1.0 and 0.0 <= c["recall"] <= 1.0 for c in coding)
    themes = read_run_table(run, "themes")
    coded = themes.filter(pl.col("origin") == "codebook")
    assert sorted(coded["label"].to_list()) == ["Evening and Sunday buses", "Public toilets"]
    assert themes.filter(pl.col("origin") == "discovered").height >= 5  # the rest is still discovered
    result = score_against_key(
        load_key(sample_dir / "answer_key.toml"),
        read_run_table(run, "assignments"),
        read_run_table(run, "theme_status"),
    )
    found = dict(zip(result["planted"], result["theme_id"], strict=True))
    label_of = dict(zip(themes["theme_id"], themes["label"], strict=True))
    assert label_of[found["buses"]] == "Evening and Sunday buses"


def test_imported_coded_responses_teach_the_next_analysis(
    sample_dir: Path, tmp_path: Path, prefect_harness: None
) -> None:
    from typer.testing import CliRunner

    from flows.analyse import analyse
    from flows.cli import app

    folder = tmp_path / "imported"
    shutil.copytree(sample_dir, folder)
    config = folder / "consultation.toml"
    config.write_text(
        config.read_text()
        + """
[[codebook]]
name = "Public toilets"
description = "Public toilets and places to sit in the town centre."

[[codebook]]
name = "Evening and Sunday buses"
description = "Bus services in the evening and on Sundays, bus frequency."
""",
        encoding="utf-8",
    )
    workspace = tmp_path / "workspace"
    first = analyse(config, workspace)
    assert [c["method"] for c in read_manifest(first)["themes"]["coding"]] == ["prototype", "prototype"]
    coded = tmp_path / "coded.csv"
    rows = [
        ("The public toilets are always locked.", "Public toilets"),
        ("Please reopen the toilets by the harbour.", "Public toilets"),
        ("There is nowhere to sit down in the town centre.", "Public toilets"),
        ("More benches and clean toilets for older visitors.", "Public toilets"),
        ("The toilets at the bus station are filthy.", "Public toilets; Evening and Sunday buses"),
        ("There is no bus home after six in the evening.", "Evening and Sunday buses"),
        ("We need buses on a Sunday.", "Evening and Sunday buses"),
        ("The last bus leaves far too early.", "Evening and Sunday buses"),
        ("Evening buses would let me work late.", "Evening and Sunday buses"),
        ("Seating by the harbour, please.", "Public toilets"),
        ("A Sunday bus to the coast.", "Evening and Sunday buses"),
    ]
    pl.DataFrame(rows, schema=["comment", "code"], orient="row").write_csv(coded)
    bad = tmp_path / "bad.csv"
    pl.DataFrame([("Fine", "Parking"), ("", "Public toilets")], schema=["comment", "code"], orient="row").write_csv(bad)
    runner = CliRunner()
    args = ["review", "codes", "--text", "comment", "--codes", "code", "--separator", ";", "-w", str(workspace)]
    refused = runner.invoke(app, [*args[:2], str(bad), *args[2:]], env={"COLUMNS": "300"})
    assert refused.exit_code == 2
    assert "row 2, column 'code': not in the codebook: ['Parking']" in refused.output
    assert "row 3, column 'comment': no text" in refused.output
    result = runner.invoke(app, [*args[:2], str(coded), *args[2:]])
    assert result.exit_code == 0, result.output
    assert "recorded 11 coded examples" in result.output
    again = analyse(config, workspace)
    coding = {c["name"]: c for c in read_manifest(again)["themes"]["coding"]}
    assert coding["Public toilets"]["method"] == "classifier"
    assert (coding["Public toilets"]["examples"], coding["Evening and Sunday buses"]["examples"]) == (6, 6)
    assert "themes" not in read_manifest(again)["reused_steps"]  # new examples: the themes are fitted again
    # Tone scores imported beside the codes: with 20 or more the tone is learnt, not VADER's
    toned = tmp_path / "toned.csv"
    praise = [f"The driver on route {i} was lovely and helpful." for i in range(11)]
    complaints = [f"Route {i} never turns up and I am fed up." for i in range(11)]
    pl.DataFrame({"comment": praise + complaints, "code": [""] * 22, "score": [5] * 11 + [-5] * 11}).write_csv(toned)
    result = runner.invoke(app, [*args[:2], str(toned), *args[2:], "--tone", "score"])
    assert result.exit_code == 0, result.output
    assert "recorded 22 coded examples (22 with a tone score)" in result.output
    toned_run = analyse(config, workspace)
    tone = read_run_table(toned_run, "tone")
    assert set(tone["method"].to_list()) == {"learnt from 22 examples"}
    assert tone["sentiment"].is_between(-1.0, 1.0).all()
    themed = set(read_run_table(toned_run, "assignments")["passage_id"].to_list())
    assert themed <= set(tone["passage_id"].to_list())  # every themed passage has its tone
