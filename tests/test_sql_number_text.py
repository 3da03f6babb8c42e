"""The rules SQL run over the raw CRM export: number columns hold text as the CRM wrote it
('480,000', '£45,000.00', '1.234,56 €', "1'234.50", '$1.2M', 'n/a'), and the SQL reads each
cell as the import did (its decimal mark, its unit), a cell that is no number as unknown.

Every export here is built from numbers drawn with a fixed seed and written the way the CRM
writes them; each lead's stage and points are worked out in the test from those numbers, and
the app (`workshop.evaluate`), DuckDB and PostgreSQL must all agree with them."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads

ROWS = 150
PLACEHOLDERS = ("", "", "n/a", "TBD", "unknown", "-")


def _grouped(number: float, decimals: int, thousands: str, mark: str) -> str:
    """`number` written with `decimals` places, `thousands` between groups and `mark`."""
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", mark).replace("\x00", thousands)


@dataclass
class Column:
    header: str
    write: object  # number -> the cell's text
    low: float
    high: float
    unit: float = 1.0  # what the header says the values count in ('Tsd.': 1000)
    whole: bool = False


@dataclass
class Export:
    name: str
    delimiter: str
    id_header: str
    columns: tuple[Column, Column, Column]  # a must-have, a nice-to-have, the SQL gate
    text_columns: bool = False  # DuckDB would read the file's '1.200' as 1.2: loaded as text

    def rows(self) -> tuple[list[list[str]], list[list[float | None]]]:
        """The cells as written, and the numbers they stand for (None: no number)."""
        rng = random.Random(f"{self.name}-31")
        cells, numbers = [], []
        for i in range(ROWS):
            row, meant = [str(1000 + i)], []
            for column in self.columns:
                if rng.random() < 0.12:
                    row.append(rng.choice(PLACEHOLDERS))
                    meant.append(None)
                    continue
                value = rng.uniform(column.low, column.high)
                value = float(round(value)) if column.whole else round(value, 2)
                row.append(column.write(value))
                meant.append(value * column.unit)
            cells.append(row)
            numbers.append(meant)
        return cells, numbers

    def data(self) -> tuple[bytes, list[list[float | None]]]:
        cells, numbers = self.rows()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow([self.id_header, *(c.header for c in self.columns)])
        writer.writerows(cells)
        return out.getvalue().encode("utf-8"), numbers


EXPORTS = [
    Export("pipedrive_eur.csv", ",", "Deal - ID", (
        Column("Organization - Number of employees", lambda v: f"{v:.0f}", 1, 400, whole=True),
        Column("Monthly GMV (EUR)", lambda v: _grouped(v, 0, ",", "."), 5_000, 900_000,
               whole=True),
        Column("Deal - Value", lambda v: _grouped(v, 2, ",", "."), 100, 40_000))),
    Export("close_uk.csv", ",", "id", (
        Column("custom.Employees", lambda v: _grouped(v, 0, ",", "."), 1, 3_000, whole=True),
        Column("custom.Budget", lambda v: "£" + _grouped(v, 2, ",", "."), 100, 90_000),
        Column("opportunity_value", lambda v: f"£{v:,.2f}", 100, 20_000))),
    Export("hubspot_de.csv", ";", "Datensatz-ID", (
        Column("Mitarbeiter", lambda v: _grouped(v, 0, ".", ","), 1, 5_000, whole=True),
        Column("Umsatz (Tsd. €)", lambda v: _grouped(v, 2, ".", ",") + " €", 50, 9_000,
               unit=1000.0),
        Column("Budget", lambda v: "EUR " + _grouped(v, 2, ".", ","), 100, 60_000)),
        text_columns=True),
    Export("swiss_crm.csv", ",", "Lead ID", (
        Column("Employees", lambda v: f"{v:.0f}", 1, 500, whole=True),
        Column("Budget (CHF)", lambda v: _grouped(v, 2, "'", "."), 500, 50_000),
        Column("Deal Amount", lambda v: "CHF " + _grouped(v, 0, "'", "."), 500, 80_000,
               whole=True))),
    Export("us_accounts.csv", ",", "Record ID", (
        Column("Number of Employees", lambda v: _grouped(v, 0, ",", "."), 1, 5_000, whole=True),
        Column("Annual Revenue", lambda v: f"${v / 1e6:.1f}M" if v >= 1e6 else f"${v / 1e3:.0f}K",
               200_000, 9_000_000, whole=True),
        Column("Amount", lambda v: f"${v:,.2f}", 100, 30_000))),
    # HubSpot revenue typed by hand in millions, some by German colleagues ("€3,2 Mio",
    # "€1.234,5 Mio") in an export of decimal points: a comma with one digit after it is a
    # decimal comma, not a thousands separator (it was read as 32 million).
    Export("hubspot_mixed_millions.csv", ",", "Record ID", (
        Column("Number of Employees", lambda v: f"{v:,.0f}", 1, 5_000, whole=True),
        Column("Annual Revenue", lambda v: _millions(v), 200_000, 3e9, whole=True),
        Column("Amount", lambda v: f"${v:,.2f}", 100, 30_000))),
    Export("linkedin_buckets.csv", ",", "Lead ID", (
        Column("Company size", lambda v: _bucket(EMPLOYEE_BUCKETS, v), 1, 20_000, whole=True),
        Column("Annual revenue", lambda v: _bucket(REVENUE_BUCKETS, v), 0, 2e8, whole=True),
        Column("Amount", lambda v: f"${v:,.2f}", 100, 30_000))),
]


# LinkedIn's and HubSpot's size and revenue buckets, each with what it stands for: a range its
# middle, an open bucket its bound ("10,001+", "Over $50M"), "Under $1M" the middle of 0 and
# $1M. The low end of "$10-50M" is in the high end's unit.
EMPLOYEE_BUCKETS = ((1, 10, "1-10", 5.5), (11, 50, "11-50", 30.5),
                    (51, 200, "51-200 employees", 125.5), (201, 500, "201 to 500", 350.5),
                    (501, 1_000, "501-1,000", 750.5), (1_001, 5_000, "1,001-5,000", 3_000.5),
                    (5_001, 10_000, "5,001-10,000", 7_500.5), (10_001, 20_000, "10,001+", 10_001))
REVENUE_BUCKETS = ((0, 999_999, "Under $1M", 500_000), (1e6, 4_999_999, "$1M-$5M", 3e6),
                   (5e6, 9_999_999, "$5M - $10M", 7.5e6), (1e7, 49_999_999, "$10-50M", 3e7),
                   (5e7, 2e8, "Over $50M", 5e7))


def _millions(value: float) -> str:
    """A revenue in millions with one decimal, written the three ways a team types it."""
    millions = round(value / 1e6, 1)
    if int(value) % 3 == 0:
        return f"{millions:.1f}M"
    german = f"{millions:,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"€{german} Mio" if int(value) % 3 == 1 else f"{german} Mio"


def _bucket(buckets, value: float) -> str:
    return next(text for low, high, text, _ in buckets if low <= value <= high)


def _meaning(buckets, text: str) -> float:
    return next(meant for _, _, written, meant in buckets if written == text)


def _written_numbers(export: Export) -> list[list[float | None]]:
    """What the cells stand for as written: a money figure in K or M counts as rounded, a
    bucket as what it stands for."""
    cells, numbers = export.rows()
    if export.name == "linkedin_buckets.csv":
        return [[None if meant[0] is None else _meaning(EMPLOYEE_BUCKETS, row[1]),
                 None if meant[1] is None else _meaning(REVENUE_BUCKETS, row[2]), meant[2]]
                for row, meant in zip(cells, numbers, strict=True)]
    if export.name == "hubspot_mixed_millions.csv":
        return [[meant[0], None if meant[1] is None else round(meant[1] / 1e6, 1) * 1e6,
                 meant[2]] for meant in numbers]
    if export.name != "us_accounts.csv":
        return numbers
    read = []
    for row, meant in zip(cells, numbers, strict=True):
        revenue = row[2]
        if meant[1] is not None:
            figure = float(revenue[1:-1]) * (1e6 if revenue.endswith("M") else 1e3)
            meant = [meant[0], figure, meant[2]]
        read.append(meant)
    return read


def _definition(export: Export, numbers: list[list[float | None]]) -> Definition:
    """A must-have range on the first column, points on the second, the SQL gate on the third,
    each bound at a median so every branch is taken."""
    def median(i: int) -> float:
        known = sorted(n[i] for n in numbers if n[i] is not None)
        return known[len(known) // 2]

    first, second, third = (c.header for c in export.columns)
    return Definition(criteria=[
        Criterion(field=first, op="between", low=median(0) / 4, high=median(0) * 2),
        Criterion(field=second, op="at_least", low=median(1), role="nice", points=20),
        Criterion(field=third, op="at_least", low=median(2), gate="sql"),
    ], actions=[Action(field=third, points=5)], threshold=20)


def _expected(definition: Definition, numbers: list[list[float | None]]):
    """Each lead's stage and points from the numbers its cells stand for, in plain Python."""
    must, nice, gate = definition.criteria
    stages, points = [], []
    for first, second, third in numbers:
        score = (20 if second is not None and second >= nice.low else 0) + \
            (5 if third is not None and third > 0 else 0)
        mql = first is not None and must.low <= first <= must.high and score >= 20
        sql = mql and third is not None and third >= gate.low
        stages.append("SQL" if sql else "MQL" if mql else "Not qualified")
        points.append(score)
    return stages, points


