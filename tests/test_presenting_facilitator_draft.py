"""On the shared screen in presentation mode, the facilitator's own draft stays off until the
reveal through every page, as step 1 keeps it: the draft page (a page name typed into the
address bar) showed the whole form and printed the facilitator's key on the projector, and the
evidence page named a condition of it and listed its fields first."""
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

SECRET = "Zymurgy-DANA-ONLY"
OWN = Definition(criteria=[C("Deal - Lost reason", "is_blank", role="must"),
                           C("Region", values=[SECRET])])


def _workshop(database) -> dict[str, str]:
    data = export()
    with make_session(database) as s:
        workshop, fac = store.create_workshop(s, company="Nordhaul", title="Leads",
                                              facilitator_name="Dana")
        secrets = store.invitations(s, workshop.id, fac).secrets
        _, sales = store.join_with_invite(s, secrets["sales"], "Marcus")
        store.save_draft(s, workshop.id, fac, OWN, 0)
        result = import_leads(data, "deals.csv")
        store.record_upload(s, workshop.id, fac, sha256=save_upload(data), filename="deals.csv",
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
    return {"ws": workshop.id, "facilitator": fac, "sales": sales}


def _page(ids: dict[str, str], page: str, presenting: bool) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = ids["ws"], ids["facilitator"]
    if presenting:
        at.query_params["present"] = "1"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _everything(at: AppTest) -> str:
    parts = [str(getattr(node, "value", "")) for kind in
             ("markdown", "caption", "info", "warning", "success", "text_input", "text_area",
              "multiselect", "code", "dataframe", "table", "title", "subheader")
             for node in getattr(at, kind)]
    parts += [str(m.value) for m in at.multiselect] + [str(x.options) for x in at.multiselect]
    return "\n".join(parts)


def test_the_draft_page_takes_the_facilitator_to_step_1_which_keeps_the_draft_off(database):
    ids = _workshop(database)
    at = _page(ids, "views/draft.py", presenting=True)
    seen = _everything(at)
    assert SECRET not in seen
    assert ids["facilitator"] not in seen  # no key on the projector
    assert "stays off the shared screen until the reveal" in seen
    at = _page(ids, "views/draft.py", presenting=False)  # on their own screen: their draft
    assert "Step 1" in at.title[0].value
    assert SECRET in _everything(at)


def test_the_evidence_page_names_nothing_of_the_facilitators_draft_when_presenting(database):
    ids = _workshop(database)
    at = _page(ids, "views/evidence.py", presenting=True)
    warnings = " ".join(w.value for w in at.warning)
    assert "Lost reason" not in warnings and "Your draft" not in warnings
    assert not {"Deal - Lost reason", "Region"} & _quality_fields(at)
    at = _page(ids, "views/evidence.py", presenting=False)  # on their own screen it helps
    assert any("Your draft has a condition on “Deal - Lost reason”" in w.value.replace("\\", "")
               for w in at.warning)
    assert {"Deal - Lost reason", "Region"} <= _quality_fields(at)


def _quality_fields(at: AppTest) -> set[str]:
    """The fields the data-quality table lists (the columns the drafts it was given use)."""
    table = next(frame.value for frame in at.dataframe if "Read as" in frame.value.columns)
    return set(table["Field"])

