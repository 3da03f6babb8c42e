"""Numbers and yes/no values as real exports write them, imported whole and checked against a
second, plain reading.

Each test writes a small export shaped like one people bring (a LinkedIn-bucketed company size
in a European semicolon file, a Salesforce export re-saved by a German or French Excel, ZoomInfo
revenue ranges, German "Mio"/"Mrd" amounts), imports it with `workshop.pipeline.import_leads`
and compares the leads table and a definition's counts with figures worked out here: the file
read by pandas with explicit options, and each value read by the rules written out below
(`amount`), never by the app's own parsers. Columns that must read as before ("1,5" in a
semicolon file, "1,234" that nothing decides) sit in the same exports.
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest

from tests.builders import C, D
from workshop.definition import Action
from workshop.evaluate import MQL, evaluate
from workshop.leads import column_readings
from workshop.measure import measure
from workshop.pipeline import import_leads

# --- the rules, read plainly -----------------------------------------------------------------

MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "tsd": 1e3,
               "m": 1e6, "mm": 1e6, "mn": 1e6, "mio": 1e6, "mil": 1e6, "million": 1e6,
               "b": 1e9, "bn": 1e9, "bil": 1e9, "mrd": 1e9, "billion": 1e9}
BOUNDS = ("less than", "more than", "over", "under", "<", ">",
          "unter", "über", "ab", "bis zu", "moins de", "plus de", "más de")
BELOW = ("less than", "under", "<", "unter", "bis zu", "moins de")


def amount(text: str, decimal: str) -> float:
    """One cell by the rules: the decimal mark given, currency signs and a trailing noun
    ignored, a unit word multiplying (the high end's, the low's too when it has none), a range
    at its midpoint, a bucket open upwards
    ("10,001+", "Over $5 bil.") at its bound, one open downwards ("<$1M") at the midpoint of 0
    to its bound."""
    value = text.strip().lower().removesuffix(" employees").removesuffix(" mitarbeiter")
    value = value.rstrip("+ ")
    below = value.startswith(BELOW)
    for bound in BOUNDS:
        value = value.removeprefix(bound).strip()
    pieces = re.split(r"\s*-\s*|\s+(?:to|bis|à)\s+", value)
    last_unit = re.search(r"[a-z]*\.?\s*€?$", pieces[-1].strip()).group()
    if len(pieces) == 2 and not re.search(r"[a-z]", pieces[0]):  # "1,5-2,5 Mio": both in Mio
        pieces[0] += " " + last_unit
    ends = [one(end, decimal) for end in pieces]
    if below:
        ends = [0.0, *ends]
    return sum(ends) / len(ends)


def one(end: str, decimal: str) -> float:
    number, unit = re.fullmatch(r"[$€]?\s*([\d.,]+)\s*([a-z]*)\.?\s*€?", end.strip()).groups()
    thousands = "." if decimal == "," else ","
    number = number.replace(thousands, "").replace(decimal, ".")
    return float(number) * MULTIPLIERS.get(unit, 1.0)


def read(csv: str, sep: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(csv), sep=sep, dtype=str, keep_default_na=False)


def imported(csv: str, name: str = "export.csv"):
    result = import_leads(csv.encode("utf-8"), name)
    return result, result.leads


def expect_column(app: pd.Series, expected: pd.Series) -> None:
    np.testing.assert_allclose(app.to_numpy(dtype=float), expected.to_numpy(dtype=float),
                               rtol=1e-12)


# --- company-size buckets in a European semicolon file ----------------------------------------

LINKEDIN_SEMICOLON = """\
Company;Company size;Annual Revenue;Budget;Discount;Deal Stage;Create Date
Alpha GmbH;1,001-5,000;1.200.000,50;1,5;1,234;Closed Won;14.03.2026
Beta AG;51-200;850.000,00;2,5;5,678;Closed Lost;15.03.2026
Gamma SE;10,001+;12.000.000,00;1.234,5;2,250;Closed Won;16.03.2026
Delta KG;201-500;2.000.000,00;10;1,000;Closed Lost;17.03.2026
Epsilon AG;501-1,000;3.000.000,00;7,25;3,125;Closed Lost;18.03.2026
Zeta GmbH;2-10;95.000,00;0,5;4,500;Closed Won;19.03.2026
"""


def test_linkedin_buckets_in_a_semicolon_file_keep_their_thousands_commas():
    """"1,001-5,000", "501-1,000" and "10,001+" are thousands (nobody bounds a bucket at
    1.001), while the file's other columns keep their decimal commas and "1,234" still
    decides nothing."""
    raw = read(LINKEDIN_SEMICOLON, ";")
    result, leads = imported(LINKEDIN_SEMICOLON)
    assert result.format.decimal == ","
    size = raw["Company size"].map(lambda v: amount(v, "."))
    expect_column(leads["employees"], size)
    assert size.tolist() == [3000.5, 125.5, 10001.0, 350.5, 750.5, 6.0]
    european = pd.read_csv(io.StringIO(LINKEDIN_SEMICOLON), sep=";", decimal=",",
                           thousands=".")
    expect_column(leads["annual_revenue"], european["Annual Revenue"])
    expect_column(leads["budget"], european["Budget"])  # "1,5" stays one and a half
    expect_column(leads["Discount"], european["Discount"])  # "1,234" as the file's 1.234

    readings = column_readings(leads)
    assert (readings["employees"].decimal, readings["employees"].ambiguous) == (".", False)
    assert readings["employees"].evidence in set(raw["Company size"])
    assert (readings["budget"].decimal, readings["budget"].ambiguous) == (",", False)
    assert (readings["Discount"].decimal, readings["Discount"].ambiguous) == (",", True)

    for definition, wanted in [
        (D(C("employees", "at_least", low=500)), size >= 500),
        (D(C("employees", "between", low=200, high=5000)), size.between(200, 5000)),
        (D(C("employees", "at_most", low=None, high=1000)), size <= 1000),
    ]:
        assert evaluate(leads, definition).count(MQL) == int(wanted.sum())
    assert int((size >= 500).sum()) == 3


POINT_BUCKETS = """\
Firma;Employees;Umsatz;Deal Stage
A;1.001-5.000;1.200.000,50;Closed Won
B;51-200;850.000,00;Closed Lost
C;10.001+;12.000.000,00;Closed Won
D;501-1.000;2.000.000,00;Closed Lost
"""


@pytest.mark.parametrize("sep", [";", ","])
def test_point_grouped_buckets_decide_a_decimal_comma(sep):
    """The same buckets grouped by points ("1.001-5.000") prove a decimal comma, in a
    semicolon file and in a comma-separated one (where nothing else would say so)."""
    csv = POINT_BUCKETS if sep == ";" else "\n".join(
        ",".join(line.split(";")[:2]) for line in POINT_BUCKETS.splitlines()) + "\n"
    raw = read(csv, sep)
    result, leads = imported(csv)
    assert result.format.delimiter == sep
    size = raw["Employees"].map(lambda v: amount(v, ","))
    assert size.tolist() == [3000.5, 125.5, 10001.0, 750.5]
    expect_column(leads["employees"], size)
    reading = column_readings(leads)["employees"]
    assert (reading.decimal, reading.ambiguous) == (",", False)


# --- German, French, Spanish and Dutch Excel's TRUE and FALSE -----------------------------------

SALESFORCE_RESAVED = ("Id;Company;Industry;NumberOfEmployees;AnnualRevenue;Demo Requested;"
                      "Webinars Attended;IsConverted;CreatedDate\n") + """\
