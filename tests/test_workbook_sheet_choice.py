"""Which sheet of a workbook holds the leads, and which of its first rows is their header: a
summary sheet in front of the leads, group labels ("Contact", "Company", "Deal") above the
header. Each workbook is built here with a fixed seed, read by both readers, and the expected
figures come from pandas reading the intended sheet and header row."""
from __future__ import annotations

import datetime
import random
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workshop.importer import read_export_file
from workshop.pipeline import import_leads

HEAD = ["Record ID", "Company Name", "Industry", "Number of Employees", "Annual Revenue",
        "Country/Region", "Job Title", "Create Date", "Deal Stage", "Amount"]
INDUSTRIES = ["Education", "Financial Services", "Healthcare", "Manufacturing", "Retail",
              "Software"]
STAGES = ["Closed Won", "Closed Lost", "Qualification", None, None, None]


def _leads(count: int, seed: int) -> list[list]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        stage = rng.choice(STAGES)
        rows.append([str(5_000_001 + i), f"Company {i} Ltd", rng.choice(INDUSTRIES),
                     rng.randint(5, 5_000), rng.randint(100_000, 90_000_000),
                     rng.choice(["France", "Germany", "Spain", "Italy"]),
                     rng.choice(["Analyst", "VP Sales", "Marketing Manager"]),
                     datetime.datetime(2025, 1, 1) + datetime.timedelta(hours=rng.randint(0, 8000)),
                     stage, round(rng.uniform(1_000, 90_000), 2) if stage else None])
    return rows


def _industry_summary(sheet, leads: list[list]) -> None:
    sheet.append(["Industry", "Leads", "Won"])
    for industry in INDUSTRIES:
        mine = [row for row in leads if row[2] == industry]
        sheet.append([industry, len(mine), sum(row[8] == "Closed Won" for row in mine)])
    sheet.append(["Total", len(leads), sum(row[8] == "Closed Won" for row in leads)])


def _month_summary(sheet, leads: list[list]) -> None:
    sheet.append(["Month", "Leads", "MQLs", "Won", "Amount won"])
    for month in range(1, 13):
        mine = [row for row in leads if row[7].month == month]
        won = [row for row in mine if row[8] == "Closed Won"]
        sheet.append([f"2025-{month:02d}", len(mine), len(mine) // 3, len(won),
                      round(sum(row[9] for row in won), 2)])


def _expected(path: Path, sheet: str, header: int = 0) -> tuple[int, int, float]:
    """Rows, wins and the amounts' sum of the intended table, as pandas reads it."""
    want = pd.read_excel(path, engine="openpyxl", sheet_name=sheet, header=header)
    return len(want), int((want["Deal Stage"] == "Closed Won").sum()), float(want["Amount"].sum())


def _imported(path: Path) -> tuple[int, int, float, object]:
    result = import_leads(path.read_bytes(), path.name)
    leads = result.leads
    return (len(leads), int((leads["outcome"] == "won").sum()),
            float(pd.to_numeric(leads["amount"]).sum()), result)


@pytest.mark.parametrize(("summary", "title", "leads_title"), [
    (_industry_summary, "Summary", "All Leads"), (_month_summary, "Dashboard", "Leads")])
def test_a_summary_sheet_in_front_gives_way_to_the_leads_behind_it(
        tmp_path, xlsx_reader, summary, title, leads_title):
    leads = _leads(600, seed=31)
    book = openpyxl.Workbook()
    front = book.active
    front.title = title
    summary(front, leads)
    table = book.create_sheet(leads_title)
    for row in [HEAD, *leads]:
        table.append(row)
    path = tmp_path / "summary_first.xlsx"
    book.save(path)
    rows, wins, amount = _expected(path, leads_title)
    assert wins < rows / 4  # not every lead won, as the summary read as leads said
    got_rows, got_wins, got_amount, result = _imported(path)
    assert (got_rows, got_wins) == (rows, wins)
    assert got_amount == pytest.approx(amount)
    assert (result.format.sheet, result.format.passed_over) == (leads_title, title)
    assert result.mapping.outcome_column == "Deal Stage"


