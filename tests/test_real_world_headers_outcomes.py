"""Headers and outcome words of real exports that the import misread: revenue written with its
own unit or in full given a thousands unit on top, a deal's value taken for the company's
annual revenue, Odoo's "Customer" read as yes/no, Apollo's contact stages, won and lost stages
in Portuguese, Spanish, French and Italian, closed statuses that are not won, and usual headers
of Odoo, Zoho, Dynamics and German exports.

Every expected figure is worked out in the test from the file with plain pandas and readings
written out by hand, not by the app's own rules.
"""
from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from workshop.importer import read_export
from workshop.mapping import auto_map, repeating_columns
from workshop.pipeline import import_leads, map_with_saved

RNG_SEED = 20260417


def csv_bytes(frame: pd.DataFrame, sep: str = ",") -> bytes:
    return frame.to_csv(index=False, sep=sep).encode("utf-8")


def small_business_revenues(rows: int = 300) -> np.ndarray:
    """Whole-dollar revenues of small shops: a median well under $100,000."""
    rng = np.random.default_rng(RNG_SEED)
    return np.round(rng.lognormal(mean=11.0, sigma=1.0, size=rows)).astype(np.int64)


def plain_amount(text: str) -> float:
    """"$533K", "$1.8M", "$532,709", "532,709" read by hand."""
    text = text.replace("$", "").replace(",", "").strip()
    factor = {"K": 1e3, "M": 1e6}.get(text[-1:], 1.0)
    return float(text[:-1] if factor != 1.0 else text) * factor


def suffixed(amount: int) -> str:
    return f"${amount / 1e6:.1f}M" if amount >= 1_000_000 else f"${round(amount / 1e3)}K"


# --- 1. a unit never multiplies values that carry their own --------------------------------------

@pytest.mark.parametrize("header, write", [
    ("Annual Revenue", suffixed),
    ("Annual Revenue", lambda amount: f"${amount:,}"),
    ("Annual Revenue (USD)", lambda amount: f"{amount:,}"),
])
def test_revenue_written_with_its_unit_or_in_full_is_dollars(header, write):
    amounts = small_business_revenues()
    frame = pd.DataFrame({"Email": [f"a{i}@shop{i}.com" for i in range(len(amounts))],
                          "Company": [f"Shop {i}" for i in range(len(amounts))],
                          header: [write(int(a)) for a in amounts]})
    assert np.median(amounts) < 100_000  # small enough that bare numbers would read thousands
    result = import_leads(csv_bytes(frame), "smb.csv")
    expected = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str)[header].map(plain_amount)
    assert result.mapping.units == {}
    assert result.leads["annual_revenue"].tolist() == pytest.approx(expected.tolist())


def test_bare_small_revenues_are_still_read_as_thousands():
    amounts = np.random.default_rng(RNG_SEED).integers(12_000, 90_000, size=300)  # $12M-$90M
    frame = pd.DataFrame({"Company": [f"Shop {i}" for i in range(len(amounts))],
                          "Annual Revenue": amounts})
    result = import_leads(csv_bytes(frame), "thousands.csv")
    assert result.mapping.units == {"Annual Revenue": 1e3}
    assert result.leads["annual_revenue"].tolist() == (amounts * 1000.0).tolist()


def test_a_saved_thousands_unit_is_not_applied_to_values_with_their_own_unit():
    first = pd.DataFrame({"Company": ["A", "B", "C"],
                          "Annual Revenue": ["25000", "48000", "80000"]})
    saved = import_leads(csv_bytes(first), "first.csv").mapping
    assert saved.units == {"Annual Revenue": 1e3}
    amounts = small_business_revenues(50)
    fresh = pd.DataFrame({"Company": [f"S{i}" for i in range(50)],
                          "Annual Revenue": [suffixed(int(a)) for a in amounts]})
    raw, export_format = read_export(csv_bytes(fresh), "fresh.csv", repeated=repeating_columns)
    result = map_with_saved(raw, export_format, saved.to_json())
    assert result.mapping.units == {}
    assert result.leads["annual_revenue"].tolist() == pytest.approx(
        [plain_amount(v) for v in fresh["Annual Revenue"]])


