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


def drawn_from(name: str, stored: object) -> str:
    """The key to draw the widget `name` under, showing `stored`: set to it when the widget was
    last drawn from another stored value (another screen changed it) or never drawn. A widget
    keeps its own value otherwise, and would go on showing what this screen last set."""
    key, drawn = own_key(name), f"{name}{MARK}drawn"
    if st.session_state.get(drawn) != stored:
        st.session_state[key] = st.session_state[drawn] = stored
    return key


def draw_again(name: str) -> None:
    """In the widget's callback, after saving: draw it from what is stored on this run."""
    st.session_state[f"{name}{MARK}drawn"] = None
