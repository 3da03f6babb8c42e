"""Read a CRM export (CSV or XLSX, any CRM) into a table of strings, or say plainly why not.

This is the first stage of an import: bytes in, a `DataFrame` of text plus the `ExportFormat` that
was detected out. Nothing is interpreted yet: numbers, dates and booleans stay text, so the column
mapping and `workshop.leads.normalise` decide what they mean (`ExportFormat.decimal` tells them
whether "12,5" is twelve and a half).

CSV is read by `pyarrow.csv` (multi-threaded, C++); Python only looks at a small sample at the start
of the file to find the encoding, the delimiter, the header and the decimal mark, and at its last
lines for a report's footer. A workbook is read by calamine (Rust, through python-calamine) when
a quick look at its parts shows calamine reads it as openpyxl does and within memory bounded by
its cells; by openpyxl otherwise. Every
problem a person can fix by re-exporting the file is raised as `ImportProblem` with a sentence
they can act on; nothing else should escape.
"""
from __future__ import annotations

import array
import datetime
import html
import io
import itertools
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from workshop.column_types import COMMA_DECIMAL, POINT_DECIMAL
from workshop.csv_pieces import record_pieces

MAX_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
MAX_COLUMNS = 2_000
MAX_CELL_BYTES = 1024 * 1024
# An XLSX is a zip: its parts may together unpack to at most this much, and no part may be
# compressed more than MAX_ZIP_RATIO to 1 (real sheets compress 5-30x; zip bombs 1000x).
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 10_000  # a workbook has a few dozen parts
EXCEL_MAX_ROWS = 1_048_576  # no sheet Excel writes has more rows, blank ones included
MAX_MERGED_RANGES = 100_000  # a formatted report merges a few hundred at most

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_BYTES = 64 * 1024
SAMPLE_RECORDS = 50
_BLOCK_SIZE = 2 * 1024 * 1024  # > MAX_CELL_BYTES, so a huge cell gets its own message

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary .xls (and .doc, .msg…)
_UTF8_BOM = b"\xef\xbb\xbf"
_BOMS = (
    (_UTF8_BOM, "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Control characters that never appear in text exports (tab, CR, LF and form feed excepted).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_SEP_HINT = re.compile(r"^sep=(.)\r?\n?$")


class ImportProblem(ValueError):
    """A file we cannot import, with a message the person who uploaded it can act on."""


@dataclass
class ExportFormat:
    """What `read_export` found out about a file.

    kind: "csv" or "xlsx". encoding: "utf-8", "utf-8-sig", "utf-16", "cp1252", "mac-roman" (Excel
    for Mac's "CSV (Macintosh)") or "latin-1" for a CSV; "" for a workbook. delimiter: one of
    `DELIMITERS` ("" for a workbook). decimal: "." or "," — the mark numbers in the file use;
    values are *not* converted here. rows and columns: the shape of the returned table (blank
    rows already dropped).
    """

    kind: str
    encoding: str
    delimiter: str
    decimal: str
    rows: int
    columns: int
    sheet: str = ""  # the worksheet read
    passed_over: str = ""  # the sheet the workbook opens on, when the leads were read elsewhere
    same_columns: tuple[str, ...] = ()  # other sheets headed alike (a sheet per year): not read
    other_sheets: tuple[str, ...] = ()  # every other worksheet, "(hidden)" after a hidden one


def read_export_file(path: str | Path, **limits) -> tuple[pd.DataFrame, ExportFormat]:
    """`read_export` on a file on disk."""
    path = Path(path)
    return read_export(path.read_bytes(), path.name, **limits)


def read_export(data: bytes, filename: str = "", *, max_bytes: int = MAX_BYTES,
                max_rows: int = MAX_ROWS,
                repeated: Callable[[list[str]], Iterable[str]] | None = None
                ) -> tuple[pd.DataFrame, ExportFormat]:
    """An export's cells as text (missing cells are missing), and the format it was in.

    Headers are stripped and made unique ("Email", "Email (2)"); fully blank rows are dropped.
    So are what a CRM report adds around its table, in a CSV or a sheet: title lines above the
    header, a footer below the rows, a totals row ("Grand Total", "Summe") at their end, the
    aggregate rows a spreadsheet's user adds under them ("Total", "Average", an unlabelled
    =SUM()), a grouped report's subtotal rows, and a header repeated under each group's title.
    A cell written as Excel's text formula ="00123" reads as the text it shows. Of a
    workbook, the sheet holding the leads is read (not a summary sheet before it), and a merged
    range's value is given to each of its cells, as a person reads it; so is a grouped report's
    group value, which it shows on the group's first row only.
    A CSV's columns that `repeated` (given the headers) says hold a few values over and over
    (an industry, a count) are read as a Categorical of that text: each value is kept once, and
    cleaning them later takes a pass over their few values rather than a million rows.
    Raises `ImportProblem` for anything a person has to fix in the file itself.
    """
    data = bytes(data) if not isinstance(data, bytes) else data
    if len(data) > max_bytes:
        raise ImportProblem(f"The file is {_size(len(data))}; the limit is {_size(max_bytes)}. "
                            "Export fewer rows or columns and upload again.")
    if not data[:SAMPLE_BYTES].strip() and not data.strip():
        raise ImportProblem("The file is empty.")
    # The content decides, not the name: a CSV renamed to .xlsx is still read as the CSV it is.
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data, max_rows=max_rows)
    if data.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:  # Excel's "Encrypt with password"
            raise _password_protected()
        raise ImportProblem("This is an old-style Excel file (.xls). Open it in Excel and save it "
                            "as .xlsx or CSV, then upload that.")
    other = _other_text_format(data, filename)
    if other:
        raise ImportProblem(other)
    try:
        return _read_csv(data, max_rows=max_rows, repeated=repeated)
    except ImportProblem as problem:
        if "binary data" in str(problem) and filename.casefold().endswith(
                (".xlsx", ".xlsm", ".xls")):
            raise ImportProblem("The file is named like an Excel workbook but is not one (it may "
                                "be damaged). Open it in Excel, save it as .xlsx or CSV and "
                                "upload that.") from None
        raise


_HTML_START = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|meta|style|title)\b")
_JSON_START = re.compile(rb'(?:\{\s*["}]|\[\s*[\[{"\]])')
_XML_SPREADSHEET = b"urn:schemas-microsoft-com:office:spreadsheet"


def _other_text_format(data: bytes, filename: str = "") -> str | None:
    """What to say about a text file that is no table of values, judged by how it starts: a web
    page (HTML, which some CRMs save with an .xls name), an Excel 2003 XML spreadsheet, other
    XML, or JSON; None for anything else (read as CSV)."""
    head = data[:SAMPLE_BYTES]
    for bom, name in _BOMS:
        if head.startswith(bom):
            try:
                head = head.decode(name, "ignore").encode("utf-8")
            except LookupError:  # pragma: no cover - the codecs above always exist
                return None
            break
    head = head.lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<workbook"):
        if _XML_SPREADSHEET in head or b"progid=\"excel.sheet\"" in head:
            return ("This is an Excel 2003 XML spreadsheet, which cannot be read here. Open it "
                    "in Excel, save it as .xlsx or CSV and upload that.")
        if not _HTML_START.search(head[:1024]):
            return ("This is an XML file, not a table of leads. Export the leads from your CRM "
                    "as CSV or XLSX and upload that.")
    if _HTML_START.match(head) or (head.startswith((b"<?xml", b"<!--")) and
                                   _HTML_START.search(head[:1024])):
        if filename.casefold().endswith((".xls", ".xlsx", ".xlsm")):
            return ("This is a web page (HTML) saved as an Excel file, not a real workbook. "
                    "Open it in Excel, save it as .xlsx or CSV and upload that.")
        return ("This is a web page (HTML), not a CSV or Excel file. Export the leads from "
                "your CRM as CSV or XLSX and upload that.")
    if _JSON_START.match(head):
        return ("This is a JSON file, not a table of leads. Export the leads from your CRM as "
                "CSV or XLSX and upload that.")
    return None


# --- CSV ---------------------------------------------------------------------------------------

def _read_csv(data: bytes, *, max_rows: int, encoding: str | None = None,
              repeated: Callable[[list[str]], Iterable[str]] | None = None
              ) -> tuple[pd.DataFrame, ExportFormat]:
    text, encoding = _to_utf8(data, encoding)
    _reject_binary(text)
    sample, truncated = text[:SAMPLE_BYTES].decode("latin-1"), len(text) > SAMPLE_BYTES
    # latin-1 maps bytes to characters one to one, so offsets in `sample` are byte offsets and
    # the sniffing below works on UTF-8 without decoding a possibly cut multi-byte character.

    start, delimiter = 0, None
    hint = _SEP_HINT.match(sample.split("\n", 1)[0] + "\n")
    if hint:  # Excel's "sep=;" first line
        delimiter = hint.group(1)
        start = sample.index("\n") + 1 if "\n" in sample else len(sample)
    records = _split_records(sample, start, "".join(DELIMITERS), truncated)
    if not records and truncated:
        raise _long_first_line(text, start)
    if not records:
        raise ImportProblem("The file is empty.")
    if delimiter is None:
        delimiter = _pick_delimiter(records)
    records = _split_records(sample, start, delimiter, truncated)
    top = _header_index([fields for fields, *_ in records])
    header, _, header_begin, body_start = records[top]
    # Rows are numbered as in the file (a report title above the header counts).
    first_row = 1 + _line_count(sample[start:header_begin])
    names = _unique_names(_shown_name(_utf8(f)) for f in header)
    if len(names) > MAX_COLUMNS:
        raise ImportProblem(f"The file has {len(names):,} columns; the limit is "
                            f"{MAX_COLUMNS:,}. Export only the columns you need.")
    footer = _footer_start(text, body_start, delimiter, len(names))
    if footer < len(text):
        text = text[:footer]  # a copy, but only of a report that has a footer
    decimal = _pick_decimal([fields for fields, _, _, end in records[top + 1:]
                             if end <= footer], delimiter)
    dictionary = set(repeated(names)) & set(names) if repeated else set()

    body = memoryview(text)[body_start:]
    if not bytes(body[:SAMPLE_BYTES]).strip() and not bytes(body).strip():
        raise ImportProblem("The file has a header but no rows.")
    try:
        table = _parse_body(text, body_start, names, delimiter, dictionary)
    except pa.ArrowInvalid as error:
        message = str(error)
        if "invalid UTF8" in message and encoding in ("utf-8", "utf-8-sig"):
            # Valid UTF-8 at the start, not further down: the usual Windows export.
            return _read_csv(data, max_rows=max_rows, encoding="cp1252", repeated=repeated)
        raise _csv_problem(message, body, names, delimiter, first_row) from None
    except pa.ArrowException as error:  # pragma: no cover - anything else pyarrow may say
        raise ImportProblem(f"The file could not be read as CSV ({_first_line(error)}).") from None

    if len(text) > MAX_CELL_BYTES:
        _reject_huge_cells(table, first_row)
    if table.num_rows:
        _reject_unclosed_quote(table, text, first_row)
    kept = _drop_blank_rows(table)  # unwrapped already: a row of ="" cells is blank
    drop, groups = _rows_not_leads([_shown_name(_utf8(f)) for f in header], kept.columns,
                                   decimal)
    if drop is not None:
        kept = kept.filter(pa.array(~drop))
        if groups is not None:
            kept = pa.Table.from_arrays(_fill_groups(kept.columns, groups), names=names)
    if kept.num_rows == 0:
        raise ImportProblem("The file has a header but no rows.")
    if kept.num_rows > max_rows:
        raise ImportProblem(f"The file has {kept.num_rows:,} rows; the limit is {max_rows:,}. "
                            "Export a shorter period or split the file.")
    frame = kept.to_pandas()
    if kept.num_rows < table.num_rows:  # a value only rows dropped had is no value of the leads
        for name in dictionary:
            frame[name] = _without_unused(frame[name])
    return frame, ExportFormat("csv", encoding, delimiter, decimal, len(frame), len(names))


def _without_unused(column: pd.Series) -> pd.Series:
    """A Categorical without the values no row has, the same column when every value is used
    (counted, not sorted: pandas' own way sorts a million codes)."""
    codes = column.cat.codes.to_numpy()
    used = np.bincount(codes[codes >= 0], minlength=len(column.cat.categories)) > 0
    if used.all():
        return column
    return column.cat.set_categories(column.cat.categories[used])  # in their order