def _case(export: Export, tmp_path):
    data, _ = export.data()
    numbers = _written_numbers(export)
    path = tmp_path / export.name
    path.write_bytes(data)
    definition = _definition(export, numbers)
    imported = import_leads(data, export.name)
    app = evaluate(imported.leads, definition).frame
    expected = _expected(definition, numbers)
    # the app reads the file as its cells mean: the test's own working agrees with it
    assert app["stage"].astype(str).tolist() == expected[0]
    assert app["points"].tolist() == expected[1]
    sql = rules.definition_sql(definition, leads=imported.leads).decode().rstrip().rstrip(";")
    return path, data, sql, expected


def _duckdb_table(export: Export, path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    text = ", all_varchar = true" if export.text_columns else ""
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}'{text})")
    return connection


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.name)
def test_duckdb_reads_the_raw_exports_numbers_as_the_app(export, tmp_path):
    path, _, sql, (stages, points) = _case(export, tmp_path)
    connection = _duckdb_table(export, path)
    rows = connection.execute(
        f'SELECT lead_stage, lead_points FROM ({sql}) AS s ORDER BY "{export.id_header}"'
    ).fetchall()
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points
    assert {"MQL", "SQL", "Not qualified"} <= set(stages)


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.name)
def test_the_raw_money_columns_are_text_a_bare_cast_fails_on(export, tmp_path):
    """What the SQL used to do: CAST the column as it is, which stops at the first '480,000'."""
    path, _, _, _ = _case(export, tmp_path)
    connection = _duckdb_table(export, path)
    types = dict(connection.execute("SELECT column_name, column_type FROM "
                                    "(DESCRIBE leads)").fetchall())
    money = export.columns[1].header
    assert types[money] == "VARCHAR"
    with pytest.raises(duckdb.ConversionException):
        connection.execute(f'SELECT CAST("{money}" AS DOUBLE PRECISION) FROM leads').fetchall()


