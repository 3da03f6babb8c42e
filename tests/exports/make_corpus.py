"""Write the small export files that tests/test_importer.py reads. Run from anywhere:

    python tests/exports/make_corpus.py

Each file imitates one shape real CRM exports take (see /work/shared/reference or the README of
the import). The output is deterministic, so re-running it changes nothing in git.
"""
from __future__ import annotations

import datetime
import io
import re
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)


def write(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
    (HERE / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))


def lines(*rows: str, end: str = "\r\n") -> str:
    return end.join(rows) + end


HUBSPOT = lines(
    "Record ID,First Name,Last Name,Email,Company Name,Industry,Number of Employees,"
    "Annual Revenue,Country/Region,Job Title,Lifecycle Stage,Create Date",
    "1200028,Mark,O'Brien,mark.obrien@granitefield.com,Granitefield Technologies,Software,"
    "\"1,001-5,000\",346930000,United States,VP Finance,Lead,2025-11-01 09:07",
    "1200060,Neha,Hill,nhill@graniteview.com,Graniteview Agency,Public Sector,397,35740000,"
    "Netherlands,Accounting Manager,Marketing Qualified Lead,2025-11-01 10:02",
    "1200094,Rahul,Bakker,rbakker@lakestone.nl,Lakestone Financial,Financial Services,11-50,,"
    "Netherlands,IT Director,,2025-11-01 10:37",
)