def _to_utf8(data: bytes, encoding: str | None) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without a BOM, and the encoding it was in."""
    if encoding is None:
        for bom, name in _BOMS:
            if data.startswith(bom):
                encoding = name
                break
    if encoding == "utf-8-sig":
        return data[3:], encoding
    if encoding != "utf-16" and data.startswith(_UTF8_BOM):
        # A UTF-8 mark before text in another encoding (a tool that added it to a Windows
        # file): without it, the first header reads "Société", not "ï»¿Société".
        data = data[len(_UTF8_BOM):]
    if encoding == "utf-16":
        try:
            return data.decode("utf-16").encode("utf-8"), encoding
        except UnicodeDecodeError:
            raise ImportProblem("The file says it is UTF-16 text but cannot be decoded as such. "
                                "Export it again as CSV (UTF-8).") from None
    if encoding is None:
        # Decide on the start of the file; pyarrow checks the rest while reading, and a
        # failure there sends us back here with cp1252 (see _read_csv).
        head = data[:SAMPLE_BYTES]
        try:
            head.decode("utf-8")
            return data, "utf-8"
        except UnicodeDecodeError as error:
            if len(data) > SAMPLE_BYTES and error.start >= len(head) - 3:
                return data, "utf-8"  # a multi-byte character cut by the sample's end
        encoding = "cp1252"
    if encoding == "cp1252" and _reads_as_mac_roman(data):
        return data.decode(MAC_ROMAN).encode("utf-8"), MAC_ROMAN
    if encoding == "cp1252":
        try:
            return data.decode("cp1252").encode("utf-8"), "cp1252"
        except UnicodeDecodeError:
            encoding = "latin-1"
    return data.decode(encoding).encode("utf-8"), encoding


# Excel for Mac's "CSV (Macintosh)" is in Mac Roman, which puts the accented letters where
# cp1252 has its quotes, dashes and Ž/š ("Espa–a", "MŽxico"); which of the two a file that is
# not UTF-8 is in is decided on this many of its first bytes above ASCII, each in its context.
MAC_ROMAN = "mac-roman"
_SAMPLED_NON_ASCII = 4096
_SCAN_BLOCK = 1024 * 1024
_WESTERN_LETTERS = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßœ" "ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝŒ")
# Lower-case accented letters that begin words (à, école, être, île, último); "çvila" or "òscar"
# is an upper-case letter read in the wrong encoding.
_WORD_INITIAL = frozenset("àáâéèêíîóôúœ")
_QUOTES = frozenset("“”‘’„‚«»¿¡")
_CURRENCY = frozenset("€£¥¢")
_DASHES = frozenset("–—")
_MARKS = frozenset("™®©°")  # after a name or a number: Acme™, 25°
# After an apostrophe inside a word: it’s, don’t, I’d, I’m, we’ll, you’re, I’ve.
_CONTRACTIONS = ("s", "t", "d", "m", "ll", "re", "ve")


def _reads_as_mac_roman(data: bytes) -> bool:
    """Whether a file that is not UTF-8 reads better as Mac Roman than as cp1252.

    Each sampled byte above ASCII is read with two bytes either side in both encodings and
    scored by how text-like it reads (`_text_score`); cp1252 wins ties, being what Windows and
    most CRMs write. Only the first bytes above ASCII are looked at, so a large file is not
    decoded twice.
    """
    windows: dict[bytes, int] = {}
    seen = 0
    for block_start in range(0, len(data), _SCAN_BLOCK):
        block = np.frombuffer(data, np.uint8, min(_SCAN_BLOCK, len(data) - block_start),
                              block_start)
        for position in np.flatnonzero(block >= 0x80)[:_SAMPLED_NON_ASCII - seen] + block_start:
            window = data[max(0, position - 2):position].rjust(2, b"\n") \
                + data[position:position + 3].ljust(3, b"\n")
            windows[window] = windows.get(window, 0) + 1
            seen += 1
        if seen >= _SAMPLED_NON_ASCII:
            break
    mac_roman = cp1252 = 0
    for window, count in windows.items():
        mac_roman += count * _text_score(window.decode(MAC_ROMAN))
        cp1252 += count * _text_score(window.decode("cp1252", "replace"))
    return mac_roman > cp1252


def _text_score(window: str) -> int:
    """How much the middle one of five characters reads like Western European text among the
    others: 1 for an accented letter in or starting a word, a quote by a word, an apostrophe in
    one (O’Brien, l’Oréal, don’t), a currency sign or dash by numbers or between spaced words;
    -1 for what text does not hold (an undefined byte, a capital after a small letter, a small
    letter before a capital, a symbol inside a word); 0 for what could be either."""
    before2, before, char, after, after2 = window
    if char == "\ufffd" or "\x80" <= char <= "\x9f":
        return -1
    in_word = before.isalpha(), after.isalpha()
    if char in _WESTERN_LETTERS:
        if (char.isupper() and before.islower()) or (char.islower() and after.isupper()):
            return -1
        if char.islower() and not in_word[0] and char not in _WORD_INITIAL:
            return 0
        return 1 if any(in_word) else 0
    if char.isalpha():  # Ž, š, Ÿ, ƒ, ﬂ: letters, but hardly of these languages
        return 0
    if all(in_word):
        if char == "’":
            elided = not before2.isalpha() or after.isupper()  # l’, d’, O’Brien
            contracted = any((after + after2 + "  ").startswith(ending) and
                             not (after + after2 + "  ")[len(ending)].isalpha()
                             for ending in _CONTRACTIONS)
            return 1 if elided or contracted else 0
        return 0 if char in _DASHES or char == "·" else -1  # Baden–Baden, Catalan l·l
    if char in _QUOTES:
        return 1 if in_word[0] != in_word[1] else 0
    if char in _CURRENCY or char in _DASHES:
        spaced = before.isspace() and after.isspace()
        return 1 if spaced or before.isdigit() or after.isdigit() else 0
    if char in _MARKS:
        return 1 if (in_word[0] or before.isdigit() or before.isspace()) and not in_word[1] \
            else 0
    return 0


def _binary() -> ImportProblem:
    return ImportProblem("This does not look like a CSV or Excel file (it contains binary data). "
                         "Export the leads as CSV or XLSX and upload that file.")


def _reject_binary(text: bytes) -> None:
    if b"\x00" in text:
        raise _binary()
    head = text[:SAMPLE_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls > max(2, len(head) // 100):
        raise _binary()


def _split_records(sample: str, start: int, delimiters: str, truncated: bool
                   ) -> list[tuple[list[str], list[str], int, int]]:
    """(fields, separators, start offset, end offset) of the first records, quotes respected;
    blank lines skipped. A record cut by the end of a truncated sample is left out."""
    records: list[tuple[list[str], list[str], int, int]] = []
    fields: list[str] = []
    seps: list[str] = []
    field: list[str] = []
    i, n = start, len(sample)
    begin = start
    at_field_start, quoted = True, False
    while i < n and len(records) < SAMPLE_RECORDS:
        ch = sample[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and sample[i + 1] == '"':
                    field.append('"')
                    i += 1
                else:
                    quoted = False
            else:
                field.append(ch)
        elif ch == '"' and at_field_start:
            quoted, at_field_start = True, False
        elif ch in delimiters:
            fields.append("".join(field))
            seps.append(ch)
            field, at_field_start = [], True
        elif ch in "\r\n":
            if ch == "\r" and i + 1 < n and sample[i + 1] == "\n":
                i += 1
            fields.append("".join(field))
            if seps or fields[0].strip():
                records.append((fields, seps, begin, i + 1))
            fields, seps, field, at_field_start = [], [], [], True
            begin = i + 1
        else:
            field.append(ch)
            at_field_start = False
        i += 1
    if i >= n and not truncated and (fields or field) and len(records) < SAMPLE_RECORDS:
        fields.append("".join(field))
        if seps or fields[0].strip():
            records.append((fields, seps, begin, n))
    return records


def _pick_delimiter(records: list[tuple[list[str], list[str], int, int]]) -> str:
    """The candidate whose count per record is steadiest from the header on (and present in
    the header), `records` being split at every candidate. A report's title lines above the
    header count against a candidate as any other record of another width does."""
    best, best_score = ",", (0.0, 0)
    for candidate in DELIMITERS:
        rows = [_regroup(fields, seps, candidate) for fields, seps, *_ in records]
        top = _header_index(rows)
        width = len(rows[top])
        if width == 1:
            continue
        score = (sum(len(row) == width for row in rows[top:]) / len(rows), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _regroup(fields: list[str], seps: list[str], delimiter: str) -> list[str]:
    """A record's fields, split at every candidate delimiter, as split at `delimiter` only."""
    out, part = [], fields[0]
    for sep, field in zip(seps, fields[1:], strict=True):
        if sep == delimiter:
            out.append(part)
            part = field
        else:
            part += sep + field
    out.append(part)
    return out


def _header_index(rows: list[list[str]]) -> int:
    """Which of the first records is the header: the first with the table's width (the
    commonest among records of more than two values) when only a report's title lines come
    before it ("Leads Report", "Filtered By: …": no delimiter, or one or two values, fewer than
    the table has); else the first record, as for any export. A line of group labels over it
    (Excel's CSV of a sheet with "Contact" over A:C: `Contact,,,Company,,,,Deal,,`) is passed
    over as in a sheet (`_group_labels`), a label followed by blank values being its run."""
    counts = [len(row) for row in rows if sum(1 for value in row if value.strip()) > 2]
    counts = counts or [len(row) for row in rows]
    width = max(set(counts), key=lambda count: (counts.count(count), count))
    # The first of that width holding a value: a spreadsheet's blank line (",,,") is no header.
    top = next((i for i, row in enumerate(rows)
                if len(row) == width and any(value.strip() for value in row)),
               next(i for i, row in enumerate(rows) if len(row) == width))
    if not all(len(row) == 1 or sum(1 for value in row if value.strip()) < min(3, width - 1)
               for row in rows[:top]):
        top = 0
    cells = [[_utf8(value) if value.strip() else None for value in row]
             for row in rows[top:top + _TITLE_ROWS + 2]]
    skipped = 0
    while skipped < _TITLE_ROWS and _group_labels(cells, skipped):
        skipped += 1
    return top + skipped


def _utf8(field: str) -> str:
    """A sampled field (UTF-8 bytes read as latin-1, see `_read_csv`) as the text it holds."""
    return field.encode("latin-1").decode("utf-8", "replace")


def _shown_name(field: str) -> str:
    """A header's cell as Excel shows it: ="Email" as Email (see `_formula_texts`)."""
    wrapped = _FORMULA_NAME.match(field.strip())
    return wrapped.group(1).replace('""', '"') if wrapped else field


_FORMULA_NAME = re.compile(r'^="((?:[^"]|"")*)"$')


def _line_count(text: str) -> int:
    """How many line breaks `text` holds (LF, CRLF or, in old Mac files, CR alone)."""
    return text.count("\n") or text.count("\r")


_FOOTER_BYTES = 64 * 1024
_FOOTER_LINES = 30
_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n|$)")


def _footer_start(text: bytes, body_start: int, delimiter: str, width: int) -> int:
    """Where a report's footer starts (len(text) if it has none): the lines after the last row
    (Salesforce's "Confidential Information - Do Not Distribute", "Generated By: …", "Grand
    Totals (3 records)") that hold a single value or a total's label with its figures
    ("Record Count,300", and "Average,2.5" lines beside such a line; a lead's ragged line
    "Media 24,12000" is no footer), or that follow a blank line and are not as wide as the
    table. Only
    the last few lines are looked at; a line with an odd number of quotes ends the look, as it
    may be the end of a value running over several lines."""
    if width < 2:
        return len(text)
    low = max(body_start, len(text) - _FOOTER_BYTES)
    lines = [(m.start(), m.group()) for m in _LINE.finditer(text, low) if m.group()]
    if low > body_start:
        lines = lines[1:]  # the tail's first line may be the end of a longer one
    cut, pending, content, looked, blank, ragged = len(text), False, False, 0, False, False
    totalled = any(_line_kind(records[0][0]) == "sum" for records in (
        _split_records(line.decode("latin-1"), 0, delimiter, False)
        for _, line in lines[-_FOOTER_LINES:] if not line.count(b'"') % 2) if records)
    for offset, line in reversed(lines):
        if line.count(b'"') % 2:
            break
        records = _split_records(line.decode("latin-1"), 0, delimiter, False)
        fields = records[0][0] if records else []
        filled = sum(1 for value in fields if value.strip())
        blank = filled == 0
        if blank:  # a blank line: what follows it is footer
            cut, content, pending = offset, content or pending, False
            continue
        looked += 1
        if looked > _FOOTER_LINES:
            return len(text)  # too long for a footer
        if len(fields) == width and (filled > 1 or not _FOOTER_WORDS.search(
                line.decode("latin-1"))):
            break  # a row of the table, one value ("Zed,,,") too, unless it reads as a footer
        kind = None if filled == 1 or len(fields) == width else _line_kind(fields)
        if len(fields) != width and (filled == 1 or kind == "sum" or kind not in (
                None, "numbers") and totalled):
            # a single value, or a total's label with its figures ("Record Count,300"), or
            # "Average,2.5" under such a line
            if not pending:
                cut, content = offset, True
        else:  # footer only if a blank line comes before it, else a row with values missing
            pending = ragged = True
    else:  # no row at all: a report that found none, if a blank line follows the header
        found_none = content and blank and not ragged and low == body_start
        return cut if found_none else len(text)
    return cut if content else len(text)


def _line_kind(fields: list[str]) -> str | None:
    """`_aggregate_kind` of a CSV line's fields as split from the latin-1 sample."""
    return _aggregate_kind(_utf8(value).strip() or None for value in fields)


# --- rows of a report's table that are not leads ----------------------------------------------
# A grouped report ends each group with a subtotal row and the table with a total ("Subtotal,,,
# 122240", "Grand Total,,1350", "Summe (12)"); a board exported group by group repeats its header
# under each group's title. Both are found in Arrow and NumPy a column at a time: a million-row
# export costs a look at the first bytes of its first column, and only the few rows that look like
# one of these are read whole.

# A subtotal's or total's label, in the languages of the catalog's markets, perhaps with ":" or a
# count; its other cells blank or numbers. RE2 patterns (Arrow), matched on trimmed cells.
_TOTAL_LABEL = (
    r"(?i)^(?:(?:grand|sub|sous)[\s-]*totals?|totals?|subtotaal|subtotale|sum|count|summe"
    r"|zwischensumme|teilsumme|gesamt(?:summe|ergebnis)?|total\s+g[ée]n[ée]ral|total\s+general"
    r"|total\s+result|totale|totaal|eindtotaal)\s*:?\s*(?:\(?\s*\d[\d.,'\s]*(?:[^\s\d()]+)?\s*\)?)?$")
# The first three letters of each word _TOTAL_LABEL may start with: the cheap first look.
_TOTAL_STARTS = ("gra", "sub", "sou", "tot", "sum", "cou", "zwi", "tei", "ges", "ein")
_TOTAL_NUMBER = (
    r"^[-+(]?\s*(?:[$€£¥]|[A-Z]{3})?\s*[-+]?\d[\d.,'\s]*(?:[eE][-+]?\d+)?\s*"
    r"(?:%|[$€£¥]|[A-Z]{3}|[kKmM]|Mio\.?|Mrd\.?)?\s*\)?$")
# Labels that may also name a company ("Total", "Sum"): a totals row only where it leaves blank a
# cell the lead above it fills, as a totals row leaves the text columns.
_NAME_LIKE_LABEL = r"(?i)^(?:totals?|sum|count|summe|totale|totaal)$"
_TOTAL_ROWS = 3  # the rows at the end looked at for totals in a report without subtotals

# Bytes a cell starting with white space starts with (UTF-8's no-break and wide spaces too).
_SPACE_LEAD = np.zeros(256, dtype=bool)
_SPACE_LEAD[[9, 10, 11, 12, 13, 32, 0xC2, 0xE2, 0xE3]] = True
_LOWER_BITS = 0x202020  # ASCII letters lowered (other bytes changed alike: a first look only)
_SPACED_BIT = 1 << 24


