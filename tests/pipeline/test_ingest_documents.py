from pathlib import Path

import docx
import pytest

from pipeline.config import Source
from pipeline.ingest import IngestError, ingest_source
from pipeline.ingest.documents import block_role, markdown_blocks, text_blocks


@pytest.mark.parametrize(
    ("headings", "text", "role"),
    [
        (["Report", "3. Options", "Option 2: Active travel"], "Build a cycle lane.", "option"),
        (["Report", "Decision"], "approves the cycle lane;", "resolution"),
        (["Notice"], "RESOLVED: that Cabinet approves the plan.", "resolution"),
        (["Report", "4. Recommendation"], "That Cabinet approves Option 2.", "recommendation"),
        (["Report"], "Recommendation 2: That Option 3 is not pursued.", "recommendation"),
        (["Notice", "Alternative options considered and rejected"], "Option 4 was not taken forward.", "rationale"),
        (["Notice", "Reasons for the decision"], "The consultation showed support.", "rationale"),
        (["Report", "2. Background"], "The town centre is reached by car.", "other"),
        ([], "Harbourside Borough Council.", "other"),
    ],
)
def test_block_role(headings: list[str], text: str, role: str) -> None:
    assert block_role(headings, text) == role


def test_markdown_blocks_keep_heading_paths_and_list_items() -> None:
    blocks = markdown_blocks(
        "# Paper\n\nIntro line one\nline two.\n\n## Options\n\n- First item\n- Second item\n\n"
        "### Option 1: Do minimum\n\nNothing new.\n"
    )
    assert blocks == [
        (["Paper"], "Intro line one line two."),
        (["Paper", "Options"], "First item"),
        (["Paper", "Options"], "Second item"),
        (["Paper", "Options", "Option 1: Do minimum"], "Nothing new."),
    ]


def test_text_blocks_detect_short_headings() -> None:
    assert text_blocks(
        "DECISION\n\nRESOLVED: that the plan is approved.\n\nReasons\n\nIt was popular with residents."
    ) == [
        (["DECISION"], "RESOLVED: that the plan is approved."),
        (["Reasons"], "It was popular with residents."),
    ]


def test_docx_sections_and_roles(tmp_path: Path) -> None:
    path = tmp_path / "decision.docx"
    document = docx.Document()
    document.add_paragraph("Decision notice", style="Title")
    document.add_paragraph("Decision", style="Heading 1")
    document.add_paragraph("approves the segregated cycle lane;", style="List Number")
    document.add_paragraph("Alternative options considered and rejected", style="Heading 1")
    document.add_paragraph("Option 4 was not taken forward.")
    document.save(str(path))
    got = ingest_source(Source.model_validate({"path": path, "kind": "document", "stage": "decision"}), "decision")
    assert got.blocks.select("heading", "role", "text").rows() == [
        ("Decision notice > Decision", "resolution", "approves the segregated cycle lane;"),
        (
            "Decision notice > Alternative options considered and rejected",
            "rationale",
            "Option 4 was not taken forward.",
        ),
    ]
    assert got.rows_read == got.rows_analysed == 2


def test_damaged_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "damaged.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"damaged\.docx: not a readable DOCX file"):
        ingest_source(Source.model_validate({"path": path, "kind": "document", "stage": "decision"}), "d")


def test_sample_documents(sample_dir: Path) -> None:
    options = ingest_source(
        Source.model_validate({"path": sample_dir / "options-appraisal.md", "kind": "document", "stage": "options"}),
        "options",
    )
    assert options.blocks.filter(options.blocks["role"] == "option").height == 8
    decision = ingest_source(
        Source.model_validate({"path": sample_dir / "cabinet-decision.docx", "kind": "document", "stage": "decision"}),
        "decision",
    )
    roles = decision.blocks["role"].to_list()
    assert roles.count("resolution") == 6
    assert roles.count("rationale") == 5
