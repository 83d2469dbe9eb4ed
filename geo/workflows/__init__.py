"""Thin workflows shared by the Streamlit pages and the command line: one call per user task."""