00Q1;Acme;Software;120;1.500.000,00;{yes};2;{yes};14.03.2026
00Q2;Beta;Retail;15;250.000,00;{no};{no};{no};15.03.2026
00Q3;Gamma;Software;300;3.200.000,50;{yes};{yes};{no};16.03.2026
00Q4;Delta;Retail;40;800.000,00;{no};0;{yes};02.04.2026
00Q5;Epsilon;Software;75;1.100.000,00;{yes};3;{no};03.04.2026
"""


@pytest.mark.parametrize("yes, no", [
    ("WAHR", "FALSCH"), ("VRAI", "FAUX"), ("VERDADERO", "FALSO"), ("WAAR", "ONWAAR"),
    ("ja", "nein"), ("Oui", "Non"), ("Sí", "No"), ("si", "no"),
])
def test_booleans_of_a_european_excel_are_yes_and_no(yes, no):
    csv = SALESFORCE_RESAVED.format(yes=yes, no=no)
    raw = read(csv, ";")
    result, leads = imported(csv)
    demo = raw["Demo Requested"].eq(yes)
    converted = raw["IsConverted"].eq(yes)
    webinars = raw["Webinars Attended"].map(lambda v: 1 if v == yes else 0 if v == no else int(v))
    assert leads["demo_requested"].astype(int).tolist() == demo.astype(int).tolist()
    assert leads["webinars_attended"].astype(int).tolist() == webinars.tolist()
    assert result.mapping.outcome_column == "IsConverted"
    assert leads["outcome"].eq("won").tolist() == converted.tolist()

    definition = D(actions=[Action(field="demo_requested", points=30)], threshold=30)
    assert evaluate(leads, definition).count(MQL) == int(demo.sum())
    assert measure(leads, definition).wins == int(converted.sum())
    # The other columns read as before.
    european = pd.read_csv(io.StringIO(csv), sep=";", decimal=",", thousands=".")
    expect_column(leads["annual_revenue"], european["AnnualRevenue"])
    assert leads["industry"].astype(str).tolist() == raw["Industry"].tolist()
    assert result.quality().field("demo_requested").unparsable == 0


# --- unit words and one-sided buckets -------------------------------------------------------

ZOOMINFO = """\
Company Name,Annual Revenue,Number of Employees,Deal Stage
A,$1 mil. - $5 mil.,11-50 employees,Closed Won
B,Over $5 bil.,10001+ employees,Closed Lost
C,<$1M,2-10 employees,Closed Lost
D,Under $1M,More than 1000,Closed Won
E,Less than $1M,51-200 employees,Closed Lost
F,$2.5MM,"1,001-5,000",Closed Won
G,1.5 billion,"10,001+",Closed Lost
H,500 thousand,201-500 employees,Closed Lost
I,50K,1-10,Closed Lost
J,2.5 million,501-1000 employees,Closed Won
K,"$100,000,000 - $250,000,000",5001-10000 employees,Closed Won
"""


def test_revenue_ranges_with_unit_words_read_as_numbers():
    """ZoomInfo's "$1 mil. - $5 mil.", "Over $5 bil.", "<$1M", spelled-out units and sizes
    with "employees" after them: none is missing; "Over" buckets read as their bound, "Under"
    ones as the middle of 0 to it."""
    raw = read(ZOOMINFO, ",")
    result, leads = imported(ZOOMINFO)
    revenue = raw["Annual Revenue"].map(lambda v: amount(v, "."))
    employees = raw["Number of Employees"].map(lambda v: amount(v, "."))
    assert revenue.tolist()[:5] == [3e6, 5e9, 5e5, 5e5, 5e5]
    assert employees.tolist()[:4] == [30.5, 10001.0, 6.0, 1000.0]
    expect_column(leads["annual_revenue"], revenue)
    expect_column(leads["employees"], employees)
    quality = result.quality()
    assert quality.field("annual_revenue").missing == 0
    assert quality.field("employees").missing == 0

    for definition, wanted in [
        (D(C("annual_revenue", "at_least", low=2_000_000)), revenue >= 2e6),
        (D(C("annual_revenue", "between", low=100_000, high=10_000_000)),
         revenue.between(1e5, 1e7)),
        (D(C("employees", "at_least", low=200), C("annual_revenue", "at_least", low=1e6)),
         (employees >= 200) & (revenue >= 1e6)),
    ]:
        assert evaluate(leads, definition).count(MQL) == int(wanted.sum())


EUROPEAN_AMOUNTS = """\
Firma;Annual Revenue;Employees;Budget;Deal Stage;Create Date
A;1,2 Mio €;51-200;12.500,00;Closed Won;14.03.2026
B;€1,2 Mio;1.001-5.000;7.500,50;Closed Lost;15.03.2026
C;3.400.000,00;10.001+;1.000;Closed Won;01.04.2026
D;2,5 Mrd;11-50;500,5;Closed Lost;02.04.2026
E;12.000.000;201-500;2.000;Closed Lost;03.04.2026
F;750 Tsd. €;2-10;1,5;Closed Won;04.04.2026
"""


def test_german_mio_and_mrd_with_decimal_commas():
    raw = read(EUROPEAN_AMOUNTS, ";")
    result, leads = imported(EUROPEAN_AMOUNTS)
    revenue = raw["Annual Revenue"].map(lambda v: amount(v, ","))
    assert revenue.tolist() == [1.2e6, 1.2e6, 3.4e6, 2.5e9, 12e6, 750e3]
    expect_column(leads["annual_revenue"], revenue)
    expect_column(leads["employees"], raw["Employees"].map(lambda v: amount(v, ",")))
    budget = pd.read_csv(io.StringIO(EUROPEAN_AMOUNTS), sep=";", decimal=",", thousands=".")
    expect_column(leads["budget"], budget["Budget"])
    assert column_readings(leads)["annual_revenue"].decimal == ","
    assert result.quality().field("annual_revenue").unparsable == 0
    definition = D(C("annual_revenue", "at_least", low=1_000_000))
    assert evaluate(leads, definition).count(MQL) == int((revenue >= 1e6).sum()) == 5


GERMAN_COMMA_SEPARATED = """\
Firma,Annual Revenue,Deal Stage
A,"1,2M",Closed Won
B,"2,5 Mio €",Closed Lost
C,800.000 €,Closed Won
D,"0,9M",Closed Lost
"""


def test_a_decimal_comma_before_a_unit_word_decides_the_column():
    """"1,2M" in a comma-separated file is 1.2 million, not 12: a comma followed by one
    digit can only be a decimal comma, unit word or not."""
    raw = read(GERMAN_COMMA_SEPARATED, ",")
    result, leads = imported(GERMAN_COMMA_SEPARATED)
    assert result.format.delimiter == ","
    revenue = raw["Annual Revenue"].map(lambda v: amount(v, ","))
    assert revenue.tolist() == [1.2e6, 2.5e6, 800e3, 0.9e6]
    expect_column(leads["annual_revenue"], revenue)
    reading = column_readings(leads)["annual_revenue"]
    assert (reading.decimal, reading.ambiguous) == (",", False)
    assert evaluate(leads, D(C("annual_revenue", "at_least", low=1e6))).count(MQL) == 2


# --- German and French buckets in a comma-separated file ------------------------------------

GERMAN_BUCKETS = """\
Firma,Umsatz,Anzahl Mitarbeiter,Deal Stage
A,"1,5-2,5 Mio",unter 10,Closed Won
B,über 1 Mrd,ab 5.000,Closed Lost
C,"unter 0,5 Mio",10 bis 50 Mitarbeiter,Closed Won
D,"10 bis 50 Mio",bis zu 200,Closed Lost
E,"plus de 2,5 Mio",plus de 500,Closed Won
F,"moins de 1 M€",11-50,Closed Lost
G,"3,75 Mio",501-1.000,Closed Won
"""


def test_german_and_french_bounds_and_decimal_ranges():
    """'1,5-2,5 Mio' and 'unter 0,5 Mio' prove a decimal comma though no cell is a lone number
    with one, and 'unter', 'über', 'ab', 'bis', 'plus de', 'moins de' bound a bucket as 'under'
    and 'over' do; '501-1.000' proves the company sizes' point groups thousands."""
    raw = read(GERMAN_BUCKETS, ",")
    result, leads = imported(GERMAN_BUCKETS)
    assert result.format.delimiter == ","
    revenue = raw["Umsatz"].map(lambda v: amount(v, ","))
    assert revenue.tolist() == [2e6, 1e9, 0.25e6, 30e6, 2.5e6, 0.5e6, 3.75e6]
    expect_column(leads["annual_revenue"], revenue)
    employees = raw["Anzahl Mitarbeiter"].map(lambda v: amount(v, ","))
    assert employees.tolist() == [5, 5000, 30, 100, 500, 30.5, 750.5]
    expect_column(leads["employees"], employees)
    reading = column_readings(leads)["annual_revenue"]
    assert (reading.decimal, reading.ambiguous) == (",", False)
    assert result.quality().field("annual_revenue").unparsable == 0
    assert result.quality().field("employees").unparsable == 0
    definition = D(C("annual_revenue", "at_least", low=1e6), C("employees", "at_most", high=500))
    assert evaluate(leads, definition).count(MQL) == int(
        ((revenue >= 1e6) & (employees <= 500)).sum()) == 3


