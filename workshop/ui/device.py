"""The workshops this browser created, joined or opened, kept on the device itself.

The home page lists only these (and the demos): nobody sees everyone's workshops. The links
live in a cookie of this app's address, written by a tiny script on every page that opens a
workshop (always drawn, so the elements after it keep their place and an open expander stays
open across reruns; an unchanged script is not run again), and read back by the server when a
later session starts; within a session they are in the session state too. A turn at the shared
screen is not remembered: that key is the turn-taker's, not the device owner's. While a turn is
on, a second cookie (gone when the browser closes) says whose it is, so that a refresh during
the turn does not hand the screen's other keys back (see `workshop.ui.context.screen_turn`).
"""
from __future__ import annotations

import base64
import binascii
import json

import streamlit as st
import streamlit.components.v1 as components

COOKIE = "ilw_places"
TURN_COOKIE = "ilw_turn"
MAX_PLACES = 20  # the newest kept; a cookie holds 4 KB
_SESSION = "device:places"


def remembered() -> list[tuple[str, str]]:
    """(workshop id, key) pairs opened on this device, newest first."""
    places = list(st.session_state.get(_SESSION, []))
    for place in _from_cookie(st.context.cookies.get(COOKIE)):
        if place not in places:
            places.append(place)
    return places[:MAX_PLACES]


def remember(workshop_id: str, token: str) -> None:
    """Keep this workshop's link on the device."""
    place = (workshop_id, token)
    places = [place, *[p for p in remembered() if p != place]][:MAX_PLACES]
    st.session_state[_SESSION] = places
    value = base64.urlsafe_b64encode(json.dumps(places).encode()).decode("ascii")
    components.html(
        "<script>document.cookie = " + json.dumps(
            f"{COOKIE}={value}; path=/; max-age=31536000; SameSite=Strict") + ";</script>",
        height=0)


def _from_cookie(raw: object) -> list[tuple[str, str]]:
    """The cookie's pairs; anything that is not one is ignored (it is the browser's data)."""
    if not isinstance(raw, str) or not raw or len(raw) > 8000:
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return []
    if not isinstance(data, list):
        return []
    return [(str(p[0]), str(p[1])) for p in data[:MAX_PLACES]
            if isinstance(p, list) and len(p) == 2 and all(isinstance(v, str) and 0 < len(v)
                                                           <= 64 for v in p)]


def mark_turn(workshop_id: str, token: str | None) -> None:
    """Say on the device that the screen is in the turn of `token` (None: in nobody's)."""
    value = (base64.urlsafe_b64encode(json.dumps([[workshop_id, token]]).encode()).decode("ascii")
             if token else "")
    cookie = f"{TURN_COOKIE}={value}; path=/; SameSite=Strict" + ("" if token else
                                                                   "; max-age=0")
    components.html("<script>document.cookie = " + json.dumps(cookie) + ";</script>", height=0)


def marked_turn() -> tuple[str, str] | None:
    """(workshop id, key) of the turn this device's screen was in when this session began."""
    turn = _from_cookie(st.context.cookies.get(TURN_COOKIE))
    return turn[0] if turn else None
