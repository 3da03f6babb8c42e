"""Error values in a workbook ("#N/A" a VLOOKUP left, "#DIV/0!"): calamine drops them and
openpyxl keeps them, so one such cell used to send the whole workbook to openpyxl, some six
times slower on 60,000 rows. calamine now reads such a workbook too, with the error values put
back where openpyxl has them: both readers give the same table, and openpyxl is not used."""
from __future__ import annotations

import io
import random
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from tests import hostile_files as hf
from tests.test_xlsx_calamine import readers
from workshop import importer
from workshop.importer import read_export
from workshop.pipeline import import_leads

ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"]


def workbook_with_errors(rows: int = 400, seed: int = 3) -> bytes:
    """Leads whose Industry came from a VLOOKUP (some "#N/A") and Score from a division."""
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Company", "Industry", "Employees", "Score"])
    for i in range(rows):
        sheet.append([f"lead{i}@firm{i}.com", f"Firm {i}", rng.choice(["Software", "Retail"]),
                      rng.randint(5, 5000), rng.randint(0, 100)])
    data = io.BytesIO()
    book.save(data)
    # openpyxl writes no error cells from Python values: put them into the part as Excel does
    source = zipfile.ZipFile(io.BytesIO(data.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for row in rng.sample(range(2, rows + 2), 25):
                    column = rng.choice("CE")
                    start = body.find(f'<c r="{column}{row}"'.encode())
                    end = body.find(b"</c>", start) + 4
                    error = rng.choice(ERRORS)
                    body = (body[:start] + f'<c r="{column}{row}" t="e"><f>VLOOKUP(A{row},'
                            f'X!A:B,2,0)</f><v>{error}</v></c>'.encode() + body[end:])
            target.writestr(item, body)
    return out.getvalue()


def test_calamine_reads_error_cells_as_openpyxl_does():
    data = workbook_with_errors()
    fast, slow = readers(data)
    assert fast is not None  # not handed to openpyxl any more
    assert fast.header == slow.header
    for mine, theirs in zip(fast.columns, slow.columns, strict=True):
        assert mine.to_pylist() == theirs.to_pylist()


def test_an_imported_workbook_counts_error_cells_as_no_value(monkeypatch):
    data = workbook_with_errors()
    rows = list(load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
                .iter_rows(values_only=True))
    want = pd.DataFrame(rows[1:], columns=rows[0]).astype("str")
    assert want["Industry"].isin(ERRORS).any() and want["Score"].isin(ERRORS).any()
    used = []
    read = importer._calamine_sheet
    monkeypatch.setattr(importer, "_calamine_sheet",
                        lambda *args: used.append(read(*args)) or used[-1])
    result = import_leads(data, "leads.xlsx")
    assert used and used[0] is not None
    raw = result.raw
    assert raw["Industry"].tolist() == want["Industry"].tolist()  # kept as written
    industries = result.leads["industry"].astype("string")
    software = int(want["Industry"].eq("Software").sum())
    assert int(industries.eq("Software").sum()) == software
    assert sorted(set(raw.loc[raw["Industry"].isin(ERRORS), "Industry"])) == \
        sorted(set(want.loc[want["Industry"].isin(ERRORS), "Industry"]))


@pytest.mark.parametrize("cell", [
    b'<c r="B2" t="e"><v>#N/A</v></c>',
    b'<c r="B2" s="3" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
])
def test_a_single_error_cell_keeps_calamine_and_its_text(cell):
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>a@acme.com</t></is></c>' + cell
            + b"</row>"]
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    fast, slow = readers(data)
    assert fast is not None
    text = cell.split(b"<v>")[1].split(b"</v>")[0].decode()
    assert fast.columns[1].to_pylist() == slow.columns[1].to_pylist() == [text]
    assert read_export(data, "leads.xlsx")[0]["Company"].tolist() == [text]


def test_an_error_cell_cut_by_a_piece_boundary_is_found(monkeypatch):
    """The parts are read in pieces: a cell split between two is carried over."""
    data = workbook_with_errors(rows=300, seed=8)
    archive = zipfile.ZipFile(io.BytesIO(data))
    whole = importer._error_cells(archive, 0)
    monkeypatch.setattr(importer, "_CALAMINE_PIECE", 97)
    assert importer._error_cells(archive, 0) == whole and len(whole) == 25