def test_a_unit_in_a_german_header_multiplies():
    data = "Firma;Umsatz (Tsd. €);E-Mail\nAlpha GmbH;1.250;a@alpha.de\nBeta AG;830;b@beta.de\n"
    result = import_leads(data.encode("utf-8"), "de.csv")
    written = pd.read_csv(io.StringIO(data), sep=";", dtype=str)["Umsatz (Tsd. €)"]
    assert result.mapping.columns["Umsatz (Tsd. €)"] == "annual_revenue"
    assert result.mapping.units == {"Umsatz (Tsd. €)": 1e3}
    assert result.leads["annual_revenue"].tolist() == [
        float(v.replace(".", "")) * 1000 for v in written]


# --- 2. a deal's value is not the company's annual revenue ---------------------------------------

@pytest.mark.parametrize("header", [
    "Prorated Revenue", "Revenu espéré", "Deal Revenue", "Opportunity Revenue", "Revenue Won",
    "Potential Revenue", "Revenue Forecast", "Contract Revenue", "Subscription Revenue",
    "Revenue Expected", "Chiffre d'affaires prévisionnel", "Monthly Revenue",
])
def test_a_deal_value_or_a_monthly_revenue_is_not_annual_revenue(header):
    rng = np.random.default_rng(RNG_SEED)
    frame = pd.DataFrame({"Company": [f"C{i}" for i in range(40)],
                          "Email": [f"c{i}@c{i}.com" for i in range(40)],
                          header: rng.integers(5_000, 90_000, size=40)})
    result = import_leads(csv_bytes(frame), "deals.csv")
    assert result.mapping.columns.get(header) in (None, "amount")
    assert "annual_revenue" not in result.leads


ODOO = """\
Created on,Opportunity,Customer,Email,Country,Salesperson,Stage,Probability,Expected Revenue,\
Prorated Revenue,Active
2024-06-27 01:00:00,Opp 0,Cust 0,c0@cust0.com,Belgium,Mitchell Admin,Qualified,70,37666.00,\
26366.20,True
2024-03-30 11:00:00,Opp 1,Cust 1,c1@cust1.com,Belgium,Mitchell Admin,Proposition,70,33067.00,\
23146.90,True
2024-11-15 22:00:00,Opp 2,Cust 2,c2@cust2.com,Belgium,Mitchell Admin,New,30,18997.00,5699.10,True
2025-01-03 09:00:00,Opp 3,Cust 3,c3@cust3.com,France,Mitchell Admin,Won,100,43881.00,43881.00,True
2025-02-11 10:00:00,Opp 4,Cust 4,c4@cust4.com,France,Mitchell Admin,Won,100,12000.00,12000.00,True
"""


def test_odoo_pipeline_customer_opportunity_and_revenues():
    result = import_leads(ODOO.encode(), "odoo.csv")
    truth = pd.read_csv(io.StringIO(ODOO), dtype=str)
    columns = result.mapping.columns
    assert columns.get("Customer") == "company" and "is_customer" not in columns.values()
    assert columns.get("Opportunity") is None  # a deal's name, not its ID
    assert columns.get("Prorated Revenue") is None and "annual_revenue" not in result.leads
    assert columns.get("Expected Revenue") == "amount"
    assert result.leads["company"].astype(str).tolist() == truth["Customer"].tolist()
    assert result.leads["amount"].tolist() == truth["Expected Revenue"].astype(float).tolist()
    by_hand = truth["Stage"].map({"Won": "won"}).fillna("open")
    assert result.leads["outcome"].tolist() == by_hand.tolist()


def test_odoo_french_pipeline_etape_client_and_gagne():
    data = ("Opportunité;Client;Adresse e-mail;Étape;Revenu espéré;Date de création\n"
            "Affaire 0;Client 0 SARL;c0@client0.fr;Gagné;30 337,00 €;07/06/2025 14:22:36\n"
            "Affaire 1;Client 1 SARL;c1@client1.fr;Qualifié;59 565,00 €;06/06/2025 15:47:46\n"
            "Affaire 2;Client 2 SARL;c2@client2.fr;Gagné;88 592,00 €;28/02/2025 04:52:12\n"
            "Affaire 3;Client 3 SARL;c3@client3.fr;Nouveau;1 200,00 €;28/03/2025 04:52:12\n")
    result = import_leads(data.encode(), "odoo_fr.csv")
    truth = pd.read_csv(io.StringIO(data), sep=";", dtype=str)
    assert result.mapping.columns.get("Étape") == "deal_stage"
    assert result.mapping.columns.get("Client") == "company"
    assert "annual_revenue" not in result.leads and result.mapping.units == {}
    assert result.leads["outcome"].tolist() == truth["Étape"].map(
        {"Gagné": "won"}).fillna("open").tolist()
    amounts = truth["Revenu espéré"].str.replace(r"[\s€]", "", regex=True).str.replace(",", ".")
    assert result.leads["amount"].tolist() == amounts.astype(float).tolist()