def _postgres_table(connection, export: Export, data: bytes) -> None:
    """The export copied as it is into text columns, as RevOps loads a CSV into PostgreSQL."""
    headers = [export.id_header, *(c.header for c in export.columns)]
    connection.execute("DROP TABLE IF EXISTS leads")
    connection.execute("CREATE TABLE leads ("
                       + ", ".join(f'"{h}" text' for h in headers) + ")")
    delimiter = export.delimiter.replace("'", "''")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY leads FROM STDIN WITH (FORMAT csv, HEADER true, "
                         f"DELIMITER '{delimiter}')") as copy:
            copy.write(data)


def test_postgresql_reads_the_raw_exports_numbers_as_the_app(postgres_url, tmp_path):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for export in EXPORTS:
            _, data, sql, (stages, points) = _case(export, tmp_path)
            _postgres_table(connection, export, data)
            money = export.columns[1].header
            with pytest.raises(psycopg.errors.InvalidTextRepresentation):
                connection.execute(f'SELECT CAST("{money}" AS DOUBLE PRECISION) FROM leads')
            rows = connection.execute(
                f'SELECT lead_stage, lead_points FROM ({sql}) AS s '
                f'ORDER BY CAST("{export.id_header}" AS integer)').fetchall()
            assert [r[0] for r in rows] == stages, export.name
            assert [int(r[1]) for r in rows] == points, export.name


