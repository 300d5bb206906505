"""``throughline eval`` on a small human-coded set made from the sample's answer key, and the NHS file."""

import json
import tomllib
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from pipeline.theme_eval import load_coded, load_eval_spec

runner = CliRunner()


def _coded_sample(sample_dir: Path, folder: Path) -> tuple[Path, int]:
    """The sample's planted responses as a coded CSV (all free-text answers joined) and its spec."""
    key = tomllib.loads((sample_dir / "answer_key.toml").read_text())["themes"]
    code_of = {rid: name for name, spec in key.items() for rid in spec["responses"]}
    survey = pl.read_csv(sample_dir / "survey-responses.csv", infer_schema=False)
    answers = [c for c in survey.columns if c[:2] in ("Q2", "Q4", "Q5")]
    coded = survey.filter(pl.col("Response ID").is_in(list(code_of))).select(
        text=pl.concat_str([pl.col(c).fill_null("") for c in answers], separator=" ").str.strip_chars(),
        theme=pl.col("Response ID").replace_strict(code_of),
    )
    coded.write_csv(folder / "coded.csv")
    book = "\n".join(
        f'[[guided.codebook]]\nname = "{name}"\ndescription = "{spec["label"]}"\n' for name, spec in key.items()
    )
    spec = folder / "eval.toml"
    spec.write_text(
        '[dataset]\nname = "Harbourside planted themes"\npath = "coded.csv"\ntext = "text"\n'
        'levels = ["theme"]\n[guided]\nlevel = "theme"\nexamples_per_code = 5\n' + book,
        encoding="utf-8",
    )
    return spec, coded.filter(pl.col("text") != "").height


@pytest.mark.slow
def test_eval_scores_themes_against_the_planted_codes(sample_dir: Path, tmp_path: Path) -> None:
    spec, rows = _coded_sample(sample_dir, tmp_path)
    out = tmp_path / "results.json"
    result = runner.invoke(app, ["eval", str(spec), "--workspace", str(tmp_path / "ws"), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "| Throughline themes | theme |" in result.output
    assert "| BERTopic defaults | theme |" in result.output
    figures = json.loads(out.read_text())
    ours = figures["discovery"]["throughline"]["theme"]
    plain = figures["discovery"]["bertopic_defaults"]["theme"]
    assert figures["comments"] == rows > 200
    assert ours["nmi"] >= 0.6
    assert ours["unthemed_share"] <= 0.10
    assert ours["nmi"] > plain["nmi"]
    assert figures["discovery"]["stability"]["throughline"]["mean_ari"] == 1.0  # vectors moved by 1e-6
    assert len(figures["discovery"]["stability"]["bertopic_defaults"]["ari"]) == 2  # two other seeds
    guided = figures["guided"]
    assert guided["descriptions_and_examples/forced"]["micro_f1"] >= 0.7
    low, high = guided["descriptions/forced"]["micro_f1_ci"]
    assert low <= guided["descriptions/forced"]["micro_f1"] <= high
    assert guided["descriptions_and_examples/forced"]["comments"] == rows - 10 * 5  # examples held out
    baseline = guided["bertopic_zeroshot/defaults"]
    assert baseline["comments"] == rows - 10 * 5  # every method scored on the same held-out comments
    assert baseline["micro_f1"] < guided["descriptions/forced"]["micro_f1"]
    assert "| BERTopic zero-shot: descriptions | defaults (threshold 0.70) |" in result.output
    # learnt from the same 5 examples per code: at least as good as a plain logistic regression
    learnt, plain_lr = guided["classifier/forced"], guided["logistic_regression/same_examples"]
    assert learnt["comments"] == plain_lr["comments"] == rows - 10 * 5
    assert learnt["micro_f1"] >= plain_lr["micro_f1"]
    assert {c["method"] for c in guided["classifier_codes"]} == {"classifier"}
    assert all(0 <= c["precision"] <= 1 for c in guided["classifier_codes"])


@pytest.mark.slow
def test_eval_runs_one_part_and_writes_it(sample_dir: Path, tmp_path: Path) -> None:
    spec, rows = _coded_sample(sample_dir, tmp_path)
    out = tmp_path / "results.json"
    args = ["eval", str(spec), "-w", str(tmp_path / "ws"), "--output", str(out), "--part", "coding"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert "discovery" not in figures
    assert figures["guided"]["classifier/as_configured"]["comments"] == rows - 10 * 5
    assert "Throughline classifier: 5 examples per code" in result.output


def test_eval_refuses_a_file_without_its_columns(tmp_path: Path) -> None:
    (tmp_path / "coded.csv").write_text("comment,code\nhello,a\n")
    spec = tmp_path / "eval.toml"
    spec.write_text('[dataset]\nname = "x"\npath = "coded.csv"\ntext = "text"\nlevels = ["code"]\n')
    result = runner.invoke(app, ["eval", str(spec), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 2
    assert "coded.csv: missing columns ['text']" in " ".join(result.output.split())


@pytest.mark.realdata
def test_the_nhs_evaluation_file_reads_the_shared_data(shared_data: Path) -> None:
    spec = load_eval_spec(Path(__file__).resolve().parents[2] / "evaluation" / "nhs-fft.toml")
    coded = load_coded(spec)
    assert coded.height == 10_334
    assert coded["label"].n_unique() == 9
    assert coded["subcategory"].n_unique() == 44
    assert spec.guided is not None
    assert set(coded["label"]) == {c.name for c in spec.guided.codebook}
