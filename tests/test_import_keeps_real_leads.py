"""Real leads that only look like what a spreadsheet's user adds around a table stay leads.

A last account called "Media 24" or "Max 3D", a contact whose first name is Max, a German row
with a date, a short list whose last numbers happen to add up, a two-column list with a note in
a third column: each test writes such a file (CSV or XLSX, fixed seed), reads it with plain
pandas, and checks the import holds the same rows under the same header. A ragged last line of a
lead stays the clear error it was.
"""
from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workshop.importer import ImportProblem
from workshop.pipeline import import_leads

ACCOUNTS = ["Account Name", "Employees", "Annual Revenue", "Industry", "Billing Country"]


def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [["" if value is None else value for value in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([int(value) if isinstance(value, str) and value.isdigit() else value
                      for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _file(kind: str, rows: list[list]) -> bytes:
    return _xlsx(rows) if kind == "xlsx" else _csv(rows)


def _pandas(data: bytes, kind: str, header: int = 0) -> pd.DataFrame:
    """The file as plain pandas reads it: text cells, blank rows left out."""
    if kind == "xlsx":
        frame = pd.read_excel(io.BytesIO(data), header=header, dtype=str, engine="openpyxl")
    else:
        frame = pd.read_csv(io.BytesIO(data), header=header, dtype=str)
    return frame.dropna(how="all").reset_index(drop=True)


def _accounts(n: int, seed: int = 7) -> list[list]:
    rng = np.random.default_rng(seed)
    return [[f"Acme {i} GmbH", str(int(rng.choice([15, 80, 250, 1200, 5000]))),
             str(int(rng.choice([500_000, 9_000_000]))),
             str(rng.choice(["Manufacturing", "Retail", "Software"])),
             str(rng.choice(["Germany", "France", "United States"]))] for i in range(n)]


def _assert_same(imported, truth: pd.DataFrame, key: str) -> None:
    assert list(imported.raw.columns)[:len(truth.columns)] == list(truth.columns)
    assert imported.raw[key].astype(str).tolist() == truth[key].tolist()


LOOKALIKES = ["Media 24", "Max", "Max 3D", "Sum of Us", "Media de Comunicación", "Mean",
              "Total Contacts", "Median 7 Ltd", "Ø"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("name", LOOKALIKES)
def test_a_last_account_named_like_an_aggregate_stays_a_lead(name, kind):
    """The last account of a report has only its name and employees filled."""
    rows = [ACCOUNTS, *_accounts(60), [name, "12000", None, None, None]]
    data = _file(kind, rows)
    truth = _pandas(data, kind)
    imported = import_leads(data, f"accounts.{kind}")
    _assert_same(imported, truth, "Account Name")
    assert imported.leads["employees"].sum() == pd.to_numeric(truth["Employees"]).sum()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_contact_called_max_with_a_phone_stays_a_lead(kind):
    header = ["First Name", "Last Name", "Phone", "Email", "Company", "Employees"]
    rng = np.random.default_rng(3)
    rows = [[f"Anna{i}", f"Lee{i}", f"+49 30 {int(rng.integers(10**6, 10**7))}",
             f"a{i}@example.com", f"Firm {i}", str(int(rng.choice([20, 300, 2000])))]
            for i in range(40)]
    rows.append(["Max", None, "+49 170 1234567", None, None, "300"])
    data = _file(kind, [header, *rows])
    truth = _pandas(data, kind)
    _assert_same(import_leads(data, f"people.{kind}"), truth, "First Name")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("last", [["5099", "Max", None, None, None, None, "15.04.2024"],
                                  ["5099", None, None, None, "Total", "12", "15.04.2024"]])
def test_a_date_is_no_figure_beside_an_aggregate_word(last, kind):
    header = ["Lead-ID", "Vorname", "Nachname", "E-Mail", "Firma", "Mitarbeiter", "Erstellt am"]
    rows = [[str(5000 + i), f"Anna{i}", f"S{i}", f"a{i}@x.de", f"Firma {i}", str(10 + i),
             f"0{1 + i % 9}.03.2024"] for i in range(30)]
    data = _file(kind, [header, *rows, last])
    truth = _pandas(data, kind)
    _assert_same(import_leads(data, f"leads.{kind}"), truth, "Lead-ID")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_lead_named_media_24_above_a_user_total_stays_and_the_total_goes(kind):
    leads = [[f"Acme {i}", str(10 * (i + 1)), "500000", "Retail", "Germany"]
             for i in range(20)] + [["Media 24", "500", None, None, None]]
    total = sum(int(row[1]) for row in leads)
    data = _file(kind, [ACCOUNTS, *leads, ["Total", str(total), None, None, None]])
    truth = _pandas(data, kind).iloc[:-1]  # the Total row the user added
    assert truth["Account Name"].iloc[-1] == "Media 24"
    _assert_same(import_leads(data, f"accounts.{kind}"), truth, "Account Name")


TINY = {
    "ten_twenty_thirty_sixty": (["Email", "Company", "Employees"],
                                [["a@a.com", "A", "10"], ["b@b.com", "B", "20"],
                                 ["c@c.com", "C", "30"], [None, None, "60"]]),
    "ids_that_add_up": (["Record ID", "Email", "Employees"],
                        [["1", "a@a.com", "10"], ["2", "b@b.com", "20"], ["3", None, "30"]]),
    "constant_columns": (["Email", "Employees", "Revenue"],
                         [["a@a.com", "50", "1000"], ["b@b.com", "50", "1000"],
                          ["c@c.com", "50", "1000"], [None, "50", "1000"]]),
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("shape", list(TINY))
def test_a_short_list_whose_last_numbers_add_up_keeps_its_last_lead(shape, kind):
    header, rows = TINY[shape]
    data = _file(kind, [header, *rows])
    truth = _pandas(data, kind)
    imported = import_leads(data, f"list.{kind}")
    assert len(imported.raw) == len(truth) == len(rows)
    assert imported.raw["Employees"].astype(str).tolist() == truth["Employees"].tolist()


def test_a_ragged_last_line_of_a_lead_is_still_a_clear_error():
    rows = [[f"Acme {i}", str(10 * i), "500000", "Retail", "Germany"] for i in range(1, 21)]
    data = _csv([ACCOUNTS, *rows]) + b"Media 24,12000\r\n"
    assert len(pd.read_csv(io.BytesIO(data), dtype=str)) == 21  # pandas keeps it, padded
    with pytest.raises(ImportProblem, match="Row 22 has 2 values but the header has 5"):
        import_leads(data, "accounts.csv")


TWO_COLUMN_LISTS = {
    "blank_row_then_a_note": [["Company", "Contact"], ["Acme GmbH", "Anna Schmidt"],
                              ["Beta AG", "Ben Ott"], ["Gamma SE", "Carl Frey"], [None, None],
                              ["Delta KG", "Dora Lang", "called, wants demo"],
                              ["Epsilon", "Eva Roth"], ["Zeta", "Zoe Kim"]],
    "a_note_without_blank_row": [["Company", "Contact"], ["Acme GmbH", "Anna Schmidt"],
                                 ["Beta AG", "Ben Ott"], ["Gamma SE", "Carl Frey"],
                                 ["Delta KG", "Dora Lang", "called, wants demo"],
                                 ["Epsilon", "Eva Roth"], ["Zeta", "Zoe Kim"]],
    "name_email_then_a_wider_row": [["Name", "Email"], ["Anna", "anna@a.com"],
                                    ["Ben", "ben@b.com"], [None, None],
                                    ["Carl Frey", "Frey Consulting", "met at trade fair"],
                                    ["Dora", "dora@d.com"]],
}


@pytest.mark.parametrize("shape", list(TWO_COLUMN_LISTS))
def test_a_two_column_list_keeps_its_header_over_a_wider_row(shape, xlsx_reader):
    rows = TWO_COLUMN_LISTS[shape]
    data = _xlsx(rows)
    truth = _pandas(data, "xlsx")
    imported = import_leads(data, "list.xlsx")
    assert list(imported.raw.columns)[:2] == rows[0]
    assert imported.raw[rows[0][0]].tolist() == truth[rows[0][0]].tolist()


def test_a_header_naming_years_under_a_title_block_is_the_header(xlsx_reader):
    rows = [["Pipeline Report"], ["Filtered By:", "Owner equals Sales"], [None],
            ["Company", "Email", "2023", "2024"], ["Acme", "a@a.com", 10, 20],
            ["Beta", "b@b.com", 5, 8]]
    data = _xlsx(rows)
    truth = _pandas(data, "xlsx", header=3)
    imported = import_leads(data, "pipeline.xlsx")
    assert list(imported.raw.columns) == [str(name) for name in truth.columns] == rows[3]
    assert imported.raw["Company"].tolist() == truth["Company"].tolist()


def test_a_row_of_excel_empty_texts_is_blank_and_wrapped_headers_read_as_shown():
    data = (b'="Email",="Company",="Employees"\r\n="a@a.com",="Acme",="50"\r\n'
            b'="",="",=""\r\n="b@b.com",="Beta",="200"\r\n')
    truth = pd.read_csv(io.BytesIO(data), dtype=str).map(
        lambda value: value[2:-1] if isinstance(value, str) else value)
    truth.columns = [name[2:-1] for name in truth.columns]
    truth = truth.replace("", None).dropna(how="all").reset_index(drop=True)
    imported = import_leads(data, "leads.csv")
    assert list(imported.raw.columns) == list(truth.columns) == ["Email", "Company",
                                                                  "Employees"]
    assert imported.raw["Email"].tolist() == truth["Email"].tolist()
    assert len(imported.raw) == 2
