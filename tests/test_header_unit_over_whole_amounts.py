"""'Annual Revenue ($M)' over cells that hold whole dollars: Excel shows 12,000,000 as "$12.0"
through a number format ('"$"#,##0.0,,'), so the header says millions while the cells do not.
The header's unit made every company a million times larger ($12 trillion) and every revenue
rule qualified nobody. A unit that would make the typical company turn over $100 billion or
more is not taken from the header; over cells that do hold millions it still is. Expected
figures are worked out here from the values written; the rules SQL runs in DuckDB."""
from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from tests.builders import C, D
from tests.rules_in_duckdb import sql_stages
from workshop import rules
from workshop.evaluate import evaluate
from workshop.mapping import Mapping, refit
from workshop.pipeline import import_leads

HEADER = "Annual Revenue ($M)"
MILLIONS = [12, 450, 1.5, 80, 3, 0.4, 9.5, 25]  # what Excel shows under the header


def workbook(whole: bool) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Lead ID", "Company", HEADER, "Lead Status"])
    for number, shown in enumerate(MILLIONS * 25):
        sheet.append([f"L{number}", f"Co {number}", shown * 1_000_000 if whole else shown,
                      ["Won", "Lost"][number % 2]])
        if whole:
            sheet.cell(number + 2, 3).number_format = '"$"#,##0.0,,'
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def at_least_ten_million() -> list[bool]:
    return [shown * 1_000_000 >= 10_000_000 for shown in MILLIONS * 25]


@pytest.mark.parametrize("whole", [True, False], ids=["whole dollars", "millions"])
def test_the_workbook_reads_what_excel_shows(whole):
    imported = import_leads(workbook(whole), "pipeline.xlsx")
    assert imported.mapping.units == ({} if whole else {HEADER: 1e6})
    revenue = imported.leads["annual_revenue"].tolist()
    assert revenue == [shown * 1_000_000 for shown in MILLIONS * 25]
    definition = D(C("annual_revenue", "at_least", low=10_000_000, role="must", gate="mql"))
    stages = evaluate(imported.leads, definition).frame["stage"].astype(str)
    assert (stages != "Not qualified").tolist() == at_least_ten_million()


def test_the_rules_sql_reads_whole_dollars_under_the_header_as_the_app(tmp_path):
    rows = [f"Co {number},{shown * 1_000_000:.0f},Closed Won"
            for number, shown in enumerate(MILLIONS * 25)]
    text = f'Company,"{HEADER}",Deal Stage\n' + "\n".join(rows) + "\n"
    imported = import_leads(text.encode(), "re-export.csv")
    assert imported.mapping.units == {}
    definition = D(C("annual_revenue", "at_least", low=10_000_000, role="must", gate="mql"))
    path = tmp_path / "re-export.csv"
    path.write_text(text)
    sql = rules.definition_sql(definition, leads=imported.leads,
                               mapping=imported.mapping).decode()
    stages = sql_stages(path, sql, 'CAST(substr("Company", 4) AS INTEGER)')
    assert [stage != "Not qualified" for stage in stages] == at_least_ten_million()
    assert len(pd.read_csv(io.StringIO(text))) == len(rows)


def test_a_saved_unit_from_the_header_is_dropped_for_an_export_of_whole_dollars():
    """The first export held millions; the next one, under the same header, whole dollars."""
    first = import_leads(workbook(False), "q1.xlsx")
    assert first.mapping.units == {HEADER: 1e6}
    later = import_leads(workbook(True), "q2.xlsx")
    fitted = refit(Mapping.from_json(first.mapping.to_json()), later.raw)
    assert fitted.units == {}
