"""Money in the workshop's own currency: a German company's revenue threshold reads "€10M" on
the poster, never "$10M".

The app never converts: a criterion's bounds are amounts in its currency, and an export's amounts
are read in the currency they are written in. Which currency an export writes is read from its
money columns' headers and values, and the form offers it first.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.builders import D
from workshop import store
from workshop.compare import compare, spread
from workshop.db import session as make_session
from workshop.definition import Criterion, Definition, DefinitionError
from workshop.export import one_pager, to_markdown
from workshop.learn import learn
from workshop.mapping import headers_signature
from workshop.pipeline import import_leads
from workshop.rules import points_csv
from workshop.ui.comparison_view import spread_markdown
from workshop.uploads import save_upload

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def csv_bytes(header: str, values: list[str], sep: str = ",", encoding: str = "utf-8") -> bytes:
    """A small export: e-mails, a company, and the money column as the CRM wrote it."""
    rows = [sep.join(["Email", "Company", header])]
    for i, value in enumerate(values):
        quoted = f'"{value}"' if sep in value else value
        rows.append(sep.join([f"p{i}@firma{i}.de", f"Firma {i}", quoted]))
    return ("\r\n".join(rows) + "\r\n").encode(encoding)


# (file, what a person reading it knows the amounts are in)
EXPORTS = {
    "zoho_german": (csv_bytes("Annual Revenue", ["1,2 Mio €", "850.000 €", "", "3,5 Mio €",
                                                 "-None-", "12 Mio €"] * 5, sep=";"), "EUR"),
    "hubspot_header": (csv_bytes("Annual Revenue (EUR)", ["1200000", "850000", "",
                                                          "3500000"] * 5), "EUR"),
    "salesforce_plain": (csv_bytes("Annual Revenue", ["1200000", "850000", "3500000"] * 5),
                         None),
    "uk_pounds": (csv_bytes("Annual Revenue", ["£3m", "£750k", "", "£12.5m"] * 5), "GBP"),
    "us_dollars": (csv_bytes("Annual Revenue", ["$1.5M", "$750K", "$12M"] * 5), "USD"),
    "mixed": (csv_bytes("Annual Revenue", ["$1.5M", "€2M", "$3M"] * 5), "USD"),  # most written
    "swedish_kronor": (csv_bytes("Annual Revenue", ["12 Mkr", "850 000 kr", "3 Mkr"] * 5,
                                 sep=";"), None),
    "swiss_francs": (csv_bytes("Annual Revenue", ["CHF 1'200'000", "CHF 850'000"] * 5), "CHF"),
    "german_thousands": (csv_bytes("Umsatz (TEUR)", ["1.200", "850", "", "3.500"] * 5, sep=";"),
                         "EUR"),
    "kilo_euros": (csv_bytes("Revenue (kEUR)", ["1200", "850", "3500"] * 5), "EUR"),
    "kronor_and_sek": (csv_bytes("Annual Revenue", ["12 345 678 kr", "850 000 kr",
                                                    "SEK 3 000 000"] * 5, sep=";"), "SEK"),
}


@pytest.mark.parametrize("name", list(EXPORTS))
def test_the_currency_an_export_writes_is_read_from_its_money_column(name):
    data, expected = EXPORTS[name]
    imported = import_leads(data, f"{name}.csv")
    assert imported.mapping.columns  # the money column is mapped to annual revenue
    assert "annual_revenue" in imported.leads.columns
    assert imported.currency == expected


def test_the_amounts_themselves_are_read_without_their_marks():
    data, _ = EXPORTS["zoho_german"]
    imported = import_leads(data, "zoho.csv")
    raw = pd.read_csv(io.BytesIO(data), sep=";", dtype=str)["Annual Revenue"]
    words = raw.str.replace("€", "").str.strip()
    expected = words.map(lambda text: float(text.replace(" Mio", "").replace(".", "")
                                            .replace(",", ".")) * (1e6 if "Mio" in text else 1)
                         if isinstance(text, str) and text[0].isdigit() else np.nan)
    assert imported.leads["annual_revenue"].tolist() == pytest.approx(expected.tolist(),
                                                                      nan_ok=True)


def test_a_criterion_says_its_currency_and_keeps_it_through_json():
    euros = Criterion(field="annual_revenue", op="at_least", low=10_000_000, currency="eur")
    assert euros.currency == "EUR"
    assert euros.sentence() == "Annual revenue is at least €10M"
    again = Definition.from_json(D(euros).to_json()).criteria[0]
    assert again == euros and again.sentence() == euros.sentence()
    francs = Criterion(field="budget", op="between", low=50_000, high=2_000_000,
                       currency="CHF")
    assert francs.sentence() == "Confirmed budget is between CHF 50,000 and CHF 2M"


def test_dollars_are_the_default_and_stored_as_before():
    """A definition saved before currencies existed reads and writes exactly as it did."""
    plain = Criterion(field="annual_revenue", op="at_least", low=20_000_000)
    spelled = Criterion(field="annual_revenue", op="at_least", low=20_000_000, currency="USD")
    assert plain == spelled and plain.currency is None
    assert "currency" not in plain.model_dump_json()
    assert plain.sentence() == "Annual revenue is at least $20M"


@pytest.mark.parametrize(("criterion", "message"), [
    ({"field": "annual_revenue", "op": "at_least", "low": 5, "currency": "XYZ"},
     "“XYZ” is not a currency this app knows"),
    ({"field": "employees", "op": "at_least", "low": 5, "currency": "EUR"},
     "only amounts of money have a currency"),
])
def test_a_currency_that_cannot_be_is_refused_with_a_sentence(criterion, message):
    with pytest.raises(DefinitionError) as raised:
        Definition.from_dict({"criteria": [criterion]})
    assert message in str(raised.value)


def euro_definition() -> Definition:
    return D(Criterion(field="annual_revenue", op="at_least", low=10_000_000, currency="EUR"),
             Criterion(field="budget", op="at_least", low=25_000, gate="sql", currency="EUR"),
             Criterion(field="employees", op="between", low=50, high=1000))


def test_the_one_pager_and_the_rules_write_the_definitions_currency():
    page = one_pager(euro_definition(), company="Nordwind GmbH", title="Leads",
                     facilitator="Fay", agreed_by=["Mia", "Sol"], agreed_at=None)
    text = to_markdown(page)
    assert "Annual revenue is at least €10M" in text
    assert "Confirmed budget is at least €25,000" in text
    assert "$" not in text
    assert "€10M" in points_csv(euro_definition()).decode("utf-8")


def test_drafts_in_two_currencies_are_never_said_to_overlap():
    """€1M–€10M and $1M–$10M are not the same range: the app never converts, so it shows each
    in its own currency and says they differ instead of claiming common ground."""
    drafts = {
        "Marketing": D(Criterion(field="annual_revenue", op="between", low=1e6, high=1e7,
                                 currency="EUR", question="size")),
        "Sales": D(Criterion(field="annual_revenue", op="between", low=2e6, high=5e7,
                             question="size")),
    }
    item = next(s for s in spread(drafts, "size") if s.field == "annual_revenue")
    assert item.overlap is None and item.mixed_currencies
    row = next(r for r in compare(drafts).rows if r.question.key == "size")
    text = spread_markdown(drafts, row).replace("\\$", "$")
    assert "amounts in different currencies" in text
    assert "€1M to €10M (Marketing)" in text and "$2M to $50M (Sales)" in text
    same = {"Marketing": drafts["Marketing"], "Sales": D(Criterion(
        field="annual_revenue", op="between", low=2e6, high=5e7, currency="EUR",
        question="size"))}
    agreed = next(s for s in spread(same, "size") if s.field == "annual_revenue")
    assert agreed.overlap == (2e6, 1e7) and not agreed.mixed_currencies


def won_by_revenue(rows: int = 2400, seed: int = 7) -> bytes:
    """A German deal export: revenue as "x Mio €", big companies won far more often."""
    rng = np.random.default_rng(seed)
    millions = np.round(rng.lognormal(1.0, 1.2, rows), 1)
    big = millions >= 8
    won = rng.random(rows) < np.where(big, 0.45, 0.04)
    closed = rng.random(rows) < 0.9
    stage = np.where(~closed, "Verhandlung", np.where(won, "Closed Won", "Closed Lost"))
    days = pd.Timestamp("2025-01-06") + pd.to_timedelta(rng.integers(0, 540, rows), unit="D")
    frame = pd.DataFrame({
        "Email": [f"k{i}@firma{i}.de" for i in range(rows)],
        "Company": [f"Firma {i} GmbH" for i in range(rows)],
        "Annual Revenue": [f"{m:.1f}".replace(".", ",") + " Mio €" for m in millions],
        "Stage": stage,
        "Created Time": days.strftime("%d.%m.%Y"),
    })
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def test_the_won_deals_draft_learns_amounts_in_the_exports_currency():
    imported = import_leads(won_by_revenue(), "deals.csv")
    assert imported.currency == "EUR"
    learned = learn(imported.leads, mapping=imported.mapping, currency=imported.currency)
    assert learned.found, learned.reason
    revenue = [c for c in learned.definition.criteria if c.field == "annual_revenue"]
    assert revenue and all(c.currency == "EUR" for c in revenue)
    assert all("€" in c.sentence() and "$" not in c.sentence() for c in revenue)


def upload(engine, data: bytes, filename: str) -> dict:
    with make_session(engine) as s:
        workshop, key = store.create_workshop(s, company="Nordwind GmbH", title="Leads",
                                              facilitator_name="Fay")
        result = import_leads(data, filename)
        store.record_upload(s, workshop.id, key, sha256=save_upload(data), filename=filename,
                            rows=len(result.leads),
                            headers_signature=headers_signature(list(result.raw.columns)),
                            mapping_json=result.mapping.to_json())
    return {"ws": workshop.id, "key": key}


def open_page(params: dict, page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_question(params: dict, index: int) -> AppTest:
    at = open_page(params, "views/facilitator.py")
    at.selectbox(key=next(s.key for s in at.selectbox if s.key.endswith(":jump"))) \
        .set_value(index).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def widget(elements, suffix: str):
    return next(e for e in elements if str(e.key).endswith(suffix))


def my_draft(engine, params: dict) -> Definition:
    with make_session(engine) as s:
        return store.my_draft(s, params["ws"], params["key"])[0]


def test_the_form_offers_the_exports_currency_and_saves_it(database):
    params = upload(database, EXPORTS["zoho_german"][0], "zoho.csv")
    at = open_question(params, 7)  # size: employees and annual revenue
    currency = widget(at.selectbox, ":annual_revenue:currency")
    assert currency.value == "EUR"
    widget(at.number_input, ":annual_revenue:low").set_value(5_000_000).run()
    saved = my_draft(database, params).criteria_for("size")
    assert [(c.field, c.low, c.currency) for c in saved] == [("annual_revenue", 5e6, "EUR")]
    assert saved[0].sentence() == "Annual revenue is at least €5M"
    # The budget question offers the same currency as the definition's other amount.
    at = open_question(params, 4)
    assert widget(at.selectbox, ":budget:currency").value == "EUR"
    # Choosing another currency saves it with the same bounds.
    at = open_question(params, 7)
    widget(at.selectbox, ":annual_revenue:currency").set_value("GBP").run()
    saved = my_draft(database, params).criteria_for("size")
    assert [(c.low, c.currency) for c in saved] == [(5e6, "GBP")]
    assert "Your export writes its amounts in EUR (€)." in [c.value for c in at.caption]


def test_a_plain_export_offers_dollars_and_says_nothing(database):
    params = upload(database, EXPORTS["salesforce_plain"][0], "sf.csv")
    at = open_question(params, 7)
    assert widget(at.selectbox, ":annual_revenue:currency").value == "USD"
    assert not [c for c in at.caption if "writes its amounts" in c.value]
    widget(at.number_input, ":annual_revenue:low").set_value(1_000_000).run()
    saved = my_draft(database, params).criteria_for("size")
    assert saved[0].currency is None and saved[0].sentence() == "Annual revenue is at least $1M"


def test_a_column_mixing_currencies_is_said_on_the_evidence_page(database):
    """"$1.5M" and "€2M" are read as 1.5M and 2M of the same thing: the app never converts, so
    the facilitator is told before a revenue threshold is trusted."""
    data = EXPORTS["mixed"][0]
    imported = import_leads(data, "mixed.csv")
    values = pd.read_csv(io.BytesIO(data), dtype=str)["Annual Revenue"]
    dollars, euros = int(values.str.contains("$", regex=False).sum()), \
        int(values.str.contains("€").sum())
    assert dollars > euros > 0
    assert imported.mixed_currencies == {"Annual Revenue": ["USD", "EUR"]}
    assert imported.currency == "USD"  # the form offers the one most written
    for unmixed in ("zoho_german", "kronor_and_sek", "german_thousands"):
        assert import_leads(EXPORTS[unmixed][0], "x.csv").mixed_currencies == {}
    params = upload(database, data, "mixed.csv")
    at = open_page(params, "views/evidence.py")
    warnings = [w.value.replace("\\", "") for w in at.warning]
    assert any("“Annual Revenue” names more than one currency (USD, EUR)" in w
               for w in warnings), warnings


def test_amounts_in_thousands_of_euros_are_read_as_euros():
    data, _ = EXPORTS["german_thousands"]
    imported = import_leads(data, "umsatz.csv")
    raw = pd.read_csv(io.BytesIO(data), sep=";", dtype=str)["Umsatz (TEUR)"]
    expected = pd.to_numeric(raw.str.replace(".", "", regex=False)) * 1000
    assert imported.leads["annual_revenue"].tolist() == pytest.approx(expected.tolist(),
                                                                      nan_ok=True)


def test_a_header_in_euros_with_some_amounts_in_dollars_is_mixed():
    values = ["1200000" if i % 7 else "$8,204,000" for i in range(70)]
    imported = import_leads(csv_bytes("Annual Revenue (EUR)", values), "hs.csv")
    assert imported.mixed_currencies == {"Annual Revenue (EUR)": ["EUR", "USD"]}


def salesforce_multicurrency(codes: list[str]) -> bytes:
    """Salesforce in a multi-currency org: plain amounts, each record's currency beside them."""
    rows = ["Lead ID,Email,Annual Revenue,Annual Revenue Currency"]
    rows += [f"00Q{i:07d},p{i}@x{i}.com,{1_000_000 + i},{code}" for i, code in enumerate(codes)]
    return ("\n".join(rows) + "\n").encode()


