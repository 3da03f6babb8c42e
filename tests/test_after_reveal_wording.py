"""Sentences that must fit the moment they are read in. After the reveal, adding the won deals'
draft said it would be "shown at the reveal, not before", though it was on the table already;
and the step 3 explanation of the alignment score printed the comparison module's developer
notes ("see `rules_by_field`") on the projector."""
from __future__ import annotations

from tests.test_agree_walk import COMPARE, app_url, click, drafted_workshop, open_as  # noqa: F401
from tests.test_own_devices import texts
from workshop import compare, store
from workshop.db import make_engine, session

EVIDENCE = "views/evidence.py"


def test_the_won_deals_draft_added_before_the_reveal_waits_for_it(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    fac = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    click(fac, "won-deals:add")
    said = texts(fac)
    assert "The won deals' draft is added. Like every draft it is shown at the reveal" in said
    assert "on the table" not in said


def test_the_won_deals_draft_added_after_the_reveal_is_on_the_table(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    fac = open_as(workshop_id, tokens["facilitator"], EVIDENCE)
    click(fac, "won-deals:add")
    said = texts(fac)
    assert "The won deals' draft is added. It is on the table beside the others on step 3." \
        in said
    assert "shown at the reveal" not in said


def test_the_alignment_score_is_explained_in_the_rooms_words(app_url):  # noqa: F811
    workshop_id, tokens = drafted_workshop(app_url)
    engine = make_engine(app_url)
    with session(engine) as s:
        store.reveal(s, workshop_id, tokens["facilitator"])
    engine.dispose()
    page = open_as(workshop_id, tokens["facilitator"], COMPARE)
    expander = next(e for e in page.expander
                    if e.label == "How the alignment score is worked out")
    shown = "\n".join(str(m.value) for m in expander.markdown)
    assert shown == compare.SCORE_EXPLAINED.strip()
    assert "`" not in shown and "see " not in shown  # no code names, no cross-references
    assert "at least 95% alike" in shown and "at most 20% alike" in shown
    assert f"{compare.AGREE_AT:.0%}" == "95%" and f"{compare.CONFLICT_AT:.0%}" == "20%"