def _word_key(text: str) -> int:
    """`_lead_keys` of one text that does not start with white space."""
    key = 0
    for byte in text.encode("utf-8")[:3].ljust(3, b"\0"):
        key = (key << 8) | (byte | 0x20 if byte else 0)
    return key


def _lead_keys(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Each cell's first three bytes as one number, with ASCII letters lowered (shorter cells
    padded with zeros; -1 for a missing cell; `_SPACED_BIT` set when it starts with white
    space): a first look for a word at the start of every cell that builds no string per cell."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    return np.concatenate([_chunk_keys(chunk) for chunk in chunks] or [np.empty(0, np.int32)])


def _chunk_keys(chunk: pa.Array) -> np.ndarray:
    size = len(chunk)
    if pa.types.is_dictionary(chunk.type):
        if len(chunk.dictionary) > size:  # a dictionary shared by many chunks: not per chunk
            return _chunk_keys(chunk.cast(chunk.type.value_type))
        keys = np.append(_chunk_keys(chunk.dictionary), np.int32(-1))  # once per value
        return keys[pc.fill_null(chunk.indices, -1).to_numpy(zero_copy_only=False)]
    if size == 0 or chunk.null_count == size:
        return np.full(size, -1, dtype=np.int32)
    if not pa.types.is_large_string(chunk.type):
        chunk = chunk.cast(pa.large_string())
    _, offsets, data = chunk.buffers()[:3]
    bounds = np.frombuffer(offsets, dtype=np.int64)[chunk.offset:chunk.offset + size + 1]
    if data is None or bounds[-1] == bounds[0]:
        keys = np.zeros(size, dtype=np.int32)
    else:
        content = np.frombuffer(data, dtype=np.uint8)
        at = bounds[:-1].copy()
        lead = np.take(content, at, mode="clip")
        keys = lead.astype(np.int32) << 16
        at += 1
        keys |= np.take(content, at, mode="clip").astype(np.int32) << 8
        at += 1
        keys |= np.take(content, at, mode="clip")
        keys |= _LOWER_BITS
        lengths = np.diff(bounds)
        short = np.flatnonzero(lengths < 3)
        if len(short):  # the bytes beyond a short cell are not its own
            keep = np.array([0, 0xFF0000, 0xFFFF00], dtype=np.int32)
            keys[short] &= keep[lengths[short]]
        keys[_SPACE_LEAD[lead] & (lengths > 0)] |= _SPACED_BIT
    if chunk.null_count:
        keys[chunk.is_null().to_numpy(zero_copy_only=False)] = -1
    return keys


def _spaced(keys: np.ndarray) -> np.ndarray:
    """Whether a cell starts with white space (so may be blank, or a word further in)."""
    return (keys >= 0) & (keys & _SPACED_BIT != 0)


def _trimmed(columns: list, rows: np.ndarray) -> list[pa.Array]:
    """The cells of `rows` in each column as text without surrounding white space, null where
    blank."""
    at = pa.array(rows, type=pa.int64())
    texts = []
    for column in columns:
        cells = column.take(at)
        if isinstance(cells, pa.ChunkedArray):
            cells = cells.combine_chunks()
        cells = pc.utf8_trim_whitespace(cells.cast(pa.large_string()))
        texts.append(pc.if_else(pc.equal(pc.binary_length(cells), 0),
                                pa.scalar(None, pa.large_string()), cells))
    return texts


def _matches(text: pa.Array, pattern: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False).to_numpy(
        zero_copy_only=False)


def _filled(texts: list[pa.Array]) -> np.ndarray:
    """Which of `_trimmed`'s cells hold a value, a row of the result per column."""
    return np.array([pc.is_valid(text).to_numpy(zero_copy_only=False) for text in texts],
                    dtype=bool).reshape(len(texts), -1)


def _label_rows(columns: list, first_keys: np.ndarray) -> np.ndarray:
    """The rows whose first filled cell reads as a subtotal's or total's label
    (`_TOTAL_LABEL`): looked for a column at a time, in the rows whose cells so far are blank."""
    found = []
    pending = None  # every row
    for column in columns:
        part = column if pending is None else column.take(pa.array(pending, type=pa.int64()))
        keys = first_keys if pending is None else _lead_keys(part)
        spaced = _spaced(keys)
        look = np.flatnonzero(np.isin(keys, _TOTAL_KEYS) | spaced)
        if len(look):
            label = look[_matches(_trimmed([part], look)[0], _TOTAL_LABEL)]
            found.append(label if pending is None else pending[label])
        blank = np.flatnonzero((keys <= 0) | spaced)
        pending = blank if pending is None else pending[blank]
        if not len(pending):
            break
    return np.unique(np.concatenate(found)) if found else np.empty(0, np.int64)


_TOTAL_KEYS = np.array([_word_key(start) for start in _TOTAL_STARTS], dtype=np.int32)


# monday.com writes a board item's subitems (a deal's tasks) under it: a row "Subitems | Name |
# Owner | Status…" (in the board's language), then the tasks, each with its first cell blank,
# until the next item. Neither is a lead.
_SUBITEMS_LABEL = (r"(?i)^(?:sub-?items?|unterelemente|sous-?[ée]l[ée]ments|subelementos"
                   r"|subitens|sottoelementi)$")
_SUBITEMS_KEYS = np.array([_word_key(start) for start in ("sub", "unt", "sou", "sot")],
                          dtype=np.int32)


def _subitem_rows(columns: list, first_keys: np.ndarray) -> np.ndarray:
    """The rows of monday.com's subitem blocks: each "Subitems" row, and the rows after it
    whose first cell is blank, up to the next filled first cell."""
    look = np.flatnonzero(np.isin(first_keys, _SUBITEMS_KEYS))
    if not len(look) or len(columns) < 2:
        return np.empty(0, dtype=np.int64)
    labels = look[_matches(_trimmed([columns[0]], look)[0], _SUBITEMS_LABEL)]
    if not len(labels):
        return labels
    filled = np.flatnonzero(first_keys >= 0)
    ends = filled[np.minimum(np.searchsorted(filled, labels, side="right"), len(filled) - 1)]
    ends = np.where(ends > labels, ends, len(first_keys))  # the block runs to the table's end
    marks = np.zeros(len(first_keys) + 1, dtype=np.int64)
    np.add.at(marks, labels, 1)
    np.add.at(marks, ends, -1)
    return np.flatnonzero(np.cumsum(marks)[:-1] > 0)


def _total_rows(columns: list, first_keys: np.ndarray) -> tuple[np.ndarray, bool]:
    """A report's subtotal and total rows, and whether it is grouped (subtotals inside the
    table, not only totals at its end).

    A row counts when its first filled cell is a label (`_TOTAL_LABEL`) and its other cells are
    blank or numbers; a label that may name a company ("Total") only when the row leaves blank a
    cell the nearest lead above it fills. At the end of the table such rows are totals; inside
    it, subtotals when one of them has a label no company has ("Subtotal", "Zwischensumme") or
    the report has two or more: a lead called "Total" among ordinary rows stays a lead."""
    rows = len(columns[0])
    found = _label_rows(columns, first_keys)
    if not len(found):
        return found, False
    texts = _trimmed(columns, found)
    filled = _filled(texts)
    first = filled.argmax(axis=0)
    numbers_beside = np.ones(len(found), dtype=bool)
    name_like = np.zeros(len(found), dtype=bool)
    for j, text in enumerate(texts):
        is_first = first == j
        if is_first.any():
            name_like |= is_first & _matches(text, _NAME_LIKE_LABEL)
        numbers_beside &= ~filled[j] | is_first | _matches(text, _TOTAL_NUMBER)
    found, filled, name_like = found[numbers_beside], filled[:, numbers_beside], \
        name_like[numbers_beside]
    if not len(found):
        return found, False
    # The nearest row above that is not one of these: a "Total" under a "Subtotal" compares
    # with the leads above both.
    run_start = np.flatnonzero(np.diff(found, prepend=-2) != 1)
    above = np.repeat(found[run_start], np.diff(np.append(run_start, len(found)))) - 1
    fewer = np.zeros(len(found), dtype=bool)
    has_above = above >= 0
    if has_above.any():
        upper = _filled(_trimmed(columns, above[has_above]))
        fewer[has_above] = (~filled[:, has_above] & upper).any(axis=0)
    totals = found[~name_like | fewer]
    strong = ~name_like[~name_like | fewer]
    tail = 0
    while tail < min(len(totals), _TOTAL_ROWS) and totals[-1 - tail] == rows - 1 - tail:
        tail += 1
    inside = len(totals) - tail
    if inside and (strong[:inside].any() or len(totals) >= 2):
        return totals, True
    return totals[inside:], False


def _header_rows(header: list[str | None], columns: list, first_keys: np.ndarray
                 ) -> np.ndarray:
    """The rows equal to the header (the same texts, case and surrounding white space aside),
    as where exports were pasted one under another or a board repeats it under each group;
    looked for first by the start of the first column the header names."""
    names = pc.utf8_lower(_trimmed([pa.array(list(header), type=pa.large_string())],
                                   np.arange(len(header)))[0]).to_pylist()
    named = next((j for j, name in enumerate(names) if name), None)
    if named is None or len(columns) != len(names):
        return np.empty(0, np.int64)
    keys = first_keys if named == 0 else _lead_keys(columns[named])
    look = np.flatnonzero((keys == _word_key(header[named].strip())) | _spaced(keys))
    if not len(look):
        return look
    same = np.ones(len(look), dtype=bool)
    for text, name in zip(_trimmed(columns, look), names, strict=True):
        if name is None:
            same &= ~pc.is_valid(text).to_numpy(zero_copy_only=False)
        else:
            same &= pc.fill_null(pc.equal(pc.utf8_lower(text), name), False).to_numpy(
                zero_copy_only=False)
    return look[same]


