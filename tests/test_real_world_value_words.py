"""Single values as real exports write them, imported whole and checked against a plain reading
written out here: placeholder words of Zoho, Google Analytics and web forms ("-None-", "(not
set)", "--Select--", "—"), yes/no written t/f (PostgreSQL), T/F, a bullet or an emoji tick, and
amounts with the currency marks of Brazil, Switzerland, India, Canada, Australia, Japan,
Scandinavia and Poland. Each expected figure comes from the values the test wrote, never from
the app; the SQL RevOps runs on the export's own table must read them the same way."""
from __future__ import annotations

import io
import random

import duckdb
import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.definition import Action
from workshop.evaluate import MQL, evaluate
from workshop.leads import column_readings
from workshop.pipeline import import_leads
from workshop.sql import TEXT, to_sql


def imported(csv: str):
    return import_leads(csv.encode("utf-8"), "export.csv")


def read(csv: str, delimiter: str = ",") -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False, sep=delimiter)


def sql_stages(raw: pd.DataFrame, definition, columns: dict[str, str]) -> pd.DataFrame:
    """The definition's SQL run on the export's own table (every cell text, as written)."""
    connection = duckdb.connect()
    connection.register("crm", raw)
    sql = to_sql(definition, table="crm", columns=columns,
                 types={key: TEXT for key in columns})
    return connection.execute(f"SELECT lead_stage, lead_points FROM ({sql})").df()


# --- placeholder words ------------------------------------------------------------------------

# What the forms and CRMs write for "nothing chosen", as a person reads them.
NOTHING = ("-None-", "(not set)", "—", "–", "N.A.", "n.a.", "N/D", "--Select--", "-- Select --",
           "Please Select", "Select...", "Not Applicable", "Unspecified", "(empty)")
NOTHING_FOLDED = {word.casefold() for word in NOTHING}
INDUSTRIES = ("Software", "Retail", "Manufacturing")
COUNTRIES = ("Germany", "France", "Spain")


def placeholder_export(rows: int = 240, seed: int = 7) -> str:
    """A Zoho-like lead export: picklists left unset as "-None-" and the like."""
    rng = random.Random(seed)

    def pick(values: tuple[str, ...]) -> str:
        return rng.choice(NOTHING) if rng.random() < 0.4 else rng.choice(values)

    lines = ["Email,Industry,Country,Lead Source"]
    for i in range(rows):
        lines.append(f"a{i}@firm{i}.com,{pick(INDUSTRIES)},{pick(COUNTRIES)},"
                     f"{pick(('Web Download', 'Advertisement'))}")
    return "\n".join(lines) + "\n"


def said_nothing(column: pd.Series) -> pd.Series:
    return column.str.strip().str.casefold().isin(NOTHING_FOLDED) | column.str.strip().eq("")


def test_placeholder_words_are_missing_in_the_data_quality_table():
    """Zoho's "-None-" in 309 of 800 industries showed as 0 missing: a real industry."""
    csv = placeholder_export()
    raw = read(csv)
    quality = {field.header: field for field in imported(csv).quality().fields}
    for header in ("Industry", "Country", "Lead Source"):
        expected = int(said_nothing(raw[header]).sum())
        assert expected > 50
        assert quality[header].missing == expected, header


@pytest.mark.parametrize(("op", "values"), [
    ("is_blank", None), ("is_known", None), ("not_in", ["Retail"]), ("in", ["Software"]),
])
def test_placeholder_words_are_unknown_to_rules_and_their_sql(op, values):
    """'Industry is not one of Retail' counted every "(not set)" lead as a fit."""
    csv = placeholder_export()
    raw = read(csv)
    industry = raw["Industry"].str.strip()
    blank = said_nothing(raw["Industry"])
    expected = {"is_blank": blank, "is_known": ~blank,
                "not_in": ~blank & industry.ne("Retail"),
                "in": industry.eq("Software")}[op]
    definition = D(C("industry", op, values=values))
    leads = imported(csv).leads
    assert evaluate(leads, definition).frame["is_mql"].tolist() == expected.tolist()
    stages = sql_stages(raw, definition, {"industry": "Industry"})
    assert (stages["lead_stage"] != "Not qualified").tolist() == expected.tolist()


