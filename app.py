"""Ideal Lead Workshop: page setup and navigation only; each screen lives in views/.

(Not pages/: Streamlit would list a pages/ folder in the sidebar by itself on direct links.)"""
import streamlit as st

from workshop.ui.context import current_actor, engine, navigation

st.set_page_config(page_title="Ideal Lead Workshop", page_icon="🎯", layout="wide")
engine()  # create tables and the demo workshop before any page needs them
st.navigation(navigation(current_actor())).run()
