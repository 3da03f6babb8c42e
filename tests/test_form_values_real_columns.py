"""The "Other signals" question on a HubSpot-style export with the company's own columns: the
form offers only values a rule can match, counted as the rule counts them, and the conditions
that stay right on the next export.

A custom picklist ("Current TMS") writes "none" for leads without a system: it is offered
last, after every real value, with the leads a rule naming it selects. A yes/no column ("Has EDI")
is written Yes/No in one export and true/false or 1/0 in the next:
'is one of Yes' would select nobody there, "is yes" selects the same leads in all three. The
deal stage is the export's outcome, never a criterion. Expected figures come from the CSV read
with plain pandas."""
from __future__ import annotations

import io
import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import C
from workshop import store
from workshop.db import session as make_session
from workshop.evaluate import criterion_mask
from workshop.lead_values import lead_values
from workshop.mapping import headers_signature
from workshop.operators import RANGE_OPS, VALUE_OPS
from workshop.pipeline import import_leads
from workshop.ui.definition_form import _op_counts, _ops_for
from workshop.uploads import save_upload

ROWS = 900
FLEET = ["1-10", "11-50", "51-200", "200+", ""]
TMS = ["SAP TM", "none", "Excel", "Oracle OTM", "MercuryGate", "Other: in-house tool", ""]
INDUSTRIES = ["Logistics and Supply Chain", "Retail", "Wholesale", "Warehousing", "Select"]
STAGES = ["Closed Won", "Closed Lost", "Appointment Scheduled", ""]
YES_NO = {"yn": ("Yes", "No"), "tf": ("true", "false"), "10": ("1", "0")}
# The words written into the export below, read by hand: the placeholders and the yes/no words.
PLACEHOLDERS_WRITTEN = {"", "none", "select"}
YES_WRITTEN, NO_WRITTEN = {"yes", "true", "1"}, {"no", "false", "0"}
APP = str(Path(__file__).resolve().parent.parent / "app.py")


def export(edi: str = "yn", seed: int = 34) -> bytes:
    """A HubSpot contacts export with custom logistics columns; `edi` is how "Has EDI" writes
    its yes and no. The same seed gives the same leads whatever `edi` is."""
    rng = random.Random(seed)
    start = date(2025, 1, 6)
    rows = []
    for i in range(ROWS):
        has_edi = rng.choice([True, False, None, True])
        telematics = rng.choice([True, False, None])
        rows.append({
            "Record ID": 30100 + i,
            "First Name": rng.choice(["Anna", "Jan", "Piet", "Sophie"]),
            "Email": f"c{i}@firm{i % 300}.com",
            "Company Name": f"Firm {i % 300} Transport",
            "Industry": rng.choice(INDUSTRIES),
            "Create Date": (start + timedelta(days=rng.randint(0, 300))).isoformat(),
            "Fleet Size": rng.choice(FLEET),
            "Current TMS": rng.choice(TMS),
            "Trucks": str(rng.randint(1, 400)),
            "Has EDI": "" if has_edi is None else YES_NO[edi][0 if has_edi else 1],
            "Uses Telematics": "" if telematics is None else ("true" if telematics else "false"),
            "Cross-border": rng.choice(["1", "0", "1"]),
            "Deal Stage": rng.choice(STAGES),
        })
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def plain(data: bytes) -> pd.DataFrame:
    """The export as written, every cell as text."""
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def selected(leads: pd.DataFrame, criterion) -> int:
    return int(criterion_mask(leads, criterion).sum())


def test_a_placeholder_comes_last_and_each_value_counts_what_its_rule_selects():
    data = export()
    written = plain(data)["Current TMS"]
    leads = import_leads(data, "corvid.csv").leads
    offered = lead_values(leads).columns["Current TMS"]
    placeholder = written.str.strip().str.casefold().isin(PLACEHOLDERS_WRITTEN)
    assert placeholder.sum() > 100  # the export has both, many of them
    real = {v: n for v, n in zip(offered.values, offered.counts, strict=True)
            if v.casefold() not in PLACEHOLDERS_WRITTEN}
    assert real == written[~placeholder].value_counts().to_dict()
    assert offered.values[-1] == "none"  # named by a rule, it matches: offered, last
    assert offered.blank == int(placeholder.sum())
    # What the rules select agrees with the offer: a value's count, and the placeholders only
    # through "is blank", never passing 'is not one of'.
    for value, count in zip(offered.values, offered.counts, strict=True):
        assert selected(leads, C("Current TMS", "in", values=[value])) == count, value
    assert selected(leads, C("Current TMS", "is_blank")) == offered.blank
    named = ["SAP TM", "Oracle OTM"]
    assert selected(leads, C("Current TMS", "not_in", values=named)) == \
        int((~placeholder & ~written.isin(named)).sum())
    assert sum(real.values()) - sum(real[v] for v in named) \
        == int((~placeholder & ~written.isin(named)).sum())


def test_a_catalog_fields_placeholder_comes_last():
    data = export()
    written = plain(data)["Industry"]
    offered = dict(lead_values(import_leads(data, "corvid.csv").leads).fields["industry"])
    known = written[~written.str.casefold().isin(PLACEHOLDERS_WRITTEN)]
    assert list(offered)[-1] == "Select"
    assert {v: n for v, n in offered.items() if v != "Select"} == known.value_counts().to_dict()


