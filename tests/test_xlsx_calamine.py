"""Workbooks are read by calamine when it reads them as openpyxl does, and by openpyxl otherwise:
the same table either way, and memory bounded by the cells a sheet really holds."""
from __future__ import annotations

import datetime
import io
import zipfile

import pandas as pd
import pytest
from openpyxl import Workbook

from tests import hostile_files as hf
from workshop import importer
from workshop.importer import ImportProblem, read_export


def rewrite(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook with `old` replaced by `new` in one part."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                assert old in body, body[:2000]
                body = body.replace(old, new)
            target.writestr(info, body)
    return out.getvalue()


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def calamine_fits(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> bool:
    """Whether calamine is given the workbook: its grid is bounded by the cells it holds, and
    it reads every cell as openpyxl would."""
    return (importer._calamine_bounded(archive, members)
            and importer._calamine_reads_alike(archive, members))


def readers(data: bytes) -> tuple[tuple | None, tuple]:
    """What calamine reads (None when it is not used) and what openpyxl reads."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    fast = importer._calamine_sheet(data, archive, archive.infolist(), importer.MAX_ROWS)
    return fast, importer._openpyxl_sheet(data, archive, importer.MAX_ROWS)


HEADER = ["Email", "Signed up", "Last call", "Employees", "Revenue", "Paying", "Notes",
          "Score", "Big", "Country"]


def mixed_workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(HEADER)
    sheet.append(["ana@acme.com", datetime.date(2024, 3, 5), datetime.datetime(2024, 3, 5, 14, 30),
                  120, 1500000.5, True, "Zoë — café ✓", None, 12.0, "DE"])
    sheet.append(["bo@beta.com", datetime.datetime(2024, 3, 6),
                  datetime.datetime(2024, 3, 6, 9, 5, 7), 7.0, 0.1, False, None, "=D3*2", -3,
                  "Ελλάδα"])
    sheet.append([None] * len(HEADER))  # a blank row, dropped
    sheet.append(["cy@gamma.io", None, None, 0, -12.25, None, "line one\nline two", None,
                  123456789012345, "日本"])
    other = book.create_sheet("Notes")
    other.append(["Not", "this", "one"])
    other.append(["x", "y", "z"])
    data = saved(book)
    # openpyxl writes a formula without its value; Excel stores the value it last computed.
    return rewrite(data, "xl/worksheets/sheet1.xml", b"<f>D3*2</f><v />",
                   b"<f>D3*2</f><v>14</v>")


EXPECTED = pd.DataFrame([
    ["ana@acme.com", "2024-03-05", "2024-03-05 14:30:00", "120", "1500000.5", "TRUE",
     "Zoë — café ✓", None, "12", "DE"],
    ["bo@beta.com", "2024-03-06", "2024-03-06 09:05:07", "7", "0.1", "FALSE", None, "14", "-3",
     "Ελλάδα"],
    ["cy@gamma.io", None, None, "0", "-12.25", None, "line one\nline two", None,
     "123456789012345", "日本"],
], columns=HEADER, dtype="str")


def test_a_workbook_of_every_kind_of_cell_is_read_by_calamine_as_its_text():
    data = mixed_workbook()
    fast, slow = readers(data)
    assert fast is not None, "calamine was not used"
    assert fast == slow
    frame, found = read_export(data, "leads.xlsx")
    pd.testing.assert_frame_equal(frame, EXPECTED)
    assert (found.kind, found.sheet, found.rows, found.columns) == ("xlsx", "Leads", 3, 10)


def test_the_active_sheet_is_read_and_the_first_worksheet_when_a_chart_is_active():
    book = Workbook()
    book.active.title = "First"
    book.active.append(["Email"])
    book.active.append(["a@first.com"])
    second = book.create_sheet("Second")
    second.append(["Email"])
    second.append(["b@second.com"])
    book.active = 1
    data = saved(book)
    fast, slow = readers(data)
    assert fast is not None and fast == slow
    frame, found = read_export(data, "leads.xlsx")
    assert found.sheet == "Second" and frame["Email"].tolist() == ["b@second.com"]
    book.active = 0
    frame, found = read_export(saved(book), "leads.xlsx")
    assert found.sheet == "First" and frame["Email"].tolist() == ["a@first.com"]


def test_a_leading_empty_column_is_kept_as_openpyxl_keeps_it():
    rows = [hf.row_xml(1, ("B1", "Email"), ("C1", "Company")),
            hf.row_xml(3, ("B3", "a@acme.com"), ("C3", "Acme"))]
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    fast, slow = readers(data)
    assert fast is not None and fast == slow
    frame, _ = read_export(data, "leads.xlsx")
    assert frame.columns.tolist() == ["Column 1", "Email", "Company"]
    assert frame.iloc[0].tolist()[1:] == ["a@acme.com", "Acme"]


def test_a_huge_claimed_size_is_not_trusted():
    """A sheet that claims the whole grid but holds three rows: calamine reads it without
    making room for the claim."""
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.GOOD_SHEET.replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')}))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert calamine_fits(archive, archive.infolist())
    frame, found = read_export(data, "leads.xlsx")
    assert frame["Email"].tolist() == ["a@acme.com", "b@beta.com"] and found.columns == 2


@pytest.mark.parametrize("far", ["XFD1048576", "BXX1048576", "F1048576", "CV500000"])
def test_a_cell_far_from_the_others_is_not_given_to_calamine(far):
    """calamine holds the whole rectangle up to the last cell in memory: a few cells far apart
    (a million rows of 16,384 cells) are read by openpyxl instead, which streams."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            hf.row_xml(2, ("A2", "a@acme.com"), ("B2", "Acme")),
            hf.row_xml(int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), (far, "far away"))]
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not calamine_fits(archive, archive.infolist())
    if far.startswith("XFD"):
        frame, _ = read_export(data, "leads.xlsx")  # beyond the columns looked at
        assert frame["Email"].tolist() == ["a@acme.com"]


