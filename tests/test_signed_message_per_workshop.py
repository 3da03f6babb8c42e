"""The "every team has signed" message belongs to the workshop whose sign-off completed.

A facilitator who completes version 1's sign-off in one workshop and then opens another
workshop whose version 1 is signed too must not be shown the celebration there."""
from __future__ import annotations

import pytest
import streamlit as st

from workshop.ui.agreement import just_signed
from workshop.ui.context import Place


@pytest.fixture(autouse=True)
def clean_session():
    st.session_state.clear()
    yield
    st.session_state.clear()


def test_the_message_shows_once_in_its_own_workshop_only():
    here, elsewhere = Place("ws-here", "key-1"), Place("ws-elsewhere", "key-2")
    st.session_state["agree:signed"] = (here.workshop_id, 1)  # as the sign-off button stores
    assert just_signed(here, 1) == (1, True)  # the celebration, once
    assert just_signed(here, 1) == (1, False)  # the message stays, without balloons
    assert just_signed(elsewhere, 1) == (None, False)
    assert just_signed(here, 1) == (None, False)  # looking elsewhere ends it


def test_a_newer_signed_version_is_not_this_sessions():
    here = Place("ws-here", "key-1")
    st.session_state["agree:signed"] = (here.workshop_id, 1)
    assert just_signed(here, 2) == (None, False)
    assert just_signed(here, None) == (None, False)
