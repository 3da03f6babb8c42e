"""Reading CRM exports (tests/exports/, made by make_corpus.py), and properties of the value
parsers the import feeds."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop import catalog, leads
from workshop.importer import ExportFormat, ImportProblem, read_export, read_export_file

EXPORTS = Path(__file__).resolve().parent / "exports"

# file, format (kind, encoding, delimiter, decimal, rows, columns), cells {(row, column): value}
READABLE = [
    ("hubspot_contacts.csv", ("csv", "utf-8", ",", ".", 3, 12),
     {(0, "Number of Employees"): "1,001-5,000", (0, "Last Name"): "O'Brien",
      (2, "Annual Revenue"): None, (2, "Create Date"): "2025-11-01 10:37"}),
    ("hubspot_bom.csv", ("csv", "utf-8-sig", ",", ".", 3, 12),
     {(0, "Record ID"): "1200028", (1, "Lifecycle Stage"): "Marketing Qualified Lead"}),
    ("salesforce_api.csv", ("csv", "utf-8", ",", ".", 2, 14),
     {(0, "IsConverted"): "false", (1, "AnnualRevenue"): "1.5E7",
      (1, "CreatedDate"): "2025-03-05T16:40:12.000Z"}),
    ("european_semicolon.csv", ("csv", "utf-8", ";", ",", 3, 6),
     {(0, "Firma"): "Müller GmbH", (0, "Umsatz (EUR)"): "1.234.567,89",
      (1, "Budget"): "12500,50", (2, "Budget"): None}),
    ("latin1_accents.csv", ("csv", "cp1252", ",", ".", 3, 4),
     {(0, "Company"): "Société Générale Conseil", (1, "City"): "Zürich",
      (2, "Contact"): "José Núñez"}),
    ("tab_separated.tsv", ("csv", "utf-8", "\t", ".", 2, 4),
     {(0, "Company"): "Alpha, Inc.", (1, "Company"): "Beta; Gamma",
      (0, "Annual Revenue"): "$1.5M"}),
    ("pipe_separated.csv", ("csv", "utf-8", "|", ".", 2, 5),
     {(0, "company"): "Zeta, Ltd", (1, "annualrevenue"): "2.5e6"}),
    ("quoted_multiline.csv", ("csv", "utf-8", ",", ".", 2, 4),
     {(0, "Company"): "Quote, Comma & Co",
      (0, "Notes"): 'Said "call me" in Q3,\nthen went quiet',
      (0, "Job Title"): "Head of Finance, EMEA", (1, "Notes"): "Line one\r\nLine two",
      (1, "Job Title"): "CFO"}),
    ("linkedin_buckets.csv", ("csv", "utf-8", ",", ".", 4, 3),
     {(1, "Company size"): "501-1,000", (2, "Company size"): "10,001+",
      (1, "Annual Revenue"): "1,500,000", (3, "Annual Revenue"): "€2bn"}),
    ("placeholders.csv", ("csv", "utf-8", ",", ".", 3, 4),
     {(0, "Industry"): "--None--", (0, "Lead Source"): "Select", (0, "Country/Region"): "N/A",
      (1, "Country/Region"): None, (1, "Lead Source"): "unknown"}),
    ("booleans.csv", ("csv", "utf-8", ",", ".", 4, 4),
     {(0, "Demo Requested"): "Yes", (0, "Do Not Call"): "TRUE", (2, "Demo Requested"): "checked",
      (2, "Do Not Call"): None, (3, "Opted Out"): "n"}),
    ("dates.csv", ("csv", "utf-8", ",", ".", 2, 4),
     {(0, "Last Activity Date"): "01/11/2025", (1, "Last Activity Date"): "11/30/2025 5:45 PM",
      (1, "Became a Lead Date"): "1 Dec 2025"}),
    ("duplicate_headers.csv", ("csv", "utf-8", ",", ".", 1, 6),
     {(0, "Email"): "p@h.com", (0, "Email (2)"): "p2@h.com", (0, "Column 4"): "blank header",
      (0, "email (3)"): "p3@h.com"}),
    ("blank_rows.csv", ("csv", "utf-8", ",", ".", 2, 3),
     {(0, "Email"): "w@b.com", (1, "Email"): "x@b.com", (1, "Country"): "Spain"}),
    ("excel_sep_hint.csv", ("csv", "utf-8", ";", ",", 2, 3),
     {(0, "Email"): "y@s.com", (1, "Amount"): "2,75"}),
    ("single_column.csv", ("csv", "utf-8", ",", ".", 2, 1), {(1, "Email"): "a2@one.com"}),
    ("utf16_unicode_text.txt", ("csv", "utf-16", "\t", ".", 2, 3),
     {(0, "Company"): "Société Générale", (1, "City"): "Москва"}),
    ("workbook.xlsx", ("xlsx", "", "", ".", 2, 7),
     {(0, "Employees"): "250", (0, "Annual Revenue"): "1500000",
      (0, "Created"): "2025-11-01 09:07:00", (0, "Demo Requested"): "TRUE",
      (0, "Email (2)"): "c1b@x.com", (1, "Employees"): "12.5", (1, "Created"): "2025-12-31",
      (1, "Annual Revenue"): "$1.5M", (1, "Column 7"): "no header", (1, "Email (2)"): None}),
]

# file, read_export keyword arguments, fragment of the message
BROKEN = [
    ("empty.csv", {}, "The file is empty."),
    ("whitespace_only.csv", {}, "The file is empty."),
    ("header_only.csv", {}, "has a header but no rows"),
    ("png_renamed.csv", {}, "it contains binary data"),
    ("control_garbage.csv", {}, "it contains binary data"),
    ("ragged_row.csv", {}, "Row 4 has 7 values but the header has 5 columns"),
    ("unclosed_quote.csv", {}, "Row 2 opens a quote"),
    ("too_many_columns.csv", {}, "2,001 columns; the limit is 2,000"),
    ("hubspot_contacts.csv", {"max_bytes": 100}, "The file is 596 bytes; the limit is 100 bytes"),
    ("hubspot_contacts.csv", {"max_rows": 2}, "3 rows; the limit is 2"),
    ("workbook.xlsx", {"max_rows": 1}, "more than 1 rows"),
    ("zip_bomb_declared.xlsx", {}, "unpacks to far more data"),
    ("zip_bomb_ratio.xlsx", {}, "unpacks to far more data"),
    ("zipped_csv.xlsx", {}, "ZIP archive, not an Excel workbook"),
    ("truncated.xlsx", {}, "damaged or incomplete"),
    ("old_excel.xls", {}, "old-style Excel file (.xls)"),
]


def test_the_corpus_is_complete_and_small():
    files = [p for p in EXPORTS.iterdir() if p.is_file() and p.suffix != ".py"]
    named = {name for name, *_ in READABLE} | {name for name, *_ in BROKEN}
    assert {p.name for p in files} == named
    assert len(files) >= 20
    assert sum(p.stat().st_size for p in files) < 200_000


@pytest.mark.parametrize("name, shape, cells", READABLE, ids=[r[0] for r in READABLE])
def test_reads_export(name, shape, cells):
    frame, found = read_export_file(EXPORTS / name)
    kind, encoding, delimiter, decimal, rows, columns = shape
    assert (found.kind, found.encoding, found.delimiter, found.decimal) == (
        kind, encoding, delimiter, decimal)
    assert (found.rows, found.columns) == (rows, columns) == frame.shape
    assert frame.index.equals(pd.RangeIndex(rows))
    assert all(pd.api.types.is_string_dtype(frame[c]) for c in frame.columns)
    assert frame.columns.is_unique
    assert all(c == c.strip() and c for c in frame.columns)
    for (row, column), expected in cells.items():
        value = frame.at[row, column]
        if expected is None:
            assert pd.isna(value), (row, column, value)
        else:
            assert value == expected, (row, column, value)


@pytest.mark.parametrize("name, limits, message", BROKEN, ids=[f"{r[0]}-{r[1]}" for r in BROKEN])
def test_refuses_broken_export_with_a_clear_message(name, limits, message):
    with pytest.raises(ImportProblem) as raised:
        read_export_file(EXPORTS / name, **limits)
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value) and "pyarrow" not in str(raised.value)


def test_read_export_file_is_read_export_of_the_bytes():
    path = EXPORTS / "european_semicolon.csv"
    by_path = read_export_file(path)
    by_bytes = read_export(path.read_bytes(), path.name)
    pd.testing.assert_frame_equal(by_path[0], by_bytes[0])
    assert by_path[1] == by_bytes[1] == ExportFormat("csv", "utf-8", ";", ",", 3, 6)


def test_a_csv_renamed_to_xlsx_is_still_read_as_csv():
    frame, found = read_export((EXPORTS / "hubspot_contacts.csv").read_bytes(), "leads.xlsx")
    assert found.kind == "csv" and frame.shape == (3, 12)


def test_binary_named_xlsx_says_it_is_not_a_workbook():
    with pytest.raises(ImportProblem, match="named like an Excel workbook but is not one"):
        read_export((EXPORTS / "png_renamed.csv").read_bytes(), "leads.xlsx")


def test_utf16_without_bom_is_refused_as_binary():
    data = "Email\tCompany\r\na@b.com\tAlpha\r\n".encode("utf-16-le")
    with pytest.raises(ImportProblem, match="binary data"):
        read_export(data, "leads.txt")


def test_windows_bytes_after_the_sniffed_start_switch_the_whole_file_to_cp1252():
    filler = "".join(f"lead{i}@x.com,Alpha {i},Paris\n" for i in range(4000))
    data = ("Email,Company,City\n" + filler).encode() + "z@x.com,Zeta,Zürich\n".encode("cp1252")
    assert len(filler) > 64 * 1024
    frame, found = read_export(data)
    assert found.encoding == "cp1252"
    assert frame["City"].iloc[-1] == "Zürich" and len(frame) == 4001


def test_quoted_line_breaks_across_pyarrow_blocks_keep_rows_intact():
    rows = [f'{i},"note {i}\nsecond line, with comma",{"x" * 200}' for i in range(30_000)]
    data = ("Id,Notes,Padding\n" + "\n".join(rows) + "\n").encode()
    assert len(data) > 3 * 2 * 1024 * 1024  # several blocks
    frame, found = read_export(data)
    assert found.rows == 30_000
    assert frame["Id"].tolist() == [str(i) for i in range(30_000)]
    assert (frame["Notes"] == "note " + frame["Id"] + "\nsecond line, with comma").all()


def test_a_cell_over_a_megabyte_is_refused():
    data = b"Email,Notes\na@b.com,short\nb@b.com," + b"x" * (1024 * 1024 + 10) + b"\n"
    with pytest.raises(ImportProblem, match=r"Row 3, column “Notes” holds more than 1.0 MB"):
        read_export(data)


def test_a_ragged_row_far_down_is_numbered():
    body = "".join(f"{i},a,b\n" for i in range(100_000))
    data = ("Id,A,B\n" + body + "bad,row\n").encode()
    with pytest.raises(ImportProblem, match="Row 100002 has 2 values but the header has 3"):
        read_export(data)


def test_a_semicolon_file_with_decimal_points_keeps_the_point():
    frame, found = read_export(b"Company;Revenue;Share\nA;1500000.50;0.25\nB;12.5;0.5\n")
    assert (found.delimiter, found.decimal) == (";", ".")
    assert frame.at[0, "Revenue"] == "1500000.50"


def test_quoted_decimal_commas_in_a_comma_file_are_decimal_commas():
    """"1,5" cannot be a thousands separator (those group three digits): a comma file from a
    European spreadsheet quotes its decimal commas. "1,500" decides nothing."""
    _, found = read_export(b'Company,Revenue\nA,"1,5"\nB,"2,5"\n')
    assert (found.delimiter, found.decimal) == (",", ",")
    _, found = read_export(b'Company,Revenue\nA,"1,500"\nB,"2,500"\n')
    assert (found.delimiter, found.decimal) == (",", ".")


def test_imported_export_normalises():
    frame, _ = read_export_file(EXPORTS / "hubspot_contacts.csv")
    normal = leads.normalise(frame, leads.SAMPLE_MAPPING)
    assert normal["employees"].tolist()[:2] == [3000.5, 397.0]
    assert normal["job_function"].tolist()[0] == "Finance"
    assert normal["created"].notna().all()


_CELL = st.text(alphabet=st.sampled_from(list("abcXYZ019 ,;|\t\"'\n\r-.éü€")), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=15),
       delimiter=st.sampled_from([",", ";", "\t", "|"]))
def test_any_quoted_table_reads_back_cell_for_cell(rows, delimiter):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(["Key", "Value", "Other"])
    for number, row in enumerate(rows):
        writer.writerow([f"k{number}", *row[1:]])
    frame, found = read_export(out.getvalue().encode())
    assert found.delimiter == delimiter
    assert found.rows == len(rows)
    for number, row in enumerate(rows):
        for column, expected in zip(("Value", "Other"), row[1:], strict=True):
            value = frame.at[number, column]
            assert (pd.isna(value) if expected == "" else value == expected), (value, expected)


# --- value parsers in workshop.leads -----------------------------------------------------------

def parse_one(parser, value, *args):
    return parser(pd.Series([value], dtype="str"), *args).iloc[0]


@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30))
def test_parse_number_never_raises_and_gives_floats(values):
    parsed = leads.parse_number(pd.Series(values, dtype="str"))
    assert parsed.dtype == "float64" and len(parsed) == len(values)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.booleans())
def test_parse_number_round_trips_plain_integers(number, thousands):
    text = f"{number:,}" if thousands else str(number)
    assert parse_one(leads.parse_number, text) == float(number)


@given(whole=st.integers(0, 999), tenths=st.integers(0, 9),
       suffix=st.sampled_from([("K", 1e3), ("k", 1e3), ("M", 1e6), ("MM", 1e6), ("B", 1e9),
                               ("bn", 1e9)]),
       currency=st.sampled_from(["", "$", "€", "£"]))
def test_parse_number_reads_money_with_suffixes(whole, tenths, suffix, currency):
    letters, multiplier = suffix
    parsed = parse_one(leads.parse_number, f"{currency}{whole}.{tenths}{letters}")
    assert math.isclose(parsed, float(f"{whole}.{tenths}") * multiplier, rel_tol=1e-12)


def _spelling(words):
    return st.tuples(st.sampled_from(words), st.randoms(use_true_random=False),
                     st.sampled_from(["", " ", "  ", "\t"])).map(
        lambda t: t[2] + "".join(c.upper() if t[1].random() < 0.5 else c for c in t[0]) + t[2])


@given(st.lists(_spelling(leads.TRUE_WORDS), min_size=1, max_size=10),
       st.lists(_spelling(leads.FALSE_WORDS), min_size=1, max_size=10))
def test_parse_bool_maps_every_spelling_in_its_table(truthy, falsy):
    parsed = leads.parse_bool(pd.Series(truthy + falsy, dtype="str"))
    assert parsed.tolist() == [True] * len(truthy) + [False] * len(falsy)


def test_parse_bool_leaves_unknown_words_missing():
    parsed = leads.parse_bool(pd.Series(["maybe", "", None, "yes"], dtype="str"))
    assert parsed.isna().tolist() == [True, True, True, False]


_CATEGORY_TEXT = st.one_of(
    st.none(), st.text(max_size=20),
    st.sampled_from(catalog.INDUSTRIES + catalog.LEAD_SOURCES).map(str.upper),
    st.sampled_from(["--None--", "Select", "N/A", " software ", "ORGANIC_SEARCH", "x  y"]))


@given(st.lists(_CATEGORY_TEXT, max_size=30),
       st.sampled_from([catalog.INDUSTRIES, catalog.LEAD_SOURCES, catalog.COUNTRIES]))
def test_canonical_category_is_idempotent(values, options):
    once = leads.canonical_category(pd.Series(values, dtype="str"), options)
    twice = leads.canonical_category(once, options)
    assert once.isna().tolist() == twice.isna().tolist()
    assert once.dropna().tolist() == twice.dropna().tolist()


@given(st.lists(st.sampled_from(catalog.INDUSTRIES), min_size=1, max_size=10))
def test_canonical_category_restores_catalog_spelling(values):
    shouted = pd.Series([f"  {v.upper().replace(' ', '_')} " for v in values], dtype="str")
    assert leads.canonical_category(shouted, catalog.INDUSTRIES).tolist() == values


@given(low=st.integers(1, 50_000), width=st.integers(0, 50_000), grouped=st.booleans())
def test_employee_bucket_gives_a_number_inside_the_bucket(low, width, grouped):
    high = low + width
    text = f"{low:,}-{high:,}" if grouped else f"{low}-{high}"
    parsed = parse_one(leads.parse_number, text)
    assert low <= parsed <= high


@given(st.integers(1, 10**6))
def test_open_employee_bucket_gives_at_least_its_floor(low):
    assert parse_one(leads.parse_number, f"{low:,}+") >= low


@pytest.mark.parametrize("bucket, low, high", [
    ("1-10", 1, 10), ("11-50", 11, 50), ("51-200", 51, 200), ("201-500", 201, 500),
    ("501-1,000", 501, 1000), ("1,001-5,000", 1001, 5000), ("5,001-10,000", 5001, 10000),
])
def test_linkedin_buckets_land_inside(bucket, low, high):
    assert low <= parse_one(leads.parse_number, bucket) <= high
