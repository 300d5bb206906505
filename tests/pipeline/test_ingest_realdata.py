"""Ingest of real public exports in ../shared/data (skipped when absent)."""

from pathlib import Path

import polars as pl
import pytest

from pipeline.config import Source
from pipeline.ingest import ingest_source

pytestmark = pytest.mark.realdata


def source(path: Path, **spec: object) -> Source:
    return Source.model_validate({"path": path, "kind": "responses", "stage": "problem", **spec})


def assert_reconciles(got, csv: Path) -> None:  # type: ignore[no-untyped-def]
    expected_rows = pl.read_csv(csv, infer_schema=False).height
    assert got.rows_read == expected_rows
    assert got.rows_read == got.rows_analysed + got.rows_rejected + got.rows_merged


def test_regulations_gov_docket(shared_data: Path) -> None:
    csv = shared_data / "regulations-gov-cms-2025-0050" / "CMS-2025-0050-0031.csv"
    got = ingest_source(
        source(
            csv,
            id="Document ID",
            text=["Comment"],
            date="Posted Date",
            attributes=["Category", "State/Province", "Organization Name"],
        ),
        "cms",
    )
    assert_reconciles(got, csv)
    assert got.rows_read == 983  # 982 public comments and the docket's own notice
    # The docket's own notice is the first row and carries no comment.
    first = got.rejects.filter(pl.col("record_id") == "CMS-2025-0050-0031")
    assert first.select("row", "reason").rows() == [(2, "no free-text answer")]
    assert got.responses.height > 900
    assert {"attr_category", "attr_state_province", "attr_organization_name"} <= set(got.responses.columns)


def test_nhs_friends_and_family_feedback(shared_data: Path) -> None:
    csv = shared_data / "nhs-fft-phase1" / "text_data.csv"
    got = ingest_source(source(csv, id="row_index", text=["feedback"], attributes=["organization", "question"]), "fft")
    assert_reconciles(got, csv)
    assert got.responses.height > 10_000


def test_polis_comments_newer_variant(shared_data: Path) -> None:
    csv = shared_data / "polis" / "bg2050-volunteers" / "comments.csv"
    got = ingest_source(source(csv, id="comment-id", text=["comment-body"], attributes=["moderated", "agrees"]), "bg")
    assert_reconciles(got, csv)
    assert got.rejects.height == 0
    assert got.responses["attr_moderated"].is_in(["1", "0", "-1"]).all()
