"""The researchers' data package: formats, data dictionary, codebooks, spreadsheet safety."""

import json
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
import pytest

from pipeline.export import codebook_csv, codebook_qdc, flat, neutralise, package_zip, write_package


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+44 7700", "'+44 7700"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("More buses = better town", "More buses = better town"),
        (None, None),
    ],
)
def test_formula_like_cells_are_neutralised(text: str | None, expected: str | None) -> None:
    assert neutralise(text) == expected


def themes() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "theme_id": ["T01", "T02", "T03"],
            "label": ["Evening buses", "=cmd|' /C calc'!A0", "Parking fees"],
            "keywords": [["buses", "evening"], ["x"], ["parking"]],
            "n_passages": [10, 4, 7],
            "parent_id": ["P1", None, "P1"],
        }
    )


def test_flat_joins_lists_and_neutralises() -> None:
    out = flat(themes())
    assert out["keywords"].to_list() == ["buses | evening", "x", "parking"]
    assert out["label"][1].startswith("'=")
    assert out["n_passages"].dtype == pl.Int64


def test_codebooks_import_shapes() -> None:
    rows = pl.read_csv(codebook_csv(themes()).encode())
    assert rows.columns == ["tag", "description", "number of highlights"]
    assert rows["tag"].to_list() == ["Evening buses", "'=cmd|' /C calc'!A0", "Parking fees"]
    root = ElementTree.fromstring(codebook_qdc(themes()))
    ns = {"q": "urn:QDA-XML:codebook:1.0"}
    top = root.findall("q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["=cmd|' /C calc'!A0", "P1: Evening buses / Parking fees"]
    assert [c.get("name") for c in top[1].findall("q:Code", ns)] == ["Evening buses", "Parking fees"]


def test_package_has_every_table_in_every_format(tmp_path: Path) -> None:
    tables = {"themes": themes(), "links": pl.DataFrame({"theme_id": ["T01"], "score": [0.7]})}
    manifest = {"run_id": "R1", "created_at": "2026-11-22", "consultation": {"slug": "s", "title": "T"}}
    write_package(tables, manifest, tmp_path / "pkg")
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    assert package["profile"] == "tabular-data-package"
    fields = {r["name"]: {f["name"]: f["type"] for f in r["schema"]["fields"]} for r in package["resources"]}
    assert fields["themes"] == {
        "theme_id": "string",
        "label": "string",
        "keywords": "string",
        "n_passages": "integer",
        "parent_id": "string",
    }
    assert fields["links"]["score"] == "number"
    assert pl.read_parquet(tmp_path / "pkg" / "parquet" / "themes.parquet").equals(themes())
    assert pl.read_csv(tmp_path / "pkg" / "csv" / "themes.csv")["label"][1].startswith("'=")
    sheets = pl.read_excel(tmp_path / "pkg" / "throughline.xlsx", sheet_id=0)
    assert set(sheets) == {"themes", "links"}
    assert sheets["themes"]["label"][1].startswith("'=")
    names = zipfile.ZipFile(__import__("io").BytesIO(package_zip(tmp_path / "pkg"))).namelist()
    assert {"datapackage.json", "manifest.json", "codebook.csv", "codebook.qdc", "throughline.xlsx"} <= set(names)
    assert "csv/links.csv" in names
