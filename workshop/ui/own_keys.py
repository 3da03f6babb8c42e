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


def stored_key(name: str, stored: object) -> str:
    """The key to draw the widget `name` under, created with `stored` as its value (pass it as
    the widget's value too, never through the session): a new key whenever what is stored
    changes (another screen, or this one's own save), so the widget shows it.

    Never set through the session: a browser that draws a widget again (a window resized
    while the page ran) starts it from the value it was created with and sends that with the
    next rerun; a widget created with a default and set through the session came back at
    that default, and the "change" was saved."""
    return f"{own_key(name)}:{stored!r}"