def test_a_cell_that_claims_another_row_than_its_own_is_not_given_to_calamine():
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            hf.row_xml(2, ("A2", "a@acme.com"), ("B900000", "Acme"))]
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not calamine_fits(archive, archive.infolist())


@pytest.mark.parametrize("cell, text", [
    (b'<c r="B2" t="inlineStr"><is><t>  Acme </t></is></c>', "  Acme "),  # calamine trims
    (b'<c r="B2" t="inlineStr"><is><t>&#9;Acme</t></is></c>', "\tAcme"),
])
def test_a_cell_calamine_reads_otherwise_is_read_as_before(cell, text):
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            b'<row r="2"><c r="A2" t="inlineStr"><is><t>a@acme.com</t></is></c>' + cell
            + b"</row>"]
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    fast, _ = readers(data)
    assert fast is None
    frame, _ = read_export(data, "leads.xlsx")
    assert frame["Company"].tolist() == [text]


def test_cells_that_do_not_say_where_they_are_are_read_by_openpyxl():
    rows = [b'<row><c t="inlineStr"><is><t>Email</t></is></c></row>',
            b'<row><c t="inlineStr"><is><t>a@acme.com</t></is></c></row>']
    data = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(rows)}))
    fast, _ = readers(data)
    assert fast is None
    assert read_export(data, "leads.xlsx")[0]["Email"].tolist() == ["a@acme.com"]


def test_the_limits_hold_on_the_calamine_path():
    data = mixed_workbook()
    with pytest.raises(ImportProblem, match="more than 2 rows; the limit is 2"):
        read_export(data, "leads.xlsx", max_rows=2)
    header = [(f"{hf_column(i)}1", f"Field {i}") for i in range(1, 2002)]
    wide = hf.zip_bytes(hf.workbook_parts({hf.SHEET: hf.sheet_xml(
        [hf.row_xml(1, *header), hf.row_xml(2, ("A2", "a@acme.com"))])}))
    fast = zipfile.ZipFile(io.BytesIO(wide))
    assert calamine_fits(fast, fast.infolist())
    with pytest.raises(ImportProblem, match="more than 2,000 columns"):
        read_export(wide, "leads.xlsx")


def hf_column(number: int) -> str:
    return importer._column_name(number)


def test_the_column_and_row_patterns_say_exactly_what_lies_beyond():
    for number in (1, 2, 26, 27, 52, 702, 703, 2000, 16_384):
        name = importer._column_name(number)
        assert importer._column_number(name.encode()) == number
    for bottom, right in ((1, 1), (9, 26), (10, 27), (100_001, 702), (1_048_576, 2000)):
        for row in (bottom - 1, bottom, bottom + 1, bottom * 10):
            for column in (right - 1, right, right + 1):
                if row < 1 or column < 1:
                    continue
                piece = f'<c r="{importer._column_name(column)}{row}" t="n">'.encode()
                assert importer._cell_beyond(piece, bottom, right) == (
                    row > bottom or column > right), (row, column, bottom, right)
    assert importer._cell_beyond(b'<c r="A0">', 10, 10)
    assert importer._cell_beyond(b'<c r="a1">', 10, 10)
    assert importer._cell_beyond(b'<c r="$A$1">', 10, 10)


# --- calamine's grid, a column at a time, against openpyxl's rows one at a time ------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

CELL = st.one_of(
    st.just(""), st.just(""), st.sampled_from([" ", "\t", "\u3000", "\x1f", "Acme", " Zoë ",
                                               "x" * 9, "ab\ncd"]),
    st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**16, 10**16).map(float),
    st.booleans(), st.dates(), st.datetimes(), st.times())


@settings(max_examples=300, deadline=None)
@given(grid=st.integers(1, 6).flatmap(lambda width: st.lists(
           st.lists(CELL, min_size=width, max_size=width), min_size=1, max_size=8)),
       left=st.integers(0, 2), max_rows=st.integers(1, 6), columns=st.integers(2, 6))
def test_the_grid_read_a_column_at_a_time_is_what_the_rows_read_one_by_one_give(
        grid, left, max_rows, columns):
    """Blank rows, white space, trailing empties, too long a cell, too wide a row and too many
    rows: the same table, or the same problem for the same first row."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "MAX_CELL_BYTES", 8)
        patch.setattr(importer, "MAX_COLUMNS", columns)
        _compare_readings(grid, left, max_rows, columns)


def _compare_readings(grid, left, max_rows, columns):

    def outcome(read):
        try:
            return read()
        except ImportProblem as problem:
            return str(problem)

    keep = columns + 1 - left
    openpyxl_rows = ([None] * left + [None if v == "" else v for v in row[:keep]]
                     for row in grid)
    want = outcome(lambda: importer._rows_sheet(
        *importer._take_rows(openpyxl_rows, max_rows), "Leads"))
    got = outcome(lambda: importer._grid_sheet(grid, left, max_rows, "Leads"))
    if got is None:  # nothing in the grid: the openpyxl reader decides
        assert isinstance(want, importer._Sheet) and want.header is None
    else:
        assert got == want
