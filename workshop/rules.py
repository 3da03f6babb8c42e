"""The agreed definition in the forms the people who run the CRM work with: the definition JSON,
an SQL query giving every lead its stage and points, and a points table (criterion, condition,
points, gate) as CSV, the shape lead-scoring tools in CRMs are configured with."""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from workshop.definition import RANGE_OPS, Criterion, Definition
from workshop.evaluate import export_headers, missing_columns
from workshop.lead_export import safe_cell
from workshop.leads import column_readings, header_columns
from workshop.mapping import UNITS
from workshop.operators import exact, operator
from workshop.preview import no_column_sentence
from workshop.sql import (
    BOOLEAN,
    DATE,
    DERIVED_FROM,
    NUMBER,
    OUTPUTS,
    column_kind,
    derived_for,
    quote_identifier,
    readings_for,
    table_columns,
    to_sql,
    types_for,
    used_fields,
)
from workshop.text import without_bidi_overrides

POINTS_COLUMNS = ("criterion", "field", "condition", "points", "role", "gate", "note")


def points_rows(definition: Definition, types: Mapping[str, str] | None = None,
                columns: Mapping[str, str] | None = None,
                readings: Mapping[str, object] | None = None) -> list[dict[str, object]]:
    """One row per rule: must-haves (0 points, their gate), nice-to-haves (their points),
    disqualifiers, then the conversion actions; the threshold last. `types` (field -> column
    kind, `workshop.sql.types_for`) says how an action's column is read; `columns` (field ->
    the export's header, as the SQL names them) names each rule's column as the CRM does;
    `readings` (`workshop.sql.readings_for`) how the export wrote its numbers, so a bound is
    written as the CRM's column holds it (10 on a column in millions, not 10,000,000)."""
    named = columns or {}
    read = readings or {}
    rows: list[dict[str, object]] = []
    for criterion in definition.criteria:
        role = {"must": "must have", "nice": "nice to have"}.get(criterion.role, criterion.role)
        rows.append({
            "criterion": criterion.sentence(),
            "field": named.get(criterion.field, criterion.field),
            "condition": _condition(criterion, read.get(criterion.field)),
            "points": criterion.points if criterion.role == "nice" else 0,
            "role": role,
            "gate": criterion.gate.upper() if criterion.role == "must" else "",
            "note": _note(criterion, read.get(criterion.field)),
        })
    for action in definition.actions:
        rows.append({"criterion": action.sentence(),
                     "field": named.get(action.field, action.field),
                     "condition": _action_condition(action.field, types),
                     "points": action.points,
                     "role": "conversion action", "gate": "", "note": ""})
    rows.append({"criterion": f"MQL threshold: at least {definition.threshold} points",
                 "field": "", "condition": "points at least", "points": definition.threshold,
                 "role": "threshold", "gate": "MQL", "note": ""})
    return rows


def _condition(criterion, reading=None) -> str:
    """'in: Software | Retail', 'between: 100 and 2000', 'at_least: 10000', 'is_true'; a
    bound on a column the export writes in thousands or millions in that unit (10 on a column
    in millions, as the CRM's column holds it)."""
    unit = getattr(reading, "unit", 1.0) or 1.0
    if criterion.op in RANGE_OPS and unit != 1.0:
        criterion = criterion.model_copy(update={
            "low": None if criterion.low is None else criterion.low / unit,
            "high": None if criterion.high is None else criterion.high / unit})
    return operator(criterion.op).points_cell(criterion)


def _note(criterion, reading=None) -> str:
    """How to read a number rule's column, when the condition alone would mislead: its unit,
    and that a range written in a cell ('11-50') counts as its middle."""
    if criterion.op not in RANGE_OPS or reading is None:
        return ""
    notes = []
    unit = getattr(reading, "unit", 1.0) or 1.0
    if unit != 1.0:
        notes.append(f"the column is in {UNITS.get(unit, f'units of {exact(unit)}')}")
    if getattr(reading, "buckets", False):
        notes.append("a range written in the column (11-50) counts as its middle")
    return "; ".join(notes)


def _action_condition(field: str, types: Mapping[str, str] | None) -> str:
    """When an action counts, as the condition of the rule that means the same on its column
    (an action is done at a count above zero, a yes or a date present): 'at_least: 1' on a
    count, 'is_known' on a date, 'is_true' on a yes/no (or a column of unknown kind, where
    is_true means all three)."""
    kind = column_kind(field, types)
    if kind == NUMBER:
        criterion = Criterion(field=field, op="at_least", low=1)
    else:
        criterion = Criterion(field=field, op="is_known" if kind == DATE else "is_true")
    return _condition(criterion)


def points_csv(definition: Definition, *, leads=None,
               columns: Mapping[str, str] | None = None) -> bytes:
    """The points table as UTF-8 CSV (with a BOM, for Excel); typed text cannot run as a
    spreadsheet formula. With `leads` (the workshop's), an action's condition follows how
    its column was read (a count, a yes/no, a date); with `columns`, each rule names its
    column as the export does ("Branche", not industry)."""
    types = types_for(leads, definition) if leads is not None else None
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=POINTS_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    readings = readings_for(leads, definition) if leads is not None else None
    for row in points_rows(definition, types, columns, readings):
        writer.writerow({k: safe_cell(without_bidi_overrides(v)) if isinstance(v, str) else v
                         for k, v in row.items()})  # no invisible marks in a spreadsheet
    return "\ufeff".encode() + out.getvalue().encode()


def definition_json(definition: Definition, about: Mapping[str, object] | None = None) -> bytes:
    """The definition JSON, with its schema version and where it comes from (`about`: company,
    title, version, who signed and when): importing it gives the same definition."""
    return definition.to_file_json(dict(about or {})).encode()


