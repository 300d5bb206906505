"""Throughline dashboard: ``streamlit run dashboard/app.py`` (or ``throughline dashboard``)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.access import gate
from dashboard.data import public_mode

# Not "pages/": Streamlit would also serve that folder as legacy pages, and a deep link such as
# /themes would then run the page without this file (no page config, no sidebar caption).
PAGES = Path(__file__).parent / "views"

st.set_page_config(page_title="Throughline", page_icon=":material/timeline:", layout="wide")
gate()  # sign-in when configured (dashboard/access.py); nothing below runs for a visitor who may not see it
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "themes.py", title="Themes", icon=":material/forum:"),
        st.Page(PAGES / "trace.py", title="Trace", icon=":material/account_tree:"),
        st.Page(PAGES / "options.py", title="Options", icon=":material/checklist:"),
        st.Page(PAGES / "coding.py", title="Coding", icon=":material/label:"),
        st.Page(PAGES / "scrutiny.py", title="Scrutiny", icon=":material/fact_check:"),
        st.Page(PAGES / "explore.py", title="Explore", icon=":material/search:"),
        st.Page(PAGES / "export.py", title="Export", icon=":material/download:"),
        st.Page(PAGES / "runs.py", title="Runs", icon=":material/history:"),
    ]
)
st.sidebar.caption("Throughline: did what the public said travel into what was decided?")
if public_mode():
    st.sidebar.info("Public view: read-only, individual responses hidden.", icon=":material/visibility_off:")
navigation.run()