def _typed(export: Export) -> pd.DataFrame:
    """The export as a database holds it once its number columns are numbers."""
    _, numbers = export.data()
    frame = pd.DataFrame(numbers, columns=[c.header for c in export.columns], dtype="float64")
    # a column counted in thousands holds the figures as written
    for column in export.columns:
        frame[column.header] = frame[column.header] / column.unit
    frame.insert(0, export.id_header, range(1000, 1000 + len(frame)))
    return frame


@pytest.mark.parametrize("export", EXPORTS[2:4], ids=lambda e: e.name)
def test_columns_the_database_holds_as_numbers_read_the_same(export, tmp_path):
    """A decimal-comma export whose numbers were converted in the database ('1234.5' as the
    engine writes it) still reads as the app reads the file."""
    _, _, sql, (stages, points) = _case(export, tmp_path)
    connection = duckdb.connect()
    connection.register("typed", _typed(export))
    connection.execute("CREATE TABLE leads AS SELECT * FROM typed")
    rows = connection.execute(
        f'SELECT lead_stage, lead_points FROM ({sql}) AS s ORDER BY "{export.id_header}"'
    ).fetchall()
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points


def test_a_number_column_held_as_numbers_in_postgresql_reads_the_same(postgres_url, tmp_path):
    import psycopg

    export = EXPORTS[2]
    _, _, sql, (stages, points) = _case(export, tmp_path)
    frame = _typed(export)
    headers = list(frame.columns)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS leads")
        connection.execute(f'CREATE TABLE leads ("{headers[0]}" integer, '
                           + ", ".join(f'"{h}" numeric(14, 2)' for h in headers[1:]) + ")")
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO leads VALUES ({', '.join(['%s'] * len(headers))})",
                [[None if pd.isna(v) else v for v in row]
                 for row in frame.astype(object).itertuples(index=False)])
        rows = connection.execute(f'SELECT lead_stage, lead_points FROM ({sql}) AS s '
                                  f'ORDER BY "{headers[0]}"').fetchall()
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points


@pytest.mark.parametrize(("cells", "buckets"), [
    (["11-50", "250", "n/a"], True), (["10,001+", "12"], True), (["Over 5,000", "7"], True),
    (["$1M to $5M"], True), (["Under $1M", "$2.5M"], True), (["480,000", "1.234,56 €"], False),
    (["$1.2M", "-5", "12%"], False)])
def test_the_import_notes_which_number_columns_hold_buckets(cells, buckets):
    from workshop.leads import holds_buckets

    assert holds_buckets(pd.Series(cells, dtype="str")) is buckets


def test_the_sql_reads_buckets_only_where_the_import_found_some(tmp_path):
    """The reading of ranges is a long expression: a column of plain numbers goes without."""
    export = next(e for e in EXPORTS if e.name == "linkedin_buckets.csv")
    _, _, with_buckets, _ = _case(export, tmp_path)
    plain = next(e for e in EXPORTS if e.name == "us_accounts.csv")
    _, _, without, _ = _case(plain, tmp_path)
    assert "split_part(" in with_buckets and "split_part(" not in without


def test_the_sql_says_to_load_the_export_as_text(tmp_path):
    """DuckDB's own typing reads a decimal-comma column's '1.200' as 1.2: the file says how
    to load the export so that its cells are read as the app reads them."""
    _, _, sql, _ = _case(EXPORTS[2], tmp_path)
    assert "all_varchar = true" in sql and "text columns" in sql