@pytest.mark.parametrize("edi", list(YES_NO))
def test_a_yes_no_column_is_offered_yes_and_no_whatever_its_words(edi):
    """Yes/No, true/false or 1/0 (a number column once imported): "is yes" and "is no" first,
    given and blank as it has blanks, no values to pick and no ranges; each with the leads
    its rule selects, the same leads in every spelling."""
    data = export(edi)
    written = plain(data)["Has EDI"].str.strip().str.casefold()
    yes, no = written.isin(YES_WRITTEN), written.isin(NO_WRITTEN)
    leads = import_leads(data, f"corvid_{edi}.csv").leads
    column = lead_values(leads).columns["Has EDI"]
    ops = _ops_for(column)
    assert ops == ["is_true", "is_false", "is_known", "is_blank"]
    assert not set(ops) & {*VALUE_OPS, *RANGE_OPS}
    assert column.yes_no == (int(yes.sum()), int(no.sum()))
    assert _op_counts(column) == {"is_true": int(yes.sum()), "is_false": int(no.sum()),
                                  "is_known": int((yes | no).sum()),
                                  "is_blank": int((~yes & ~no).sum())}
    for op, expected in _op_counts(column).items():
        assert selected(leads, C("Has EDI", op)) == expected, op
    hit = criterion_mask(leads, C("Has EDI", "is_true")).to_numpy()
    assert (hit == yes.to_numpy()).all()  # the same leads, not only as many


def test_true_false_words_and_ones_and_zeros_are_yes_no_columns_too():
    data = export()
    raw = plain(data)
    lead_columns = lead_values(import_leads(data, "corvid.csv").leads).columns
    telematics = raw["Uses Telematics"]
    assert _ops_for(lead_columns["Uses Telematics"]) == \
        ["is_true", "is_false", "is_known", "is_blank"]
    assert lead_columns["Uses Telematics"].yes_no == (int(telematics.eq("true").sum()),
                                                     int(telematics.eq("false").sum()))
    border = raw["Cross-border"]
    assert _ops_for(lead_columns["Cross-border"]) == ["is_true", "is_false"]  # none blank
    assert lead_columns["Cross-border"].yes_no == (int(border.eq("1").sum()),
                                                  int(border.eq("0").sum()))


def test_a_bucket_column_and_a_count_are_not_yes_no():
    data = export()
    written = plain(data)["Fleet Size"]
    lead_columns = lead_values(import_leads(data, "corvid.csv").leads).columns
    fleet = lead_columns["Fleet Size"]
    ops = _ops_for(fleet)
    assert fleet.yes_no is None and ops[0] == "in"
    assert not {"is_true", "is_false"} & set(ops)
    assert dict(zip(fleet.values, fleet.counts, strict=True)) == \
        written[written.ne("")].value_counts().to_dict()
    assert lead_columns["Trucks"].yes_no is None
    assert _ops_for(lead_columns["Trucks"]) == list(RANGE_OPS)


def test_the_outcome_column_is_not_offered_as_a_criterion():
    data = export()
    result = import_leads(data, "corvid.csv")
    assert result.mapping.outcome_column == "Deal Stage"
    columns = lead_values(result.leads, outcome_column=result.mapping.outcome_column).columns
    assert not {"Deal Stage", "deal_stage", "outcome"} & set(columns)
    assert "deal_stage" not in lead_values(result.leads).columns  # the deal stage, always
    # An outcome column of the company's own: left out when the mapping names it.
    frame = plain(data).drop(columns=["Deal Stage"])
    frame["Renewal Signed"] = frame["Cross-border"].map({"1": "Signed", "0": "Open"})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    own = import_leads(buffer.getvalue().encode(), "corvid_renewals.csv").leads
    assert "Renewal Signed" in lead_values(own).columns
    assert "Renewal Signed" not in lead_values(own, outcome_column="Renewal Signed").columns


def test_the_guided_form_offers_the_columns_as_the_rules_read_them(database):
    """On the page: Current TMS's values with their leads, "is yes" with its leads first for
    Has EDI, no deal stage among the columns."""
    data = export()
    raw = plain(data)
    with make_session(database) as s:
        workshop, key = store.create_workshop(s, company="Corvid Freight", title="Leads",
                                              facilitator_name="Fay")
        result = import_leads(data, "corvid.csv")
        store.record_upload(s, workshop.id, key, sha256=save_upload(data),
                            filename="corvid.csv", rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["ws"], at.query_params["key"] = workshop.id, key
    at.run()
    at.switch_page("views/facilitator.py").run()
    jump = next(s for s in at.selectbox if s.key.endswith(":jump"))
    jump.set_value(next(i for i, o in enumerate(jump.options) if "Other signals" in o)).run()
    column = next(s for s in at.selectbox if s.key.endswith(":other:column"))
    assert not {"Deal Stage", "deal_stage"} & {str(o).split(" (")[-1].rstrip(")")
                                               for o in column.options}
    assert not [o for o in column.options if "deal" in str(o).casefold()]

    column.set_value("Current TMS").run()
    values = next(m for m in at.multiselect if m.key.endswith(":other:values"))
    tms = raw["Current TMS"]
    known = tms[~tms.str.casefold().isin(PLACEHOLDERS_WRITTEN)].value_counts()
    assert set(f"{v} · {n:,} leads" for v, n in known.items()) <= set(values.options)
    values.set_value(["none"]).run()
    assert not at.exception

    next(s for s in at.selectbox if s.key.endswith(":other:column")).set_value("Has EDI").run()
    condition = next(r for r in at.radio if r.key.endswith(":other:op"))
    edi = raw["Has EDI"]
    assert condition.value == "is_true"
    assert condition.options[0] == f"is yes (or has a date) · {int(edi.eq('Yes').sum()):,} leads"
    assert not [m for m in at.multiselect if m.key.endswith(":other:values")]
