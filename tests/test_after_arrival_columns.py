"""Columns filled in only after a lead arrived (a lost reason, a won date, the deal's amount, the
lead status) judge a lead by what happened to it: a condition on one catches every past win and
sorts no new lead. The form offers them last, marked, and warns when one is chosen or typed; the
evidence page says which drafts have conditions on them; the learned draft never uses them."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from tests.builders import C
from workshop import store
from workshop.db import session as make_session
from workshop.definition import Definition
from workshop.evaluate import evaluate
from workshop.hindsight import after_arrival_sentences, recorded_after_arrival
from workshop.lead_values import lead_values
from workshop.mapping import headers_signature
from workshop.pipeline import import_leads
from workshop.ui.definition_form import AFTER_ARRIVAL_MARK
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ROWS = 600


def export(seed: int = 8) -> bytes:
    """A Pipedrive-style deals export: what a lead is like (fleet, region), and what happened
    to it (won time, lost reason, value, status)."""
    rng = random.Random(seed)
    start = date(2025, 2, 3)
    rows = []
    for i in range(ROWS):
        status = rng.choice(["won", "lost", "open", "lost"])
        rows.append({
            "Deal - ID": 7000 + i,
            "Organization - Name": f"Haulier {i % 200}",
            "Person - Email": f"p{i}@haulier{i % 200}.de",
            "Deal - Deal created": (start + timedelta(days=rng.randint(0, 200))).isoformat(),
            "Fleet Size": rng.choice(["1-10", "11-50", "51-200"]),
            "Region": rng.choice(["North", "South", "East"]),
            "Funding Stage": rng.choice(["Seed", "Series A", "Bootstrapped"]),
            "Deal - Status": status,
            "Deal - Won time": (start + timedelta(days=300)).isoformat()
            if status == "won" else "",
            "Deal - Lost reason": rng.choice(["Price", "Timing", "No budget"])
            if status == "lost" else "",
            "Deal - Value": str(rng.randint(1, 90) * 1000) if status != "lost" else "",
        })
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def test_columns_named_for_what_happened_later_are_told_apart_from_what_a_lead_is_like():
    for later in ("Deal - Won time", "Deal - Lost reason", "Lost Reason", "amount",
                  "lead_status", "Probability (%)", "Days to close", "Lead Status",
                  "Closed Won Date", "Opportunity Owner", "Tags"):
        assert recorded_after_arrival(later), later
    for like in ("Fleet Size", "Region", "Funding Stage", "Total Funding Amount", "industry",
                 "employees", "created", "lifecycle_stage", "Job Title", "Country"):
        assert not recorded_after_arrival(like), like


def test_the_form_lists_them_after_the_others_and_the_draft_of_won_deals_never_uses_them():
    result = import_leads(export(), "deals.csv")
    values = lead_values(result.leads, outcome_column=result.mapping.outcome_column)
    assert {"Fleet Size", "Region", "Funding Stage"} <= set(values.columns)
    later = {c for c in values.columns if recorded_after_arrival(c)}
    assert later  # offered all the same, last
    assert {"Deal - Won time", "Deal - Lost reason"} <= later
    assert not later & {"Fleet Size", "Region", "Funding Stage"}


def test_the_evidence_sentence_names_each_draft_with_such_a_condition_once():
    lost = C("Deal - Lost reason", "is_blank", role="must")
    drafts = {"Facilitator": Definition(criteria=[C("Region", "in", values=["North"])]),
              "Marketing": Definition(criteria=[lost, C("Deal - Lost reason", "is_known",
                                                        role="disqualifier")]),
              "Sales": Definition(criteria=[lost, C("amount", "at_least", low=5000)])}
    sentences = after_arrival_sentences(drafts)
    assert sentences == [
        "Marketing and Sales have conditions on “Deal - Lost reason”, which is filled in only "
        "after a lead arrived: against past wins it looks better than it is, and it cannot "
        "sort a new lead.",
        "Sales has a condition on “amount”, which is filled in only after a lead arrived: "
        "against past wins it looks better than it is, and it cannot sort a new lead."]
    assert after_arrival_sentences({"Facilitator": drafts["Facilitator"]}) == []


def test_why_it_matters_a_blank_lost_reason_catches_every_win():
    """The figure the warning is about, read with plain pandas: every won deal has no lost
    reason, so the condition 'catches' all of them."""
    data = export()
    written = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    leads = import_leads(data, "deals.csv").leads
    stages = evaluate(leads, Definition(criteria=[C("Deal - Lost reason", "is_blank",
                                                    role="must")]))
    won = written["Deal - Status"].eq("won").to_numpy()
    assert (stages.stage.to_numpy()[won] != "not qualified").all()


def _form(database, data: bytes):
    with make_session(database) as s:
        workshop, key = store.create_workshop(s, company="Nordhaul", title="Leads",
                                              facilitator_name="Fay")
        result = import_leads(data, "deals.csv")
        store.record_upload(s, workshop.id, key, sha256=save_upload(data), filename="deals.csv",
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = workshop.id, key
    at.run()
    at.switch_page("views/facilitator.py").run()
    jump = next(s for s in at.selectbox if s.key.endswith(":jump"))
    jump.set_value(next(i for i, o in enumerate(jump.options) if "Other signals" in o)).run()
    return at


def _column(at):
    return next(s for s in at.selectbox if s.key.endswith(":other:column"))


def _warnings(at) -> list[str]:
    return [w.value for w in at.warning if "filled in only after a lead arrived" in w.value]


def test_on_the_page_they_come_last_marked_and_choosing_one_warns(database):
    at = _form(database, export())
    options = [str(o) for o in _column(at).options]
    marked = [i for i, o in enumerate(options) if o.endswith(AFTER_ARRIVAL_MARK)]
    assert marked and marked == list(range(len(options) - len(marked), len(options)))
    assert any(o.startswith("Deal - Lost reason") for o in (options[i] for i in marked))
    assert not any(o.startswith(("Fleet Size", "Region", "Funding Stage"))
                   for o in (options[i] for i in marked))

    _column(at).set_value("Fleet Size").run()
    assert not _warnings(at)
    _column(at).set_value("Deal - Lost reason").run()
    assert len(_warnings(at)) == 1 and "“Deal - Lost reason”" in _warnings(at)[0]
    assert not at.exception


def test_the_evidence_page_says_the_facilitators_draft_leans_on_a_lost_reason(database):
    at = _form(database, export())
    with make_session(database) as s:
        workshop_id, key = at.query_params["ws"], at.query_params["key"]
        workshop_id = workshop_id[0] if isinstance(workshop_id, list) else workshop_id
        key = key[0] if isinstance(key, list) else key
        _, revision, _ = store.my_draft(s, workshop_id, key)
        store.save_draft(s, workshop_id, key, Definition(criteria=[
            C("Deal - Lost reason", "is_blank", role="must")]), revision)
    at.switch_page("views/evidence.py").run()
    assert not at.exception
    said = [w.value.replace("\\", "") for w in at.warning]
    assert [w for w in said if w.startswith("Your draft has a condition on “Deal - Lost reason”")]