def _rows_not_leads(header: list[str | None], columns: list, decimal: str = "."
                    ) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Which rows of a table (blank rows already dropped) are not leads: a report's subtotal
    and total rows (`_total_rows`), rows repeating the header, a group's title (one value, in
    the first column) right above such a row, and the block of aggregate rows a spreadsheet's
    user added at the end (`_aggregate_rows`). And, for a report grouped by subtotal rows,
    the group each row left belongs to (for `_fill_groups`). (None, None) when every row is a
    lead."""
    rows = len(columns[0]) if columns else 0
    if not rows:
        return None, None
    first_keys = _lead_keys(columns[0])
    totals, grouped = _total_rows(columns, first_keys)
    repeats = _header_rows(header, columns, first_keys)
    if len(repeats) and len(columns) > 1:
        above = repeats[repeats > 0] - 1
        above = above[~np.isin(above, repeats) & ~np.isin(above, totals)]
        if len(above):
            filled = _filled(_trimmed(columns, above))
            titles = above[filled[0] & (filled.sum(axis=0) == 1)]
            repeats = np.concatenate([repeats, titles])
    aggregates = _aggregate_rows(columns, decimal)
    subitems = _subitem_rows(columns, first_keys)
    if not len(totals) and not len(repeats) and not aggregates and not len(subitems):
        return None, None
    drop = np.zeros(rows, dtype=bool)
    drop[totals] = True
    drop[repeats] = True
    drop[subitems] = True
    if aggregates:
        drop[rows - aggregates:] = True
    groups = None
    if grouped:
        ends = np.zeros(rows, dtype=np.int64)
        ends[totals] = 1
        groups = np.cumsum(ends)[~drop]
    return drop, groups


# --- a block of aggregate rows under the table -------------------------------------------------
# Whoever opens an export in Excel often adds aggregate rows under it before saving: "Total", then
# "Average", "Min", "Max", each with a formula under the number columns, a "Record Count | 300",
# or a =SUM() row with no label at all. Only the last few rows are looked at, whole.

# An aggregate row's label, anywhere in the row, in the languages of the catalog's markets: the
# whole cell is the word, perhaps with ":" or a count ("Total (300 records)", "Total leads: 300");
# a longer text ("Total Contacts", "Media 24", "Sum of Us") is a name. Python patterns, matched on
# the few trimmed cells of the rows looked at.
_COUNT_NOUNS = (r"(?:leads?|records?|rows?|contacts?|accounts?|deals?|companies|entries|items"
                r"|datensätze|einträge|zeilen)")
_COUNT_FIGURE = rf"\d(?:[\d.,']|\s(?=\d))*(?:\s+{_COUNT_NOUNS})?"
_LABEL_END = (rf"\.?(?:(?:\s+{_COUNT_NOUNS})?\s*(?::\s*{_COUNT_FIGURE}|\(\s*{_COUNT_FIGURE}\s*\))"
              r"|\s*:)?\s*$")
# Words that say a total, or a count no one is named: a block of aggregate rows holding one is one.
_SUM_LABEL = re.compile(
    r"(?i)^(?:(?:grand|sub|sous)[\s-]*totals?|totals?|subtotaal|subtotale|sum|summe"
    r"|zwischensumme|teilsumme|gesamt(?:summe|ergebnis)?|somme|suma|totale|totaal|eindtotaal"
    r"|total\s+g[ée]n[ée]ral|total\s+general|total\s+result|(?:records?|rows?|leads?)\s+count"
    rf"|number\s+of\s+{_COUNT_NOUNS}){_LABEL_END}")
# Words that are also names or words of a lead ("Max", "Media", "Mean", "Ø"), by the figure they
# name: an aggregate only in a block with a total, or beside that very figure of their column.
_STAT_WORDS = {
    "mean": r"average|avg|mean|durchschnitt|mittelwert|moyenne|gemiddelde|media|promedio|ø|⌀",
    "median": r"median|mediana|médiane",
    "min": r"min(?:imum)?",
    "max": r"max(?:imum)?",
    "count": r"count|anzahl|nombre",
}
_STAT_LABELS = {stat: re.compile(rf"(?i)^(?:{words}){_LABEL_END}")
                for stat, words in _STAT_WORDS.items()}
_AGGREGATE_NUMBER = re.compile(_TOTAL_NUMBER)
# A date ("15.04.2024", "2024-04-15 10:22") is no figure, though written with digits and dots.
_DATE_LIKE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?:[\sT].*)?$")
_AGGREGATE_ROWS = 10  # Total, Average, Min, Max, Count, Median... and a few more
_FIGURE_ROWS = 10  # the leads above a figure before it may tell a sum from a lead's value


def _aggregate_kind(cells: Iterable[str | None]) -> str | None:
    """Whether a row (trimmed cells, None where blank) could be an aggregate row: "sum" for one
    total's label (`_SUM_LABEL`) with figures or blanks beside it, the statistic's name
    (`_STAT_LABELS`: "mean", "max"…) for such a label, "numbers" for figures alone; None for
    anything else, which is a lead. A figure is a number, not a date."""
    filled = [value for value in cells if value is not None]
    labels = [_label_kind(value) for value in filled]
    named = [kind for kind in labels if kind is not None]
    if not filled or len(named) > 1 or any(
            kind is None and not _is_figure(value) for value, kind in zip(
                filled, labels, strict=True)):
        return None
    return named[0] if named else "numbers"


def _label_kind(value: str) -> str | None:
    if _SUM_LABEL.match(value):
        return "sum"
    return next((stat for stat, label in _STAT_LABELS.items() if label.match(value)), None)


def _is_figure(value: str) -> bool:
    return bool(_AGGREGATE_NUMBER.match(value)) and not _DATE_LIKE.match(value)


def _aggregate_rows(columns: list, decimal: str = ".") -> int:
    """How many rows at the end of a table (blank rows already dropped) are a block of aggregate
    rows (`_aggregate_kind`, `_is_aggregate`): a last lead named "Max" or "Media 24", or whose
    numbers happen to add up, stays a lead."""
    rows = len(columns[0]) if columns else 0
    look = min(rows - 1, _AGGREGATE_ROWS)
    if look <= 0 or len(columns) < 2:
        return 0
    at = np.arange(rows - look - 1, rows)  # one more: the lead above the block
    tail = [column.slice(int(at[0])) for column in columns]
    cells = list(zip(*(text.to_pylist() for text in _trimmed(tail, at - at[0])), strict=True))
    kinds = [_aggregate_kind(row) for row in cells]
    start = len(cells)
    while start > 1 and kinds[start - 1] is not None:
        start -= 1
    numbers: dict[int, np.ndarray] = {}
    while start < len(cells):
        above, end = cells[start - 1], int(at[start])
        with_total = "sum" in kinds[start:]
        leads = [i for i in range(start, len(cells)) if not _is_aggregate(
            columns, cells[i], kinds[i], above, end, with_total, decimal, numbers)]
        if not leads:
            break
        start = leads[-1] + 1
    return len(cells) - start


def _is_aggregate(columns: list, row: tuple[str | None, ...], kind: str, above: tuple,
                  end: int, with_total: bool, decimal: str, numbers: dict[int, np.ndarray]
                  ) -> bool:
    """Whether a row of a block at the end (`_aggregate_kind` says `kind`) is an aggregate row
    over the first `end` rows: a total's row when it leaves blank a cell the lead `above` the
    block fills or its figures are sums; a statistic's ("Max", "Average") alike when the block
    holds a total, else only when it leaves such a cell blank and its figures are that
    statistic of their columns; figures alone when they leave such a cell blank and are sums
    (`_sums`)."""
    figures = [(j, value) for j, value in enumerate(row)
               if value is not None and _label_kind(value) is None]
    blank = _leaves_blank(row, above)
    if kind == "numbers":
        return blank and _sums(columns, figures, end, decimal, numbers)
    if kind == "sum" or with_total:
        return blank or bool(figures) and _sums(columns, figures, end, decimal, numbers)
    return blank and bool(figures) and _sums(columns, figures, end, decimal, numbers, kind)


def _leaves_blank(row: tuple[str | None, ...], above: tuple[str | None, ...]) -> bool:
    """Whether `row` leaves blank a cell that the row `above` fills, as an aggregate row leaves
    the text columns (name, e-mail, id) of the leads."""
    return any(mine is None and theirs is not None for mine, theirs in zip(
        row, above, strict=True))


def _sums(columns: list, figures: list[tuple[int, str]], end: int, decimal: str,
          numbers: dict[int, np.ndarray], stat: str | None = None) -> bool:
    """Whether each figure (column, text) is the sum or the average of its column over the first
    `end` rows (as rounded to the decimals it is written with), one of them a sum or two or
    more of them averages; or, given `stat`, each that statistic of its column. Only over ten
    leads or more and a column whose values differ: in a short list a lead's number equals
    the others' sum by chance. `numbers` keeps each column read as numbers, read once."""
    from workshop.leads import parse_number  # noqa: PLC0415 - needed only for such a row

    if end < _FIGURE_ROWS or not figures:
        return False
    written = parse_number(pd.Series([value for _, value in figures], dtype=object), decimal)
    sums = averages = 0
    for (j, value), number in zip(figures, written.tolist(), strict=True):
        if j not in numbers:
            numbers[j] = parse_number(columns[j].to_pandas(), decimal).to_numpy()
        above = numbers[j][:end]
        above = above[~np.isnan(above)]
        if number != number or len(above) < _FIGURE_ROWS or above.min() == above.max():
            return False
        slack = _rounding(value, number, decimal)
        if stat is not None:
            if abs(number - _statistic(above, stat, columns[j], end)) > slack:
                return False
            continue
        total = float(above.sum())
        if abs(number - total) <= slack:
            sums += 1
        elif abs(number - total / len(above)) <= slack:
            averages += 1
        else:
            return False
    return stat is not None or sums >= 1 or averages >= 2


def _rounding(value: str, number: float, decimal: str) -> float:
    """How far a figure as written ("2.9M", "1,234.57") may be from the value it rounds."""
    figure = re.search(rf"(\d+)(?:{re.escape(decimal)}(\d+))?\D*$", value)
    places = len(figure.group(2) or "") if figure else 0
    slack = max(0.5 * 10.0 ** -places, 1e-9 * abs(number))
    if figure and re.search(r"\d\s*(?:[kKmM]|Mio|Mrd)", value):  # "2.9M": in millions
        written_figure = float(f"{figure.group(1)}.{figure.group(2) or 0}")
        slack = abs(number) * 0.5 * 10.0 ** -places / max(written_figure, 1e-9)
    return slack


def _statistic(numbers: np.ndarray, stat: str, column: pa.Array | pa.ChunkedArray,
               end: int) -> float:
    """A column's `stat` over its numbers; a count is of its filled cells in the first `end`."""
    if stat == "count":
        cells = column.slice(0, end)
        if isinstance(cells, pa.Array):
            cells = pa.chunked_array([cells])
        return float(end - (pc.sum(_blank_cells(cells)).as_py() or 0))
    return float({"mean": np.mean, "median": np.median, "min": np.min,
                  "max": np.max}[stat](numbers))


def _fill_groups(columns: list, groups: np.ndarray | None) -> list:
    """`columns` with a grouped report's group values given to every row of their group: such a
    report shows a group's value (a lead status, an owner) on the group's first row only. Only
    columns whose values stand at group starts alone, at two or more of them and at the first,
    are filled, each blank from the value above it; anywhere else a blank stays unknown."""
    if groups is None or not len(groups):
        return columns
    starts = np.diff(groups, prepend=-1) != 0
    if starts.sum() < 2:
        return columns
    columns = list(columns)
    for j, column in enumerate(columns):
        chunked = column if isinstance(column, pa.ChunkedArray) else pa.chunked_array([column])
        filled = ~_blank_cells(chunked).to_numpy(zero_copy_only=False)
        if filled.all() or not filled[0] or (filled & ~starts).any() or \
                filled[starts].sum() < 2:
            continue
        source = np.maximum.accumulate(np.where(filled, np.arange(len(filled)), 0))
        columns[j] = column.take(pa.array(source, type=pa.int64()))
    return columns


def _pick_decimal(rows: list[list[str]], delimiter: str) -> str:
    """The file's decimal mark, from the values in its first records that only one mark can
    explain (`2,5`, `1.234,56`, `0.75`, `1,500,000.00`): ',' when those say comma (a European
    export, whatever its delimiter), else '.'. A semicolon file with no deciding value is
    taken as European. Each column is judged again on its own values when it is cleaned
    (`workshop.column_types.decimal_mark`); this is what is assumed where a column does not
    decide."""
    commas = points = 0
    for fields in rows:
        for value in fields:
            value = value.strip()
            if COMMA_DECIMAL.match(value):
                commas += 1
            elif POINT_DECIMAL.match(value):
                points += 1
    if commas > points:
        return ","
    if points > commas:
        return "."
    return "," if delimiter == ";" else "."


def _unique_names(raw: object) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(raw, start=1):
        name = " ".join(str(name or "").split()) or f"Column {position}"
        unique, copy = name, 1
        while unique.casefold() in seen:
            copy += 1
            unique = f"{name} ({copy})"
        seen.add(unique.casefold())
        names.append(unique)
    return names


def _parse_body(text: bytes, body_start: int, names: list[str], delimiter: str,
                dictionary: set[str] = frozenset()) -> pa.Table:
    """The records after the header, parsed in pieces on every core when the quoting allows it.

    Pieces of whole records, each read as one block, cost less than letting pyarrow split the
    file itself, and they follow quoted line breaks, which pyarrow's own splitting cannot."""
    quoted = text.find(b'"', body_start) != -1
    pieces = record_pieces(text, body_start, delimiter,
                           quotes=None if quoted else np.empty(0, dtype=np.int64))
    if pieces is None or len(pieces) < 2:
        return _with_formulas_unwrapped(_arrow_csv(
            memoryview(text)[body_start:], names, delimiter, newlines_in_values=quoted,
            dictionary=dictionary))

    def parse(piece: tuple[int, int]) -> pa.Table:
        begin, end = piece
        # One block per piece: within a block pyarrow follows quotes across line breaks.
        return _with_formulas_unwrapped(_arrow_csv(
            memoryview(text)[begin:end], names, delimiter, newlines_in_values=False,
            use_threads=False, block_size=end - begin + 1, dictionary=dictionary))

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return pa.concat_tables(pool.map(parse, pieces))


_REPEATED_TEXT = pa.dictionary(pa.int32(), pa.string())


def _arrow_csv(body, names: list[str], delimiter: str, *, newlines_in_values: bool,
               use_threads: bool = True, invalid_row_handler=None,
               block_size: int = _BLOCK_SIZE, dictionary: set[str] = frozenset()) -> pa.Table:
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(body)),
        read_options=pacsv.ReadOptions(column_names=names, block_size=block_size,
                                       use_threads=use_threads),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"',
                                         double_quote=True, escape_char=False,
                                         newlines_in_values=newlines_in_values,
                                         ignore_empty_lines=True,
                                         invalid_row_handler=invalid_row_handler),
        convert_options=pacsv.ConvertOptions(
            # Text with 64-bit offsets, as pandas keeps it: read so, not widened afterwards.
            column_types={name: _REPEATED_TEXT if name in dictionary else pa.large_string()
                          for name in names}, null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=True),
    )


def _csv_problem(message: str, body, names: list[str], delimiter: str,
                 first_row: int = 1) -> ImportProblem:
    """pyarrow's complaint as a sentence, with the row number (the header is row
    `first_row`)."""
    counts = re.search(r"Expected (\d+) columns, got (\d+)", message)
    if counts:
        bad: list = []

        def first_bad(row):
            bad.append(row)
            return "error"

        try:  # once more, single-threaded, which numbers the rows
            _arrow_csv(body, names, delimiter, newlines_in_values=True, use_threads=False,
                       invalid_row_handler=first_bad)
        except pa.ArrowException:
            pass
        expected, got = int(counts.group(1)), int(counts.group(2))
        where = "A row"
        if bad:
            expected, got = bad[0].expected_columns, bad[0].actual_columns
            if bad[0].number is not None:
                where = f"Row {bad[0].number + first_row}"
        name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
        return ImportProblem(
            f"{where} has {got} values but the header has {expected} columns. Look for a "
            f"missing or extra {name}, or a quote (\") that is opened but not closed.")
    if "straddl" in message:
        line = None if b'"' in body else _first_long_line(body)
        if line is not None:  # no quotes: that line is one row, too long
            row, begin, end = line
            row += first_row - 1
            values = 1 + bytes(body[begin:end]).count(delimiter.encode())
            if values != len(names):
                name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
                return ImportProblem(f"Row {row} has {values:,} values but the header has "
                                     f"{len(names):,} columns. Look for a missing or extra "
                                     f"{name}.")
            return ImportProblem(f"Row {row} holds more than {_size(MAX_CELL_BYTES)} of text; "
                                 "no lead field needs that much. Remove that value and upload "
                                 "again.")
        return ImportProblem(f"A row of the file is longer than {_size(_BLOCK_SIZE)}: a value "
                             "in it is far bigger than any lead field, or a quote (\") is "
                             "opened but never closed. Remove that value or close the quote, "
                             "and upload again.")
    return ImportProblem(f"The file could not be read as CSV ({_first_line(message)}).")


def _long_first_line(text: bytes, start: int) -> ImportProblem:
    """What to say when not even the header fits in the sample the format is sniffed from."""
    end = text.find(b"\n", start)
    end = len(text) if end == -1 else end
    columns = 1 + max(text.count(d.encode(), start, end) for d in DELIMITERS)
    if columns > MAX_COLUMNS:
        return ImportProblem(f"The first line of the file has {columns:,} columns; the limit is "
                             f"{MAX_COLUMNS:,}. Export only the columns you need.")
    return ImportProblem(f"The first line of the file is {_size(end - start)} long, far longer "
                         "than the column names of a leads export (or a quote (\") is opened "
                         "there and never closed). Export the leads again as CSV or XLSX.")


def _first_long_line(body) -> tuple[int, int, int] | None:
    """The row number (the header is row 1), start and end in `body` (the rows after the
    header) of its first line longer than a parse block, looked for a slice at a time."""
    data = np.frombuffer(body, dtype=np.uint8)
    step = 16 * 1024 * 1024
    lines, last = 0, -1
    for at in range(0, len(data), step):
        breaks = at + np.flatnonzero(data[at:at + step] == ord("\n"))
        gaps = np.diff(breaks, prepend=last)
        too_long = np.flatnonzero(gaps > _BLOCK_SIZE)
        if len(too_long):
            end = int(breaks[too_long[0]])
            return lines + int(too_long[0]) + 2, end - int(gaps[too_long[0]]) + 1, end
        lines += len(breaks)
        last = int(breaks[-1]) if len(breaks) else last
    return (lines + 2, last + 1, len(data)) if len(data) - last > _BLOCK_SIZE else None


