"""The rules SQL run over the raw CRM export: date columns hold text as the CRM wrote it
('31/10/2024 14:05', '10/31/2024 2:05 PM', '31.10.2024', '2024-10-31T23:30:00-05:00', 'n/a'),
and the SQL reads each cell in the order the import found for the column (day-first,
month-first), an impossible date (30 February) or a placeholder as missing, never an error.

Every export is built from dates drawn with a fixed seed and written the way the CRM writes
them; each lead's stage and points are worked out in the test from those dates, and the app
(`workshop.evaluate`), DuckDB and PostgreSQL must all agree with them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
import pytest

from workshop import rules
from workshop.definition import Action, Criterion, Definition
from workshop.evaluate import evaluate
from workshop.pipeline import import_leads
from workshop.sql import date_reading

ROWS = 160
PLACEHOLDERS = ("", "", "n/a", "unknown", "-", "TBD")
# A written date: year, month, day, hour, minute (perhaps no such day: 30 February).
Written = tuple[int, int, int, int, int]


def _uk(y, m, d, hh, mm):
    return f"{d:02d}/{m:02d}/{y} {hh:02d}:{mm:02d}"


def _uk_day(y, m, d, hh, mm):
    return f"{d:02d}/{m:02d}/{y}"


def _us(y, m, d, hh, mm):
    return f"{m}/{d}/{y} {(hh % 12) or 12}:{mm:02d} {'PM' if hh >= 12 else 'AM'}"


def _us_day(y, m, d, hh, mm):
    return f"{m:02d}/{d:02d}/{y}"


def _de(y, m, d, hh, mm):
    return f"{d:02d}.{m:02d}.{y} {hh:02d}:{mm:02d}"


def _de_day(y, m, d, hh, mm):
    return f"{d:02d}.{m:02d}.{y}"


def _iso_utc(y, m, d, hh, mm):
    return f"{y}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:00Z"


def _iso_offset(y, m, d, hh, mm):
    # the zone is left out: the date is the one written, as the CRM's users saw it
    return f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:00{'+01:00' if mm % 2 else '-05:00'}"


def _iso_day(y, m, d, hh, mm):
    return f"{y}-{m:02d}-{d:02d}"


@dataclass
class Export:
    name: str
    delimiter: str
    headers: tuple[str, str, str, str]  # id, created, last activity, demo date
    writers: tuple[Callable[..., str], Callable[..., str], Callable[..., str]]

    def rows(self) -> tuple[list[list[str]], list[list[dt.date | None]]]:
        """The cells as written, and the dates they stand for (None: no date)."""
        rng = random.Random(f"{self.name}-dates")
        start = dt.date(2024, 1, 1)
        cells, dates = [], []
        for i in range(ROWS):
            row, meant = [str(1000 + i)], []
            for column, write in enumerate(self.writers):
                chance = rng.random()
                hh, mm = rng.randrange(24), rng.randrange(60)
                if chance < 0.1 + 0.15 * (column == 2):  # a demo is often not booked
                    row.append(rng.choice(PLACEHOLDERS))
                    meant.append(None)
                elif chance > 0.97:  # a day the month does not have
                    row.append(write(2024, 2, rng.choice((30, 31)), hh, mm))
                    meant.append(None)
                else:
                    day = start + dt.timedelta(days=rng.randrange(330))
                    row.append(write(day.year, day.month, day.day, hh, mm))
                    meant.append(day)
            cells.append(row)
            dates.append(meant)
        return cells, dates

    def data(self) -> tuple[bytes, list[list[dt.date | None]]]:
        cells, dates = self.rows()
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.delimiter, lineterminator="\r\n")
        writer.writerow(self.headers)
        writer.writerows(cells)
        return out.getvalue().encode("utf-8"), dates


EXPORTS = [
    Export("close_uk.csv", ",", ("id", "date_created", "date_updated", "custom.Demo Date"),
           (_uk, _uk, _uk_day)),
    Export("hubspot_us.csv", ",", ("Record ID", "Create Date", "Last Activity Date",
                                   "Demo Booked Date"), (_us, _us_day, _us)),
    Export("hubspot_de.csv", ";", ("Datensatz-ID", "Erstellungsdatum", "Letzte Aktivität",
                                   "Demo-Termin"), (_de, _de_day, _de_day)),
    Export("api_iso.csv", ",", ("lead_id", "created_at", "last_activity_at", "demo_at"),
           (_iso_utc, _iso_offset, _iso_day)),
]


def _definition(export: Export, dates: list[list[dt.date | None]]) -> Definition:
    """Created within the last 200 days (must have), active within the last 100 days (20
    points), created on the most common day (5 points), a demo booked (an action, 10 points;
    and the SQL gate), at 20 points."""
    _, created, active, demo = export.headers
    days = [row[0] for row in dates if row[0] is not None]
    common = max(sorted(set(days)), key=days.count)
    return Definition(criteria=[
        Criterion(field=created, op="within_last", days=200),
        Criterion(field=active, op="within_last", days=100, role="nice", points=20),
        Criterion(field=created, op="in", values=[common.isoformat()], role="nice", points=5),
        Criterion(field=demo, op="is_known", gate="sql"),
    ], actions=[Action(field=demo, points=10)], threshold=20)


def _expected(definition: Definition, dates: list[list[dt.date | None]]):
    """Each lead's stage and points from the dates its cells stand for, in plain Python."""
    latest = [max(row[i] for row in dates if row[i] is not None) for i in range(3)]
    common = dt.date.fromisoformat(definition.criteria[2].values[0])
    stages, points = [], []
    for created, active, demo in dates:
        score = (20 if active is not None and (latest[1] - active).days <= 100 else 0) \
            + (5 if created == common else 0) + (10 if demo is not None else 0)
        mql = created is not None and (latest[0] - created).days <= 200 and score >= 20
        sql = mql and demo is not None
        stages.append("SQL" if sql else "MQL" if mql else "Not qualified")
        points.append(score)
    return stages, points