def test_a_placeholder_lead_status_is_no_open_lead():
    """A "-None-" lead status counted as a lead still being worked, in every win rate."""
    rng = random.Random(3)
    statuses = ("Closed - Converted", "Contacted", "Junk Lead", "-None-", "(not set)",
                "--Select--")
    cells = [rng.choice(statuses) for _ in range(120)]
    csv = "Email,Lead Status\n" + "\n".join(f"a{i}@firm{i}.com,{s}"
                                           for i, s in enumerate(cells)) + "\n"
    result = imported(csv)
    assert result.mapping.outcome_column == "Lead Status"
    assert result.mapping.open_values == ["Contacted"]
    expected = [{"Closed - Converted": "won", "Contacted": "open", "Junk Lead": "lost"}.get(s)
                for s in cells]
    got = [None if pd.isna(o) else o for o in result.leads["outcome"]]
    assert got == expected


# --- yes/no words -----------------------------------------------------------------------------

@pytest.mark.parametrize(("yes", "no"), [
    ("T", "F"), ("t", "f"), ("●", ""), ("✅", ""), ("✅", "❌"),
])
def test_yes_and_no_as_databases_and_trackers_write_them(yes, no):
    """PostgreSQL's t/f, a bullet or an emoji tick read as nothing: every demo request
    counted 0, every customer none, and the converted column gave no outcome."""
    rng = random.Random(5)
    truth = [rng.random() < 0.3 for _ in range(200)]
    cells = [yes if t else no for t in truth]
    csv = "Email,Demo Requested,Existing Customer,Converted\n" + "\n".join(
        f"a{i}@firm{i}.com,{c},{c},{c}" for i, c in enumerate(cells)) + "\n"
    raw = read(csv)
    expected = raw["Demo Requested"].eq(yes)
    assert expected.tolist() == truth
    result = imported(csv)
    leads = result.leads
    assert (leads["demo_requested"] > 0).tolist() == truth
    assert leads["is_customer"].tolist() == truth
    assert result.mapping.outcome_column == "Converted"
    assert leads["outcome"].eq("won").tolist() == truth

    points = D(actions=[Action(field="demo_requested", points=30)])
    evaluated = evaluate(leads, points).frame["points"]
    assert evaluated.tolist() == [30 * t for t in truth]
    stages = sql_stages(raw, points, {"demo_requested": "Demo Requested"})
    assert stages["lead_points"].astype(int).tolist() == [30 * t for t in truth]
    customers = D(C("is_customer", "is_true"))
    stages = sql_stages(raw, customers, {"is_customer": "Existing Customer"})
    assert (stages["lead_stage"] != "Not qualified").tolist() == truth


# --- amounts with currency marks -------------------------------------------------------------

def grouped(number: float, decimals: int, thousands: str, mark: str) -> str:
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", mark).replace("\0", thousands)


def indian(number: int) -> str:
    """12,34,567: the last three digits, then pairs."""
    digits = str(number)
    head, tail = digits[:-3], digits[-3:]
    pairs = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + pairs + [tail])


# name: (delimiter, the cell for an amount, the amount the cell states)
AMOUNTS = {
    "brazil": (";", lambda x: (f"R$ {grouped(x, 2, '.', ',')}", round(x, 2))),
    "brazil_code_after": (";", lambda x: (f"{grouped(x, 2, '.', ',')} BRL", round(x, 2))),
    "swiss_franc": (",", lambda x: (f"Fr. {grouped(x, 2, chr(39), '.')}", round(x, 2))),
    "swiss_code": (",", lambda x: (f"{grouped(x, 2, chr(39), '.')} CHF", round(x, 2))),
    "rupees": (",", lambda x: (f"Rs. {indian(round(x))}", round(x))),
    "rupee_sign": (",", lambda x: (f"₹{indian(round(x))}", round(x))),
    "inr_code": (",", lambda x: (f"INR {indian(round(x))}", round(x))),
    "crore": (",", lambda x: (f"{round(x / 1e7, 2):.2f} Cr", round(x / 1e7, 2) * 1e7)),
    "lakh": (",", lambda x: (f"{round(x / 1e5, 1):.1f} Lakh", round(x / 1e5, 1) * 1e5)),
    "canadian": (",", lambda x: (f"CA${round(x):,}", round(x))),
    "canadian_short": (",", lambda x: (f"C${round(x):,}", round(x))),
    "australian": (",", lambda x: (f"A${round(x):,}", round(x))),
    "australian_au": (",", lambda x: (f"AU${round(x):,}", round(x))),
    "kronor": (";", lambda x: (f"{grouped(round(x), 0, ' ', ',')} kr", round(x))),
    "yen": (",", lambda x: (f"¥{round(x):,}", round(x))),
    "yen_full_width": (",", lambda x: (f"￥{round(x):,}", round(x))),
    "zloty": (";", lambda x: (f"{grouped(x, 2, ' ', ',')} zł", round(x, 2))),
    "codes_before": (",", lambda x: (f"{random.Random(round(x)).choice(CODES)} {x:,.2f}",
                                     round(x, 2))),
    "codes_after": (",", lambda x: (f"{x:,.2f} {random.Random(round(x)).choice(CODES)}",
                                    round(x, 2))),
}
CODES = ("CAD", "AUD", "JPY", "BRL", "INR", "SEK", "NOK", "DKK", "PLN", "NZD", "SGD", "HKD",
         "MXN", "ZAR")