def csv_files() -> None:
    write("hubspot_contacts.csv", HUBSPOT)
    write("hubspot_bom.csv", b"\xef\xbb\xbf" + HUBSPOT.encode())
    write("salesforce_api.csv", lines(
        "Id,FirstName,LastName,Company,Title,Email,LeadSource,Status,Industry,AnnualRevenue,"
        "NumberOfEmployees,Country,IsConverted,CreatedDate",
        "00Q5g00000AbCdE,Ana,Souza,Acme Ltda,CFO,ana@acme.com.br,Web,Open - Not Contacted,"
        "Manufacturing,25000000,250,Brazil,false,2025-03-04T10:15:00.000Z",
        "00Q5g00000AbCdF,Tom,Reed,Globex,Controller,tom@globex.com,Partner Referral,"
        "Closed - Converted,Retail,1.5E7,1200,United States,true,2025-03-05T16:40:12.000Z",
    ))
    write("european_semicolon.csv", lines(
        "Firma;Branche;Mitarbeiter;Umsatz (EUR);Budget;Land",
        "Müller GmbH;Manufacturing;250;1.234.567,89;50000,00;Germany",
        "Dupont SA;Retail;80;980000,5;12500,50;France",
        "Jansen BV;Logistics;1200;15.000.000,00;;Netherlands",
    ))
    write("latin1_accents.csv", lines(
        "Company,City,Country,Contact",
        "Société Générale Conseil,Paris,France,Hélène Côté",
        "Zürcher Kantonalbank,Zürich,Switzerland,Jürg Müller",
        "Señor Datos SL,Málaga,Spain,José Núñez",
    ), encoding="latin-1")
    write("tab_separated.tsv", lines(
        "Email\tCompany\tEmployees\tAnnual Revenue",
        "a@x.com\tAlpha, Inc.\t120\t$1.5M",
        "b@y.com\tBeta; Gamma\t45\t850K",
    ))
    write("pipe_separated.csv", lines(
        "email|company|numemployees|annualrevenue|country",
        "c@z.io|Zeta, Ltd|51-200|10M-50M|United Kingdom",
        "d@w.io|Omega|5000|2.5e6|Canada",
    ))
    write("quoted_multiline.csv", lines(
        "Email,Company,Notes,Job Title",
        'e@q.com,"Quote, Comma & Co","Said ""call me"" in Q3,\nthen went quiet",'
        '"Head of Finance, EMEA"',
        'f@q.com,Plain Co,"Line one\r\nLine two",CFO',
    ))
    write("linkedin_buckets.csv", lines(
        "Company,Company size,Annual Revenue",
        'A,1-10,"$1.5M"',
        'B,"501-1,000","1,500,000"',
        'C,"10,001+",10M-50M',
        "D,51-200,€2bn",
    ))
    write("placeholders.csv", lines(
        "Email,Industry,Lead Source,Country/Region",
        "g@p.com,--None--,Select,N/A",
        "h@p.com,-,unknown,",
        "i@p.com,Software,ORGANIC_SEARCH,Germany",
    ))
    write("booleans.csv", lines(
        "Email,Demo Requested,Do Not Call,Opted Out",
        "j@b.com,Yes,TRUE,1",
        "k@b.com,No,false,0",
        "l@b.com,checked,,Y",
        "m@b.com,,FALSE,n",
    ))
    write("dates.csv", lines(
        "Email,Create Date,Last Activity Date,Became a Lead Date",
        "n@d.com,2025-11-01 09:07,01/11/2025,2025-11-01T09:07:00Z",
        "o@d.com,2025-12-31,11/30/2025 5:45 PM,1 Dec 2025",
    ))
    write("duplicate_headers.csv", lines(
        " Email , Email ,Phone,,Phone Number,email",
        "p@h.com,p2@h.com,+1 555,blank header,555-0100,p3@h.com",
    ))
    write("ragged_row.csv", lines(
        "Email,Company,Industry,Employees,Country",
        "q@r.com,Alpha,Software,10,France",
        "r@r.com,Beta,Retail,20,Spain",
        "s@r.com,Gamma,Media,1,000,Germany,extra",
        "t@r.com,Delta,Energy,40,Sweden",
    ))
    write("unclosed_quote.csv", lines(
        "Email,Company,Notes",
        'u@c.com,Alpha,"never closed',
        "v@c.com,Beta,fine",
    ))
    write("blank_rows.csv", lines(
        "Email,Company,Country",
        "w@b.com,Alpha,France",
        ",,",
        "",
        " , ,  ",
        "x@b.com,Beta,Spain",
        ",,",
    ))
    write("excel_sep_hint.csv", lines(
        "sep=;",
        "Email;Company;Amount",
        "y@s.com;Alpha;1,5",
        "z@s.com;Beta;2,75",
    ))
    write("single_column.csv", lines("Email", "a1@one.com", "a2@one.com"))
    write("header_only.csv", lines("Email,Company,Industry"))
    write("empty.csv", b"")
    write("whitespace_only.csv", " \r\n\t\r\n   \n")
    write("png_renamed.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
          + bytes(range(256)) * 4)
    write("control_garbage.csv", bytes((i * 37 + 11) % 32 for i in range(2048)).replace(
        b"\x00", b"\x01"))
    write("utf16_unicode_text.txt", "\ufeff".encode("utf-16-le") + lines(
        "Email\tCompany\tCity", "b1@u.com\tSociété Générale\tZürich",
        "b2@u.com\tМосква Ltd\tМосква",
    ).encode("utf-16-le"))
    header = ",".join(f"Field {i}" for i in range(1, 2002))
    write("too_many_columns.csv", lines(header, ",".join("x" for _ in range(2001))))
    write("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def workbook_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["Email", "Employees", "Annual Revenue", "Created", "Demo Requested",
                  "Email", None])
    sheet.append(["c1@x.com", 250, 1500000.0, datetime.datetime(2025, 11, 1, 9, 7), True,
                  "c1b@x.com", None])
    sheet.append([None, None, None, None, None, None, None])
    sheet.append(["c2@x.com", 12.5, "$1.5M", datetime.date(2025, 12, 31), False, None,
                  "no header"])
    book.properties.created = datetime.datetime(2025, 1, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return _rezip(buffer.getvalue())


def _rezip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """The same zip with fixed timestamps (deterministic), optionally some parts replaced."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = (replace or {}).get(info.filename, source.read(info.filename))
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-01-01T00:00:00Z",
                              body)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), body,
                            compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """Patch the central directory so `member` claims to unpack to `size` bytes."""
    raw = bytearray(data)
    name = member.encode()
    at = raw.find(b"PK\x01\x02" + b"\x00" * 0)
    while at != -1:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46:at + 46 + name_len] == name:
            struct.pack_into("<I", raw, at + 24, size)
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise LookupError(member)


def xlsx_files() -> None:
    good = workbook_bytes()
    write("workbook.xlsx", good)
    write("zip_bomb_declared.xlsx", declare_size(good, "xl/worksheets/sheet1.xml", 0xFFFF0000))
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    padded = sheet.replace(b"</worksheet>", b"<!--" + b" " * (8 * 1024 * 1024) + b"-->"
                           + b"</worksheet>")
    write("zip_bomb_ratio.xlsx", _rezip(good, {"xl/worksheets/sheet1.xml": padded}))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("leads.csv", FIXED_ZIP_TIME), HUBSPOT)
    write("zipped_csv.xlsx", out.getvalue())
    write("truncated.xlsx", good[: len(good) // 2])


if __name__ == "__main__":
    csv_files()
    xlsx_files()
    total = sum(p.stat().st_size for p in HERE.iterdir() if p.name != "make_corpus.py")
    print(f"{len(list(HERE.iterdir())) - 1} files, {total:,} bytes")
