"""Ideal Lead Workshop: page setup and navigation only; each screen lives in pages/."""
import streamlit as st

from workshop.ui.context import HOME, STEP_PAGES, engine

st.set_page_config(page_title="Ideal Lead Workshop", page_icon="🎯", layout="wide")
engine()  # create tables and the demo workshop before any page needs them

pages = {
    "Workshops": [st.Page(HOME, title="Home", icon="🏠", default=True)],
    "The four steps": [st.Page(path, title=label) for path, label in STEP_PAGES.values()],
}
st.navigation(pages).run()
