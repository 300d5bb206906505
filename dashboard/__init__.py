"""The Streamlit dashboard: reads finished run folders only."""