def test_a_short_export_in_front_of_a_longer_list_of_picklist_values_is_kept(
        tmp_path, xlsx_reader):
    """Twenty leads of mostly numbers (one text column, as a summary has) in front of a
    picklist sheet with more rows and headers the catalog knows: the leads are read."""
    rng = random.Random(7)
    book = openpyxl.Workbook()
    leads = book.active
    leads.title = "Export"
    leads.append(["Email", "Create Date", "Number of Employees", "Annual Revenue", "Score"])
    for i in range(20):
        leads.append([f"lead{i}@example{i}.com", datetime.datetime(2025, 3, 1 + i),
                      rng.randint(5, 900), rng.randint(10_000, 9_000_000), rng.randint(0, 100)])
    lists = book.create_sheet("Lists")
    lists.append(["Industry", "Country", "Lead Status", "Lead Source"])
    for i in range(80):
        lists.append([f"Industry {i}", f"Country {i}", f"Status {i}", f"Source {i}"])
    path = tmp_path / "short_export.xlsx"
    book.save(path)
    raw, found = read_export_file(path)
    want = pd.read_excel(path, engine="openpyxl", sheet_name=0, dtype=str)
    assert (found.sheet, found.passed_over) == ("Export", "")
    assert len(raw) == len(want) == 20
    assert raw["Email"].tolist() == want["Email"].tolist()


def test_a_summary_in_front_of_a_hidden_leads_sheet_is_not_passed_over(tmp_path, xlsx_reader):
    leads = _leads(200, seed=5)
    book = openpyxl.Workbook()
    front = book.active
    front.title = "Summary"
    _industry_summary(front, leads)
    hidden = book.create_sheet("Data")
    for row in [HEAD, *leads]:
        hidden.append(row)
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    raw, found = read_export_file(path)
    assert (found.sheet, found.passed_over) == ("Summary", "")
    assert len(raw) == len(pd.read_excel(path, engine="openpyxl", sheet_name="Summary"))


GROUPS = [("Contact", 1, 3), ("Company", 4, 7), ("Deal", 8, 10)]  # label, first, last column


@pytest.mark.parametrize("merged", [True, False])
@pytest.mark.parametrize("title", [False, True])
def test_group_labels_above_the_header_are_not_the_header(tmp_path, xlsx_reader, merged, title):
    leads = _leads(600, seed=11)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    if title:
        sheet.append(["Leads by Region"])
        sheet.append([])
    top = 3 if title else 1  # the labels' row: under a title and a blank row
    labels = [None] * len(HEAD)
    for label, first, _ in GROUPS:
        labels[first - 1] = label
    sheet.append(labels)
    if merged:
        for _, first, last in GROUPS:
            sheet.merge_cells(start_row=top, start_column=first, end_row=top, end_column=last)
    for row in [HEAD, *leads]:
        sheet.append(row)
    path = tmp_path / "grouped.xlsx"
    book.save(path)
    rows, wins, amount = _expected(path, "Leads", header=top)  # the row under the labels
    got_rows, got_wins, got_amount, result = _imported(path)
    assert list(result.raw.columns) == HEAD
    assert (got_rows, got_wins) == (rows, wins) == (600, sum(r[8] == "Closed Won" for r in leads))
    assert got_amount == pytest.approx(amount)
    assert set(result.mapping.columns) == set(HEAD)


def test_a_header_with_blank_cells_over_leads_stays_the_header(tmp_path, xlsx_reader):
    """A header naming every other column, over leads of text only (a lead source "Email" or
    "Website" among them): the first row is still the header, no lead is lost."""
    rng = random.Random(3)
    rows = [["Name", None, "Email", None, "Company", None]]
    for i in range(30):
        rows.append([f"Ann{i}", f"Lee{i}", f"ann{i}@acme{i}.com",
                     rng.choice(["Email", "Website", "Referral"]), f"Acme {i}",
                     rng.choice(["Software", "Retail"])])
    for merged in (False, True):
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        if merged:
            for first in (1, 3, 5):
                sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=first + 1)
        path = tmp_path / f"blank_header_{merged}.xlsx"
        book.save(path)
        raw, found = read_export_file(path)
        want = pd.read_excel(path, engine="openpyxl", header=0, dtype=str)
        assert found.rows == len(want) == 30
        assert raw["Name"].tolist() == want["Name"].tolist()
        assert raw["Email"].tolist() == want["Email"].tolist()
