"""Exports that went through Excel before they were uploaded.

Whoever opens an export in Excel adds to it: rows under the table with a label and formulas
("Total", then "Average", "Min", "Max"), a =SUM() row with no label, a "Record Count | 300"; a
report's title block with a filter line of two cells above the header; and, in a CSV written for
Excel, ="00123" to keep an id's leading zeros. Each test writes such a file from generated leads
(fixed seed) and compares the import with a plain-pandas reading of the leads as generated,
before anything was added: the same rows, and the same counts of a size definition.
"""
from __future__ import annotations

import csv
import datetime
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workshop.definition import Definition
from workshop.pipeline import import_leads
from workshop.preview import headline

N = 120
COLUMNS = ["Lead ID", "First Name", "Last Name", "Company / Account", "Email", "Industry",
           "Employees", "Annual Revenue", "Country", "Create Date"]
EMPLOYEES, REVENUE, INDUSTRY = (COLUMNS.index(name) for name in
                                ("Employees", "Annual Revenue", "Industry"))
SIZE = Definition.from_dict({
    "criteria": [
        {"field": "employees", "op": "at_least", "low": 1000, "role": "must", "gate": "mql"},
        {"field": "annual_revenue", "op": "at_least", "low": 5_000_000, "role": "must",
         "gate": "sql"}],
    "actions": [], "threshold": 0})


def _leads(n: int = N, seed: int = 11) -> pd.DataFrame:
    """Generated leads as plain values (None where blank)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        employees = None if rng.random() < 0.1 else int(rng.integers(1, 20_000))
        revenue = None if rng.random() < 0.1 else round(float(rng.uniform(1e5, 5e7)), 2)
        rows.append([f"00Q{int(rng.integers(10**11, 10**12))}",
                     str(rng.choice(["Anna", "Ben", "Jürgen", "Zoë"])),
                     str(rng.choice(["Müller", "Smith", "Nguyen"])), f"Company {i} GmbH",
                     f"p{i}@example.com", str(rng.choice(["Software", "Retail", "Healthcare"])),
                     employees, revenue, str(rng.choice(["Germany", "United States"])),
                     (datetime.date(2024, 1, 1) + datetime.timedelta(
                         days=int(rng.integers(0, 300)))).isoformat()])
    return pd.DataFrame(rows, columns=COLUMNS).astype(object).where(lambda f: f.notna(), None)


def _truth(leads: pd.DataFrame) -> dict[str, int]:
    employees = pd.to_numeric(leads["Employees"], errors="coerce")
    revenue = pd.to_numeric(leads["Annual Revenue"], errors="coerce")
    mql = employees >= 1000
    return {"leads": len(leads), "mql": int(mql.sum()),
            "sql": int((mql & (revenue >= 5_000_000)).sum())}


def _rows(leads: pd.DataFrame) -> list[list]:
    return [[None if value is None else value for value in row]
            for row in leads.itertuples(index=False)]


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list], pad: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        cells = ["" if value is None else value for value in row]
        if pad and row:
            cells += [""] * (len(COLUMNS) - len(cells))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _file(kind: str, rows: list[list], pad: bool = True) -> bytes:
    return _xlsx(rows) if kind == "xlsx" else _csv(rows, pad)


def _row(**cells) -> list:
    row = [None] * len(COLUMNS)
    for index, value in cells.items():
        row[int(index[1:])] = value
    return row


def _assert_read_as(data: bytes, kind: str, leads: pd.DataFrame) -> None:
    """The import holds exactly `leads` (by their ids, in order) and counts them as plain
    pandas does."""
    imported = import_leads(data, f"leads.{kind}")
    assert list(imported.raw.columns) == COLUMNS
    assert imported.raw["Lead ID"].tolist() == leads["Lead ID"].tolist()
    figures = headline(imported.leads, SIZE)
    truth = _truth(leads)
    assert (figures["leads"], figures["mql"], figures["sql"]) == (
        truth["leads"], truth["mql"], truth["sql"])
    assert imported.leads["employees"].max() == pd.to_numeric(leads["Employees"]).max()


def _aggregates(leads: pd.DataFrame) -> dict[str, float]:
    employees = pd.to_numeric(leads["Employees"], errors="coerce")
    revenue = pd.to_numeric(leads["Annual Revenue"], errors="coerce")
    return {"sum_e": int(employees.sum()), "sum_r": round(float(revenue.sum()), 2),
            "avg_e": round(float(employees.mean()), 2), "avg_r": round(float(revenue.mean()), 2),
            "min_e": int(employees.min()), "max_e": int(employees.max()),
            "count": int(employees.count())}


def _footers(leads: pd.DataFrame) -> dict[str, list[list]]:
    """The rows an Excel user adds under the table, by name."""
    a = _aggregates(leads)
    e, r, i = f"c{EMPLOYEES}", f"c{REVENUE}", f"c{INDUSTRY}"
    return {
        "total_then_average": [_row(c0="Total", **{e: a["sum_e"], r: a["sum_r"]}),
                               _row(c0="Average", **{e: a["avg_e"], r: a["avg_r"]})],
        "total_average_min_max_count": [
            _row(c0="Total", **{e: a["sum_e"], r: a["sum_r"]}),
            _row(c0="Average", **{e: a["avg_e"], r: a["avg_r"]}),
            _row(c0="Min", **{e: a["min_e"]}), _row(c0="Max", **{e: a["max_e"]}),
            _row(c0="Count", **{e: a["count"]})],
        "labels_in_another_column": [_row(**{i: "Sum", e: a["sum_e"]}),
                                     _row(**{i: "Avg.", e: a["avg_e"]})],
        "german_labels": [_row(c3="Summe", **{e: a["sum_e"], r: a["sum_r"]}),
                          _row(c3="Durchschnitt", **{e: a["avg_e"], r: a["avg_r"]})],
        "labels_alone": [_row(c0="Total"), _row(c0="Average")],
        "max_alone": [_row(c0="Max", **{e: a["max_e"]})],
        "average_alone": [_row(c0="Average", **{e: a["avg_e"], r: a["avg_r"]})],
        "total_with_its_count": [_row(c0=f"Total ({len(leads)} records)", **{e: a["sum_e"]})],
        "record_count": [["Record Count", len(leads)]],
        "total_leads": [[f"Total leads: {len(leads)}"]],
        "unlabelled_sums": [_row(**{e: a["sum_e"], r: a["sum_r"]})],
        "unlabelled_sum_then_average": [_row(**{e: a["sum_e"], r: a["sum_r"]}),
                                        _row(**{e: a["avg_e"], r: a["avg_r"]})],
    }


@pytest.mark.parametrize("footer", list(_footers(_leads())))
def test_rows_added_under_a_sheet_are_no_leads(footer, xlsx_reader):
    leads = _leads()
    rows = [COLUMNS, *_rows(leads), *_footers(leads)[footer]]
    _assert_read_as(_xlsx(rows), "xlsx", leads)


@pytest.mark.parametrize("footer", list(_footers(_leads())))
def test_rows_added_under_a_csv_are_no_leads(footer):
    leads = _leads()
    rows = [COLUMNS, *_rows(leads), *_footers(leads)[footer]]
    _assert_read_as(_csv(rows), "csv", leads)


def test_a_csv_record_count_line_as_short_as_excel_writes_it():
    """Excel writes a CSV's short row without the empty cells after it: "Record Count,120"."""
    leads = _leads()
    rows = [COLUMNS, *_rows(leads), ["Record Count", len(leads)]]
    _assert_read_as(_csv(rows, pad=False), "csv", leads)


