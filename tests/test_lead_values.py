"""The guided form's values from a company's own leads, and the count shown beside each: what a
rule naming that value selects, worked out here with plain pandas."""
from __future__ import annotations

import re

import pandas as pd

from tests.builders import C, D
from workshop import leads
from workshop.evaluate import MQL, evaluate
from workshop.lead_values import counted, lead_values


def test_the_forms_values_come_from_the_leads_with_their_counts():
    table = leads.normalise(pd.DataFrame({
        "Industry": ["Healthcare", "healthcare", "Retail", "Select", None],
        "Region": ["EMEA", "EMEA", "APAC", "unknown", "EMEA"]}, dtype="str"),
        {"Industry": "industry"})
    values = lead_values(table)
    assert values.fields["industry"] == (("Healthcare", 2), ("Retail", 1), ("Select", 1))
    assert values.columns["Region"].values == ("EMEA", "APAC", "unknown")  # placeholder last
    assert values.columns["Region"].counts == (3, 1, 1)
    assert values.columns["Region"].blank == 1  # "unknown": what "is blank" selects


def plain_key(value: str) -> str:
    """How the rules tell values apart, written out: case, spaces, '_' and '-' ignored."""
    return re.sub(r"[ _-]", "", value.casefold())


def test_spellings_one_rule_matches_are_one_value_with_all_their_leads():
    """'analytics_suite' and 'Analytics Suite' were offered apart (581 and 307 leads) though a
    rule naming either selects both (888); placeholders come last, after every real value (a
    rule naming one matches it)."""
    products = (["analytics_suite"] * 9 + ["Analytics Suite"] * 5 + ["Starter"] * 4
                + ["starter"] * 6 + ["--None--"] * 12 + ["Select"] * 2 + ["CRM"] * 3)
    table = leads.normalise(pd.DataFrame({"Product Interest": products}, dtype="str"), {})
    shown = lead_values(table).columns["Product Interest"]
    raw = pd.Series(products)
    by_rule = raw.groupby(raw.map(plain_key)).size()
    assert dict(zip(shown.values, shown.counts, strict=True)) == {
        "analytics_suite": by_rule["analyticssuite"], "starter": by_rule["starter"],
        "CRM": by_rule["crm"], "--None--": by_rule["none"], "Select": by_rule["select"]}
    assert shown.values == ("analytics_suite", "starter", "CRM", "--None--", "Select")
    assert shown.blank == by_rule["none"] + by_rule["select"]
    for value, count in zip(shown.values, shown.counts, strict=True):
        rule = D(C("Product Interest", "in", values=[value]))
        assert evaluate(table, rule).count(MQL) == count, value


def test_a_categorical_column_is_counted_alike():
    text = pd.Series(["Computer Software", "COMPUTER_SOFTWARE", "computer software", "Retail",
                      "Computer Software", None])
    assert counted(text.astype("category")) == counted(text) == [
        ("Computer Software", 4), ("Retail", 1)]


def test_a_choice_written_twice_in_one_cell_counts_its_lead_once():
    """A tags column Excel kept ("CRM;crm", "CRM; CRM"): the form said 688 leads for CRM
    where a rule naming it selects 458, more than the leads with any value at all."""
    cells = ["CRM;crm", "CRM; CRM", "CRM;Billing", "Billing", "crm", "Billing;billing;CRM", None]
    table = leads.normalise(pd.DataFrame({"Interests": cells * 3}, dtype="str"), {})
    shown = dict(zip(lead_values(table).columns["Interests"].values,
                     lead_values(table).columns["Interests"].counts, strict=True))
    raw = pd.Series(cells * 3, dtype="str").str.casefold()
    assert shown == {"CRM": int(raw.str.contains("crm").sum()),
                     "Billing": int(raw.str.contains("billing").sum())}
    for value, count in shown.items():
        assert evaluate(table, D(C("Interests", "in", values=[value]))).count(MQL) == count
