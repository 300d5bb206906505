"""Every dataset in ../shared/data ingested with auto-detected formats; counts must reconcile."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Source
from pipeline.ingest import Ingested, ingest_source
from pipeline.prepare import with_language

pytestmark = pytest.mark.realdata


def ingest(path: Path, kind: str = "responses", **spec: object) -> Ingested:
    got = ingest_source(Source.model_validate({"path": path, "kind": kind, "stage": "problem", **spec}), "src")
    assert got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged, path
    return got


def csv_rows(path: Path, separator: str = ",") -> int:
    return pl.read_csv(path, infer_schema=False, separator=separator).height


def test_regulations_gov_docket(shared_data: Path) -> None:
    csv = shared_data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv"
    got = ingest(csv)
    assert got.format == "regulations-gov"
    assert got.rows_read == csv_rows(csv) == 983  # 982 public comments and the docket's own notice
    reasons = dict(got.rejects.group_by("reason").len().iter_rows())
    assert reasons["no inline text: the comment is in an attachment"] > 300  # "See attached file(s)"
    assert got.responses.height > 600
    assert "CMS-2025-0050-0031" in got.rejects["record_id"].to_list()  # the notice has no inline comment
    assert {"attr_category", "attr_state_province", "attr_organization_name"} <= set(got.responses.columns)
    assert not any("name" in c and "organization" not in c for c in got.responses.columns)


def test_nhs_friends_and_family_feedback(shared_data: Path) -> None:
    csv = shared_data / "nhs-fft-phase1" / "text_data.csv"
    got = ingest(csv, id="row_index", text=["feedback"], attributes=["organization", "question", "label"])
    assert got.format == "csv"
    assert got.rows_read == csv_rows(csv) == 10_334
    assert got.responses.height > 10_000


@pytest.mark.parametrize(
    "conversation",
    ["american-assembly.bowling-green", "march-on.operation-marchin-orders", "bg2050-volunteers", "vtaiwan.uberx"],
)
def test_polis_conversations(shared_data: Path, conversation: str) -> None:
    csv = shared_data / "polis" / conversation / "comments.csv"
    got = ingest(csv)
    assert got.format == "polis"
    assert got.rows_read == csv_rows(csv)
    moderated_out = pl.read_csv(csv, infer_schema=False).filter(pl.col("moderated") == "-1").height
    assert got.responses.filter(pl.col("flag") == "moderated out").height == moderated_out
    assert {"attr_agrees", "attr_disagrees", "attr_moderated"} <= set(got.responses.columns)


def test_polis_taiwan_is_flagged_chinese(shared_data: Path) -> None:
    got = ingest(shared_data / "polis" / "vtaiwan.uberx" / "comments.csv")
    languages = with_language(got.responses)["language"].value_counts().sort("count", descending=True)
    assert languages["language"][0] == "zh"


def test_qmsum_committee_transcripts(shared_data: Path) -> None:
    files = sorted((shared_data / "qmsum-committee" / "data" / "Committee" / "all").glob("*.json"))
    assert len(files) == 36
    for path in files:
        got = ingest(path, "transcript")
        assert got.format == "turns-json"
        assert got.responses.height > 10, path.name
        assert got.responses["speaker"].n_unique() > 2, path.name


def test_decidim_projects_and_result_comments(shared_data: Path) -> None:
    folder = shared_data / "decidim-barcelona-pb"
    projects_csv = folder / "www.decidim.barcelona-open-data-projects.csv"
    projects = ingest(projects_csv)
    assert projects.format == "decidim"
    assert projects.rows_read == csv_rows(projects_csv, ";") == 220
    assert not projects.responses["text"].str.contains("<p>").any()
    assert "attr_related_proposals" in projects.responses.columns
    as_documents = ingest(projects_csv, "document")
    assert as_documents.blocks.height + as_documents.rejects.height == 220
    comments_csv = folder / "www.decidim.barcelona-open-data-result_comments.csv"
    comments = ingest(comments_csv)
    assert comments.rows_read == csv_rows(comments_csv, ";") == 87
    assert set(comments.responses["attr_alignment"]) <= {"1", "0", "-1"}
    assert "attr_author_name" not in comments.responses.columns


def test_regulations_gov_form_letters(shared_data: Path) -> None:
    from pipeline.prepare.campaigns import campaigns

    got = ingest(shared_data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv")
    table, _ = campaigns(got.responses)
    form_letters = table.filter(pl.col("kind") == "campaign")
    assert form_letters.height >= 1
    assert max(form_letters["n_members"].to_list()) >= 20  # one form letter sent by 21 people
    assert table.filter(pl.col("kind") == "duplicates").height >= 5
