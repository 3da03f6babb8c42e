"""Keys of the widgets a page draws from the database and saves as soon as they change: one
set per browser session.

After a server restart the browser hands the new session the last values of the widgets its
page still shows, and asks for reruns with them. The new session draws each widget from the
database; a value the old page showed from before another screen's change, handed over again
on the next rerun, would then count as a change and be saved over the database. Under keys
of the session's own they belong to no widget it draws, and are dropped.
"""
from __future__ import annotations

import secrets

import streamlit as st

_SESSION = "own-keys:session"
MARK = "@"  # between a widget's name and the session it is drawn in


def own_key(name: str) -> str:
    """`name` as this session draws it (call while drawing, never in a callback)."""
    if _SESSION not in st.session_state:
        st.session_state[_SESSION] = secrets.token_hex(4)
    return f"{name}{MARK}{st.session_state[_SESSION]}"
