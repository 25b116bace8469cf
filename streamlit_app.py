"""Cancel Assist: the entry file is the router and frame; each page lives in `pages/`."""

from __future__ import annotations

import streamlit as st

st.set_page_config(page_title="Cancel Assist", page_icon="🧾", layout="centered")

# Every page is declared here (url_path = file stem), so Streamlit's legacy `pages/` discovery never decides.
pg = st.navigation(
    [
        st.Page("pages/guide.py", url_path="guide", title="Guide", icon="📘"),
    ]
)
pg.run()
