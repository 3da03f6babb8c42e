"""Rows inside an export's table that are not leads, and files that are no table at all.

A Salesforce "formatted" summary report shows each group's value (a lead status) on the group's
first row only and ends each group with a subtotal row; a monday.com board repeats its header
under each group's title; two exports pasted one under the other repeat the header once. Each
test writes such a file (fixed seed), and works out the leads it holds with plain pandas given
the file's shape (the header's row, which rows are subtotals, which column is grouped), never by
the app's own sniffing. Files a person uploads by mistake (a web page saved as .xls, Excel 2003
XML, JSON, OpenDocument, Apple Numbers) get a sentence that names what they are.
"""
from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workshop.importer import ImportProblem, read_export, read_export_file
from workshop.pipeline import import_leads_file

HEADER = ["Lead Status", "First Name", "Last Name", "Company / Account", "Employees",
          "Annual Revenue", "Create Date"]
STATUSES = ["Closed - Converted", "Closed - Not Converted", "Open - Not Contacted",
            "Working - Contacted"]
TITLE = [["Leads by Status"], ["As of 05.12.2025"], []]
FOOTER = [[], ["Confidential Information - Do Not Distribute"]]


def _leads(seed: int = 7) -> list[list]:
    """The leads of the report, in its order (grouped by status), as plain values."""
    rng = np.random.default_rng(seed)
    leads = []
    for status in STATUSES:
        for _ in range(int(rng.integers(4, 9))):
            n = len(leads)
            leads.append([status, "F", f"L{n}", f"Co{n}", int(rng.choice([10, 50, 1000, 5000])),
                          int(rng.integers(1, 50)) * 100_000,
                          datetime.datetime(2024, 1, 1) + datetime.timedelta(
                              days=int(rng.integers(0, 360)))])
    return leads


def _summary_rows(leads: list[list], label: str, repeated: bool = False,
                  total: str = "Total") -> list[list]:
    """The report's rows below its header: each group's value on its first row only (or on
    every row), a subtotal row after each group (its label, then the sums), the total last."""
    rows = []
    for status in STATUSES:
        group = [lead for lead in leads if lead[0] == status]
        for i, lead in enumerate(group):
            rows.append([lead[0] if i == 0 or repeated else None, *lead[1:]])
        rows.append([label, None, None, None, sum(lead[4] for lead in group),
                     sum(lead[5] for lead in group), None])
    rows.append([total, None, None, None, sum(lead[4] for lead in leads),
                 sum(lead[5] for lead in leads), None])
    return rows


def _workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet"
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _by_hand(frame: pd.DataFrame, label: str, total: str) -> pd.DataFrame:
    """The leads of a summary report read by pandas: the subtotal and total rows dropped by
    their label, the status carried down from each group's first row."""
    first = frame.columns[0]
    is_subtotal = frame[first].isin([label, total])
    group = is_subtotal.cumsum()
    frame = frame.assign(**{first: frame[first].groupby(group).ffill()})
    return frame[~is_subtotal].reset_index(drop=True)


def _text(frame: pd.DataFrame) -> list[list[str | None]]:
    return [[None if pd.isna(value) else str(value) for value in row]
            for row in frame.itertuples(index=False)]


# --- a grouped (summary) report --------------------------------------------------------------

@pytest.mark.parametrize("label", ["Subtotal", "Subtotal (6)", "Zwischensumme", "Sum",
                                   "Total général", "Gesamt"])