def definition_sql(definition: Definition, *, table: str = "leads",
                   columns: Mapping[str, str] | None = None,
                   types: Mapping[str, str] | None = None, leads=None,
                   mapping=None) -> bytes:
    """A commented SELECT giving every lead its stage and points. `columns` maps lead fields
    to the table's column names (an export's mapping); `types` says how each field's column
    is stored (`workshop.sql.column_kind`: catalog fields are known, others read as text).
    `leads`, the workshop's leads read from the table's export, gives both (unless given) and
    the table's columns, so the SQL reads every column as the app did (a number's text with
    its decimal mark and unit) and replaces a lead_stage / lead_points the table already has.

    A field the app works out itself (a seniority from the job title) is worked out from the
    same column of the table; where the SQL cannot work it out as the app does, the file says
    so in one sentence instead of holding a query that fails or counts differently. An existing
    customer is one whose own deal was not won: `mapping` (`workshop.mapping.Mapping`), the one
    `leads` were read with, says whether their outcome came from the deal stage's own words,
    which the SQL reads too (from an outcome column chosen on the import page, it cannot)."""
    known = readings = None
    derived: dict[str, str] = {}
    if leads is not None:
        columns = export_headers(leads, definition) if columns is None else columns
        types = types_for(leads, definition) if types is None else types
        known = table_columns(leads)
        readings = readings_for(leads, definition)
        refused = sql_refusal(definition, leads, mapping)
        if refused:  # no query, so no columns it would read either
            return ("-- Ideal lead definition: no SQL is written for this export.\n"
                    f"-- {_shown(refused)}\n").encode()
        derived = derived_for(leads, definition, mapping)
        columns, types, readings = _with_sources(leads, derived, columns, types, readings)
    return (_sql_header(definition, table, columns or {}, types, known, derived)
            + to_sql(definition, table=table, columns=columns, types=types,
                     table_columns=known, readings=readings, derived=derived)
            + ";\n").encode()


def sql_refusal(definition: Definition, leads=None, mapping=None) -> str:
    """Why the SQL download holds no query for these leads, in one sentence ("" when it
    holds one): said on the page beside the button, not only inside the file."""
    if leads is None:
        return ""
    missing = no_column_sentence(missing_columns(leads, definition),
                                 ": the SQL would name a column the export lacks")
    if missing:
        return missing
    try:
        derived_for(leads, definition, mapping)
    except ValueError as refused:
        return str(refused)
    return ""


def _with_sources(leads, derived: Mapping[str, str], columns: Mapping[str, str],
                  types: Mapping[str, str], readings: Mapping[str, object]):
    """The layout with the columns the derived fields are worked out from: their headers and
    how the import read them (a created date's order); a personal e-mail is a yes/no."""
    columns, types, readings = dict(columns), dict(types), dict(readings)
    header_of = {column: header for header, column in header_columns(leads).items()}
    read = column_readings(leads)
    for field, column in derived.items():
        source = DERIVED_FROM[column]
        columns.setdefault(source, header_of[source])
        if source in read:
            readings.setdefault(source, read[source])
        if column in ("personal_email", "is_customer"):
            types[field] = BOOLEAN
    return columns, types, readings


_READ_AS = {NUMBER: "a number, or its text as the export wrote it ('1.234,56 €')",
            DATE: "a date, or its text as the export wrote it ('31/10/2024 14:05')",
            BOOLEAN: "yes/no (a boolean)", "text": "text"}


def _sql_header(definition: Definition, table: str, columns: Mapping[str, str],
                types: Mapping[str, str] | None, known: list[str] | None,
                derived: Mapping[str, str] | None = None) -> str:
    """What the file is for, in SQL comments: the engines it is written for (it uses strpos()
    and SIMILAR TO, which SQLite lacks), the table and columns it reads and what it adds."""
    lines = [
        "Ideal lead definition: every lead's stage (SQL / MQL / Not qualified) and points.",
        "Written for DuckDB and PostgreSQL (it uses strpos() and SIMILAR TO: not SQLite).",
        f"Reads the table {_shown(quote_identifier(table))}, one row per lead; "
        "identifiers are quoted and literals escaped.",
        "Returns the table's columns plus lead_stage and lead_points.",
        "Load the export with every column as text, as the CRM wrote it, so each cell is read "
        "as the app reads it (DuckDB: read_csv('export.csv', all_varchar = true); "
        "PostgreSQL: text columns, then COPY ... WITH (FORMAT csv, HEADER true)). A database "
        "that types columns itself may read '1.200' as 1.2 or move a date with a time zone.",
    ]
    if known is not None and set(OUTPUTS) & set(known):
        lines.append("The table's own lead_stage and lead_points (an earlier export) are "
                     "left out: these replace them.")
    elif known is None:
        lines.append("If the table has lead_stage or lead_points already (an earlier export), "
                     "drop them first.")
    fields = used_fields(definition)
    if fields:
        lines.append("Columns it reads (text compares ignoring case, spaces, '_' and '-'):")
        for field in fields:
            if derived and field in derived:
                sources = [DERIVED_FROM[derived[field]]]
                if derived[field] == "is_customer" and "outcome" in derived:
                    sources.append(DERIVED_FROM["outcome"])  # its own deal won: no customer
                name = " and ".join(_shown(quote_identifier(columns.get(s, s))) for s in sources)
                lines.append(f"  {name}: {field} is worked out from "
                             f"{'them' if len(sources) > 1 else 'it'} as the app does")
                continue
            name = _shown(quote_identifier(columns.get(field, field)))
            lines.append(f"  {name}: {_READ_AS[column_kind(field, types)]}")
    return "".join(f"-- {line}\n" for line in lines)


def _shown(text: str) -> str:
    """`text` on one comment line: a line break in a column name would end the comment."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