def amount_export(name: str, header: str = "Annual Revenue") -> tuple[str, str, list[float]]:
    delimiter, cell = AMOUNTS[name]
    rng = random.Random(17)
    cells, stated = [], []
    for _ in range(150):
        text, value = cell(rng.uniform(2e5, 9e8))
        cells.append(text)
        stated.append(float(value))
    quoted = [f'"{c}"' if delimiter in c else c for c in cells]
    csv = f"Email{delimiter}{header}\n" + "\n".join(
        f"a{i}@firm{i}.com{delimiter}{c}" for i, c in enumerate(quoted)) + "\n"
    return csv, delimiter, stated


@pytest.mark.parametrize("name", sorted(AMOUNTS))
def test_amounts_with_other_currency_marks_read_as_numbers(name):
    """'R$ 1.234,56', 'Fr. 1'234.50', 'Rs. 12,34,567', 'CA$66,944,759' read as missing: every
    revenue rule was unknown. The figures stay in the export's currency."""
    csv, delimiter, stated = amount_export(name)
    raw = read(csv, delimiter)
    assert len(raw) == len(stated)
    leads = imported(csv).leads
    np.testing.assert_allclose(leads["annual_revenue"].to_numpy(float), stated, rtol=1e-12)
    expected = sum(value >= 1e8 for value in stated)
    assert 0 < expected < len(stated)
    definition = D(C("annual_revenue", "at_least", low=1e8))
    assert evaluate(leads, definition).count(MQL) == expected


@pytest.mark.parametrize(("name", "mark"), [
    ("brazil", ","), ("brazil_code_after", ","), ("zloty", ","), ("swiss_franc", "."),
    ("rupees", "."), ("rupee_sign", "."), ("canadian", "."), ("yen", "."),
])
def test_a_column_no_rule_names_is_judged_as_amounts_with_its_decimal_mark(name, mark):
    """An unmapped 'R$ 1.234,56' column stayed text; its decimal comma is what the values
    prove, whatever the file's delimiter suggests."""
    csv, delimiter, stated = amount_export(name, header="Sinal Pago")
    result = imported(csv)
    assert "Sinal Pago" not in result.mapping.columns
    reading = column_readings(result.leads)["Sinal Pago"]
    assert reading.kind == "number"
    assert reading.decimal in (mark, "")
    assert not reading.ambiguous
    np.testing.assert_allclose(result.leads["Sinal Pago"].to_numpy(float), stated, rtol=1e-12)


def test_words_around_amounts_keep_their_letters():
    """A currency's letters go only as a word of their own: 'plus de 500' kept reading 500
    only while no currency code hid in 'plusde', and 'über $5 Mio' needs its 'r'."""
    cells = ["plus de 500", "über $5 Mio", "Over $5 bil.", "1,5 MEUR", "12 Mkr", "1.200 Euro",
             "Rs. 25 Cr", "₹40 lakh"]
    stated = [500, 5e6, 5e9, 1.5e6, 12e6, 1200, 25e7, 4e6]
    csv = "Email;Annual Revenue\n" + "\n".join(
        f"a{i}@firm{i}.com;{c}" for i, c in enumerate(cells)) + "\n"
    leads = imported(csv).leads
    # "1,5" proves a decimal comma, so "1.200" is a thousand two hundred
    np.testing.assert_allclose(leads["annual_revenue"].to_numpy(float), stated, rtol=1e-12)
