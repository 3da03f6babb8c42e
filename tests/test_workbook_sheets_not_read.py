"""Leads a workbook holds beyond the sheet read: a sheet per year headed alike, or the raw data
on a hidden sheet behind a dashboard that names no lead field. The room is told which sheets
were not read, instead of every figure silently leaving their leads out. Expected counts come
from pandas reading each sheet of the workbook."""
from __future__ import annotations

import datetime
import random
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from workshop.importer import ImportProblem, read_export
from workshop.pipeline import import_leads
from workshop.sheet_notes import sheet_sentences

HEAD = ["Email", "Company", "Industry", "Employees", "Lifecycle Stage", "Create Date"]


def _rows(count: int, year: int, seed: int) -> list[list]:
    rng = random.Random(seed)
    return [[f"u{year}{i}@firm{i}.com", f"Firm {i}", rng.choice(["Banking", "Retail"]),
             rng.choice([10, 500]), rng.choice(["lead", "customer"]),
             datetime.datetime(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 360))]
            for i in range(count)]


def _yearly(path: Path, second_head: list[str] = HEAD) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Leads 2023"
    for row in [HEAD, *_rows(200, 2023, 1)]:
        first.append(row)
    second = book.create_sheet("Leads 2024")
    for row in [second_head, *_rows(300, 2024, 2)]:
        second.append(row)
    lists = book.create_sheet("Lists")
    for row in [["Industry", "Owner"], ["Banking", "Ann"], ["Retail", "Bo"]]:
        lists.append(row)
    book.save(path)
    return path


def test_a_sheet_per_year_headed_alike_is_named_as_not_read(tmp_path, xlsx_reader):
    path = _yearly(tmp_path / "yearly.xlsx")
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    result = import_leads(path.read_bytes(), path.name)
    assert len(result.leads) == len(sheets["Leads 2023"]) == 200
    assert len(sheets["Leads 2024"]) == 300  # the leads the figures leave out
    assert result.format.same_columns == ("Leads 2024",)  # not "Lists": headed otherwise
    sentences = sheet_sentences(result.format, len(result.mapping.columns))
    assert len(sentences) == 1
    assert "Only the sheet “Leads 2023” was read" in sentences[0]
    assert "The sheet “Leads 2024” has the same columns and was not read" in sentences[0]


def test_headers_differing_only_in_case_and_spaces_count_as_alike(tmp_path, xlsx_reader):
    other = [" EMAIL", "company", "Industry ", "Employees", "Lifecycle  Stage", "Create Date"]
    path = _yearly(tmp_path / "yearly.xlsx", other)
    _, found = read_export(path.read_bytes(), path.name)
    assert found.same_columns == ("Leads 2024",)


def test_a_sheet_headed_otherwise_is_not_named(tmp_path, xlsx_reader):
    path = _yearly(tmp_path / "yearly.xlsx", [*HEAD[:-1], "Close Date"])
    result = import_leads(path.read_bytes(), path.name)
    assert result.format.same_columns == ()
    assert sheet_sentences(result.format, len(result.mapping.columns)) == []


def test_a_dashboard_in_front_of_hidden_data_names_the_hidden_sheet(tmp_path, xlsx_reader):
    rng = random.Random(3)
    book = openpyxl.Workbook()
    board = book.active
    board.title = "Dashboard"
    board.append(["Month", "Leads", "Customers", "Conversion"])
    for month in range(1, 13):
        board.append([f"2024-{month:02d}", rng.randint(20, 40), rng.randint(1, 8), 0.1])
    board.append(["Total", 360, 50, 0.14])
    data = book.create_sheet("Data")
    for row in [HEAD, *_rows(360, 2024, 4)]:
        data.append(row)
    data.sheet_state = "hidden"
    path = tmp_path / "dashboard.xlsx"
    book.save(path)
    result = import_leads(path.read_bytes(), path.name)
    assert result.format.sheet == "Dashboard" and result.mapping.columns == {}
    assert result.format.other_sheets == ("Data (hidden)",)
    [sentence] = sheet_sentences(result.format, 0)
    assert "No column of the sheet “Dashboard” was recognised as a lead field" in sentence
    assert "The workbook's other sheets: “Data (hidden)”." in sentence


def test_a_csv_naming_no_lead_field_is_told_so_without_sheets():
    data = b"Month,Leads,Conversion\n2024-01,30,0.1\n2024-02,28,0.2\n"
    result = import_leads(data, "summary.csv")
    [sentence] = sheet_sentences(result.format, len(result.mapping.columns))
    assert sentence.startswith("No column of this file was recognised as a lead field")
    assert "other sheets" not in sentence


def test_a_single_sheet_workbook_of_leads_says_nothing(tmp_path, xlsx_reader):
    book = openpyxl.Workbook()
    for row in [HEAD, *_rows(50, 2024, 5)]:
        book.active.append(row)
    path = tmp_path / "one.xlsx"
    book.save(path)
    result = import_leads(path.read_bytes(), path.name)
    assert (result.format.same_columns, result.format.other_sheets) == ((), ())
    assert sheet_sentences(result.format, len(result.mapping.columns)) == []


def test_a_binary_workbook_is_told_to_be_saved_as_xlsx(tmp_path):
    path = tmp_path / "leads.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    with pytest.raises(ImportProblem, match=r"Excel binary workbook \(\.xlsb\)"):
        read_export(path.read_bytes(), path.name)


@pytest.mark.parametrize(("name", "data", "said"), [
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "old-style Excel file (.xls)"),
    ("sheet.ods", None, "OpenDocument spreadsheet (.ods)")])
def test_the_upload_takes_old_and_opendocument_workbooks_to_say_what_to_do(
        tmp_path, name, data, said):
    """The uploader accepts .xls and .ods, so the importer's advice shows (a browser refuses a
    type the uploader does not list, with only "files are not allowed")."""
    from workshop.ui.import_panel import UPLOAD_TYPES

    assert {"xls", "xlsb", "ods"} <= set(UPLOAD_TYPES)
    if data is None:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<office:document-content/>")
        data = path.read_bytes()
    with pytest.raises(ImportProblem, match=said.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.")):
        read_export(data, name)


def test_the_evidence_page_says_which_sheets_were_not_read(database, tmp_path):
    from tests.test_upload_same_name_and_size import open_evidence, revealed

    path = _yearly(tmp_path / "yearly.xlsx")
    at = open_evidence(revealed(database))
    at.file_uploader(key="evidence:file").set_value(
        ("yearly.xlsx", path.read_bytes(),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")).run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [w.value for w in at.warning]
    assert any("“Leads 2024” has the same columns and was not read" in w for w in warnings), \
        warnings