def _reject_huge_cells(table: pa.Table, first_row: int = 1) -> None:
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_dictionary(column.type):  # its values are kept once each
            if all(_text_bytes(chunk.dictionary) <= MAX_CELL_BYTES or (
                    pc.max(pc.binary_length(chunk.dictionary)).as_py() or 0) <= MAX_CELL_BYTES
                   for chunk in column.chunks):
                continue
            column = _decoded(column)  # a huge value: which row holds it
        # A chunk holding at most MAX_CELL_BYTES of text cannot hold a bigger cell.
        if all(_text_bytes(chunk) <= MAX_CELL_BYTES for chunk in column.chunks):
            continue
        lengths = pc.binary_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_CELL_BYTES:
            row = pc.index(lengths, longest).as_py() + first_row + 1
            raise ImportProblem(f"Row {row}, column “{name}” holds more than "
                                f"{_size(MAX_CELL_BYTES)} of text; no lead field needs that "
                                "much. Remove that value or column and upload again.")


def _text_bytes(chunk: pa.Array) -> int:
    """The size of a text array's character buffer (all its cells' bytes, and at most a
    little more)."""
    data = chunk.buffers()[2]
    return 0 if data is None else data.size


def _reject_unclosed_quote(table: pa.Table, text: bytes, first_row: int = 1) -> None:
    """pyarrow reads a quote opened and never closed as one cell running to the end of the
    file; with an odd number of quotes in the file, a line break in the last row gives it away."""
    last = table.slice(table.num_rows - 1)
    for column in last.columns:
        value = column[0].as_py()
        if value is not None and ("\n" in value or "\r" in value) and text.count(b'"') % 2:
            raise ImportProblem(
                f"Row {table.num_rows + first_row} opens a quote (\") that is never closed, so "
                "the rest of the file ran into one cell. Fix or remove that quote and upload "
                "again.")


def _drop_blank_rows(table: pa.Table) -> pa.Table:
    blank = None
    for column in table.columns:
        empty = _blank_cells(column)
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return table
    return table if blank is None else table.filter(pc.invert(blank))


def _blank_cells(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Where a column's cell is missing or only white space; for a dictionary column judged
    once per value."""
    if not pa.types.is_dictionary(column.type):
        return pc.or_kleene(pc.is_null(column), pc.utf8_is_space(column))
    chunks = []
    for chunk in column.chunks:
        blank_value = pc.fill_null(pc.utf8_is_space(chunk.dictionary), True)
        chunks.append(pc.fill_null(pc.take(blank_value, chunk.indices), True))
    return pa.chunked_array(chunks, type=pa.bool_())


# Excel's way of keeping a text as written (leading zeros, a long id) in a CSV meant for it: a
# formula that gives the text, ="00123". Excel shows 00123; so does the import.
_FORMULA_TEXT = r'^="(?:[^"]|"")*"$'


def _with_formulas_unwrapped(table: pa.Table) -> pa.Table:
    """`table` with its ="…" cells as their text (`_formula_texts`): done on each piece of a
    file as it is parsed, on its core."""
    columns = table.columns  # each access wraps the columns anew: `is` holds within one
    unwrapped = [_formula_texts(column) for column in columns]
    if all(new is old for new, old in zip(unwrapped, columns, strict=True)):
        return table
    return pa.Table.from_arrays(unwrapped, names=table.column_names)


def _formula_texts(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`column` with each cell that is exactly ="…" as the text inside (its doubled quotes
    single): worked out in Arrow, on a repeated-text column's values once each."""
    if not pa.types.is_dictionary(column.type):
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        if not any(_starts_equals(chunk) for chunk in chunks) or \
                not pc.any(pc.starts_with(column, '="')).as_py():
            return column
        return _unwrapped(column)
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    if not any(pc.any(pc.starts_with(chunk.dictionary, '="')).as_py() for chunk in chunks
               if len(chunk.dictionary)):
        return column
    chunks = pa.chunked_array(chunks, type=column.type).unify_dictionaries().chunks
    # ="7" beside 7 are one value: each old value's place among the values unwrapped
    places = pc.dictionary_encode(_unwrapped(chunks[0].dictionary))
    unwrapped = [pa.DictionaryArray.from_arrays(places.indices.take(chunk.indices),
                                                places.dictionary) for chunk in chunks]
    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array(unwrapped, type=unwrapped[0].type)
    return unwrapped[0]


def _starts_equals(chunk: pa.Array) -> bool:
    """Whether a chunk of text may have a cell starting with "=": a first look at one byte per
    cell, in NumPy (a missing or empty cell may answer for the one after it)."""
    if len(chunk) == 0 or chunk.null_count == len(chunk):
        return False
    _, offsets, data = chunk.buffers()[:3]
    content = np.frombuffer(data, dtype=np.uint8) if data is not None else None
    if content is None or not len(content):
        return False
    width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
    starts = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + len(chunk)]
    return bool((np.take(content, starts, mode="clip") == ord("=")).any())


