"""The guided form never deletes a rule it cannot show. A definition file (or step 3) may hold a
rule the form's widgets cannot say ("Industry contains 'soft'") or two must-haves on one field;
changing anything on that question rebuilt the field from its widgets and silently dropped them.
Now the form lists such rules in sentences, leaves them as they are, and replaces them only when
the person asks."""
from __future__ import annotations

import pytest
import streamlit as st

from tests.builders import C, D
from tests.test_own_devices import app_url, new_app, texts  # noqa: F401
from workshop import catalog, store
from workshop.db import make_engine, session
from workshop.ui.definition_form import fits_the_form, with_field_from_widgets

INDUSTRY = catalog.QUESTIONS_BY_KEY["industry"]
CONTAINS = D(C("industry", op="contains_any", values=["soft"], role="nice", points=20,
               question="industry"))
TWO_MUSTS = D(C("industry", values=["software_saas"], question="industry"),
              C("industry", values=["maschinenbau"], question="industry"))


@pytest.mark.parametrize("definition", [CONTAINS, TWO_MUSTS], ids=["contains", "two musts"])
def test_a_stale_widget_value_cannot_replace_rules_the_form_does_not_show(definition):
    assert not fits_the_form(definition, INDUSTRY, catalog.FIELDS["industry"])
    state = {"draft:1:industry:industry:values": ["Retail"],
             "draft:1:industry:industry:role": "must:sql",
             "draft:1:industry:industry:points": 25}
    assert with_field_from_widgets(definition, "draft:1", INDUSTRY, "industry",
                                   state) == definition
    st.session_state.clear()


def test_one_rule_the_widgets_show_fits():
    assert fits_the_form(D(C("industry", values=["Retail"], question="industry")), INDUSTRY,
                         catalog.FIELDS["industry"])


def _draft_page(url: str, definition) -> tuple[str, str, object]:
    engine = make_engine(url)
    with session(engine) as s:
        workshop, facilitator = store.create_workshop(s, company="Nordlicht", title="Q1",
                                                      facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, facilitator).secrets
        _, token = store.join_with_invite(s, secrets["sales"], "Marcus")
        store.save_draft(s, workshop.id, token, definition, 0)
    return workshop.id, token, engine


def _saved(engine, workshop_id: str, token: str):
    with session(engine) as s:
        return store.my_draft(s, workshop_id, token)[0]


SIZE_RULES = D(C("employees", op="at_least", low=100, question="size"),
               C("employees", op="at_least", low=50, gate="sql", question="size"))


def test_the_page_lists_them_keeps_them_and_replaces_them_when_asked(app_url):  # noqa: F811
    workshop_id, token, engine = _draft_page(app_url, SIZE_RULES)
    at = new_app({"ws": workshop_id, "key": token, "q": "8"}, "views/draft.py")
    said = texts(at)
    assert "The form cannot show these rules" in said
    for rule in SIZE_RULES.criteria:
        assert rule.sentence() in said
    assert not [w for w in at.number_input if ":size:employees:" in str(w.key)]
    revenue = next(w for w in at.number_input if str(w.key).endswith(":size:annual_revenue:low"))
    revenue.set_value(5_000_000).run()  # another change on the question keeps them
    saved = _saved(engine, workshop_id, token)
    assert [c for c in saved.criteria if c.field == "employees"] == SIZE_RULES.criteria
    assert [c.low for c in saved.criteria if c.field == "annual_revenue"] == [5_000_000]
    replace = next(b for b in at.button if str(b.key).endswith(":size:employees:replace"))
    replace.click().run()
    assert not at.exception
    saved = _saved(engine, workshop_id, token)
    assert [c.field for c in saved.criteria] == ["annual_revenue"]
    low = next(w for w in at.number_input if str(w.key).endswith(":size:employees:low"))
    assert low.value is None
