"""An export writing a third of its amounts in each of GBP, EUR and USD (Salesforce in a
multi-currency org) was said to "write its amounts in GBP", with the USD definitions named as
the odd ones out, right under the sentence saying the column mixes currencies. Where a column
mixes currencies, that sentence is the one said; and a column of currency codes is said to put
the amounts in several currencies, not to name them."""
from __future__ import annotations

from tests.test_currency import euro_definition, open_page, salesforce_multicurrency, upload
from workshop import store
from workshop.db import session as make_session
from workshop.money import mixed_sentence
from workshop.pipeline import import_leads


def warnings_for(database, data: bytes) -> str:
    params = upload(database, data, "sf.csv")
    with make_session(database) as s:
        _, revision, _ = store.my_draft(s, params["ws"], params["key"])
        store.save_draft(s, params["ws"], params["key"], euro_definition(), revision)
    at = open_page(params, "views/evidence.py")
    return " ".join(w.value.replace("\\", "") for w in at.warning)


def test_no_one_currency_is_claimed_for_an_export_that_mixes_them(database):
    data = salesforce_multicurrency(["GBP", "USD", "EUR", "GBP"] * 15)
    assert import_leads(data, "sf.csv").currency == "GBP"  # the form's first offer
    warnings = warnings_for(database, data)
    assert ("“Annual Revenue Currency” puts the leads' amounts in more than one currency "
            "(GBP, USD, EUR)") in warnings
    assert "This export writes its amounts in" not in warnings


def test_an_export_in_one_currency_still_names_a_definition_in_another(database):
    warnings = warnings_for(database, salesforce_multicurrency(["USD"] * 40))
    assert "This export writes its amounts in USD, but some amounts of money are not" in warnings


def test_a_money_column_names_its_currencies():
    assert mixed_sentence("Annual Revenue", ["USD", "EUR"]).startswith(
        "“Annual Revenue” names more than one currency (USD, EUR).")


def test_the_form_says_the_export_mixes_currencies(database):
    """The guided form said "Your export writes its amounts in GBP (£)" of the same export."""
    from tests.test_currency import open_question, widget

    params = upload(database, salesforce_multicurrency(["GBP", "USD", "EUR", "GBP"] * 15),
                    "sf.csv")
    at = open_question(params, 7)  # size: employees and annual revenue
    assert widget(at.selectbox, ":annual_revenue:currency").value == "GBP"  # most written
    captions = [c.value for c in at.caption]
    assert ("Your export writes its amounts in more than one currency, most in GBP (£); they "
            "are compared as written, without converting.") in captions
    assert not any(c.startswith("Your export writes its amounts in GBP") for c in captions)
