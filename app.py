"""Ideal Lead Workshop: page setup and navigation only; each screen lives in views/, and every
page is listed once in workshop/ui/pages.py.

Never a pages/ folder next to this file: Streamlit would list its files in the sidebar and run
any of them from a direct link without this file, so the migrations, the log redaction and the
role-based navigation below would be skipped. tests/test_page_list.py fails if one appears."""
import streamlit as st

from workshop.store import Damaged
from workshop.text import escape_markdown
from workshop.ui.context import (
    DatabaseUnavailable,
    current_actor,
    engine,
    navigation,
    presenting,
)
from workshop.ui.log_redaction import install as keep_keys_out_of_logs

keep_keys_out_of_logs()  # before anything reads the database: at DEBUG its rows are logged
st.set_page_config(page_title="Ideal Lead Workshop", page_icon="🎯", layout="wide")
try:
    engine()  # create or migrate the tables, and the demos, before any page needs them
except DatabaseUnavailable as error:
    st.error(str(error), icon="🛑")
    st.stop()
# A wall link shows its page alone: no menu, and no workshop key is read or put in its URL.
on_the_wall = "w" in st.query_params
actor = None if on_the_wall else current_actor()
try:
    st.navigation(navigation(actor), position="hidden" if on_the_wall or (
        presenting() and actor is not None) else "sidebar").run()
except Damaged as error:  # a row the database holds cannot be read: said, never a traceback
    st.error(escape_markdown(str(error)), icon="🛑")