def _case(export: Export, tmp_path):
    data, dates = export.data()
    path = tmp_path / export.name
    path.write_bytes(data)
    definition = _definition(export, dates)
    imported = import_leads(data, export.name)
    app = evaluate(imported.leads, definition).frame
    expected = _expected(definition, dates)
    # the app reads the file as its cells mean: the test's own working agrees with it
    assert app["stage"].astype(str).tolist() == expected[0]
    assert app["points"].tolist() == expected[1]
    assert {"MQL", "SQL", "Not qualified"} <= set(expected[0])
    sql = rules.definition_sql(definition, leads=imported.leads).decode().rstrip().rstrip(";")
    return path, data, sql, expected


def _duckdb_rows(connection, sql: str, id_header: str) -> list[tuple]:
    return connection.execute(f'SELECT lead_stage, lead_points FROM ({sql}) AS s '
                              f'ORDER BY CAST("{id_header}" AS INTEGER)').fetchall()


@pytest.mark.parametrize("export", EXPORTS, ids=lambda e: e.name)
@pytest.mark.parametrize("as_text", [True, False], ids=["all_varchar", "sniffed"])
def test_duckdb_reads_the_raw_exports_dates_as_the_app(export, as_text, tmp_path):
    path, _, sql, (stages, points) = _case(export, tmp_path)
    connection = duckdb.connect()
    text = ", all_varchar = true" if as_text else ""
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}'{text})")
    rows = _duckdb_rows(connection, sql, export.headers[0])
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points


@pytest.mark.parametrize("export", EXPORTS[:3], ids=lambda e: e.name)
def test_the_raw_date_columns_are_text_a_bare_cast_fails_on(export, tmp_path):
    """What the SQL used to do: CAST the column as it is, which stops at '31/10/2024' (or at
    the first placeholder)."""
    path, _, _, _ = _case(export, tmp_path)
    connection = duckdb.connect()
    connection.execute(f"CREATE TABLE leads AS SELECT * FROM read_csv('{path}', "
                       "all_varchar = true)")
    types = dict(connection.execute("SELECT column_name, column_type FROM "
                                    "(DESCRIBE leads)").fetchall())
    demo = export.headers[3]
    assert types[demo] == "VARCHAR"
    with pytest.raises(duckdb.ConversionException):
        connection.execute(f'SELECT CAST("{demo}" AS DATE) FROM leads').fetchall()


