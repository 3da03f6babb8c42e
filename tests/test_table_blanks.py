"""Tables say a missing figure as '—', never 'None': every table of the versions page asks for
the placeholder (Streamlit draws a missing value as 'None' otherwise)."""
from __future__ import annotations

from tests.test_own_devices import app_url  # noqa: F401
from tests.test_sharing_pages import open_as, signed_workshop
from workshop.text import BLANK

HISTORY = "views/history.py"


def test_every_table_on_the_versions_page_shows_blanks_as_a_dash(app_url, monkeypatch):  # noqa: F811
    import streamlit as st

    asked: list[dict] = []
    real = st.dataframe

    def recording(data=None, *args, **kwargs):
        asked.append(kwargs)
        return real(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", recording)
    workshop_id, tokens = signed_workshop()
    at = open_as(workshop_id, tokens["facilitator"], HISTORY)
    assert not at.exception
    assert len(asked) >= 2  # the versions, and every measurement so far
    assert all(kwargs.get("placeholder") == BLANK for kwargs in asked), asked
