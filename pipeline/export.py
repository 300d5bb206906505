"""The researchers' data package: every table as Parquet, CSV and XLSX, with a data dictionary.

Layout of the package (a folder, or the same as a ZIP)::

    datapackage.json        Frictionless Tabular Data Package: every resource, its fields and types
    manifest.json           the run's manifest (inputs, settings, versions, seeds)
    parquet/<table>.parquet exact types (lists stay lists)
    csv/<table>.csv         UTF-8, lists joined with " | "
    throughline.xlsx        one sheet per table
    codebook.csv            themes as a codebook Taguette imports (tag, description, number of highlights)
    codebook.qdc            the same as a REFI-QDA codebook (QualCoder, ATLAS.ti, MAXQDA, NVivo)

Spreadsheet cells whose text starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return)
are prefixed with an apostrophe in the CSV and XLSX copies, so a hostile response cannot run as
a formula (OWASP "CSV injection"); Parquet keeps the text exact.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from pipeline.review import open_run
from pipeline.schema import TABLE_DESCRIPTIONS, TABLES
from pipeline.store import read_manifest, read_run_table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "
_TYPES = {
    pl.String: "string",
    pl.Int64: "integer",
    pl.Int32: "integer",
    pl.UInt32: "integer",
    pl.Float64: "number",
    pl.Float32: "number",
    pl.Boolean: "boolean",
}


def run_tables(run: Path) -> dict[str, pl.DataFrame]:
    """Every table of a run, with the consultation's reviews applied where they change it."""
    view = open_run(run)
    return {name: view.tables[name] if name in view.tables else read_run_table(run, name) for name in TABLES}


def export_run(run: Path, folder: Path) -> list[Path]:
    """Write a run's data package (reviews applied) into ``folder``."""
    return write_package(run_tables(run), read_manifest(run), folder)


def neutralise(value: str | None) -> str | None:
    """A cell's text made inert for spreadsheets: formula-like text gets a leading apostrophe."""
    if value is None or not value.startswith(FORMULA_START):
        return value
    return "'" + value


def flat(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` for CSV and XLSX: lists joined with `` | ``, every text cell neutralised."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if isinstance(dtype, pl.List):
            column = column.cast(pl.List(pl.String())).list.join(LIST_SEPARATOR)
            dtype = pl.String()
        if dtype == pl.String:
            column = column.map_elements(neutralise, return_dtype=pl.String(), skip_nulls=True)
        columns.append(column.alias(name))
    return frame.select(columns)


def _field(name: str, dtype: pl.DataType) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": _TYPES.get(type(dtype), "string")}
    if isinstance(dtype, pl.List):
        field["description"] = f"a list, joined with '{LIST_SEPARATOR.strip()}' in CSV and XLSX"
    if name.startswith("attr_"):
        field["description"] = f"respondent attribute '{name.removeprefix('attr_')}'"
    return field


def datapackage(tables: dict[str, pl.DataFrame], manifest: dict[str, Any]) -> dict[str, Any]:
    """The Frictionless data package descriptor of the exported tables."""
    consultation = manifest.get("consultation", {})
    return {
        "profile": "tabular-data-package",
        "name": f"{consultation.get('slug', 'consultation')}-{manifest.get('run_id', 'run')}".lower(),
        "title": f"Throughline: {consultation.get('title', '')}".strip(),
        "created": manifest.get("created_at"),
        "description": (
            "Themes, links and statuses from one Throughline run (reviews applied). Public text is redacted "
            "of personal data; see manifest.json for inputs, settings and versions."
        ),
        "resources": [
            {
                "name": name,
                "path": f"csv/{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": TABLE_DESCRIPTIONS.get(name, ""),
                "schema": {"fields": [_field(c, t) for c, t in frame.schema.items()]},
                "rows": frame.height,
            }
            for name, frame in tables.items()
        ],
    }


def codebook_csv(themes: pl.DataFrame) -> str:
    """Themes as a codebook CSV in Taguette's layout (tag, description, number of highlights)."""
    frame = themes.select(
        tag=pl.col("label"),
        description=pl.concat_str(
            pl.lit("Throughline theme "), "theme_id", pl.lit(". Key phrases: "), pl.col("keywords").list.join(", ")
        ),
        **{"number of highlights": pl.col("n_passages")},
    )
    return flat(frame).write_csv()


def codebook_qdc(themes: pl.DataFrame) -> str:
    """Themes as a REFI-QDA codebook (``.qdc``), under their parent themes when there are any."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">', "<Codes>"]

    def code(label: str, description: str, children: list[str]) -> list[str]:
        guid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"throughline:{label}:{description}"))
        head = f'<Code guid={quoteattr(guid)} name={quoteattr(label)} isCodable="true">'
        return [head, f"<Description>{escape(description)}</Description>", *children, "</Code>"]

    def leaf(row: dict[str, Any]) -> list[str]:
        return code(row["label"], f"{row['theme_id']}: {', '.join(row['keywords'] or [])}", [])

    parents = themes["parent_id"].drop_nulls().unique(maintain_order=True).to_list()
    for row in themes.filter(pl.col("parent_id").is_null()).iter_rows(named=True):
        lines += leaf(row)
    for parent in parents:
        members = themes.filter(pl.col("parent_id") == parent)
        children = [line for row in members.iter_rows(named=True) for line in leaf(row)]
        lines += code(
            f"{parent}: " + " / ".join(members["label"].head(2).to_list()), f"parent theme {parent}", children
        )
    return "\n".join([*lines, "</Codes>", "</CodeBook>", ""])


def write_package(tables: dict[str, pl.DataFrame], manifest: dict[str, Any], folder: Path) -> list[Path]:
    """Write the data package into ``folder``; return the files written."""
    for sub in ("parquet", "csv"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        frame.write_parquet(folder / "parquet" / f"{name}.parquet")
        flat(frame).write_csv(folder / "csv" / f"{name}.csv")
        written += [folder / "parquet" / f"{name}.parquet", folder / "csv" / f"{name}.csv"]
    workbook = folder / "throughline.xlsx"
    _write_xlsx({name: flat(frame) for name, frame in tables.items()}, workbook)
    (folder / "datapackage.json").write_text(json.dumps(datapackage(tables, manifest), indent=2), encoding="utf-8")
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    if "themes" in tables:
        (folder / "codebook.csv").write_text(codebook_csv(tables["themes"]), encoding="utf-8")
        (folder / "codebook.qdc").write_text(codebook_qdc(tables["themes"]), encoding="utf-8")
        written += [folder / "codebook.csv", folder / "codebook.qdc"]
    return [*written, workbook, folder / "datapackage.json", folder / "manifest.json"]


def _write_xlsx(sheets: dict[str, pl.DataFrame], path: Path) -> None:
    import xlsxwriter  # imported here: only the export needs it

    with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False}) as workbook:
        for name, frame in sheets.items():
            frame.write_excel(workbook, worksheet=name[:31], autofit=frame.height < 5000)


def package_zip(folder: Path) -> bytes:
    """The package folder as ZIP bytes (for a download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()