def _postgres_table(connection, export: Export, data: bytes) -> None:
    """The export copied as it is into text columns, as RevOps loads a CSV into PostgreSQL."""
    connection.execute("DROP TABLE IF EXISTS leads")
    connection.execute("CREATE TABLE leads ("
                       + ", ".join(f'"{h}" text' for h in export.headers) + ")")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY leads FROM STDIN WITH (FORMAT csv, HEADER true, "
                         f"DELIMITER '{export.delimiter}')") as copy:
            copy.write(data)


def test_postgresql_reads_the_raw_exports_dates_as_the_app(postgres_url, tmp_path):
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for export in EXPORTS:
            _, data, sql, (stages, points) = _case(export, tmp_path)
            _postgres_table(connection, export, data)
            types = {row[0] for row in connection.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'leads'").fetchall()}
            assert types == {"text"}
            with pytest.raises(psycopg.errors.DataError):  # '31/10/2024', '30.02.2024', 'n/a'
                connection.execute(f'SELECT CAST("{export.headers[3]}" AS DATE) FROM leads')
            rows = connection.execute(
                f'SELECT lead_stage, lead_points FROM ({sql}) AS s '
                f'ORDER BY CAST("{export.headers[0]}" AS integer)').fetchall()
            assert [r[0] for r in rows] == stages, export.name
            assert [int(r[1]) for r in rows] == points, export.name


def _typed(export: Export) -> pd.DataFrame:
    """The export as a database holds it once its dates are dates: the created time as a
    timestamp, the others as dates."""
    _, dates = export.data()
    frame = pd.DataFrame({header: [d for d in column] for header, column in
                          zip(export.headers[1:], zip(*dates, strict=True), strict=True)})
    first = export.headers[1]
    frame[first] = pd.to_datetime(frame[first]) + pd.Timedelta(hours=13, minutes=7)
    frame.insert(0, export.headers[0], range(1000, 1000 + len(frame)))
    return frame


def test_columns_the_database_holds_as_dates_read_the_same(tmp_path, postgres_url):
    import psycopg

    export = EXPORTS[0]
    _, _, sql, (stages, points) = _case(export, tmp_path)
    frame = _typed(export)
    connection = duckdb.connect()
    connection.register("typed", frame)
    connection.execute("CREATE TABLE leads AS SELECT * FROM typed")
    types = dict(connection.execute("SELECT column_name, column_type FROM "
                                    "(DESCRIBE leads)").fetchall())
    assert types[export.headers[1]].startswith("TIMESTAMP")
    assert types[export.headers[3]] == "DATE"
    rows = _duckdb_rows(connection, sql, export.headers[0])
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points

    headers = list(frame.columns)
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("DROP TABLE IF EXISTS leads")
        pg.execute(f'CREATE TABLE leads ("{headers[0]}" integer, "{headers[1]}" timestamp, '
                   f'"{headers[2]}" date, "{headers[3]}" date)')
        with pg.cursor() as cursor:
            cursor.executemany("INSERT INTO leads VALUES (%s, %s, %s, %s)",
                               [[None if pd.isna(v) else v for v in row]
                                for row in frame.astype(object).itertuples(index=False)])
        rows = pg.execute(f'SELECT lead_stage, lead_points FROM ({sql}) AS s '
                          f'ORDER BY "{headers[0]}"').fetchall()
    assert [r[0] for r in rows] == stages
    assert [int(r[1]) for r in rows] == points


# Cells as CRMs write them, and the day each means (None: no date) read day-first and
# month-first, worked out by hand.
WRITTEN = [
    ("31/10/2024 14:05", "2024-10-31", None),
    ("10/31/2024 2:05 PM", None, "2024-10-31"),
    ("03/04/2024", "2024-04-03", "2024-03-04"),
    ("3/4/24 9:15 am", "2024-04-03", "2024-03-04"),
    ("1/2/69", "1969-02-01", "1969-01-02"),
    ("31.10.2024", "2024-10-31", None),
    ("31.10.2024, 14:05:19", "2024-10-31", None),
    ("31-10-2024 09h29 UTC", "2024-10-31", None),
    ("29/02/2024 23:59", "2024-02-29", None),
    ("29/02/2023", None, None),
    ("31/02/2024", None, None),
    ("31/10/2024 25:00", None, None),
    ("01/01/1970 00:00", None, None),
    ("01/01/1970 10:00", None, None),
    ("01/01/1970 14:01", "1970-01-01", "1970-01-01"),
    ("01/01/1970 2:00 PM", None, None),
    ("31/12/1969 19:00", None, None),
    ("12/31/1969 7:00 pm", None, None),
    ("31/12/1969 09:59", "1969-12-31", None),
    ("1969-12-31T19:00:00-05:00", None, None),
    ("2024-10-31T23:30:00Z", "2024-10-31", "2024-10-31"),
    ("2024-10-31 23:30:00-05:00", "2024-10-31", "2024-10-31"),
    ("2024-10-31T14:05:00.123+0100", "2024-10-31", "2024-10-31"),
    ("2024-10-31 10:00 UTC", "2024-10-31", "2024-10-31"),
    ("2024/10/31", "2024-10-31", "2024-10-31"),
    ("2024-1-5", "2024-01-05", "2024-01-05"),
    ("2000-02-29", "2000-02-29", "2000-02-29"),
    ("1900-02-29", None, None),
    ("1970-01-01T00:00:00+01:00", None, None),
    ("1899-12-31", None, None),
    ("9999-12-31", None, None),
    ("0000-00-00", None, None),
    ("n/a", None, None),
    ("unknown", None, None),
    ("  ", None, None),
    ("12345", None, None),
    (None, None, None),
]


def _read_by_engine(execute, order: str) -> list[str | None]:
    reading = date_reading('"v"', order)
    return [r[0] for r in execute(f"SELECT CAST({reading} AS VARCHAR) FROM cells ORDER BY i")]


@pytest.mark.parametrize("order", ["day-first", "month-first"])
def test_each_written_date_reads_as_the_import_reads_it(order, postgres_url):
    import psycopg

    from workshop.leads import parse_date

    wanted = [day if order == "day-first" else month for _, day, month in WRITTEN]
    cells = [cell for cell, _, _ in WRITTEN]
    app = parse_date(pd.Series(cells, dtype="str"), order)
    assert [None if pd.isna(d) else f"{d:%Y-%m-%d}" for d in app] == wanted
    connection = duckdb.connect()
    connection.execute("CREATE TABLE cells (i INTEGER, v VARCHAR)")
    connection.executemany("INSERT INTO cells VALUES (?, ?)", list(enumerate(cells)))
    assert _read_by_engine(lambda q: connection.execute(q).fetchall(), order) == wanted
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("DROP TABLE IF EXISTS cells")
        pg.execute("CREATE TABLE cells (i integer, v text)")
        with pg.cursor() as cursor:
            cursor.executemany("INSERT INTO cells VALUES (%s, %s)", list(enumerate(cells)))
        assert _read_by_engine(lambda q: pg.execute(q).fetchall(), order) == wanted


def test_spreadsheet_day_numbers_read_as_dates(postgres_url):
    """A date column saved as 'General' (45596 for 2024-10-31) reads as the import reads it."""
    import psycopg

    cells = ["45596", "45596.75", "45352", "n/a", "", "99999999999"]
    wanted = ["2024-10-31", "2024-10-31", "2024-03-01", None, None, None]
    reading = date_reading('"v"', "spreadsheet day numbers")
    query = f"SELECT CAST({reading} AS VARCHAR) FROM cells ORDER BY i"
    connection = duckdb.connect()
    connection.execute("CREATE TABLE cells (i INTEGER, v VARCHAR)")
    connection.executemany("INSERT INTO cells VALUES (?, ?)", list(enumerate(cells)))
    assert [r[0] for r in connection.execute(query).fetchall()] == wanted
    with psycopg.connect(postgres_url, autocommit=True) as pg:
        pg.execute("DROP TABLE IF EXISTS cells")
        pg.execute("CREATE TABLE cells (i integer, v text)")
        with pg.cursor() as cursor:
            cursor.executemany("INSERT INTO cells VALUES (%s, %s)", list(enumerate(cells)))
        assert [r[0] for r in pg.execute(query).fetchall()] == wanted