# --- "not known" words among the numbers of a column of the export's own ---------------------

NOT_KNOWN = {
    "de.csv": ("Firma;Branche;Lizenzen;Erstellt am\nA;Software;250;03.01.2025\n"
               "B;Retail;k.A.;05.01.2025\nC;Finance;1.200;07.01.2025\n"
               "D;Finance;3.500;07.02.2025\nE;Software;80;10.02.2025\n", ";", ","),
    "us.csv": ('Company,Industry,Seats Requested,Created\nA,Software,250,01/03/2025\n'
               'B,Retail,TBD,01/05/2025\nC,Finance,"1,200",01/07/2025\n'
               'D,Finance,"3,500",02/07/2025\nE,Software,#N/A,02/10/2025\n', ",", "."),
}


@pytest.mark.parametrize("name", list(NOT_KNOWN))
def test_not_known_words_leave_a_number_column_a_number_column(name):
    """'k.A.' (keine Angabe), 'TBD' or Excel's '#N/A' in a column of numbers the catalog does
    not know: the column stays numbers, so 'at least 1,000' reads 1.200 / "1,200" as twelve
    hundred, not 1.2 or nothing; the words are blanks, not unreadable values."""
    csv, sep, decimal = NOT_KNOWN[name]
    raw = read(csv, sep)
    header = raw.columns[2]
    expected = raw[header].map(lambda v: np.nan if v in ("k.A.", "TBD", "#N/A")
                               else amount(v, decimal))
    result, leads = imported(csv, name)
    expect_column(leads[header], expected)
    definition = D(C(header, "at_least", low=1000))
    assert evaluate(leads, definition).count(MQL) == int((expected >= 1000).sum()) == 2
    assert result.quality().field(header).unparsable == 0


