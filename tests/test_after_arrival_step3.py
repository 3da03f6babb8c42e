"""After the reveal, everyone trusting a draft's figures against past wins is told when it has
a condition on a column filled in only after a lead arrived (a lost reason): on step 3, where
the room compares the drafts, and on the evidence page for every participant, not only the
facilitator's upload review. Before the reveal, only one's own draft is named, and only to
oneself."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.builders import C
from tests.test_after_arrival_columns import APP, export
from workshop import store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.mapping import headers_signature
from workshop.pipeline import import_leads
from workshop.uploads import save_upload

LEANS = Definition(criteria=[C("Deal - Lost reason", "is_blank", role="must"),
                             C("Region", values=["North", "South"])])
PLAIN = Definition(criteria=[C("Region", values=["North"])])


def _workshop(database, revealed: bool) -> dict[str, str]:
    data = export()
    with make_session(database) as s:
        workshop, fac = store.create_workshop(s, company="Nordhaul", title="Leads",
                                              facilitator_name="Fay")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, marketing = store.join_with_invite(s, secrets["marketing"], "Priya")
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        for token, draft in ((fac, PLAIN), (marketing, LEANS), (sales, PLAIN)):
            store.save_draft(s, workshop.id, token, draft, 0)
        result = import_leads(data, "deals.csv")
        store.record_upload(s, workshop.id, fac, sha256=save_upload(data), filename="deals.csv",
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
        if revealed:
            store.reveal(s, workshop.id, fac)
    return {"ws": workshop.id, "facilitator": fac, "marketing": marketing, "sales": sales}


def _page(ids: dict[str, str], who: str, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = ids["ws"], ids[who]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _said(at: AppTest) -> list[str]:
    return [w.value.replace("\\", "") for w in at.warning
            if "filled in only after a lead arrived" in w.value]


def test_step_3_and_everyones_evidence_page_name_the_draft(database):
    ids = _workshop(database, revealed=True)
    for who in ("facilitator", "marketing", "sales"):
        for page in ("views/compare.py", "views/evidence.py"):
            said = _said(_page(ids, who, page))
            assert len(said) == 1, (who, page, said)  # once, not again in the upload review
            assert said[0].startswith("Marketing has a condition on “Deal - Lost reason”")


def test_before_the_reveal_nobody_learns_of_anothers_condition(database):
    ids = _workshop(database, revealed=False)
    assert _said(_page(ids, "facilitator", "views/evidence.py")) == []  # Priya's, not his
    for who in ("facilitator", "sales"):
        for page in ("views/compare.py", "views/evidence.py"):
            assert _said(_page(ids, who, page)) == [], (who, page)