def test_a_column_of_currency_codes_says_which_currency_the_amounts_are_in():
    codes = ["EUR", "EUR", "USD"] * 20
    mixed = import_leads(salesforce_multicurrency(codes), "sf.csv")
    counted = pd.Series(codes).value_counts()
    assert mixed.mixed_currencies == {"Annual Revenue Currency": list(counted.index)}
    single = import_leads(salesforce_multicurrency(["GBP"] * 30), "sf.csv")
    assert single.currency == "GBP" and single.mixed_currencies == {}


def test_a_definition_in_another_currency_than_the_export_is_said(database):
    params = upload(database, EXPORTS["us_dollars"][0], "us.csv")
    with make_session(database) as s:
        _, revision, _ = store.my_draft(s, params["ws"], params["key"])
        store.save_draft(s, params["ws"], params["key"], euro_definition(), revision)
    at = open_page(params, "views/evidence.py")
    warnings = " ".join(w.value.replace("\\", "") for w in at.warning)
    assert "This export writes its amounts in USD, but some amounts of money are not" in warnings
    assert "in EUR" in warnings


def test_the_announcement_says_when_only_the_currency_changed():
    from workshop.announce import differences
    dollars = D(Criterion(field="annual_revenue", op="between", low=5e6, high=5e7))
    euros = D(Criterion(field="annual_revenue", op="between", low=5e6, high=5e7,
                        currency="EUR"))
    assert differences(dollars, euros) == [
        "Changed: Annual revenue is between $5M and $50M → Annual revenue is between €5M and "
        "€50M (MQL must-have)"]