def _unwrapped(texts: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Each ="…" cell as its text; ="" as a blank cell, as an empty field reads."""
    inner = pc.replace_substring(pc.utf8_slice_codeunits(texts, 2, -1), '""', '"')
    inner = pc.if_else(pc.equal(pc.binary_length(inner), 0), pa.scalar(None, inner.type), inner)
    return pc.if_else(pc.fill_null(pc.match_substring_regex(texts, _FORMULA_TEXT), False),
                      inner, texts)


def _decoded(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary column as plain text, one chunk at a time."""
    return pa.chunked_array([chunk.dictionary.take(chunk.indices) for chunk in column.chunks],
                            type=column.type.value_type)


# --- XLSX --------------------------------------------------------------------------------------

def _read_xlsx(data: bytes, *, max_rows: int) -> tuple[pd.DataFrame, ExportFormat]:
    # Counted before Python lists them (each costs it about a kilobyte); every entry of the
    # central directory starts with this signature, whatever the end record claims.
    if data.count(b"PK\x01\x02") > MAX_ZIP_MEMBERS:
        raise ImportProblem(f"The workbook has more than {MAX_ZIP_MEMBERS:,} parts, far more than "
                            "a leads export (it may be damaged or malicious), so it was not "
                            "opened. Export the leads again as CSV.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportProblem("The file looks like an Excel workbook but is damaged or incomplete. "
                            "Open it in Excel, save it again and upload the new file.") from None
    if any(m.flag_bits & 0x1 for m in members):
        raise _password_protected()
    if not any(m.filename == "xl/workbook.xml" for m in members):
        raise _not_a_workbook(archive, members)
    if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES or any(
            m.file_size > 1024 * 1024 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
            for m in members):
        raise ImportProblem("The workbook unpacks to far more data than a leads export holds "
                            "(it may be damaged or malicious), so it was not opened. Export the "
                            "leads again as CSV.")

    sheet = _calamine_sheet(data, archive, members, max_rows)
    if sheet is None:  # a workbook calamine would read otherwise, or could not bound in memory
        sheet = _openpyxl_sheet(data, archive, max_rows)
    if sheet.header is None:
        raise ImportProblem("The workbook's first sheet is empty.")
    header, columns, numbers = _report_table(sheet)
    if not columns or len(columns[0]) == 0:
        raise ImportProblem("The sheet has a header but no rows.")
    names = _unique_names(header)
    frame = pd.DataFrame({name: pd.Series(column, dtype="str")
                          for name, column in zip(names, columns, strict=True)})
    return frame, ExportFormat("xlsx", "", "", sheet.decimal, len(frame), len(names),
                               sheet=sheet.title, passed_over=sheet.passed_over,
                               same_columns=sheet.same_columns, other_sheets=sheet.other_sheets)


_OPENDOCUMENT = b"application/vnd.oasis.opendocument."


def _not_a_workbook(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> ImportProblem:
    """What to say about a ZIP that holds no Excel workbook, by what it holds: an OpenDocument
    file says so in its "mimetype" part, an Apple Numbers file keeps its tables in .iwa parts."""
    kind = b""
    mimetype = next((m for m in members if m.filename == "mimetype"), None)
    if mimetype is not None and mimetype.file_size <= 256:
        try:
            kind = archive.read(mimetype).strip()
        except _DAMAGED_ZIP:
            kind = b""
    if kind.startswith(_OPENDOCUMENT + b"spreadsheet"):
        return ImportProblem("This is an OpenDocument spreadsheet (.ods), which cannot be read "
                             "here. Open it in LibreOffice Calc or Excel, save it as .xlsx or "
                             "CSV and upload that.")
    if kind.startswith(_OPENDOCUMENT):
        return ImportProblem("This is an OpenDocument file (from LibreOffice or OpenOffice), not "
                             "a spreadsheet of leads. Export the leads as CSV or XLSX and "
                             "upload that.")
    if any(m.filename == "xl/workbook.bin" for m in members):
        return ImportProblem("This is an Excel binary workbook (.xlsb), which cannot be read "
                             "here. Open it in Excel, save it as .xlsx (Excel Workbook) or CSV "
                             "and upload that.")
    if any(m.filename.endswith(".iwa") for m in members):
        return ImportProblem("This is an Apple Numbers spreadsheet, which cannot be read here. "
                             "In Numbers choose File › Export To › Excel (or CSV) and upload "
                             "that file.")
    return ImportProblem("This is a ZIP archive, not an Excel workbook. Unzip it and upload the "
                         "CSV or XLSX file inside.")


def _report_table(sheet: _Sheet) -> tuple[list[str | None], list[pa.Array], np.ndarray]:
    """A sheet's header and rows without what a report adds around its table, as a CSV's
    (title rows above the header, a footer below the rows, subtotal and total rows, repeated
    headers: `_rows_not_leads`), and with each merged range of the rows filled with its value,
    and a grouped report's group values given to their groups, as a person reads them; and the
    rows' numbers in the sheet. The footer and totals are found before the filling: a footer
    merged across the table is still one value."""
    numbers = sheet.numbers.to_numpy()
    header, columns = sheet.header, sheet.columns
    if columns and len(columns[0]):
        sample = [header] + [list(cells) for cells in zip(*(
            column.slice(0, SAMPLE_RECORDS).to_pylist() for column in columns), strict=True)]
        rows_merged = {number: i for i, number in enumerate(numbers[:len(sample)].tolist())}
        spans: dict[int, list[tuple[int, int]]] = {}
        for r1, c1, _, c2 in sheet.merged:
            if r1 in rows_merged and c2 > c1:
                spans.setdefault(rows_merged[r1], []).append((c1 - 1, c2 - 1))
        starts = numbers[:len(sample)]
        after_blank = set(np.flatnonzero(np.diff(starts, prepend=starts[0]) > 1).tolist())
        top = _sheet_header_index(sample, spans, after_blank)
        if top:
            header = sample[top]
            columns = [column.slice(top) for column in columns]
            numbers = numbers[top:]
            while columns and header[len(columns) - 1] is None and \
                    columns[-1].null_count == len(columns[-1]):
                columns.pop()  # a title's column beyond the table
            header = header[:len(columns)]
    body = numbers[1:]
    rows = len(columns[0]) if columns else 0
    columns = [_formula_texts(column) for column in columns]
    cut = _sheet_footer(columns, body, sheet.merged)
    if cut < rows:
        columns = [column.slice(0, cut) for column in columns]
        body = body[:cut]
    drop, groups = _rows_not_leads(header, columns, sheet.decimal)
    if drop is not None:
        if drop.all():
            raise ImportProblem("The sheet has a header but no rows.")
        keep = pa.array(~drop)
        columns = [column.filter(keep) for column in columns]
        body = body[~drop]
    return header, _fill_groups(_fill_merged(columns, body, sheet.merged), groups), body


_TITLE_ROWS = 10


def _sheet_header_index(rows: list[list[str | None]],
                        spans: dict[int, list[tuple[int, int]]] | None = None,
                        after_blank: set[int] | frozenset[int] = frozenset()) -> int:
    """Which of a sheet's first rows is the header, as `_header_index` says for a CSV: the
    first holding two values or more when only a report's title rows, of one value each, or
    rows of group labels over it (`_group_labels`) come before it ("Leads by Source",
    "Filtered By: …"), and when it is as wide as the rows below it and most of those hold as
    many values; else the first row (a header naming only some of its columns is still the
    header). A title's line of two values ("Filtered By:" | "Owner equals Sales Team") is
    passed over too when a row that reads as a header follows (`_header_after_preamble`). A
    table two wide has no title told apart from its header. `spans` gives, by row, the
    columns (first, last, from 0) of the merged ranges starting in it; `after_blank`, the rows
    a blank row comes before."""
    filled = [sum(1 for value in row if value is not None) for row in rows]
    lengths = [next((len(row) - i for i, value in enumerate(reversed(row)) if value is not None),
                    0) for row in rows]
    need = min(2, max(lengths) - 1)
    if need < 2:
        return 0
    top = next((i for i, count in enumerate(filled) if count >= need), 0)
    if top < _TITLE_ROWS and filled[top] <= 2 and lengths[top] < max(lengths[top:]):
        top = _header_after_preamble(rows, top, filled, after_blank)
    while top < _TITLE_ROWS and _group_labels(rows, top, (spans or {}).get(top, ())):
        top += 1
    below = filled[top + 1:]
    if not 0 < top <= _TITLE_ROWS or not below or lengths[top] < max(lengths[top:]) or \
            2 * sum(1 for count in below if count >= need) < len(below):
        return 0
    return top


def _header_after_preamble(rows: list[list[str | None]], top: int, filled: list[int],
                           after_blank: set[int] | frozenset[int]) -> int:
    """The header under a report's title lines of one or two values each, the first of which
    is row `top`: the first row after them holding three values or more, all text (no number,
    date or e-mail; a year such as "2024" names a column), with most of the rows under it as
    wide (else the lines are a two-column list's header and leads, a wider row among them
    holding a note), and set apart by a blank row above it, or naming at least two of the
    catalog's fields, or under a title of one value; `top` itself if there is none."""
    header = next((i for i in range(top + 1, min(len(rows), _TITLE_ROWS + 1))
                   if filled[i] > 2), None)
    if header is None:
        return top
    names = [value for value in rows[header] if value is not None and value.strip()]
    if any(_VALUE_LIKE.match(name) and not _YEAR.match(name) or "@" in name
           for name in names) or sum(1 for name in names if not _YEAR.match(name)) < 2:
        return top
    below = filled[header + 1:header + 1 + _TITLE_ROWS * 2]
    if not below or 2 * sum(1 for count in below if count > 2) < len(below):
        return top
    if header not in after_blank and 1 not in filled[:header]:
        from workshop.mapping import auto_map  # noqa: PLC0415 - the import needs it only here

        if len(auto_map(names)) < 2:
            return top
    return header


# A year heading a column of figures ("2023", "2024"): a header's name, though written in digits.
_YEAR = re.compile(r"^\s*(?:19|20)\d\d\s*$")


# A cell of digits and the marks numbers, money and dates are written with: a value, no header.
_VALUE_LIKE = re.compile(r"^[\s\d.,:;/+\-()%$€£¥'T]*\d[\s\d.,:;/+\-()%$€£¥'T]*$")


def _group_labels(rows: list[list[str | None]], index: int,
                  spans: Iterable[tuple[int, int]] = ()) -> bool:
    """Whether row `index` only groups the header under it ("Contact" over the name and e-mail
    columns, "Company" over the company's): a few labels, each over a run of two columns or
    more (merged across it, or followed by empty cells up to the next label or the table's
    edge), above a row that names nearly every column, no name a number or a date, and reads
    as a header rather than as a lead: the catalog knows at least two of its names, and more
    than of the labels. A header with some cells left blank is followed by a lead, whose
    values the catalog does not know as headers."""
    if index + 2 >= len(rows):
        return False
    row, header = rows[index], rows[index + 1]
    width = next((len(header) - i for i, value in enumerate(reversed(header))
                  if value is not None), 0)
    labels = [j for j, value in enumerate(row) if value is not None and value.strip()]
    names = [j for j in range(width) if header[j] is not None and header[j].strip()]
    if not labels or labels[-1] >= width or 2 * len(labels) > len(names) or \
            5 * len(names) < 4 * width or any(_VALUE_LIKE.match(header[j]) for j in names):
        return False
    merged = {first: last for first, last in spans}
    for label, following in zip(labels, [*labels[1:], width], strict=True):
        if merged.get(label, following - 1) <= label:
            return False  # a label over one column: a header, not a group
    from workshop.mapping import auto_map  # noqa: PLC0415 - the import needs it only here

    known = len(auto_map(header[j] for j in names))
    return known >= 2 and known > len(auto_map(row[j] for j in labels))


def _sheet_footer(columns: list[pa.Array], numbers: np.ndarray,
                  merged: tuple[tuple[int, int, int, int], ...]) -> int:
    """Where a sheet's footer starts (the number of rows if it has none): its last rows that
    hold a single value ("Confidential Information - Do Not Distribute", "Generated By: …"),
    as `_footer_start` drops a CSV's. Right under the rows, only values in column A of a table
    three or more wide that read as a footer (`_FOOTER_WORDS`) count: a row of a table two
    wide, or a lead with one value ("Zed") or one elsewhere, is still a lead; after a blank
    row, any, even when one-value rows above the blank belong to the table (a grouped report's
    "Subtotal" and "Grand Totals"). A row inside a merged range that starts above it is a row
    of the table; so is every row, if all hold one value."""
    rows = len(columns[0]) if columns else 0
    if rows < 2 or len(columns) < 2:
        return rows
    inside = [(r1, r2) for r1, _, r2, _ in merged if r2 > r1]
    # The one-value rows at the bottom, lowest first, each with whether it and every row under
    # it is a worded line in column A.
    starts: list[tuple[int, bool, bool]] = []
    first_column = worded = True
    for i in range(rows - 1, max(-1, rows - _FOOTER_LINES - 2), -1):
        number = int(numbers[i])
        filled = [j for j, column in enumerate(columns) if column[i].is_valid]
        if len(filled) != 1 or any(r1 < number <= r2 for r1, r2 in inside):
            break
        first_column = first_column and filled == [0]
        worded = worded and bool(_FOOTER_WORDS.search(str(columns[filled[0]][i].as_py())))
        starts.append((i, first_column, worded))
    else:
        return rows  # too long for a footer
    # The highest of them that can start the footer: one after a blank row, or one under which
    # every row is a worded line in column A of a table three or more wide. A grouped report's
    # "Subtotal" and "Grand Totals" rows above a blank row and its confidentiality lines stay
    # rows of the table, for `_rows_not_leads` to set apart.
    for start, in_first, words in reversed(starts):
        if start == 0:
            continue
        if numbers[start] - numbers[start - 1] >= 2 or (len(columns) >= 3 and in_first
                                                         and words):
            return start
    return rows


# What a report's footer says, right under its rows with no blank row between: a lead with one
# value there ("Zed") is still a lead.
_FOOTER_WORDS = re.compile(
    r"confidential|copyright|©|\(c\)|all rights reserved|do not distribute|generated|"
    r"report|filtered|\brecords?\b|\brows?\b|\btotals?\b|\bcount\b|vertraulich|erstellt|"
    r"summe|gesamt|confidentiel|g[ée]n[ée]r[ée]|page \d", re.IGNORECASE)


def _fill_merged(columns: list[pa.Array], numbers: np.ndarray,
                 merged: tuple[tuple[int, int, int, int], ...]) -> list[pa.Array]:
    """`columns` (the rows numbered `numbers` in the sheet, from column A) with each merged
    range (first row, first column, last row, last column, from 1) whose first cell is one of
    them given that cell's value in every cell of it: Excel shows a merged cell's value over
    the whole range but keeps it only in the first. Ranges may not overlap (Excel never writes
    that), so the cells filled are at most the table's."""
    if not merged or not len(numbers):
        return columns
    width, budget = len(columns), len(numbers) * len(columns)
    fills: dict[int, list[tuple[int, int, str]]] = {}
    for r1, c1, r2, c2 in merged:
        first = int(np.searchsorted(numbers, r1))
        if c1 > width or r2 < r1 or c2 < c1 or first == len(numbers) or numbers[first] != r1:
            continue
        value = columns[c1 - 1][first].as_py()
        if value is None:
            continue
        stop = int(np.searchsorted(numbers, r2, side="right"))
        budget -= (stop - first) * (min(c2, width) - c1 + 1)
        if budget < 0:
            raise ImportProblem("The sheet's merged cells overlap, which Excel never saves: the "
                                "workbook is damaged. Open it in Excel, save it again or export "
                                "the leads as CSV.")
        for j in range(c1 - 1, min(c2, width)):
            fills.setdefault(j, []).append((first, stop, value))
    columns = list(columns)
    for j, ranges in fills.items():
        cells = columns[j].to_numpy(zero_copy_only=False, writable=True)
        for first, stop, value in ranges:
            cells[first:stop] = value
        columns[j] = pa.array(cells, type=pa.large_string())
    return columns


@dataclass
class _Sheet:
    """A worksheet as `_read_xlsx` keeps it: blank rows dropped, the first row left the
    header (None: no row at all), and each column's cells below it as text (null: empty), as
    many columns as the widest row has cells; the merged ranges, not yet filled."""

    header: list[str | None] | None
    columns: list[pa.Array]
    title: str
    decimal: str = "."
    numbers: pa.Array | None = None  # each row's number in the sheet (1: its first), header first
    merged: tuple[tuple[int, int, int, int], ...] = ()  # (first row, column, last row, column)
    passed_over: str = ""  # the sheet the workbook opens on, when it is not this one
    same_columns: tuple[str, ...] = ()  # see ExportFormat
    other_sheets: tuple[str, ...] = ()


def _rows_sheet(rows: list[list[str | None]], width: int, numbers: array.array, title: str,
                decimal: str = ".") -> _Sheet:
    """`_take_rows`' rows as a `_Sheet`."""
    if not rows:
        return _Sheet(None, [], title, decimal)
    body = [row + [None] * (width - len(row)) for row in rows[1:]]
    columns = [pa.array(list(cells), type=pa.large_string()) for cells in zip(*body, strict=True)
               ] if body else [pa.array([], type=pa.large_string()) for _ in range(width)]
    return _Sheet(rows[0] + [None] * (width - len(rows[0])), columns, title, decimal,
                  pa.array(np.frombuffer(numbers, dtype=np.int64)))


_DECIMAL_SCAN_ROWS = 1_000


def _sheet_decimal(sheet_rows) -> str:
    """The decimal mark a sheet's numbers typed as text use ("1.234.567,50" says comma), judged
    as a CSV's is (`_pick_decimal`) on the text cells of its first rows; "." if they do not
    say. Cells Excel holds as numbers do not count: they are numbers whatever the mark."""
    texts: list[list[str]] = []
    for values in itertools.islice(sheet_rows, _DECIMAL_SCAN_ROWS):
        cells = [value for value in values if type(value) is str and value.strip()]
        if cells:
            texts.append(cells)
            if len(texts) > SAMPLE_RECORDS:
                break
    return _pick_decimal(texts, "")


def _take_rows(sheet_rows, max_rows: int, decimal: str = "."
               ) -> tuple[list[list[str | None]], int, array.array]:
    """The rows of a sheet as text, as `_read_xlsx` keeps them: blank rows dropped, each row
    without its trailing empty cells, the limits checked as the rows come; and their numbers
    in the sheet (a footer follows a blank row, a merged range is found). `sheet_rows` gives
    each row's values (None for an empty cell) at most MAX_COLUMNS + 1 wide, from column A.
    Numbers are written with `decimal`, the mark the sheet's text uses."""
    rows: list[list[str | None]] = []
    numbers = array.array("q")
    width = 0
    blank = None  # openpyxl gives every row missing from the file as this same tuple
    for seen, values in enumerate(sheet_rows, start=1):
        if seen > EXCEL_MAX_ROWS:
            raise ImportProblem(f"The sheet has more rows than Excel allows "
                                f"({EXCEL_MAX_ROWS:,}); it is damaged. Open it in Excel, "
                                "save it again or export the leads as CSV.")
        if values is blank or values.count(None) == len(values):
            blank = values
            continue
        last = len(values) - next(i for i, v in enumerate(reversed(values)) if v is not None)
        if last > MAX_COLUMNS:
            raise ImportProblem(f"The sheet has more than {MAX_COLUMNS:,} columns; the limit "
                                f"is {MAX_COLUMNS:,}. Export only the columns you need.")
        cells = [_cell_text(v, decimal) for v in values[:last]]
        while cells and cells[-1] is None:
            cells.pop()
        if not rows and not cells:
            continue  # blank rows above the header
        for column, cell in enumerate(cells):
            if cell is not None and (len(cell) if cell.isascii() else len(
                    cell.encode("utf-8"))) > MAX_CELL_BYTES:
                raise ImportProblem(
                    f"Row {len(rows) + 1}, column {column + 1} holds more than "
                    f"{_size(MAX_CELL_BYTES)} of text. Remove it and upload again.")
        if rows and not any(c is not None and c.strip() for c in cells):
            continue
        rows.append(cells)
        numbers.append(seen)
        width = max(width, len(cells))
        if len(rows) > max_rows + 1:
            raise ImportProblem(f"The sheet has more than {max_rows:,} rows; the limit is "
                                f"{max_rows:,}. Export a shorter period or split it.")
    return rows, width, numbers


def _openpyxl_sheet(data: bytes, archive: zipfile.ZipFile, max_rows: int) -> _Sheet:
    """The leads sheet's rows read by openpyxl, cell by cell in Python: slow (about 20 s for
    100,000 rows of 15 cells), but it streams, so any sheet is read in memory bounded by the
    rows it keeps."""
    from openpyxl import load_workbook  # noqa: PLC0415 - only unusual workbooks need it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise ImportProblem(f"The Excel workbook could not be opened{_detail(error)}. Save it "
                            "again as .xlsx or CSV.") from None
    try:
        sheets = [s for s in (book.active, *book.worksheets) if hasattr(s, "iter_rows")]
        if not sheets:
            raise ImportProblem("The workbook has no worksheet (only charts, or nothing). "
                                "Export the leads again as CSV or XLSX.")
        names = book.sheetnames
        worksheets = {s.title for s in book.worksheets if hasattr(s, "iter_rows")}
        opens_on = names.index(sheets[0].title)
        index = _leads_sheet(archive, opens_on, [name in worksheets for name in names])
        passed_over = names[opens_on] if index != opens_on else ""
        others = _other_sheets(archive, index, [name in worksheets for name in names], names)
        sheet = book[names[index]]
        merged = _merged_ranges(archive, getattr(sheet, "_worksheet_path", ""))
        # The size a sheet claims is not trusted: openpyxl would fill in every missing row up
        # to the claimed height. Rows are read MAX_COLUMNS + 1 cells wide at most (openpyxl pads
        # each to its last cell, which a few bytes can put at column 16,384): a value in the
        # extra column says the sheet is too wide; cells beyond it are not looked at.
        sheet.reset_dimensions()
        decimal = _sheet_decimal(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1))
        rows, width, numbers = _take_rows(
            sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1), max_rows, decimal)
        title = sheet.title
    except ImportProblem:
        raise
    except Exception as error:  # a damaged part shows only while the rows are read
        raise ImportProblem(f"The Excel workbook could not be read{_detail(error)}. Save it "
                            "again as .xlsx or CSV.") from None
    finally:
        book.close()
    read = _rows_sheet(rows, width, numbers, title, decimal)
    read.merged, read.passed_over = merged, passed_over
    read.same_columns, read.other_sheets = others
    return read


def _calamine_sheet(data: bytes, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo],
                    max_rows: int) -> _Sheet | None:
    """The leads sheet read by calamine (Rust, some 20 times faster than openpyxl), or None
    when calamine is not to be used on this workbook: when it would read a cell otherwise than
    openpyxl (an error value, a date typed as text, text it would trim), when the parts do not
    show where every cell is, or when the grid it builds (it holds a sheet's whole used
    rectangle in memory, empty cells included) would be far larger than the cells it holds. The
    openpyxl reader then decides, as before, and also says what is wrong with a damaged file.

    The grid's size is made sure of first; whether calamine reads the cells alike is looked at
    while it reads (it frees the GIL), and its table is thrown away if not."""
    if not _calamine_bounded(archive, members):
        return None
    second = zipfile.ZipFile(io.BytesIO(data))  # a ZipFile is read by one thread at a time
    with ThreadPoolExecutor(max_workers=1) as pool:
        alike = pool.submit(_calamine_reads_alike, second, second.infolist())
        try:
            sheet = _calamine_read(data, archive, max_rows)
        except ImportProblem:
            if not alike.result():
                return None  # openpyxl decides what is wrong
            raise
        return sheet if alike.result() else None