def test_csv_total_and_average_lines_as_short_as_excel_writes_them():
    """A short "Average" line counts as a footer beside a short "Total" line."""
    leads = _leads()
    a = _aggregates(leads)
    rows = [COLUMNS, *_rows(leads), ["Total", a["sum_e"]], ["Average", a["avg_e"]]]
    _assert_read_as(_csv(rows, pad=False), "csv", leads)


def test_the_aggregate_block_is_judged_on_a_semicolon_csv_with_decimal_commas():
    leads = _leads(seed=5)
    a = _aggregates(leads)

    def german(value) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", ",")

    rows = [[german(v) if j == REVENUE else v for j, v in enumerate(row)]
            for row in _rows(leads)]
    rows += [_row(**{f"c{EMPLOYEES}": a["sum_e"], f"c{REVENUE}": german(a["sum_r"])})]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    _assert_read_as(out.getvalue().encode("utf-8"), "csv", leads)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_last_lead_whose_company_starts_with_total_is_kept(kind):
    leads = _leads()
    last = _row(c0="00Q999999999999", c3="Total Fitness GmbH", **{f"c{EMPLOYEES}": 2500})
    named_total = _row(c0="00Q999999999998", c3="Total", c4="info@total.example",
                       **{f"c{EMPLOYEES}": 40})
    for extra in (last, named_total):
        expected = pd.concat([leads, pd.DataFrame([extra], columns=COLUMNS)], ignore_index=True)
        rows = [COLUMNS, *_rows(leads), extra]
        _assert_read_as(_file(kind, rows), kind, expected.astype(object))


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_last_lead_with_only_a_number_is_kept(kind):
    """A last row with only employees filled is a lead unless the number is the column's sum
    or average; it is neither here."""
    leads = _leads()
    total = int(pd.to_numeric(leads["Employees"]).sum())
    extra = _row(**{f"c{EMPLOYEES}": 1500})
    assert 1500 not in (total, round(pd.to_numeric(leads["Employees"]).mean()))
    expected = pd.concat([leads, pd.DataFrame([extra], columns=COLUMNS)], ignore_index=True)
    imported = import_leads(_file(kind, [COLUMNS, *_rows(leads), extra]), f"leads.{kind}")
    assert len(imported.raw) == N + 1
    figures = headline(imported.leads, SIZE)
    truth = _truth(expected)
    assert (figures["leads"], figures["mql"], figures["sql"]) == (
        truth["leads"], truth["mql"], truth["sql"])