# --- 3. names are not yes/no, deal titles are not job titles, Apollo's stages -------------------

def test_a_deal_title_is_not_a_job_title_but_a_contact_title_is():
    deals = pd.DataFrame({"Title": ["Acme renewal", "Globex rollout", "Initech upsell",
                                    "Umbrella - 50 seats"],
                          "Stage": ["Won", "Lost", "Proposal", "Won"],
                          "Amount": [100, 200, 50, 75]})
    result = import_leads(csv_bytes(deals), "deals.csv")
    assert result.mapping.columns.get("Title") is None
    assert result.leads["Title"].astype(str).tolist() == deals["Title"].tolist()
    contacts = deals.assign(Title=["Head of Marketing", "VP Sales", "CFO", "IT Manager"])
    assert import_leads(csv_bytes(contacts), "contacts.csv").mapping.columns["Title"] == \
        "job_title"


APOLLO_BY_HAND = {"Do Not Contact": "lost", "Not Interested": "lost", "Bad Data": "lost",
                  "Cold": "open", "Approaching": "open", "Replied": "open",
                  "Interested": "open"}


def test_apollo_contact_stages_that_end_the_contact_are_lost():
    rng = np.random.default_rng(RNG_SEED)
    stages = rng.choice(list(APOLLO_BY_HAND), size=200)
    frame = pd.DataFrame({"First Name": "A", "Title": "Head of Marketing",
                          "Company": [f"C{i}" for i in range(200)],
                          "Email": [f"a{i}@c{i}.io" for i in range(200)], "Stage": stages})
    result = import_leads(csv_bytes(frame), "apollo.csv")
    truth = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str)["Stage"].map(APOLLO_BY_HAND)
    assert result.leads["outcome"].tolist() == truth.tolist()
    assert (truth == "lost").sum() > 0


# --- 4. outcome words -------------------------------------------------------------------------

STAGES_BY_HAND = {
    "Fechado/Ganho": "won", "Fechado/Perdido": "lost", "Cerrada ganada": "won",
    "Cerrada perdida": "lost", "Fermée gagnée": "won", "Fermée perdue": "lost",
    "Chiuso/Vinto": "won", "Chiuso/Perso": "lost", "Proposta": "open", "Negociação": "open",
    "Dead": "lost", "Rejected": "lost", "Abandoned": "lost", "Qualified": "open",
    "Not Qualified": "lost", "Not won": "lost",
}


def test_stages_in_other_languages_and_closed_stages_read_as_a_person_reads_them():
    rng = np.random.default_rng(RNG_SEED)
    stages = rng.choice(list(STAGES_BY_HAND), size=300)
    frame = pd.DataFrame({"Company / Account": [f"Empresa {i}" for i in range(300)],
                          "Stage": stages})
    result = import_leads(csv_bytes(frame, ";"), "report.csv")
    truth = pd.read_csv(io.BytesIO(csv_bytes(frame, ";")), sep=";", dtype=str)["Stage"]
    assert result.leads["outcome"].tolist() == truth.map(STAGES_BY_HAND).tolist()


@pytest.mark.parametrize("header, by_hand", [
    ("Status", {"Won": "won", "Open": "open", "Lost": "lost", "Abandoned": "lost"}),  # Copper
    ("Status Reason", {"Won": "won", "In Progress": "open", "On Hold": "open",  # Dynamics
                       "Out-Sold": "lost", "Canceled": "lost", "Cancelled": "lost"}),
    ("Lead Status", {"Converted": "won", "Contacted": "open", "Pre-Qualified": "open",  # Zoho
                     "Not Qualified": "lost", "Junk Lead": "lost", "Dead": "lost",
                     "Rejected": "lost"}),
])
def test_statuses_closed_without_a_win_are_lost(header, by_hand):
    rng = np.random.default_rng(RNG_SEED)
    values = rng.choice(list(by_hand), size=250)
    frame = pd.DataFrame({"Company": [f"C{i}" for i in range(250)], header: values})
    result = import_leads(csv_bytes(frame), "statuses.csv")
    truth = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str)[header]
    assert result.mapping.outcome_column == header
    assert result.leads["outcome"].tolist() == truth.map(by_hand).tolist()


# --- 5. usual headers ---------------------------------------------------------------------------