def _calamine_read(data: bytes, archive: zipfile.ZipFile, max_rows: int) -> _Sheet | None:
    import python_calamine  # noqa: PLC0415 - only workbooks need it

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as error:  # the openpyxl reader says what is wrong
        _reraise_unless_calamine(error)
        return None
    try:
        sheets = book.sheets_metadata
        opens_on = _first_worksheet(sheets, archive)
        if opens_on is None:
            return None
        worksheet = python_calamine.SheetTypeEnum.WorkSheet
        index = _leads_sheet(archive, opens_on, [s.typ == worksheet for s in sheets])
        passed_over = sheets[opens_on].name if index != opens_on else ""
        others = _other_sheets(archive, index, [s.typ == worksheet for s in sheets],
                               [s.name for s in sheets])
        sheet = book.get_sheet_by_index(index)
        if sheet.start is None:  # nothing read: let openpyxl say whether it is really empty
            return None
        top, left = sheet.start  # openpyxl's rows start at column A, calamine's at the first used
        grid = sheet.to_python(skip_empty_area=True)
        errors = _error_cells(archive, index)
        if errors is None:
            return None
        for row, column, text in errors:  # calamine reads them as empty
            if not (0 <= row - 1 - top < len(grid) and 0 <= column - 1 - left < len(grid[0])):
                return None
            grid[row - 1 - top][column - 1 - left] = text
        title = sheet.name
        merged = tuple((r1 + 1, c1 + 1, r2 + 1, c2 + 1)
                       for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or ())
    except BaseException as error:  # the openpyxl reader says what is wrong
        _reraise_unless_calamine(error)
        return None
    finally:
        book.close()
    read = _grid_sheet(grid, left, max_rows, title, _sheet_decimal(grid), top)
    if read is not None:
        read.merged, read.passed_over = merged, passed_over
        read.same_columns, read.other_sheets = others
    return read


def _grid_sheet(grid: list[list], left: int, max_rows: int, title: str,
                decimal: str = ".", top: int = 0) -> _Sheet | None:
    """calamine's grid (its rows from the first used row, `top`, and column, `left`, counted
    from 0; "" for an empty cell) as
    `_take_rows` would keep openpyxl's rows of the same sheet, with the same problems raised
    for the same first row, worked out a column at a time; None if no row holds anything."""
    keep = MAX_COLUMNS + 1 - left  # the columns openpyxl would read, the extra one included
    if not grid or keep <= 0:
        return None
    rows = len(grid)
    try:  # calamine's rows are all as wide as its grid: a NumPy grid turns columns fastest
        table = np.empty((rows, len(grid[0])), dtype=object)
        table[:] = grid
        raw = [table[:, j] for j in range(min(keep, table.shape[1]))]
    except ValueError:  # rows of different widths after all
        raw = [np.array(cells, dtype=object)
               for cells in itertools.zip_longest(*grid, fillvalue="")][:keep]
    problems: list[tuple[int, int, ImportProblem]] = []  # (row in the grid, order, problem)
    if len(raw) == keep:  # a value in the extra column: too wide (openpyxl reads no further)
        wide = next((r for r, value in enumerate(raw.pop()) if value != ""), None)
        if wide is not None:
            problems.append((wide, 0, ImportProblem(
                f"The sheet has more than {MAX_COLUMNS:,} columns; the limit is "
                f"{MAX_COLUMNS:,}. Export only the columns you need.")))
    cells = [_text_cells(values, decimal) for values in raw]
    filled = np.zeros(rows, dtype=bool)
    for column in cells:
        if column.null_count < rows:
            filled |= pc.is_valid(column).to_numpy(zero_copy_only=False)
    kept = np.flatnonzero(filled)
    for j, column in enumerate(cells):
        lengths = pc.fill_null(pc.binary_length(column), 0).to_numpy(zero_copy_only=False)
        huge = np.flatnonzero(lengths > MAX_CELL_BYTES)
        if len(huge):
            row = int(np.searchsorted(kept, huge[0])) + 1
            problems.append((int(huge[0]), 1 + j, ImportProblem(
                f"Row {row}, column {left + j + 1} holds more than {_size(MAX_CELL_BYTES)} of "
                "text. Remove it and upload again.")))
    if len(kept) > max_rows + 1:
        problems.append((int(kept[max_rows + 1]), len(cells) + 1, ImportProblem(
            f"The sheet has more than {max_rows:,} rows; the limit is {max_rows:,}. Export a "
            "shorter period or split it.")))
    if problems:
        raise min(problems, key=lambda found: found[:2])[2]
    if not len(kept):
        return None
    used = [j for j, column in enumerate(cells) if column.null_count < rows]
    width = left + used[-1] + 1
    header = [None] * left + [cells[j][int(kept[0])].as_py() for j in range(width - left)]
    body = pa.array(kept[1:])
    columns = [pa.nulls(len(body), pa.large_string())] * left + [
        cells[j].take(body) for j in range(width - left)]
    return _Sheet(header, columns, title, decimal, pa.array(kept + 1 + top, type=pa.int64()))


def _text_cells(values: np.ndarray, decimal: str = ".") -> pa.Array:
    """A column of calamine's cells as the text `_cell_text` gives each ("" is empty)."""
    try:  # text only (the usual column): checked in Arrow, not cell by cell
        text = pa.array(values, type=pa.large_string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):  # numbers, dates, yes/no among them
        return pa.array([_cell_text(value, decimal) for value in values],
                        type=pa.large_string())
    # Arrow's white space is Python's (Unicode's Zs, and bidi classes WS, B and S).
    blank = pc.or_(pc.equal(pc.binary_length(text), 0), pc.utf8_is_space(text))
    if pc.any(blank).as_py():
        text = pc.if_else(blank, pa.scalar(None, pa.large_string()), text)
    return text


def _reraise_unless_calamine(error: BaseException) -> None:
    """Raise `error` again unless it is calamine failing: an exception, or a panic of its Rust
    code (pyo3 raises that as a BaseException, so that `except Exception` lets it through)."""
    if not isinstance(error, Exception) and type(error).__name__ != "PanicException":
        raise error


def _first_worksheet(sheets: list, archive: zipfile.ZipFile) -> int | None:
    """The index of the sheet openpyxl reads first (the active one if it is a worksheet, else
    the first worksheet), or None if that is not a plain worksheet calamine reads."""
    import python_calamine  # noqa: PLC0415

    chart = python_calamine.SheetTypeEnum.ChartSheet
    with archive.open("xl/workbook.xml") as part:
        head = part.read(_CALAMINE_WORKBOOK_BYTES)
    view = re.search(rb"<workbookView\b([^>]*)>", head)  # openpyxl looks at the first
    active = re.search(rb"\sactiveTab=\"(\d{1,6})\"", view.group(1)) if view else None
    candidates = [int(active.group(1)) if active else 0]
    candidates += [i for i, s in enumerate(sheets) if s.typ != chart]
    for index in candidates:
        if index < len(sheets) and sheets[index].typ != chart:
            worksheet = python_calamine.SheetTypeEnum.WorkSheet
            return index if sheets[index].typ == worksheet else None
    return None


_TABLE_CELLS = 100  # a table of leads has more values than a summary: 20 leads of 5 fields
_TABLE_WIDTH = 3  # values a row of a leads table holds on average, more than a list's
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(?:^|\s)([\w:]+)\s*=\s*["']([^"']*)["']""")
_VALUES = (b"<v>", b"<is>")  # a cell's value; styled empty cells have neither


def _leads_sheet(archive: zipfile.ZipFile, today: int, worksheets: list[bool]) -> int:
    """The sheet whose leads to read: `today` (the one openpyxl reads first) when it holds a
    table of leads, `_TABLE_CELLS` values or more, or rows of `_TABLE_WIDTH` values on average;
    else the visible worksheet that is such a table holding the most values, if it holds more
    (a summary sheet first, the leads behind it; never a list of one or two columns, such as a
    lookup sheet beside a short list of leads). `worksheets` says which sheets, in the
    workbook's order, are worksheets. Only the sheets' parts are looked at, counting values
    and rows as they stream by, and the others only if `today` is that small."""
    try:
        parts = _sheet_parts(archive)
        if parts is None or len(parts) != len(worksheets) or len(parts) < 2:
            return today
        most, rows = _valued_cells(archive, parts[today][0], _TABLE_CELLS)
        if most >= _TABLE_CELLS or most >= _TABLE_WIDTH * max(rows, 2):
            return _leads_behind_summary(archive, parts, today, worksheets)
        best = today
        for index, (part, visible) in enumerate(parts):
            if index != today and visible and worksheets[index]:
                count, rows = _valued_cells(archive, part)
                if count > most and count >= _TABLE_WIDTH * max(rows, 2):
                    best, most = index, count
        return best
    except (*_DAMAGED_ZIP, KeyError):
        return today


def _other_sheets(archive: zipfile.ZipFile, index: int, worksheets: list[bool],
                  names: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The worksheets other than the one read (`index`) whose header names the same columns
    (case and spaces aside) and which hold a row under it: more of the same leads, as a
    workbook with a sheet per year or per region holds them. And every other worksheet, with
    "(hidden)" after a hidden one, for a sheet read that names no lead field. Only the sheets'
    first rows are looked at."""
    try:
        parts = _sheet_parts(archive)
        if parts is None or len(parts) != len(worksheets) or len(parts) != len(names) \
                or len(parts) < 2:
            return (), ()
        heads = {i: _sheet_head(archive, part, _TITLE_ROWS + 2) or []
                 for i, (part, _) in enumerate(parts) if worksheets[i]}
        headers = {i: _header_cells(head) for i, head in heads.items()}
        strings = _shared_strings(archive, {value for row in headers.values()
                                            for kind, value in row if kind == b"s"})
        named = {i: [" ".join(str(strings.get(value, "") if kind == b"s" else value)
                              .split()).casefold() for kind, value in row]
                 for i, row in headers.items()}
        mine = named.get(index) or []
        alike = tuple(names[i] for i, head in heads.items()
                      if i != index and len(mine) >= 2 and named[i] == mine
                      and len(head) > (_header_row(head) or 0) + 1)
        others = tuple(names[i] + ("" if parts[i][1] else " (hidden)")
                       for i in range(len(parts)) if i != index and worksheets[i])
        return alike, others
    except (*_DAMAGED_ZIP, KeyError):
        return (), ()


_SUMMARY_ROWS = 100  # a summary's rows, by month or by industry, are a few dozen at most
_HEAD_BYTES = 4 * 1024 * 1024  # the first rows of a summary take far less
_ROW_ELEMENT = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?row>)", re.DOTALL)
_CELL_ELEMENT = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_CELL_TYPE = re.compile(rb"""\st\s*=\s*["'](\w+)["']""")
_CELL_COLUMN = re.compile(rb"""\sr\s*=\s*["']\$?([A-Z]{1,3})""")
_CELL_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</")
_TEXT_RUN = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", re.DOTALL)
_TEXT_TYPES = (b"s", b"inlineStr", b"str")
_NUMBER_TYPES = (b"", b"n", b"d")


def _leads_behind_summary(archive: zipfile.ZipFile, parts: list[tuple[str, bool]], today: int,
                          worksheets: list[bool]) -> int:
    """`today`, unless it is a summary (`_summary_shaped`: a few rows of counts by one or two
    labels) and another visible worksheet holds a longer table (`_TABLE_WIDTH` values a row)
    whose header names more of the catalog's lead fields (e-mail, company, created…) than the
    summary's: then the one of those holding the most values. A short export of leads first
    keeps its place beside a longer list of picklist values: it is no summary."""
    from workshop.mapping import auto_map  # noqa: PLC0415 - a summary first is rare

    head = _sheet_head(archive, parts[today][0], _SUMMARY_ROWS + 1)
    if head is None or len(head) > _SUMMARY_ROWS or not _summary_shaped(head):
        return today
    best, most = today, 0
    for index, (part, visible) in enumerate(parts):
        if index != today and visible and worksheets[index]:
            count, rows = _valued_cells(archive, part)
            if rows > len(head) and count >= _TABLE_WIDTH * rows and count > most:
                best, most = index, count
    if best == today:
        return today
    other = _sheet_head(archive, parts[best][0], _TITLE_ROWS + 1) or []
    headers = [_header_cells(head), _header_cells(other)]
    strings = _shared_strings(archive, {value for row in headers for kind, value in row
                                        if kind == b"s"})
    known = [len(auto_map(strings.get(value, "") if kind == b"s" else value for kind, value in row))
             for row in headers]
    return best if known[1] > known[0] else today


def _summary_shaped(rows: list[list[tuple[int, bytes, bytes]]]) -> bool:
    """Whether a sheet's first rows (`_sheet_head`) are a summary rather than leads: under a
    header, one or two columns of labels (an industry, a month) and as many columns or more
    of nothing but numbers (leads, won, amount), each label of the first column met once."""
    top = _header_row(rows)
    body = rows[top + 1:] if top is not None else []
    if not body:
        return False
    kinds: dict[int, set[bool]] = {}
    for row in body:
        for column, kind, _ in row:
            kinds.setdefault(column, set()).add(kind in _NUMBER_TYPES)
    numbers = sum(1 for seen in kinds.values() if seen == {True})
    labels = sorted(column for column, seen in kinds.items() if seen != {True})
    if not labels or numbers < max(1, len(labels)) or len(labels) > 2:
        return False
    first = [value for row in body for column, kind, value in row
             if column == labels[0] and kind in _TEXT_TYPES]
    return len(first) == len(set(first))


def _header_row(rows: list[list[tuple[int, bytes, bytes]]]) -> int | None:
    """Which of a sheet's first rows (`_sheet_head`) is its header: the first holding the most
    text cells (a title above it holds one); None if none holds text."""
    texts = [sum(1 for _, kind, _ in row if kind in _TEXT_TYPES) for row in rows[:_TITLE_ROWS + 1]]
    return texts.index(max(texts)) if texts and max(texts) else None