@pytest.mark.parametrize("repeated", [False, True])
def test_a_summary_workbook_gives_its_leads_each_with_its_group(tmp_path, xlsx_reader, label,
                                                                 repeated):
    leads = _leads()
    path = _workbook(tmp_path / "summary.xlsx",
                     [*TITLE, HEADER, *_summary_rows(leads, label, repeated), *FOOTER])
    raw, found = read_export_file(path)

    want = pd.read_excel(path, engine="openpyxl", header=3, dtype=str,
                         nrows=len(leads) + len(STATUSES) + 1)
    want = _by_hand(want, label, "Total")
    assert list(raw.columns) == HEADER
    assert found.rows == len(want) == len(leads)
    assert raw["Lead Status"].tolist() == want["Lead Status"].tolist() == [
        lead[0] for lead in leads]
    assert raw["Company / Account"].tolist() == want["Company / Account"].tolist()

    imported = import_leads_file(path).leads
    employees = pd.to_numeric(want["Employees"])
    assert len(imported) == len(leads)
    assert imported["employees"].sum() == employees.sum()  # no summed row among them
    assert (imported["employees"] >= 1000).sum() == (employees >= 1000).sum()
    assert imported["outcome"].notna().all()  # every lead has its status
    assert (imported["outcome"] == "won").sum() == sum(
        lead[0] == "Closed - Converted" for lead in leads)


def test_a_summary_csv_report_gives_its_leads_each_with_its_group(tmp_path):
    """The same report saved as CSV (a title, a line of empty cells, the footer), the status
    column read as repeated text."""
    leads = _leads(seed=11)
    rows = [[lead.strftime("%Y-%m-%d") if isinstance(lead, datetime.datetime) else lead
             for lead in row] for row in _summary_rows(leads, "Subtotal")]
    lines = ["Leads by Status", ",,,,,,", ",".join(HEADER)]
    lines += [",".join("" if value is None else str(value) for value in row) for row in rows]
    lines += ["", "Confidential Information - Do Not Distribute"]
    path = tmp_path / "summary.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    want = pd.read_csv(path, dtype=str, skiprows=2, skipfooter=1, engine="python")
    want = _by_hand(want, "Subtotal", "Total")
    for repeated in (None, lambda names: ["Lead Status"]):
        raw, found = read_export(path.read_bytes(), path.name, repeated=repeated)
        assert found.rows == len(want) == len(leads)
        assert _text(raw) == _text(want)


def test_blank_cells_of_an_ordinary_export_stay_blank(tmp_path, xlsx_reader):
    """No subtotal rows: a blank first cell means unknown, even with a grand total at the end
    and a status only now and then."""
    rows = [["Lead Status", "Company", "Employees"], ["Working", "Acme", 500],
            [None, "Beta", 20], [None, "Gamma", 300], ["Open", "Delta", 40],
            [None, "Epsilon", 60], ["Grand Total", None, 920]]
    path = _workbook(tmp_path / "leads.xlsx", rows)
    raw, _ = read_export_file(path)
    want = pd.read_excel(path, engine="openpyxl", dtype=str).iloc[:-1]
    assert _text(raw) == _text(want)
    assert raw["Lead Status"].isna().sum() == 3


def test_a_sparse_column_beside_the_grouped_one_is_not_filled(tmp_path, xlsx_reader):
    """Only the grouped column is filled: a country given on a group's first row and on
    another row is an ordinary column, its blanks unknown."""
    rows = [["Lead Status", "Company", "Country", "Employees"],
            ["Open", "A", "Germany", 10], [None, "B", None, 20], [None, "C", "France", 30],
            ["Subtotal", None, None, 60],
            ["Won", "D", "Spain", 5], [None, "E", None, 7], ["Subtotal", None, None, 12],
            ["Total", None, None, 72]]
    path = _workbook(tmp_path / "report.xlsx", rows)
    raw, _ = read_export_file(path)
    want = _by_hand(pd.read_excel(path, engine="openpyxl", dtype=str), "Subtotal", "Total")
    assert _text(raw) == _text(want)
    assert _text(raw[["Country"]])[:3] == [["Germany"], [None], ["France"]]
    assert raw["Lead Status"].tolist() == ["Open"] * 3 + ["Won"] * 2


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_lead_named_total_inside_an_ordinary_export_is_a_lead(tmp_path, kind):
    """A company called "Total" (or "Sum") with numbers only beside it, among the leads: one
    such row and no subtotals is no grouped report."""
    rows = [["Company", "Industry", "Employees"], ["Acme", "Software", "500"],
            ["Total", "", "100000"], ["Beta", "Retail", "20"], ["Sum", "Retail", "30"],
            ["Gamma", "Software", "800"]]
    if kind == "csv":
        path = tmp_path / "leads.csv"
        path.write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8")
        want = pd.read_csv(path, dtype=str)
    else:
        path = _workbook(tmp_path / "leads.xlsx",
                         [rows[0], *[[r[0], r[1] or None, int(r[2])] for r in rows[1:]]])
        want = pd.read_excel(path, engine="openpyxl", dtype=str)
    raw, found = read_export_file(path)
    assert found.rows == len(want) == 5
    assert raw["Company"].tolist() == want["Company"].tolist()