def two_currency_drafts() -> dict[str, Definition]:
    return {
        "Marketing": D(Criterion(field="annual_revenue", op="at_least", low=10e6,
                                 currency="EUR", question="size")),
        "Sales": D(Criterion(field="annual_revenue", op="at_least", low=5e6, question="size")),
    }


@pytest.mark.parametrize("operation", ["union", "intersection"])
def test_step_3_never_merges_amounts_in_two_currencies(operation):
    """The union of "at least €10M" and "at least $5M" is no "at least €5M": the dollars would
    be relabelled as euros. The room is told to take one answer instead."""
    from workshop.merge import CannotCombine, apply_operation
    drafts = two_currency_drafts()
    with pytest.raises(CannotCombine) as refused:
        apply_operation(D(), "size", operation, drafts)
    assert "different currencies (EUR, USD)" in str(refused.value)
    taken, _ = apply_operation(D(), "size", "take:Marketing", drafts)
    assert taken.criteria[0].currency == "EUR"


def test_the_same_amount_in_two_currencies_is_no_agreement():
    """€10M against $10M read as "agree" with a score of 100, and the suggestion took
    marketing's euros, dropping sales' dollars without a word."""
    from workshop.compare import AGREE
    from workshop.merge import suggest
    drafts = {
        "Marketing": D(Criterion(field="annual_revenue", op="at_least", low=10e6,
                                 currency="EUR", question="size")),
        "Sales": D(Criterion(field="annual_revenue", op="at_least", low=10e6, question="size")),
    }
    comparison = compare(drafts)
    row = next(r for r in comparison.rows if r.question.key == "size")
    assert row.status != AGREE and row.similarity == 0
    _, suggestions = suggest(comparison)
    assert next(s for s in suggestions if s.question == "size").how == "open"
    same = {**drafts, "Sales": D(Criterion(field="annual_revenue", op="at_least", low=10e6,
                                           currency="EUR", question="size"))}
    assert next(r for r in compare(same).rows if r.question.key == "size").status == AGREE
