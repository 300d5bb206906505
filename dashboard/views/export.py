"""Export: the run as a data package for researchers (Parquet, CSV, XLSX, data dictionary, codebooks)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.data import manifest, review_store, selected_run, table
from pipeline.export import datapackage, package_zip, write_package
from pipeline.schema import TABLES


@st.cache_data(show_spinner="Building the data package…")
def package(run: str, version: int) -> bytes:
    """The data package as ZIP bytes; ``version`` (the review log's latest id) keys the cache."""
    tables = {name: table(run, name) for name in TABLES}
    with tempfile.TemporaryDirectory() as folder:
        write_package(tables, manifest(run), Path(folder))
        return package_zip(Path(folder))


run = selected_run()
if run is not None:
    st.title("Export: the data package")
    st.markdown(
        "Every table of this run (reviews applied) as **Parquet**, **CSV** and **XLSX**, a "
        "`datapackage.json` data dictionary (Frictionless), the themes as a codebook for **Taguette** "
        "(`codebook.csv`) and **QualCoder**/REFI-QDA tools (`codebook.qdc`), and the run's manifest. "
        "Spreadsheet cells that start with `=`, `+`, `-` or `@` are prefixed with an apostrophe so they "
        "cannot run as formulas."
    )
    tables = {name: table(run, name) for name in TABLES}
    described = datapackage(tables, manifest(run))
    st.dataframe(
        pl.DataFrame(
            {
                "table": [r["name"] for r in described["resources"]],
                "rows": [r["rows"] for r in described["resources"]],
                "columns": [len(r["schema"]["fields"]) for r in described["resources"]],
                "what": [r["description"] for r in described["resources"]],
            }
        ),
        hide_index=True,
        width="stretch",
        height=36 * (len(described["resources"]) + 1) + 4,
    )
    version = review_store(run).version()
    key = f"package|{run}|{version}"
    if key not in st.session_state and st.button("Prepare the data package", type="primary"):
        st.session_state[key] = package(run, version)
    if key in st.session_state:
        st.download_button(
            "Download the data package (ZIP)",
            st.session_state[key],
            f"{described['name']}.zip",
            "application/zip",
            type="primary",
        )