def _header_cells(rows: list[list[tuple[int, bytes, bytes]]]) -> list[tuple[bytes, object]]:
    """The text cells of a sheet's header (`_header_row`): each one's type and its value (a
    shared string's index, or the text)."""
    top = _header_row(rows)
    return [] if top is None else [
        (kind, int(value) if kind == b"s" and value.isdigit() else
         value.decode("utf-8", "replace"))
        for _, kind, value in rows[top] if kind in _TEXT_TYPES]


def _sheet_head(archive: zipfile.ZipFile, name: str, limit: int
                ) -> list[list[tuple[int, bytes, bytes]]] | None:
    """A sheet part's first `limit` rows holding a value (None if its first `_HEAD_BYTES`
    hold fewer): each cell with a value as its column (from 0), its type ("" a number, "s" a
    shared string…) and its value (the shared string's index; an inline string's text)."""
    with archive.open(name) as part:
        buffer = part.read(_HEAD_BYTES + 1)
    rows = []
    for found in _ROW_ELEMENT.finditer(buffer):
        cells = []
        for order, cell in enumerate(_CELL_ELEMENT.finditer(found.group(1) or b"")):
            attributes, body = cell.group(1), cell.group(2) or b""
            typed = _CELL_TYPE.search(attributes)
            kind = typed.group(1) if typed else b""
            if kind == b"inlineStr":
                value = html.unescape(b"".join(_TEXT_RUN.findall(body)).decode(
                    "utf-8", "replace")).encode("utf-8")
            else:
                held = _CELL_VALUE.search(body)
                if held is None:
                    continue
                value = html.unescape(held.group(1).decode("utf-8", "replace")).encode("utf-8")
            if not value.strip():
                continue
            letters = _CELL_COLUMN.search(attributes)
            cells.append((_column_number(letters.group(1)) - 1 if letters else order, kind, value))
        if cells:
            rows.append(cells)
            if len(rows) == limit:
                return rows
    return None if len(buffer) > _HEAD_BYTES else rows


def _shared_strings(archive: zipfile.ZipFile, wanted: set[int]) -> dict[int, str]:
    """The workbook's shared strings numbered `wanted`, read no further than the last."""
    found: dict[int, str] = {}
    if not wanted:
        return found
    try:
        rels = archive.read("xl/_rels/workbook.xml.rels")[:_CALAMINE_WORKBOOK_BYTES]
    except KeyError:
        return found
    name = "xl/sharedStrings.xml"
    for relationship in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(relationship.group(1)))
        if attributes.get(b"Type", b"").endswith(b"/sharedStrings"):
            target = attributes.get(b"Target", b"").decode("utf-8", "replace")
            name = target[1:] if target.startswith("/") else \
                posixpath.normpath(posixpath.join("xl", target))
    try:
        member = archive.getinfo(name)
    except KeyError:
        return found
    index, last, rest = 0, max(wanted), b""
    for piece in _pieces(archive, member):
        buffer, end = rest + piece, 0
        for item in _SHARED_ITEM.finditer(buffer):
            if index in wanted:
                found[index] = html.unescape(b"".join(_TEXT_RUN.findall(item.group(1) or b""))
                                             .decode("utf-8", "replace"))
            index, end = index + 1, item.end()
            if index > last:
                return found
        rest = buffer[end:]
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, bool]] | None:
    """Each sheet's part and whether it is visible, in the workbook's order; None if the
    workbook's parts do not say."""
    with archive.open("xl/workbook.xml") as part:
        book = part.read(_CALAMINE_WORKBOOK_BYTES)
    with archive.open("xl/_rels/workbook.xml.rels") as part:
        rels = part.read(_CALAMINE_WORKBOOK_BYTES)
    targets = {}
    for found in _RELATIONSHIP.finditer(rels):
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        target = attributes.get(b"Target", b"").decode("utf-8", "replace")
        targets[attributes.get(b"Id")] = target[1:] if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
    parts = []
    for found in _SHEET.finditer(book):
        attributes = dict(_ATTRIBUTE.findall(found.group(1)))
        rid = next((value for name, value in attributes.items() if name.endswith(b":id")), None)
        if rid not in targets:
            return None
        parts.append((targets[rid], attributes.get(b"state", b"visible") == b"visible"))
    return parts


def _valued_cells(archive: zipfile.ZipFile, name: str, enough: int | None = None
                  ) -> tuple[int, int]:
    """How many cells with a value, and how many rows, a sheet's part holds (counting stops
    at `enough` values)."""
    count = rows = 0
    for piece in _pieces(archive, archive.getinfo(name)):
        count += sum(piece.count(tag) for tag in _VALUES)
        rows += len(_ROW_TAG.findall(piece))
        if enough is not None and count >= enough:
            break
    return count, rows


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>]")


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="\$?([A-Z]{1,3})\$?([0-9]{1,7})'
                     rb':\$?([A-Z]{1,3})\$?([0-9]{1,7})"')


def _merged_ranges(archive: zipfile.ZipFile, name: str) -> tuple[tuple[int, int, int, int], ...]:
    """A sheet's merged ranges (first row, column, last row, column, from 1) from its part,
    as calamine lists them (openpyxl's streaming reader does not); at most MAX_MERGED_RANGES,
    so a part of millions does not fill memory."""
    try:
        member = archive.getinfo(name.lstrip("/"))
    except KeyError:
        return ()
    ranges = []
    try:
        for piece in _pieces(archive, member):
            for found in _MERGED.finditer(piece):
                c1, r1, c2, r2 = found.groups()
                ranges.append((int(r1), _column_number(c1), int(r2), _column_number(c2)))
            if len(ranges) > MAX_MERGED_RANGES:
                break
    except _DAMAGED_ZIP:
        return ()  # the rows' reading says what is wrong
    if len(ranges) > MAX_MERGED_RANGES:
        raise ImportProblem(f"The sheet has more than {MAX_MERGED_RANGES:,} merged cells. Unmerge "
                            "them (Home › Merge & Center › Unmerge Cells) or export the leads as "
                            "CSV.")
    return tuple(ranges)


# How sparse a sheet calamine reads may be: its grid (every cell of the rectangle from A1 to the
# last used cell) may hold this many times the cells the sheet has, or this many cells in all,
# whichever is more (a cell of the grid costs about 32 bytes).
_CALAMINE_SPARSENESS = 16
_CALAMINE_MIN_GRID = 4_000_000
_CALAMINE_PIECE = 8 * 1024 * 1024
_CALAMINE_WORKBOOK_BYTES = 1024 * 1024
# Where the patterns below could lose track of the cells (and so of the grid calamine builds):
# elements with a namespace prefix; a cell without attributes or whose "r" is not its first.
_CELLS_HIDDEN = (
    re.compile(rb":(?:c|row|sheetData|si|r|t|is|v|f)[\s/>]"),
    re.compile(rb"<c[>/\t\n\r]"),
)
# What calamine reads otherwise than openpyxl: a date typed as text; text without
# xml:space="preserve" that starts or ends with white space (calamine trims it, openpyxl keeps
# it). An error value ("#N/A", which calamine drops and openpyxl keeps) is put back into
# calamine's grid instead (`_error_cells`): one VLOOKUP's "#N/A" would make a 60,000-row
# workbook take a minute in openpyxl instead of five seconds.
_CALAMINE_DIFFERS = (
    re.compile(rb" t=\"d\""),
    re.compile(rb"<t(?:>(?:\s|&#|[^<]*[\s;]</t>)|\s(?![^>]*preserve))"),
)
_ROW_NUMBER = re.compile(rb"<row\b[^>]*?\sr=\"([0-9]{1,10})\"")
_COLUMN_LETTERS = re.compile(rb"<c r=\"([A-Z]{1,3})[1-9]")


# An error cell ("r" first, as `_calamine_bounded` makes sure): its row, column and content.
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*?\st="e"[^>/]*>(.*?)</c>',
                         re.DOTALL)


def _error_cells(archive: zipfile.ZipFile, index: int) -> list[tuple[int, int, str]] | None:
    """The error values ("#N/A", "#DIV/0!") of the sheet numbered `index` in the workbook's
    order, each with its row and column (from 1), as openpyxl reads them; None when the parts
    do not say which part that sheet is. Read a piece at a time, a cell cut by a piece's end
    carried over to the next."""
    try:
        parts = _sheet_parts(archive)
        if parts is None or not 0 <= index < len(parts):
            return None
        found, rest = [], b""
        for piece in _pieces(archive, archive.getinfo(parts[index][0])):
            buffer, end = rest + piece, 0
            for cell in _ERROR_CELL.finditer(buffer):
                value = _CELL_VALUE.search(cell.group(3))
                if value is not None:
                    found.append((int(cell.group(2)), _column_number(cell.group(1)),
                                  html.unescape(value.group(1).decode("utf-8", "replace"))))
                end = cell.end()
            cut = buffer.rfind(b"<c ", end)
            rest = buffer[cut:] if cut >= 0 and b" t=\"e\"" in buffer[cut:] else b""
        return found
    except (*_DAMAGED_ZIP, KeyError):
        return None


def _calamine_bounded(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> bool:
    """Whether, for each part calamine could take for a worksheet, the grid it builds is of a
    size bounded by the cells the part holds.

    Every part is looked at (calamine finds the sheets through the relationships, which may
    point anywhere), a piece at a time, no further than the size the part declares. A cell
    calamine places where its "r" says: every cell must have one, and none may lie beyond the
    highest row number the rows give or the widest column seen so far. Nor may the parts
    together hold more than MAX_MERGED_RANGES merged ranges, which calamine lists all at once."""
    merges = 0
    try:
        for member in members:
            cells, bottom, right = 0, 0, 0
            for piece in _pieces(archive, member):
                if any(pattern.search(piece) for pattern in _CELLS_HIDDEN):
                    return False
                merges += piece.count(b"mergeCell ")
                if merges > MAX_MERGED_RANGES:
                    return False  # calamine would keep them all; openpyxl's reader counts them
                tags = piece.count(b"<c ")
                if not tags:
                    continue
                if piece.count(b'<c r="') != tags:
                    return False
                cells += tags
                bottom = max(bottom, max(map(int, _ROW_NUMBER.findall(piece)), default=0))
                if right == 0 or _cell_beyond(piece, bottom, right):
                    right = max(right, max(map(_column_number, set(_COLUMN_LETTERS.findall(piece))),
                                            default=0))
                    if _cell_beyond(piece, bottom, right):
                        return False
            if cells and (bottom > EXCEL_MAX_ROWS or right > 16_384 or bottom * right > max(
                    _CALAMINE_SPARSENESS * cells, _CALAMINE_MIN_GRID)):
                return False
    except _DAMAGED_ZIP:
        return False
    return True


def _calamine_reads_alike(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> bool:
    """Whether no part holds a cell calamine would read otherwise than openpyxl."""
    try:
        return not any(pattern.search(piece) for member in members
                       for piece in _pieces(archive, member) for pattern in _CALAMINE_DIFFERS)
    except _DAMAGED_ZIP:
        return False


_DAMAGED_ZIP = (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError,
                NotImplementedError, zlib.error)


def _pieces(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """A part's bytes a few megabytes at a time, each piece ending before a start tag (so no
    tag, nor the text of a <t> element, is cut in two). Raises ValueError if the part holds more
    than it declares."""
    tail, left = b"", member.file_size
    with archive.open(member) as part:
        while True:
            chunk = part.read(min(_CALAMINE_PIECE, left + 1))
            left -= len(chunk)
            if left < 0:
                raise ValueError("more than declared")
            if not chunk:
                if tail:
                    yield tail
                return
            buffer = tail + chunk
            low = max(0, len(buffer) - MAX_CELL_BYTES - 64)
            cut = buffer.rfind(b"<", low)
            while cut >= 0 and buffer[cut + 1:cut + 2] == b"/":
                cut = buffer.rfind(b"<", low, cut)
            cut = len(buffer) if cut < 0 else cut
            tail = buffer[cut:]
            yield buffer[:cut]


def _cell_beyond(piece: bytes, bottom: int, right: int) -> bool:
    """Whether a cell of `piece` has an "r" that is not a plain reference (like "B12"), or lies
    below row `bottom` or right of column `right`."""
    pattern = (rb'<c r="(?:(?![A-Z]{1,3}[1-9][0-9]{0,6}")|(?:%s)[0-9]|[A-Z]+(?:%s)")'
               % (_above(_column_name(right), "A-Z"), _above(str(bottom), "0-9")))
    return re.search(pattern, piece) is not None


def _above(text: str, alphabet: str) -> bytes:
    """A pattern for the strings of `alphabet` ("A-Z" or "0-9", without a leading zero) that
    sort after `text` as numbers do: longer ones, or as long and greater at some position."""
    low, high = alphabet[0], alphabet[-1]
    first = "1" if low == "0" else low
    options = [f"[{first}-{high}][{alphabet}]{{{len(text)},}}"]
    for position, char in enumerate(text):
        if char < high:
            options.append(re.escape(text[:position]) + f"[{chr(ord(char) + 1)}-{high}]"
                           + f"[{alphabet}]{{{len(text) - position - 1}}}")
    return "|".join(options).encode()


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _detail(error: Exception) -> str:
    """' (what the parser said)' for a damaged file; nothing for a reader's own failure, whose
    words ('NoneType' object has no attribute …) would mean nothing to the person."""
    if isinstance(error, AttributeError | TypeError | KeyError | IndexError | AssertionError
                  | RecursionError):
        return ""
    return f" ({_first_line(error)})"


def _password_protected() -> ImportProblem:
    return ImportProblem("The workbook is protected with a password, so it cannot be read. "
                         "Open it in Excel, remove the password (File › Info › Protect "
                         "Workbook), save it and upload it again, or export the leads as CSV.")


def _cell_text(value: object, decimal: str = ".") -> str | None:
    """A cell as the text a CSV export of it would hold, a fraction written with `decimal`."""
    if type(value) is str:  # most cells: first, and without str() of it
        return value if value.strip() else None
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", decimal)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ").removesuffix(" 00:00:00")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else None


# --- helpers -----------------------------------------------------------------------------------

def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):,.0f} MB" if n >= 10 * 1024 * 1024 else \
            f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:,.0f} KB"
    return f"{n:,} bytes"


def _first_line(error: object) -> str:
    return str(error).strip().splitlines()[0][:200] if str(error).strip() else "unknown error"
