"""Salesforce's column of ISO country codes (BillingCountryCode) is the country when the export
has no country name beside it: a rule on the country reads its codes as the countries they
name. A bare "Country Code" stays unmapped: it is as often a telephone dialling code."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.builders import C, D
from workshop.evaluate import evaluate
from workshop.mapping import auto_map
from workshop.pipeline import import_leads

CODES = ["US", "GB", "DE", "US", "FR", "CA", "DE", "US", "", "IN"]


@pytest.mark.parametrize("header", ["BillingCountryCode", "Billing Country Code",
                                    "MailingCountryCode"])
def test_a_column_of_codes_is_the_country(header):
    export = pd.DataFrame({"name": [f"Lead {i}" for i in range(200)],
                           header: [CODES[i % len(CODES)] for i in range(200)]})
    text = export.to_csv(index=False)
    result = import_leads(text.encode(), "contacts.csv")
    assert result.mapping.columns.get(header) == "country"
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    for values, codes in ((["United States"], {"US"}),
                          (["United Kingdom", "Germany"], {"GB", "DE"})):
        qualified = evaluate(result.leads, D(C("country", "in", values))).frame["is_mql"]
        assert qualified.tolist() == raw[header].isin(codes).tolist()


def test_a_country_name_beside_the_codes_is_the_country():
    assert auto_map(["Country Code"]) == {}  # say, +44
    assert auto_map(["BillingCountryCode", "BillingCountry"]) == {"BillingCountry": "country"}