# --- repeated headers and group titles --------------------------------------------------------

BOARD_HEADER = ["Name", "Owner", "Status", "Company", "Email", "Deal Value", "Employees",
                "Date Created"]
GROUPS = {"New leads": ["New Lead", "Working on it"], "Won": ["Won"], "Lost": ["Lost"]}


def _board(seed: int = 3) -> dict[str, list[list]]:
    rng = np.random.default_rng(seed)
    board = {}
    for group, statuses in GROUPS.items():
        board[group] = [[f"Lead {group} {i}", "Ana", str(rng.choice(statuses)), f"Co {i}",
                         f"l{i}@co{i}.com", int(rng.integers(1000, 90000)),
                         int(rng.integers(5, 900)),
                         datetime.datetime(2025, 1, 1) + datetime.timedelta(days=i)]
                        for i in range(int(rng.integers(5, 12)))]
    return board


def test_a_board_exported_group_by_group_gives_only_its_leads(tmp_path, xlsx_reader):
    board = _board()
    rows: list[list] = [["Leads board"], []]
    for group, leads in board.items():
        rows += [[group], BOARD_HEADER, *leads, []]
    path = _workbook(tmp_path / "board.xlsx", rows)
    raw, found = read_export_file(path)

    # by hand: pandas reads every group's block (its header two rows below the title)
    blocks, at = [], 3
    for leads in board.values():
        blocks.append(pd.read_excel(path, engine="openpyxl", header=at, nrows=len(leads),
                                    dtype=str))
        at += len(leads) + 3
    want = pd.concat(blocks, ignore_index=True)
    assert list(raw.columns) == BOARD_HEADER
    assert found.rows == len(want) == sum(len(leads) for leads in board.values())
    assert raw["Name"].tolist() == want["Name"].tolist()
    assert raw["Status"].tolist() == want["Status"].tolist()
    assert "Status" not in set(raw["Status"]) and raw["Name"].notna().all()

    imported = import_leads_file(path).leads
    assert len(imported) == len(want)
    assert (imported["outcome"] == "won").sum() == (want["Status"] == "Won").sum()


def test_exports_pasted_one_under_another_give_one_table(tmp_path):
    first = [f"a{i}@x{i}.com,C{i},Software,{1000 * i}" for i in range(6)]
    second = [f"b{i}@y{i}.com,D{i},Retail,{2000 * i}" for i in range(4)]
    header = "Email,Company,Industry,Annual Revenue"
    # the second header as Excel may write it again: other case, spaces around the values
    lines = [header, *first, " EMAIL , Company,industry ,Annual Revenue", *second]
    path = tmp_path / "pasted.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, found = read_export_file(path)
    want = pd.concat([pd.read_csv(path, dtype=str, nrows=len(first)),
                      pd.read_csv(path, dtype=str, skiprows=len(first) + 2, header=None,
                                  names=header.split(","))], ignore_index=True)
    assert found.rows == len(want) == 10
    assert _text(raw) == _text(want)