@pytest.mark.parametrize("header, key, values", [
    ("Creation Time", "created", ["2025-01-03 10:00:00", "2025-02-04 11:00:00"]),
    ("created_time", "created", ["2025-01-03", "2025-02-04"]),
    ("Lead Created", "created", ["2025-01-03", "2025-02-04"]),
    ("Lead Creation Date", "created", ["2025-01-03", "2025-02-04"]),
    ("Submitted At", "created", ["2025-01-03T10:00:00", "2025-02-04T11:00:00"]),
    ("Submitted On", "created", ["2025-01-03", "2025-02-04"]),
    ("Employee Range", "employees", ["11-50", "51-200"]),
    ("Employees (Range)", "employees", ["11-50", "51-200"]),
    ("Company Size Range", "employees", ["11-50", "51-200"]),
    ("Revenue Range", "annual_revenue", ["$1M-$10M", "$10M-$50M"]),
    ("Annual Revenue Range", "annual_revenue", ["$1M-$10M", "$10M-$50M"]),
    ("Etapa", "deal_stage", ["Ganado", "Propuesta"]),
    ("Phase", "deal_stage", ["Gewonnen", "Angebot"]),
])
def test_usual_headers_are_mapped(header, key, values):
    frame = pd.DataFrame({"Company": ["A", "B"], header: values})
    assert auto_map(frame.columns) == {"Company": "company", header: key}
    assert import_leads(csv_bytes(frame), "usual.csv").mapping.columns[header] == key


@pytest.mark.parametrize("header", ["Value", "Valor", "Betrag"])
def test_a_plain_value_is_the_amount_in_a_deals_export_only(header):
    rng = np.random.default_rng(RNG_SEED)
    amounts = rng.integers(1_000, 50_000, size=30)
    deals = pd.DataFrame({"Name": [f"Deal {i}" for i in range(30)],
                          "Pipeline Stage": rng.choice(["Negotiation", "Won", "Lost"], size=30),
                          header: amounts})
    result = import_leads(csv_bytes(deals), "deals.csv")
    assert result.mapping.columns[header] == "amount"
    assert result.leads["amount"].tolist() == amounts.astype(float).tolist()
    leads = deals.drop(columns="Pipeline Stage").assign(Email="x@y.com")
    assert import_leads(csv_bytes(leads), "leads.csv").mapping.columns.get(header) is None


def test_zoho_converted_date_time_is_the_won_date_and_the_account_is_no_flag():
    frame = pd.DataFrame({
        "Company": ["A", "B", "C", "D"],
        "Converted Account": ["A Ltd", "", "C Inc", ""],
        "Converted Date Time": ["2025-03-01 10:00:00", "", "2025-04-02 09:30:00", ""]})
    result = import_leads(csv_bytes(frame), "zoho.csv")
    assert "Converted Account" not in result.mapping.columns
    assert result.mapping.outcome_column == "Converted Date Time"
    truth = pd.read_csv(io.BytesIO(csv_bytes(frame)), dtype=str)["Converted Date Time"]
    assert result.leads["outcome"].fillna("not won").tolist() == [
        "won" if isinstance(v, str) else "not won" for v in truth]


def test_a_purchase_timeframe_in_words_is_not_read_as_numbers():
    words = ["Immediate", "This Quarter", "Next Quarter", "This Year"]
    frame = pd.DataFrame({"Company Name": [f"C{i}" for i in range(40)],
                          "Purchase Timeframe": [words[i % 4] for i in range(40)]})
    result = import_leads(csv_bytes(frame), "dynamics.csv")
    assert result.mapping.columns.get("Purchase Timeframe") is None
    assert "timeline_months" not in result.leads
    assert result.leads["Purchase Timeframe"].astype(str).tolist() == \
        frame["Purchase Timeframe"].tolist()
    numbers = frame.assign(**{"Purchase Timeframe": [3, 6, 12, 1] * 10})
    assert import_leads(csv_bytes(numbers), "numbers.csv").leads["timeline_months"].tolist() \
        == numbers["Purchase Timeframe"].astype(float).tolist()


def test_a_yes_no_customer_column_stays_the_flag():
    frame = pd.DataFrame({"Company": ["A", "B", "C", "D"],
                          "Existing Customer": ["Yes", "No", "No", "Yes"]})
    result = import_leads(csv_bytes(frame), "flag.csv")
    assert result.mapping.columns["Existing Customer"] == "is_customer"
    assert result.leads["is_customer"].tolist() == (frame["Existing Customer"] == "Yes").tolist()
