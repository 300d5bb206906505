"""Runs: every run of the chosen consultation, and what changed between two of them."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import streamlit as st

from dashboard.data import manifest, selected_run, table, workspace
from dashboard.render import STATUS_LABELS
from pipeline import store
from pipeline.compare import compare_runs

CHANGES = ("appeared", "grew", "shrank", "gone", "same")


def tables_of(run: str) -> dict[str, pl.DataFrame]:
    """The tables a comparison needs (reviews applied)."""
    return {name: table(run, name) for name in ("responses", "assignments", "themes", "theme_status")}


run = selected_run()
if run is not None:
    slug = Path(run).parent.parent.name
    st.title("Runs")
    runs = store.runs(workspace(), slug)
    rows = []
    for path in runs:
        info = manifest(str(path))
        rows.append(
            {
                "run": path.name,
                "analysed": info.get("created_at"),
                "responses": info.get("counts", {}).get("responses"),
                "themes": info.get("counts", {}).get("themes"),
                "responsiveness": (info.get("responsiveness") or {}).get("share_reached"),
                "config sha256": str(info.get("config", {}).get("sha256", ""))[:12],
            }
        )
    st.dataframe(
        pl.DataFrame(rows),
        hide_index=True,
        width="stretch",
        column_config={"responsiveness": st.column_config.NumberColumn("Responsiveness", format="percent")},
    )
    st.subheader("Compare two runs")
    if len(runs) < 2:
        st.info("This consultation has one run. Re-run it (for example after new responses arrive) to compare.")
    else:
        names = [p.name for p in runs]
        left, right = st.columns(2)
        earlier = left.selectbox("Earlier run", names, index=1, key="compare_before")
        later = right.selectbox("Later run", names, index=0, key="compare_after")
        folder = workspace() / slug / "runs"
        counts, changes = compare_runs(tables_of(str(folder / earlier)), tables_of(str(folder / later)))
        cols = st.columns(4)
        cols[0].metric("New responses", counts["new_responses"])
        cols[1].metric("Removed responses", counts["removed_responses"])
        cols[2].metric("Themes that appeared", int((changes["change"] == "appeared").sum()))
        cols[3].metric("Status changed", int(changes["status_changed"].sum()))
        st.caption(
            "Themes are matched by who is in them (at least half their passages shared), not by number: "
            "a re-run may renumber them."
        )
        st.dataframe(
            changes.with_columns(
                pl.col("status_before", "status_after").replace(STATUS_LABELS),
                order=pl.col("change").replace_strict({c: i for i, c in enumerate(CHANGES)}, default=9),
            )
            .sort("order", "label")
            .drop("order"),
            hide_index=True,
            width="stretch",
        )