def test_an_average_alone_in_one_column_is_a_lead():
    """One number equal to the column's average, and nothing else: as likely a lead as not,
    so kept (two averages side by side, or a sum, would make it a summary row)."""
    leads = _leads()
    average = round(float(pd.to_numeric(leads["Employees"]).mean()))
    extra = _row(**{f"c{EMPLOYEES}": average})
    imported = import_leads(_xlsx([COLUMNS, *_rows(leads), extra]), "leads.xlsx")
    assert len(imported.raw) == N + 1


TITLES = {
    "title_and_two_cell_filter": [["Lead Report"],
                                  ["Filtered By:", "Lead Owner equals Sales Team"], []],
    "three_lines": [["Lead Report - All"], ["Filtered By:", "Lead Owner equals Sales Team"],
                    ["Generated by Jane Admin on 3/14/2024 9:02 AM"], []],
    "two_cell_lines_without_blank_row": [["Lead Report", "All leads"],
                                         ["Filtered By:", "Lead Owner equals Sales Team"]],
}


@pytest.mark.parametrize("title", list(TITLES))
def test_a_sheet_title_block_with_two_cell_lines_is_passed_over(title, xlsx_reader):
    leads = _leads(seed=3)
    _assert_read_as(_xlsx([*TITLES[title], COLUMNS, *_rows(leads)]), "xlsx", leads)


@pytest.mark.parametrize("title", list(TITLES))
def test_the_same_title_block_in_a_csv_reads_alike(title):
    leads = _leads(seed=3)
    _assert_read_as(_csv([*TITLES[title], COLUMNS, *_rows(leads)], pad=False), "csv", leads)


def test_a_header_naming_only_some_columns_stays_the_header(xlsx_reader):
    """Two named columns over three filled ones: the first row is the header, not a title."""
    rows = [["First Name", "Last Name"]] + [
        [f"Ann{i}", f"Lee{i}", "Software"] for i in range(30)]
    imported = import_leads(_xlsx(rows), "people.xlsx")
    assert list(imported.raw.columns)[:2] == ["First Name", "Last Name"]
    assert imported.raw["First Name"].tolist() == [f"Ann{i}" for i in range(30)]


def test_excel_formula_text_keeps_leading_zeros_and_reads_as_its_text():
    """A CSV written for Excel wraps ids and zip codes as ="00123"; the import reads the text
    Excel shows, in every column, and leaves other formulas-looking text alone."""
    leads = _leads(seed=9)
    zips = [f"{i * 37 % 100000:05d}" for i in range(len(leads))]
    rows = [[*COLUMNS, "Zip", "Note"]]
    for row, zip_code in zip(_rows(leads), zips, strict=True):
        rows.append([f'="{row[0]}"', *row[1:], f'="{zip_code}"', '="say ""hi"""'])
    rows[-1][-1] = "=1+2"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [["" if v is None else v for v in row] for row in rows])
    imported = import_leads(out.getvalue().encode("utf-8-sig"), "protected.csv")
    assert imported.raw["Lead ID"].tolist() == leads["Lead ID"].tolist()
    assert imported.raw["Zip"].tolist() == zips
    assert imported.raw["Note"].tolist() == ['say "hi"'] * (len(leads) - 1) + ["=1+2"]
    assert imported.leads["record_id"].tolist() == leads["Lead ID"].tolist()
    figures = headline(imported.leads, SIZE)
    truth = _truth(leads)
    assert (figures["leads"], figures["mql"], figures["sql"]) == (
        truth["leads"], truth["mql"], truth["sql"])


def test_excel_formula_text_in_a_repeated_column_reads_as_one_value():
    """An industry written both as Retail and ="Retail" is one industry."""
    leads = _leads(seed=4)
    rows = [COLUMNS]
    for i, row in enumerate(_rows(leads)):
        row[INDUSTRY] = f'="{row[INDUSTRY]}"' if i % 2 else row[INDUSTRY]
        rows.append(row)
    imported = import_leads(_csv(rows), "leads.csv")
    assert sorted(set(imported.raw["Industry"].astype(str))) == sorted(set(leads["Industry"]))
    assert imported.raw["Industry"].astype(str).tolist() == leads["Industry"].tolist()