# --- currency codes -------------------------------------------------------------------------

CURRENCY_CODES = """\
Firma;Annual Revenue;Budget;Deal Stage
A;USD 12,500,000.00;2,5;Closed Won
B;USD 500,000.00;1,5;Closed Lost
C;USD 48,000,000.00;3,0;Closed Won
D;12,000,000.00 USD;0,5;Closed Lost
E;CHF 3,250,000.00;1,0;Closed Won
"""


def test_an_amount_after_a_currency_code_decides_its_own_mark():
    """A Salesforce report writes 'USD 12,500,000.00': two decimals after a point prove a
    decimal point, whatever the file's budget column says (a decimal comma). The code was
    not read, so the file's comma was assumed and $500,000 read as 500 (or, in millions, as
    500 million)."""
    raw = read(CURRENCY_CODES, ";")
    result, leads = imported(CURRENCY_CODES)
    revenue = raw["Annual Revenue"].str.replace(r"[A-Z]{3}|,", "", regex=True).astype(float)
    expect_column(leads["annual_revenue"], revenue)
    reading = column_readings(leads)["annual_revenue"]
    assert (reading.decimal, reading.ambiguous, reading.unit) == (".", False, 1.0)
    expect_column(leads["budget"], raw["Budget"].str.replace(",", ".").astype(float))
    definition = D(C("annual_revenue", "between", low=10e6, high=100e6))
    assert evaluate(leads, definition).count(MQL) == int(revenue.between(10e6, 100e6).sum()) == 3


@pytest.mark.parametrize("space", ["\u202f", "\u2009", "\u00a0", " "])
def test_thousands_grouped_by_a_narrow_or_thin_space(space):
    """French formatting (macOS, Google Sheets) groups thousands with a narrow no-break space:
    "1 200" was unreadable, and the column empty of every value over 999."""
    csv = ("Company;Employees;Annual Revenue\n"
           f"A;1{space}200;1{space}234{space}567,50\nB;15;80{space}000\n"
           f"C;250;750{space}000\nD;3{space}000;12{space}000{space}000\n")
    raw = read(csv, ";")
    _, leads = imported(csv)
    for column, key in (("Employees", "employees"), ("Annual Revenue", "annual_revenue")):
        expected = raw[column].str.replace(space, "").str.replace(",", ".").astype(float)
        expect_column(leads[key], expected)
