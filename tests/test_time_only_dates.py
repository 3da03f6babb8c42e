"""A workbook's date cell holding 0 (Excel shows "00/01/1900 00:00") arrives as the bare time
"00:00:00", which pandas puts on today's date: 36 such leads were "created today", stretching
an export of 2024–2025 to December 2026 and halving the leads a month. A time alone names no
day: it is no created date."""
from __future__ import annotations

import io
import random
from datetime import datetime, timedelta

import pandas as pd
import pytest
from openpyxl import Workbook

from workshop.definition import Criterion, Definition
from workshop.leads import parse_date
from workshop.measure import measure
from workshop.pipeline import import_leads


def workbook(seed: int = 4) -> tuple[bytes, list[datetime | None], list[str]]:
    rng = random.Random(seed)
    book = Workbook()
    sheet = book.active
    sheet.append(["Email", "Industry", "Created Date"])
    dates, industries = [], []
    for i in range(1_200):
        industry = rng.choice(["Software", "Retail", "Energy"])
        if i % 33 == 5:
            created = None
            sheet.append([f"p{i}@firm{i}.de", industry, 0])  # day 0, formatted as a date
        else:
            created = datetime(2024, 1, 1) + timedelta(days=rng.randrange(540),
                                                       minutes=rng.randrange(1440))
            sheet.append([f"p{i}@firm{i}.de", industry, created])
        sheet.cell(row=i + 2, column=3).number_format = "dd/mm/yyyy hh:mm"
        dates.append(created)
        industries.append(industry)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), dates, industries


def test_a_day_zero_cell_is_no_created_date(xlsx_reader):
    data, dates, industries = workbook()
    leads = import_leads(data, "leads.xlsx").leads
    read = [None if pd.isna(v) else v.to_pydatetime().replace(microsecond=0)
            for v in leads["created"]]
    assert read == [None if d is None else d.replace(microsecond=0) for d in dates]

    frame = pd.DataFrame({"created": pd.to_datetime(pd.Series(dates)), "industry": industries})
    dated = frame.dropna()
    first, last = dated["created"].min().normalize(), dated["created"].max().normalize()
    software = Definition(criteria=[Criterion(field="industry", op="in", values=["Software"])])
    figures = measure(leads, software)
    assert figures.days == (last - first).days + 1
    assert figures.months == len(pd.period_range(first, last, freq="M"))


@pytest.mark.parametrize("text", ["00:00:00", "12:30", "9:05 pm", "23:59:59.5"])
def test_a_time_alone_reads_as_no_date(text):
    assert parse_date(pd.Series([text, "2025-03-01 10:00"])).isna().tolist() == [True, False]
