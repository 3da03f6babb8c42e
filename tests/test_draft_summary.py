"""Before Done, the participant reads their own draft in the app's plain-language sentences
(the same ones the summary after the reveal and the one-pager use)."""
from __future__ import annotations

import pytest

from tests.autosave_typing import type_into
from tests.test_own_devices import INDUSTRY, new_app, widget
from workshop import store
from workshop.db import make_engine, session

SUMMARY = "📝 Your draft in sentences: read it before you press Done"


@pytest.fixture
def app_url(database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


def summary_text(at) -> str:
    box = next(e for e in at.expander if e.label == SUMMARY)
    return "\n".join([m.value for m in box.markdown] + [c.value for c in box.caption])


def test_the_draft_in_sentences_sits_above_done(app_url):
    engine = make_engine(app_url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
        link = store.invitations(s, workshop.id, fac).secrets["marketing"]
        key = store.join_with_invite(s, link, "Priya")[1]
    engine.dispose()
    at = new_app({"ws": workshop.id, "key": key}, "views/draft.py")
    assert "Nothing answered yet" in summary_text(at)
    widget(at.multiselect, INDUSTRY).set_value(["Healthcare", "Software"]).run()
    type_into(at, ":industry:note", "Hospitals <b>renew</b>")
    shown = summary_text(at)
    assert "Industry is Healthcare or Software" in shown
    assert "MQL gate: must have" in shown
    assert "Hospitals \\<b\\>renew\\</b\\>" in shown  # escaped, never HTML
    labels = [e.label for e in at.main if hasattr(e, "label")]
    assert labels.index(SUMMARY) < labels.index("✅ Done: hand in my draft")


FACILITATOR_SUMMARY = "📝 Your draft in sentences: read it before the room moves on to step 2"


def test_the_facilitator_reads_their_own_draft_back_too(app_url):
    """Step 1 is a draft like the others: the facilitator sees it in sentences under the form
    (off the shared screen in presentation mode, where the form is not drawn either)."""
    engine = make_engine(app_url)
    with session(engine) as s:
        workshop, fac = store.create_workshop(s, company="Acme", title="Q1",
                                              facilitator_name="Dana")
    engine.dispose()
    at = new_app({"ws": workshop.id, "key": fac}, "views/facilitator.py")
    box = next(e for e in at.expander if e.label == FACILITATOR_SUMMARY)
    assert "Nothing answered yet" in "\n".join(c.value for c in box.caption)
    widget(at.multiselect, INDUSTRY).set_value(["Software"]).run()
    box = next(e for e in at.expander if e.label == FACILITATOR_SUMMARY)
    assert "Industry is Software" in "\n".join(m.value for m in box.markdown)
    presenting = new_app({"ws": workshop.id, "key": fac, "present": "1"}, "views/facilitator.py")
    assert not [e for e in presenting.expander if e.label == FACILITATOR_SUMMARY]
    assert "Industry is Software" not in "\n".join(m.value for m in presenting.markdown)
