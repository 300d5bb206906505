"""The whole flow on the bundled sample, checked against its answer key."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.evaluate import load_key, score_against_key
from pipeline.schema import TABLES
from pipeline.store import read_manifest, read_run_table

pytestmark = pytest.mark.slow


def test_every_planted_theme_found_and_statuses_match(sample_run: Path, sample_dir: Path) -> None:
    result = score_against_key(
        load_key(sample_dir / "answer_key.toml"),
        read_run_table(sample_run, "assignments"),
        read_run_table(sample_run, "theme_status"),
    )
    missing = result.filter(~pl.col("found"))["planted"].to_list()
    assert not missing, f"planted themes not found: {missing}"
    assert result["status_matches"].all(), result.select("planted", "expected_status", "status")


def test_run_folder_honours_the_data_contract(sample_run: Path) -> None:
    present = {p.stem for p in sample_run.glob("*.parquet")}
    assert set(TABLES) <= present
    assert not list(sample_run.glob("_*"))
    assert not list(sample_run.glob(".*"))
    for name, schema in TABLES.items():
        table = read_run_table(sample_run, name)
        assert dict(list(table.schema.items())[: len(schema)]) == schema, name
    assert (sample_run.parent.parent / "latest").read_text().strip() == sample_run.name


def test_manifest_accounts_for_every_row(sample_run: Path) -> None:
    manifest = read_manifest(sample_run)
    total = manifest["accounting"]["total"]
    assert manifest["accounting"]["reconciles"]
    assert total["rows_read"] == 367 + 80 + 13 + 13
    assert total["rows_rejected"] == read_run_table(sample_run, "rejects").height == 5
    assert manifest["models"]["embedding"]["weights_sha256"].startswith("53aa5117")
    assert set(manifest["timings_s"]) == {"ingest", "prepare", "embed", "themes", "trace", "report"}
    peaks = list(manifest["peak_rss_mb"].values())  # the high-water mark after each step, in order
    assert list(manifest["peak_rss_mb"]) == list(manifest["timings_s"])
    assert peaks == sorted(peaks)
    assert 300 < peaks[-1] < 8000
    assert len(manifest["inputs"]) == 4
    responses = read_run_table(sample_run, "responses")
    assert responses.height == manifest["counts"]["responses"] == 362 + 64


def test_themes_are_sized_in_respondents_with_verbatim_quotes(sample_run: Path) -> None:
    themes = read_run_table(sample_run, "themes")
    assert 8 <= themes.height <= 20
    assert themes["n_respondents"].to_list() == sorted(themes["n_respondents"].to_list(), reverse=True)
    assert (themes["n_respondents"] <= themes["n_passages"]).all()
    quotes = read_run_table(sample_run, "quotes").join(
        read_run_table(sample_run, "passages"), on="passage_id", suffix="_passage"
    )
    assert (quotes["text"] == quotes["text_passage"]).all()
    assert (quotes["response_id"] == quotes["response_id_passage"]).all()
    per_theme = quotes.group_by("theme_id").len()["len"].to_list()
    assert min(per_theme) >= 3


def test_officers_are_not_counted_as_the_public(sample_run: Path) -> None:
    assignments = read_run_table(sample_run, "assignments")
    responses = read_run_table(sample_run, "responses")
    officials = responses.filter(pl.col("speaker_role").is_in(["chair", "officer"]))["response_id"]
    assert officials.len() > 0
    assert not assignments["response_id"].is_in(officials.implode()).any()


def test_every_link_has_evidence_on_both_sides(sample_run: Path) -> None:
    links = read_run_table(sample_run, "links")
    assert links.height > 0
    assert links.select(pl.col("text", "evidence_text").is_null().any()).row(0) == (False, False)
    threshold = read_manifest(sample_run)["config"]["resolved"]["analysis"]["link_threshold"]
    semantic = links.filter(pl.col("method").str.contains("semantic"))
    assert (semantic["score"] >= threshold).all()
    assert (links.filter(~pl.col("linked"))["score"] < threshold).all()


# Every piece of personal data planted in the sample (scripts/sample_text.py) and the residents'
# speaker labels of the public meeting.
PLANTED_PII = [
    "07700 900123",
    "Margaret Thornton",
    "j.thornton@example.co.uk",
    "14 Fore Street",
    "HB1 4QT",
    "David Okafor",
    "27 Bridge Street",
    "01632 960 555",
    "sam.patel99@example.com",
    "HB2 7LX",
    "3 Albert Road",
    "HB1 2EJ",
    "Helen Price",
    "7700 900456",
    "9 Harbour Way",
    "HB3 1AA",
    "priya.nair@example.org",
    "Resident (Pauline)",
    "Resident (Grace)",
    "Resident (Derek)",
]


def test_no_planted_personal_data_anywhere_in_the_run(sample_run: Path, sample_workspace: Path) -> None:
    files = [
        p for p in sample_workspace.rglob("*") if p.is_file() and ".cache" not in p.parts and ".prefect" not in p.parts
    ]
    assert any(p.suffix == ".parquet" for p in files)
    leaks = []
    for path in files:
        if path.suffix == ".parquet":
            table = pl.read_parquet(path)
            text = "\n".join(str(v) for column in table.columns for v in table[column].to_list())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        leaks += [(path.name, pii) for pii in PLANTED_PII if pii in text]
    assert not leaks
    manifest = read_manifest(sample_run)
    assert manifest["redactions"]["EMAIL_ADDRESS"] == 3
    assert manifest["redactions"]["PERSON"] >= 10


def test_the_planted_campaign_is_one_group_of_46(sample_run: Path, sample_dir: Path) -> None:
    campaigns = read_run_table(sample_run, "campaigns").filter(pl.col("kind") == "campaign")
    assert campaigns["n_members"].to_list() == [46]
    survey = pl.read_csv(sample_dir / "survey-responses.csv", infer_schema=False)
    letters = survey.filter(
        pl.col("Q5 Any other comments?").str.contains("Friends of Harbourside Market", literal=True)
    )
    assert sorted(campaigns["member_ids"][0].to_list()) == sorted(letters["Response ID"].to_list())
    themes = read_run_table(sample_run, "assignments").join(
        read_run_table(sample_run, "responses").select("response_id", "campaign_id"), on="response_id"
    )
    members_in_theme = themes.filter(pl.col("campaign_id") == campaigns["campaign_id"][0])["response_id"].n_unique()
    assert members_in_theme == 46  # fitted on one representative, every member counted


def test_a_second_cold_run_gives_identical_tables(sample_run: Path, tmp_path: Path) -> None:
    from flows.analyse import analyse

    again = analyse(
        Path(__file__).resolve().parents[2] / "examples" / "harbourside-transport" / "consultation.toml",
        tmp_path / "workspace",
    )
    for name in TABLES:
        assert read_run_table(again, name).equals(read_run_table(sample_run, name)), name


def test_themes_hold_under_noise_and_nothing_but_substance_is_themed(sample_run: Path) -> None:
    manifest = read_manifest(sample_run)
    assert manifest["themes"]["stability"]["method"] == "deterministic"
    assert manifest["themes"]["stability"]["ari"] == 1.0  # a refit on vectors moved by 1e-6: the same themes
    aside = read_run_table(sample_run, "set_aside")
    assert manifest["counts"]["passages_set_aside"] == aside.height > 0
    assert set(aside["category"]) <= {
        "thanks",
        "greeting",
        "introduction",
        "procedure",
        "attachment",
        "no_comment",
        "filler",
    }
    themed = read_run_table(sample_run, "assignments")["passage_id"].to_list()
    assert not set(aside["passage_id"].to_list()) & set(themed)
    texts = read_run_table(sample_run, "passages").filter(pl.col("passage_id").is_in(aside["passage_id"].to_list()))
    assert "n/a" in [t.lower() for t in texts["text"].to_list()]