def test_a_group_title_before_a_repeated_header_in_a_csv_is_dropped(tmp_path):
    lines = ["Name,Status,Employees", "A,New,10", "B,New,20", "", "Won,,",
             "Name,Status,Employees", "C,Won,30", "Won,,"]
    path = tmp_path / "board.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw, _ = read_export_file(path)
    want = pd.read_csv(path, dtype=str, skip_blank_lines=True)
    want = want.drop(index=[2, 3]).reset_index(drop=True)  # the title and the header again
    assert _text(raw) == _text(want)
    # the last row, a one-value row not before a header, stays a row (a lead named "Won")
    assert raw["Name"].tolist() == ["A", "B", "C", "Won"]


def test_a_lead_sharing_only_the_first_header_cell_is_a_lead(tmp_path, xlsx_reader):
    rows = [["Name", "Status", "Employees"], ["A", "New", 10], ["Name", "Won", 20],
            ["Name", "Status", None], ["B", "Lost", 5]]
    path = _workbook(tmp_path / "leads.xlsx", rows)
    raw, _ = read_export_file(path)
    want = pd.read_excel(path, engine="openpyxl", dtype=str)
    assert _text(raw) == _text(want)  # neither row holds the header's texts all


# --- files that are not a table -------------------------------------------------------------

HTML = (b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=UTF-8'>"
        b"</head><body><table><tr><th>Email</th><th>Company</th></tr>"
        b"<tr><td>a@x.com</td><td>Acme</td></tr></table></body></html>")
SPREADSHEET_ML = (b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?>'
                  b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
                  b'<Worksheet ss:Name="Leads"><Table><Row><Cell><Data ss:Type="String">Email'
                  b'</Data></Cell></Row></Table></Worksheet></Workbook>')


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return out.getvalue()


ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": b"<office:document-content/>"})
NUMBERS = _zip({"Index/Document.iwa": b"\0\1binary", "Metadata/Properties.plist": b"<plist/>"})


@pytest.mark.parametrize(("data", "names", "says"), [
    (HTML, ["leads.xls", "export.xlsx"], r"^This is a web page \(HTML\) saved as an Excel file.*"
                                         r"save it as \.xlsx or CSV"),
    (HTML, ["leads.html", "leads.csv"], r"^This is a web page \(HTML\), not a CSV or Excel"),
    (b"\xef\xbb\xbf\n  <!DOCTYPE html>" + HTML, ["leads.xls"], r"^This is a web page \(HTML\)"),
    (SPREADSHEET_ML, ["leads.xls", "leads.xml"], r"^This is an Excel 2003 XML spreadsheet.*"
                                                 r"save it as \.xlsx or CSV"),
    (json.dumps([{"Email": "a@x.com", "Company": "Acme"}]).encode(), ["leads.json", "leads.csv"],
     r"^This is a JSON file.*CSV or XLSX"),
    (b'{"results": [{"email": "a@x.com"}]}', ["contacts.json"], r"^This is a JSON file"),
    (ODS, ["leads.ods", "leads.xlsx"], r"^This is an OpenDocument spreadsheet \(\.ods\).*"
                                       r"save it as \.xlsx or CSV"),
    (NUMBERS, ["leads.numbers", "leads.zip"], r"^This is an Apple Numbers spreadsheet.*"
                                              r"Export To › Excel"),
    (_zip({"contacts.csv": b"Email\na@x.com\n"}), ["export.zip"], r"^This is a ZIP archive"),
])
def test_a_file_that_is_no_table_says_what_it_is(data, names, says):
    for name in names:  # the content decides, not the name
        with pytest.raises(ImportProblem, match=says):
            read_export(data, name)


@pytest.mark.parametrize("first", ["[Name],[Email]", "{Name},Email", "<Name>,Email"])
def test_a_csv_whose_header_starts_with_a_bracket_is_still_a_csv(first):
    raw, found = read_export(f"{first}\nAcme,a@x.com\n".encode(), "leads.csv")
    assert found.rows == 1 and raw.iloc[0].tolist() == ["Acme", "a@x.com"]
