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
    assert values.fields["industry"] == (("Healthcare", 2), ("Retail", 1))  # no placeholder
    assert values.columns["Region"].values == ("EMEA", "APAC")
    assert values.columns["Region"].counts == (3, 1)
    assert values.columns["Region"].blank == 1  # "unknown": what "is blank" selects


def plain_key(value: str) -> str:
    """How the rules tell values apart, written out: case, spaces, '_' and '-' ignored."""
    return re.sub(r"[ _-]", "", value.casefold())


def test_spellings_one_rule_matches_are_one_value_with_all_their_leads():
    """'analytics_suite' and 'Analytics Suite' were offered apart (581 and 307 leads) though a
    rule naming either selects both (888); placeholders are no value to offer."""
    products = (["analytics_suite"] * 9 + ["Analytics Suite"] * 5 + ["Starter"] * 4
                + ["starter"] * 6 + ["--None--"] * 12 + ["Select"] * 2 + ["CRM"] * 3)
    table = leads.normalise(pd.DataFrame({"Product Interest": products}, dtype="str"), {})
    shown = lead_values(table).columns["Product Interest"]
    raw = pd.Series(products)
    by_rule = raw.groupby(raw.map(plain_key)).size()
    assert dict(zip(shown.values, shown.counts, strict=True)) == {
        "analytics_suite": by_rule["analyticssuite"], "starter": by_rule["starter"],
        "CRM": by_rule["crm"]}
    assert shown.values == ("analytics_suite", "starter", "CRM")
    assert shown.blank == by_rule["none"] + by_rule["select"]
    for value, count in zip(shown.values, shown.counts, strict=True):
        rule = D(C("Product Interest", "in", values=[value]))
        assert evaluate(table, rule).count(MQL) == count, value


def test_a_categorical_column_is_counted_alike():
    text = pd.Series(["Computer Software", "COMPUTER_SOFTWARE", "computer software", "Retail",
                      "Computer Software", None])
    assert counted(text.astype("category")) == counted(text) == [
        ("Computer Software", 4), ("Retail", 1)]
