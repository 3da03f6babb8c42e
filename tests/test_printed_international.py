"""What a company that is not English-speaking gets printed and exported: a shortened points
table that says what it left off, signers written right to left beside their team in order,
headings in the direction of their script, no invisible marks in spreadsheets, names keeping
their joiners, and a backup whose file name a disk can hold."""
from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pypdfium2 as pdfium

from workshop import backup, export, pdf, rules, store
from workshop.definition import Definition
from workshop.lead_export import lead_reasons
from workshop.pipeline import import_leads
from workshop.text import FIRST_STRONG_ISOLATE, POP_ISOLATE, isolated

MARKS = re.compile("[\u2066-\u2069\u202a-\u202e]")


def _pdf_text(data: bytes) -> str:
    return pdfium.PdfDocument(io.BytesIO(data))[0].get_textpage().get_text_range()


def test_a_cut_points_table_ends_with_what_the_rest_are_worth():
    nice = [{"field": f"Źródło kampanii {i}", "op": "in", "values": [f"Kampania nr {i}"],
             "role": "nice", "points": 5 + i % 3} for i in range(40)]
    definition = Definition.from_dict({"criteria": nice, "threshold": 150})
    page = export.one_pager(definition, company="Przykład Sp. z o.o.", title="Idealny lead",
                            facilitator="Ewa", agreed_by=[], agreed_at=None, version=1)
    text = _pdf_text(pdf.to_pdf(page).pdf)
    points_part = text.split("WHAT EARNS POINTS")[1].split("A lead needs")[0]
    shown = re.findall(r"Źródło kampanii (\d+) is", points_part)
    more = re.search(r"…and (\d+) more that earn points\s*\+(\d+)", points_part)
    assert more, points_part[-300:]
    left_off = [c for c in nice if c["field"].rsplit(" ", 1)[1] not in shown]
    assert int(more.group(1)) == len(left_off) == 40 - len(shown) > 0
    assert int(more.group(2)) == sum(c["points"] for c in left_off)


def test_a_right_to_left_signer_stays_before_their_team():
    page = export.one_pager(Definition(), company="Acme", title="ICP", facilitator="Dana",
                            agreed_by=["מיה כהן for Marketing", "Sol Díaz for Sales"],
                            agreed_at=None, version=1)
    assert page.agreed_by_text == f"{isolated('מיה כהן')} for Marketing and Sol Díaz for Sales"
    html = export.to_html(page)
    inside = re.findall(f"{FIRST_STRONG_ISOLATE}(.*?){POP_ISOLATE}", html)
    assert "מיה כהן" in inside and not any("Marketing" in part for part in inside)


def test_headings_take_the_direction_of_their_script():
    page = export.one_pager(Definition(), company="شركة ABC للتجارة", title="العميل XYZ المثالي",
                            facilitator="Dana", agreed_by=[], agreed_at=None, version=1)
    html = export.to_html(page)
    assert re.search(r'<h1 id="company"[^>]*dir="auto"', html)
    assert re.search(r'<p class="subtitle[^"]*"[^>]*dir="auto"', html)


def test_spreadsheets_get_no_invisible_direction_marks():
    definition = Definition.from_dict({"criteria": [
        {"field": "country", "op": "in", "values": ["ישראל", "France"], "role": "must"},
        {"field": "industry", "op": "in", "values": ["برمجيات"], "role": "nice", "points": 10}],
        "threshold": 10})
    table = list(csv.DictReader(io.StringIO(rules.points_csv(definition).decode("utf-8-sig"))))
    assert table and not any(MARKS.search(value) for row in table for value in row.values())
    assert any("برمجيات" in value for row in table for value in row.values())
    export_text = "Email,Country,Industry\na@x.example,France,برمجيات\nb@x.example,Japan,Retail\n"
    leads = import_leads(export_text.encode(), "leads.csv").leads
    reasons = lead_reasons(leads, definition)
    assert not reasons.str.contains(MARKS).any()
    assert reasons.str.contains("ישראל").any()


def test_names_keep_their_joiners_and_lose_other_invisible_characters():
    assert store.clean_text("شركة نرم\u200cافزاری", "company") == "شركة نرم\u200cافزاری"
    assert store.clean_text("Team 👩\u200d💼", "name") == "Team 👩\u200d💼"
    assert store.clean_text("Evil\u202egnp.exe\u200b", "name") == "Evilgnp.exe"


def test_a_long_company_name_makes_a_backup_name_a_disk_can_hold(session):
    company = "株式会社" * 24 + "東京"  # 98 characters, 294 bytes in UTF-8
    workshop, _ = store.create_workshop(session, company=company, title="リード",
                                        facilitator_name="佐藤")
    name = backup.backup_filename(session, workshop.id)
    assert name.endswith("-backup.json") and len(name.encode()) <= 255
    assert name.startswith("株式会社")
    assert pd.Series([name]).str.len().iloc[0] > len("-backup.json")
